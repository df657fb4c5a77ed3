//! Step 2: the contract (optional: "Skip" leaves it for later), in the shared contract
//! editor (`crate::contracts::editor`): the name and the parts first, the header behind
//! "Show more".

use domain::ContractDraft;
use leptos::prelude::*;

use super::fields::{Field, lens};
use super::{ShowMore, Wizard};
use crate::contracts::editor::{ContractAccess, ContractHeaderFields, ContractParts, new_part};
use crate::i18n::{k, t};

#[component]
pub fn ContractStep() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    if state.with_untracked(|w| w.draft.contract.is_none()) {
        let today = chrono::Local::now().date_naive();
        state.update(|w| {
            w.draft.contract = Some(ContractDraft {
                parts: vec![new_part()],
                ..ContractDraft::starting(today)
            })
        });
    }
    let access = ContractAccess {
        state,
        get: |w: &Wizard| w.draft.contract.as_ref(),
        set: |w: &mut Wizard| w.draft.contract.as_mut(),
        path: "contract",
    };
    view! {
        <p class="hint">{t(k::CONTRACT_INTRO)}</p>
        <Field path="contract.name" label=k::CONTRACT_NAME required=true
            lens=lens(state, |d| d.contract.as_ref().map(|c| &c.name), |d| d.contract.as_mut().map(|c| &mut c.name)) />
        <ContractParts access=access />
        <ShowMore section="contract">
            <ContractHeaderFields access=access />
        </ShowMore>
    }
}

pub use crate::i18n::choice_key;
