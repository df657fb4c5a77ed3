//! `/invoices`: Sales & billing → Invoices, newest first; filters (status, kind, run,
//! customer) and the page carried in the URL, so a filtered list can be linked.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::document::money;
use super::{InvoiceFilter, list_invoices};
use crate::i18n::{choice_key, k, t, use_locale};
use crate::sales::SalesNav;
use crate::ui::{DataTable, EmptyState, ErrorNotice, Loading, Pager, Th};

/// `(query string, label)` of the filter links.
const FILTERS: [(&str, &str); 5] = [
    ("", "all"),
    ("status=issued", "issued"),
    ("status=cancelled", "cancelled"),
    ("kind=invoice", "invoice"),
    ("kind=credit_note", "credit_note"),
];

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| InvoiceFilter {
            status: q.get("status"),
            kind: q.get("kind"),
            run: q.get("run").and_then(|s| s.parse().ok()),
            customer: q.get("customer").and_then(|s| s.parse().ok()),
            from: q.get("from").and_then(|s| s.parse().ok()),
            to: q.get("to").and_then(|s| s.parse().ok()),
            page: q.get("page").and_then(|s| s.parse().ok()).unwrap_or(0),
        })
    });
    let rows = Resource::new(move || filter.get(), list_invoices);
    let current = Memo::new(move |_| {
        filter.with(|f| match (f.status.as_deref(), f.kind.as_deref()) {
            (Some(s), _) => format!("status={s}"),
            (_, Some(kind)) => format!("kind={kind}"),
            _ => String::new(),
        })
    });
    view! {
        <Title text=t(k::INVOICES_TITLE) />
        <header class="page-header"><h1>{t(k::NAV_SALES_BILLING)}</h1></header>
        <SalesNav />
        <nav class="filter-links" aria-label=t(k::INVOICES_FILTER)>
            {FILTERS.iter().map(|(q, label)| {
                let href = if q.is_empty() { "/invoices".to_string() } else { format!("/invoices?{q}") };
                view! { <a href=href aria-current=move || (current.get() == *q).then_some("page")>{t(choice_key("invoice_filter", label))}</a> }
            }).collect_view()}
        </nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || rows.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <EmptyState text=k::INVOICES_EMPTY /> }.into_any(),
                Ok(mut list) => {
                    let more = list.len() > 50;
                    list.truncate(50);
                    let f = filter.get_untracked();
                    let link = move |page: u32| {
                        let mut q: Vec<String> = Vec::new();
                        if let Some(s) = &f.status { q.push(format!("status={s}")); }
                        if let Some(s) = &f.kind { q.push(format!("kind={s}")); }
                        if let Some(r) = f.run { q.push(format!("run={r}")); }
                        if let Some(c) = f.customer { q.push(format!("customer={c}")); }
                        if page > 0 { q.push(format!("page={page}")); }
                        if q.is_empty() { "/invoices".to_string() } else { format!("/invoices?{}", q.join("&")) }
                    };
                    let page = filter.with_untracked(|f| f.page);
                    view! {
                        <InvoiceTable rows=list />
                        <Pager first=(page > 0).then(|| link(0)) prev=(page > 0).then(|| link(page - 1)) next=more.then(|| link(page + 1)) />
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn InvoiceTable(rows: Vec<super::InvoiceRow>) -> impl IntoView {
    let locale = use_locale();
    let columns = vec![
        Th::text(k::INVOICES_NUMBER),
        Th::text(k::INVOICES_KIND),
        Th::text(k::INVOICES_ISSUE_DATE),
        Th::text(k::INVOICES_CUSTOMER),
        Th::num(k::INVOICES_NET),
        Th::num(k::INVOICES_GROSS),
        Th::text(k::INVOICES_STATUS),
    ];
    view! {
        <DataTable id="invoices-table" columns=columns>
            {rows.into_iter().map(|r| view! {
                <tr data-number=r.number.clone()>
                    <td><a href=format!("/invoices/{}", r.id)>{r.number.clone()}</a></td>
                    <td>{t(choice_key("document_kind", &r.kind))}</td>
                    <td>{domain::format_date(r.issue_date, locale)}</td>
                    <td>{r.customer_name.clone()}</td>
                    <td class="num">{money(r.net, &r.currency, locale)}</td>
                    <td class="num">{money(r.gross, &r.currency, locale)}</td>
                    <td>{t(choice_key("invoice_status", &r.status))}</td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
}
