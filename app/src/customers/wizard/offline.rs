//! The wizard without a network: a submission made offline (or whose request never got an
//! answer) goes into the device's outbox with its idempotency key (`shell::pwa`), which
//! sends it once the browser is online again. One the server then refuses comes back
//! here: the wizard lists it and reopens it as a draft with the server's field errors.

use domain::NewCustomerDraft;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Wizard;
use crate::error::AppError;
use crate::i18n::{k, t, text_with, use_locale};
use crate::shell::pwa;

/// The endpoint the outbox replays to, with the body `create_customer` takes.
pub const CREATE_URL: &str = "/api/customers/create";

#[derive(Serialize, Deserialize)]
struct CreateBody {
    draft: NewCustomerDraft,
    idempotency_key: Uuid,
}

/// Whether a submission should go to the device's outbox instead of the network.
pub fn offline() -> bool {
    !pwa::online()
}

/// Whether a failed submission got no answer (offline, or the connection dropped
/// mid-request): the server may or may not have it, and the outbox's replay with the same
/// key settles which.
pub fn unanswered(error: &AppError) -> bool {
    matches!(error, AppError::Transport { .. })
}

/// Puts the wizard's submission into the outbox. Returns the customer's name on success.
pub async fn queue(user: Uuid, draft: NewCustomerDraft, key: Uuid) -> Result<String, ()> {
    let name = draft.customer.name.trim().to_string();
    let body = serde_json::to_string(&CreateBody {
        draft,
        idempotency_key: key,
    })
    .map_err(|_| ())?;
    pwa::queue(user, key, CREATE_URL, &body, &name).await?;
    Ok(name)
}

/// A refused submission, opened: the draft as it was sent, its key, and what the server
/// said about it.
pub struct Reopened {
    pub wizard: Wizard,
    pub error: Option<AppError>,
}

fn reopen(entry: &pwa::RefusedEntry) -> Option<Reopened> {
    let body: CreateBody = serde_json::from_str(&entry.body).ok()?;
    let error = entry
        .errors
        .clone()
        .and_then(|e| serde_json::from_value::<AppError>(e).ok());
    Some(Reopened {
        wizard: Wizard {
            draft: body.draft,
            key: body.idempotency_key,
            // every "Show more" open: the server's errors may be on any field
            more: ["customer", "contract", "contact"].map(String::from).into(),
            ..Wizard::default()
        },
        error,
    })
}

/// The user's refused submissions, each with a button that reopens it in the wizard.
#[component]
pub fn RefusedList(user: Uuid, open: Callback<Reopened>) -> impl IntoView {
    let locale = use_locale();
    let entries = RwSignal::new(Vec::<pwa::RefusedEntry>::new());
    #[cfg(not(feature = "hydrate"))]
    let _ = user;
    #[cfg(feature = "hydrate")]
    {
        let load = move || {
            leptos::task::spawn_local(async move {
                entries.set(pwa::refused(user).await);
            })
        };
        Effect::new(move |_| load());
        // The outbox refuses one while this page is open: show it at once.
        let listener = window_event_listener_untyped("onboard-outbox-refused", move |_| load());
        on_cleanup(move || listener.remove());
    }
    let choose = move |entry: pwa::RefusedEntry| {
        let Some(reopened) = reopen(&entry) else { return };
        entries.update(|list| list.retain(|e| e.key != entry.key));
        leptos::task::spawn_local(async move { pwa::remove(&entry.key).await });
        open.run(reopened);
    };
    view! {
        <Show when=move || entries.with(|e| !e.is_empty())>
            <section class="warning refused-list" aria-labelledby="refused-title">
                <h2 id="refused-title">{t(k::WIZARD_REFUSED_TITLE)}</h2>
                <p>{t(k::WIZARD_REFUSED_TEXT)}</p>
                <ul>
                    <For each=move || entries.get() key=|e| e.key.clone() let:entry>
                        {
                            let label = text_with(locale, k::WIZARD_REFUSED_OPEN, &[("name", &entry.label)]);
                            view! {
                                <li>
                                    <button type="button" class="button small" on:click=move |_| choose(entry.clone())>
                                        {label}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </section>
        </Show>
    }
}
