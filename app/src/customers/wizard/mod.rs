//! `/customers/new`: the new-customer wizard. Customer → contract → SLA and alert profile →
//! contact → summary. The whole state is a draft in localStorage (saved on every change,
//! restored after a reload, a crash or a new sign-in); the submit carries an idempotency
//! key made when the draft started, so a retry never creates a second customer.

mod contact_step;
mod contract_step;
mod customer_step;
mod draft_storage;
mod offline;
pub(crate) mod sla_step;
mod summary;

use std::collections::{BTreeSet, HashSet};

use domain::{NewCustomerDraft, WizardStep};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::forms::draft::FieldContext;

/// The draft fields, for the steps (`super::fields::Field`, …).
pub(crate) mod fields {
    pub use crate::forms::draft::*;

    /// A lens on one string of the wizard's draft.
    pub fn lens(
        state: leptos::prelude::RwSignal<super::Wizard>,
        get: impl Fn(&domain::NewCustomerDraft) -> Option<&String> + Send + Sync + 'static,
        set: impl Fn(&mut domain::NewCustomerDraft) -> Option<&mut String> + Send + Sync + 'static,
    ) -> Lens {
        crate::forms::draft::lens(state, move |w| get(&w.draft), move |w| set(&mut w.draft))
    }
}
use crate::auth::Permission;
use crate::error::AppError;
use crate::i18n::{Key, k, t, use_locale};
use crate::shell::use_user;

/// Everything the wizard holds; this is what localStorage keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Wizard {
    pub draft: NewCustomerDraft,
    /// 0–3: the four steps, 4: the summary.
    pub step: usize,
    /// The idempotency key of this draft's submission.
    pub key: Uuid,
    /// The "show more" sections the user opened.
    pub more: BTreeSet<String>,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard {
            draft: NewCustomerDraft::default(),
            step: 0,
            key: Uuid::nil(),
            more: BTreeSet::new(),
        }
    }
}

const STEPS: [(WizardStep, Key); 4] = [
    (WizardStep::Customer, k::WIZARD_STEP_CUSTOMER),
    (WizardStep::Contract, k::WIZARD_STEP_CONTRACT),
    (WizardStep::SlaAndAlerts, k::WIZARD_STEP_SLA),
    (WizardStep::Contact, k::WIZARD_STEP_CONTACT),
];
const SUMMARY: usize = 4;

fn step_index(step: WizardStep) -> usize {
    STEPS.iter().position(|(s, _)| *s == step).unwrap_or(0)
}

/// The first step that holds a field the server complained about.
fn first_step_with(fields: &[crate::error::FieldProblem]) -> Option<usize> {
    fields
        .iter()
        .filter_map(|f| NewCustomerDraft::step_of(&f.field))
        .map(step_index)
        .min()
}

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let user = use_user();
    view! {
        <Title text=t(k::WIZARD_TITLE) />
        {move || match user.get() {
            Some(u) if u.can(Permission::CreateCustomer) => view! { <WizardView user_id=u.id /> }.into_any(),
            Some(_) => view! {
                <header class="page-header"><h1>{t(k::WIZARD_TITLE)}</h1></header>
                <p class="form-error" role="alert">{t(k::ERROR_FORBIDDEN)}</p>
            }.into_any(),
            None => ().into_any(),
        }}
    }
}

