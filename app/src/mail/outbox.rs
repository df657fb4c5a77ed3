//! E-mail out, the writing side: the notifications a change causes are rows of
//! `outbound_mail`, written inside the change's own transaction (nothing goes out for a
//! change that rolled back, nothing is lost for one that committed). The server's sender
//! (`server/src/outbox.rs`) sends them after the commit, retried with backoff.
//!
//! Who hears of what (PRODUCT.md: the main contact receives workflow notifications, as
//! each contact's notification preference says):
//! - the ticket's contact: on create, on a public reply by staff and on resolve, unless
//!   their preference is "none" or their address bounced;
//! - the watchers (Cc of the request): on public replies;
//! - the customer's main contact, when it is someone else and wants "all": on create and
//!   resolve (the workflow);
//! - the assignee: on the customer's reply;
//! - the sender of a request refused by "tickets only via the main contact": one notice a
//!   day per address.
//!
//! Texts come from `locales/<lang>/mail/notifications.json`, in the recipient's language:
//! the customer's invoice language (else the country's language) for contacts, the language
//! staff last signed in with for staff. They are kept out of the page tables (`build.rs`
//! reads only `locales/<lang>/*.json`): a browser never needs them.

use std::collections::HashMap;
use std::sync::OnceLock;

use domain::Locale;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;
use crate::tickets::{MailState, OutboundMail};

/// The kinds of mail, as `outbound_mail.kind` stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TicketCreated,
    TicketReply,
    TicketResolved,
    AssigneeReply,
    MainContactOnly,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::TicketCreated => "ticket_created",
            Kind::TicketReply => "ticket_reply",
            Kind::TicketResolved => "ticket_resolved",
            Kind::AssigneeReply => "assignee_reply",
            Kind::MainContactOnly => "main_contact_only",
        }
    }
}

/// What a ticket notification is about.
pub enum TicketEvent<'a> {
    Created,
    /// A public reply by staff: `message` is its row (one mail per message and recipient).
    Reply {
        message: Uuid,
        body: &'a str,
    },
    Resolved,
    /// The customer's reply, for the assignee.
    CustomerReplied {
        message: Uuid,
        body: &'a str,
        sender: &'a str,
    },
}

fn tables() -> &'static [HashMap<String, String>; 3] {
    static TABLES: OnceLock<[HashMap<String, String>; 3]> = OnceLock::new();
    TABLES.get_or_init(|| {
        let parse = |s: &str| serde_json::from_str(s).expect("locales/*/mail/notifications.json is a flat object");
        [
            parse(include_str!("../../../locales/de/mail/notifications.json")),
            parse(include_str!("../../../locales/es/mail/notifications.json")),
            parse(include_str!("../../../locales/en/mail/notifications.json")),
        ]
    })
}

/// The text `key` in `locale`, its `{placeholders}` filled in one pass (a value that
/// itself holds braces, such as a customer's message, is never filled again).
pub fn render(locale: Locale, key: &str, params: &[(&str, &str)]) -> String {
    let table = &tables()[match locale {
        Locale::De => 0,
        Locale::Es => 1,
        Locale::En => 2,
    }];
    let template = table.get(key).map(String::as_str).unwrap_or(key);
    crate::i18n::fill(template, params.iter().copied())
}

/// One message to write.
struct Mail<'a> {
    kind: Kind,
    ticket: Option<Uuid>,
    dedupe_key: String,
    to: &'a Recipient,
    subject: String,
    body: String,
    /// Written by a person (a staff reply), not generated.
    personal: bool,
    thread: &'a Thread,
}

/// The customer's mail on a ticket our message answers: In-Reply-To is the latest,
/// References the first and the latest.
#[derive(Default)]
struct Thread {
    in_reply_to: Option<String>,
    references: Vec<String>,
}

impl Thread {
    async fn of(conn: &mut PgConnection, ticket: Uuid) -> Result<Thread, AppError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "select m.message_id from ticket_messages tm join inbound_messages m on m.id = tm.inbound_id
              where tm.ticket_id = $1 and m.message_id is not null order by tm.created_at, tm.id",
        )
        .bind(ticket)
        .fetch_all(&mut *conn)
        .await?;
        let mut references: Vec<String> = ids.first().into_iter().chain(ids.last()).cloned().collect();
        references.dedup();
        Ok(Thread {
            in_reply_to: ids.last().cloned(),
            references,
        })
    }
}

