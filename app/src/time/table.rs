//! The table of time entries that a ticket, the technician's own week and the approval
//! page share, with the actions each entry allows where it is shown: its technician
//! edits, deletes and submits drafts; an approver approves (through the billing-info
//! gate), rejects with a reason and takes an approval back until it is invoiced.

use std::collections::HashSet;

use domain::TimeEntryStatus;
use leptos::prelude::*;
use uuid::Uuid;

use super::{
    EntryRef, TimeEntryRow, approve_time_entries, delete_time_entry, submit_time_entries, unapprove_time_entry,
};
use crate::error::AppError;
use crate::i18n::{choice_key, k, t, use_locale};
use crate::shell::use_user;
use crate::ui::{BillingGate, DataTable, Th};

/// Where the table is shown, which decides its columns and actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// On a ticket: everyone's entries on it; one's own drafts can be changed.
    Ticket,
    /// The user's own entries on the Time page.
    Mine,
    /// The approval page: entries of everyone, selectable.
    Approval,
}

pub fn status_badge(status: TimeEntryStatus) -> impl IntoView {
    let class = match status {
        TimeEntryStatus::Draft => "badge muted",
        TimeEntryStatus::Submitted => "badge warn",
        TimeEntryStatus::Approved | TimeEntryStatus::Invoiced => "badge ok",
        TimeEntryStatus::Rejected => "badge danger",
    };
    view! { <span class=class data-status=status.as_str()>{t(choice_key("time_status", status.as_str()))}</span> }
}

/// What the row's actions report to the page that shows the table.
#[derive(Clone, Copy)]
pub struct Actions {
    /// Open the form on this entry.
    pub edit: Callback<TimeEntryRow>,
    /// Ask for a rejection reason.
    pub reject: Callback<TimeEntryRow>,
    /// Something changed: load the list again (`Err` also shows the error).
    pub changed: Callback<Result<(), AppError>>,
    pub gate: Option<BillingGate>,
}

impl Actions {
    /// The technician's views (a ticket's Time section, one's own week): edit opens the
    /// form on the entry, a change shows its error (if any) and reloads; nothing to
    /// approve or reject there.
    pub fn own(
        editing: RwSignal<Option<TimeEntryRow>>,
        error: RwSignal<Option<AppError>>,
        reload: impl Fn() + Send + Sync + 'static,
    ) -> Actions {
        Actions {
            edit: Callback::new(move |r| editing.set(Some(r))),
            reject: Callback::new(|_| {}),
            changed: Callback::new(move |r: Result<(), AppError>| {
                error.set(r.err());
                reload();
            }),
            gate: None,
        }
    }
}

