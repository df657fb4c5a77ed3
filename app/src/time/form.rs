//! The time-entry form, on a ticket (its customer fixed) and on the Time page (a customer
//! chosen, no ticket). Checked as the user types by `TimeEntryDraft::validate`, the
//! function the server runs again; the draft and its idempotency key survive a reload.

use domain::{TimeEntryDraft, WorkType};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::timer::{Stopped, TimerButton};
use super::{TimeEntryRow, create_time_entry, save_time_entry};
use crate::error::AppError;
use crate::forms::draft::{Choice, Field, FieldContext, field_lens};
use crate::forms::local_draft;
use crate::i18n::{Key, choice_key, k, t};
use crate::shell::use_user;
use crate::ui::{CustomerPicker, ErrorNotice, PickedCustomer};

/// What the form holds, as the draft stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FormState {
    key: Uuid,
    customer: Option<PickedCustomer>,
    entry: TimeEntryDraft,
}

pub fn today() -> String {
    #[cfg(feature = "hydrate")]
    return chrono::Local::now().date_naive().to_string();
    #[cfg(not(feature = "hydrate"))]
    chrono::Utc::now().date_naive().to_string()
}

fn blank() -> TimeEntryDraft {
    TimeEntryDraft {
        work_date: today(),
        ..TimeEntryDraft::default()
    }
}

fn work_types() -> Vec<(&'static str, Key)> {
    WorkType::ALL
        .iter()
        .map(|w| (w.as_str(), choice_key("work_type", w.as_str())))
        .collect()
}

/// Where the entry goes: a ticket of a customer, or a customer chosen in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Ticket { ticket: Uuid, customer: Uuid },
    Customer,
}

