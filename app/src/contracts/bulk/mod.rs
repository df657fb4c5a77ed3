//! `/contracts/bulk`: contracts for existing customers, one or many at once (the seeds'
//! "Create contracts for existing customers"). Choose the customers → the contract's
//! terms → billing info for those that lack it (each in turn, or skip one) → each
//! customer's parts, prefilled from its services in use → summary → done. The whole draft
//! (with one idempotency key per customer) lives in localStorage, so a reload, a retried
//! submit or a customer unticked and ticked again never makes a second contract for
//! anybody; each contract is created through the billing-info gate like any other. (Two
//! browsers running the same customers each have their own keys: that is two runs.)

mod billing;
mod choose;
mod finish;
mod parts;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{ContractDraft, ContractPartDraft};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use crate::forms::draft::FieldContext;
use crate::forms::local_draft;
use crate::i18n::{Key, k, t};
use crate::shell::use_user;

/// A part prefilled from a service in use, with what it was read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrefilledPart {
    pub part: ContractPartDraft,
    pub service_name: String,
    /// The latest reading, as stored (`12.00`).
    pub quantity: String,
    pub reading_date: NaiveDate,
    /// The catalogue price's currency (the contract may bill in another).
    pub price_currency: String,
}

/// What the wizard prefills for one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prefill {
    pub customer: Uuid,
    /// The customer's billing IBAN, for a contract paid by SEPA direct debit.
    pub iban: String,
    pub parts: Vec<PrefilledPart>,
}

/// Each customer's services in use (latest reading above zero, catalogue service not
/// archived) as contract parts at the catalogue price.
#[server(prefix = "/api", endpoint = "contracts/prefill", input = Json)]
pub async fn prefill_parts(customers: Vec<Uuid>) -> Result<Vec<Prefill>, AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        for &customer in &customers {
            crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        }
        prefill(&ctx.pool, &customers).await
    })
    .await
}

#[cfg(feature = "ssr")]
async fn prefill(pool: &sqlx::PgPool, customers: &[Uuid]) -> Result<Vec<Prefill>, AppError> {
    let ibans: Vec<(Uuid, String)> =
        sqlx::query_as("select id, coalesce(billing_iban, '') from customers where id = any($1)")
            .bind(customers)
            .fetch_all(pool)
            .await?;
    let readings: Vec<(Uuid, serde_json::Value, rust_decimal::Decimal, NaiveDate)> = sqlx::query_as(
        "select u.customer_id, s.definition, u.quantity, u.reading_date
           from usage_current u join services s on s.id = u.service_id
          where u.customer_id = any($1) and u.quantity > 0 and not s.archived
          order by u.customer_id, s.code",
    )
    .bind(customers)
    .fetch_all(pool)
    .await?;
    let mut out: Vec<Prefill> = customers
        .iter()
        .map(|&customer| Prefill {
            customer,
            iban: ibans
                .iter()
                .find(|(id, _)| *id == customer)
                .map(|(_, i)| i.clone())
                .unwrap_or_default(),
            parts: Vec::new(),
        })
        .collect();
    for (customer, definition, quantity, date) in readings {
        // A definition the catalogue can no longer read is left out (the part is then
        // added by hand), not the whole prefill refused.
        let service: domain::ServiceDraft = match serde_json::from_value(definition) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable service definition left out of the prefill");
                continue;
            }
        };
        if let Some(p) = out.iter_mut().find(|p| p.customer == customer) {
            p.parts.push(PrefilledPart {
                part: domain::prefill::part_from_service(&service, quantity),
                service_name: service.name.clone(),
                quantity: quantity.to_string(),
                reading_date: date,
                price_currency: service.currency.clone(),
            });
        }
    }
    Ok(out)
}

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    #[default]
    Choose,
    Terms,
    Billing,
    Parts,
    Summary,
    Done,
}

const STEPS: [(Step, Key); 5] = [
    (Step::Choose, k::BULK_STEP_CUSTOMERS),
    (Step::Terms, k::BULK_STEP_TERMS),
    (Step::Billing, k::BULK_STEP_BILLING),
    (Step::Parts, k::BULK_STEP_PARTS),
    (Step::Summary, k::BULK_STEP_SUMMARY),
];

/// What became of one customer's contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Outcome {
    Created(Uuid),
    Failed(AppError),
}

