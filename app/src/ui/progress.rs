//! A labelled progress bar with its percentage (the import's stages, the contract wizard's
//! submit). `share` is 0.0–1.0.

use leptos::prelude::*;

use crate::i18n::{Key, t};

#[component]
pub fn ProgressBar(
    label: Key,
    share: f64,
    /// The label's id, which the bar names as its label.
    #[prop(default = "progress-label")]
    id: &'static str,
) -> impl IntoView {
    let percent = (share.clamp(0.0, 1.0) * 100.0).round() as u32;
    view! {
        <div class="progress-block">
            <span id=id>{t(label)}</span>
            <progress aria-labelledby=id max="100" value=percent.to_string()></progress>
            <span class="progress-figure">{format!("{percent} %")}</span>
        </div>
    }
}
