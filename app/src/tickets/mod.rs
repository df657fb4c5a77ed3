//! The service desk (Service desk → Tickets, and a tab on the customer page): tickets with
//! their conversation of public replies and internal notes, status, assignee and SLA due
//! times. Every role works tickets (PRODUCT.md); a technician restricted to their accounts
//! sees and reaches only tickets of those customers, in every list and function.

#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
mod db;
mod form;
#[cfg(feature = "ssr")]
pub mod inbound;
mod list;
mod mail_log;
mod page;
#[cfg(feature = "ssr")]
pub mod sla;

pub use form::NewTicketPage;
pub use list::{CustomerTickets, TicketsPage};
pub use page::TicketPage;

use chrono::{DateTime, Utc};
use domain::{Priority, TicketDraft, TicketStatus};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

/// One ticket as lists and its page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketRow {
    pub id: Uuid,
    pub number: String,
    pub version: i32,
    pub customer: Uuid,
    pub customer_name: String,
    pub contact: Option<Uuid>,
    pub contact_name: Option<String>,
    pub title: String,
    pub priority: Priority,
    pub category: Option<String>,
    pub status: TicketStatus,
    pub source: String,
    pub assignee: Option<Uuid>,
    pub assignee_name: Option<String>,
    /// The due time that matters next (first response until it happened, then
    /// resolution); `None` without a target, while paused, or once resolved.
    pub next_due: Option<DateTime<Utc>>,
    pub first_response_due: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub merged_into: Option<String>,
    /// The SLA alert raised for the ticket so far (`alerts`): a breach outranks a warning.
    pub sla_alert: Option<SlaAlert>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaAlert {
    /// 80 % of a target used up.
    Warning,
    /// A target passed.
    Breached,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Sent to the contact and watchers.
    Reply,
    /// Staff only.
    Note,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketMessage {
    pub id: Uuid,
    pub kind: MessageKind,
    pub author: String,
    /// Written by the customer's side (a contact), not by staff.
    pub from_contact: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Came in by e-mail.
    #[serde(default)]
    pub by_email: bool,
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
    /// Attachments of the e-mail left out for their size.
    #[serde(default)]
    pub dropped_attachments: Vec<String>,
}

/// An attachment of a message, downloaded from `/api/attachments/{message}/{position}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub position: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

/// A ticket with its conversation, watchers and the mail sent about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub ticket: TicketRow,
    pub watchers: Vec<String>,
    pub messages: Vec<TicketMessage>,
    #[serde(default)]
    pub outbound: Vec<OutboundMail>,
}

/// A notification about the ticket in the outbox (`crate::mail::outbox`), oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboundMail {
    /// `ticket_created`, `ticket_reply`, `ticket_resolved`, `assignee_reply`.
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub state: MailState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum MailState {
    /// Waiting for the sender.
    Queued,
    /// Sending failed; tried again later.
    Retrying {
        attempts: i32,
        error: String,
    },
    Sent {
        at: DateTime<Utc>,
    },
    /// Given up after the last retry.
    Failed {
        at: DateTime<Utc>,
        error: String,
    },
}

/// The queues of the tickets page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// Active tickets assigned to the user.
    Mine,
    /// Active tickets nobody works on yet.
    Unassigned,
    /// Every ticket, any status (unless filtered).
    #[default]
    All,
    /// Active tickets whose next due time is passed or within four hours, soonest first.
    BreachingSoon,
}

impl Queue {
    pub const ALL: [Queue; 4] = [Queue::Mine, Queue::Unassigned, Queue::All, Queue::BreachingSoon];

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Mine => "mine",
            Queue::Unassigned => "unassigned",
            Queue::All => "all",
            Queue::BreachingSoon => "breaching_soon",
        }
    }

    pub fn parse(s: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.as_str() == s)
    }
}

/// Where a page ends: `at` is the row's `updated_at`, or its due time in the
/// breaching-soon queue (soonest first there, newest first elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketQuery {
    pub queue: Queue,
    pub customer: Option<Uuid>,
    pub status: Option<TicketStatus>,
    /// Part of the title, or a ticket number.
    pub search: String,
    pub after: Option<TicketCursor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketPageRows {
    pub rows: Vec<TicketRow>,
    pub next: Option<TicketCursor>,
}

