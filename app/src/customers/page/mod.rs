//! `/customers/{id}` and `/customers/{id}/{tab}`: the customer page with its tabs.
//! The page loads the customer once; each tab's editor starts from that data and saves
//! through its own server function with the customer's version (optimistic concurrency).

mod billing;

pub use billing::BillingForm;

/// The name of a billing form field in the user's language ("Tax region").
pub fn billing_field_label(path: &str) -> String {
    overview::field_label(path)
}
mod contacts;
mod contracts;
mod editor;
mod general;
mod overview;
mod portal;
mod readiness;
mod team;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::audit::{AuditView, customer_history};
use super::structure::{GroupReport, customer_group_report};
use super::team::{StaffOption, staff_options};
use super::{CustomerDetail, get_customer};
use crate::auth::Permission;
use crate::error::AppError;
use crate::i18n::{Key, k, t, use_locale};
use crate::shell::use_user;

/// The tabs, in order: (path segment, label).
const TABS: [(&str, Key); 10] = [
    ("", k::CUSTOMER_OVERVIEW),
    ("contacts", k::CUSTOMER_CONTACTS),
    ("tickets", k::TICKETS_TITLE),
    ("time", k::TIME_TITLE),
    ("contracts", k::CUSTOMER_CONTRACTS),
    ("sales", k::TAB_SALES),
    ("billing", k::TAB_BILLING),
    ("team", k::TAB_TEAM),
    ("portal", k::TAB_PORTAL),
    ("settings", k::TAB_SETTINGS),
];

/// What every tab reads: a way to load the customer again, and the "saved" notice that
/// outlives the reload (the editors are rebuilt from the fresh data).
///
/// Every resource of the page is created here, at the top, never inside a tab: resources
/// created inside an already-resolved Suspense break hydration.
#[derive(Clone, Copy)]
pub struct PageData {
    pub reload: Callback<()>,
    pub saved: RwSignal<bool>,
    /// The newest page of the audit trail.
    pub history: Resource<Result<Vec<AuditView>, AppError>>,
    /// Staff to pick as account manager or team member.
    pub staff: Resource<Result<Vec<StaffOption>, AppError>>,
    /// The customer with all its descendants.
    pub group: Resource<Result<GroupReport, AppError>>,
    /// Services in use, loaded only while the Billing tab is shown.
    pub usage: crate::usage::UsageData,
}

impl PageData {
    /// Loads the customer again (someone else's values, after a conflict).
    pub fn reload(&self) {
        self.saved.set(false);
        self.reload.run(())
    }

