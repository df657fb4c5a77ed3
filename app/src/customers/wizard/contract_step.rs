//! Step 2: the contract (optional: "Skip" leaves it for later). Header fields behind
//! "Show more"; one or more parts, each of one of the eight contract types with that
//! type's fields.

use domain::{
    BackupUnit, BillingCycle, BillingTiming, ContractDraft, ContractPartDraft, ContractType, DeviceCategory,
    PaymentMethodKind,
};
use leptos::prelude::*;

use super::fields::{Choice, Field, Lens, lens};
use super::{ShowMore, Wizard};
use crate::i18n::{Key, k, t, text_with, use_locale};

fn new_part() -> ContractPartDraft {
    ContractPartDraft {
        contract_type: ContractType::Retainer.as_str().into(),
        quantity: "1".into(),
        ..Default::default()
    }
}

fn header_lens(
    state: RwSignal<Wizard>,
    get: fn(&ContractDraft) -> &String,
    set: fn(&mut ContractDraft) -> &mut String,
) -> Lens {
    lens(
        state,
        move |d| d.contract.as_ref().map(get),
        move |d| d.contract.as_mut().map(set),
    )
}

fn part_lens(
    state: RwSignal<Wizard>,
    i: usize,
    get: fn(&ContractPartDraft) -> &String,
    set: fn(&mut ContractPartDraft) -> &mut String,
) -> Lens {
    lens(
        state,
        move |d| d.contract.as_ref().and_then(|c| c.parts.get(i)).map(get),
        move |d| d.contract.as_mut().and_then(|c| c.parts.get_mut(i)).map(set),
    )
}

#[component]
pub fn ContractStep() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    if state.with_untracked(|w| w.draft.contract.is_none()) {
        let today = chrono::Local::now().date_naive();
        state.update(|w| {
            w.draft.contract = Some(ContractDraft {
                parts: vec![new_part()],
                ..ContractDraft::starting(today)
            })
        });
    }
    let h = move |get, set| header_lens(state, get, set);
    let sepa = move || {
        state.with(|w| {
            w.draft
                .contract
                .as_ref()
                .is_some_and(|c| c.payment_method == PaymentMethodKind::SepaDirectDebit.as_str())
        })
    };
    let parts = move || state.with(|w| w.draft.contract.as_ref().map_or(0, |c| c.parts.len()));
    view! {
        <p class="hint">{t(k::CONTRACT_INTRO)}</p>
        <Field path="contract.name" label=k::CONTRACT_NAME required=true lens=h(|c| &c.name, |c| &mut c.name) />
        <For each=move || 0..parts() key=|i| *i let:i>
            <Part i=i />
        </For>
        <button type="button" class="button small"
            on:click=move |_| state.update(|w| if let Some(c) = w.draft.contract.as_mut() { c.parts.push(new_part()) })>
            {t(k::CONTRACT_ADD_PART)}
        </button>
        <ShowMore section="contract">
            <div class="grid-form">
                <Field path="contract.start_date" label=k::CONTRACT_START_DATE input_type="date" required=true
                    lens=h(|c| &c.start_date, |c| &mut c.start_date) />
                <Field path="contract.end_date" label=k::CONTRACT_END_DATE input_type="date" hint=k::CONTRACT_END_DATE_HINT
                    lens=h(|c| &c.end_date, |c| &mut c.end_date) />
                <Choice path="contract.billing_cycle" label=k::CONTRACT_BILLING_CYCLE
                    lens=h(|c| &c.billing_cycle, |c| &mut c.billing_cycle)
                    options=BillingCycle::ALL.iter().map(|c| (c.as_str(), choice_key("billing_cycle", c.as_str()))).collect() />
                <Choice path="contract.billing_timing" label=k::CONTRACT_BILLING_TIMING
                    lens=h(|c| &c.billing_timing, |c| &mut c.billing_timing)
                    options=BillingTiming::ALL.iter().map(|c| (c.as_str(), choice_key("billing_timing", c.as_str()))).collect() />
                <Field path="contract.currency" label=k::CONTRACT_CURRENCY hint=k::CONTRACT_CURRENCY_HINT
                    lens=h(|c| &c.currency, |c| &mut c.currency) />
                <Field path="contract.payment_terms_days" label=k::CONTRACT_PAYMENT_TERMS inputmode="numeric"
                    lens=h(|c| &c.payment_terms_days, |c| &mut c.payment_terms_days) />
                <Choice path="contract.payment_method" label=k::CONTRACT_PAYMENT_METHOD
                    lens=h(|c| &c.payment_method, |c| &mut c.payment_method)
                    options=PaymentMethodKind::ALL.iter().map(|c| (c.as_str(), choice_key("payment_method", c.as_str()))).collect() />
                <Show when=sepa>
                    <Field path="contract.iban" label=k::CONTRACT_IBAN required=true autocomplete="off"
                        lens=h(|c| &c.iban, |c| &mut c.iban) />
                    <Field path="contract.bic" label=k::CONTRACT_BIC lens=h(|c| &c.bic, |c| &mut c.bic) />
                    <Field path="contract.mandate_reference" label=k::CONTRACT_MANDATE required=true
                        lens=h(|c| &c.mandate_reference, |c| &mut c.mandate_reference) />
                </Show>
                <Field path="contract.notes" label=k::CONTRACT_NOTES lens=h(|c| &c.notes, |c| &mut c.notes) />
            </div>
        </ShowMore>
    }
}

