//! The Contracts tab: the customer's contracts and their parts; each opens its page in
//! Sales & billing → Contracts, where it is changed.

use leptos::prelude::*;

use crate::customers::wizard::choice_label;
use crate::customers::{CustomerDetail, TermValue};
use crate::i18n::{k, t, use_locale};

#[component]
pub fn ContractsTab(c: CustomerDetail) -> impl IntoView {
    let locale = use_locale();
    let may_write = crate::contracts::can_edit();
    let id = c.id;
    view! {
        <section class="card" aria-labelledby="contracts">
            <header class="page-header with-actions">
                <h2 id="contracts">{t(k::CUSTOMER_CONTRACTS)}</h2>
                // rel=external: the customer page is left by a full load (see its tabs).
                <a class="button" rel="external" href=format!("/contracts?customer={id}")>{t(k::CONTRACTS_TITLE)}</a>
                <Show when=move || may_write.get()>
                    <a class="button primary" id="new-contract" rel="external" href=format!("/contracts/new?customer={id}")>{t(k::CONTRACTS_NEW)}</a>
                </Show>
            </header>
            {if c.contracts.is_empty() { Some(view! { <p class="muted">{t(k::WIZARD_NO_CONTRACT)}</p> }) } else { None }}
            {c.contracts.into_iter().map(|ct| view! {
                <article class="contract">
                    <h3><a rel="external" href=format!("/contracts/{}", ct.id)>{ct.name.clone()}</a></h3>
                    <p class="muted">
                        {domain::format::format_date(ct.start_date, locale)} " – "
                        {ct.end_date.map(|d| domain::format::format_date(d, locale)).unwrap_or_else(|| t(k::CONTRACT_OPEN_ENDED).to_string())}
                        " · " {choice_label("billing_cycle", &ct.billing_cycle)}
                        " · " {choice_label("billing_timing", &ct.billing_timing)}
                        " · " {ct.currency.clone()}
                        " · " {choice_label("payment_method", &ct.payment_method)}
                        {ct.iban.clone().map(|i| format!(" · IBAN {i}"))}
                    </p>
                    <ul class="plain">
                        {ct.parts.into_iter().map(|p| view! {
                            <li>
                                <strong>{choice_label("contract_type", &p.contract_type)}</strong>
                                {p.description.map(|d| format!(" — {d}"))}
                                ": "
                                {p.terms.into_iter().map(|(field, value)| term_text(&field, &value, locale)).collect::<Vec<_>>().join(" · ")}
                            </li>
                        }).collect_view()}
                    </ul>
                </article>
            }).collect_view()}
        </section>
    }
}

/// "Price per unit: 49,90 EUR" in the user's language and number format.
fn term_text(field: &str, value: &TermValue, locale: domain::Locale) -> String {
    let label = crate::i18n::Key::from_name(&format!("term.{field}"))
        .map(t)
        .unwrap_or(field);
    let shown = match value {
        TermValue::Money { amount, currency } => match amount.parse::<rust_decimal::Decimal>() {
            Ok(d) => format!("{} {currency}", domain::format::format_decimal(d, locale)),
            Err(_) => format!("{amount} {currency}"),
        },
        TermValue::Text { value } => match field {
            "device_category" => choice_label("device_category", value).to_string(),
            "unit" => choice_label("backup_unit", value).to_string(),
            "rollover" => t(if value == "true" { k::COMMON_YES } else { k::COMMON_NO }).to_string(),
            "due_date" => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|d| domain::format::format_date(d, locale))
                .unwrap_or_else(|_| value.clone()),
            _ => match value.parse::<rust_decimal::Decimal>() {
                Ok(d) => domain::format::format_decimal(d, locale),
                Err(_) => value.clone(),
            },
        },
    };
    format!("{label}: {shown}")
}