#[component]
fn WizardView(user_id: Uuid) -> impl IntoView {
    let locale = use_locale();
    let state = RwSignal::new(Wizard::default());
    let restored = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    draft_storage::keep(state, user_id, restored, loaded);

    let ctx = FieldContext {
        errors: Memo::new(move |_| {
            state.with(|w| {
                STEPS
                    .get(w.step)
                    .map(|(s, _)| w.draft.validate_step(*s))
                    .unwrap_or_default()
            })
        }),
        touched: RwSignal::new(HashSet::new()),
        attempted: RwSignal::new(false),
        server: RwSignal::new(Vec::new()),
    };
    provide_context(ctx);
    provide_context(state);

    // The step alone, so views that depend on it are rebuilt when it changes, not on
    // every keystroke in the draft.
    let step = Memo::new(move |_| state.with(|w| w.step));
    let not_first = move || step.get() != 0;
    let general_error = RwSignal::new(None::<AppError>);
    let submit =
        Action::new(move |(draft, key): &(NewCustomerDraft, Uuid)| super::create_customer(draft.clone(), *key));
    // Saved on this device instead of sent: the customer's name, for the notice.
    let queued = RwSignal::new(None::<String>);
    let start_over = move || {
        draft_storage::clear(user_id);
        state.set(Wizard {
            key: draft_storage::new_key(),
            ..Wizard::default()
        });
        ctx.touched.set(HashSet::new());
        ctx.server.set(Vec::new());
        ctx.attempted.set(false);
        restored.set(false);
    };
    let queue = move |(draft, key): (NewCustomerDraft, Uuid)| {
        leptos::task::spawn_local(async move {
            match offline::queue(user_id, draft, key).await {
                Ok(name) => {
                    start_over();
                    queued.set(Some(name));
                    state.update(|w| w.step = 0);
                    focus_heading();
                }
                Err(()) => general_error.set(Some(AppError::Transport {
                    message: t(k::WIZARD_QUEUED_FAILED).to_string(),
                })),
            }
        });
    };
    let reopened_notice = RwSignal::new(false);
    let reopen = Callback::new(move |r: offline::Reopened| {
        ctx.touched.set(HashSet::new());
        queued.set(None);
        general_error.set(None);
        reopened_notice.set(true);
        let mut wizard = r.wizard;
        match r.error {
            Some(AppError::Validation { fields }) => {
                wizard.step = first_step_with(&fields).unwrap_or(SUMMARY);
                ctx.server.set(fields);
                ctx.attempted.set(true);
            }
            other => {
                wizard.step = SUMMARY;
                ctx.server.set(Vec::new());
                general_error.set(other);
            }
        }
        state.set(wizard);
        focus_heading();
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Err(e)) if offline::unanswered(&e) => {
            queue(state.with_untracked(|w| (w.draft.clone(), w.key)));
        }
        Some(Ok(id)) => {
            draft_storage::clear(user_id);
            go_to(&format!("/customers/{id}"));
        }
        Some(Err(AppError::Validation { fields })) => {
            let first = first_step_with(&fields);
            ctx.server.set(fields);
            ctx.attempted.set(true);
            state.update(|w| w.step = first.unwrap_or(w.step));
        }
        Some(Err(e)) => general_error.set(Some(e)),
        None => {}
    });

    let go = move |to: usize| {
        ctx.attempted.set(false);
        general_error.set(None);
        state.update(|w| w.step = to);
        focus_heading();
    };
    let next = move || {
        let step = state.with_untracked(|w| w.step);
        if ctx.errors.with_untracked(Vec::is_empty) {
            go(step + 1);
        } else {
            ctx.attempted.set(true);
            focus_first_invalid();
        }
    };
    let create = move || {
        let (draft, key) = state.with_untracked(|w| (w.draft.clone(), w.key));
        general_error.set(None);
        queued.set(None);
        if offline::offline() {
            queue((draft, key));
        } else {
            submit.dispatch((draft, key));
        }
    };
    let discard = move |_| {
        start_over();
        queued.set(None);
        reopened_notice.set(false);
        go(0);
    };

    view! {
        <header class="page-header wizard-header">
            <h1>{t(k::WIZARD_TITLE)}</h1>
            <button type="button" class="button small" on:click=discard>{t(k::WIZARD_DISCARD)}</button>
        </header>
        <noscript><p class="form-error">{t(k::WIZARD_NOSCRIPT)}</p></noscript>
        <Show when=move || restored.get()>
            <p class="notice" role="status">{t(k::WIZARD_RESTORED)}</p>
        </Show>
        <Show when=move || reopened_notice.get()>
            <p class="notice" role="status">{t(k::WIZARD_REFUSED_REOPENED)}</p>
        </Show>
        {move || queued.get().map(|name| view! {
            <div class="notice success queued" role="status">
                <strong>{t(k::WIZARD_QUEUED_TITLE)}</strong>
                <p>{crate::i18n::text_with(locale, k::WIZARD_QUEUED_TEXT, &[("name", &name)])}</p>
            </div>
        })}
        <offline::RefusedList user=user_id open=reopen />
        <StepIndicator state=state go=Callback::new(go) />
        <form
            class="wizard card"
            novalidate=""
            on:submit=move |ev| {
                ev.prevent_default();
                if state.with_untracked(|w| w.step) == SUMMARY {
                    create()
                } else if !focus_next_field() {
                    next()
                }
            }
        >
            <h2 id="wizard-step-title" tabindex="-1">
                {move || STEPS.get(step.get()).map(|(_, key)| t(*key)).unwrap_or(t(k::WIZARD_STEP_SUMMARY))}
            </h2>
            <Show when=move || loaded.get() fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
                {move || match step.get() {
                    0 => view! { <customer_step::CustomerStep /> }.into_any(),
                    1 => view! { <contract_step::ContractStep /> }.into_any(),
                    2 => view! { <sla_step::SlaStep /> }.into_any(),
                    3 => view! { <contact_step::ContactStep /> }.into_any(),
                    _ => view! { <summary::Summary /> }.into_any(),
                }}
            </Show>
            <Show when=move || ctx.attempted.get() && !ctx.errors.with(Vec::is_empty)>
                <p class="form-error" role="alert">{t(k::WIZARD_STEP_MISSING)}</p>
            </Show>
            <p class="form-error" role="alert">{move || general_error.get().map(|e| e.message(locale))}</p>
            <div class="wizard-actions">
                <Show when=not_first>
                    <button type="button" class="button" on:click=move |_| go(state.with_untracked(|w| w.step) - 1)>
                        {t(k::WIZARD_BACK)}
                    </button>
                </Show>
                <Show when=move || state.with(|w| w.step == 1 && w.draft.contract.is_some())>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            state.update(|w| w.draft.contract = None);
                            go(2);
                        }
                    >
                        {t(k::WIZARD_SKIP_CONTRACT)}
                    </button>
                </Show>
                {move || if step.get() == SUMMARY {
                    view! {
                        <button type="submit" class="button primary" disabled=move || submit.pending().get()>
                            {t(k::WIZARD_CREATE)}
                        </button>
                    }.into_any()
                } else {
                    view! { <button type="submit" class="button primary">{t(k::WIZARD_NEXT)}</button> }.into_any()
                }}
            </div>
        </form>
    }
}

