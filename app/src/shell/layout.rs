//! The signed-in frame: header with navigation and user menu, then the page.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

use super::{LanguageSwitcher, UserResource, role_label};
use crate::auth::{Logout, Permission, UserInfo};
use crate::i18n::{k, t, use_locale};

#[component]
pub fn Layout() -> impl IntoView {
    let user = expect_context::<UserResource>().0;
    let location = use_location();
    let locale = use_locale();
    let login_path = move || crate::auth::sign_in_url(&location.pathname.get());
    view! {
        <a class="skip-link" href="#main">{t(k::NAV_SKIP)}</a>
        <Suspense fallback=|| ()>
            {move || user.get().map(|r| match r {
                Ok(Some(u)) => view! {
                    <Header user=u />
                    <main id="main" class="page" tabindex="-1">
                        <Outlet />
                    </main>
                }.into_any(),
                Ok(None) => view! { <Redirect path=login_path() /> }.into_any(),
                Err(e) => view! {
                    <main id="main" class="page"><p class="form-error" role="alert">{e.message(locale)}</p></main>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Header(user: UserInfo) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    super::load_page_after(logout, || "/login?signed_out=1".to_string());
    // The outbox sends this user's offline submissions; the wizard is kept for offline use.
    let (id, can_create) = (user.id, user.can(Permission::CreateCustomer));
    Effect::new(move |_| {
        super::pwa::set_user(Some(id));
        if can_create {
            super::pwa::keep_for_offline("/customers/new");
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Onboard"</a>
            <nav aria-label=t(k::NAV_MAIN) class="mainnav">
                <ul>
                    <li><A href="/customers">{t(k::NAV_CUSTOMERS)}</A></li>
                    // Technicians read contracts but manage no sales items: their
                    // Sales & billing opens on the contracts.
                    {user.can(Permission::ReadBilling).then(|| {
                        let href = if user.can(Permission::ManageSales) { "/sales" } else { "/contracts" };
                        view! { <li><A href=href>{t(k::NAV_SALES_BILLING)}</A></li> }
                    })}
                    <li><A href="/tickets">{t(k::NAV_SERVICE_DESK)}</A></li>
                    {crate::settings::settings_home(&user).map(|href| view! {
                        <li><A href=href>{t(k::NAV_SETTINGS)}</A></li>
                    })}
                </ul>
            </nav>
            <details class="usermenu">
                <summary>
                    <span class="avatar" aria-hidden="true">{initials(&user.name)}</span>
                    <span class="usermenu-name">{user.name.clone()}</span>
                </summary>
                <div class="usermenu-panel">
                    <p class="usermenu-who">
                        <strong>{user.name.clone()}</strong>
                        <span class="muted">{user.email.clone()}</span>
                        <span class="badge">{role_label(user.role)}</span>
                    </p>
                    <LanguageSwitcher />
                    <ActionForm action=logout>
                        <button type="submit" class="button">{t(k::USER_LOGOUT)}</button>
                    </ActionForm>
                </div>
            </details>
        </header>
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials() {
        assert_eq!(super::initials("Jürgen Müller"), "JM");
        assert_eq!(super::initials("ana"), "A");
    }
}
