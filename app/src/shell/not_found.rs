use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{k, t};

/// The 404 page (with a real 404 status when rendered on the server).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(k::ERRORS_NOT_FOUND_TITLE) />
        <section class="empty-state">
            <h1>{t(k::ERRORS_NOT_FOUND_TITLE)}</h1>
            <p>{t(k::ERRORS_NOT_FOUND_TEXT)}</p>
            <a class="button primary" href="/">{t(k::ERRORS_BACK_HOME)}</a>
        </section>
    }
}