#[derive(Debug, Clone)]
struct Recipient {
    address: String,
    name: Option<String>,
    language: String,
}

impl Recipient {
    fn locale(&self) -> Locale {
        Locale::from_tag(&self.language).unwrap_or(Locale::En)
    }
}

/// Writes `mail` unless the same event already wrote it to that recipient.
async fn write(conn: &mut PgConnection, mail: Mail<'_>) -> Result<(), AppError> {
    sqlx::query(
        "insert into outbound_mail (dedupe_key, kind, ticket_id, to_address, to_name, language, subject, body,
                                    auto_submitted, in_reply_to, references_ids)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (dedupe_key) do nothing",
    )
    .bind(&mail.dedupe_key)
    .bind(mail.kind.as_str())
    .bind(mail.ticket)
    .bind(&mail.to.address)
    .bind(&mail.to.name)
    .bind(mail.to.locale().tag())
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(!mail.personal)
    .bind(&mail.thread.in_reply_to)
    .bind(&mail.thread.references)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The signature under every message to a customer, with the reply hint on ticket mail.
fn footer(locale: Locale, number: Option<&str>) -> String {
    let mut out = format!("\n\n-- \n{}", render(locale, "signature", &[]));
    if let Some(n) = number {
        out.push('\n');
        out.push_str(&render(locale, "reply_hint", &[("number", n)]));
    }
    out
}

/// The language a customer's contacts are written to in.
const CUSTOMER_LANGUAGE: &str = "coalesce(c.invoice_language,
     case when upper(coalesce(c.billing_country, c.country, '')) in ('DE', 'AT', 'CH', 'LI', 'LU') then 'de'
          when upper(coalesce(c.billing_country, c.country, '')) in ('ES', 'MX', 'AR', 'CO', 'CL', 'PE', 'VE', 'EC',
                                                                     'GT', 'CU', 'BO', 'DO', 'HN', 'PY', 'SV', 'NI',
                                                                     'CR', 'PA', 'UY', 'PR', 'AD') then 'es'
          else 'en' end)";

#[derive(sqlx::FromRow)]
struct TicketFacts {
    number: String,
    title: String,
    customer: String,
    language: String,
    contact_id: Option<Uuid>,
    contact_email: Option<String>,
    contact_name: Option<String>,
    contact_notify: Option<String>,
    main_id: Option<Uuid>,
    main_email: Option<String>,
    main_name: Option<String>,
    main_notify: Option<String>,
    assignee_email: Option<String>,
    assignee_name: Option<String>,
    assignee_language: Option<String>,
}

