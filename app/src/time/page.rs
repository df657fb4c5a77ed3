//! `/time`: the technician's own week (log time on a customer without a ticket, submit
//! the week's drafts) and, for admins and billing admins, `/time?view=approval`: entries
//! by week, customer and staff member, approved one by one or selected in bulk, each
//! customer's billing info asked for on the spot by the gate, rejected with a reason.
//! The filters and the week live in the URL.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::TimeEntryStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::form::{Target, TimeEntryForm, today};
use super::table::{Actions, EntriesTable, Mode};
use super::{
    EntryRef, TimeCursor, TimeEntryRow, TimePageRows, TimeQuery, approve_time_entries, list_time, reject_time_entry,
    submit_time_entries, week_of,
};
use crate::auth::Permission;
use crate::customers::team::staff_options;
use crate::error::AppError;
use crate::i18n::{choice_key, k, t, use_locale};
use crate::shell::use_user;
use crate::ui::{BillingGate, BillingGateDialog, Dialog, EmptyState, ErrorNotice, Pager};

/// The page's state as the URL carries it.
#[derive(Debug, Clone, PartialEq)]
struct View {
    approval: bool,
    week: NaiveDate,
    /// Approval: `None` shows every status.
    status: Option<TimeEntryStatus>,
    user: Option<Uuid>,
    after: Option<TimeCursor>,
}

fn parse_cursor(s: &str) -> Option<TimeCursor> {
    let (date, id) = s.split_once('_')?;
    Some(TimeCursor {
        date: date.parse().ok()?,
        id: id.parse().ok()?,
    })
}

fn link(v: &View) -> String {
    let mut p = vec![format!("week={}", v.week)];
    if v.approval {
        p.push("view=approval".into());
        p.push(format!("status={}", v.status.map_or("all", |s| s.as_str())));
        if let Some(u) = v.user {
            p.push(format!("user={u}"));
        }
    }
    if let Some(a) = v.after {
        p.push(format!("after={}_{}", a.date, a.id));
    }
    format!("/time?{}", p.join("&"))
}

#[component]
pub fn TimePage() -> impl IntoView {
    let user = use_user();
    let may_approve = move || user.get().is_some_and(|u| u.can(Permission::ApproveTime));
    let q = use_query_map();
    let view_state = Memo::new(move |_| {
        q.with(|m| {
            let approval = m.get("view").as_deref() == Some("approval");
            View {
                approval,
                week: week_of(
                    m.get("week")
                        .and_then(|w| w.parse().ok())
                        .unwrap_or_else(|| today().parse().unwrap_or_default()),
                ),
                status: match m.get("status").as_deref() {
                    Some("all") => None,
                    Some(s) => TimeEntryStatus::parse(s).ok(),
                    None if approval => Some(TimeEntryStatus::Submitted),
                    None => None,
                },
                user: m.get("user").and_then(|u| u.parse().ok()),
                after: m.get("after").as_deref().and_then(parse_cursor),
            }
        })
    });
    let tab = move |approval: bool| {
        let week = view_state.with(|v| v.week);
        link(&View {
            approval,
            week,
            status: approval.then_some(TimeEntryStatus::Submitted),
            user: None,
            after: None,
        })
    };
    view! {
        <Title text=t(k::TIME_TITLE) />
        <header class="page-header">
            <p class="muted"><a href="/tickets">{t(k::NAV_SERVICE_DESK)}</a></p>
            <h1>{t(k::TIME_TITLE)}</h1>
        </header>
        <nav class="tabs" aria-label=t(k::TIME_TITLE)>
            <a href=move || tab(false) aria-current=move || (!view_state.with(|v| v.approval)).then_some("page")>{t(k::TIME_MINE)}</a>
            <Show when=may_approve>
                <a href=move || tab(true) id="tab-approval" aria-current=move || view_state.with(|v| v.approval).then_some("page")>{t(k::TIME_APPROVAL)}</a>
            </Show>
        </nav>
        {move || {
            let v = view_state.get();
            if v.approval { view! { <Approval v=v /> }.into_any() } else { view! { <Mine v=v /> }.into_any() }
        }}
    }
}

