//! Inputs bound to one string of a form's draft (the wizard, the customer page's editors),
//! validated by the shared domain code.
//!
//! A form's errors come from the draft's `validate`, the same function the server runs
//! before it writes, so a field shows exactly what the server would say.

use std::collections::HashSet;
use std::sync::Arc;

use domain::FieldError;
use leptos::prelude::*;

use crate::error::FieldProblem;
use crate::i18n::{Key, t, use_locale};

/// A getter and a setter for one string of a form's state. The getter returns `None`
/// when the string no longer exists (a removed list row), so nothing panics meanwhile.
///
/// Plain closures over the form's state signal, not reactive arena items: a field's
/// last effects may run while its step is being swapped out, and must not find a
/// disposed getter then.
#[derive(Clone)]
pub struct Lens {
    get: Arc<dyn Fn() -> String + Send + Sync>,
    set: Arc<dyn Fn(String) + Send + Sync>,
}

impl Lens {
    pub fn get(&self) -> String {
        (self.get)()
    }

    pub fn set(&self, value: String) {
        (self.set)(value)
    }
}

/// A lens on `state` through `get`/`set`; `None` means the string does not exist (anymore).
pub fn lens<S: Send + Sync + 'static>(
    state: RwSignal<S>,
    get: impl Fn(&S) -> Option<&String> + Send + Sync + 'static,
    set: impl Fn(&mut S) -> Option<&mut String> + Send + Sync + 'static,
) -> Lens {
    Lens {
        get: Arc::new(move || state.try_with(|s| get(s).cloned()).flatten().unwrap_or_default()),
        set: Arc::new(move |value: String| {
            state.update(|s| {
                if let Some(slot) = set(s) {
                    *slot = value;
                }
            })
        }),
    }
}

/// A lens on a string that always exists in `state`.
pub fn field_lens<S: Send + Sync + 'static>(
    state: RwSignal<S>,
    get: fn(&S) -> &String,
    set: fn(&mut S) -> &mut String,
) -> Lens {
    lens(state, move |s| Some(get(s)), move |s| Some(set(s)))
}

/// What every field of a form reads: the form's errors, which fields were left, whether
/// the user tried to continue, and the server's verdict after a submit.
#[derive(Clone, Copy)]
pub struct FieldContext {
    pub errors: Memo<Vec<FieldError>>,
    pub touched: RwSignal<HashSet<String>>,
    pub attempted: RwSignal<bool>,
    pub server: RwSignal<Vec<FieldProblem>>,
}

impl FieldContext {
    /// A fresh context over `errors` (nothing touched, nothing attempted yet).
    pub fn new(errors: Memo<Vec<FieldError>>) -> Self {
        FieldContext {
            errors,
            touched: RwSignal::new(HashSet::new()),
            attempted: RwSignal::new(false),
            server: RwSignal::new(Vec::new()),
        }
    }

    /// Shows every error from now on (the user tried to save) and the server's verdict.
    pub fn show_all(&self, server: Vec<FieldProblem>) {
        self.attempted.set(true);
        self.server.set(server);
    }

    /// The message for `path`, in the user's language, when it should show.
    pub fn message(&self, path: &str) -> Option<String> {
        let locale = use_locale();
        let local = (self.attempted.get() || self.touched.with(|t| t.contains(path)))
            .then(|| self.errors.with(|e| e.iter().find(|e| e.field == path).cloned()))
            .flatten()
            .map(|e| FieldProblem::from(e).message(locale));
        local.or_else(|| {
            self.server
                .with(|s| s.iter().find(|p| p.field == path).map(|p| p.message(locale)))
        })
    }

    fn edited(&self, path: &str) {
        self.server.update(|s| s.retain(|p| p.field != path));
    }

    fn left(&self, path: &str) {
        if !self.touched.with(|t| t.contains(path)) {
            self.touched.update(|t| {
                t.insert(path.to_string());
            });
        }
    }
}

/// `contract.parts[1].rate` → `f-contract-parts-1-rate`, a valid element id.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        id.push(if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' });
    }
    id.replace("--", "-").trim_end_matches('-').to_string()
}

#[component]
pub fn Field(
    #[prop(into)] path: String,
    label: Key,
    lens: Lens,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<Key>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let ctx = expect_context::<FieldContext>();
    let id = field_id(&path);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = {
        let path = path.clone();
        Memo::new(move |_| ctx.message(&path))
    };
    let described = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    let (p1, p2) = (path.clone(), path);
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)} {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            <input
                id=id
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-required=required.to_string()
                prop:value={
                    let lens = lens.clone();
                    move || lens.get()
                }
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=described
                on:input=move |ev| {
                    lens.set(event_target_value(&ev));
                    ctx.edited(&p1);
                }
                on:blur=move |_| ctx.left(&p2)
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{t(h)}</p> })}
            <p class="field-error" id=error_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

/// A `<select>` over a choice type's values, labelled in the user's language.
#[component]
pub fn Choice(
    #[prop(into)] path: String,
    label: Key,
    lens: Lens,
    /// `(stored value, label key)`
    options: Vec<(&'static str, Key)>,
) -> impl IntoView {
    let ctx = expect_context::<FieldContext>();
    let id = field_id(&path);
    let error_id = format!("{id}-error");
    let message = {
        let path = path.clone();
        Memo::new(move |_| ctx.message(&path))
    };
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            <select
                id=id
                aria-describedby=error_id.clone()
                aria-invalid=move || message.get().is_some().to_string()
                on:change={
                    let lens = lens.clone();
                    move |ev| {
                        lens.set(event_target_value(&ev));
                        ctx.edited(&path);
                    }
                }
            >
                {options
                    .into_iter()
                    .map(|(value, key)| {
                        let lens = lens.clone();
                        view! {
                            <option value=value selected=move || lens.get() == value>
                                {t(key)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=error_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn field_ids_are_valid() {
        assert_eq!(super::field_id("contract.parts[1].rate"), "f-contract-parts-1-rate");
        assert_eq!(super::field_id("customer.name"), "f-customer-name");
    }
}
