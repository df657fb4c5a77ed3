//! Step 4: each customer's parts, one customer at a time, prefilled from its services in
//! use (service, latest quantity, the catalogue's price marked "check the price"), edited
//! and removed in the shared contract editor. A contract paid by SEPA direct debit asks
//! here for each customer's IBAN and mandate (prefilled from its billing IBAN).

use domain::ContractPartDraft;
use leptos::prelude::*;

use super::{Bulk, Step, Wizard, prefill_parts};
use crate::contracts::editor::{ContractAccess, ContractParts, new_part};
use crate::error::AppError;
use crate::forms::draft::{Field, lens};
use crate::i18n::{k, t, text_with, use_locale};
use crate::ui::{ErrorNotice, Loading};

/// Reads the prefill of every included customer that has none yet.
fn load_prefills(w: Wizard, loading: RwSignal<bool>, error: RwSignal<Option<AppError>>) {
    let missing: Vec<uuid::Uuid> = w.state.with_untracked(|s| {
        s.included()
            .filter(|(_, c)| c.prefilled.is_none())
            .map(|(_, c)| c.id)
            .collect()
    });
    if missing.is_empty() {
        return;
    }
    loading.set(true);
    leptos::task::spawn_local(async move {
        match prefill_parts(missing).await {
            Ok(list) => w.state.update(|s| {
                let currency = s.terms.currency.trim().to_uppercase();
                for p in list {
                    if let Some(c) = s.chosen.iter_mut().find(|c| c.id == p.customer) {
                        c.contract.parts = if p.parts.is_empty() {
                            vec![new_part()]
                        } else {
                            // A price in another currency than the contract's is no price
                            // for it: the field stays empty and asks for one.
                            p.parts
                                .iter()
                                .map(|x| ContractPartDraft {
                                    rate: if x.price_currency == currency {
                                        x.part.rate.clone()
                                    } else {
                                        String::new()
                                    },
                                    ..x.part.clone()
                                })
                                .collect()
                        };
                        if c.contract.iban.is_empty() {
                            c.contract.iban = p.iban.clone();
                        }
                        c.prefilled = Some(p.parts);
                    }
                }
            }),
            Err(e) => error.set(Some(e)),
        }
        loading.set(false);
    });
}

/// The index of the first included customer whose contract does not validate.
fn first_invalid(s: &Bulk) -> Option<usize> {
    s.included()
        .find(|(_, c)| c.contract.validate().is_err())
        .map(|(i, _)| i)
}