/// Previous and next week, and the week shown.
#[component]
fn WeekNav(v: View) -> impl IntoView {
    let locale = use_locale();
    let at = |week: NaiveDate| {
        link(&View {
            week,
            after: None,
            ..v.clone()
        })
    };
    let (prev, next) = (
        at(v.week - chrono::Duration::days(7)),
        at(v.week + chrono::Duration::days(7)),
    );
    let label = format!(
        "{} – {}",
        domain::format_date(v.week, locale),
        domain::format_date(v.week + chrono::Duration::days(6), locale)
    );
    view! {
        <nav class="week-nav" aria-label=t(k::TIME_WEEK)>
            <a class="button small" href=prev id="week-prev" rel="prev">{t(k::TIME_WEEK_PREV)}</a>
            <strong id="week-label">{label}</strong>
            <a class="button small" href=next id="week-next" rel="next">{t(k::TIME_WEEK_NEXT)}</a>
        </nav>
    }
}

/// True once the page runs in the browser. Parts holding browser-only state (the billing
/// gate, the customer picker) are rendered from then on: on the server their values would
/// be dropped on another thread after rendering, which their `SendWrapper` refuses.
fn mounted() -> RwSignal<bool> {
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    mounted
}

/// Loads the page of `query` into `rows` whenever `generation` changes.
fn load(query: TimeQuery, rows: RwSignal<Option<TimePageRows>>, error: RwSignal<Option<AppError>>) -> RwSignal<u32> {
    let generation = RwSignal::new(0_u32);
    Effect::new(move |_| {
        generation.track();
        let query = query.clone();
        leptos::task::spawn_local(async move {
            match list_time(query).await {
                Ok(page) => rows.set(Some(page)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    generation
}

#[component]
fn Mine(v: View) -> impl IntoView {
    let rows = RwSignal::new(None::<TimePageRows>);
    let error = RwSignal::new(None::<AppError>);
    let query = TimeQuery {
        mine: true,
        week: Some(v.week),
        after: v.after,
        ..TimeQuery::default()
    };
    let generation = load(query, rows, error);
    let reload = move || generation.update(|g| *g += 1);
    let editing = RwSignal::new(None::<TimeEntryRow>);
    let actions = Actions::own(editing, error, reload);
    let list = Signal::derive(move || rows.with(|r| r.as_ref().map(|p| p.rows.clone()).unwrap_or_default()));
    let drafts = move || {
        list.with(|l| {
            l.iter()
                .filter(|r| r.status.is_editable())
                .map(|r| EntryRef {
                    id: r.id,
                    version: r.version,
                })
                .collect::<Vec<_>>()
        })
    };
    let submit_all = move |_| {
        let entries = drafts();
        leptos::task::spawn_local(async move {
            error.set(submit_time_entries(entries).await.err());
            reload();
        });
    };
    let total = move || list.with(|l| l.iter().map(|r| r.minutes).sum::<u32>());
    let saved = Callback::new(move |_| {
        editing.set(None);
        reload();
    });
    let mounted = mounted();
    view! {
        <WeekNav v=v.clone() />
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        <section class="card">
            <header class="page-header with-actions">
                <h2>{t(k::TIME_MY_WEEK)} <span class="muted" id="week-total">{move || format!(" · {}", domain::time_entry::format_minutes(total()))}</span></h2>
                <Show when=move || !drafts().is_empty()>
                    <button type="button" class="button primary" id="submit-week" on:click=submit_all>{t(k::TIME_SUBMIT_WEEK)}</button>
                </Show>
            </header>
            <Show when=move || !list.with(Vec::is_empty) fallback=|| view! { <EmptyState text=k::TIME_EMPTY_WEEK /> }>
                <EntriesTable rows=list mode=Mode::Mine actions=actions />
            </Show>
            {move || rows.with(|r| r.as_ref().and_then(|p| p.next)).map(|n| {
                let first = link(&View { after: None, ..v.clone() });
                let next = link(&View { after: Some(n), ..v.clone() });
                view! { <Pager first=Some(first) prev=None next=Some(next) /> }
            })}
        </section>
        <section class="card">
            // The form's customer picker holds browser-only state: rendered once mounted.
            {move || mounted.get().then(|| match editing.get() {
                Some(row) => view! {
                    <h2>{t(k::TIME_EDIT)}</h2>
                    <TimeEntryForm target=Target::Customer editing=Some(row) on_saved=saved on_cancel=Callback::new(move |_| editing.set(None)) />
                }.into_any(),
                None => view! {
                    <h2>{t(k::TIME_LOG_CUSTOMER)}</h2>
                    <p class="hint">{t(k::TIME_LOG_CUSTOMER_HINT)}</p>
                    <TimeEntryForm target=Target::Customer editing=None on_saved=saved />
                }.into_any(),
            })}
        </section>
    }
}

/// The approval view, in the browser only: approving runs through the billing-info gate,
/// whose dialog state lives in the browser (see [`mounted`]); without JavaScript there is
/// nothing to approve with, and the page says so.
#[component]
fn Approval(v: View) -> impl IntoView {
    let mounted = mounted();
    view! {
        // Until the page runs in the browser (and for good without JavaScript).
        {move || (!mounted.get()).then(|| view! { <p class="notice" id="approval-needs-script">{t(k::TIME_NEEDS_SCRIPT)}</p> })}
        {move || mounted.get().then(|| view! { <ApprovalBody v=v.clone() /> })}
    }
}

#[component]
fn ApprovalBody(v: View) -> impl IntoView {
    let rows = RwSignal::new(None::<TimePageRows>);
    let error = RwSignal::new(None::<AppError>);
    let query = TimeQuery {
        status: v.status,
        user: v.user,
        week: Some(v.week),
        after: v.after,
        ..TimeQuery::default()
    };
    let generation = load(query, rows, error);
    let selected = RwSignal::new(HashSet::<Uuid>::new());
    let reload = move || {
        selected.set(HashSet::new());
        generation.update(|g| *g += 1);
    };
    let gate = BillingGate::new();
    let rejecting = RwSignal::new(None::<TimeEntryRow>);
    let reason = RwSignal::new(String::new());
    let reject_error = RwSignal::new(None::<AppError>);
    let actions = Actions {
        edit: Callback::new(|_| {}),
        reject: Callback::new(move |r| {
            reason.set(String::new());
            reject_error.set(None);
            rejecting.set(Some(r));
        }),
        changed: Callback::new(move |r: Result<(), AppError>| {
            error.set(r.err());
            reload();
        }),
        gate: Some(gate),
    };
    let list = Signal::derive(move || rows.with(|r| r.as_ref().map(|p| p.rows.clone()).unwrap_or_default()));
    let submitted = move || {
        list.with(|l| {
            l.iter()
                .filter(|r| r.status == TimeEntryStatus::Submitted)
                .map(|r| EntryRef {
                    id: r.id,
                    version: r.version,
                })
                .collect::<Vec<_>>()
        })
    };
    let select_all = move |ev| {
        let on = event_target_checked(&ev);
        selected.set(if on {
            submitted().into_iter().map(|e| e.id).collect()
        } else {
            HashSet::new()
        });
    };
    let busy = RwSignal::new(false);
    let approve_selected = move |_| {
        let chosen: Vec<EntryRef> =
            selected.with_untracked(|s| submitted().into_iter().filter(|e| s.contains(&e.id)).collect());
        if chosen.is_empty() {
            return;
        }
        busy.set(true);
        gate.run(
            move || approve_time_entries(chosen.clone()),
            move |r| {
                busy.set(false);
                error.set(r.err());
                reload();
            },
        );
    };
    let reject = move |_| {
        let Some(row) = rejecting.get_untracked() else { return };
        let why = reason.get_untracked();
        leptos::task::spawn_local(async move {
            match reject_time_entry(row.id, row.version, why).await {
                Ok(_) => {
                    rejecting.set(None);
                    reload();
                }
                Err(e) => reject_error.set(Some(e)),
            }
        });
    };
    let staff = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = staff_options().await {
                staff.set(list);
            }
        });
    });
    let (v1, v2) = (v.clone(), v.clone());
    view! {
        <BillingGateDialog gate=gate />
        <WeekNav v=v.clone() />
        <form class="filters" method="get" action="/time">
            <input type="hidden" name="view" value="approval" />
            <input type="hidden" name="week" value=v.week.to_string() />
            <label>{t(k::TIME_STATUS)} " "
                <select name="status" id="filter-status">
                    <option value="all" selected={v.status.is_none()}>{t(k::TIME_STATUS_ALL)}</option>
                    {[TimeEntryStatus::Submitted, TimeEntryStatus::Approved, TimeEntryStatus::Rejected, TimeEntryStatus::Invoiced, TimeEntryStatus::Draft]
                        .into_iter().map(|s| view! {
                            <option value=s.as_str() selected={v1.status == Some(s)}>{t(choice_key("time_status", s.as_str()))}</option>
                        }).collect_view()}
                </select>
            </label>
            <label>{t(k::TIME_STAFF)} " "
                <select name="user" id="filter-user">
                    <option value="">{t(k::TIME_STAFF_ALL)}</option>
                    {move || staff.get().into_iter().map(|s| {
                        let chosen = v2.user == Some(s.id);
                        view! { <option value=s.id.to_string() selected=chosen>{s.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">{t(k::TIME_FILTER)}</button>
        </form>
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        <section class="card">
            <div class="actions bulk-actions">
                <label class="check"><input type="checkbox" id="select-all" on:change=select_all
                    prop:checked=move || { let s = submitted(); !s.is_empty() && selected.with(|sel| s.iter().all(|e| sel.contains(&e.id))) } />
                    " " {t(k::TIME_SELECT_ALL)}</label>
                <button type="button" class="button primary" id="approve-selected"
                    disabled=move || busy.get() || selected.with(HashSet::is_empty) on:click=approve_selected>
                    {move || format!("{} ({})", t(k::TIME_APPROVE_SELECTED), selected.with(HashSet::len))}
                </button>
            </div>
            <Show when=move || !list.with(Vec::is_empty) fallback=|| view! { <EmptyState text=k::TIME_EMPTY_APPROVAL /> }>
                <EntriesTable rows=list mode=Mode::Approval actions=actions selected=selected />
            </Show>
            {move || rows.with(|r| r.as_ref().and_then(|p| p.next)).map(|n| {
                let first = link(&View { after: None, ..v.clone() });
                let next = link(&View { after: Some(n), ..v.clone() });
                view! { <Pager first=Some(first) prev=None next=Some(next) /> }
            })}
        </section>
        <Dialog id="reject-dialog" title=Signal::derive(move || t(k::TIME_REJECT).to_string())
            open=Signal::derive(move || rejecting.with(Option::is_some)) on_close=Callback::new(move |_| rejecting.set(None))>
            <label class="field" for="reject-reason">{t(k::TIME_REJECT_REASON)}</label>
            <textarea id="reject-reason" rows="3" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            {move || reject_error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <div class="actions">
                <button type="button" class="button" on:click=move |_| rejecting.set(None)>{t(k::SETTINGS_CANCEL)}</button>
                <button type="button" class="button danger" id="confirm-reject" on:click=reject>{t(k::TIME_REJECT)}</button>
            </div>
        </Dialog>
    }
}
