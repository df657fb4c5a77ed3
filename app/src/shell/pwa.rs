//! The installable app from the WASM's side: the outbox of submissions made offline and
//! the service worker's page cache, both kept by `public/pwa.js` (`window.onboardOutbox`),
//! which every page loads before the WASM. The texts it shows come from the page head
//! ([`PwaTexts`]), so they are in the user's language.

use serde::{Deserialize, Serialize};

use crate::i18n::{k, text};
use domain::Locale;

/// The texts `pwa.js` shows, written into the page head as JSON.
#[derive(Debug, Serialize)]
pub struct PwaTexts {
    pub waiting_one: &'static str,
    pub waiting_many: &'static str,
    pub refused: &'static str,
    pub update: &'static str,
    pub reload: &'static str,
}

impl PwaTexts {
    pub fn new(locale: Locale) -> Self {
        PwaTexts {
            waiting_one: text(locale, k::PWA_WAITING_ONE),
            waiting_many: text(locale, k::PWA_WAITING_MANY),
            refused: text(locale, k::PWA_REFUSED),
            update: text(locale, k::PWA_UPDATE),
            reload: text(locale, k::PWA_RELOAD),
        }
    }

    /// As JSON that is safe inside `<script type="application/json">`.
    pub fn json(&self) -> String {
        crate::i18n::script_json(self)
    }
}

/// A submission the server refused on replay, as the outbox keeps it.
#[derive(Debug, Clone, Deserialize)]
pub struct RefusedEntry {
    pub key: String,
    pub body: String,
    pub label: String,
    /// The server's JSON error body (`{"error":"validation","fields":[…]}` …).
    pub errors: Option<serde_json::Value>,
}

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(catch, js_namespace = onboardOutbox, js_name = add)]
        pub fn add(user: &str, key: &str, url: &str, body: &str, label: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_namespace = onboardOutbox, js_name = refused)]
        pub fn refused(user: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_namespace = onboardOutbox, js_name = remove)]
        pub fn remove(key: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_namespace = onboardOutbox, js_name = setUser)]
        pub fn set_user(user: Option<String>) -> Result<(), JsValue>;
        #[wasm_bindgen(catch, js_namespace = onboardOutbox, js_name = keepForOffline)]
        pub fn keep_for_offline(path: &str) -> Result<(), JsValue>;
    }
}

/// Tells the outbox who is signed in (it sends and counts only their submissions).
pub fn set_user(user: Option<uuid::Uuid>) {
    #[cfg(feature = "hydrate")]
    let _ = js::set_user(user.map(|u| u.to_string()));
    #[cfg(not(feature = "hydrate"))]
    let _ = user;
}

/// Asks the service worker to keep `path` for offline use.
pub fn keep_for_offline(path: &str) {
    #[cfg(feature = "hydrate")]
    let _ = js::keep_for_offline(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Whether the browser believes it is online (always true on the server).
pub fn online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// Puts a submission into the outbox; `Err` when the browser has no outbox (no IndexedDB,
/// `pwa.js` not loaded).
pub async fn queue(user: uuid::Uuid, key: uuid::Uuid, url: &str, body: &str, label: &str) -> Result<(), ()> {
    #[cfg(feature = "hydrate")]
    {
        let promise = js::add(&user.to_string(), &key.to_string(), url, body, label).map_err(|_| ())?;
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map(|_| ())
            .map_err(|_| ())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (user, key, url, body, label);
        Err(())
    }
}

/// The user's submissions the server refused.
pub async fn refused(user: uuid::Uuid) -> Vec<RefusedEntry> {
    #[cfg(feature = "hydrate")]
    {
        let Ok(promise) = js::refused(&user.to_string()) else {
            return Vec::new();
        };
        let Ok(value) = wasm_bindgen_futures::JsFuture::from(promise).await else {
            return Vec::new();
        };
        js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = user;
        Vec::new()
    }
}

/// Takes a submission out of the outbox (the wizard reopened it as a draft).
pub async fn remove(key: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(promise) = js::remove(key) {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}
