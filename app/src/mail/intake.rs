//! The one ingestion path of every transport (IMAP poll, `onboard mail-ingest`, the API):
//! in one transaction, the raw message is claimed by its SHA-256 (a re-delivery finds it
//! and does nothing; two deliveries at once wait for each other), parsed, the facts for
//! `domain::mail_route::route` are looked up, and the route is carried out: a reply on a
//! ticket, a new ticket (with a contact created from the e-mail when the sender's domain
//! is the customer's), the review queue, or nothing for automated mail (a bounce flags the
//! address). Nothing is half done: a failure rolls all of it back, so the transport may
//! deliver again.

use domain::mail_route::{Automated, CustomerIntake, Facts, KnownContact, Route, ThreadHit, ThreadedBy, route};
use domain::mail_text::{automated, ticket_in_message_id};
use domain::ticket::number_in_subject;
use domain::{Domain, Label, NewTicket, Priority, TicketSource};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::outbox::{self, TicketEvent};
use super::parse::{Parsed, parse};
use super::store;
use crate::error::AppError;

/// How a message arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Imap,
    Pipe,
    Api,
}

impl Transport {
    fn as_str(self) -> &'static str {
        match self {
            Transport::Imap => "imap",
            Transport::Pipe => "pipe",
            Transport::Api => "api",
        }
    }
}

/// What became of a message (the API's and the CLI's answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub id: Uuid,
    /// `reply`, `new_ticket`, `follow_up`, `review` or `ignored`.
    pub outcome: String,
    pub reason: Option<String>,
    pub ticket: Option<Uuid>,
    pub ticket_number: Option<String>,
    /// The same message was received before; nothing was done this time.
    pub duplicate: bool,
}

pub async fn ingest(pool: &PgPool, mail_domain: &str, raw: &[u8], transport: Transport) -> Result<Intake, AppError> {
    let hash = Sha256::digest(raw).to_vec();
    let mut tx = pool.begin().await?;
    // A second delivery of the same bytes waits here until the first commits (then finds
    // its row) or rolls back (then does the work itself).
    let claimed: Option<Uuid> = sqlx::query_scalar(
        "insert into inbound_messages (sha256, raw, transport, outcome) values ($1, $2, $3, 'ignored')
         on conflict (sha256) do nothing returning id",
    )
    .bind(&hash)
    .bind(raw)
    .bind(transport.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = claimed else {
        tx.rollback().await?;
        let mut known = recorded(pool, &hash).await?;
        known.duplicate = true;
        return Ok(known);
    };
    let outcome = match parse(raw, mail_domain) {
        None => Outcome::review("unparseable", None),
        Some(p) => {
            sqlx::query(
                "update inbound_messages set message_id = $2, from_address = $3, from_name = $4, subject = $5, body = $6
                  where id = $1",
            )
            .bind(id)
            .bind(&p.message_id)
            .bind(&p.from)
            .bind(&p.from_name)
            .bind(&p.subject)
            .bind(&p.text)
            .execute(&mut *tx)
            .await?;
            match facts(&mut tx, &p, mail_domain).await? {
                None => Outcome::review("unknown_sender", None),
                Some(f) => carry_out(&mut tx, id, &p, route(&f)).await?,
            }
        }
    };
    sqlx::query(
        "update inbound_messages set outcome = $2, reason = $3, ticket_id = $4, customer_id = $5 where id = $1",
    )
    .bind(id)
    .bind(outcome.outcome)
    .bind(&outcome.reason)
    .bind(outcome.ticket)
    .bind(outcome.customer)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(%id, outcome = outcome.outcome, reason = ?outcome.reason, "e-mail received");
    recorded(pool, &hash).await
}

/// The stored outcome of the message with `hash`.
async fn recorded(pool: &PgPool, hash: &[u8]) -> Result<Intake, AppError> {
    let (id, outcome, reason, ticket, number): (Uuid, String, Option<String>, Option<Uuid>, Option<String>) =
        sqlx::query_as(
            "select m.id, m.outcome, m.reason, m.ticket_id, t.number
               from inbound_messages m left join tickets t on t.id = m.ticket_id where m.sha256 = $1",
        )
        .bind(hash)
        .fetch_one(pool)
        .await?;
    Ok(Intake {
        id,
        outcome,
        reason,
        ticket,
        ticket_number: number,
        duplicate: false,
    })
}

struct Outcome {
    outcome: &'static str,
    reason: Option<String>,
    ticket: Option<Uuid>,
    customer: Option<Uuid>,
}

impl Outcome {
    fn review(reason: &str, customer: Option<Uuid>) -> Outcome {
        Outcome {
            outcome: "review",
            reason: Some(reason.into()),
            ticket: None,
            customer,
        }
    }
}

fn json_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| match v {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Object(o) => o.keys().next().cloned(),
            _ => None,
        })
        .unwrap_or_default()
}

