//! The billing-info gate, browser side — one mechanism for every action that bills a
//! customer. `gate.run(action, done)` sends the action; when the server refuses with
//! `billing_info_required`, the customer's billing form opens in a dialog, and once it is
//! saved the *same* action (same idempotency key, same typed values) is sent again by
//! itself, so nothing the user typed is lost. Closing the dialog hands the refusal to
//! `done`, which shows it like any other error.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use uuid::Uuid;

use super::{Dialog, ErrorNotice, Loading};
use crate::customers::{BillingForm, CustomerDetail, get_customer};
use crate::error::AppError;
use crate::i18n::{k, t, text_with, use_locale};

/// One refused action waiting for billing info.
#[derive(Clone)]
struct Ask {
    customer: Uuid,
    name: String,
    missing: Vec<String>,
    retry: Rc<dyn Fn()>,
    cancel: Rc<dyn Fn()>,
}

/// The page's gate; `Copy`, so event handlers can hold it.
#[derive(Clone, Copy)]
pub struct BillingGate {
    asking: RwSignal<Option<Ask>, LocalStorage>,
}

impl Default for BillingGate {
    fn default() -> Self {
        Self::new()
    }
}

impl BillingGate {
    pub fn new() -> Self {
        BillingGate {
            asking: RwSignal::new_local(None),
        }
    }

    /// Runs `action`; asks for billing info and re-runs it as often as the server
    /// refuses for that reason; hands the final result to `done`.
    pub fn run<T, F, Fut>(self, action: F, done: impl Fn(Result<T, AppError>) + 'static)
    where
        T: 'static,
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<T, AppError>> + 'static,
    {
        attempt(self, Rc::new(action), Rc::new(done));
    }

    /// Whether the dialog is open (a test hook for pages: disable the submit meanwhile).
    pub fn is_asking(self) -> bool {
        self.asking.with(Option::is_some)
    }
}

fn attempt<T, F, Fut>(gate: BillingGate, action: Rc<F>, done: Rc<dyn Fn(Result<T, AppError>)>)
where
    T: 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let run = action.clone();
    leptos::task::spawn_local(async move {
        match run().await {
            Err(refusal @ AppError::BillingInfoRequired { .. }) => {
                let AppError::BillingInfoRequired {
                    customer,
                    name,
                    missing,
                } = refusal.clone()
                else {
                    unreachable!()
                };
                let (a, d, d2) = (action.clone(), done.clone(), done.clone());
                gate.asking.set(Some(Ask {
                    customer,
                    name,
                    missing,
                    retry: Rc::new(move || attempt(gate, a.clone(), d.clone())),
                    cancel: Rc::new(move || d2(Err(refusal.clone()))),
                }));
            }
            result => done(result),
        }
    });
}

/// The loaded customer's billing form (nothing while there is none), with the loading and
/// error states; `generation` is bumped to load the customer again (after a conflict).
/// The gate's dialog and the contract wizard's billing step show it.
#[component]
pub fn CustomerBillingForm(
    detail: LocalResource<Result<Option<CustomerDetail>, AppError>>,
    on_saved: Callback<()>,
    generation: RwSignal<u32>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || detail.get().map(|r| match r {
                Ok(Some(c)) => view! {
                    <BillingForm c=c on_saved=on_saved on_reload=Callback::new(move |_| generation.update(|g| *g += 1)) />
                }.into_any(),
                Ok(None) => ().into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Suspense>
    }
}

/// The dialog of the page's gate; put it once on every page that uses the gate.
#[component]
pub fn BillingGateDialog(gate: BillingGate) -> impl IntoView {
    let locale = use_locale();
    let customer = Memo::new(move |_| gate.asking.with(|a| a.as_ref().map(|a| a.customer)));
    let generation = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        let id = customer.get();
        generation.track();
        async move {
            match id {
                Some(id) => get_customer(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let close = Callback::new(move |_| {
        if let Some(ask) = gate.asking.get_untracked() {
            gate.asking.set(None);
            (ask.cancel)();
        }
    });
    let saved = Callback::new(move |_| {
        if let Some(ask) = gate.asking.get_untracked() {
            gate.asking.set(None);
            (ask.retry)();
        }
    });
    let title = Signal::derive(move || {
        gate.asking.with(|a| {
            a.as_ref()
                .map(|a| text_with(locale, k::GATE_TITLE, &[("customer", &a.name)]))
                .unwrap_or_default()
        })
    });
    let missing = move || {
        gate.asking.with(|a| {
            a.as_ref()
                .map(|a| {
                    a.missing
                        .iter()
                        .map(|f| crate::customers::billing_field_label(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        })
    };
    view! {
        <Dialog id="billing-gate" title=title open=Signal::derive(move || gate.is_asking()) on_close=close>
            <p class="notice warn" id="billing-gate-reason">
                {t(k::GATE_EXPLAIN)} " " <strong>{missing}</strong>
            </p>
            <CustomerBillingForm detail=detail on_saved=saved generation=generation />
            <p class="muted small">{t(k::GATE_CONTINUES)}</p>
        </Dialog>
    }
}
