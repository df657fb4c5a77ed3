//! Step 3: billing info, only for the chosen customers that lack it — each one's form in
//! turn (the customer page's own billing form), or "Skip this customer", which leaves it
//! out of this run. A skipped customer can be taken in again here.

use leptos::prelude::*;

use super::{Step, Wizard};
use crate::customers::get_customer;
use crate::i18n::{k, t, text_with, use_locale};
use crate::ui::billing_gate::CustomerBillingForm;

/// Whether any included customer still lacks billing info.
pub(super) fn any_pending(w: Wizard) -> bool {
    w.state
        .with_untracked(|s| s.chosen.iter().any(|c| c.included() && !c.billing_complete))
}

#[component]
pub(super) fn BillingStep(w: Wizard) -> impl IntoView {
    let locale = use_locale();
    let pending = Memo::new(move |_| {
        w.state.with(|s| {
            s.chosen
                .iter()
                .find(|c| c.included() && !c.billing_complete)
                .map(|c| (c.id, c.name.clone()))
        })
    });
    let remaining = Memo::new(move |_| {
        w.state
            .with(|s| s.chosen.iter().filter(|c| c.included() && !c.billing_complete).count())
    });
    let generation = RwSignal::new(0u32);
    let customer = LocalResource::new(move || {
        let id = pending.get().map(|(id, _)| id);
        generation.track();
        async move {
            match id {
                Some(id) => get_customer(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    // Saved: complete now? (An incomplete save is allowed; the form then stays.)
    let saved = Callback::new(move |()| {
        let Some((id, _)) = pending.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match get_customer(id).await {
                Ok(c) if c.billing_gaps.is_empty() => w.state.update(|s| {
                    if let Some(c) = s.chosen.iter_mut().find(|c| c.id == id) {
                        c.billing_complete = true;
                    }
                }),
                _ => generation.update(|g| *g += 1),
            }
        });
    });
    let skip = move |_| {
        if let Some((id, _)) = pending.get_untracked() {
            w.state.update(|s| {
                if let Some(c) = s.chosen.iter_mut().find(|c| c.id == id) {
                    c.skipped = true;
                }
            });
        }
    };
    let heading = move || {
        pending.get().map(|(_, name)| {
            let left = remaining.get().to_string();
            text_with(locale, k::BULK_BILLING_FOR, &[("customer", &name), ("count", &left)])
        })
    };
    let skipped = move || {
        w.state.with(|s| {
            s.chosen
                .iter()
                .filter(|c| c.skipped)
                .map(|c| {
                    let id = c.id;
                    view! {
                        <li>
                            {c.name.clone()} " "
                            <button type="button" class="button small" on:click=move |_| w.state.update(|s| {
                                if let Some(c) = s.chosen.iter_mut().find(|c| c.id == id) { c.skipped = false; }
                            })>{t(k::BULK_INCLUDE_AGAIN)}</button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let any_included = move || w.state.with(|s| s.included().next().is_some());
    view! {
        <section class="card" aria-labelledby="bulk-step-title">
            <h2 id="bulk-step-title" tabindex="-1">{t(k::BULK_STEP_BILLING)}</h2>
            {move || match heading() {
                Some(h) => view! {
                    <p class="notice warn" id="bulk-billing-for">{h}</p>
                    <CustomerBillingForm detail=customer on_saved=saved generation=generation />
                    <div class="actions">
                        <button type="button" class="button" id="bulk-skip" on:click=skip>{t(k::BULK_SKIP)}</button>
                    </div>
                }.into_any(),
                None => view! { <p class="notice ok" id="bulk-billing-ok">{t(k::BULK_BILLING_ALL_OK)}</p> }.into_any(),
            }}
            <ul class="chips" id="bulk-skipped">{skipped}</ul>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| w.go(Step::Terms)>{t(k::WIZARD_BACK)}</button>
                <button type="button" class="button primary" id="bulk-next"
                    disabled=move || pending.with(Option::is_some) || !any_included()
                    on:click=move |_| w.go(Step::Parts)>{t(k::WIZARD_NEXT)}</button>
            </div>
        </section>
    }
}