/// One chosen customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Chosen {
    id: Uuid,
    name: String,
    billing_complete: bool,
    /// Left out at the billing-info step.
    skipped: bool,
    /// `None` until the prefill was read.
    prefilled: Option<Vec<PrefilledPart>>,
    contract: ContractDraft,
    /// It had no contract when chosen: the server refuses to add one if it has one in
    /// force by the time it is sent (another wizard got there first).
    #[serde(default)]
    uncovered: bool,
}

impl Chosen {
    fn included(&self) -> bool {
        !self.skipped
    }
}

/// The whole draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Bulk {
    step: Step,
    chosen: Vec<Chosen>,
    /// The terms every contract shares (its parts are unused).
    terms: ContractDraft,
    /// The customer whose parts are shown (an index into `chosen`).
    current: usize,
    /// Each customer's contract is created once under its key, however often it is sent.
    /// Kept by customer, not with the choice: a customer unticked and ticked again keeps
    /// its key, so the contract already made for it comes back instead of a second one.
    keys: BTreeMap<Uuid, Uuid>,
    /// What became of each customer's contract, by customer.
    outcomes: BTreeMap<Uuid, Outcome>,
}

fn blank() -> Bulk {
    let today = chrono::Local::now().date_naive();
    Bulk {
        step: Step::Choose,
        chosen: Vec::new(),
        terms: ContractDraft {
            parts: Vec::new(),
            ..ContractDraft::starting(today)
        },
        current: 0,
        keys: BTreeMap::new(),
        outcomes: BTreeMap::new(),
    }
}

/// Header fields every customer brings its own value for (the mandate is per debtor).
const PER_CUSTOMER: [&str; 3] = ["iban", "bic", "mandate_reference"];

impl Bulk {
    fn created(&self, customer: Uuid) -> Option<Uuid> {
        match self.outcomes.get(&customer) {
            Some(Outcome::Created(id)) => Some(*id),
            _ => None,
        }
    }

    fn included(&self) -> impl Iterator<Item = (usize, &Chosen)> {
        self.chosen.iter().enumerate().filter(|(_, c)| c.included())
    }

    /// The errors of the step being shown.
    fn errors(&self) -> Vec<domain::FieldError> {
        match self.step {
            Step::Terms => self
                .terms
                .validate()
                .err()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| !e.field.starts_with("parts") && !PER_CUSTOMER.contains(&e.field.as_str()))
                .collect(),
            Step::Parts => self
                .chosen
                .get(self.current)
                .and_then(|c| c.contract.validate().err())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Each contract takes the shared terms, keeping its own parts and mandate.
    fn apply_terms(&mut self) {
        for c in &mut self.chosen {
            let own = c.contract.clone();
            c.contract = ContractDraft {
                parts: own.parts,
                iban: own.iban,
                bic: own.bic,
                mandate_reference: own.mandate_reference,
                ..self.terms.clone()
            };
        }
    }
}

/// The shared state of the steps.
#[derive(Clone, Copy)]
struct Wizard {
    state: RwSignal<Bulk>,
    ctx: FieldContext,
    /// While the contracts are being sent, how far it is (sent, of how many): no other
    /// step, no start over meanwhile.
    sending: RwSignal<Option<(usize, usize)>>,
}

impl Wizard {
    fn is_sending(self) -> bool {
        self.sending.with(Option::is_some)
    }

