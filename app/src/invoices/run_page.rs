//! `/invoices/runs/:id`: one run. While it computes or finalises, a progress bar (the
//! status is polled every second); then what it will issue (or issued) per currency, its
//! customers — parked and changed first, with the reason and, for missing billing info,
//! the gate's "add it now" after which the customer's preview is computed again — each
//! with its documents on demand; "Approve and finalise" once previewed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::document::{DocumentBody, money};
use super::{
    ParkReason, RunCustomerRow, RunStatus, approve_run, get_run, recompute_customer, run_customer, run_customers,
};
use crate::error::AppError;
use crate::i18n::{Key, choice_key, k, t, text_with, use_locale};
use crate::sales::SalesNav;
use crate::ui::{
    BillingGate, BillingGateDialog, DataTable, Dialog, EmptyState, ErrorNotice, Loading, Pager, ProgressBar, Th,
};

const STATES: [&str; 6] = ["", "ready", "parked", "changed", "done", "empty"];

#[component]
pub fn InvoiceRunPage(run: Uuid) -> impl IntoView {
    let query = use_query_map();
    let id = Memo::new(move |_| Some(run));
    let state = Memo::new(move |_| query.with(|q| q.get("state").unwrap_or_default()));
    let page = Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(0)));
    let status = RwSignal::new(None::<Result<RunStatus, AppError>>);
    let generation = RwSignal::new(0u32);
    let load = move || {
        let Some(run) = id.get_untracked() else {
            status.set(Some(Err(AppError::NotFound)));
            return;
        };
        leptos::task::spawn_local(async move {
            let s = get_run(run).await;
            let was_busy = status.with_untracked(|s| matches!(s, Some(Ok(s)) if s.busy()));
            let busy = matches!(&s, Ok(s) if s.busy());
            status.set(Some(s));
            if was_busy && !busy {
                generation.update(|g| *g += 1);
            }
        });
    };
    Effect::new(move |_| {
        id.track();
        load();
    });
    #[cfg(feature = "hydrate")]
    {
        let handle = leptos::leptos_dom::helpers::set_interval_with_handle(
            move || {
                if status.with_untracked(|s| matches!(s, Some(Ok(s)) if s.busy())) {
                    load();
                }
            },
            std::time::Duration::from_secs(1),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    // loaded in the browser (after hydration), again whenever the filter, the page or the
    // run's state changes
    let customers = RwSignal::new(None::<Result<Vec<RunCustomerRow>, AppError>>);
    Effect::new(move |_| {
        generation.track();
        let (run, state, page) = (id.get(), state.get(), page.get());
        leptos::task::spawn_local(async move {
            let rows = match run {
                Some(run) => run_customers(run, Some(state).filter(|s| !s.is_empty()), page).await,
                None => Err(AppError::NotFound),
            };
            customers.set(Some(rows));
        });
    });
    let gate = BillingGate::new();
    let reload = Callback::new(move |_| {
        load();
        generation.update(|g| *g += 1);
    });
    view! {
        <Title text=t(k::INVOICES_RUN_TITLE) />
        <header class="page-header"><h1>{t(k::NAV_SALES_BILLING)}</h1></header>
        <SalesNav />
        <p class="muted"><a href="/invoices/runs">{t(k::INVOICES_RUNS_TITLE)}</a></p>
        {move || match status.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
            Some(Ok(s)) => view! { <RunSummary s=s reload=reload /> }.into_any(),
        }}
        <nav class="filter-links" aria-label=t(k::INVOICES_RUN_STATE)>
            {STATES.iter().map(|s| {
                let href = move || {
                    let base = format!("/invoices/runs/{}", id.get().map(|i| i.to_string()).unwrap_or_default());
                    if s.is_empty() { base } else { format!("{base}?state={s}") }
                };
                let label = if s.is_empty() { k::INVOICES_STATE_ALL } else { choice_key("run_state", s) };
                view! { <a href=href aria-current=move || (state.get() == *s).then_some("page")>{t(label)}</a> }
            }).collect_view()}
        </nav>
        {move || match customers.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => view! { <EmptyState text=k::INVOICES_RUN_NONE /> }.into_any(),
                Some(Ok(mut rows)) => {
                    let more = rows.len() as i64 > 50;
                    rows.truncate(50);
                    let run = id.get_untracked().unwrap_or_default();
                    let open = status.with_untracked(|s| matches!(s, Some(Ok(s)) if s.status == "previewed" || s.status == "previewing"));
                    let link = move |p: u32| {
                        let st = state.get_untracked();
                        let mut q = Vec::new();
                        if !st.is_empty() { q.push(format!("state={st}")); }
                        if p > 0 { q.push(format!("page={p}")); }
                        let base = format!("/invoices/runs/{run}");
                        if q.is_empty() { base } else { format!("{base}?{}", q.join("&")) }
                    };
                    let p = page.get_untracked();
                    view! {
                        <CustomersTable run=run rows=rows open=open gate=gate reload=reload />
                        <Pager first=(p > 0).then(|| link(0)) prev=(p > 0).then(|| link(p - 1)) next=more.then(|| link(p + 1)) />
                    }.into_any()
                }
        }}
        <BillingGateDialog gate=gate />
    }
}

