//! E-mail out, the sending side: the rows `app::mail::outbox` wrote leave here, after the
//! commit of the change that caused them. A batch of due rows is claimed with
//! `FOR UPDATE SKIP LOCKED` (several server processes share the outbox, none sends a row
//! another holds), each is sent, and the batch's outcome commits together. A failure is
//! tried again with backoff (1, 2, 4 … minutes, at most six hours apart) and given up after
//! `MAX_ATTEMPTS`, which the ticket page shows.
//!
//! "Sent once": a row is marked sent in the transaction that held it while sending. Only a
//! crash between the SMTP server's acceptance and that commit sends it again, with the same
//! Message-ID, which mail clients and our own intake recognise as the same message.
//!
//! Transports: SMTP through `lettre` (`ONBOARD_SMTP_URL`, e.g.
//! `smtp://user:pass@mail.example.com:587?tls=required`), else `.eml` files in
//! `ONBOARD_MAIL_DIR`, one per row and named by its id (a resend overwrites, never doubles),
//! which a test or an operator reads, or a pickup directory of an MTA consumes.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, header::Header};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sqlx::PgPool;
use uuid::Uuid;

/// Tries before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// Rows claimed at once.
const BATCH: i64 = 20;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Transport {
    /// SMTP when `smtp_url` is set, else files in `dir`.
    pub fn from_config(smtp_url: Option<&str>, dir: PathBuf) -> Result<Transport, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| Transport::Smtp(b.build()))
                .map_err(|e| format!("ONBOARD_SMTP_URL: {e}")),
            None => Ok(Transport::Files(dir)),
        }
    }

    fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::Files(dir) => format!("files in {}", dir.display()),
        }
    }
}

pub struct Sender {
    pub pool: PgPool,
    pub transport: Transport,
    /// `ONBOARD_MAIL_FROM`: who the mail is from; replies to it come back as tickets.
    pub from: Mailbox,
    /// The domain of our Message-IDs (`ONBOARD_MAIL_DOMAIN`).
    pub mail_domain: String,
    /// `ONBOARD_PUBLIC_URL`: staff mail links to the ticket when it is set.
    pub public_url: Option<String>,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub failed: usize,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    kind: String,
    ticket_id: Option<Uuid>,
    ticket_number: Option<String>,
    to_address: String,
    to_name: Option<String>,
    subject: String,
    body: String,
    in_reply_to: Option<String>,
    references_ids: Vec<String>,
    auto_submitted: bool,
    attempts: i32,
    created_at: DateTime<Utc>,
}

/// `Auto-Submitted: auto-generated` (RFC 3834) on notifications: auto-responders do not
/// answer them, so two of them cannot keep a ticket talking.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// The ticket token's own header, for filters and for staff reading raw mail.
#[derive(Clone)]
struct TicketHeader(String);

impl Header for TicketHeader {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Onboard-Ticket")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(TicketHeader(s.into()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

fn angle(id: &str) -> String {
    let id = id.trim();
    if id.starts_with('<') {
        id.to_owned()
    } else {
        format!("<{id}>")
    }
}

impl Sender {
    /// The Message-ID of a row: a ticket's mail names the ticket, so a reply finds it.
    pub fn message_id(&self, id: Uuid, ticket: Option<Uuid>) -> String {
        match ticket {
            Some(t) => format!("t.{t}.{id}@{}", self.mail_domain),
            None => format!("n.{id}@{}", self.mail_domain),
        }
    }

