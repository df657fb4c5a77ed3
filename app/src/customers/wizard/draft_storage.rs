//! The draft in localStorage, one per user per browser. gloo-storage panics during SSR,
//! so every call sits in a browser-only effect.

#[cfg(feature = "hydrate")]
use domain::NewCustomerDraft;
use leptos::prelude::*;
use uuid::Uuid;

use super::Wizard;

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn storage_key(user: Uuid) -> String {
    format!("onboard.new-customer-draft.{user}")
}

pub use crate::forms::new_idempotency_key as new_key;

/// Restores the user's draft once the page runs in the browser, then saves every change.
pub fn keep(state: RwSignal<Wizard>, user: Uuid, restored: RwSignal<bool>, loaded: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        Effect::new(move |_| {
            let saved: Option<Wizard> = gloo_storage::LocalStorage::get(storage_key(user)).ok();
            match saved {
                Some(w) if w.key != Uuid::nil() => {
                    restored.set(w.draft != NewCustomerDraft::default() || w.step > 0);
                    state.set(w);
                }
                _ => state.update(|w| w.key = new_key()),
            }
            loaded.set(true);
        });
        let save = move |w: &Wizard| {
            if loaded.get_untracked() && w.key != Uuid::nil() {
                let _ = gloo_storage::LocalStorage::set(storage_key(user), w);
            }
        };
        Effect::new(move |_| state.with(save));
        // A reload or a closed tab right after a keystroke: save before the page goes.
        let listener = window_event_listener(leptos::ev::pagehide, move |_| state.with_untracked(save));
        on_cleanup(move || listener.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, user, restored, loaded);
}

pub fn clear(user: Uuid) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::delete(storage_key(user));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = user;
}
