//! Small form helpers shared by every feature.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_locale;

/// The server's message for one field (from an `AppError::Validation`), announced to
/// screen readers when it appears. Render it right after the field's input.
#[component]
pub fn FieldMessage(#[prop(into)] error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let locale = use_locale();
    let message = move || error.get().and_then(|e| e.field(field).map(|p| p.message(locale)));
    view! {
        <p class="field-error" id=format!("{field}-error") aria-live="polite">
            {message}
        </p>
    }
}
