//! The start page after sign-in: who you are, today's date, where to go next.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{role_label, use_user};
use crate::auth::Permission;
use crate::i18n::{k, t, text_with, use_locale};

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let user = use_user();
    let today = domain::format::format_date(Utc::now().date_naive(), locale);
    view! {
        <Title text=t(k::HOME_TITLE) />
        {move || user.get().map(|u| view! {
            <header class="page-header">
                <h1>{text_with(locale, k::HOME_GREETING, &[("name", &u.name)])}</h1>
                <p class="muted">
                    {text_with(locale, k::HOME_ROLE, &[("role", role_label(u.role))])} " · "
                    {text_with(locale, k::HOME_TODAY, &[("date", &today)])}
                </p>
            </header>
            <section class="card">
                <h2>{t(k::HOME_NEXT_TITLE)}</h2>
                <p>{t(k::HOME_NEXT_TEXT)}</p>
                {u.can(Permission::ManageUsers).then(|| view! {
                    <a class="button primary" href="/settings/users">{t(k::HOME_MANAGE_USERS)}</a>
                })}
            </section>
        })}
    }
}