/// One contract part: its type, and the fields that type needs.
#[component]
fn Part(i: usize) -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let locale = use_locale();
    let p = move |get, set| part_lens(state, i, get, set);
    let path = move |field: &str| format!("contract.parts[{i}].{field}");
    // Memoised: the type's fields are rebuilt when the type changes, not on every keystroke.
    let kind = Memo::new(move |_| {
        state.with(|w| {
            w.draft
                .contract
                .as_ref()
                .and_then(|c| c.parts.get(i))
                .and_then(|p| ContractType::parse(&p.contract_type).ok())
        })
    });
    let rollover = move || {
        state.with(|w| {
            w.draft
                .contract
                .as_ref()
                .and_then(|c| c.parts.get(i))
                .is_some_and(|p| p.rollover)
        })
    };
    let several = move || state.with(|w| w.draft.contract.as_ref().is_some_and(|c| c.parts.len() > 1));
    let number = move |field: &'static str, label: Key, get, set| {
        view! { <Field path=path(field) label=label inputmode="decimal" required=true lens=p(get, set) /> }
    };
    let optional_number = move |field: &'static str, label: Key, get, set| {
        view! { <Field path=path(field) label=label inputmode="decimal" lens=p(get, set) /> }
    };
    view! {
        <fieldset class="part grid-form">
            <legend>{text_with(locale, k::CONTRACT_PART, &[("n", &(i + 1).to_string())])}</legend>
            <Choice path=path("contract_type") label=k::PART_TYPE lens=p(|p| &p.contract_type, |p| &mut p.contract_type)
                options=ContractType::ALL.iter().map(|c| (c.as_str(), choice_key("contract_type", c.as_str()))).collect() />
            <Field path=path("description") label=k::PART_DESCRIPTION lens=p(|p| &p.description, |p| &mut p.description) />
            {move || match kind.get() {
                Some(ContractType::Retainer) => view! {
                    {number("quantity", k::PART_QUANTITY, |p| &p.quantity, |p| &mut p.quantity)}
                    {number("rate", k::PART_RATE, |p| &p.rate, |p| &mut p.rate)}
                }.into_any(),
                Some(ContractType::Hourly) => view! {
                    {number("rate", k::PART_HOURLY_RATE, |p| &p.rate, |p| &mut p.rate)}
                    {optional_number("after_hours_rate", k::PART_AFTER_HOURS_RATE, |p| &p.after_hours_rate, |p| &mut p.after_hours_rate)}
                }.into_any(),
                Some(ContractType::BlockHours) => view! {
                    {number("hours_per_period", k::PART_HOURS_PER_PERIOD, |p| &p.hours_per_period, |p| &mut p.hours_per_period)}
                    {number("rate", k::PART_HOURLY_RATE, |p| &p.rate, |p| &mut p.rate)}
                    {optional_number("overage_rate", k::PART_OVERAGE_RATE, |p| &p.overage_rate, |p| &mut p.overage_rate)}
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=rollover
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                state.update(|w| if let Some(p) = w.draft.contract.as_mut().and_then(|c| c.parts.get_mut(i)) { p.rollover = on });
                            } />
                        {t(k::PART_ROLLOVER)}
                    </label>
                }.into_any(),
                Some(ContractType::BlockMoney) => view! {
                    {number("amount", k::PART_AMOUNT, |p| &p.amount, |p| &mut p.amount)}
                    {number("rate", k::PART_HOURLY_RATE_DRAWN, |p| &p.rate, |p| &mut p.rate)}
                    {optional_number("overage_rate", k::PART_OVERAGE_RATE, |p| &p.overage_rate, |p| &mut p.overage_rate)}
                }.into_any(),
                Some(ContractType::RemoteMonitoring) => view! {
                    <Choice path=path("device_category") label=k::PART_DEVICE_CATEGORY
                        lens=p(|p| &p.device_category, |p| &mut p.device_category)
                        options=std::iter::once(("", k::COMMON_CHOOSE)).chain(DeviceCategory::ALL.iter().map(|c| (c.as_str(), choice_key("device_category", c.as_str())))).collect() />
                    {number("rate", k::PART_PRICE_PER_DEVICE, |p| &p.rate, |p| &mut p.rate)}
                }.into_any(),
                Some(ContractType::OnlineBackup) => view! {
                    <Choice path=path("backup_unit") label=k::PART_BACKUP_UNIT
                        lens=p(|p| &p.backup_unit, |p| &mut p.backup_unit)
                        options=std::iter::once(("", k::COMMON_CHOOSE)).chain(BackupUnit::ALL.iter().map(|c| (c.as_str(), choice_key("backup_unit", c.as_str())))).collect() />
                    {number("rate", k::PART_PRICE_PER_UNIT, |p| &p.rate, |p| &mut p.rate)}
                }.into_any(),
                Some(ContractType::ProjectOneTimeFee) => view! {
                    {number("amount", k::PART_AMOUNT, |p| &p.amount, |p| &mut p.amount)}
                    <Field path=path("due_date") label=k::PART_DUE_DATE input_type="date" required=true
                        lens=p(|p| &p.due_date, |p| &mut p.due_date) />
                }.into_any(),
                Some(ContractType::ProjectHourly) => view! {
                    {number("rate", k::PART_HOURLY_RATE, |p| &p.rate, |p| &mut p.rate)}
                    {optional_number("estimated_hours", k::PART_ESTIMATED_HOURS, |p| &p.estimated_hours, |p| &mut p.estimated_hours)}
                }.into_any(),
                None => ().into_any(),
            }}
            <Show when=several>
                <button type="button" class="button small"
                    on:click=move |_| state.update(|w| if let Some(c) = w.draft.contract.as_mut() && i < c.parts.len() { c.parts.remove(i); })>
                    {t(k::CONTRACT_REMOVE_PART)}
                </button>
            </Show>
        </fieldset>
    }
}

pub use crate::i18n::choice_key;
