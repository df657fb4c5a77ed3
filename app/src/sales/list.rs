//! Sales & billing → Sales items, and the customer page's Sales tab: newest first, paged
//! by (date, id) cursors carried in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::{SalesCursor, SalesPageRows, SalesQuery, SalesStatus, list_sales_items};
use crate::i18n::{Key, choice_key, k, t, use_locale};
use crate::ui::{DataTable, EmptyState, ErrorNotice, Loading, Pager, Th};

/// The tabs of Sales & billing.
#[component]
pub fn SalesNav() -> impl IntoView {
    use leptos_router::components::A;
    let user = crate::shell::use_user();
    let sales = move || user.get().is_some_and(|u| u.can(crate::auth::Permission::ManageSales));
    view! {
        <nav class="tabs" aria-label=t(k::NAV_SALES_BILLING)>
            <Show when=sales>
                <A href="/sales">{t(k::SALES_ITEMS_TITLE)}</A>
            </Show>
            <A href="/contracts">{t(k::CONTRACTS_TITLE)}</A>
            <Show when=sales>
                <A href="/invoices/runs">{t(k::INVOICES_RUNS_TITLE)}</A>
                <A href="/invoices" exact=true>{t(k::INVOICES_TITLE)}</A>
            </Show>
        </nav>
    }
}

fn status_key(s: SalesStatus) -> Key {
    match s {
        SalesStatus::All => k::SALES_STATUS_ALL,
        SalesStatus::Open => k::SALES_STATUS_OPEN,
        SalesStatus::Invoiced => k::SALES_STATUS_INVOICED,
    }
}

fn status_str(s: SalesStatus) -> &'static str {
    match s {
        SalesStatus::All => "all",
        SalesStatus::Open => "open",
        SalesStatus::Invoiced => "invoiced",
    }
}

/// `2026-12-01_<uuid>`, the cursor as the URL carries it.
fn cursor_text(c: SalesCursor) -> String {
    format!("{}_{}", c.date, c.id)
}

fn parse_cursor(s: &str) -> Option<SalesCursor> {
    let (date, id) = s.split_once('_')?;
    Some(SalesCursor {
        date: date.parse().ok()?,
        id: id.parse().ok()?,
    })
}

/// The list's query from the URL (`status`, `after`).
fn query_from_url(customer: Option<Uuid>) -> Memo<SalesQuery> {
    let q = use_query_map();
    Memo::new(move |_| {
        q.with(|m| SalesQuery {
            customer,
            status: match m.get("status").as_deref() {
                Some("open") => SalesStatus::Open,
                Some("invoiced") => SalesStatus::Invoiced,
                _ => SalesStatus::All,
            },
            after: m.get("after").as_deref().and_then(parse_cursor),
        })
    })
}

/// `/sales`: every sales item.
#[component]
pub fn SalesPage() -> impl IntoView {
    let query = query_from_url(None);
    let rows = Resource::new(move || query.get(), list_sales_items);
    let may_write = crate::contracts::can_edit();
    view! {
        <Title text=t(k::NAV_SALES_BILLING) />
        <header class="page-header with-actions">
            <h1>{t(k::NAV_SALES_BILLING)}</h1>
            <div class="actions">
                <Show when=move || may_write.get()>
                    <crate::contracts::uncovered::BulkContractsLink />
                </Show>
                <a class="button primary" href="/sales/items/new" id="new-sales-item">{t(k::SALES_NEW)}</a>
            </div>
        </header>
        <SalesNav />
        <Show when=move || may_write.get()>
            <crate::contracts::uncovered::UncoveredBanner />
        </Show>
        <StatusFilter base="/sales".into() query=query />
        <Transition fallback=|| view! { <Loading /> }>
            {move || rows.get().map(|r| view! {
                <SalesResult result=r query=query.get() base="/sales".into() show_customer=true />
            })}
        </Transition>
    }
}

