//! Form helpers shared by every feature: an input bound to a domain parser.
//!
//! The browser runs the same `domain` parse function the server runs again before it
//! writes, so both give the same verdict with the same message code.

pub mod address;
pub mod draft;
pub mod local_draft;
pub mod reference_tables;

use leptos::prelude::*;

use crate::error::{AppError, FieldProblem};
use crate::i18n::{Key, t, use_locale};

/// A fresh idempotency key for a submission, from the browser's crypto; nil where there
/// is none (during server rendering, where nothing is submitted).
pub fn new_idempotency_key() -> uuid::Uuid {
    #[cfg(feature = "hydrate")]
    if let Some(uuid) = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.random_uuid().parse().ok())
    {
        return uuid;
    }
    uuid::Uuid::nil()
}

/// A check for one field: `Ok` or the problem, as the domain crate reports it.
pub type Check = fn(&str) -> Result<(), FieldProblem>;

/// `check` built from a domain `parse` function.
#[macro_export]
macro_rules! check_with {
    ($parse:expr) => {
        |s: &str| $parse(s).map(|_| ()).map_err($crate::error::FieldProblem::from)
    };
}

/// The problem `check` reports for `value`, if any.
pub fn local_problem(check: Check, value: &str) -> Option<FieldProblem> {
    check(value).err()
}

/// An input bound to a parser. The message shows as the user types, but only once the
/// field has been left the first time (no error while the first characters go in); the
/// server's verdict for the same field shows in the same place until the value changes.
/// Without JavaScript it is a plain input and the server's message still shows.
#[component]
pub fn ValidatedField(
    /// The form field name; also the element id (prefixed with `form_id`).
    name: &'static str,
    form_id: &'static str,
    label: Key,
    value: RwSignal<String>,
    check: Check,
    #[prop(into, optional)] server_error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<Key>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    /// Set when the user tries to submit: every field then shows its problem.
    #[prop(into, optional)]
    show_all: Signal<bool>,
) -> impl IntoView {
    let locale = use_locale();
    let id = format!("{form_id}-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let touched = RwSignal::new(false);
    // The server's problem is about the value that was sent; typing makes it stale.
    let edited_since_server = RwSignal::new(false);
    Effect::new(move |_| {
        server_error.track();
        edited_since_server.set(false);
    });
    let message = Memo::new(move |_| {
        let local = (touched.get() || show_all.get())
            .then(|| local_problem(check, &value.read()))
            .flatten();
        let remote = (!edited_since_server.get())
            .then(|| server_error.get().and_then(|e| e.field(name).cloned()))
            .flatten();
        local.or(remote).map(|p| p.message(locale))
    });
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            if hint.is_some() {
                format!("{hint_id} {error_id}")
            } else {
                error_id.clone()
            }
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            <input
                id=id.clone()
                name=name
                type=input_type
                autocomplete=autocomplete
                required=required
                value=move || value.get()
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=described_by
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    edited_since_server.set(true);
                }
                on:blur=move |_| touched.set(true)
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(h)}</p> })}
            <p class="field-error" id=error_id aria-live="polite">
                {move || message.get()}
            </p>
        </div>
    }
}

/// Moves focus to the first element matching `selector` after the next frame (a step's
/// heading, the first invalid field), so keyboard and screen-reader users follow the form.
pub fn focus_selector(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let selector = selector.to_string();
        request_animation_frame(move || {
            if let Some(el) = document().query_selector(&selector).ok().flatten()
                && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_built_from_a_domain_parser_gives_the_domain_code() {
        let check: Check = check_with!(domain::Email::parse);
        assert!(local_problem(check, "ada@example.com").is_none());
        let p = local_problem(check, "ada").expect("invalid");
        assert_eq!(p.code, "email.format");
        assert_eq!(local_problem(check, "ada@").expect("invalid").code, "email.domain");
        assert_eq!(p.field, "");
    }
}
