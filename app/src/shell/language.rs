//! The language switcher: a form that sets the language cookie. Works without
//! JavaScript (the server redirects back); with it, the page reloads in the new language.

use domain::Locale;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{k, t, use_locale};

/// Remembers the chosen language for a year in a cookie.
#[server(prefix = "/api", endpoint = "locale")]
pub async fn set_locale(locale: Locale) -> Result<(), AppError> {
    crate::server::public(|_ctx| async move {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            super::LOCALE_COOKIE,
            locale.tag()
        );
        let options = expect_context::<leptos_axum::ResponseOptions>();
        let value = http::HeaderValue::from_str(&cookie).map_err(|e| crate::server::internal("cookie", e))?;
        options.append_header(http::header::SET_COOKIE, value);
        Ok(())
    })
    .await
}

#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let action = ServerAction::<SetLocale>::new();
    let current = use_locale();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(())))
            && let Some(w) = web_sys::window()
        {
            let _ = w.location().reload();
        }
    });
    view! {
        <ActionForm action=action attr:class="language-switcher">
            <label for="language-select">{t(k::LANG_LABEL)}</label>
            <select id="language-select" name="locale">
                {Locale::ALL.into_iter().map(|l| view! {
                    <option value=l.tag() selected=l == current lang=l.tag()>{l.native_name()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button small">{t(k::LANG_APPLY)}</button>
        </ActionForm>
    }
}