/// What `route` needs, looked up; `None` when the sender's domain is no domain at all.
async fn facts(conn: &mut PgConnection, p: &Parsed, mail_domain: &str) -> Result<Option<Facts>, AppError> {
    let Some(sender_domain) = p.from.rsplit_once('@').and_then(|(_, d)| Domain::parse(d).ok()) else {
        return Ok(None);
    };
    let contacts: Vec<(Uuid, Uuid, bool, bool)> = sqlx::query_as(
        "select k.id, k.customer_id, k.is_main, c.tickets_only_via_main
           from contacts k join customers c on c.id = k.customer_id
          where lower(k.email) = $1 and k.archived_at is null and c.archived_at is null
          order by k.id limit 2",
    )
    .bind(&p.from)
    .fetch_all(&mut *conn)
    .await?;
    // The same address at two customers names neither: the domain decides, or staff do.
    let contact = match contacts.as_slice() {
        [(contact, customer, is_main, only_main)] => Some(KnownContact {
            contact: *contact,
            intake: CustomerIntake {
                customer: *customer,
                main_contact_only: *only_main,
            },
            is_main: *is_main,
        }),
        _ => None,
    };
    let domain_name: String = sender_domain.clone().into();
    let domain_owners = if contact.is_some() {
        Vec::new()
    } else {
        let owners: Vec<(Uuid, bool)> = sqlx::query_as(
            "select c.id, c.tickets_only_via_main from customer_domains d join customers c on c.id = d.customer_id
              where d.domain = $1 and c.archived_at is null",
        )
        .bind(&domain_name)
        .fetch_all(&mut *conn)
        .await?;
        owners
            .into_iter()
            .map(|(customer, main_contact_only)| CustomerIntake {
                customer,
                main_contact_only,
            })
            .collect()
    };
    Ok(Some(Facts {
        sender_domain,
        automated: automated(&p.automation),
        thread: thread(conn, p, mail_domain).await?,
        contact,
        domain_owners,
    }))
}

/// The ticket the message refers to: our Message-ID in its headers first, then the
/// subject's token. A merged ticket's messages go to the ticket it was merged into.
async fn thread(conn: &mut PgConnection, p: &Parsed, mail_domain: &str) -> Result<Option<ThreadHit>, AppError> {
    let by_headers = p.thread_ids.iter().find_map(|id| ticket_in_message_id(id, mail_domain));
    let (by, key) = match (by_headers, number_in_subject(&p.subject)) {
        (Some(id), _) => (ThreadedBy::Headers, (Some(id), None)),
        (None, Some(number)) => (ThreadedBy::SubjectToken, (None, Some(number.to_owned()))),
        (None, None) => return Ok(None),
    };
    let found: Option<(Uuid, Uuid, Option<i32>, bool)> = sqlx::query_as(
        "select t.id, t.customer_id,
                case when t.status = 'closed' then extract(day from now() - t.closed_at)::int end,
                t.contact_id is not null and exists (select 1 from contacts k where k.id = t.contact_id and lower(k.email) = $3)
                  or exists (select 1 from ticket_watchers w where w.ticket_id = t.id and lower(w.email) = $3)
                  or exists (select 1 from contacts k where k.customer_id = t.customer_id and lower(k.email) = $3
                                                       and k.archived_at is null)
           from tickets s join tickets t on t.id = coalesce(s.merged_into, s.id)
          where s.id = $1 or s.number = $2",
    )
    .bind(key.0)
    .bind(key.1)
    .bind(&p.from)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.map(|(ticket, customer, closed_days, related)| ThreadHit {
        ticket,
        customer,
        by,
        sender_related: related,
        closed_days_ago: closed_days.map(|d| d.max(0) as u32),
    }))
}