/// The customer page's tab: this customer's items, created from here for this customer.
#[component]
pub fn SalesItemsList(customer: Uuid) -> impl IntoView {
    let query = query_from_url(Some(customer));
    // Loaded in the browser: the tab is rendered inside the customer page's resolved
    // Transition, where a new server resource would break hydration.
    let rows = LocalResource::new(move || list_sales_items(query.get()));
    let base = format!("/customers/{customer}/sales");
    let base2 = base.clone();
    view! {
        <section class="card" aria-labelledby="sales-tab-title">
            <header class="page-header with-actions">
                <h2 id="sales-tab-title">{t(k::SALES_ITEMS_TITLE)}</h2>
                // rel=external like the customer page's tabs: leaving the customer page
                // by the client router hit a disposed-signal panic (docs/ARCHITECTURE.md).
                <a class="button primary" id="new-sales-item" rel="external"
                    href=format!("/sales/items/new?customer={customer}")>{t(k::SALES_NEW)}</a>
            </header>
            <StatusFilter base=base query=query />
            <Suspense fallback=|| view! { <Loading /> }>
                {move || rows.get().map(|r| view! {
                    <SalesResult result=r query=query.get() base=base2.clone() show_customer=false />
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn StatusFilter(base: String, query: Memo<SalesQuery>) -> impl IntoView {
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some());
    view! {
        {saved.then(|| view! { <p class="notice" role="status" id="sales-saved">{t(k::SALES_SAVED)}</p> })}
        <nav class="filter-links" aria-label=t(k::SALES_STATUS)>
            {[SalesStatus::All, SalesStatus::Open, SalesStatus::Invoiced].into_iter().map(|s| {
                let href = if s == SalesStatus::All { base.clone() } else { format!("{base}?status={}", status_str(s)) };
                view! {
                    <a href=href aria-current=move || (query.with(|q| q.status) == s).then_some("page")>{t(status_key(s))}</a>
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn SalesResult(
    result: Result<SalesPageRows, crate::error::AppError>,
    query: SalesQuery,
    base: String,
    show_customer: bool,
) -> impl IntoView {
    let locale = use_locale();
    let page = match result {
        Err(e) => return view! { <ErrorNotice error=e /> }.into_any(),
        Ok(p) if p.rows.is_empty() => return view! { <EmptyState text=k::SALES_EMPTY /> }.into_any(),
        Ok(p) => p,
    };
    let link = |after: Option<SalesCursor>| {
        let mut params = Vec::new();
        if query.status != SalesStatus::All {
            params.push(format!("status={}", status_str(query.status)));
        }
        if let Some(c) = after {
            params.push(format!("after={}", cursor_text(c)));
        }
        if params.is_empty() {
            base.clone()
        } else {
            format!("{base}?{}", params.join("&"))
        }
    };
    let first = query.after.is_some().then(|| link(None));
    let next = page.next.map(|c| link(Some(c)));
    let mut columns = vec![Th::text(k::SALES_DATE)];
    if show_customer {
        columns.push(Th::text(k::SALES_CUSTOMER));
    }
    columns.extend([
        Th::text(k::SALES_DESCRIPTION),
        Th::num(k::SALES_QUANTITY),
        Th::num(k::SALES_UNIT_PRICE),
        Th::num(k::SALES_TOTAL),
        Th::text(k::SALES_STATUS),
        Th::actions(),
    ]);
    view! {
        <DataTable id="sales-table" columns=columns>
            {page.rows.into_iter().map(|row| {
                let valid = row.item.validate().ok();
                let money = |a: rust_decimal::Decimal| domain::format_decimal(a, locale);
                let total = valid.as_ref().map(|i| domain::format_money(&i.total(), locale)).unwrap_or_default();
                let date = valid.as_ref().map(|i| domain::format_date(i.date, locale)).unwrap_or_else(|| row.item.date.clone());
                let quantity = row.item.quantity.parse().map(money).unwrap_or_else(|_| row.item.quantity.clone());
                let price = row.item.unit_price.parse().map(|a| format!("{} {}", money(a), row.item.currency)).unwrap_or_default();
                let kind = (row.item.kind != "sale").then(|| t(choice_key("sales_kind", &row.item.kind)));
                let label = format!("{} {}", t(k::SETTINGS_EDIT), row.item.description);
                view! {
                    <tr data-item=row.item.description.clone()>
                        <td>{date}</td>
                        {show_customer.then(|| view! {
                            <td><a href=format!("/customers/{}", row.customer)>{row.customer_name.clone()}</a></td>
                        })}
                        <td>
                            {row.item.description.clone()}
                            {(!row.item.service_code.is_empty()).then(|| view! { " " <code class="muted">{row.item.service_code.clone()}</code> })}
                            {kind.map(|k| view! { " " <span class="badge">{k}</span> })}
                        </td>
                        <td class="num">{quantity}</td>
                        <td class="num">{price}</td>
                        <td class="num">{total}</td>
                        <td>{if row.invoiced {
                            view! { <span class="badge muted">{t(k::SALES_STATUS_INVOICED)}</span> }.into_any()
                        } else {
                            view! { <span class="badge">{t(k::SALES_STATUS_OPEN)}</span> }.into_any()
                        }}</td>
                        <td class="row-actions">
                            <a class="button small" href=format!("/sales/items/{}", row.id) aria-label=label rel=(!show_customer).then_some("external")>
                                {t(if row.invoiced { k::SALES_VIEW } else { k::SETTINGS_EDIT })}
                            </a>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        <Pager first=first next=next />
    }
    .into_any()
}
