//! The Billing & address tab: billing info and invoice settings in one form. Staff who
//! may only read billing see the same values without the form.

use domain::{BillingGap, BillingInfoDraft, InvoiceDelivery, InvoiceTemplate, TaxRegion, TaxTreatment};
use leptos::prelude::*;

use super::editor::{Editor, SaveBar};
use super::overview::field_label;
use super::{PageData, can};
use crate::auth::Permission;
use crate::customers::CustomerDetail;
use crate::customers::billing::save_billing;
use crate::forms::draft::{Choice, Field};
use crate::i18n::{Key, k, t};

#[component]
pub fn BillingTab(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let may_edit = can(Permission::EditBilling);
    let c2 = c.clone();
    let customer = c.id;
    view! {
        <section class="card" aria-labelledby="billing-title">
            <h2 id="billing-title">{t(k::BILLING_TITLE)}</h2>
            <Gaps gaps=c.billing_gaps.clone() />
            <Show when=move || may_edit.get() fallback=move || view! { <ReadOnly b=c2.billing.clone() /> }>
                <BillingForm c=c.clone()
                    on_saved=Callback::new(move |_| page.saved())
                    on_reload=Callback::new(move |_| page.reload()) />
            </Show>
        </section>
        <crate::usage::UsagePanel customer=customer data=page.usage />
    }
}

#[component]
fn Gaps(gaps: Vec<BillingGap>) -> impl IntoView {
    if gaps.is_empty() {
        view! { <p class="notice ok" id="billing-status">{t(k::BILLING_COMPLETE_TEXT)}</p> }.into_any()
    } else {
        let names: Vec<String> = gaps.iter().map(|g| field_label(g.field())).collect();
        view! {
            <p class="notice warn" id="billing-status">{t(k::BILLING_MISSING_TEXT)} " " {names.join(", ")}</p>
        }
        .into_any()
    }
}

fn options<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    key: fn(T) -> Key,
    blank: bool,
) -> Vec<(&'static str, Key)> {
    let mut v: Vec<(&'static str, Key)> = if blank {
        vec![("", k::COMMON_CHOOSE)]
    } else {
        Vec::new()
    };
    v.extend(all.iter().map(|x| (as_str(*x), key(*x))));
    v
}

fn region_key(r: TaxRegion) -> Key {
    match r {
        TaxRegion::Domestic => k::TAX_REGION_DOMESTIC,
        TaxRegion::Eu => k::TAX_REGION_EU,
        TaxRegion::NonEu => k::TAX_REGION_NON_EU,
    }
}

fn treatment_key(r: TaxTreatment) -> Key {
    match r {
        TaxTreatment::Standard => k::TAX_TREATMENT_STANDARD,
        TaxTreatment::Exempt => k::TAX_TREATMENT_EXEMPT,
        TaxTreatment::ReverseCharge => k::TAX_TREATMENT_REVERSE_CHARGE,
    }
}

fn template_key(r: InvoiceTemplate) -> Key {
    match r {
        InvoiceTemplate::Standard => k::INVOICE_TEMPLATE_STANDARD,
        InvoiceTemplate::Detailed => k::INVOICE_TEMPLATE_DETAILED,
        InvoiceTemplate::Compact => k::INVOICE_TEMPLATE_COMPACT,
    }
}

fn delivery_key(r: InvoiceDelivery) -> Key {
    match r {
        InvoiceDelivery::Email => k::DELIVERY_EMAIL,
        InvoiceDelivery::Post => k::DELIVERY_POST,
    }
}

fn language_key(l: domain::Locale) -> Key {
    match l {
        domain::Locale::De => k::LANGUAGE_DE,
        domain::Locale::Es => k::LANGUAGE_ES,
        domain::Locale::En => k::LANGUAGE_EN,
    }
}

#[component]
fn ReadOnly(b: BillingInfoDraft) -> impl IntoView {
    let dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    let choice = |s: &str, f: &dyn Fn(&str) -> Option<Key>| f(s).map(|k| t(k).to_string()).unwrap_or_else(|| dash(s));
    let address = [
        &b.address.street,
        &b.address.postal_code,
        &b.address.city,
        &b.address.region,
        &b.address.country,
    ]
    .into_iter()
    .filter(|s| !s.trim().is_empty())
    .cloned()
    .collect::<Vec<_>>()
    .join(", ");
    view! {
        <dl class="summary">
            <dt>{t(k::BILLING_ATTENTION)}</dt><dd>{dash(&b.attention)}</dd>
            <dt>{t(k::BILLING_EMAIL)}</dt><dd>{dash(&b.email)}</dd>
            <dt>{t(k::BILLING_ADDRESS)}</dt><dd>{dash(&address)}</dd>
            <dt>{t(k::BILLING_TAX_REGION)}</dt><dd>{choice(&b.tax_region, &|s| TaxRegion::parse(s).ok().map(region_key))}</dd>
            <dt>{t(k::CUSTOMER_TAX_ID)}</dt><dd>{dash(&b.tax_id)}</dd>
            <dt>{t(k::BILLING_TAX_TREATMENT)}</dt><dd>{choice(&b.tax_treatment, &|s| TaxTreatment::parse(s).ok().map(treatment_key))}</dd>
            <dt>{t(k::CONTRACT_CURRENCY)}</dt><dd>{dash(&b.currency)}</dd>
            <dt>{t(k::CONTRACT_PAYMENT_TERMS)}</dt><dd>{dash(&b.payment_terms_days)}</dd>
            <dt>{t(k::BILLING_TEMPLATE)}</dt><dd>{choice(&b.invoice_template, &|s| InvoiceTemplate::parse(s).ok().map(template_key))}</dd>
            <dt>{t(k::BILLING_LANGUAGE)}</dt><dd>{choice(&b.invoice_language, &|s| domain::Locale::from_tag(s).map(language_key))}</dd>
            <dt>{t(k::BILLING_DELIVERY)}</dt><dd>{choice(&b.delivery, &|s| InvoiceDelivery::parse(s).ok().map(delivery_key))}</dd>
            <dt>{t(k::BILLING_IBAN)}</dt><dd>{dash(&b.iban)}</dd>
        </dl>
    }
}

