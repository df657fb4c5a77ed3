//! The ticket page's "E-mail" card: every notification the ticket caused, to whom, and
//! where it stands in the outbox (queued, retrying, sent, given up), so staff can tell a
//! customer "we wrote to you at 10:42" or see that an address bounced back to the sender.

use leptos::prelude::*;

use super::{MailState, TicketDetail};
use crate::i18n::{choice_key, k, t, use_locale};
use crate::shell::format_instant;

#[component]
pub fn MailLog(detail: RwSignal<TicketDetail>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card ticket-mail" aria-labelledby="ticket-mail-title">
            <h2 id="ticket-mail-title">{t(k::TICKETS_MAIL_TITLE)}</h2>
            {move || detail.with(|d| if d.outbound.is_empty() {
                view! { <p class="muted">{t(k::TICKETS_MAIL_NONE)}</p> }.into_any()
            } else {
                view! {
                    <ul class="mail-log" id="ticket-mail">
                        {d.outbound.iter().map(|m| {
                            let (class, state, detail) = match &m.state {
                                MailState::Queued => ("badge muted", t(k::TICKETS_MAIL_QUEUED).to_string(), None),
                                MailState::Retrying { attempts, error } => (
                                    "badge warn",
                                    format!("{} ({attempts})", t(k::TICKETS_MAIL_RETRYING)),
                                    Some(error.clone()),
                                ),
                                MailState::Sent { at } => (
                                    "badge ok",
                                    format!("{} {}", t(k::TICKETS_MAIL_SENT), format_instant(*at, locale)),
                                    None,
                                ),
                                MailState::Failed { at, error } => (
                                    "badge danger",
                                    format!("{} {}", t(k::TICKETS_MAIL_FAILED), format_instant(*at, locale)),
                                    Some(error.clone()),
                                ),
                            };
                            view! {
                                <li class="mail-entry">
                                    <span class="mail-kind">{t(choice_key("mail_kind", &m.kind))}</span>
                                    " → " <span class="mail-to">{m.to.clone()}</span>
                                    " " <span class=class>{state}</span>
                                    <span class="hint mail-subject">{m.subject.clone()}</span>
                                    {detail.map(|e| view! { <span class="hint">{e}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}
