//! The phone and postal-code tables (`domain::rules`) in the browser: fetched once from
//! `/rules/{version}.tsv` while a page with such fields loads its code, so the browser checks
//! with the same data as the server. The service worker precaches the file, so this also
//! works offline, and is near-instant after the first visit. Input checked before the tables
//! arrive gets the lenient verdict; the wizard checks each step again when it is left, and
//! the server decides on submit. On the server the tables are compiled in and this does
//! nothing.

/// Starts [`ensure`] without waiting for it (from a route's `data`).
pub fn prefetch() {
    #[cfg(feature = "hydrate")]
    if !domain::rules::installed() {
        leptos::task::spawn_local(ensure());
    }
}

/// Fetches and installs the tables unless they are there. If the fetch fails, the checks
/// that need them stay lenient in the browser, and the server decides on submit.
pub async fn ensure() {
    #[cfg(feature = "hydrate")]
    if !domain::rules::installed() {
        match fetch_text(&format!("/rules/{}.tsv", domain::rules::VERSION)).await {
            Some(text) => {
                if let Err(e) = domain::rules::install(&text) {
                    leptos::logging::warn!("reference tables: {e}");
                }
            }
            None => leptos::logging::warn!("reference tables could not be fetched"),
        }
    }
}

#[cfg(feature = "hydrate")]
async fn fetch_text(url: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let response = JsFuture::from(web_sys::window()?.fetch_with_str(url)).await.ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}