/// The billing form of one customer; also what the billing-info gate's dialog shows
/// (`crate::ui::billing_gate`), so it takes what to do after a save or a conflict's
/// reload instead of the customer page's context.
#[component]
pub fn BillingForm(c: CustomerDetail, on_saved: Callback<()>, on_reload: Callback<()>) -> impl IntoView {
    let customer = c.id;
    let home = domain::Country::parse(&c.profile.address.country).ok();
    let company_address = c.profile.address.clone();
    let editor = Editor::new(c.billing.clone(), c.version);
    let fields = editor.validated(move |d| d.validate(home).err().unwrap_or_default());
    let state = editor.draft;
    let l = move |get, set| editor.lens(get, set);
    let save = Callback::new(move |_| {
        editor.save(
            Some(fields),
            move |version, base, draft| async move {
                save_billing(customer, version, base, draft).await.map(|s| s.version)
            },
            move || on_saved.run(()),
        );
    });
    let locale_options: Vec<(&'static str, Key)> = std::iter::once(("", k::COMMON_CHOOSE))
        .chain(domain::Locale::ALL.iter().map(|l| (l.tag(), language_key(*l))))
        .collect();
    view! {
        <form id="billing-form" novalidate on:submit=move |ev| { ev.prevent_default(); save.run(()); }>
            <div class="grid-form">
                <Field path="attention" label=k::BILLING_ATTENTION hint=k::BILLING_ATTENTION_HINT
                    lens=l(|d| &d.attention, |d| &mut d.attention) />
                <Field path="email" label=k::BILLING_EMAIL input_type="email"
                    lens=l(|d| &d.email, |d| &mut d.email) />
            </div>
            <fieldset class="grid-form">
                <legend>{t(k::BILLING_ADDRESS)}</legend>
                <button type="button" class="button small span-all" on:click=move |_| {
                    let a = company_address.clone();
                    state.update(|d| d.address = a);
                }>{t(k::BILLING_COPY_ADDRESS)}</button>
                <crate::forms::address::AddressFields state=editor.draft get=|d| &d.address set=|d| &mut d.address />
            </fieldset>
            <fieldset class="grid-form">
                <legend>{t(k::BILLING_TAX)}</legend>
                <Choice path="tax_region" label=k::BILLING_TAX_REGION lens=l(|d| &d.tax_region, |d| &mut d.tax_region)
                    options=options(TaxRegion::ALL, TaxRegion::as_str, region_key, true) />
                <Field path="tax_id" label=k::CUSTOMER_TAX_ID hint=k::CUSTOMER_TAX_ID_HINT lens=l(|d| &d.tax_id, |d| &mut d.tax_id) />
                <Choice path="tax_treatment" label=k::BILLING_TAX_TREATMENT lens=l(|d| &d.tax_treatment, |d| &mut d.tax_treatment)
                    options=options(TaxTreatment::ALL, TaxTreatment::as_str, treatment_key, false) />
                <Field path="iban" label=k::BILLING_IBAN hint=k::BILLING_IBAN_HINT lens=l(|d| &d.iban, |d| &mut d.iban) />
            </fieldset>
            <fieldset class="grid-form">
                <legend>{t(k::BILLING_INVOICES)}</legend>
                <Field path="currency" label=k::CONTRACT_CURRENCY hint=k::CONTRACT_CURRENCY_HINT lens=l(|d| &d.currency, |d| &mut d.currency) />
                <Field path="payment_terms_days" label=k::CONTRACT_PAYMENT_TERMS inputmode="numeric" lens=l(|d| &d.payment_terms_days, |d| &mut d.payment_terms_days) />
                <Choice path="invoice_template" label=k::BILLING_TEMPLATE lens=l(|d| &d.invoice_template, |d| &mut d.invoice_template)
                    options=options(InvoiceTemplate::ALL, InvoiceTemplate::as_str, template_key, false) />
                <Choice path="invoice_language" label=k::BILLING_LANGUAGE lens=l(|d| &d.invoice_language, |d| &mut d.invoice_language)
                    options=locale_options />
                <Choice path="delivery" label=k::BILLING_DELIVERY lens=l(|d| &d.delivery, |d| &mut d.delivery)
                    options=options(InvoiceDelivery::ALL, InvoiceDelivery::as_str, delivery_key, false) />
            </fieldset>
            <SaveBar editor=editor label=field_label save=save reload=on_reload />
        </form>
    }
}
