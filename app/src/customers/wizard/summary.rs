//! The summary before "Create customer", with a warning when the customer may exist already.

use domain::{AlertProfileChoiceDraft, ContractType, SlaChoiceDraft};
use leptos::prelude::*;

use super::Wizard;
use super::contract_step::choice_key;
use crate::customers::{DuplicateReason, find_duplicates};
use crate::i18n::{k, t, text_with, use_locale};

#[component]
pub fn Summary() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let locale = use_locale();
    let draft = move || state.with(|w| w.draft.clone());
    let duplicates = Resource::new(
        move || state.with(|w| (w.draft.customer.name.clone(), w.draft.customer.domains.clone())),
        |(name, domains)| find_duplicates(name, domains.into_iter().filter(|d| !d.trim().is_empty()).collect()),
    );
    let dash = || "—".to_string();
    view! {
        <Suspense fallback=|| ()>
            {move || duplicates.get().and_then(Result::ok).filter(|d| !d.is_empty()).map(|list| view! {
                <div class="warning" role="status">
                    <strong>{t(k::WIZARD_DUPLICATES)}</strong>
                    <ul>
                        {list.into_iter().map(|d| {
                            let why = match &d.reason {
                                DuplicateReason::SameName => t(k::WIZARD_DUPLICATE_NAME).to_string(),
                                DuplicateReason::SameDomain(domain) => text_with(locale, k::WIZARD_DUPLICATE_DOMAIN, &[("domain", domain)]),
                            };
                            view! { <li><a href=format!("/customers/{}", d.id) target="_blank">{d.name}</a> " — " {why}</li> }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </Suspense>
        <dl class="summary">
            <dt>{t(k::CUSTOMER_NAME)}</dt>
            <dd>{move || draft().customer.name}</dd>
            <dt>{t(k::CUSTOMER_DOMAINS)}</dt>
            <dd>{move || {
                let d: Vec<String> = draft().customer.domains.into_iter().filter(|d| !d.trim().is_empty()).collect();
                if d.is_empty() { dash() } else { d.join(", ") }
            }}</dd>
            <dt>{t(k::CUSTOMER_TAX_ID)}</dt>
            <dd>{move || Some(draft().customer.tax_id).filter(|s| !s.is_empty()).unwrap_or_else(dash)}</dd>
            <dt>{t(k::ADDRESS_TITLE)}</dt>
            <dd>{move || {
                let a = draft().customer.address;
                let parts: Vec<String> = [a.street, format!("{} {}", a.postal_code, a.city).trim().to_string(), a.region, a.country]
                    .into_iter().filter(|s| !s.trim().is_empty()).collect();
                if parts.is_empty() { dash() } else { parts.join(", ") }
            }}</dd>
            <dt>{t(k::WIZARD_STEP_CONTRACT)}</dt>
            <dd>{move || match draft().contract {
                None => t(k::WIZARD_NO_CONTRACT).to_string(),
                Some(c) => {
                    let types: Vec<&str> = c.parts.iter()
                        .filter_map(|p| ContractType::parse(&p.contract_type).ok())
                        .map(|ty| t(choice_key("contract_type", ty.as_str())))
                        .collect();
                    format!("{} ({})", c.name, types.join(", "))
                }
            }}</dd>
            <dt>{t(k::SLA_TITLE)}</dt>
            <dd>{move || match draft().sla {
                SlaChoiceDraft::None => t(k::WIZARD_NONE).to_string(),
                SlaChoiceDraft::Shared { .. } => t(k::WIZARD_SHARED).to_string(),
                SlaChoiceDraft::Custom(s) => format!("{} ({})", s.name, t(k::WIZARD_CUSTOM)),
            }}</dd>
            <dt>{t(k::ALERT_TITLE)}</dt>
            <dd>{move || match draft().alert_profile {
                AlertProfileChoiceDraft::None => t(k::WIZARD_NONE).to_string(),
                AlertProfileChoiceDraft::Shared { .. } => t(k::WIZARD_SHARED).to_string(),
                AlertProfileChoiceDraft::Custom(p) => format!("{} ({})", p.name, t(k::WIZARD_CUSTOM)),
            }}</dd>
            <dt>{t(k::WIZARD_STEP_CONTACT)}</dt>
            <dd>{move || { let c = draft().contact; format!("{} {} <{}>", c.first_name, c.last_name, c.email) }}</dd>
        </dl>
    }
}
