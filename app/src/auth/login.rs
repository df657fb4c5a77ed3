//! The sign-in page. A plain HTML form that works before (or without) the WASM:
//! without JavaScript the browser posts it, the server redirects back, and the
//! error travels in the URL for the server-rendered page to show.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::Login;
use crate::i18n::{k, t, use_locale};

#[component]
pub fn LoginPage() -> impl IntoView {
    // Created here, inside the routes: after a no-JS post the server passes an error
    // back in the URL, and only an action created under <Routes> picks it up.
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let locale = use_locale();
    let error = move || login.value().get().and_then(Result::err).map(|e| e.message(locale));
    crate::shell::load_page_after(login, move || super::safe_next(Some(&next())));
    let signed_out = move || query.read().get("signed_out").is_some();

    view! {
        <main id="main" class="auth-page">
            <section class="auth-card" aria-labelledby="login-title">
                <p class="brand">"Onboard"</p>
                <h1 id="login-title">{t(k::LOGIN_TITLE)}</h1>
                <Show when=signed_out>
                    <p class="notice" role="status">{t(k::LOGIN_SIGNED_OUT)}</p>
                </Show>
                <ActionForm action=login attr:class="stack" attr:novalidate="">
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="login-email">{t(k::LOGIN_EMAIL)}</label>
                        <input id="login-email" name="email" type="email" autocomplete="username" required autofocus />
                    </div>
                    <div class="field">
                        <label for="login-password">{t(k::LOGIN_PASSWORD)}</label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    <p class="form-error" role="alert" aria-live="assertive">
                        {error}
                    </p>
                    <button type="submit" class="button primary" disabled=move || login.pending().get()>
                        {t(k::LOGIN_SUBMIT)}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
