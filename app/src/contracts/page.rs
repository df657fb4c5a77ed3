//! `/contracts/:id`: one contract — its header (editable, version-checked), its state
//! (draft / active / ended, billed through), ending it, and its parts with their version
//! history and "change from a date". `/contracts/new` is the create form (`new.rs`).

use domain::{ContractDraft, ContractStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::editor::{ContractAccess, ContractHeaderFields};
use super::list::status_key;
use super::part_change::{PartCard, PartChangeForm};
use super::{ContractDetail, activate_contract, end_contract, get_contract, save_contract_header};
use crate::auth::Permission;
use crate::error::AppError;
use crate::forms::draft::{Field, FieldContext, field_lens};
use crate::i18n::{choice_key, k, t, text_with, use_locale};
use crate::ui::{BillingGate, BillingGateDialog, ErrorNotice, Loading};

/// Whether the signed-in user may change contracts (the server checks again).
pub fn can_edit() -> Signal<bool> {
    let user = crate::shell::use_user();
    Signal::derive(move || user.get().is_some_and(|u| u.can(Permission::EditBilling)))
}

/// The route's page: the create form for `new`, else the contract.
#[component]
pub fn ContractPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    if id == "new" {
        return view! { <super::new::NewContractPage /> }.into_any();
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return view! { <ErrorNotice error=AppError::NotFound /> }.into_any();
    };
    let generation = RwSignal::new(0u32);
    let detail = Resource::new(move || generation.get(), move |_| get_contract(id));
    let reload = Callback::new(move |()| generation.update(|g| *g += 1));
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || detail.get().map(|r| match r {
                Ok(d) => view! { <ContractView d=d reload=reload /> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn ContractView(d: ContractDetail, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let may_edit = can_edit();
    let date = move |d: chrono::NaiveDate| domain::format::format_date(d, locale);
    let billed = match d.billed_through {
        Some(b) => text_with(locale, k::CONTRACT_BILLED_THROUGH, &[("date", &date(b))]),
        None => t(k::CONTRACT_NOT_BILLED).to_string(),
    };
    let status = d.status;
    let (id, version) = (d.id, d.version);
    let adding = RwSignal::new(false);
    let change_from = d.change_from;
    let currency = d.draft.currency.clone();
    view! {
        <Title text=d.draft.name.clone() />
        <header class="page-header">
            <p class="muted"><a href="/contracts">{t(k::CONTRACTS_TITLE)}</a> " › "
                <a href=format!("/customers/{}/contracts", d.customer) rel="external">{d.customer_name.clone()}</a></p>
            <h1>{d.draft.name.clone()} " "
                <span class=format!("badge status-{}", status.as_str()) id="contract-status">{t(status_key(status))}</span></h1>
            <p class="muted" id="contract-billed">{billed}</p>
        </header>
        <Show when=move || status == ContractStatus::Draft>
            <Activate id=id version=version reload=reload may_edit=may_edit />
        </Show>
        <Header d=d.clone() reload=reload />
        <section class="card" aria-labelledby="parts-title">
            <header class="page-header with-actions">
                <h2 id="parts-title">{t(k::CONTRACT_PARTS_TITLE)}</h2>
                <Show when=move || may_edit.get() && !adding.get()>
                    <button type="button" class="button" id="add-part" on:click=move |_| adding.set(true)>{t(k::CONTRACT_ADD_PART)}</button>
                </Show>
            </header>
            <Show when=move || adding.get()>
                <PartChangeForm contract=id version=version part=None valid_from=change_from
                    currency=currency.clone() initial=super::editor::new_part()
                    on_done=Callback::new(move |saved: bool| { adding.set(false); if saved { reload.run(()) } }) />
            </Show>
            {d.parts.iter().enumerate().map(|(i, p)| view! {
                <PartCard contract=id version=version number=i + 1 part=p.clone() change_from=change_from
                    currency=d.draft.currency.clone() reload=reload may_edit=may_edit />
            }).collect_view()}
        </section>
        <Show when=move || may_edit.get() && status != ContractStatus::Draft>
            <EndContract d=d.clone() reload=reload />
        </Show>
    }
}

#[component]
fn Activate(id: Uuid, version: i32, reload: Callback<()>, may_edit: Signal<bool>) -> impl IntoView {
    let gate = BillingGate::new();
    let error = RwSignal::new(None::<AppError>);
    let activate = move |_| {
        gate.run(
            move || activate_contract(id, version),
            move |r| match r {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            },
        )
    };
    view! {
        <BillingGateDialog gate=gate />
        <div class="notice" role="status" id="contract-draft-notice">
            <p>{t(k::CONTRACT_DRAFT_NOTICE)}</p>
            <Show when=move || may_edit.get()>
                <button type="button" class="button primary" id="activate-contract" on:click=activate>{t(k::CONTRACT_ACTIVATE)}</button>
            </Show>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        </div>
    }
}

/// The header: a summary, and the shared editor's header fields after "Edit".
#[component]
fn Header(d: ContractDetail, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let may_edit = can_edit();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(d.draft.clone());
    let ctx = FieldContext::new(Memo::new(move |_| {
        draft.with(|c| c.validate().err().unwrap_or_default())
    }));
    provide_context(ctx);
    let error = RwSignal::new(None::<AppError>);
    let (id, version) = (d.id, d.version);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        if !ctx.errors.with_untracked(Vec::is_empty) {
            return;
        }
        let c = draft.get_untracked();
        leptos::task::spawn_local(async move {
            match save_contract_header(id, version, c).await {
                Ok(_) => reload.run(()),
                Err(AppError::Validation { fields }) => ctx.show_all(fields),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let access = ContractAccess {
        state: draft,
        get: |c: &ContractDraft| Some(c),
        set: |c: &mut ContractDraft| Some(c),
        path: "",
    };
    let c = d.draft.clone();
    let date = move |s: &str| {
        s.parse()
            .map(|d| domain::format::format_date(d, locale))
            .unwrap_or_default()
    };
    let end = if c.end_date.is_empty() {
        t(k::CONTRACTS_OPEN_ENDED).to_string()
    } else {
        date(&c.end_date)
    };
    let rounding = if c.rounding_increment.is_empty() {
        t(k::CONTRACT_ROUNDING_NONE).to_string()
    } else {
        text_with(
            locale,
            k::CONTRACT_ROUNDING_SUMMARY,
            &[("min", &c.rounding_minimum), ("inc", &c.rounding_increment)],
        )
    };
    let payment = if c.payment_method == "sepa_direct_debit" {
        format!(
            "{} · {} · {}",
            t(choice_key("payment_method", &c.payment_method)),
            c.iban,
            c.mandate_reference
        )
    } else {
        t(choice_key("payment_method", &c.payment_method)).to_string()
    };
    view! {
        <section class="card" aria-labelledby="header-title">
            <header class="page-header with-actions">
                <h2 id="header-title">{t(k::CONTRACT_HEADER_TITLE)}</h2>
                <Show when=move || may_edit.get() && !editing.get()>
                    <button type="button" class="button" id="edit-header" on:click=move |_| editing.set(true)>{t(k::SETTINGS_EDIT)}</button>
                </Show>
            </header>
            <Show when=move || !editing.get()>
                <dl class="facts" id="contract-facts">
                    <dt>{t(k::CONTRACTS_COL_PERIOD)}</dt><dd>{date(&c.start_date)} " – " {end.clone()}</dd>
                    <dt>{t(k::CONTRACT_BILLING_CYCLE)}</dt>
                    <dd>{t(choice_key("billing_cycle", &c.billing_cycle))} " · " {t(choice_key("billing_timing", &c.billing_timing))}</dd>
                    <dt>{t(k::CONTRACT_CURRENCY)}</dt><dd>{c.currency.clone()}</dd>
                    <dt>{t(k::CONTRACT_PAYMENT_TERMS)}</dt><dd>{c.payment_terms_days.clone()}</dd>
                    <dt>{t(k::CONTRACT_PAYMENT_METHOD)}</dt><dd>{payment.clone()}</dd>
                    <dt>{t(k::CONTRACT_ROUNDING)}</dt><dd id="contract-rounding">{rounding.clone()}</dd>
                    {(!c.notes.is_empty()).then(|| view! { <dt>{t(k::CONTRACT_NOTES)}</dt><dd>{c.notes.clone()}</dd> })}
                </dl>
            </Show>
            <Show when=move || editing.get()>
                <form id="header-form" novalidate="" on:submit=save>
                    <Field path="name" label=k::CONTRACT_NAME required=true lens=field_lens(draft, |c| &c.name, |c| &mut c.name) />
                    <ContractHeaderFields access=access />
                    {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
                    <div class="actions">
                        <button type="submit" class="button primary" id="save-header">{t(k::COMMON_SAVE)}</button>
                        <button type="button" class="button" on:click=move |_| editing.set(false)>{t(k::SETTINGS_CANCEL)}</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

/// "End contract": a last day (default: the day before the first unbilled period, not
/// before the start), with consent to a credit note when it lies before the last billed day.
#[component]
fn EndContract(d: ContractDetail, reload: Callback<()>) -> impl IntoView {
    let end = RwSignal::new(if d.draft.end_date.is_empty() {
        (d.change_from - chrono::Duration::days(1))
            .max(d.draft.start_date.parse().unwrap_or(d.change_from))
            .to_string()
    } else {
        d.draft.end_date.clone()
    });
    let credit = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let locale = use_locale();
    let (id, version) = (d.id, d.version);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (date, allow) = (end.get_untracked(), credit.get_untracked());
        leptos::task::spawn_local(async move {
            match end_contract(id, version, date, allow).await {
                Ok(_) => reload.run(()),
                Err(AppError::Validation { fields }) => {
                    problem.set(fields.first().map(|f| f.message(locale)));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="end-title">
            <h2 id="end-title">{t(k::CONTRACT_END_TITLE)}</h2>
            <form class="grid-form" id="end-form" novalidate="" on:submit=submit>
                <div class="field">
                    <label for="f-end-date">{t(k::CONTRACT_END_LAST_DAY)}</label>
                    <input id="f-end-date" type="date" prop:value=move || end.get()
                        aria-describedby="f-end-date-error"
                        on:input=move |ev| { end.set(event_target_value(&ev)); problem.set(None); } />
                    <p class="field-error" id="f-end-date-error" aria-live="polite">{move || problem.get()}</p>
                </div>
                <label class="checkbox">
                    <input type="checkbox" id="f-allow-credit" prop:checked=move || credit.get()
                        on:change=move |ev| credit.set(event_target_checked(&ev)) />
                    {t(k::CONTRACT_ALLOW_CREDIT)}
                </label>
                {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
                <div class="actions span-all">
                    <button type="submit" class="button danger" id="end-contract">{t(k::CONTRACT_END_CONFIRM)}</button>
                </div>
            </form>
        </section>
    }
}