    /// After a successful save: says so and loads the customer again.
    pub fn saved(&self) {
        self.reload.run(());
        self.saved.set(true);
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    // A memo: only a real change of tab switches the panel, and the page around it stays.
    let tab = Memo::new(move |_| params.read().get("tab").unwrap_or_default());
    let generation = RwSignal::new(0u32);
    let customer = Resource::new(
        move || (id(), generation.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_customer(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let saved = RwSignal::new(false);
    let history = Resource::new(
        move || (id(), generation.get()),
        |(id, _)| async move {
            match id {
                Some(id) => customer_history(id, None).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let staff = Resource::new(|| (), |_| staff_options());
    let group = Resource::new(
        move || (id(), generation.get()),
        |(id, _)| async move {
            match id {
                Some(id) => customer_group_report(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let usage = crate::usage::UsageData::new(move || id().filter(|_| tab.with(|t| t == "billing")));
    provide_context(PageData {
        reload: Callback::new(move |_| generation.update(|g| *g += 1)),
        saved,
        history,
        staff,
        group,
        usage,
    });
    // A notice belongs to the tab it was given on.
    Effect::new(move |_| {
        tab.track();
        saved.set(false);
    });
    let locale = use_locale();
    view! {
        <p class="status save-notice" role="status" id="save-status">{move || saved.get().then(|| t(k::EDIT_SAVED))}</p>
        // Transition, not Suspense: a reload after a save keeps the page on screen.
        <Transition fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || customer.get().map(|r| match r {
                Ok(c) => view! { <Tabs c=c tab=tab /> }.into_any(),
                Err(AppError::NotOnTeam) => view! {
                    <Title text=t(k::CUSTOMERS_TITLE) />
                    <header class="page-header"><h1>{t(k::CUSTOMERS_TITLE)}</h1></header>
                    <section class="card notice" role="alert">
                        <h2>{t(k::CUSTOMER_NOT_VISIBLE)}</h2>
                        <p>{AppError::NotOnTeam.message(locale)}</p>
                        <p><a href="/customers">{t(k::CUSTOMERS_BACK)}</a></p>
                    </section>
                }.into_any(),
                Err(e) => view! {
                    <header class="page-header"><h1>{t(k::CUSTOMERS_TITLE)}</h1></header>
                    <p class="form-error" role="alert">{e.message(locale)}</p>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Tabs(c: CustomerDetail, tab: Memo<String>) -> impl IntoView {
    let locale = use_locale();
    let base = format!("/customers/{}", c.id);
    let current = Memo::new(move |_| tab.with(|t| TABS.iter().position(|(seg, _)| seg == t).unwrap_or(0)));
    // Sales items are for admins and billing admins only (the server refuses the rest).
    let may_sell = can(Permission::ManageSales).get_untracked();
    let detail = StoredValue::new(c.clone());
    let content = move || {
        let c = detail.get_value();
        match TABS[current.get()].0 {
            "contacts" => view! { <contacts::ContactsTab c=c /> }.into_any(),
            "contracts" => view! { <contracts::ContractsTab c=c /> }.into_any(),
            "sales" => view! { <crate::sales::SalesItemsList customer=c.id /> }.into_any(),
            "tickets" => view! { <crate::tickets::CustomerTickets customer=c.id /> }.into_any(),
            "time" => view! { <crate::time::CustomerTime customer=c.id /> }.into_any(),
            "billing" => view! { <billing::BillingTab c=c /> }.into_any(),
            "team" => view! { <team::TeamTab c=c /> }.into_any(),
            "portal" => view! { <portal::PortalTab c=c /> }.into_any(),
            "settings" => view! { <general::SettingsTab c=c /> }.into_any(),
            _ => view! { <overview::OverviewTab c=c /> }.into_any(),
        }
    };
    view! {
        <Title text=c.name.clone() />
        <header class="page-header">
            <p class="muted"><a href="/customers">{t(k::CUSTOMERS_TITLE)}</a></p>
            <h1>
                {c.name.clone()}
                {c.archived.then(|| view! { " " <span class="badge muted">{t(k::CUSTOMER_ARCHIVED)}</span> })}
            </h1>
            <p class="muted">{t(k::CUSTOMER_CREATED)} " " {domain::format::format_date(c.created_at.date_naive(), locale)}</p>
        </header>
        <nav class="tabs" aria-label=t(k::TAB_LABEL)>
            {TABS.iter().enumerate().filter(|(_, (seg, _))| *seg != "sales" || may_sell).map(|(i, (seg, label))| {
                let href = if seg.is_empty() { base.clone() } else { format!("{base}/{seg}") };
                view! {
                    // rel=external: a full page load per tab. Switching the panel in place
                    // hit a disposed-signal panic in the router (see docs/ARCHITECTURE.md).
                    <a href=href rel="external" aria-current=move || (i == current.get()).then_some("page")>{t(*label)}</a>
                }
            }).collect_view()}
        </nav>
        <div class="tab-panel">{content}</div>
    }
}

/// Whether the signed-in user may do `permission` (the server checks again).
pub fn can(permission: Permission) -> Signal<bool> {
    let user = use_user();
    Signal::derive(move || user.get().is_some_and(|u| u.can(permission)))
}