#[component]
pub fn EntriesTable(
    #[prop(into)] rows: Signal<Vec<TimeEntryRow>>,
    mode: Mode,
    actions: Actions,
    /// The approval page's selection.
    #[prop(optional)]
    selected: Option<RwSignal<HashSet<Uuid>>>,
) -> impl IntoView {
    let locale = use_locale();
    let user = use_user();
    let me = move || user.with_untracked(|u| u.as_ref().map(|u| u.id));
    let mut columns = Vec::new();
    if selected.is_some() {
        columns.push(Th {
            label: k::TIME_SELECT,
            numeric: false,
            hidden: true,
        });
    }
    columns.push(Th::text(k::TIME_WORK_DATE));
    if mode != Mode::Ticket {
        columns.push(Th::text(k::TIME_CUSTOMER));
    }
    if mode != Mode::Mine {
        columns.push(Th::text(k::TIME_STAFF));
    }
    columns.extend([
        Th::num(k::TIME_DURATION),
        Th::text(k::TIME_WORK_TYPE),
        Th::text(k::TIME_NOTES),
        Th::text(k::TIME_STATUS),
        Th::num(k::TIME_BILLABLE),
        Th::actions(),
    ]);
    let run = move |f: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>| {
        leptos::task::spawn_local(async move { actions.changed.run(f.await) });
    };
    view! {
        <DataTable id="time-entries" columns=columns>
            <For each=move || rows.get() key=|r| (r.id, r.version) let:r>
                {
                    let (id, version, status) = (r.id, r.version, r.status);
                    let own = me() == Some(r.user);
                    let entry_ref = EntryRef { id, version };
                    let row = r.clone();
                    let row2 = r.clone();
                    let date = r.entry.work_date.parse().map(|d| domain::format_date(d, locale)).unwrap_or_default();
                    let span = match (r.entry.start.is_empty(), r.entry.end.is_empty()) {
                        (false, false) => format!(" {}–{}", r.entry.start, r.entry.end),
                        (false, true) => format!(" {}", r.entry.start),
                        _ => String::new(),
                    };
                    view! {
                        <tr data-entry=id.to_string()>
                            {selected.map(|sel| view! {
                                <td><input type="checkbox" class="select-entry" aria-label=t(k::TIME_SELECT)
                                    disabled={status != TimeEntryStatus::Submitted}
                                    prop:checked=move || sel.with(|s| s.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        sel.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                    } /></td>
                            })}
                            <td>{date}<span class="muted">{span}</span></td>
                            {(mode != Mode::Ticket).then(|| view! {
                                <td>
                                    <a href=format!("/customers/{}", r.customer) rel="external">{r.customer_name.clone()}</a>
                                    {r.ticket.map(|tk| view! {
                                        <br /><a class="muted" href=format!("/tickets/{tk}")>{r.ticket_number.clone()}" "{r.ticket_title.clone()}</a>
                                    })}
                                </td>
                            })}
                            {(mode != Mode::Mine).then(|| view! { <td>{r.user_name.clone()}</td> })}
                            <td class="num">{domain::time_entry::format_minutes(r.minutes)}</td>
                            <td>
                                {t(choice_key("work_type", &r.entry.work_type))}
                                {r.entry.after_hours.then(|| view! { <br /><span class="badge muted">{t(k::TIME_AFTER_HOURS)}</span> })}
                            </td>
                            <td class="notes">{r.entry.notes.clone()}
                                {r.rejection_reason.clone().map(|why| view! {
                                    <p class="form-error rejection">{t(k::TIME_REJECTED_BECAUSE)} " " {why}</p>
                                })}
                            </td>
                            <td>{status_badge(status)}</td>
                            <td class="num">
                                {r.billable_minutes.map(domain::time_entry::format_minutes)}
                                {r.contract_name.clone().map(|c| view! { <br /><span class="muted">{c}</span> })}
                                {(r.billable_minutes.is_some() && r.contract.is_none()).then(|| view! {
                                    <br /><span class="badge warn" title=t(k::TIME_NO_CONTRACT_HINT)>{t(k::TIME_NO_CONTRACT)}</span>
                                })}
                            </td>
                            <td class="actions">
                                {(own && status.is_editable() && mode != Mode::Approval).then(|| view! {
                                    <button type="button" class="button small" on:click=move |_| actions.edit.run(row.clone())>{t(k::TIME_EDIT)}</button>
                                    <button type="button" class="button small submit-entry"
                                        on:click=move |_| run(Box::pin(async move { submit_time_entries(vec![entry_ref]).await.map(|_| ()) }))>
                                        {t(k::TIME_SUBMIT)}</button>
                                    <button type="button" class="button small danger"
                                        on:click=move |_| run(Box::pin(async move { delete_time_entry(id, version).await }))>
                                        {t(k::TIME_DELETE)}</button>
                                })}
                                {(mode == Mode::Approval && status == TimeEntryStatus::Submitted).then(|| view! {
                                    <button type="button" class="button small primary approve-entry"
                                        on:click=move |_| {
                                            let action = move || approve_time_entries(vec![entry_ref]);
                                            let done = move |r: Result<Vec<TimeEntryRow>, AppError>| actions.changed.run(r.map(|_| ()));
                                            match actions.gate {
                                                Some(g) => g.run(action, done),
                                                None => leptos::task::spawn_local(async move { done(action().await) }),
                                            }
                                        }>{t(k::TIME_APPROVE)}</button>
                                    <button type="button" class="button small reject-entry"
                                        on:click=move |_| actions.reject.run(row2.clone())>{t(k::TIME_REJECT)}</button>
                                })}
                                {(mode == Mode::Approval && status == TimeEntryStatus::Approved).then(|| view! {
                                    <button type="button" class="button small unapprove-entry"
                                        on:click=move |_| run(Box::pin(async move { unapprove_time_entry(id, version).await.map(|_| ()) }))>
                                        {t(k::TIME_UNAPPROVE)}</button>
                                })}
                            </td>
                        </tr>
                    }
                }
            </For>
        </DataTable>
    }
}
