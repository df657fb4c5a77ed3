//! `/tickets/review`: e-mails routing could not place (unknown sender, a public mail
//! service, a request from someone other than the main contact where only the main
//! contact may open tickets, an unreadable message). Staff open a ticket from one in a
//! single step — choose the customer and the contact, or let a contact be made from the
//! sender — or dismiss it.

use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::{ReviewRow, assign_review, dismiss_review, list_review};
use crate::customers::get_customer;
use crate::error::AppError;
use crate::i18n::{Key, k, t, use_locale};
use crate::shell::format_instant;
use crate::ui::{CustomerPicker, DataTable, Dialog, EmptyState, ErrorNotice, Loading, PickedCustomer, Th};

fn reason_key(reason: &str) -> Key {
    match reason {
        "webmail" => k::REVIEW_REASON_WEBMAIL,
        "ambiguous_domain" => k::REVIEW_REASON_AMBIGUOUS,
        "not_main_contact" => k::REVIEW_REASON_NOT_MAIN,
        "unparseable" => k::REVIEW_REASON_UNPARSEABLE,
        _ => k::REVIEW_REASON_UNKNOWN,
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let locale = use_locale();
    let rows = RwSignal::new(None::<Result<Vec<ReviewRow>, AppError>>);
    let generation = RwSignal::new(0_u32);
    Effect::new(move |_| {
        generation.track();
        leptos::task::spawn_local(async move {
            rows.set(Some(list_review(None).await.map(|p| p.rows)));
        });
    });
    let reload = move || generation.update(|g| *g += 1);
    // The dialog (its customer picker holds browser-only state) exists in the browser only.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let assigning = RwSignal::new(None::<ReviewRow>);
    let error = RwSignal::new(None::<AppError>);
    let dismiss = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            error.set(dismiss_review(id).await.err());
            reload();
        });
    };
    view! {
        <Title text=t(k::REVIEW_TITLE) />
        <header class="page-header">
            <p class="muted"><a href="/tickets">{t(k::NAV_SERVICE_DESK)}</a></p>
            <h1>{t(k::REVIEW_TITLE)}</h1>
            <p class="hint">{t(k::REVIEW_INTRO)}</p>
        </header>
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        {move || match rows.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <EmptyState text=k::REVIEW_EMPTY /> }.into_any(),
            Some(Ok(list)) => view! {
                <DataTable id="review-queue" columns=vec![
                    Th::text(k::REVIEW_RECEIVED), Th::text(k::REVIEW_FROM), Th::text(k::REVIEW_SUBJECT),
                    Th::text(k::REVIEW_REASON), Th::actions(),
                ]>
                    {list.into_iter().map(|r| {
                        let row = r.clone();
                        let id = r.id;
                        let parseable = r.reason != "unparseable";
                        view! {
                            <tr data-message=id.to_string()>
                                <td>{format_instant(r.received_at, locale)}</td>
                                <td>{r.from_name.clone()}<br /><span class="muted">{r.from_address.clone()}</span></td>
                                <td><strong>{r.subject.clone()}</strong><p class="excerpt muted">{r.excerpt.clone()}</p></td>
                                <td>{t(reason_key(&r.reason))}
                                    {r.customer_name.clone().map(|c| view! { <br /><span class="muted">{c}</span> })}</td>
                                <td class="actions">
                                    {parseable.then(|| view! {
                                        <button type="button" class="button small primary assign-message"
                                            on:click=move |_| assigning.set(Some(row.clone()))>{t(k::REVIEW_ASSIGN)}</button>
                                    })}
                                    <button type="button" class="button small dismiss-message" on:click=move |_| dismiss(id)>{t(k::REVIEW_DISMISS)}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
            }.into_any(),
        }}
        <Show when=move || mounted.get()>
            <AssignDialog assigning=assigning on_done=Callback::new(move |_| reload()) />
        </Show>
    }
}

/// Choose the customer (preset to the one routing named) and the contact, then open the
/// ticket; the new ticket opens.
#[component]
fn AssignDialog(assigning: RwSignal<Option<ReviewRow>>, on_done: Callback<()>) -> impl IntoView {
    let picked = RwSignal::new(None::<PickedCustomer>);
    let contact = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let preset = assigning.with(|a| {
            a.as_ref().and_then(|r| {
                r.customer
                    .zip(r.customer_name.clone())
                    .map(|(id, name)| PickedCustomer {
                        id,
                        name,
                        billing_complete: true,
                    })
            })
        });
        picked.set(preset);
        contact.set(String::new());
        error.set(None);
    });
    // Loaded in the browser into a signal: a LocalResource would hold a value the server
    // drops on another thread after rendering (SendWrapper panics).
    let contacts = RwSignal::new(Vec::<crate::customers::ContactView>::new());
    Effect::new(move |_| {
        let id = picked.with(|p| p.as_ref().map(|p| p.id));
        contacts.set(Vec::new());
        if let Some(id) = id {
            leptos::task::spawn_local(async move {
                if let Ok(d) = get_customer(id).await {
                    contacts.set(d.contacts.into_iter().filter(|c| !c.archived).collect());
                }
            });
        }
    });
    let assign = move |_| {
        let (Some(row), Some(customer)) = (assigning.get_untracked(), picked.get_untracked()) else {
            return;
        };
        let chosen = contact.get_untracked().parse::<Uuid>().ok();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = assign_review(row.id, customer.id, chosen).await;
            busy.set(false);
            match result {
                Ok(ticket) => {
                    assigning.set(None);
                    on_done.run(());
                    #[cfg(feature = "hydrate")]
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&format!("/tickets/{ticket}"));
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ticket;
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <Dialog id="assign-dialog" title=Signal::derive(move || t(k::REVIEW_ASSIGN).to_string())
            open=Signal::derive(move || assigning.with(Option::is_some)) on_close=Callback::new(move |_| assigning.set(None))>
            <p class="muted">{move || assigning.with(|a| a.as_ref().map(|r| format!("{} · {}", r.from_address.clone().unwrap_or_default(), r.subject.clone().unwrap_or_default())))}</p>
            <CustomerPicker id="assign-customer" label=k::REVIEW_CUSTOMER value=picked />
            <div class="field">
                <label for="assign-contact">{t(k::REVIEW_CONTACT)}</label>
                <select id="assign-contact" on:change=move |ev| contact.set(event_target_value(&ev))>
                    <option value="" selected=move || contact.with(String::is_empty)>{t(k::REVIEW_NEW_CONTACT)}</option>
                    {move || contacts.get().into_iter().map(|c| {
                        let id = c.id.to_string();
                        let label = format!("{} <{}>", c.full_name(), c.form.person.email);
                        view! { <option value=id>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <div class="actions">
                <button type="button" class="button" on:click=move |_| assigning.set(None)>{t(k::SETTINGS_CANCEL)}</button>
                <button type="button" class="button primary" id="confirm-assign"
                    disabled=move || busy.get() || picked.with(Option::is_none) on:click=assign>{t(k::REVIEW_OPEN_TICKET)}</button>
            </div>
        </Dialog>
    }
}
