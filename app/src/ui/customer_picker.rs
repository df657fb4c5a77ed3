//! Choosing a customer by typing part of its name, domain or contact: the customer list's
//! own server-side search, so it stays fast at 100,000 customers and a restricted staff
//! member is offered only their accounts.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::customers::list::{ListQuery, list_customers};
use crate::i18n::{Key, k, t};

/// The chosen customer, with what the picker shows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickedCustomer {
    pub id: Uuid,
    pub name: String,
    pub billing_complete: bool,
}

/// Opened for one customer (`?customer=` from its page): once the form's draft has been
/// read (`loaded`) and chose none, that customer is picked.
pub fn preset_customer(loaded: RwSignal<bool>, picked: RwSignal<Option<PickedCustomer>>, preset: Option<Uuid>) {
    Effect::new(move |_| {
        if let (true, Some(id)) = (loaded.get(), preset)
            && picked.get_untracked().is_none()
        {
            leptos::task::spawn_local(async move {
                if let Ok(c) = crate::customers::get_customer(id).await {
                    picked.set(Some(PickedCustomer {
                        id: c.id,
                        name: c.name,
                        billing_complete: c.billing_gaps.is_empty(),
                    }));
                }
            });
        }
    });
}

/// How many matches are offered.
const MATCHES: usize = 8;

#[component]
pub fn CustomerPicker(
    /// The input's id (its label points at it).
    #[prop(into)]
    id: String,
    label: Key,
    value: RwSignal<Option<PickedCustomer>>,
    /// A field error to show under it.
    #[prop(into, optional)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let matches = LocalResource::new(move || {
        let q = text.get();
        async move {
            if q.trim().is_empty() {
                return Ok(Vec::new());
            }
            let query = ListQuery {
                q,
                ..ListQuery::default()
            };
            list_customers(query).await.map(|p| {
                p.rows
                    .into_iter()
                    .take(MATCHES)
                    .map(|r| PickedCustomer {
                        id: r.id,
                        name: r.name,
                        billing_complete: r.billing_complete,
                    })
                    .collect::<Vec<_>>()
            })
        }
    });
    let list_id = format!("{id}-matches");
    let error_id = format!("{id}-error");
    let input_id = id.clone();
    view! {
        <div class="field customer-picker">
            <label for=id.clone()>{t(label)}</label>
            {move || match value.get() {
                Some(c) => view! {
                    <div class="picked">
                        <strong data-picked=c.id.to_string()>{c.name.clone()}</strong>
                        {(!c.billing_complete).then(|| view! {
                            " " <span class="badge warn">{t(k::BILLING_MISSING)}</span>
                        })}
                        " "
                        <button type="button" class="button small"
                            on:click=move |_| value.set(None)>{t(k::PICKER_CHANGE)}</button>
                    </div>
                }.into_any(),
                None => {
                    let list_id = list_id.clone();
                    view! {
                        <input id=input_id.clone() type="search" autocomplete="off" role="combobox"
                            aria-expanded=move || matches.get().is_some_and(|r| r.is_ok_and(|m| !m.is_empty())).to_string()
                            aria-controls=list_id.clone() aria-describedby=error_id.clone()
                            placeholder=t(k::PICKER_PLACEHOLDER)
                            prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev)) />
                        <ul class="picker-matches" id=list_id role="listbox">
                            {move || matches.get().map(|r| match r {
                                Ok(list) if list.is_empty() && !text.with(|q| q.trim().is_empty()) => view! {
                                    <li class="muted">{t(k::LIST_NO_MATCH)}</li>
                                }.into_any(),
                                Ok(list) => list.into_iter().map(|c| {
                                    let pick = c.clone();
                                    view! {
                                        <li role="option">
                                            <button type="button" class="link-button" on:click=move |_| {
                                                value.set(Some(pick.clone()));
                                                text.set(String::new());
                                            }>{c.name.clone()}</button>
                                            {(!c.billing_complete).then(|| view! {
                                                " " <span class="badge warn">{t(k::BILLING_MISSING)}</span>
                                            })}
                                        </li>
                                    }
                                }).collect_view().into_any(),
                                Err(e) => view! { <li><super::ErrorNotice error=e /></li> }.into_any(),
                            })}
                        </ul>
                    }.into_any()
                }
            }}
            <p class="field-error" id=format!("{id}-error") role="alert">{move || error.get()}</p>
        </div>
    }
}