#[component]
pub fn TimeEntryForm(
    target: Target,
    /// An entry to change (a draft or rejected one of the user's own), or a new one.
    editing: Option<TimeEntryRow>,
    on_saved: Callback<TimeEntryRow>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let user = use_user();
    let edit_ref = editing.as_ref().map(|r| (r.id, r.version));
    let initial = FormState {
        key: Uuid::nil(),
        customer: editing.as_ref().map(|r| PickedCustomer {
            id: r.customer,
            name: r.customer_name.clone(),
            billing_complete: true,
        }),
        entry: editing.as_ref().map(|r| r.entry.clone()).unwrap_or_else(blank),
    };
    let state = RwSignal::new(initial);
    let (restored, loaded) = (RwSignal::new(false), RwSignal::new(false));
    let draft_key = move || {
        let who = user.get_untracked().map(|u| u.id).unwrap_or_default();
        match (edit_ref, target) {
            (Some((id, version)), _) => format!("onboard.time-entry.{who}.{id}.{version}"),
            (None, Target::Ticket { ticket, .. }) => format!("onboard.time-entry.{who}.ticket.{ticket}"),
            (None, Target::Customer) => format!("onboard.time-entry.{who}.new"),
        }
    };
    local_draft::keep(draft_key(), state, restored, loaded);
    Effect::new(move |_| {
        if loaded.get() && state.with_untracked(|s| s.key.is_nil()) {
            state.update(|s| s.key = crate::forms::new_idempotency_key());
        }
    });
    let picked = RwSignal::new(state.get_untracked().customer);
    let entry = RwSignal::new(state.get_untracked().entry);
    Effect::new(move |_| {
        if loaded.get() {
            picked.set(state.with_untracked(|s| s.customer.clone()));
            entry.set(state.with_untracked(|s| s.entry.clone()));
        }
    });
    Effect::new(move |_| {
        let (c, e) = (picked.get(), entry.get());
        if state.with_untracked(|s| s.customer != c || s.entry != e) {
            state.update(|s| {
                s.customer = c;
                s.entry = e;
            });
        }
    });
    let ctx = FieldContext::new(Memo::new(move |_| {
        entry.with(|d| d.validate().err().unwrap_or_default())
    }));
    provide_context(ctx);
    let customer = move || match target {
        Target::Ticket { customer, .. } => Some(customer),
        Target::Customer => picked.with(|p| p.as_ref().map(|p| p.id)),
    };
    let customer_error = Signal::derive(move || {
        (ctx.attempted.get() && customer().is_none()).then(|| t(k::TIME_CUSTOMER_REQUIRED).to_string())
    });
    let worked = move || entry.with(|d| d.validate().ok().map(|e| domain::time_entry::format_minutes(e.minutes)));

    let sending = RwSignal::new(false);
    let general = RwSignal::new(None::<AppError>);
    let send = move |submit: bool| {
        ctx.attempted.set(true);
        general.set(None);
        let (Some(customer), true) = (customer(), ctx.errors.with_untracked(Vec::is_empty)) else {
            return;
        };
        let (key, draft) = state.with_untracked(|s| (s.key, s.entry.clone()));
        let ticket = match target {
            Target::Ticket { ticket, .. } => Some(ticket),
            Target::Customer => None,
        };
        sending.set(true);
        leptos::task::spawn_local(async move {
            let result = match edit_ref {
                Some((id, version)) => save_time_entry(id, version, draft, submit).await,
                None => create_time_entry(key, customer, ticket, draft, submit).await,
            };
            sending.set(false);
            match result {
                Ok(row) => {
                    local_draft::clear(&draft_key());
                    ctx.attempted.set(false);
                    state.set(FormState {
                        key: crate::forms::new_idempotency_key(),
                        customer: state.with_untracked(|s| s.customer.clone()),
                        entry: blank(),
                    });
                    entry.set(blank());
                    on_saved.run(row);
                }
                Err(AppError::Validation { fields }) => ctx.show_all(fields),
                Err(e) => general.set(Some(e)),
            }
        });
    };
    let fill = Callback::new(move |s: Stopped| {
        entry.update(|d| {
            d.work_date = s.work_date;
            d.start = s.start;
            d.end = s.end;
            d.duration = s.duration;
        });
    });
    let after_hours = move || entry.with(|d| d.after_hours);

    view! {
        <form class="grid-form time-form" id="time-form" novalidate="" on:submit=move |ev| { ev.prevent_default(); send(false); }>
            // Only a draft with something typed in it is worth mentioning.
            <Show when=move || restored.get() && entry.with(|d| !(d.start.is_empty() && d.end.is_empty() && d.duration.is_empty() && d.notes.is_empty()))>
                <p class="notice span-all" role="status" id="time-draft-restored">{t(k::TIME_DRAFT_RESTORED)}</p>
            </Show>
            {match (target, edit_ref) {
                (Target::Ticket { ticket, .. }, None) => view! {
                    <div class="span-all"><TimerButton ticket=ticket on_stop=fill /></div>
                }.into_any(),
                (Target::Customer, None) => view! {
                    <div class="span-all">
                        <CustomerPicker id="time-customer" label=k::TIME_CUSTOMER value=picked error=customer_error />
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            <Field path="work_date" label=k::TIME_WORK_DATE input_type="date" required=true lens=field_lens(entry, |d| &d.work_date, |d| &mut d.work_date) />
            <Field path="start" label=k::TIME_START input_type="time" lens=field_lens(entry, |d| &d.start, |d| &mut d.start) />
            <Field path="end" label=k::TIME_END input_type="time" lens=field_lens(entry, |d| &d.end, |d| &mut d.end) />
            <Field path="duration" label=k::TIME_DURATION hint=k::TIME_DURATION_HINT lens=field_lens(entry, |d| &d.duration, |d| &mut d.duration) />
            <Choice path="work_type" label=k::TIME_WORK_TYPE lens=field_lens(entry, |d| &d.work_type, |d| &mut d.work_type) options=work_types() />
            <div class="field">
                <label class="check"><input type="checkbox" id="f-after_hours" prop:checked=after_hours
                    on:change=move |ev| entry.update(|d| d.after_hours = event_target_checked(&ev)) />
                    " " {t(k::TIME_AFTER_HOURS)}</label>
            </div>
            <div class="field span-all">
                <label for="f-notes">{t(k::TIME_NOTES)}</label>
                <textarea id="f-notes" rows="3" prop:value=move || entry.with(|d| d.notes.clone())
                    on:input=move |ev| entry.update(|d| d.notes = event_target_value(&ev))></textarea>
                <p class="field-error" aria-live="polite">{move || ctx.message("notes")}</p>
            </div>
            <p class="span-all total" id="time-worked">{move || worked().map(|w| format!("{}: {w}", t(k::TIME_WORKED)))}</p>
            <div class="span-all">{move || general.get().map(|e| view! { <ErrorNotice error=e /> })}</div>
            <div class="actions span-all">
                {on_cancel.map(|c| view! {
                    <button type="button" class="button" on:click=move |_| c.run(())>{t(k::SETTINGS_CANCEL)}</button>
                })}
                <button type="submit" class="button" id="time-save" disabled=move || sending.get()>{t(k::TIME_SAVE_DRAFT)}</button>
                <button type="button" class="button primary" id="time-submit" disabled=move || sending.get()
                    on:click=move |_| send(true)>{t(k::TIME_SAVE_SUBMIT)}</button>
            </div>
        </form>
    }
}
