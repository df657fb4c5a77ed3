//! Steps 5 and 6: the summary, the submit and what it made. Each included customer's
//! contract is created by `contracts/create` under that customer's own idempotency key,
//! one after the other behind a progress bar and through the billing-info gate (info
//! emptied meanwhile is asked for on the spot). Sending again — a retry, a second tab, a
//! reload mid-way — returns the contracts already made instead of making more.

use std::rc::Rc;

use leptos::prelude::*;
use uuid::Uuid;

use super::{Outcome, Step, Wizard};
use crate::contracts::create_contract;
use crate::i18n::{choice_key, k, t, text_with, use_locale};

fn choice_label(group: &str, value: &str) -> &'static str {
    t(choice_key(group, value))
}
use crate::ui::{BillingGate, BillingGateDialog, DataTable, ErrorNotice, ProgressBar, Th};

/// Sends the contract of the customer `order[pos]`, then the rest. Customers are named by
/// id: the draft may change while requests are out (the billing-info dialog edits it).
fn send(w: Wizard, gate: BillingGate, order: Rc<Vec<Uuid>>, pos: usize) {
    let Some(&customer) = order.get(pos) else {
        w.sending.set(None);
        w.go(Step::Done);
        return;
    };
    w.sending.set(Some((pos, order.len())));
    let found = w.state.with_untracked(|s| {
        let c = s.chosen.iter().find(|c| c.id == customer)?;
        Some((*s.keys.get(&customer)?, c.contract.clone(), c.uncovered))
    });
    let Some((key, contract, uncovered)) = found else {
        return send(w, gate, order, pos + 1);
    };
    gate.run(
        move || create_contract(key, customer, contract.clone(), true, Some(uncovered)),
        move |result| {
            let outcome = match result {
                Ok(saved) => Outcome::Created(saved.id),
                Err(e) => Outcome::Failed(e),
            };
            w.state.update(|s| {
                s.outcomes.insert(customer, outcome);
            });
            send(w, gate, order.clone(), pos + 1);
        },
    );
}

#[component]
pub(super) fn SummaryStep(w: Wizard) -> impl IntoView {
    let locale = use_locale();
    let gate = BillingGate::new();
    let to_send = move || {
        w.state.with(|s| {
            s.included()
                .filter(|(_, c)| s.created(c.id).is_none())
                .map(|(_, c)| c.id)
                .collect::<Vec<_>>()
        })
    };
    let create = move |_| {
        if w.sending.with_untracked(Option::is_none) {
            send(w, gate, Rc::new(to_send()), 0);
        }
    };
    let terms = move || {
        w.state.with(|s| {
            let c = &s.terms;
            // The draft holds ISO dates as typed in the date inputs; shown in the
            // user's format.
            let date = |iso: &str| {
                chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
                    .map(|d| domain::format_date(d, locale))
                    .unwrap_or_else(|_| iso.to_owned())
            };
            let end = if c.end_date.is_empty() {
                t(k::BULK_OPEN_ENDED).to_string()
            } else {
                date(&c.end_date)
            };
            let start = date(&c.start_date);
            text_with(
                locale,
                k::BULK_SUMMARY_TERMS,
                &[
                    ("name", &c.name),
                    ("start", &start),
                    ("end", &end),
                    ("cycle", choice_label("billing_cycle", &c.billing_cycle)),
                    ("timing", choice_label("billing_timing", &c.billing_timing)),
                    ("currency", &c.currency),
                ],
            )
        })
    };
    let rows = move || {
        w.state.with(|s| {
            s.included()
                .map(|(_, c)| {
                    let parts = c
                        .contract
                        .parts
                        .iter()
                        .map(|p| {
                            let label = if p.description.is_empty() {
                                choice_label("contract_type", &p.contract_type).to_string()
                            } else {
                                p.description.clone()
                            };
                            view! { <li>{label}</li> }
                        })
                        .collect_view();
                    view! {
                        <tr data-customer=c.name.clone()>
                            <td>{c.name.clone()}</td>
                            <td><ul class="plain">{parts}</ul></td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let skipped = move || {
        w.state.with(|s| {
            s.chosen
                .iter()
                .filter(|c| c.skipped)
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" aria-labelledby="bulk-step-title">
            <h2 id="bulk-step-title" tabindex="-1">{t(k::BULK_STEP_SUMMARY)}</h2>
            <BillingGateDialog gate=gate />
            <p id="bulk-terms-summary">{terms}</p>
            <DataTable id="bulk-summary" columns=vec![Th::text(k::CUSTOMER_NAME), Th::text(k::BULK_COL_PARTS)]>{rows}</DataTable>
            {move || {
                let names = skipped();
                (!names.is_empty()).then(|| view! { <p class="muted" id="bulk-skipped-note">{t(k::BULK_SKIPPED)} " " {names.join(", ")}</p> })
            }}
            {move || w.sending.get().map(|(done, total)| view! {
                <ProgressBar label=k::BULK_CREATING share=done as f64 / total.max(1) as f64 id="bulk-progress-label" />
            })}
            <div class="actions">
                <button type="button" class="button" disabled=move || w.is_sending() on:click=move |_| w.go(Step::Parts)>{t(k::WIZARD_BACK)}</button>
                <button type="button" class="button primary" id="bulk-create" disabled=move || w.is_sending() || gate.is_asking()
                    on:click=create>
                    {move || text_with(locale, k::BULK_CREATE, &[("count", &to_send().len().to_string())])}
                </button>
            </div>
        </section>
    }
}

#[component]
pub(super) fn DoneStep(w: Wizard) -> impl IntoView {
    let locale = use_locale();
    let created = move || {
        w.state
            .with(|s| s.chosen.iter().filter(|c| s.created(c.id).is_some()).count())
    };
    let failed = move || w.state.with(|s| s.included().any(|(_, c)| s.created(c.id).is_none()));
    let rows = move || {
        w.state.with(|s| {
            s.included()
                .map(|(_, c)| {
                    let result = match s.outcomes.get(&c.id) {
                        Some(Outcome::Created(id)) => view! {
                            <a href=format!("/contracts/{id}")>{t(k::BULK_OPEN_CONTRACT)}</a>
                        }
                        .into_any(),
                        Some(Outcome::Failed(e)) => view! { <ErrorNotice error=e.clone() /> }.into_any(),
                        None => view! { <span class="muted">{t(k::BULK_NOT_SENT)}</span> }.into_any(),
                    };
                    view! {
                        <tr data-customer=c.name.clone()>
                            <td><a href=format!("/customers/{}", c.id)>{c.name.clone()}</a></td>
                            <td>{result}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="card" aria-labelledby="bulk-step-title">
            <h2 id="bulk-step-title" tabindex="-1">{t(k::BULK_DONE)}</h2>
            <p class="notice ok" role="status" id="bulk-done">
                {move || text_with(locale, k::BULK_CREATED, &[("count", &created().to_string())])}
            </p>
            <DataTable id="bulk-results" columns=vec![Th::text(k::CUSTOMER_NAME), Th::text(k::BULK_COL_RESULT)]>{rows}</DataTable>
            <div class="actions">
                <Show when=failed>
                    <button type="button" class="button" id="bulk-retry" on:click=move |_| w.go(Step::Summary)>{t(k::BULK_RETRY)}</button>
                </Show>
                <a class="button primary" href="/contracts">{t(k::CONTRACTS_TITLE)}</a>
            </div>
        </section>
    }
}