    fn go(self, step: Step) {
        self.ctx.attempted.set(false);
        self.ctx.touched.set(Default::default());
        self.state.update(|s| s.step = step);
        crate::forms::focus_selector("#bulk-step-title");
    }
}

#[component]
pub fn BulkContractsPage() -> impl IntoView {
    let user = use_user();
    let state = RwSignal::new(blank());
    let (restored, loaded) = (RwSignal::new(false), RwSignal::new(false));
    let draft_key = move || {
        let who = user.get_untracked().map(|u| u.id).unwrap_or_default();
        format!("onboard.contract.{who}.bulk")
    };
    local_draft::keep(draft_key(), state, restored, loaded);
    let ctx = FieldContext::new(Memo::new(move |_| state.with(Bulk::errors)));
    provide_context(ctx);
    let w = Wizard {
        state,
        ctx,
        sending: RwSignal::new(None),
    };
    let start_over = move |_| {
        local_draft::clear(&draft_key());
        state.set(blank());
        restored.set(false);
        w.go(Step::Choose);
    };
    // A memo: the step's view is rebuilt when the step changes, not on every keystroke.
    let step = Memo::new(move |_| state.with(|s| s.step));
    view! {
        <leptos_meta::Title text=t(k::BULK_TITLE) />
        <header class="page-header with-actions">
            <div>
                <p class="muted"><a href="/contracts">{t(k::CONTRACTS_TITLE)}</a></p>
                <h1>{t(k::BULK_TITLE)}</h1>
            </div>
            <button type="button" class="button" id="bulk-start-over" disabled=move || w.is_sending() on:click=start_over>{t(k::BULK_START_OVER)}</button>
        </header>
        <Show when=move || restored.get()>
            <p class="notice" role="status" id="draft-restored">{t(k::SALES_DRAFT_RESTORED)}</p>
        </Show>
        <noscript><p class="form-error">{t(k::WIZARD_NOSCRIPT)}</p></noscript>
        <StepIndicator w=w />
        <Show when=move || loaded.get() fallback=|| view! { <crate::ui::Loading /> }>
            {move || match step.get() {
                Step::Choose => view! { <choose::ChooseStep w=w /> }.into_any(),
                Step::Terms => view! { <TermsStep w=w /> }.into_any(),
                Step::Billing => view! { <billing::BillingStep w=w /> }.into_any(),
                Step::Parts => view! { <parts::PartsStep w=w /> }.into_any(),
                Step::Summary => view! { <finish::SummaryStep w=w /> }.into_any(),
                Step::Done => view! { <finish::DoneStep w=w /> }.into_any(),
            }}
        </Show>
    }
}

#[component]
fn StepIndicator(w: Wizard) -> impl IntoView {
    view! {
        <nav aria-label=t(k::WIZARD_PROGRESS)>
            <ol class="steps">
                {STEPS.into_iter().enumerate().map(|(i, (step, key))| {
                    let current = move || w.state.with(|s| s.step == step);
                    let done = move || w.state.with(|s| s.step > step && s.step != Step::Done);
                    view! {
                        <li class:current=current class:done=done aria-current=move || current().then_some("step")>
                            <button type="button" class="step" disabled=move || !done() || w.is_sending() on:click=move |_| w.go(step)>
                                <span class="step-number" aria-hidden="true">{i + 1}</span>
                                {t(key)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </nav>
    }
}

/// The terms every contract shares: name, period, cycle, timing, currency, payment and
/// time rounding (the SEPA mandate is asked per customer with the parts).
#[component]
fn TermsStep(w: Wizard) -> impl IntoView {
    use super::editor::{ContractAccess, ContractHeaderFields};
    use crate::forms::draft::{Field, lens};
    let access = ContractAccess {
        state: w.state,
        get: |s: &Bulk| Some(&s.terms),
        set: |s: &mut Bulk| Some(&mut s.terms),
        path: "",
    };
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        w.ctx.attempted.set(true);
        if w.ctx.errors.with_untracked(Vec::is_empty) {
            w.state.update(Bulk::apply_terms);
            w.go(if billing::any_pending(w) {
                Step::Billing
            } else {
                Step::Parts
            });
        }
    };
    let locale = crate::i18n::use_locale();
    let count = move || w.state.with(|s| s.chosen.len());
    view! {
        <form class="card" id="bulk-terms" novalidate="" on:submit=next>
            <h2 id="bulk-step-title" tabindex="-1">{t(k::BULK_STEP_TERMS)}</h2>
            <p class="muted">{move || crate::i18n::text_with(locale, k::BULK_TERMS_HINT, &[("count", &count().to_string())])}</p>
            <Field path="name".to_string() label=k::CONTRACT_NAME required=true
                lens=lens(w.state, |s: &Bulk| Some(&s.terms.name), |s: &mut Bulk| Some(&mut s.terms.name)) />
            <ContractHeaderFields access=access />
            <div class="actions">
                <button type="button" class="button" on:click=move |_| w.go(Step::Choose)>{t(k::WIZARD_BACK)}</button>
                <button type="submit" class="button primary" id="bulk-next">{t(k::WIZARD_NEXT)}</button>
            </div>
        </form>
    }
}