/// Writes the notifications of `event` on `ticket`, inside the caller's transaction.
/// `author` is the staff member who wrote a reply.
pub async fn ticket(
    conn: &mut PgConnection,
    ticket: Uuid,
    event: TicketEvent<'_>,
    author: Option<&str>,
) -> Result<(), AppError> {
    let f: TicketFacts = sqlx::query_as(&format!(
        "select t.number, t.title, c.name as customer, {CUSTOMER_LANGUAGE} as language,
                k.id as contact_id, case when k.email_bounced_at is null then k.email end as contact_email,
                nullif(trim(k.first_name || ' ' || k.last_name), '') as contact_name, k.notification_preference as contact_notify,
                m.id as main_id, case when m.email_bounced_at is null then m.email end as main_email,
                nullif(trim(m.first_name || ' ' || m.last_name), '') as main_name, m.notification_preference as main_notify,
                u.email as assignee_email, u.name as assignee_name, u.language as assignee_language
           from tickets t join customers c on c.id = t.customer_id
           left join contacts k on k.id = t.contact_id and k.archived_at is null
           left join contacts m on m.customer_id = t.customer_id and m.is_main and m.archived_at is null
           left join users u on u.id = t.assignee_id and u.active
          where t.id = $1"
    ))
    .bind(ticket)
    .fetch_one(&mut *conn)
    .await?;
    let contact = f
        .contact_email
        .as_ref()
        .filter(|_| f.contact_notify.as_deref() != Some("none"))
        .map(|address| Recipient {
            address: address.clone(),
            name: f.contact_name.clone(),
            language: f.language.clone(),
        });
    // The main contact follows the customer's workflow when they want to hear of all of it
    // and are not already told as the ticket's contact.
    let main = f
        .main_email
        .as_ref()
        .filter(|_| f.main_notify.as_deref() == Some("all") && f.main_id != f.contact_id)
        .map(|address| Recipient {
            address: address.clone(),
            name: f.main_name.clone(),
            language: f.language.clone(),
        });
    let subject = |r: &Recipient| {
        render(
            r.locale(),
            "ticket_subject",
            &[("number", &f.number), ("title", &f.title)],
        )
    };
    let greeting = |r: &Recipient| r.name.clone().unwrap_or_default();
    let with_hint = |r: &Recipient, body: String| body + &footer(r.locale(), Some(&f.number));
    let thread = Thread::of(conn, ticket).await?;
    let reporter = f.contact_name.clone().or(f.contact_email.clone()).unwrap_or_default();
    let key = |kind: Kind, event: &str, r: &Recipient| {
        format!("{}:{ticket}:{event}:{}", kind.as_str(), r.address.to_lowercase())
    };
    match event {
        TicketEvent::Created | TicketEvent::Resolved => {
            let (kind, own, workflow, at) = match event {
                TicketEvent::Created => (
                    Kind::TicketCreated,
                    "ticket_created.body",
                    "workflow_created.body",
                    "created".to_owned(),
                ),
                // A ticket may be resolved again after a reopen: each resolve is its own event.
                _ => (
                    Kind::TicketResolved,
                    "ticket_resolved.body",
                    "workflow_resolved.body",
                    Uuid::new_v4().to_string(),
                ),
            };
            for (r, template) in [(contact.as_ref(), own), (main.as_ref(), workflow)] {
                let Some(r) = r else { continue };
                let body = render(
                    r.locale(),
                    template,
                    &[
                        ("name", &greeting(r)),
                        ("number", &f.number),
                        ("title", &f.title),
                        ("customer", &f.customer),
                        ("reporter", &reporter),
                    ],
                );
                write(
                    conn,
                    Mail {
                        kind,
                        ticket: Some(ticket),
                        dedupe_key: key(kind, &at, r),
                        to: r,
                        subject: subject(r),
                        body: with_hint(r, body),
                        personal: false,
                        thread: &thread,
                    },
                )
                .await?;
            }
        }
        TicketEvent::Reply { message, body } => {
            let watchers: Vec<String> =
                sqlx::query_scalar("select email from ticket_watchers where ticket_id = $1 order by email")
                    .bind(ticket)
                    .fetch_all(&mut *conn)
                    .await?;
            // Watchers speak the customer's language, as its contacts do.
            let watchers = watchers.into_iter().map(|address| Recipient {
                address,
                name: None,
                language: f.language.clone(),
            });
            let mut told: Vec<String> = Vec::new();
            for r in contact.iter().cloned().chain(watchers) {
                let r = &r;
                let lower = r.address.to_lowercase();
                if told.contains(&lower) {
                    continue;
                }
                told.push(lower);
                let text = render(
                    r.locale(),
                    "ticket_reply.body",
                    &[("body", body), ("author", author.unwrap_or(""))],
                );
                write(
                    conn,
                    Mail {
                        kind: Kind::TicketReply,
                        ticket: Some(ticket),
                        dedupe_key: key(Kind::TicketReply, &message.to_string(), r),
                        to: r,
                        subject: subject(r),
                        body: with_hint(r, text),
                        personal: true,
                        thread: &thread,
                    },
                )
                .await?;
            }
        }
        TicketEvent::CustomerReplied { message, body, sender } => {
            let Some(address) = f.assignee_email.clone() else {
                return Ok(());
            };
            let r = Recipient {
                address,
                name: f.assignee_name.clone(),
                language: f.assignee_language.clone().unwrap_or_else(|| f.language.clone()),
            };
            let params = [
                ("number", f.number.as_str()),
                ("title", f.title.as_str()),
                ("customer", f.customer.as_str()),
                ("sender", sender),
                ("body", body),
            ];
            write(
                conn,
                Mail {
                    kind: Kind::AssigneeReply,
                    ticket: Some(ticket),
                    dedupe_key: key(Kind::AssigneeReply, &message.to_string(), &r),
                    to: &r,
                    subject: render(r.locale(), "assignee_reply.subject", &params),
                    body: render(r.locale(), "assignee_reply.body", &params),
                    personal: false,
                    thread: &thread,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// The notice to someone whose request "tickets only via the main contact" refused: at
/// most one a day per address (the day is the key: two refused messages at once write one).
pub async fn main_contact_only(
    conn: &mut PgConnection,
    customer: Uuid,
    to: &str,
    subject: &str,
) -> Result<(), AppError> {
    let (name, language): (String, String) = sqlx::query_as(&format!(
        "select c.name, {CUSTOMER_LANGUAGE} from customers c where c.id = $1"
    ))
    .bind(customer)
    .fetch_one(&mut *conn)
    .await?;
    let r = Recipient {
        address: to.to_owned(),
        name: None,
        language,
    };
    let params = [("subject", subject), ("customer", name.as_str())];
    let day = chrono::Utc::now().date_naive();
    write(
        conn,
        Mail {
            kind: Kind::MainContactOnly,
            ticket: None,
            dedupe_key: format!("main_contact_only:{}:{day}", to.to_lowercase()),
            to: &r,
            subject: render(r.locale(), "main_contact_only.subject", &params),
            body: render(r.locale(), "main_contact_only.body", &params) + &footer(r.locale(), None),
            personal: false,
            thread: &Thread::default(),
        },
    )
    .await
}

#[derive(sqlx::FromRow)]
struct LogRow {
    kind: String,
    to_address: String,
    subject: String,
    created_at: chrono::DateTime<chrono::Utc>,
    sent_at: Option<chrono::DateTime<chrono::Utc>>,
    failed_at: Option<chrono::DateTime<chrono::Utc>>,
    attempts: i32,
    last_error: Option<String>,
}

/// The mail a ticket caused, oldest first, with where each stands (the ticket page's card).
pub async fn of_ticket(pool: &sqlx::PgPool, ticket: Uuid) -> Result<Vec<OutboundMail>, AppError> {
    let rows: Vec<LogRow> = sqlx::query_as(
        "select kind, to_address, subject, created_at, sent_at, failed_at, attempts, last_error
           from outbound_mail where ticket_id = $1 order by created_at, id",
    )
    .bind(ticket)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|o| OutboundMail {
            kind: o.kind,
            to: o.to_address,
            subject: o.subject,
            created_at: o.created_at,
            state: match (o.sent_at, o.failed_at) {
                (Some(at), _) => MailState::Sent { at },
                (None, Some(at)) => MailState::Failed {
                    at,
                    error: o.last_error.unwrap_or_default(),
                },
                (None, None) if o.attempts > 0 => MailState::Retrying {
                    attempts: o.attempts,
                    error: o.last_error.unwrap_or_default(),
                },
                (None, None) => MailState::Queued,
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut out: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_mail_text_exists_in_every_language_with_the_same_placeholders() {
        let [de, es, en] = tables();
        for (key, text) in en {
            for (lang, table) in [("de", de), ("es", es)] {
                let other = table.get(key).unwrap_or_else(|| panic!("{key} is missing in {lang}"));
                assert_eq!(placeholders(other), placeholders(text), "{key} in {lang}");
            }
        }
        assert_eq!(de.len(), en.len());
        assert_eq!(es.len(), en.len());
    }

    #[test]
    fn values_are_filled_once() {
        let out = render(
            Locale::En,
            "ticket_reply.body",
            &[("body", "use {author} here"), ("author", "Ana")],
        );
        assert_eq!(out, "use {author} here\n\nAna");
        assert_eq!(
            render(
                Locale::De,
                "ticket_subject",
                &[("number", "T-2026-000001"), ("title", "Drucker")]
            ),
            "[T-2026-000001] Drucker"
        );
    }
}
