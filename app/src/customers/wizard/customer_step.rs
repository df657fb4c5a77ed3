//! Step 1: the customer. Only the name is required; the rest is behind "Show more".

use leptos::prelude::*;

use super::fields::{Field, lens};
use super::{ShowMore, Wizard};
use crate::i18n::{k, t};

#[component]
pub fn CustomerStep() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let l = move |get: fn(&domain::NewCustomerDraft) -> &String,
                  set: fn(&mut domain::NewCustomerDraft) -> &mut String| {
        lens(state, move |d| Some(get(d)), move |d| Some(set(d)))
    };
    view! {
        <Field path="customer.name" label=k::CUSTOMER_NAME required=true autocomplete="organization"
            lens=l(|d| &d.customer.name, |d| &mut d.customer.name) />
        <ShowMore section="customer">
            <div class="grid-form">
                <Field path="customer.rank" label=k::CUSTOMER_RANK hint=k::CUSTOMER_RANK_HINT
                    lens=l(|d| &d.customer.rank, |d| &mut d.customer.rank) />
                <Field path="customer.tax_id" label=k::CUSTOMER_TAX_ID hint=k::CUSTOMER_TAX_ID_HINT
                    lens=l(|d| &d.customer.tax_id, |d| &mut d.customer.tax_id) />
                <Field path="customer.phone" label=k::CUSTOMER_PHONE input_type="tel" autocomplete="tel"
                    lens=l(|d| &d.customer.phone, |d| &mut d.customer.phone) />
                <Field path="customer.fax" label=k::CUSTOMER_FAX input_type="tel"
                    lens=l(|d| &d.customer.fax, |d| &mut d.customer.fax) />
            </div>
            <Domains />
            <fieldset class="grid-form">
                <legend>{t(k::ADDRESS_TITLE)}</legend>
                <Field path="customer.address.street" label=k::ADDRESS_STREET autocomplete="street-address"
                    lens=l(|d| &d.customer.address.street, |d| &mut d.customer.address.street) />
                <Field path="customer.address.postal_code" label=k::ADDRESS_POSTAL_CODE autocomplete="postal-code"
                    lens=l(|d| &d.customer.address.postal_code, |d| &mut d.customer.address.postal_code) />
                <Field path="customer.address.city" label=k::ADDRESS_CITY autocomplete="address-level2"
                    lens=l(|d| &d.customer.address.city, |d| &mut d.customer.address.city) />
                <Field path="customer.address.region" label=k::ADDRESS_REGION autocomplete="address-level1"
                    lens=l(|d| &d.customer.address.region, |d| &mut d.customer.address.region) />
                <Field path="customer.address.country" label=k::ADDRESS_COUNTRY hint=k::ADDRESS_COUNTRY_HINT
                    autocomplete="country"
                    lens=l(|d| &d.customer.address.country, |d| &mut d.customer.address.country) />
            </fieldset>
        </ShowMore>
    }
}

/// The e-mail domains: one input per domain, always one empty row to type into.
#[component]
fn Domains() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let rows = move || state.with(|w| w.draft.customer.domains.len().max(1));
    view! {
        <fieldset class="list-field">
            <legend>{t(k::CUSTOMER_DOMAINS)}</legend>
            <p class="hint">{t(k::CUSTOMER_DOMAINS_HINT)}</p>
            <For each=move || 0..rows() key=|i| *i let:i>
                <div class="list-row">
                    <Field
                        path=format!("customer.domains[{i}]")
                        label=k::CUSTOMER_DOMAIN
                        lens=lens(
                            state,
                            move |d| d.customer.domains.get(i),
                            move |d| {
                                if d.customer.domains.len() <= i {
                                    d.customer.domains.resize(i + 1, String::new());
                                }
                                d.customer.domains.get_mut(i)
                            },
                        )
                    />
                    <button type="button" class="button small" aria-label=t(k::COMMON_REMOVE)
                        on:click=move |_| state.update(|w| {
                            if i < w.draft.customer.domains.len() {
                                w.draft.customer.domains.remove(i);
                            }
                        })>
                        "×"
                    </button>
                </div>
            </For>
            <button type="button" class="button small"
                on:click=move |_| state.update(|w| {
                    let d = &mut w.draft.customer.domains;
                    if d.is_empty() { d.push(String::new()); }
                    d.push(String::new());
                })>
                {t(k::CUSTOMER_ADD_DOMAIN)}
            </button>
        </fieldset>
    }
}
