//! Sales & billing → Contracts: every contract by name, filtered by customer, type, status
//! and "ending soon", paged by (name, id) cursors carried in the URL. The filters are a
//! plain GET form, so they work before the page is interactive.

use domain::{ContractStatus, ContractType};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ContractCursor, ContractListPage, ContractQuery, list_contracts};
use crate::i18n::{Key, choice_key, k, t, use_locale};
use crate::ui::{DataTable, EmptyState, ErrorNotice, Loading, Pager, Th};

pub fn status_key(s: ContractStatus) -> Key {
    match s {
        ContractStatus::Draft => k::CONTRACTS_STATUS_DRAFT,
        ContractStatus::Active => k::CONTRACTS_STATUS_ACTIVE,
        ContractStatus::Ended => k::CONTRACTS_STATUS_ENDED,
    }
}

/// `<uuid>_<name>` in the URL (the lower-case name percent-encoded; the router decodes it).
fn cursor_text(c: &ContractCursor) -> String {
    format!("{}_{}", c.id, crate::customers::list::urlencode(&c.name))
}

fn parse_cursor(s: &str) -> Option<ContractCursor> {
    let (id, name) = s.split_once('_')?;
    Some(ContractCursor {
        id: id.parse().ok()?,
        name: name.to_string(),
    })
}

fn query_from_url() -> Memo<ContractQuery> {
    let q = use_query_map();
    Memo::new(move |_| {
        q.with(|m| ContractQuery {
            customer: m.get("customer").and_then(|c| c.parse().ok()),
            contract_type: m.get("type").filter(|t| ContractType::parse(t).is_ok()),
            status: m.get("status").and_then(|s| ContractStatus::parse(&s).ok()),
            ending_soon: m.get("ending").is_some_and(|v| v == "soon"),
            after: m.get("after").as_deref().and_then(parse_cursor),
        })
    })
}

/// The query as URL parameters (without the cursor).
fn params(q: &ContractQuery) -> Vec<String> {
    let mut p = Vec::new();
    if let Some(c) = q.customer {
        p.push(format!("customer={c}"));
    }
    if let Some(t) = &q.contract_type {
        p.push(format!("type={t}"));
    }
    if let Some(s) = q.status {
        p.push(format!("status={}", s.as_str()));
    }
    if q.ending_soon {
        p.push("ending=soon".into());
    }
    p
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let query = query_from_url();
    let rows = Resource::new(move || query.get(), list_contracts);
    let may_write = super::page::can_edit();
    view! {
        <Title text=t(k::CONTRACTS_TITLE) />
        <header class="page-header with-actions">
            <h1>{t(k::NAV_SALES_BILLING)}</h1>
            <Show when=move || may_write.get()>
                <div class="actions">
                    <super::uncovered::BulkContractsLink />
                    <a class="button primary" id="new-contract" href=move || match query.with(|q| q.customer) {
                        Some(c) => format!("/contracts/new?customer={c}"),
                        None => "/contracts/new".to_string(),
                    }>{t(k::CONTRACTS_NEW)}</a>
                </div>
            </Show>
        </header>
        <crate::sales::SalesNav />
        <Show when=move || may_write.get()>
            <super::uncovered::UncoveredBanner />
        </Show>
        <Filters query=query />
        <Transition fallback=|| view! { <Loading /> }>
            {move || rows.get().map(|r| view! { <ContractRows result=r query=query.get() /> })}
        </Transition>
    }
}

#[component]
fn Filters(query: Memo<ContractQuery>) -> impl IntoView {
    let q = query.get_untracked();
    let customer = q.customer;
    view! {
        <form class="filters" method="get" action="/contracts" role="search" aria-label=t(k::CONTRACTS_FILTERS)>
            {customer.map(|c| view! {
                <input type="hidden" name="customer" value=c.to_string() />
                <p class="muted">{t(k::CONTRACTS_FILTER_CUSTOMER)} " "
                    <a href=format!("/customers/{c}/contracts") rel="external">{t(k::CONTRACTS_CUSTOMER_LINK)}</a>
                    " · " <a href="/contracts">{t(k::CONTRACTS_CLEAR)}</a>
                </p>
            })}
            <label>{t(k::CONTRACTS_FILTER_TYPE)} " "
                <select name="type" id="filter-type">
                    <option value="" selected=q.contract_type.is_none()>{t(k::CONTRACTS_ANY)}</option>
                    {ContractType::ALL.iter().map(|c| view! {
                        <option value=c.as_str() selected=q.contract_type.as_deref() == Some(c.as_str())>
                            {t(choice_key("contract_type", c.as_str()))}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label>{t(k::CONTRACTS_FILTER_STATUS)} " "
                <select name="status" id="filter-status">
                    <option value="" selected=q.status.is_none()>{t(k::CONTRACTS_ANY)}</option>
                    {ContractStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=q.status == Some(*s)>{t(status_key(*s))}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="checkbox">
                <input type="checkbox" name="ending" value="soon" id="filter-ending" checked=q.ending_soon />
                {t(k::CONTRACTS_ENDING_SOON)}
            </label>
            <button type="submit" class="button">{t(k::CONTRACTS_APPLY)}</button>
        </form>
    }
}

#[component]
fn ContractRows(result: Result<ContractListPage, crate::error::AppError>, query: ContractQuery) -> impl IntoView {
    let locale = use_locale();
    let page = match result {
        Err(e) => return view! { <ErrorNotice error=e /> }.into_any(),
        Ok(p) if p.rows.is_empty() => return view! { <EmptyState text=k::CONTRACTS_EMPTY /> }.into_any(),
        Ok(p) => p,
    };
    let link = |after: Option<&ContractCursor>| {
        let mut p = params(&query);
        if let Some(c) = after {
            p.push(format!("after={}", cursor_text(c)));
        }
        if p.is_empty() {
            "/contracts".to_string()
        } else {
            format!("/contracts?{}", p.join("&"))
        }
    };
    let first = query.after.is_some().then(|| link(None));
    let next = page.next.as_ref().map(|c| link(Some(c)));
    let columns = vec![
        Th::text(k::CONTRACTS_COL_NAME),
        Th::text(k::CONTRACTS_COL_CUSTOMER),
        Th::text(k::CONTRACTS_COL_PERIOD),
        Th::text(k::CONTRACT_BILLING_CYCLE),
        Th::text(k::CONTRACTS_COL_PARTS),
        Th::text(k::CONTRACTS_FILTER_STATUS),
    ];
    view! {
        <DataTable id="contracts-table" columns=columns>
            {page.rows.into_iter().map(|row| {
                let period = format!(
                    "{} – {}",
                    domain::format::format_date(row.start, locale),
                    row.end.map(|e| domain::format::format_date(e, locale)).unwrap_or_else(|| t(k::CONTRACTS_OPEN_ENDED).to_string()),
                );
                let types = row.types.iter().map(|ty| t(choice_key("contract_type", ty)).to_string()).collect::<Vec<_>>().join(", ");
                view! {
                    <tr data-contract=row.name.clone()>
                        <td><a href=format!("/contracts/{}", row.id)>{row.name.clone()}</a></td>
                        <td><a href=format!("/customers/{}", row.customer) rel="external">{row.customer_name.clone()}</a></td>
                        <td>{period}</td>
                        <td>{t(choice_key("billing_cycle", &row.billing_cycle))} " · " {row.currency.clone()}</td>
                        <td>{types}</td>
                        <td><span class=format!("badge status-{}", row.status.as_str())>{t(status_key(row.status))}</span></td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        <Pager first=first prev=None next=next />
    }
    .into_any()
}
