//! `/customers/{id}`: the customer page — master data, contracts, SLA and alert profile,
//! contacts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::wizard::choice_label;
use super::{CustomerDetail, TermValue, get_customer};
use crate::error::AppError;
use crate::i18n::{k, t, use_locale};

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    let customer = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_customer(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let locale = use_locale();
    view! {
        <Suspense fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || customer.get().map(|r| match r {
                Ok(c) => view! { <Detail c=c /> }.into_any(),
                Err(e) => view! {
                    <header class="page-header"><h1>{t(k::CUSTOMERS_TITLE)}</h1></header>
                    <p class="form-error" role="alert">{e.message(locale)}</p>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Detail(c: CustomerDetail) -> impl IntoView {
    let locale = use_locale();
    let dash = || "—".to_string();
    let opt = move |v: Option<String>| v.unwrap_or_else(dash);
    view! {
        <Title text=c.name.clone() />
        <header class="page-header">
            <p class="muted"><a href="/customers">{t(k::CUSTOMERS_TITLE)}</a></p>
            <h1>{c.name.clone()}</h1>
            <p class="muted">{t(k::CUSTOMER_CREATED)} " " {domain::format::format_date(c.created_at.date_naive(), locale)}</p>
        </header>
        <div class="columns">
            <section class="card" aria-labelledby="overview">
                <h2 id="overview">{t(k::CUSTOMER_OVERVIEW)}</h2>
                <dl class="summary">
                    <dt>{t(k::CUSTOMER_DOMAINS)}</dt>
                    <dd>{if c.domains.is_empty() { dash() } else { c.domains.join(", ") }}</dd>
                    <dt>{t(k::CUSTOMER_TAX_ID)}</dt>
                    <dd>{opt(c.tax_id.clone())}</dd>
                    <dt>{t(k::CUSTOMER_RANK)}</dt>
                    <dd>{opt(c.rank.clone())}</dd>
                    <dt>{t(k::CUSTOMER_PHONE)}</dt>
                    <dd>{opt(c.phone.clone())}</dd>
                    <dt>{t(k::CUSTOMER_FAX)}</dt>
                    <dd>{opt(c.fax.clone())}</dd>
                    <dt>{t(k::ADDRESS_TITLE)}</dt>
                    <dd>{if c.address.is_empty() { dash() } else { c.address.join(", ") }}</dd>
                    <dt>{t(k::SLA_TITLE)}</dt>
                    <dd>{c.sla.clone().map(|s| format!("{} ({})", s.name, t(if s.shared { k::WIZARD_SHARED } else { k::WIZARD_CUSTOM }))).unwrap_or_else(dash)}</dd>
                    <dt>{t(k::ALERT_TITLE)}</dt>
                    <dd>{c.alert_profile.clone().map(|s| format!("{} ({})", s.name, t(if s.shared { k::WIZARD_SHARED } else { k::WIZARD_CUSTOM }))).unwrap_or_else(dash)}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="contacts">
                <h2 id="contacts">{t(k::CUSTOMER_CONTACTS)}</h2>
                <ul class="plain">
                    {c.contacts.into_iter().map(|p| view! {
                        <li>
                            <strong>{format!("{} {}", p.first_name, p.last_name)}</strong>
                            {p.is_main.then(|| view! { " " <span class="badge">{t(k::CUSTOMER_MAIN_CONTACT)}</span> })}
                            <br /><a href=format!("mailto:{}", p.email)>{p.email.clone()}</a>
                            {p.job_title.map(|j| view! { <br /><span class="muted">{j}</span> })}
                            {p.phone.map(|x| view! { <br />{x} })}
                            {p.mobile.map(|x| view! { <br />{x} })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </div>
        <section class="card" aria-labelledby="contracts">
            <h2 id="contracts">{t(k::CUSTOMER_CONTRACTS)}</h2>
            {if c.contracts.is_empty() { Some(view! { <p class="muted">{t(k::WIZARD_NO_CONTRACT)}</p> }) } else { None }}
            {c.contracts.into_iter().map(|ct| view! {
                <article class="contract">
                    <h3>{ct.name.clone()}</h3>
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
