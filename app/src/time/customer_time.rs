//! The customer page's Time tab: every entry logged for the customer (on its tickets or
//! without one), newest first and paged, with what is worked, approved and still to be
//! invoiced; one's own drafts and rejected entries can be changed here too.

use leptos::prelude::*;
use uuid::Uuid;

use super::form::{Target, TimeEntryForm};
use super::table::{Actions, EntriesTable, Mode};
use super::{TimeCursor, TimeEntryRow, TimeQuery, list_time};
use crate::error::AppError;
use crate::i18n::{k, t};
use crate::ui::{ErrorNotice, Loading};
use domain::TimeEntryStatus;
use domain::time_entry::format_minutes;

#[component]
pub fn CustomerTime(customer: Uuid) -> impl IntoView {
    // Loaded in the browser into signals, as the Tickets tab is (a server resource inside
    // the customer page's resolved Transition breaks hydration).
    let rows = RwSignal::new(None::<Vec<TimeEntryRow>>);
    let next = RwSignal::new(None::<TimeCursor>);
    let error = RwSignal::new(None::<AppError>);
    let generation = RwSignal::new(0_u32);
    let load = move |after: Option<TimeCursor>| {
        leptos::task::spawn_local(async move {
            let query = TimeQuery {
                customer: Some(customer),
                after,
                ..TimeQuery::default()
            };
            match list_time(query).await {
                Ok(page) => {
                    next.set(page.next);
                    rows.update(|r| match (r, after) {
                        (Some(r), Some(_)) => r.extend(page.rows),
                        (r, _) => *r = Some(page.rows),
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    Effect::new(move |_| {
        generation.track();
        load(None);
    });
    let reload = move || generation.update(|g| *g += 1);
    let editing = RwSignal::new(None::<TimeEntryRow>);
    let actions = Actions::own(editing, error, reload);
    let sum = move |keep: fn(&TimeEntryRow) -> bool, billable: bool| {
        rows.with(|r| {
            r.iter()
                .flatten()
                .filter(|e| keep(e))
                .map(|e| {
                    if billable {
                        e.billable_minutes.unwrap_or(0)
                    } else {
                        e.minutes
                    }
                })
                .sum::<u32>()
        })
    };
    let saved = Callback::new(move |_| {
        editing.set(None);
        error.set(None);
        reload();
    });
    view! {
        <section class="card" aria-labelledby="customer-time-title">
            <header class="page-header with-actions">
                <h2 id="customer-time-title">{t(k::TIME_TITLE)}</h2>
                <a class="button" href="/time" rel="external">{t(k::TIME_LOG_CUSTOMER)}</a>
            </header>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            {move || match rows.get() {
                None => view! { <Loading /> }.into_any(),
                Some(r) if r.is_empty() => view! { <p class="muted">{t(k::TIME_NONE_FOR_CUSTOMER)}</p> }.into_any(),
                Some(_) => view! {
                    <dl class="summary" id="customer-time-totals">
                        <dt>{t(k::TIME_WORKED)}</dt>
                        <dd>{move || format_minutes(sum(|_| true, false))}</dd>
                        <dt>{t(k::TIME_TO_INVOICE)}</dt>
                        <dd>{move || format_minutes(sum(|e| e.status == TimeEntryStatus::Approved, true))}</dd>
                        <dt>{t(k::TIME_WAITING_APPROVAL)}</dt>
                        <dd>{move || format_minutes(sum(|e| e.status == TimeEntryStatus::Submitted, false))}</dd>
                    </dl>
                    <p class="hint">{move || next.get().is_some().then(|| t(k::TIME_TOTALS_SHOWN))}</p>
                    <EntriesTable rows=Signal::derive(move || rows.get().unwrap_or_default()) mode=Mode::Ticket actions=actions />
                }.into_any(),
            }}
            <Show when=move || next.get().is_some()>
                <button type="button" class="button" id="time-more" on:click=move |_| load(next.get_untracked())>{t(k::TIME_MORE)}</button>
            </Show>
            {move || editing.get().map(|row| view! {
                <h3>{t(k::TIME_EDIT)}</h3>
                <TimeEntryForm target=Target::Customer editing=Some(row) on_saved=saved
                    on_cancel=Callback::new(move |_| editing.set(None)) />
            })}
        </section>
    }
}
