//! `/invoices/runs`: Sales & billing → Invoice runs. What the run needs first (the company;
//! on the first run the numbering review, with the series right here), the cutoff (the 1st
//! of next month by default) and "Preview", and the latest runs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::{RunStatus, list_runs, start_run};
use crate::error::AppError;
use crate::i18n::{choice_key, k, t, use_locale};
use crate::invoicing::{Readiness, invoicing_readiness};
use crate::sales::SalesNav;
use crate::ui::{DataTable, EmptyState, ErrorNotice, Loading, Th};

#[component]
pub fn InvoiceRunsPage() -> impl IntoView {
    // loaded in the browser after hydration, like Settings → Invoicing
    let ready = RwSignal::new(None::<Result<Readiness, AppError>>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move { ready.set(Some(invoicing_readiness().await)) });
    });
    let runs = Resource::new(|| (), |_| list_runs());
    let readiness = move || ready.get().and_then(Result::ok);
    view! {
        <Title text=t(k::INVOICES_RUNS_TITLE) />
        <header class="page-header"><h1>{t(k::NAV_SALES_BILLING)}</h1></header>
        <SalesNav />
        <h2>{t(k::INVOICES_RUNS_TITLE)}</h2>
        <p class="muted">{t(k::INVOICES_RUNS_INTRO)}</p>
        {move || match ready.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
            Some(Ok(r)) => {
                if !r.company_ready() {
                    view! {
                        <section class="card notice" id="run-company-missing">
                            <p class="warning">{t(k::INVOICES_COMPANY_FIRST)}</p>
                            <p><a class="button" href="/settings/invoicing">{t(k::INVOICING_TITLE)}</a></p>
                        </section>
                    }.into_any()
                } else if r.numbering_confirmed.is_none() {
                    view! {
                        <section class="card" id="numbering-review">
                            <p class="warning">{t(k::INVOICES_REVIEW_NUMBERING)}</p>
                        </section>
                        <crate::invoicing::SeriesCard ready=Signal::derive(readiness)
                            on_confirmed=Callback::new(move |r| ready.set(Some(Ok(r)))) />
                    }.into_any()
                } else {
                    view! { <StartRun /> }.into_any()
                }
            }
        }}
        <h3>{t(k::INVOICES_RUNS_RECENT)}</h3>
        <Transition fallback=|| view! { <Loading /> }>
            {move || runs.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <EmptyState text=k::INVOICES_RUNS_EMPTY /> }.into_any(),
                Ok(list) => view! { <RunsTable runs=list /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn StartRun() -> impl IntoView {
    let today = chrono::Utc::now().date_naive();
    let cutoff = RwSignal::new(domain::billing_period::default_cutoff(today).to_string());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(date) = domain::parse_date(&cutoff.get_untracked()) else {
            error.set(Some(AppError::from(vec![
                domain::FieldError::new(domain::Code::DateFormat).at("cutoff"),
            ])));
            return;
        };
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match start_run(date).await {
                Ok(run) => navigate(&format!("/invoices/runs/{}", run.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card" id="start-run" on:submit=start>
            <div class="grid-form">
                <label class="field">
                    <span>{t(k::INVOICES_CUTOFF)}</span>
                    <input type="date" id="run-cutoff" required prop:value=move || cutoff.get()
                        on:input=move |ev| cutoff.set(event_target_value(&ev)) />
                    <small class="muted">{t(k::INVOICES_CUTOFF_HINT)}</small>
                </label>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <div class="actions">
                <button type="submit" class="button primary" id="preview-run" disabled=move || busy.get()>{t(k::INVOICES_PREVIEW)}</button>
            </div>
        </form>
    }
}

#[component]
fn RunsTable(runs: Vec<RunStatus>) -> impl IntoView {
    let locale = use_locale();
    let columns = vec![
        Th::text(k::INVOICES_CUTOFF),
        Th::text(k::INVOICES_RUN_STATUS),
        Th::text(k::INVOICES_RUN_STARTED),
        Th::num(k::INVOICES_DOCUMENTS),
        Th::num(k::INVOICES_NET),
    ];
    view! {
        <DataTable id="runs-table" columns=columns>
            {runs.into_iter().map(|r| {
                let totals = r.totals.iter().map(|(c, n)| super::document::money(*n, c, locale)).collect::<Vec<_>>().join(" · ");
                view! {
                    <tr>
                        <td><a href=format!("/invoices/runs/{}", r.id)>{domain::format_date(r.cutoff, locale)}</a></td>
                        <td>{t(choice_key("run_status", &r.status))}</td>
                        <td>{crate::shell::format_instant(r.created_at, locale)}</td>
                        <td class="num">{r.documents}</td>
                        <td class="num">{totals}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
