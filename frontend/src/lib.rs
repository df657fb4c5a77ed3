//! The WASM entry point: hydrates the server-rendered page.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

/// Validates one wizard step of a new-customer draft (JSON) with the shared domain code,
/// as the browser does while the user types, and returns the number of problems found.
/// Exported so the end-to-end suite can time the validation inside the real browser.
#[wasm_bindgen]
pub fn validate_new_customer_step(draft_json: &str, step: &str) -> Result<u32, JsError> {
    let draft: domain::NewCustomerDraft = serde_json::from_str(draft_json)?;
    let step = domain::WizardStep::parse(step).map_err(|e| JsError::new(e.code.as_str()))?;
    Ok(draft.validate_step(step).len() as u32)
}