#[component]
pub(super) fn PartsStep(w: Wizard) -> impl IntoView {
    let locale = use_locale();
    let (loading, error) = (RwSignal::new(false), RwSignal::new(None::<AppError>));
    Effect::new(move |_| load_prefills(w, loading, error));
    // Always show an included customer.
    Effect::new(move |_| {
        let fix = w.state.with(|s| {
            let ok = s.chosen.get(s.current).is_some_and(|c| c.included());
            (!ok).then(|| s.included().next().map(|(i, _)| i)).flatten()
        });
        if let Some(i) = fix {
            w.state.update(|s| s.current = i);
        }
    });
    let current = Memo::new(move |_| w.state.with(|s| s.current));
    let show = move |i: usize| {
        w.ctx.attempted.set(false);
        w.state.update(|s| s.current = i);
    };
    let access = ContractAccess {
        state: w.state,
        get: |s: &Bulk| s.chosen.get(s.current).map(|c| &c.contract),
        set: |s: &mut Bulk| {
            let i = s.current;
            s.chosen.get_mut(i).map(|c| &mut c.contract)
        },
        path: "",
    };
    let sepa = move || {
        w.state
            .with(|s| s.terms.payment_method == domain::PaymentMethodKind::SepaDirectDebit.as_str())
    };
    // Memoised: the tabs are rebuilt when a customer's name or validity changes, not on
    // every keystroke.
    let tab_list = Memo::new(move |_| {
        w.state.with(|s| {
            s.included()
                .map(|(i, c)| {
                    (
                        i,
                        c.name.clone(),
                        c.prefilled.is_some() && c.contract.validate().is_err(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let tabs = move || {
        tab_list
            .get()
            .into_iter()
            .map(|(i, name, invalid)| {
                view! {
                    <button type="button" class="tab" aria-current=move || (current.get() == i).then_some("true")
                        class:invalid=invalid on:click=move |_| show(i)>{name}</button>
                }
            })
            .collect_view()
    };
    let notes = move || {
        w.state.with(|s| {
            let c = s.chosen.get(s.current)?;
            let parts = c.prefilled.as_ref()?;
            if parts.is_empty() {
                return Some(view! { <p class="muted" id="bulk-prefill">{t(k::BULK_PREFILL_NONE)}</p> }.into_any());
            }
            Some(view! {
                <div id="bulk-prefill">
                    <p>{t(k::BULK_PREFILL_FROM)}</p>
                    <ul>
                        {parts.iter().map(|p| {
                            let quantity = p.quantity.parse().map(|q| domain::format_decimal(q, locale)).unwrap_or_else(|_| p.quantity.clone());
                            let line = text_with(locale, k::BULK_PREFILL_LINE, &[
                                ("service", &p.service_name), ("code", &p.part.service_code), ("quantity", &quantity),
                                ("date", &domain::format_date(p.reading_date, locale)),
                                ("price", &format!("{} {}", p.part.rate, p.price_currency)),
                            ]);
                            view! { <li>{line} " " <span class="badge warn">{t(k::BULK_CHECK_PRICE)}</span></li> }
                        }).collect_view()}
                    </ul>
                </div>
            }.into_any())
        })
    };
    let state = w.state;
    let mandate_field = move |path: &'static str,
                              label,
                              get: fn(&domain::ContractDraft) -> &String,
                              set: fn(&mut domain::ContractDraft) -> &mut String| {
        let l = lens(
            state,
            move |s: &Bulk| s.chosen.get(s.current).map(|c| get(&c.contract)),
            move |s: &mut Bulk| {
                let i = s.current;
                s.chosen.get_mut(i).map(|c| set(&mut c.contract))
            },
        );
        view! { <Field path=path label=label required=path != "bic" autocomplete="off" lens=l /> }
    };
    let next = move |_| {
        w.ctx.attempted.set(true);
        match w.state.with_untracked(first_invalid) {
            Some(i) => w.state.update(|s| s.current = i),
            None => w.go(Step::Summary),
        }
    };
    let back = move |_| {
        w.go(
            if super::billing::any_pending(w) || w.state.with_untracked(|s| s.chosen.iter().any(|c| c.skipped)) {
                Step::Billing
            } else {
                Step::Terms
            },
        )
    };
    view! {
        <section class="card" aria-labelledby="bulk-step-title">
            <h2 id="bulk-step-title" tabindex="-1">{t(k::BULK_STEP_PARTS)}</h2>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <Show when=move || !loading.get() fallback=|| view! { <Loading /> }>
                <nav class="tabs" aria-label=t(k::BULK_STEP_CUSTOMERS) id="bulk-customer-tabs">{tabs}</nav>
                <div class="page-header with-actions">
                    <h3 id="bulk-parts-for">{move || w.state.with(|s| s.chosen.get(s.current).map(|c| c.name.clone()))}</h3>
                    <button type="button" class="button small" id="bulk-leave-out" on:click=move |_| w.state.update(|s| {
                        let i = s.current;
                        if let Some(c) = s.chosen.get_mut(i) { c.skipped = true; }
                    })>{t(k::BULK_LEAVE_OUT)}</button>
                </div>
                {notes}
                <Show when=sepa>
                    <div class="grid-form">
                        {mandate_field("iban", k::CONTRACT_IBAN, |c| &c.iban, |c| &mut c.iban)}
                        {mandate_field("bic", k::CONTRACT_BIC, |c| &c.bic, |c| &mut c.bic)}
                        {mandate_field("mandate_reference", k::CONTRACT_MANDATE, |c| &c.mandate_reference, |c| &mut c.mandate_reference)}
                    </div>
                </Show>
                // Rebuilt per customer: each one's parts are their own list.
                {move || { current.track(); view! { <ContractParts access=access /> } }}
            </Show>
            <div class="actions">
                <button type="button" class="button" on:click=back>{t(k::WIZARD_BACK)}</button>
                <button type="button" class="button primary" id="bulk-next" disabled=move || loading.get() on:click=next>{t(k::WIZARD_NEXT)}</button>
            </div>
        </section>
    }
}
