//! One document's body as the preview and the invoice page show it: every line with its
//! service period and source, the lines of each child billed via the parent under the
//! child's name with a subtotal, the VAT per rate and the totals.

use domain::invoice_draft::{DraftDocument, DraftLine, subtotals};
use domain::{Locale, format_date, format_decimal};
use leptos::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::i18n::{choice_key, k, t, use_locale};

/// A typographic minus (U+2212) for negative amounts: a credit note's lines read clearly.
fn signed(value: Decimal, locale: Locale) -> String {
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "−"
    } else {
        ""
    };
    format!("{sign}{}", format_decimal(value.abs(), locale))
}

pub fn money(amount: Decimal, currency: &str, locale: Locale) -> String {
    format!("{} {currency}", signed(amount.round_dp(2), locale))
}

fn number(value: Decimal, locale: Locale) -> String {
    signed(value.normalize(), locale)
}

fn period(l: &DraftLine, locale: Locale) -> String {
    let (from, to) = (l.charge.from, l.charge.to);
    if from == to {
        format_date(from, locale)
    } else {
        format!("{} – {}", format_date(from, locale), format_date(to, locale))
    }
}

/// The lines, subtotals, VAT and totals of `doc`; `bill_to` is the customer the document
/// is for (its own lines carry no heading), `names` the customers' names.
#[component]
pub fn DocumentBody(doc: DraftDocument, bill_to: Uuid, names: Vec<(Uuid, String)>) -> impl IntoView {
    let locale = use_locale();
    let currency = doc.currency.as_str().to_owned();
    let name_of = move |id: Uuid| {
        names
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let groups = subtotals(&doc);
    let show_groups = groups.len() > 1 || groups.first().is_some_and(|(c, _)| *c != bill_to);
    let mut rest = doc.lines.clone();
    let sections = groups
        .into_iter()
        .map(|(customer, subtotal)| {
            let n = rest.iter().take_while(|l| l.charge.customer == customer).count();
            let lines: Vec<DraftLine> = rest.drain(..n).collect();
            (customer, subtotal, lines)
        })
        .collect::<Vec<_>>();
    let cur = currency.clone();
    view! {
        <div class="table-wrap">
            <table class="data document-lines">
                <thead><tr>
                    <th scope="col">{t(k::INVOICES_LINE_DESCRIPTION)}</th>
                    <th scope="col">{t(k::INVOICES_LINE_PERIOD)}</th>
                    <th scope="col" class="num">{t(k::INVOICES_LINE_QUANTITY)}</th>
                    <th scope="col" class="num">{t(k::INVOICES_LINE_PRICE)}</th>
                    <th scope="col" class="num">{t(k::INVOICES_LINE_VAT)}</th>
                    <th scope="col" class="num">{t(k::INVOICES_LINE_AMOUNT)}</th>
                </tr></thead>
                {sections.into_iter().map(|(customer, subtotal, lines)| {
                    let cur = cur.clone();
                    let heading = (show_groups).then(|| {
                        let label = if customer == bill_to { t(k::INVOICES_OWN_LINES).to_string() } else { name_of(customer) };
                        view! { <tr class="group"><th colspan="6" scope="rowgroup">{label}</th></tr> }
                    });
                    view! {
                        <tbody>
                            {heading}
                            {lines.into_iter().map(|l| {
                                let c = &l.charge;
                                let kind = t(choice_key("line_kind", serde_json::to_value(c.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default().as_str()));
                                let source = match (c.reading, c.entries.len()) {
                                    (Some((day, q)), _) => Some(format!("{} {} ({})", t(k::INVOICES_READING), number(q, locale), format_date(day, locale))),
                                    (None, n) if n > 0 => Some(format!("{n} {}", t(k::INVOICES_ENTRIES))),
                                    _ => None,
                                };
                                view! {
                                    <tr>
                                        <td>
                                            {c.description.clone()}
                                            <span class="muted small">" · " {kind}
                                                {c.correction.then(|| format!(" · {}", t(k::INVOICES_CORRECTION)))}
                                                {source.map(|s| format!(" · {s}"))}</span>
                                        </td>
                                        <td>{period(&l, locale)}</td>
                                        <td class="num">{number(c.quantity, locale)}</td>
                                        <td class="num">{money(c.unit_price, &cur, locale)}</td>
                                        <td class="num">{format!("{} % {}", number(l.vat.percent, locale), l.vat.category.code())}</td>
                                        <td class="num">{money(c.amount, &cur, locale)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                            {show_groups.then(|| view! {
                                <tr class="subtotal"><th colspan="5" scope="row">{t(k::INVOICES_SUBTOTAL)}</th>
                                    <td class="num">{money(subtotal, &cur, locale)}</td></tr>
                            })}
                        </tbody>
                    }
                }).collect_view()}
                <tfoot>
                    <tr><th colspan="5" scope="row">{t(k::INVOICES_NET)}</th><td class="num">{money(doc.net, &currency, locale)}</td></tr>
                    {doc.vat.iter().map(|g| view! {
                        <tr>
                            <th colspan="5" scope="row">
                                {format!("{} {} % ({}) · {} {}", t(k::INVOICES_VAT), number(g.rate.percent, locale), g.rate.category.code(),
                                    t(k::INVOICES_VAT_BASE), money(g.base, &currency, locale))}
                            </th>
                            <td class="num">{money(g.vat, &currency, locale)}</td>
                        </tr>
                    }).collect_view()}
                    <tr class="total"><th colspan="5" scope="row">{t(k::INVOICES_GROSS)}</th><td class="num">{money(doc.gross, &currency, locale)}</td></tr>
                </tfoot>
            </table>
        </div>
        {doc.vat.iter().filter_map(|g| g.rate.category.legal_note_key()).map(|key| {
            crate::i18n::Key::from_name(key).map(|k| view! { <p class="legal-note">{t(k)}</p> })
        }).collect_view()}
    }
}
