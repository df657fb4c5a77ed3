//! `/tickets/new`: open a ticket for a customer (a call, a walk-in, a request by mail that
//! staff type in). Checked as the user types by `TicketDraft::validate`; the draft with its
//! idempotency key survives a reload, so a retried submit opens one ticket.

use domain::{Priority, TicketDraft, TicketSource};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::create_ticket;
use crate::error::AppError;
use crate::forms::draft::{Choice, Field, FieldContext, field_lens};
use crate::forms::local_draft;
use crate::i18n::{Key, choice_key, k, t};
use crate::shell::use_user;
use crate::ui::{CustomerPicker, ErrorNotice, PickedCustomer};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FormState {
    key: Uuid,
    customer: Option<PickedCustomer>,
    ticket: TicketDraft,
}

fn choices(group: &'static str, values: impl Iterator<Item = &'static str>) -> Vec<(&'static str, Key)> {
    values.map(|v| (v, choice_key(group, v))).collect()
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let user = use_user();
    let navigate = use_navigate();
    let preset = use_query_map()
        .with_untracked(|q| q.get("customer"))
        .and_then(|s| s.parse::<Uuid>().ok());
    let state = RwSignal::new(FormState {
        key: Uuid::nil(),
        customer: None,
        ticket: TicketDraft::default(),
    });
    let (restored, loaded) = (RwSignal::new(false), RwSignal::new(false));
    let draft_key = move || {
        let who = user.get_untracked().map(|u| u.id).unwrap_or_default();
        format!("onboard.ticket.{who}.new")
    };
    local_draft::keep(draft_key(), state, restored, loaded);
    Effect::new(move |_| {
        if loaded.get() && state.with_untracked(|s| s.key.is_nil()) {
            state.update(|s| s.key = crate::forms::new_idempotency_key());
        }
    });
    // The picker and the form edit their own signals, mirrored into the draft.
    let picked = RwSignal::new(None::<PickedCustomer>);
    let ticket = RwSignal::new(TicketDraft::default());
    Effect::new(move |_| {
        if loaded.get() {
            picked.set(state.with_untracked(|s| s.customer.clone()));
            ticket.set(state.with_untracked(|s| s.ticket.clone()));
        }
    });
    Effect::new(move |_| {
        let (c, d) = (picked.get(), ticket.get());
        if loaded.get_untracked() && state.with_untracked(|s| s.customer != c || s.ticket != d) {
            state.update(|s| {
                s.customer = c;
                s.ticket = d;
            });
        }
    });
    crate::ui::customer_picker::preset_customer(loaded, picked, preset);
    let ctx = FieldContext::new(Memo::new(move |_| {
        ticket.with(|d| d.validate().err().unwrap_or_default())
    }));
    provide_context(ctx);
    let customer_error = Signal::derive(move || {
        (ctx.attempted.get() && picked.with(Option::is_none)).then(|| t(k::TICKETS_CUSTOMER_REQUIRED).to_string())
    });
    // The chosen customer's active contacts, main contact first.
    let contacts = LocalResource::new(move || {
        let customer = picked.with(|p| p.as_ref().map(|p| p.id));
        async move {
            match customer {
                Some(id) => crate::customers::get_customer(id).await.map(|c| {
                    c.contacts
                        .into_iter()
                        .filter(|p| !p.archived)
                        .map(|p| (p.id, p.full_name(), p.is_main))
                        .collect::<Vec<_>>()
                }),
                None => Ok(Vec::new()),
            }
        }
    });

    let sending = RwSignal::new(false);
    let general = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        general.set(None);
        let (Some(customer), true) = (picked.get_untracked(), ctx.errors.with_untracked(Vec::is_empty)) else {
            return;
        };
        let (key, draft) = state.with_untracked(|s| (s.key, s.ticket.clone()));
        sending.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = create_ticket(key, customer.id, draft).await;
            sending.set(false);
            match result {
                Ok(row) => {
                    local_draft::clear(&draft_key());
                    navigate(&format!("/tickets/{}", row.id), Default::default());
                }
                Err(AppError::Validation { fields }) => ctx.show_all(fields),
                Err(e) => general.set(Some(e)),
            }
        });
    };

    view! {
        <Title text=t(k::TICKETS_NEW) />
        <header class="page-header">
            <p class="muted"><a href="/tickets">{t(k::TICKETS_TITLE)}</a></p>
            <h1>{t(k::TICKETS_NEW)}</h1>
        </header>
        <Show when=move || restored.get()>
            <p class="notice" role="status" id="draft-restored">{t(k::TICKETS_DRAFT_RESTORED)}</p>
        </Show>
        <form class="card grid-form" id="ticket-form" novalidate="" on:submit=submit>
            <div class="span-all">
                <CustomerPicker id="ticket-customer" label=k::TICKETS_CUSTOMER value=picked error=customer_error />
            </div>
            <div class="field">
                <label for="f-contact">{t(k::TICKETS_CONTACT)}</label>
                <select id="f-contact" on:change=move |ev| ticket.update(|d| d.contact = event_target_value(&ev))>
                    <option value="">{t(k::TICKETS_NO_CONTACT)}</option>
                    {move || contacts.get().and_then(|r| r.ok()).map(|list| list.into_iter().map(|(id, name, main)| {
                        let value = id.to_string();
                        let v2 = value.clone();
                        let label = if main { format!("{name} ({})", t(k::TICKETS_MAIN_CONTACT)) } else { name };
                        view! { <option value=value selected=move || ticket.with(|d| d.contact == v2)>{label}</option> }
                    }).collect_view())}
                </select>
                <p class="field-error" aria-live="polite">{move || ctx.message("contact")}</p>
            </div>
            <Choice path="source" label=k::TICKETS_SOURCE lens=field_lens(ticket, |d| &d.source, |d| &mut d.source)
                options=choices("ticket_source", TicketSource::ALL.iter().filter(|s| **s != TicketSource::Portal).map(|s| s.as_str())) />
            <div class="span-all">
                <Field path="title" label=k::TICKETS_SUBJECT required=true lens=field_lens(ticket, |d| &d.title, |d| &mut d.title) />
            </div>
            <div class="field span-all">
                <label for="f-description">{t(k::TICKETS_DESCRIPTION)}</label>
                <textarea id="f-description" rows="8" prop:value=move || ticket.with(|d| d.description.clone())
                    on:input=move |ev| ticket.update(|d| d.description = event_target_value(&ev))></textarea>
                <p class="field-error" aria-live="polite">{move || ctx.message("description")}</p>
            </div>
            <Choice path="priority" label=k::TICKETS_PRIORITY lens=field_lens(ticket, |d| &d.priority, |d| &mut d.priority)
                options=choices("priority", Priority::ALL.iter().map(|p| p.as_str())) />
            <Field path="category" label=k::TICKETS_CATEGORY lens=field_lens(ticket, |d| &d.category, |d| &mut d.category) />
            <div class="span-all">
                <Field path="watchers" label=k::TICKETS_WATCHERS lens=field_lens(ticket, |d| &d.watchers, |d| &mut d.watchers) />
                <p class="hint">{t(k::TICKETS_WATCHERS_HINT)}</p>
            </div>
            <Show when=move || ctx.attempted.get() && (!ctx.errors.with(Vec::is_empty) || picked.with(Option::is_none))>
                <p class="form-error span-all" role="alert">{t(k::WIZARD_STEP_MISSING)}</p>
            </Show>
            <div class="span-all">{move || general.get().map(|e| view! { <ErrorNotice error=e /> })}</div>
            <div class="actions span-all">
                <a class="button" href="/tickets">{t(k::SETTINGS_CANCEL)}</a>
                <button type="submit" class="button primary" id="create-ticket" disabled=move || sending.get()>{t(k::TICKETS_CREATE)}</button>
            </div>
        </form>
    }
}
