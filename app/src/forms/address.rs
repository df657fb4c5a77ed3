//! The five fields of a postal address, for every form whose draft holds an
//! `AddressDraft` under `address` (the customer's address, its billing address, the
//! company on invoices): field paths `address.*`, checked by `AddressDraft::validate`.

use domain::AddressDraft;
use leptos::prelude::*;

use super::draft::{Field, lens};
use crate::i18n::k;

#[component]
pub fn AddressFields<S: Send + Sync + 'static>(
    state: RwSignal<S>,
    get: fn(&S) -> &AddressDraft,
    set: fn(&mut S) -> &mut AddressDraft,
) -> impl IntoView {
    let f = move |pick: fn(&AddressDraft) -> &String, pick_mut: fn(&mut AddressDraft) -> &mut String| {
        lens(state, move |s| Some(pick(get(s))), move |s| Some(pick_mut(set(s))))
    };
    view! {
        <Field path="address.street" label=k::ADDRESS_STREET lens=f(|a| &a.street, |a| &mut a.street) />
        <Field path="address.postal_code" label=k::ADDRESS_POSTAL_CODE lens=f(|a| &a.postal_code, |a| &mut a.postal_code) />
        <Field path="address.city" label=k::ADDRESS_CITY lens=f(|a| &a.city, |a| &mut a.city) />
        <Field path="address.region" label=k::ADDRESS_REGION lens=f(|a| &a.region, |a| &mut a.region) />
        <Field path="address.country" label=k::ADDRESS_COUNTRY hint=k::ADDRESS_COUNTRY_HINT lens=f(|a| &a.country, |a| &mut a.country) />
    }
}
