//! `/invoices/:id`: one issued document as it was issued — seller and buyer frozen on it,
//! dates, every line with its service period, per-child subtotals, VAT per rate, the legal
//! notes, the time it lists — and "Cancel" for an issued invoice, which issues the full
//! credit note (shown next).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::document::DocumentBody;
use super::{InvoiceDetail, cancel_invoice, get_invoice};
use crate::error::AppError;
use crate::i18n::{choice_key, k, t, text_with, use_locale};
use crate::sales::SalesNav;
use crate::ui::{Dialog, ErrorNotice, Loading};

#[component]
pub fn InvoicePage(id: Uuid) -> impl IntoView {
    let id = Memo::new(move |_| Some(id));
    let invoice = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_invoice(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::INVOICES_TITLE) />
        <header class="page-header"><h1>{t(k::NAV_SALES_BILLING)}</h1></header>
        <SalesNav />
        <p class="muted"><a href="/invoices">{t(k::INVOICES_TITLE)}</a></p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || invoice.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                Ok(d) => view! { <Document d=d /> }.into_any(),
            })}
        </Transition>
    }
}

/// A party block (seller or buyer) from its frozen JSON.
fn party(v: &serde_json::Value, name_key: &str) -> Vec<String> {
    let get = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().trim().to_owned();
    let place = format!("{} {}", get("postal_code"), get("city")).trim().to_owned();
    [
        get(name_key),
        get("attention"),
        get("street"),
        place,
        get("country"),
        get("vat_id"),
        get("tax_number"),
        get("tax_id"),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

#[component]
fn Document(d: InvoiceDetail) -> impl IntoView {
    let locale = use_locale();
    let navigate = StoredValue::new_local(use_navigate());
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let id = d.row.id;
    let cancel = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match cancel_invoice(id).await {
                Ok(credit) => {
                    confirming.set(false);
                    navigate.with_value(|n| n(&format!("/invoices/{}", credit.row.id), Default::default()));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let cancellable = d.row.kind == "invoice" && d.row.status == "issued";
    let kind = t(choice_key("document_kind", &d.row.kind));
    let seller = party(&d.seller, "legal_name");
    let buyer = party(&d.buyer, "name");
    let number = d.row.number.clone();
    view! {
        <Title text=format!("{} {}", kind, d.row.number) />
        <section class="card invoice" aria-labelledby="invoice-title">
            <header class="page-header with-actions">
                <h2 id="invoice-title">{kind} " " <span id="invoice-number">{d.row.number.clone()}</span></h2>
                {cancellable.then(|| view! {
                    <div class="actions">
                        <button type="button" class="button danger" id="cancel-invoice" on:click=move |_| confirming.set(true)>
                            {t(k::INVOICES_CANCEL)}</button>
                    </div>
                })}
            </header>
            <p><span class="badge" id="invoice-status">{t(choice_key("invoice_status", &d.row.status))}</span>
                {d.corrects.clone().map(|(i, n)| view! { " · " {t(k::INVOICES_CORRECTS)} " " <a href=format!("/invoices/{i}")>{n}</a> })}
                {d.cancelled_by.clone().map(|(i, n)| view! { " · " {t(k::INVOICES_CANCELLED_BY)} " " <a href=format!("/invoices/{i}")>{n}</a> })}
            </p>
            <div class="parties">
                <div><h3>{t(k::INVOICES_SELLER)}</h3>{seller.into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}</div>
                <div><h3>{t(k::INVOICES_BUYER)}</h3>{buyer.into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}</div>
            </div>
            <dl class="facts">
                <dt>{t(k::INVOICES_ISSUE_DATE)}</dt><dd>{domain::format_date(d.row.issue_date, locale)}</dd>
                <dt>{t(k::INVOICES_DUE_DATE)}</dt><dd>{domain::format_date(d.due_date, locale)}</dd>
                <dt>{t(k::INVOICES_LANGUAGE)}</dt><dd>{d.language.clone()}</dd>
            </dl>
            <DocumentBody doc=d.document.clone() bill_to=d.row.customer names=d.names.clone() />
            {(!d.entries.is_empty()).then(|| view! {
                <h3>{t(k::INVOICES_TIME_APPENDIX)}</h3>
                <div class="table-wrap">
                    <table class="data" id="invoice-time">
                        <thead><tr>
                            <th scope="col">{t(k::TIME_WORK_DATE)}</th>
                            <th scope="col">{t(k::INVOICES_TECHNICIAN)}</th>
                            <th scope="col">{t(k::TIME_NOTES)}</th>
                            <th scope="col" class="num">{t(k::INVOICES_MINUTES)}</th>
                            <th scope="col" class="num">{t(k::INVOICES_BILLABLE)}</th>
                        </tr></thead>
                        <tbody>
                            {d.entries.iter().map(|e| view! {
                                <tr>
                                    <td>{domain::format_date(e.work_date, locale)}</td>
                                    <td>{e.user.clone()}</td>
                                    <td>{e.notes.clone()}</td>
                                    <td class="num">{e.minutes}</td>
                                    <td class="num">{e.billable_minutes}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        </section>
        <Dialog id="cancel-dialog" title=Signal::derive(move || t(k::INVOICES_CANCEL).to_string())
            open=Signal::derive(move || confirming.get()) on_close=Callback::new(move |_| confirming.set(false))>
            <p>{text_with(locale, k::INVOICES_CANCEL_CONFIRM, &[("number", &number)])}</p>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| confirming.set(false)>{t(k::SETTINGS_CANCEL)}</button>
                <button type="button" class="button danger" id="cancel-confirm" disabled=move || busy.get() on:click=cancel>
                    {t(k::INVOICES_CANCEL_ISSUE)}</button>
            </div>
        </Dialog>
    }
}
