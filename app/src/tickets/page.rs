//! `/tickets/{id}`: one ticket. Its facts and SLA due times at the side, the actions its
//! status allows (wait, resolve, close, reopen, merge), the conversation, and the reply
//! box (public reply or internal note; the text survives a reload). Every change is sent
//! with the version the page shows, so a colleague's change in between is a conflict,
//! never overwritten.

use domain::{Priority, TicketStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::list::{due_cell, status_badge};
use super::{
    MessageKind, TicketDetail, add_message, assign_ticket, get_ticket, merge_ticket, set_ticket_priority,
    set_ticket_status,
};
use crate::customers::team::staff_options;
use crate::error::AppError;
use crate::forms::local_draft;
use crate::i18n::{choice_key, k, t, use_locale};
use crate::shell::{format_instant, use_user};
use crate::ui::{Dialog, ErrorNotice, Loading};

#[component]
pub fn TicketPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|s| s.parse::<Uuid>().ok());
    let detail = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_ticket(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::TICKETS_TITLE) />
        <Transition fallback=|| view! { <Loading /> }>
            {move || detail.get().map(|r| match r {
                Ok(d) => view! { <TicketView initial=d /> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Transition>
    }
}

/// A file's size in whole kilobytes (at least 1).
fn format_size(bytes: i64) -> String {
    format!("{} KB", (bytes.max(1) + 1023) / 1024)
}

/// The statuses offered as buttons from `status`, in the order staff use them.
fn next_statuses(status: TicketStatus) -> Vec<TicketStatus> {
    use TicketStatus::*;
    [WaitingOnCustomer, WaitingOnThirdParty, Open, Resolved, Closed]
        .into_iter()
        .filter(|to| status.may_become(*to))
        .collect()
}

fn status_action_key(to: TicketStatus, from: TicketStatus) -> crate::i18n::Key {
    match to {
        TicketStatus::Open if !from.is_active() => k::TICKETS_REOPEN,
        TicketStatus::Open => k::TICKETS_BACK_TO_OPEN,
        TicketStatus::WaitingOnCustomer => k::TICKETS_WAIT_CUSTOMER,
        TicketStatus::WaitingOnThirdParty => k::TICKETS_WAIT_THIRD_PARTY,
        TicketStatus::Resolved => k::TICKETS_RESOLVE,
        TicketStatus::Closed | TicketStatus::New => k::TICKETS_CLOSE,
    }
}

/// The reply box as its draft stores it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Reply {
    key: Uuid,
    note: bool,
    body: String,
}

#[component]
fn TicketView(initial: TicketDetail) -> impl IntoView {
    let locale = use_locale();
    let user = use_user();
    let detail = RwSignal::new(initial);
    let id = detail.with_untracked(|d| d.ticket.id);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    // Read in the browser into a signal: a LocalResource read inside the page's resolved
    // Transition would put it back to its fallback while hydrating (docs/ARCHITECTURE.md).
    let staff = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = staff_options().await {
                staff.set(list);
            }
        });
    });

    // Every change: sent with the shown version; the answer replaces what is shown.
    let apply = move |result: Result<TicketDetail, AppError>| {
        busy.set(false);
        match result {
            Ok(d) => {
                error.set(None);
                detail.set(d);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let version = move || detail.with_untracked(|d| d.ticket.version);
    let change_status = move |to: TicketStatus| {
        busy.set(true);
        let v = version();
        leptos::task::spawn_local(async move { apply(set_ticket_status(id, v, to).await) });
    };
    let change_assignee = move |to: Option<Uuid>| {
        busy.set(true);
        let v = version();
        leptos::task::spawn_local(async move { apply(assign_ticket(id, v, to).await) });
    };
    let change_priority = move |to: Priority| {
        busy.set(true);
        let v = version();
        leptos::task::spawn_local(async move { apply(set_ticket_priority(id, v, to).await) });
    };
    let reload = move |_| {
        leptos::task::spawn_local(async move { apply(get_ticket(id).await) });
    };

    // The reply box, kept per user and ticket.
    let reply = RwSignal::new(Reply::default());
    let (restored, loaded) = (RwSignal::new(false), RwSignal::new(false));
    let draft_key = move || {
        let who = user.get_untracked().map(|u| u.id).unwrap_or_default();
        format!("onboard.ticket-reply.{who}.{id}")
    };
    local_draft::keep(draft_key(), reply, restored, loaded);
    Effect::new(move |_| {
        if loaded.get() && reply.with_untracked(|r| r.key.is_nil()) {
            reply.update(|r| r.key = crate::forms::new_idempotency_key());
        }
    });
    let body_error = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = reply.get_untracked();
        if let Err(e) = domain::ticket::parse_body(&r.body) {
            body_error.set(Some(crate::error::FieldProblem::from(e).message(locale)));
            return;
        }
        body_error.set(None);
        busy.set(true);
        let kind = if r.note { MessageKind::Note } else { MessageKind::Reply };
        leptos::task::spawn_local(async move {
            let result = add_message(r.key, id, kind, r.body).await;
            if result.is_ok() {
                local_draft::clear(&draft_key());
                reply.set(Reply {
                    key: crate::forms::new_idempotency_key(),
                    note: r.note,
                    body: String::new(),
                });
            }
            apply(result);
        });
    };

    let merging = RwSignal::new(false);
    let merge_into = RwSignal::new(String::new());
    let merge = move |_| {
        let into = merge_into.get_untracked();
        busy.set(true);
        let v = version();
        leptos::task::spawn_local(async move {
            let result = merge_ticket(id, v, into).await;
            merging.set(false);
            #[cfg(feature = "hydrate")]
            if let Ok(d) = &result {
                // The merged conversation lives on the other ticket now.
                if let Some(w) = web_sys::window() {
                    let _ = w.location().assign(&format!("/tickets/{}", d.ticket.id));
                }
            }
            apply(result);
        });
    };

    let me = move || user.get_untracked().map(|u| u.id);
    view! {
        {move || detail.with(|d| {
            let tk = &d.ticket;
            view! {
                <Title text=format!("{} · {}", tk.number, tk.title) />
                <header class="page-header">
                    <p class="muted"><a href="/tickets">{t(k::TICKETS_TITLE)}</a></p>
                    <h1><code id="ticket-number">{tk.number.clone()}</code> " " <span id="ticket-title">{tk.title.clone()}</span></h1>
                    <p>
                        <span id="ticket-status">{status_badge(tk.status)}</span> " "
                        <a href=format!("/customers/{}/tickets", tk.customer) rel="external">{tk.customer_name.clone()}</a>
                        {tk.contact_name.clone().map(|c| view! { " · " {c} })}
                    </p>
                    {tk.merged_into.clone().map(|n| view! {
                        <p class="notice" role="status">{t(k::TICKETS_MERGED_INTO)} " " <code>{n}</code></p>
                    })}
                </header>
            }
        })}
        <Show when=move || restored.get()>
            <p class="notice" role="status" id="reply-restored">{t(k::TICKETS_DRAFT_RESTORED)}</p>
        </Show>
        {move || error.get().map(|e| {
            let conflict = matches!(e, AppError::Conflict);
            view! {
                <div role="alert" id="ticket-error">
                    <ErrorNotice error=e />
                    {conflict.then(|| view! { <button type="button" class="button" on:click=reload>{t(k::TICKETS_RELOAD)}</button> })}
                </div>
            }
        })}
        <div class="ticket-layout">
            <section class="card ticket-conversation" aria-labelledby="conversation-title">
                <h2 id="conversation-title">{t(k::TICKETS_CONVERSATION)}</h2>
                <ol class="messages" id="ticket-messages">
                    {move || detail.with(|d| d.messages.iter().map(|m| {
                        let note = m.kind == MessageKind::Note;
                        view! {
                            <li class="message" class:note=note class:from-contact=m.from_contact>
                                <p class="message-meta">
                                    <strong>{m.author.clone()}</strong> " · "
                                    <time datetime=m.created_at.to_rfc3339()>{format_instant(m.created_at, locale)}</time>
                                    {note.then(|| view! { " " <span class="badge muted">{t(k::TICKETS_NOTE)}</span> })}
                                    {m.by_email.then(|| view! { " " <span class="badge muted">{t(k::TICKETS_BY_EMAIL)}</span> })}
                                </p>
                                <div class="message-body">{m.body.clone()}</div>
                                {(!m.attachments.is_empty()).then(|| {
                                    let mid = m.id;
                                    view! {
                                        <ul class="attachments">
                                            {m.attachments.iter().map(|a| view! {
                                                <li><a href=format!("/api/attachments/{mid}/{}", a.position) download=a.file_name.clone() rel="external">
                                                    {a.file_name.clone()}</a>
                                                    <span class="muted">{format!(" · {} · {}", a.content_type, format_size(a.size))}</span></li>
                                            }).collect_view()}
                                        </ul>
                                    }
                                })}
                                {(!m.dropped_attachments.is_empty()).then(|| view! {
                                    <p class="hint">{t(k::TICKETS_ATTACHMENTS_DROPPED)} " " {m.dropped_attachments.join(", ")}</p>
                                })}
                            </li>
                        }
                    }).collect_view())}
                </ol>
                {move || detail.with(|d| d.messages.is_empty()).then(|| view! { <p class="muted">{t(k::TICKETS_NO_MESSAGES)}</p> })}
                <form class="reply-box" id="reply-form" novalidate="" on:submit=send>
                    <fieldset class="choice-row">
                        <legend class="visually-hidden">{t(k::TICKETS_MESSAGE_KIND)}</legend>
                        <label><input type="radio" name="kind" value="reply" id="kind-reply"
                            prop:checked=move || reply.with(|r| !r.note)
                            on:change=move |_| reply.update(|r| r.note = false) /> {t(k::TICKETS_PUBLIC_REPLY)}</label>
                        <label><input type="radio" name="kind" value="note" id="kind-note"
                            prop:checked=move || reply.with(|r| r.note)
                            on:change=move |_| reply.update(|r| r.note = true) /> {t(k::TICKETS_INTERNAL_NOTE)}</label>
                    </fieldset>
                    <label for="reply-body" class="visually-hidden">{t(k::TICKETS_MESSAGE)}</label>
                    <textarea id="reply-body" rows="6" prop:value=move || reply.with(|r| r.body.clone())
                        on:input=move |ev| reply.update(|r| r.body = event_target_value(&ev))></textarea>
                    <p class="field-error" aria-live="polite">{move || body_error.get()}</p>
                    <p class="hint">{move || t(if reply.with(|r| r.note) { k::TICKETS_NOTE_HINT } else { k::TICKETS_REPLY_HINT })}</p>
                    <div class="actions">
                        <button type="submit" class="button primary" id="send-message" disabled=move || busy.get()>
                            {move || t(if reply.with(|r| r.note) { k::TICKETS_ADD_NOTE } else { k::TICKETS_SEND_REPLY })}
                        </button>
                    </div>
                </form>
            </section>
            <aside class="card ticket-facts" aria-labelledby="facts-title">
                <h2 id="facts-title" class="visually-hidden">{t(k::TICKETS_DETAILS)}</h2>
                <div class="actions ticket-actions">
                    {move || {
                        let status = detail.with(|d| d.ticket.status);
                        next_statuses(status).into_iter().map(|to| view! {
                            <button type="button" class="button" id=format!("status-{}", to.as_str())
                                disabled=move || busy.get() on:click=move |_| change_status(to)>
                                {t(status_action_key(to, status))}
                            </button>
                        }).collect_view()
                    }}
                    <Show when=move || detail.with(|d| d.ticket.status != TicketStatus::Closed)>
                        <button type="button" class="button" id="merge-ticket" on:click=move |_| merging.set(true)>{t(k::TICKETS_MERGE)}</button>
                    </Show>
                </div>
                <dl class="summary">
                    <dt><label for="ticket-assignee">{t(k::TICKETS_ASSIGNEE)}</label></dt>
                    <dd>
                        <select id="ticket-assignee" disabled=move || busy.get()
                            on:change=move |ev| change_assignee(event_target_value(&ev).parse().ok())>
                            <option value="" selected=move || detail.with(|d| d.ticket.assignee.is_none())>{t(k::TICKETS_NOBODY)}</option>
                            {move || staff.get().into_iter().map(|s| {
                                let sid = s.id;
                                view! { <option value=s.id.to_string() selected=move || detail.with(|d| d.ticket.assignee == Some(sid))>{s.name}</option> }
                            }).collect_view()}
                        </select>
                        <Show when=move || me().is_some() && detail.with(|d| d.ticket.assignee) != me()>
                            <button type="button" class="button small" id="assign-me" on:click=move |_| change_assignee(me())>{t(k::TICKETS_ASSIGN_ME)}</button>
                        </Show>
                    </dd>
                    <dt><label for="ticket-priority">{t(k::TICKETS_PRIORITY)}</label></dt>
                    <dd>
                        <select id="ticket-priority" disabled=move || busy.get()
                            on:change=move |ev| if let Ok(p) = Priority::parse(&event_target_value(&ev)) { change_priority(p) }>
                            {Priority::ALL.iter().map(|p| {
                                let p = *p;
                                view! { <option value=p.as_str() selected=move || detail.with(|d| d.ticket.priority == p)>{t(choice_key("priority", p.as_str()))}</option> }
                            }).collect_view()}
                        </select>
                    </dd>
                    {move || detail.with(|d| {
                        let tk = &d.ticket;
                        view! {
                            <dt>{t(k::TICKETS_DUE)}</dt>
                            <dd id="ticket-due">{due_cell(tk, locale)}{tk.next_due.is_none().then(|| t(k::TICKETS_NOTHING_DUE))}</dd>
                            <dt>{t(k::TICKETS_FIRST_RESPONSE)}</dt>
                            <dd id="ticket-first-response">{match (tk.first_response_at, tk.first_response_due) {
                                (Some(at), _) => format_instant(at, locale),
                                (None, Some(due)) => format!("{} {}", t(k::TICKETS_DUE_BY), format_instant(due, locale)),
                                (None, None) => t(k::TICKETS_NO_TARGET).to_string(),
                            }}</dd>
                            <dt>{t(k::TICKETS_RESOLUTION)}</dt>
                            <dd>{match tk.resolution_due {
                                Some(due) => format!("{} {}", t(k::TICKETS_DUE_BY), format_instant(due, locale)),
                                None if tk.status == TicketStatus::WaitingOnCustomer => t(k::TICKETS_CLOCK_PAUSED).to_string(),
                                None => "—".to_string(),
                            }}</dd>
                            <dt>{t(k::TICKETS_CATEGORY)}</dt>
                            <dd>{tk.category.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>{t(k::TICKETS_SOURCE)}</dt>
                            <dd>{t(choice_key("ticket_source", &tk.source))}</dd>
                            <dt>{t(k::TICKETS_WATCHERS)}</dt>
                            <dd>{if d.watchers.is_empty() { "—".to_string() } else { d.watchers.join(", ") }}</dd>
                            <dt>{t(k::TICKETS_CREATED)}</dt>
                            <dd>{format_instant(tk.created_at, locale)}</dd>
                        }
                    })}
                </dl>
            </aside>
        </div>
        <super::mail_log::MailLog detail />
        <crate::time::TicketTime ticket=id customer=detail.with_untracked(|d| d.ticket.customer) />
        <Dialog id="merge-dialog" title=Signal::derive(move || t(k::TICKETS_MERGE).to_string())
            open=merging on_close=Callback::new(move |_| merging.set(false))>
            <p>{t(k::TICKETS_MERGE_TEXT)}</p>
            <label class="field">
                <span>{t(k::TICKETS_MERGE_INTO)}</span>
                <input id="merge-into" placeholder="T-2026-000123" prop:value=move || merge_into.get()
                    on:input=move |ev| merge_into.set(event_target_value(&ev)) />
            </label>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| merging.set(false)>{t(k::SETTINGS_CANCEL)}</button>
                <button type="button" class="button primary" id="confirm-merge" on:click=merge>{t(k::TICKETS_MERGE)}</button>
            </div>
        </Dialog>
    }
}
