//! `/sales/items/new` and `/sales/items/{id}`: one sales item's form. Checked as the user
//! types by `SalesItemDraft::validate`; the draft (with its idempotency key) survives a
//! reload; the submit goes through the billing-info gate, so a customer without billing
//! info is asked for it on the spot and the item is then created without retyping.

use domain::{SalesItemDraft, SalesItemKind, TaxCategory};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{SalesItemRow, block_contracts, create_sales_item, delete_sales_item, get_sales_item, save_sales_item};
use crate::catalogue::list_services;
use crate::error::AppError;
use crate::forms::draft::{Choice, Field, FieldContext, field_lens};
use crate::forms::local_draft;
use crate::i18n::{Key, choice_key, k, t, use_locale};
use crate::shell::use_user;
use crate::ui::{BillingGate, BillingGateDialog, CustomerPicker, Dialog, ErrorNotice, Loading, PickedCustomer};

/// What the form holds, as the draft stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FormState {
    key: Uuid,
    customer: Option<PickedCustomer>,
    item: SalesItemDraft,
}

fn today() -> String {
    #[cfg(feature = "hydrate")]
    return chrono::Local::now().date_naive().to_string();
    #[cfg(not(feature = "hydrate"))]
    chrono::Utc::now().date_naive().to_string()
}

fn blank() -> SalesItemDraft {
    SalesItemDraft {
        kind: SalesItemKind::Sale.as_str().into(),
        quantity: "1".into(),
        currency: "EUR".into(),
        tax_category: TaxCategory::Standard.as_str().into(),
        date: today(),
        ..SalesItemDraft::default()
    }
}

fn choices(group: &'static str, values: impl Iterator<Item = &'static str>) -> Vec<(&'static str, Key)> {
    values.map(|v| (v, choice_key(group, v))).collect()
}

#[component]
pub fn SalesItemPage() -> impl IntoView {
    let params = use_params_map();
    let id = params
        .with_untracked(|p| p.get("id"))
        .and_then(|s| s.parse::<Uuid>().ok());
    match id {
        None => view! {
            <Title text=t(k::SALES_NEW) />
            <header class="page-header"><p class="muted"><a href="/sales">{t(k::NAV_SALES_BILLING)}</a></p><h1>{t(k::SALES_NEW)}</h1></header>
            <SalesItemForm row=None />
        }
        .into_any(),
        Some(id) => {
            let row = Resource::new(move || id, get_sales_item);
            view! {
                <Title text=t(k::SALES_EDIT) />
                <header class="page-header"><p class="muted"><a href="/sales">{t(k::NAV_SALES_BILLING)}</a></p><h1>{t(k::SALES_EDIT)}</h1></header>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || row.get().map(|r| match r {
                        Ok(row) if row.invoiced => view! { <Locked row=row /> }.into_any(),
                        Ok(row) => view! { <SalesItemForm row=Some(row) /> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                    })}
                </Transition>
            }
            .into_any()
        }
    }
}

/// An invoiced item: what it was, and why it cannot change.
#[component]
fn Locked(row: SalesItemRow) -> impl IntoView {
    let locale = use_locale();
    let i = row.item;
    view! {
        <section class="card">
            <p class="notice" role="status">{AppError::Locked.message(locale)}</p>
            <dl class="summary">
                <dt>{t(k::SALES_CUSTOMER)}</dt><dd><a href=format!("/customers/{}", row.customer)>{row.customer_name}</a></dd>
                <dt>{t(k::SALES_DESCRIPTION)}</dt><dd>{i.description}</dd>
                <dt>{t(k::SALES_QUANTITY)}</dt><dd>{i.quantity}</dd>
                <dt>{t(k::SALES_UNIT_PRICE)}</dt><dd>{format!("{} {}", i.unit_price, i.currency)}</dd>
                <dt>{t(k::SALES_DATE)}</dt><dd>{i.date}</dd>
            </dl>
        </section>
    }
}

