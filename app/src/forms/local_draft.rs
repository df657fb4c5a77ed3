//! A form's draft in localStorage, per user and form: restored once the page runs in the
//! browser, saved on every change and when the page goes away (`pagehide`), removed after
//! a successful submit. gloo-storage panics during SSR, so every call sits in a
//! browser-only effect.

use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

/// Keeps `state` under `key`. `restored` turns true when a saved draft replaced the
/// initial state; `loaded` when the storage has been read (saving starts only then, so
/// the initial state never overwrites a draft before it is read).
pub fn keep<T>(key: String, state: RwSignal<T>, restored: RwSignal<bool>, loaded: RwSignal<bool>)
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        let k2 = key.clone();
        Effect::new(move |_| {
            if let Ok(saved) = gloo_storage::LocalStorage::get::<T>(&k2) {
                state.set(saved);
                restored.set(true);
            }
            loaded.set(true);
        });
        let save = std::sync::Arc::new(move |v: &T| {
            if loaded.get_untracked() {
                let _ = gloo_storage::LocalStorage::set(&key, v);
            }
        });
        let s2 = save.clone();
        Effect::new(move |_| state.with(|v| s2(v)));
        let listener = window_event_listener(leptos::ev::pagehide, move |_| state.with_untracked(|v| save(v)));
        on_cleanup(move || listener.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, state, restored, loaded);
}

/// Forgets the draft under `key`.
pub fn clear(key: &str) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::delete(key);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}
