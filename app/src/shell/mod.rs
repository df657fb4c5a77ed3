//! The app shell: layout, navigation, user menu, language switcher, and the page
//! language and signed-in user every component can ask for.

mod home;
mod language;
mod layout;
mod not_found;
mod offline;
pub mod pwa;

pub use home::HomePage;
pub use language::{LanguageSwitcher, SetLocale};
pub use layout::Layout;
pub use not_found::NotFound;
pub use offline::{OFFLINE_MARKER, OfflinePage};

use chrono::{DateTime, Utc};
use domain::Locale;
use leptos::prelude::*;

use crate::auth::{Role, UserInfo, current_user};
use crate::error::AppError;
use crate::i18n::{k, t};

/// The cookie that remembers the chosen language.
pub const LOCALE_COOKIE: &str = "onboard_locale";

/// The signed-in user, loaded once per page and again on every navigation, so sign-in,
/// sign-out and an expired session show at the next click.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<UserInfo>, AppError>>);

/// Provides the user resource to the routes (inside the `<Router>`, which it follows).
#[component]
pub fn ShellContext(children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    provide_context(UserResource(user));
    children()
}

/// The signed-in user as a signal (`None` while loading or when signed out).
pub fn use_user() -> Signal<Option<UserInfo>> {
    let res = expect_context::<UserResource>().0;
    Signal::derive(move || res.get().and_then(Result::ok).flatten())
}

/// The page's language: on the server from the request, in the browser from `<html lang>`
/// (which the server wrote), so both sides render the same text.
pub fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        request_locale()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Locale::from_tag(&l))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Locale::default()
        }
    }
}

/// The language a request asks for: the language cookie, then `Accept-Language`, then English.
pub fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|p| locale_from_headers(&p.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        page_locale()
    }
}

pub fn locale_from_headers(headers: &http::HeaderMap) -> Locale {
    let from_cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LOCALE_COOKIE)
        .and_then(|(_, value)| Locale::from_tag(value));
    from_cookie
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default()
}

/// Loads `path` as a whole new page once `action` has succeeded: after sign-in, sign-out
/// or setup the session changed, and the server-rendered page reads it fresh.
pub fn load_page_after<T, E>(action: ServerAction<T>, path: impl Fn() -> String + 'static)
where
    T: leptos::server_fn::ServerFn<Output = (), Error = E> + Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(())))
            && let Some(w) = web_sys::window()
        {
            let _ = w.location().assign(&path());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (action, path);
}

pub fn role_label(role: Role) -> &'static str {
    t(match role {
        Role::Admin => k::ROLE_ADMIN,
        Role::BillingAdmin => k::ROLE_BILLING_ADMIN,
        Role::Technician => k::ROLE_TECHNICIAN,
    })
}

/// An instant (stored in UTC) as the user reads it: the date in their locale's format
/// and the time, marked UTC so nobody mistakes it for local time.
pub fn format_instant(at: DateTime<Utc>, locale: Locale) -> String {
    use chrono::Timelike;
    // Not `at.format("%H:%M")`: chrono's format-string machinery would be linked into the
    // first load for this one use.
    format!(
        "{} {:02}:{:02} UTC",
        domain::format::format_date(at.date_naive(), locale),
        at.hour(),
        at.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_beats_accept_language() {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::ACCEPT_LANGUAGE, "es-ES,es;q=0.9".parse().unwrap());
        assert_eq!(locale_from_headers(&h), Locale::Es);
        h.insert(http::header::COOKIE, "a=b; onboard_locale=de; c=d".parse().unwrap());
        assert_eq!(locale_from_headers(&h), Locale::De);
        assert_eq!(locale_from_headers(&http::HeaderMap::new()), Locale::En);
    }
}
