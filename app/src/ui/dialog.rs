//! The modal dialog: the browser's own `<dialog>` opened with `showModal()`, so focus
//! stays inside, Escape closes it and the page behind is inert without any script of ours.

use leptos::prelude::*;

use crate::i18n::{k, t};

/// Shown while `open` is true; `on_close` runs for the close button and Escape (the
/// owner decides what closing means, e.g. cancelling a pending action).
#[component]
pub fn Dialog(
    /// The element id; the title gets `{id}-title`.
    #[prop(into)]
    id: String,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] open: Signal<bool>,
    on_close: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let want = open.get();
        if let Some(d) = node.get() {
            if want && !d.open() {
                let _ = d.show_modal();
            } else if !want && d.open() {
                d.close();
            }
        }
    });
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <dialog node_ref=node id=id class="dialog" aria-labelledby=labelled_by
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); on_close.run(()); }>
            <header class="dialog-header">
                <h2 id=title_id>{move || title.get()}</h2>
                <button type="button" class="button small" aria-label=t(k::COMMON_CLOSE)
                    on:click=move |_| on_close.run(())>"×"</button>
            </header>
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}
