//! The WASM entry point: hydrates the server-rendered page.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The service worker's offline page stands in for another page's address: the router
    // would render that page, so it stays as the server rendered it.
    let offline_fallback = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(app::shell::OFFLINE_MARKER))
        .is_some();
    if offline_fallback {
        return;
    }
    // Lazy: a page whose code is in a split-off chunk (`app::routes`) loads it first, then
    // hydrates.
    leptos::mount::hydrate_lazy(app::App);
}

/// Validates one wizard step of a new-customer draft (JSON) `repeat` times with the shared
/// domain code, as the browser does while the user types, and returns the number of
/// problems found. Exported so the end-to-end suite can time the validation inside the
/// real browser; the validation itself sits in a lazily loaded chunk, as in the wizard.
#[wasm_bindgen]
pub async fn validate_new_customer_step(draft_json: String, step: String, repeat: u32) -> Result<u32, JsError> {
    validate_step_repeatedly(draft_json, step, repeat)
        .await
        .map_err(|e| JsError::new(&e))
}

#[leptos::lazy]
fn validate_step_repeatedly(draft_json: String, step: String, repeat: u32) -> Result<u32, String> {
    let draft: domain::NewCustomerDraft = serde_json::from_str(&draft_json).map_err(|e| e.to_string())?;
    let step = domain::WizardStep::parse(&step).map_err(|e| e.code.as_str().to_string())?;
    let mut problems = 0;
    for _ in 0..repeat.max(1) {
        problems = draft.validate_step(step).len() as u32;
    }
    Ok(problems)
}

/// Checks reference vectors (`domain/tests/vectors/*.jsonl`, as a JSON array of
/// `{kind, input, country}`) with the shared domain code, after fetching the phone and
/// postal-code tables as the forms do, and returns the verdicts as JSON. Exported so the
/// end-to-end suite can show that the browser's verdicts are the server's.
#[wasm_bindgen]
pub async fn identifier_verdicts(vectors_json: String) -> Result<String, JsError> {
    app::forms::reference_tables::ensure().await;
    check_vectors(vectors_json).await.map_err(|e| JsError::new(&e))
}

#[derive(serde::Deserialize)]
struct Vector {
    kind: String,
    input: String,
    country: Option<String>,
}

#[leptos::lazy]
fn check_vectors(vectors_json: String) -> Result<String, String> {
    let vectors: Vec<Vector> = serde_json::from_str(&vectors_json).map_err(|e| e.to_string())?;
    let verdicts: Vec<domain::check::Verdict> = vectors
        .iter()
        .map(|v| domain::check::check(&v.kind, &v.input, v.country.as_deref()))
        .collect();
    serde_json::to_string(&verdicts).map_err(|e| e.to_string())
}

/// Room for the WASM splitter (see docs/ARCHITECTURE.md, "The splitter's slack"). The
/// splitter lays every chunk's read-only data out anew inside the input's data segment;
/// when the new layout is longer than the segment (padding, strings shared by chunks),
/// it gives up and keeps the *whole* segment — every lazy page's strings — in the main
/// module. These bytes are referenced by no code, so no module receives them: the linker
/// keeps them (`#[used]`), the splitter drops them and its layout gains their length.
#[used]
static SPLITTER_SLACK: [u8; 32768] = [0xA5; 32768];
