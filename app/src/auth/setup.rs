//! First run: while no user exists, `/setup` creates the first admin (the CLI's
//! `onboard create-admin` does the same). Once a user exists the page and its server
//! function refuse, so it cannot be used to take over an installed system.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{k, t, use_locale};
use crate::users::{NewUserFields, NewUserValues};

/// Whether the system still needs its first admin.
#[server(prefix = "/api", endpoint = "setup/status")]
pub async fn setup_needed() -> Result<bool, AppError> {
    crate::server::public(|ctx| async move { Ok(!crate::users::db::any_user(&ctx.pool).await?) }).await
}

/// Creates the first admin and signs them in; refused once any user exists.
#[server(prefix = "/api", endpoint = "setup")]
pub async fn create_first_admin(name: String, email: String, password: String) -> Result<(), AppError> {
    crate::server::public(|mut ctx| async move {
        let new = crate::users::NewUser::parse(&name, &email, super::Role::Admin, &password)?;
        let id = crate::users::db::create_first_admin(&ctx.pool, new).await?;
        let user = super::backend::Backend::uncached(ctx.pool.clone());
        let user = axum_login::AuthnBackend::get_user(&user, &id)
            .await?
            .ok_or(AppError::Internal)?;
        ctx.auth
            .login(&user)
            .await
            .map_err(|e| crate::server::internal("session login", e))?;
        crate::server::redirect_form_post("/");
        Ok(())
    })
    .await
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let needed = Resource::new(|| (), |_| setup_needed());
    let create = ServerAction::<CreateFirstAdmin>::new();
    crate::shell::load_page_after(create, || "/".to_string());
    let locale = use_locale();
    let values = NewUserValues::new();
    let result = move || create.value().get().and_then(Result::err);
    let general = move || {
        result()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
            .map(|e| e.message(locale))
    };

    view! {
        <main id="main" class="auth-page">
            <section class="auth-card" aria-labelledby="setup-title">
                <p class="brand">"Onboard"</p>
                <h1 id="setup-title">{t(k::SETUP_TITLE)}</h1>
                <Suspense fallback=|| ()>
                    {move || needed.get().map(|needed| match needed {
                        Ok(true) => view! {
                            <p>{t(k::SETUP_INTRO)}</p>
                            <ActionForm action=create attr:class="stack" attr:novalidate="">
                                <NewUserFields
                                    form_id="setup"
                                    values=values
                                    server_error=Signal::derive(result)
                                    password_label=k::LOGIN_PASSWORD
                                    email_autocomplete="username"
                                />
                                <p class="form-error" role="alert">{general}</p>
                                <button type="submit" class="button primary">{t(k::SETUP_SUBMIT)}</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(false) => view! {
                            <p>{t(k::SETUP_DONE)}</p>
                            <a class="button primary" href="/login">{t(k::LOGIN_SUBMIT)}</a>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                    })}
                </Suspense>
            </section>
        </main>
    }
}