    fn build(&self, r: &Row) -> Result<Message, String> {
        let to: Mailbox = r
            .to_address
            .parse::<lettre::Address>()
            .map(|a| Mailbox::new(r.to_name.clone(), a))
            .map_err(|e| format!("address {:?}: {e}", r.to_address))?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(r.subject.clone())
            .date(r.created_at.into())
            .message_id(Some(angle(&self.message_id(r.id, r.ticket_id))));
        if let Some(parent) = &r.in_reply_to {
            b = b.in_reply_to(angle(parent));
        }
        if !r.references_ids.is_empty() {
            b = b.references(r.references_ids.iter().map(|i| angle(i)).collect::<Vec<_>>().join(" "));
        }
        if r.auto_submitted {
            b = b.header(AutoSubmitted);
        }
        let mut body = r.body.clone();
        if let Some(n) = &r.ticket_number {
            b = b.header(TicketHeader(n.clone()));
        }
        if let (Some(ticket), Some(url), "assignee_reply") = (r.ticket_id, &self.public_url, r.kind.as_str()) {
            body.push_str(&format!("\n\n{url}/tickets/{ticket}"));
        }
        b.header(ContentType::TEXT_PLAIN).body(body).map_err(|e| e.to_string())
    }

    async fn deliver(&self, r: &Row, message: Message) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
                let tmp = dir.join(format!(".{}.eml.tmp", r.id));
                tokio::fs::write(&tmp, message.formatted())
                    .await
                    .map_err(|e| format!("{}: {e}", tmp.display()))?;
                tokio::fs::rename(&tmp, dir.join(format!("{}.eml", r.id)))
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Sends what is due, one batch; answers what it did.
    pub async fn send_due(&self) -> Result<Sent, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let rows: Vec<Row> = sqlx::query_as(
            "select o.id, o.kind, o.ticket_id, t.number as ticket_number, o.to_address, o.to_name, o.subject, o.body,
                    o.in_reply_to, o.references_ids, o.auto_submitted, o.attempts, o.created_at
               from outbound_mail o left join tickets t on t.id = o.ticket_id
              where o.sent_at is null and o.failed_at is null and o.next_attempt_at <= now()
              order by o.next_attempt_at, o.id limit $1
              for update of o skip locked",
        )
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let mut done = Sent::default();
        for r in &rows {
            let outcome = match self.build(r) {
                // A message that cannot be built never will be: no retry.
                Err(e) => Err((e, true)),
                Ok(m) => self.deliver(r, m).await.map_err(|e| (e, false)),
            };
            match outcome {
                Ok(()) => {
                    sqlx::query(
                        "update outbound_mail set sent_at = now(), attempts = attempts + 1, last_error = null, message_id = $2
                          where id = $1",
                    )
                    .bind(r.id)
                    .bind(self.message_id(r.id, r.ticket_id))
                        .execute(&mut *tx)
                        .await?;
                    done.sent += 1;
                }
                Err((error, permanent)) => {
                    let attempts = r.attempts + 1;
                    let give_up = permanent || attempts >= MAX_ATTEMPTS;
                    let wait = Duration::from_secs(60 * 2u64.pow((attempts - 1).clamp(0, 9) as u32))
                        .min(Duration::from_secs(6 * 3600));
                    tracing::warn!(id = %r.id, to = %r.to_address, attempts, give_up, %error, "sending mail failed");
                    sqlx::query(
                        "update outbound_mail set attempts = $2, last_error = $3,
                                next_attempt_at = now() + make_interval(secs => $4),
                                failed_at = case when $5 then now() end
                          where id = $1",
                    )
                    .bind(r.id)
                    .bind(attempts)
                    .bind(&error)
                    .bind(wait.as_secs_f64())
                    .bind(give_up)
                    .execute(&mut *tx)
                    .await?;
                    done.failed += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Sends until nothing is due (a full batch means more may wait).
    pub async fn drain(&self) -> Result<Sent, sqlx::Error> {
        let mut total = Sent::default();
        loop {
            let s = self.send_due().await?;
            total.sent += s.sent;
            total.failed += s.failed;
            if s.sent + s.failed < BATCH as usize {
                return Ok(total);
            }
        }
    }

    /// The sender of a running server: a pass every two seconds.
    pub fn spawn(self) {
        tracing::info!(transport = %self.transport.describe(), "mail sender started");
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            loop {
                tick.tick().await;
                match self.drain().await {
                    Ok(s) if s.sent + s.failed > 0 => tracing::info!(sent = s.sent, failed = s.failed, "mail sent"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "mail sender"),
                }
            }
        });
    }
}