#[component]
fn SalesItemForm(row: Option<SalesItemRow>) -> impl IntoView {
    let locale = use_locale();
    let user = use_user();
    let navigate = use_navigate();
    let query = use_query_map();
    let preset = query
        .with_untracked(|q| q.get("customer"))
        .and_then(|s| s.parse::<Uuid>().ok());
    let from_customer = preset.is_some();
    let editing = row.as_ref().map(|r| (r.id, r.version));
    let initial = FormState {
        key: Uuid::nil(),
        customer: row.as_ref().map(|r| PickedCustomer {
            id: r.customer,
            name: r.customer_name.clone(),
            billing_complete: true,
        }),
        item: row.as_ref().map(|r| r.item.clone()).unwrap_or_else(blank),
    };
    let state = RwSignal::new(initial);
    let picked = RwSignal::new(state.get_untracked().customer);
    let restored = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let draft_key = move || {
        let who = user.get_untracked().map(|u| u.id).unwrap_or_default();
        match editing {
            Some((id, version)) => format!("onboard.sales-item.{who}.{id}.{version}"),
            None => format!("onboard.sales-item.{who}.new"),
        }
    };
    local_draft::keep(draft_key(), state, restored, loaded);
    // A new item gets its idempotency key in the browser; a restored draft keeps its own.
    Effect::new(move |_| {
        if loaded.get() && state.with_untracked(|s| s.key.is_nil()) {
            state.update(|s| s.key = crate::forms::new_idempotency_key());
        }
    });
    Effect::new(move |_| {
        if loaded.get() {
            picked.set(state.with_untracked(|s| s.customer.clone()));
        }
    });
    Effect::new(move |_| {
        let c = picked.get();
        if state.with_untracked(|s| s.customer != c) {
            state.update(|s| s.customer = c);
        }
    });
    // Opened from a customer's Sales tab: that customer, unless a draft says otherwise.
    crate::ui::customer_picker::preset_customer(loaded, picked, preset);

    let item = RwSignal::new(state.get_untracked().item);
    Effect::new(move |_| {
        if loaded.get() {
            item.set(state.with_untracked(|s| s.item.clone()));
        }
    });
    Effect::new(move |_| {
        let i = item.get();
        if state.with_untracked(|s| s.item != i) {
            state.update(|s| s.item = i);
        }
    });
    let ctx = FieldContext::new(Memo::new(move |_| {
        item.with(|d| d.validate().err().unwrap_or_default())
    }));
    provide_context(ctx);
    let customer_error = Signal::derive(move || {
        (ctx.attempted.get() && picked.with(Option::is_none)).then(|| t(k::SALES_CUSTOMER_REQUIRED).to_string())
    });

    let services = LocalResource::new(|| list_services(false));
    let contracts = LocalResource::new(move || {
        let c = picked.with(|p| p.as_ref().map(|p| p.id));
        let prepaid = item.with(|i| i.kind != "sale");
        async move {
            match (c, prepaid) {
                (Some(c), true) => block_contracts(c).await,
                _ => Ok(Vec::new()),
            }
        }
    });
    let choose_service = move |code: String| {
        let found = services
            .get_untracked()
            .and_then(|r| r.ok())
            .and_then(|list| list.into_iter().find(|s| s.service.code == code));
        item.update(|d| {
            d.service_code = code;
            if let Some(s) = found {
                d.description = s.service.name;
                d.unit_price = s.service.unit_price;
                d.currency = s.service.currency;
                d.tax_category = s.service.tax_category;
            }
        });
    };

    let gate = BillingGate::new();
    let sending = RwSignal::new(false);
    let general = RwSignal::new(None::<AppError>);
    let finish = {
        let navigate = navigate.clone();
        move |row: SalesItemRow| {
            local_draft::clear(&draft_key());
            #[cfg(not(feature = "hydrate"))]
            let _ = &row;
            if from_customer {
                // The customer page is entered by a full load (see its tabs).
                #[cfg(feature = "hydrate")]
                if let Some(w) = web_sys::window() {
                    let _ = w
                        .location()
                        .assign(&format!("/customers/{}/sales?saved=1", row.customer));
                }
            } else {
                navigate("/sales?saved=1", Default::default());
            }
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        general.set(None);
        let (Some(customer), true) = (picked.get_untracked(), ctx.errors.with_untracked(Vec::is_empty)) else {
            return;
        };
        let (key, draft) = state.with_untracked(|s| (s.key, s.item.clone()));
        sending.set(true);
        let finish = finish.clone();
        gate.run(
            move || {
                let draft = draft.clone();
                async move {
                    match editing {
                        Some((id, version)) => save_sales_item(id, version, customer.id, draft).await,
                        None => create_sales_item(key, customer.id, draft).await,
                    }
                }
            },
            move |result| {
                sending.set(false);
                match result {
                    Ok(row) => finish(row),
                    Err(AppError::Validation { fields }) => ctx.show_all(fields),
                    Err(e) => general.set(Some(e)),
                }
            },
        );
    };
    let prepaid = move || item.with(|i| i.kind != "sale");
    let confirm_delete = RwSignal::new(false);
    let delete = move |_| {
        let Some((id, version)) = editing else { return };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match delete_sales_item(id, version).await {
                Ok(()) => {
                    local_draft::clear(&draft_key());
                    navigate("/sales", Default::default());
                }
                Err(e) => {
                    confirm_delete.set(false);
                    general.set(Some(e));
                }
            }
        });
    };

    view! {
        <BillingGateDialog gate=gate />
        <Show when=move || restored.get()>
            <p class="notice" role="status" id="draft-restored">{t(k::SALES_DRAFT_RESTORED)}</p>
        </Show>
        <form class="card grid-form" id="sales-item-form" novalidate="" on:submit=submit>
            <div class="span-all">
                <CustomerPicker id="sales-customer" label=k::SALES_CUSTOMER value=picked error=customer_error />
            </div>
            <div class="field">
                <label for="f-service_code">{t(k::SALES_SERVICE)}</label>
                <select id="f-service_code" on:change=move |ev| choose_service(event_target_value(&ev))>
                    <option value="" selected=move || item.with(|i| i.service_code.is_empty())>{t(k::SALES_FREE_TEXT)}</option>
                    {move || services.get().and_then(|r| r.ok()).map(|list| list.into_iter().map(|s| {
                        let code = s.service.code.clone();
                        let c2 = code.clone();
                        view! {
                            <option value=code.clone() selected=move || item.with(|i| i.service_code == c2)>
                                {format!("{} — {}", code, s.service.name)}
                            </option>
                        }
                    }).collect_view())}
                </select>
                <p class="field-error" aria-live="polite">{move || ctx.message("service_code")}</p>
            </div>
            <Field path="description" label=k::SALES_DESCRIPTION required=true lens=field_lens(item, |d| &d.description, |d| &mut d.description) />
            <Choice path="kind" label=k::SALES_KIND lens=field_lens(item, |d| &d.kind, |d| &mut d.kind)
                options=choices("sales_kind", SalesItemKind::ALL.iter().map(|c| c.as_str())) />
            <Show when=prepaid>
                <div class="field">
                    <label for="f-contract">{t(k::SALES_CONTRACT)}</label>
                    <select id="f-contract" on:change=move |ev| item.update(|d| d.contract = event_target_value(&ev))>
                        <option value="">{t(k::COMMON_CHOOSE)}</option>
                        {move || contracts.get().and_then(|r| r.ok()).map(|list| list.into_iter().map(|c| {
                            let id = c.id.to_string();
                            let i2 = id.clone();
                            view! { <option value=id selected=move || item.with(|i| i.contract == i2)>{c.name}</option> }
                        }).collect_view())}
                    </select>
                    <p class="hint">{t(k::SALES_CONTRACT_HINT)}</p>
                    <p class="field-error" aria-live="polite">{move || ctx.message("contract")}</p>
                </div>
            </Show>
            <Field path="quantity" label=k::SALES_QUANTITY required=true inputmode="decimal" lens=field_lens(item, |d| &d.quantity, |d| &mut d.quantity) />
            <Field path="unit_price" label=k::SALES_UNIT_PRICE required=true inputmode="decimal" lens=field_lens(item, |d| &d.unit_price, |d| &mut d.unit_price) />
            <Field path="currency" label=k::CATALOGUE_CURRENCY required=true lens=field_lens(item, |d| &d.currency, |d| &mut d.currency) />
            <Field path="date" label=k::SALES_DATE input_type="date" required=true lens=field_lens(item, |d| &d.date, |d| &mut d.date) />
            <Choice path="tax_category" label=k::CATALOGUE_TAX_CATEGORY lens=field_lens(item, |d| &d.tax_category, |d| &mut d.tax_category)
                options=choices("tax_category", TaxCategory::ALL.iter().map(|c| c.as_str())) />
            <Field path="notes" label=k::SALES_NOTES lens=field_lens(item, |d| &d.notes, |d| &mut d.notes) />
            <p class="span-all total" id="sales-total">
                {move || item.with(|d| d.validate().ok().map(|i| format!("{}: {}", t(k::SALES_TOTAL), domain::format_money(&i.total(), locale))))}
            </p>
            <Show when=move || ctx.attempted.get() && (!ctx.errors.with(Vec::is_empty) || picked.with(Option::is_none))>
                <p class="form-error span-all" role="alert">{t(k::WIZARD_STEP_MISSING)}</p>
            </Show>
            <div class="span-all">{move || general.get().map(|e| view! { <ErrorNotice error=e /> })}</div>
            <div class="actions span-all">
                {editing.map(|_| view! {
                    <button type="button" class="button danger" id="delete-sales-item" on:click=move |_| confirm_delete.set(true)>{t(k::SALES_DELETE)}</button>
                })}
                <a class="button" href=move || if from_customer { picked.with(|p| p.as_ref().map(|p| format!("/customers/{}/sales", p.id))).unwrap_or_else(|| "/sales".into()) } else { "/sales".into() }>{t(k::SETTINGS_CANCEL)}</a>
                <button type="submit" class="button primary" disabled=move || sending.get()>{t(k::COMMON_SAVE)}</button>
            </div>
        </form>
        <Dialog id="delete-sales-dialog" title=Signal::derive(move || t(k::SALES_DELETE).to_string())
            open=confirm_delete on_close=Callback::new(move |_| confirm_delete.set(false))>
            <p>{t(k::SALES_DELETE_CONFIRM)}</p>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| confirm_delete.set(false)>{t(k::SETTINGS_CANCEL)}</button>
                <button type="button" class="button danger" id="confirm-delete" on:click=delete.clone()>{t(k::SALES_DELETE)}</button>
            </div>
        </Dialog>
    }
}
