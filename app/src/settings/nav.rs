use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{k, t};

/// The tabs of Settings.
#[component]
pub fn SettingsNav() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label=t(k::NAV_SETTINGS)>
            <A href="/settings/users">{t(k::USERS_TITLE)}</A>
            <A href="/settings/slas">{t(k::SETTINGS_SLAS)}</A>
            <A href="/settings/alert-profiles">{t(k::SETTINGS_ALERT_PROFILES)}</A>
            <A href="/settings/services">{t(k::CATALOGUE_TITLE)}</A>
            <A href="/settings/import">{t(k::IMPORT_TITLE)}</A>
            <A href="/settings/api-tokens">{t(k::API_TOKENS_TITLE)}</A>
        </nav>
    }
}