/// The sender's contact at `customer`, if they are one.
async fn contact_at(conn: &mut PgConnection, customer: Uuid, email: &str) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar(
        "select id from contacts where customer_id = $1 and lower(email) = $2 and archived_at is null order by is_main desc, id limit 1",
    )
    .bind(customer)
    .bind(email)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A contact made from an e-mail's sender: Standard portal level (the default), marked so
/// staff can check it.
async fn create_contact(conn: &mut PgConnection, customer: Uuid, p: &Parsed) -> Result<Uuid, AppError> {
    let local = p.from.split('@').next().unwrap_or_default();
    let name = p
        .from_name
        .clone()
        .unwrap_or_else(|| local.replace(['.', '_', '-'], " "));
    let (first, last) = match name.trim().rsplit_once(' ') {
        Some((f, l)) => (f.trim().to_owned(), l.trim().to_owned()),
        None => (name.trim().to_owned(), String::new()),
    };
    let id: Uuid = sqlx::query_scalar(
        "insert into contacts (customer_id, first_name, last_name, email, created_from_email)
         values ($1, $2, $3, $4, true) returning id",
    )
    .bind(customer)
    .bind(first.chars().take(100).collect::<String>())
    .bind(last.chars().take(100).collect::<String>())
    .bind(&p.from)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The new ticket an e-mail opens: its subject as the title (or the sender's address).
fn new_ticket(p: &Parsed) -> NewTicket {
    let title = Label::parse(&p.subject)
        .or_else(|_| Label::parse(&format!("E-Mail: {}", p.from)))
        .or_else(|_| Label::parse("E-Mail"))
        .expect("a fixed title parses");
    NewTicket {
        title,
        description: None,
        priority: Priority::Medium,
        category: None,
        source: TicketSource::Email,
        contact: None,
        // Whoever the sender copied follows the ticket's public replies.
        watchers: p.cc.iter().filter_map(|a| domain::Email::parse(a).ok()).collect(),
    }
}

async fn carry_out(conn: &mut PgConnection, inbound: Uuid, p: &Parsed, r: Route) -> Result<Outcome, AppError> {
    let (ticket, customer, outcome) = match r {
        Route::Ignore { reason } => {
            if let Automated::Bounce { failed: Some(address) } = &reason {
                sqlx::query(
                    "update contacts set email_bounced_at = now() where lower(email) = $1 and archived_at is null",
                )
                .bind(address)
                .execute(&mut *conn)
                .await?;
            }
            return Ok(Outcome {
                outcome: "ignored",
                reason: Some(json_name(&reason)),
                ticket: None,
                customer: None,
            });
        }
        Route::Review {
            reason,
            customer,
            notify_sender,
        } => {
            if let (true, Some(c)) = (notify_sender, customer) {
                super::outbox::main_contact_only(conn, c, &p.from, &p.subject).await?;
            }
            return Ok(Outcome::review(&json_name(&reason), customer));
        }
        Route::Reply { ticket } => {
            let customer: Uuid = sqlx::query_scalar("select customer_id from tickets where id = $1")
                .bind(ticket)
                .fetch_one(&mut *conn)
                .await?;
            let contact = contact_at(conn, customer, &p.from).await?;
            crate::tickets::inbound::customer_replied(conn, ticket).await?;
            let message =
                crate::tickets::inbound::add_mail_message(conn, ticket, contact, &p.reply, inbound, &p.dropped).await?;
            store::attach(conn, message, &p.attachments).await?;
            let sender = p.from_name.as_deref().unwrap_or(&p.from);
            let event = TicketEvent::CustomerReplied {
                message,
                body: &p.reply,
                sender,
            };
            outbox::ticket(conn, ticket, event, None).await?;
            (ticket, customer, "reply")
        }
        Route::NewTicket { customer, contact } | Route::FollowUp { customer, contact, .. } => {
            let follows_up = match r {
                Route::FollowUp { previous, .. } => Some(previous),
                _ => None,
            };
            let contact = match contact {
                Some(c) => c,
                None => match contact_at(conn, customer, &p.from).await? {
                    Some(c) => c,
                    None => create_contact(conn, customer, p).await?,
                },
            };
            let ticket =
                crate::tickets::inbound::open(conn, customer, Some(contact), &new_ticket(p), follows_up).await?;
            let message =
                crate::tickets::inbound::add_mail_message(conn, ticket, Some(contact), &p.text, inbound, &p.dropped)
                    .await?;
            store::attach(conn, message, &p.attachments).await?;
            outbox::ticket(conn, ticket, TicketEvent::Created, None).await?;
            (
                ticket,
                customer,
                if follows_up.is_some() {
                    "follow_up"
                } else {
                    "new_ticket"
                },
            )
        }
    };
    Ok(Outcome {
        outcome,
        reason: None,
        ticket: Some(ticket),
        customer: Some(customer),
    })
}

/// The review queue's "assign": a new ticket for `customer` from the stored message, from
/// `contact` (else the customer's contact with the sender's address, else a new one made
/// from the e-mail); the message leaves the queue. Returns the ticket.
pub async fn assign(
    pool: &PgPool,
    mail_domain: &str,
    user: Uuid,
    inbound: Uuid,
    customer: Uuid,
    contact: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let row: Option<(Vec<u8>, Option<chrono::DateTime<chrono::Utc>>)> =
        sqlx::query_as("select raw, handled_at from inbound_messages where id = $1 and outcome = 'review' for update")
            .bind(inbound)
            .fetch_optional(&mut *tx)
            .await?;
    let (raw, handled) = row.ok_or(AppError::NotFound)?;
    if handled.is_some() {
        return Err(AppError::Conflict);
    }
    // An unparseable message has no sender to reply to; staff can only dismiss it.
    let p = parse(&raw, mail_domain).ok_or(AppError::Conflict)?;
    let contact = match contact {
        Some(c) => {
            let ours: Option<Uuid> = sqlx::query_scalar(
                "select id from contacts where id = $1 and customer_id = $2 and archived_at is null",
            )
            .bind(c)
            .bind(customer)
            .fetch_optional(&mut *tx)
            .await?;
            ours.ok_or_else(|| {
                AppError::validation(vec![crate::error::FieldProblem::new(
                    "contact",
                    "ticket.contact_unknown",
                )])
            })?
        }
        None => match contact_at(&mut tx, customer, &p.from).await? {
            Some(c) => c,
            None => create_contact(&mut tx, customer, &p).await?,
        },
    };
    let ticket = crate::tickets::inbound::open(&mut tx, customer, Some(contact), &new_ticket(&p), None).await?;
    let message =
        crate::tickets::inbound::add_mail_message(&mut tx, ticket, Some(contact), &p.text, inbound, &p.dropped).await?;
    store::attach(&mut tx, message, &p.attachments).await?;
    outbox::ticket(&mut tx, ticket, TicketEvent::Created, None).await?;
    sqlx::query(
        "update inbound_messages set handled_at = now(), handled_by = $2, ticket_id = $3, customer_id = $4 where id = $1",
    )
    .bind(inbound)
    .bind(user)
    .bind(ticket)
    .bind(customer)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ticket)
}
