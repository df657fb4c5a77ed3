//! The Time section of a ticket: the time logged on it by everyone, the total, and the
//! form (with the timer) to log more or to change one's own draft.

use leptos::prelude::*;
use uuid::Uuid;

use super::form::{Target, TimeEntryForm};
use super::table::{Actions, EntriesTable, Mode};
use super::{TimeEntryRow, TimeQuery, list_time};
use crate::error::AppError;
use crate::i18n::{k, t};
use crate::ui::ErrorNotice;

#[component]
pub fn TicketTime(ticket: Uuid, customer: Uuid) -> impl IntoView {
    // Read in the browser into a signal, like the ticket page's staff list (a resource
    // under the page's Transition would fall back to "Loading…" while hydrating).
    let rows = RwSignal::new(Vec::<TimeEntryRow>::new());
    let error = RwSignal::new(None::<AppError>);
    let generation = RwSignal::new(0_u32);
    Effect::new(move |_| {
        generation.track();
        leptos::task::spawn_local(async move {
            let query = TimeQuery {
                ticket: Some(ticket),
                ..TimeQuery::default()
            };
            match list_time(query).await {
                Ok(page) => rows.set(page.rows),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let reload = move || generation.update(|g| *g += 1);
    let editing = RwSignal::new(None::<TimeEntryRow>);
    let actions = Actions::own(editing, error, reload);
    let total = move || rows.with(|r| r.iter().map(|e| e.minutes).sum::<u32>());
    let saved = Callback::new(move |_| {
        editing.set(None);
        error.set(None);
        reload();
    });
    view! {
        <section class="card ticket-time" aria-labelledby="time-title">
            <h2 id="time-title">{t(k::TIME_TITLE)}
                <span class="muted" id="time-total">{move || format!(" · {} {}", t(k::TIME_TOTAL), domain::time_entry::format_minutes(total()))}</span>
            </h2>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <Show when=move || rows.with(|r| !r.is_empty()) fallback=|| view! { <p class="muted">{t(k::TIME_NONE_ON_TICKET)}</p> }>
                <EntriesTable rows=rows mode=Mode::Ticket actions=actions />
            </Show>
            {move || match editing.get() {
                Some(row) => view! {
                    <h3>{t(k::TIME_EDIT)}</h3>
                    <TimeEntryForm target=Target::Ticket { ticket, customer } editing=Some(row) on_saved=saved
                        on_cancel=Callback::new(move |_| editing.set(None)) />
                }.into_any(),
                None => view! {
                    <h3>{t(k::TIME_LOG)}</h3>
                    <TimeEntryForm target=Target::Ticket { ticket, customer } editing=None on_saved=saved />
                }.into_any(),
            }}
        </section>
    }
}
