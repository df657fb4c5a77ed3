//! `/offline`: what the service worker shows for a page it has not kept when the network
//! is gone. Public and free of personal data (the worker fetches it without the session
//! cookie). It is shown under the address of the page that was asked for, which the router
//! would render differently, so the WASM does not hydrate it (`frontend::hydrate` looks for
//! [`OFFLINE_MARKER`]); its links are plain links.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{k, t};

/// The id of the offline page's `<main>`.
pub const OFFLINE_MARKER: &str = "offline-fallback";

#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <Title text=t(k::OFFLINE_TITLE) />
        <main id=OFFLINE_MARKER class="page offline-page">
            <section class="empty-state">
                <h1>{t(k::OFFLINE_TITLE)}</h1>
                <p>{t(k::OFFLINE_TEXT)}</p>
                <p>{t(k::OFFLINE_WIZARD)}</p>
                <p class="actions">
                    <a class="button primary" href="/customers/new" rel="external">{t(k::OFFLINE_OPEN_WIZARD)}</a>
                    " "
                    // The worker answers for the page that was asked for: an empty link loads it again.
                    <a class="button" href="" rel="external">{t(k::OFFLINE_RETRY)}</a>
                </p>
            </section>
        </main>
    }
}