/// Tickets of a queue; a restricted staff member sees only their accounts' tickets.
#[server(prefix = "/api", endpoint = "tickets/list", input = Json)]
pub async fn list_tickets(query: TicketQuery) -> Result<TicketPageRows, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        if let Some(customer) = query.customer {
            crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        }
        db::page(&ctx.pool, &ctx.user, &query).await
    })
    .await
}

/// One ticket with its conversation.
#[server(prefix = "/api", endpoint = "tickets/get")]
pub async fn get_ticket(id: Uuid) -> Result<TicketDetail, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        let detail = db::detail(&ctx.pool, id).await?;
        crate::server::check_customer_scope(&ctx.pool, &ctx.user, detail.ticket.customer).await?;
        Ok(detail)
    })
    .await
}

/// Opens a ticket for `customer` once per `idempotency_key`; its due times come from the
/// customer's SLA and the ticket's priority.
#[server(prefix = "/api", endpoint = "tickets/create", input = Json)]
pub async fn create_ticket(idempotency_key: Uuid, customer: Uuid, ticket: TicketDraft) -> Result<TicketRow, AppError> {
    crate::server::gate_customer(Permission::WorkTickets, customer, |ctx| async move {
        let valid = ticket.validate()?;
        db::create(&ctx.pool, ctx.user.id, idempotency_key, customer, &valid).await
    })
    .await
}

/// Adds a public reply (to the contact and watchers) or an internal note, once per
/// `idempotency_key`. The first public reply by staff meets the first-response target;
/// a reply to a new ticket opens it.
#[server(prefix = "/api", endpoint = "tickets/message", input = Json)]
pub async fn add_message(
    idempotency_key: Uuid,
    ticket: Uuid,
    kind: MessageKind,
    body: String,
) -> Result<TicketDetail, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| {
        change(ctx, ticket, move |pool, user| async move {
            let body = domain::ticket::parse_body(&body).map_err(|e| AppError::from(vec![e.at("body")]))?;
            db::add_message(&pool, user, idempotency_key, ticket, kind, &body).await
        })
    })
    .await
}

/// Moves the ticket loaded at `version` to `status` (resolve, close, reopen, wait); the
/// resolution clock pauses while waiting on the customer and stops once resolved.
#[server(prefix = "/api", endpoint = "tickets/status", input = Json)]
pub async fn set_ticket_status(id: Uuid, version: i32, status: TicketStatus) -> Result<TicketDetail, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| {
        change(ctx, id, move |pool, user| async move {
            db::set_status(&pool, user, id, version, status).await
        })
    })
    .await
}

/// Assigns the ticket loaded at `version` to an active staff member, or to nobody.
#[server(prefix = "/api", endpoint = "tickets/assign", input = Json)]
pub async fn assign_ticket(id: Uuid, version: i32, assignee: Option<Uuid>) -> Result<TicketDetail, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| {
        change(ctx, id, move |pool, user| async move {
            db::assign(&pool, user, id, version, assignee).await
        })
    })
    .await
}

/// Changes the priority of the ticket loaded at `version`; its due times are computed again.
#[server(prefix = "/api", endpoint = "tickets/priority", input = Json)]
pub async fn set_ticket_priority(id: Uuid, version: i32, priority: Priority) -> Result<TicketDetail, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| {
        change(ctx, id, move |pool, user| async move {
            db::set_priority(&pool, user, id, version, priority).await
        })
    })
    .await
}

/// What every change of a ticket does around its write, once past the gate: the
/// ticket's scope (a restricted staff member reaches only their accounts' tickets), the
/// write, then the ticket as it now is.
#[cfg(feature = "ssr")]
async fn change<Fut>(
    ctx: crate::server::Ctx,
    id: Uuid,
    write: impl FnOnce(sqlx::PgPool, Uuid) -> Fut,
) -> Result<TicketDetail, AppError>
where
    Fut: std::future::Future<Output = Result<(), AppError>>,
{
    db::scope(&ctx, id).await?;
    write(ctx.pool.clone(), ctx.user.id).await?;
    db::detail(&ctx.pool, id).await
}

/// Merges the duplicate ticket loaded at `version` into the ticket numbered `into` (same
/// customer): its conversation moves there, and the duplicate is closed with a pointer.
#[server(prefix = "/api", endpoint = "tickets/merge", input = Json)]
pub async fn merge_ticket(id: Uuid, version: i32, into: String) -> Result<TicketDetail, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        db::scope(&ctx, id).await?;
        let target = db::merge(&ctx, id, version, into.trim()).await?;
        db::detail(&ctx.pool, target).await
    })
    .await
}
