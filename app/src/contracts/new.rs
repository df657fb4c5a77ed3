//! `/contracts/new`: a contract for an existing customer, in the shared editor. The draft
//! (with its idempotency key) survives a reload; the submit goes through the billing-info
//! gate, so a customer without billing info is asked for it on the spot and the contract is
//! then created without retyping.

use domain::ContractDraft;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::create_contract;
use super::editor::{ContractAccess, ContractEditor, new_part};
use crate::error::AppError;
use crate::forms::draft::FieldContext;
use crate::forms::local_draft;
use crate::i18n::{k, t};
use crate::shell::use_user;
use crate::ui::{BillingGate, BillingGateDialog, CustomerPicker, ErrorNotice, PickedCustomer};

/// What the form holds, as the draft stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct NewContract {
    key: Uuid,
    customer: Option<PickedCustomer>,
    contract: ContractDraft,
    active: bool,
}

fn blank() -> NewContract {
    let today = chrono::Local::now().date_naive();
    NewContract {
        key: Uuid::nil(),
        customer: None,
        contract: ContractDraft {
            parts: vec![new_part()],
            ..ContractDraft::starting(today)
        },
        active: true,
    }
}

#[component]
pub fn NewContractPage() -> impl IntoView {
    let user = use_user();
    let navigate = use_navigate();
    let preset = use_query_map()
        .with_untracked(|q| q.get("customer"))
        .and_then(|s| s.parse::<Uuid>().ok());
    let state = RwSignal::new(blank());
    let (restored, loaded) = (RwSignal::new(false), RwSignal::new(false));
    let draft_key = move || {
        let who = user.get_untracked().map(|u| u.id).unwrap_or_default();
        format!("onboard.contract.{who}.new")
    };
    local_draft::keep(draft_key(), state, restored, loaded);
    let picked = RwSignal::new(None::<PickedCustomer>);
    Effect::new(move |_| {
        if loaded.get() {
            if state.with_untracked(|s| s.key.is_nil()) {
                state.update(|s| s.key = crate::forms::new_idempotency_key());
            }
            picked.set(state.with_untracked(|s| s.customer.clone()));
        }
    });
    Effect::new(move |_| {
        let c = picked.get();
        if state.with_untracked(|s| s.customer != c) {
            state.update(|s| s.customer = c);
        }
    });
    // Opened from a customer's Contracts tab: that customer, unless a draft says otherwise.
    crate::ui::customer_picker::preset_customer(loaded, picked, preset);
    let ctx = FieldContext::new(Memo::new(move |_| {
        state.with(|s| s.contract.validate().err().unwrap_or_default())
    }));
    provide_context(ctx);
    let customer_error = Signal::derive(move || {
        (ctx.attempted.get() && picked.with(Option::is_none)).then(|| t(k::CONTRACTS_CUSTOMER_REQUIRED).to_string())
    });
    let gate = BillingGate::new();
    let general = RwSignal::new(None::<AppError>);
    let sending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        general.set(None);
        let (Some(customer), true) = (picked.get_untracked(), ctx.errors.with_untracked(Vec::is_empty)) else {
            return;
        };
        let s = state.get_untracked();
        sending.set(true);
        let navigate = navigate.clone();
        gate.run(
            move || create_contract(s.key, customer.id, s.contract.clone(), s.active, None),
            move |result| {
                sending.set(false);
                match result {
                    Ok(saved) => {
                        local_draft::clear(&draft_key());
                        navigate(&format!("/contracts/{}", saved.id), Default::default());
                    }
                    Err(AppError::Validation { fields }) => ctx.show_all(fields),
                    Err(e) => general.set(Some(e)),
                }
            },
        );
    };
    let access = ContractAccess {
        state,
        get: |s: &NewContract| Some(&s.contract),
        set: |s: &mut NewContract| Some(&mut s.contract),
        path: "",
    };
    view! {
        <Title text=t(k::CONTRACTS_NEW) />
        <header class="page-header">
            <p class="muted"><a href="/contracts">{t(k::CONTRACTS_TITLE)}</a></p>
            <h1>{t(k::CONTRACTS_NEW)}</h1>
        </header>
        <BillingGateDialog gate=gate />
        <Show when=move || restored.get()>
            <p class="notice" role="status" id="draft-restored">{t(k::SALES_DRAFT_RESTORED)}</p>
        </Show>
        <form class="card" id="contract-form" novalidate="" on:submit=submit>
            <CustomerPicker id="contract-customer" label=k::CONTRACTS_COL_CUSTOMER value=picked error=customer_error />
            <ContractEditor access=access />
            <label class="checkbox">
                <input type="checkbox" id="f-active" prop:checked=move || state.with(|s| s.active)
                    on:change=move |ev| { let on = event_target_checked(&ev); state.update(|s| s.active = on); } />
                {t(k::CONTRACTS_CREATE_ACTIVE)}
            </label>
            {move || general.get().map(|e| view! { <ErrorNotice error=e /> })}
            <div class="actions">
                <button type="submit" class="button primary" id="create-contract"
                    disabled=move || sending.get() || gate.is_asking()>{t(k::CONTRACTS_CREATE)}</button>
            </div>
        </form>
    }
}
