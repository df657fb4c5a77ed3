//! Step 1: the customers. The customer list's own server-side search and filters ("only
//! customers without a contract" preselected; "uses services" too when opened from the
//! banner, so the list is the banner's customers), paged by keyset, chosen by checkbox
//! across pages and searches.

use domain::ContractDraft;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::{Chosen, Step, Wizard};
use crate::customers::list::{CustomerRow, ListQuery, list_customers};
use crate::i18n::{k, t, text_with, use_locale};
use crate::ui::{DataTable, EmptyState, ErrorNotice, Loading, Th};

/// `row` chosen; its idempotency key is made the first time it is chosen in this run.
fn choose(s: &mut super::Bulk, row: &CustomerRow) {
    s.keys.entry(row.id).or_insert_with(crate::forms::new_idempotency_key);
    s.chosen.push(Chosen {
        id: row.id,
        name: row.name.clone(),
        billing_complete: row.billing_complete,
        skipped: false,
        prefilled: None,
        contract: ContractDraft {
            parts: Vec::new(),
            ..Default::default()
        },
        uncovered: row.contracts == 0,
    });
}

#[component]
pub(super) fn ChooseStep(w: Wizard) -> impl IntoView {
    let locale = use_locale();
    let from_banner = use_query_map().with_untracked(|q| q.get("uses_services").is_some_and(|v| v == "true"));
    let search = RwSignal::new(String::new());
    let without = RwSignal::new(true);
    let uses = RwSignal::new(from_banner);
    // (after, before): the page boundary, reset whenever the search or a filter changes.
    let page = RwSignal::new((None::<Uuid>, None::<Uuid>));
    let rows = LocalResource::new(move || {
        let (after, before) = page.get();
        list_customers(ListQuery {
            q: search.get(),
            no_active_contract: without.get(),
            uses_services: uses.get(),
            after,
            before,
            ..Default::default()
        })
    });
    let is_chosen = move |id: Uuid| w.state.with(|s| s.chosen.iter().any(|c| c.id == id));
    let set_chosen = move |row: &CustomerRow, on: bool| {
        w.state.update(|s| {
            let there = s.chosen.iter().any(|c| c.id == row.id);
            if on && !there {
                choose(s, row);
            } else if !on {
                s.chosen.retain(|c| c.id != row.id);
            }
        })
    };
    let count = move || w.state.with(|s| s.chosen.len());
    let filter = move |signal: RwSignal<bool>| {
        move |ev: leptos::ev::Event| {
            signal.set(event_target_checked(&ev));
            page.set((None, None));
        }
    };
    let table = move || {
        rows.get().map(|r| match r {
            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            Ok(p) if p.rows.is_empty() => view! { <EmptyState text=k::BULK_NO_CUSTOMERS /> }.into_any(),
            Ok(p) => {
                let all = p.rows.clone();
                let (first, last) = (p.rows.first().map(|r| r.id), p.rows.last().map(|r| r.id));
                view! {
                    <button type="button" class="button small" id="bulk-select-page"
                        on:click=move |_| all.iter().for_each(|r| set_chosen(r, true))>{t(k::BULK_SELECT_PAGE)}</button>
                    <DataTable id="bulk-customers" columns=vec![Th::text(k::BULK_CHOOSE), Th::text(k::CUSTOMER_NAME), Th::text(k::BULK_COL_BILLING)]>
                        {p.rows.into_iter().map(|row| {
                            let id = row.id;
                            let box_id = format!("bulk-pick-{id}");
                            let r2 = row.clone();
                            view! {
                                <tr data-customer=row.name.clone()>
                                    <td>
                                        <input type="checkbox" id=box_id.clone() prop:checked=move || is_chosen(id)
                                            on:change=move |ev| set_chosen(&r2, event_target_checked(&ev)) />
                                    </td>
                                    <td><label for=box_id>{row.name.clone()}</label></td>
                                    <td>{if row.billing_complete {
                                        view! { <span class="badge">{t(k::BULK_BILLING_OK)}</span> }.into_any()
                                    } else {
                                        view! { <span class="badge warn">{t(k::BULK_BILLING_MISSING)}</span> }.into_any()
                                    }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                    <nav class="pager" aria-label=t(k::LIST_PAGES)>
                        {p.has_prev.then(|| view! {
                            <button type="button" class="button" on:click=move |_| page.set((None, first))>{t(k::LIST_PREV)}</button>
                        })}
                        {p.has_next.then(|| view! {
                            <button type="button" class="button" id="bulk-next-page" on:click=move |_| page.set((last, None))>{t(k::LIST_NEXT)}</button>
                        })}
                    </nav>
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="bulk-step-title">
            <h2 id="bulk-step-title" tabindex="-1">{t(k::BULK_STEP_CUSTOMERS)}</h2>
            <div class="filters">
                <div class="field grow">
                    <label for="bulk-search">{t(k::LIST_SEARCH)}</label>
                    <input id="bulk-search" type="search" placeholder=t(k::LIST_SEARCH_HINT) prop:value=move || search.get()
                        on:input=move |ev| { search.set(event_target_value(&ev)); page.set((None, None)); } />
                </div>
                <label class="check"><input type="checkbox" id="bulk-without" prop:checked=move || without.get() on:change=filter(without) />{t(k::BULK_ONLY_WITHOUT)}</label>
                <label class="check"><input type="checkbox" id="bulk-uses" prop:checked=move || uses.get() on:change=filter(uses) />{t(k::LIST_FILTER_USES_SERVICES)}</label>
            </div>
            <Suspense fallback=|| view! { <Loading /> }>{table}</Suspense>
            <h3>{move || text_with(locale, k::BULK_CHOSEN, &[("count", &count().to_string())])}</h3>
            <ul class="chips" id="bulk-chosen">
                {move || w.state.with(|s| s.chosen.iter().map(|c| {
                    let id = c.id;
                    let label = format!("{} {}", t(k::BULK_REMOVE), c.name);
                    view! {
                        <li>
                            {c.name.clone()} " "
                            <button type="button" class="link-button" aria-label=label
                                on:click=move |_| w.state.update(|s| s.chosen.retain(|c| c.id != id))>"×"</button>
                        </li>
                    }
                }).collect_view())}
            </ul>
            <div class="actions">
                <button type="button" class="button primary" id="bulk-next" disabled=move || count() == 0
                    on:click=move |_| w.go(Step::Terms)>{t(k::WIZARD_NEXT)}</button>
            </div>
        </section>
    }
}