/// The four steps and the summary; a step already passed can be revisited by a click.
#[component]
fn StepIndicator(state: RwSignal<Wizard>, go: Callback<usize>) -> impl IntoView {
    let labels: Vec<Key> = STEPS
        .iter()
        .map(|(_, key)| *key)
        .chain([k::WIZARD_STEP_SUMMARY])
        .collect();
    view! {
        <nav aria-label=t(k::WIZARD_PROGRESS)>
            <ol class="steps">
                {labels
                    .into_iter()
                    .enumerate()
                    .map(|(i, key)| {
                        let current = move || state.with(|w| w.step == i);
                        let done = move || state.with(|w| w.step > i);
                        view! {
                            <li class:current=current class:done=done aria-current=move || current().then_some("step")>
                                <button type="button" class="step" disabled=move || !done() on:click=move |_| go.run(i)>
                                    <span class="step-number" aria-hidden="true">{i + 1}</span>
                                    {t(key)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// A "Show more" section, remembered in the draft.
#[component]
pub fn ShowMore(section: &'static str, children: ChildrenFn) -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let open = move || state.with(|w| w.more.contains(section));
    let toggle = move |_| {
        state.update(|w| {
            if !w.more.remove(section) {
                w.more.insert(section.to_string());
            }
        })
    };
    view! {
        <button type="button" class="link-button" aria-expanded=move || open().to_string() on:click=toggle>
            {move || if open() { t(k::WIZARD_SHOW_LESS) } else { t(k::WIZARD_SHOW_MORE) }}
        </button>
        <Show when=open>
            <div class="more">{children()}</div>
        </Show>
    }
}

fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Moves focus to the step's heading, so keyboard and screen-reader users start at the top.
fn focus_heading() {
    focus_selector("#wizard-step-title");
}

/// Enter in a field moves to the next field of the step; in the last one, to the next step.
/// Returns whether it moved to a field.
fn focus_next_field() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        let Some(active) = doc.active_element() else {
            return false;
        };
        let Ok(fields) =
            doc.query_selector_all("form.wizard input:not([type=hidden]):not([disabled]), form.wizard select")
        else {
            return false;
        };
        let fields: Vec<web_sys::HtmlElement> = (0..fields.length())
            .filter_map(|i| fields.item(i))
            .filter_map(|n| n.dyn_into().ok())
            .collect();
        let current = fields.iter().position(|f| {
            let node: &web_sys::Node = f.as_ref();
            let active: &web_sys::Node = active.as_ref();
            node.is_same_node(Some(active))
        });
        if let Some(next) = current.and_then(|i| fields.get(i + 1)) {
            let _ = next.focus();
            return true;
        }
        false
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

use crate::forms::focus_selector;

fn focus_first_invalid() {
    focus_selector("form.wizard [aria-invalid=\"true\"]");
}

/// The label of a stored choice value, e.g. `("billing_cycle", "monthly")` → "Monthly".
pub fn choice_label(group: &str, value: &str) -> &'static str {
    t(contract_step::choice_key(group, value))
}
