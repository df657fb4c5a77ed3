//! Step 4: the first contact, who becomes the customer's main contact.

use leptos::prelude::*;

use super::fields::{Field, lens};
use super::{ShowMore, Wizard};
use crate::i18n::{k, t};

#[component]
pub fn ContactStep() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let l = move |get: fn(&domain::NewCustomerDraft) -> &String,
                  set: fn(&mut domain::NewCustomerDraft) -> &mut String| {
        lens(state, move |d| Some(get(d)), move |d| Some(set(d)))
    };
    view! {
        <p class="hint">{t(k::CONTACT_MAIN_HINT)}</p>
        <div class="grid-form">
            <Field path="contact.first_name" label=k::CONTACT_FIRST_NAME required=true autocomplete="given-name"
                lens=l(|d| &d.contact.first_name, |d| &mut d.contact.first_name) />
            <Field path="contact.last_name" label=k::CONTACT_LAST_NAME required=true autocomplete="family-name"
                lens=l(|d| &d.contact.last_name, |d| &mut d.contact.last_name) />
            <Field path="contact.email" label=k::LOGIN_EMAIL required=true input_type="email" autocomplete="email"
                lens=l(|d| &d.contact.email, |d| &mut d.contact.email) />
        </div>
        <ShowMore section="contact">
            <div class="grid-form">
                <Field path="contact.phone" label=k::CUSTOMER_PHONE input_type="tel"
                    lens=l(|d| &d.contact.phone, |d| &mut d.contact.phone) />
                <Field path="contact.mobile" label=k::CONTACT_MOBILE input_type="tel"
                    lens=l(|d| &d.contact.mobile, |d| &mut d.contact.mobile) />
                <Field path="contact.job_title" label=k::CONTACT_JOB_TITLE autocomplete="organization-title"
                    lens=l(|d| &d.contact.job_title, |d| &mut d.contact.job_title) />
            </div>
        </ShowMore>
    }
}