fn status_key(s: &str) -> Key {
    choice_key("run_status", s)
}

#[component]
fn RunSummary(s: RunStatus, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let (done, total) = s.progress();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let run = s.id;
    let approve = move |_| {
        leptos::task::spawn_local(async move {
            match approve_run(run).await {
                Ok(_) => {
                    confirming.set(false);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let c = s.counts.clone();
    let totals = s
        .totals
        .iter()
        .map(|(cur, n)| money(*n, cur, locale))
        .collect::<Vec<_>>()
        .join(" · ");
    let can_approve = s.status == "previewed" && c.ready > 0;
    let ready = c.ready;
    let progress_label = if s.status == "finalising" {
        k::INVOICES_FINALISING
    } else {
        k::INVOICES_PREVIEWING
    };
    let share = if total > 0 { done as f64 / total as f64 } else { 0.0 };
    view! {
        <section class="card" id="run-summary" aria-labelledby="run-title">
            <h2 id="run-title">{text_with(locale, k::INVOICES_RUN_HEADING, &[("cutoff", &domain::format_date(s.cutoff, locale))])}</h2>
            <p><span class="badge" id="run-status">{t(status_key(&s.status))}</span>
                {s.issue_date.map(|d| format!(" · {} {}", t(k::INVOICES_ISSUE_DATE), domain::format_date(d, locale)))}</p>
            {s.busy().then(|| view! { <ProgressBar label=progress_label share=share id="run-progress" /> })}
            <dl class="facts" id="run-counts">
                <dt>{t(choice_key("run_state", "ready"))}</dt><dd>{c.ready}</dd>
                <dt>{t(choice_key("run_state", "done"))}</dt><dd>{c.done}</dd>
                <dt>{t(choice_key("run_state", "parked"))}</dt><dd>{c.parked}</dd>
                <dt>{t(choice_key("run_state", "changed"))}</dt><dd>{c.changed}</dd>
                <dt>{t(choice_key("run_state", "empty"))}</dt><dd>{c.empty}</dd>
                <dt>{t(k::INVOICES_NET)}</dt><dd id="run-totals">{totals}</dd>
                <dt>{t(k::INVOICES_DOCUMENTS)}</dt><dd>
                    {if s.documents > 0 {
                        view! { <a href=format!("/invoices?run={}", s.id)>{s.documents}</a> }.into_any()
                    } else {
                        view! { "0" }.into_any()
                    }}
                </dd>
            </dl>
            {(c.changed > 0).then(|| view! { <p class="warning">{t(k::INVOICES_CHANGED_NOTE)}</p> })}
            {(c.parked > 0 && s.status == "previewed").then(|| view! { <p class="warning">{t(k::INVOICES_PARKED_NOTE)}</p> })}
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            {can_approve.then(|| view! {
                <div class="actions">
                    <button type="button" class="button primary" id="approve-run" on:click=move |_| confirming.set(true)>
                        {t(k::INVOICES_APPROVE)}</button>
                </div>
            })}
        </section>
        <Dialog id="approve-dialog" title=Signal::derive(move || t(k::INVOICES_APPROVE).to_string())
            open=Signal::derive(move || confirming.get()) on_close=Callback::new(move |_| confirming.set(false))>
            <p>{text_with(locale, k::INVOICES_APPROVE_CONFIRM, &[("count", &ready.to_string())])}</p>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| confirming.set(false)>{t(k::SETTINGS_CANCEL)}</button>
                <button type="button" class="button primary" id="approve-confirm" on:click=approve>{t(k::INVOICES_FINALISE)}</button>
            </div>
        </Dialog>
    }
}

fn reason_text(r: &ParkReason) -> String {
    match r {
        ParkReason::BillingInfo => t(k::INVOICES_REASON_BILLING).to_string(),
        ParkReason::Blockers(list) => {
            let mut keys: Vec<&str> = list
                .iter()
                .map(|b| match b {
                    domain::charges::Blocker::TimeWithoutContract { .. } => "time_without_contract",
                    domain::charges::Blocker::MissingReading { .. } => "missing_reading",
                    domain::charges::Blocker::NoServiceLinked { .. } => "no_service_linked",
                })
                .collect();
            keys.dedup();
            keys.iter()
                .map(|k| format!("{} ({})", t(choice_key("blocker", k)), list.len()))
                .collect::<Vec<_>>()
                .join("; ")
        }
        ParkReason::Error(_) => t(k::INVOICES_REASON_ERROR).to_string(),
    }
}

#[component]
fn CustomersTable(
    run: Uuid,
    rows: Vec<RunCustomerRow>,
    open: bool,
    gate: BillingGate,
    reload: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let columns = vec![
        Th::text(k::INVOICES_CUSTOMER),
        Th::text(k::INVOICES_RUN_STATE),
        Th::num(k::INVOICES_DOCUMENTS),
        Th::num(k::INVOICES_NET),
        Th::actions(),
    ];
    let shown = RwSignal::new(None::<Uuid>);
    view! {
        <DataTable id="run-customers" columns=columns>
            {rows.into_iter().map(|row| {
                let customer = row.customer;
                let net = row.net.iter().map(|(c, n)| money(*n, c, locale)).collect::<Vec<_>>().join(" · ");
                let reason = row.reason.as_ref().map(reason_text);
                let needs_billing = open && row.reason == Some(ParkReason::BillingInfo);
                let error = RwSignal::new(None::<AppError>);
                let add_billing = move |_| {
                    gate.run(move || recompute_customer(run, customer), move |r| match r {
                        Ok(_) => reload.run(()),
                        Err(e) => error.set(Some(e)),
                    });
                };
                let name = row.name.clone();
                view! {
                    <tr data-customer=row.name.clone() data-state=row.state.clone()>
                        <td><a href=format!("/customers/{customer}") rel="external">{row.name.clone()}</a></td>
                        <td>{t(choice_key("run_state", &row.state))}
                            {reason.map(|r| view! { <br /><span class="muted small">{r}</span> })}
                            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}</td>
                        <td class="num">{row.documents}</td>
                        <td class="num">{net}</td>
                        <td>
                            {needs_billing.then(|| view! {
                                <button type="button" class="button small primary" on:click=add_billing
                                    aria-label=format!("{}: {}", t(k::INVOICES_ADD_BILLING), name)>{t(k::INVOICES_ADD_BILLING)}</button>
                            })}
                            {(row.documents > 0 || row.state == "changed").then(|| view! {
                                <button type="button" class="button small"
                                    aria-expanded=move || (shown.get() == Some(customer)).to_string()
                                    on:click=move |_| shown.update(|s| *s = if *s == Some(customer) { None } else { Some(customer) })>
                                    {t(k::INVOICES_SHOW)}</button>
                            })}
                            {row.invoice_ids.iter().map(|i| view! { " " <a href=format!("/invoices/{i}")>{t(k::INVOICES_OPEN)}</a> }).collect_view()}
                        </td>
                    </tr>
                    <Show when=move || shown.get() == Some(customer)>
                        <tr class="detail"><td colspan="5"><CustomerDraftView run=run customer=customer /></td></tr>
                    </Show>
                }
            }).collect_view()}
        </DataTable>
    }
}

#[component]
fn CustomerDraftView(run: Uuid, customer: Uuid) -> impl IntoView {
    let detail = LocalResource::new(move || run_customer(run, customer));
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || detail.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                Ok(d) => {
                    let names = d.names.clone();
                    let now = d.draft_now.clone().map(|now| {
                        let names = names.clone();
                        view! {
                            <h4>{t(k::INVOICES_NOW)}</h4>
                            {now.documents.into_iter().map(|doc| view! {
                                <DocumentBody doc=doc bill_to=customer names=names.clone() />
                            }).collect_view()}
                        }
                    });
                    view! {
                        {now.is_some().then(|| view! { <h4>{t(k::INVOICES_APPROVED)}</h4> })}
                        {d.draft.documents.into_iter().map(|doc| {
                            let title = t(choice_key("document_kind", doc.kind.as_str()));
                            view! {
                                <h4>{title} " · " {doc.currency.as_str()}</h4>
                                <DocumentBody doc=doc bill_to=customer names=names.clone() />
                            }
                        }).collect_view()}
                        {now}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
