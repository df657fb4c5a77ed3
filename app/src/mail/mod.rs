//! E-mail in: one ingestion path (`intake`) for every transport — `POST /api/inbound/email`
//! with an API token (`http`), `onboard mail-ingest` reading standard input (the server's
//! CLI) — with the message parsed by `parse`, routed by `domain::mail_route` and its
//! attachments kept by `store`. What routing cannot place waits in the review queue
//! (Service desk → Review, `review`), where staff assign it to a customer in one step or
//! dismiss it.

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod intake;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod parse;
mod review;
#[cfg(feature = "ssr")]
pub mod store;

pub use review::ReviewPage;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// Rows per page of the review queue.
pub const PAGE_SIZE: usize = 50;

/// A message waiting in the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub id: Uuid,
    pub received_at: DateTime<Utc>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: Option<String>,
    /// `unknown_sender`, `webmail`, `ambiguous_domain`, `not_main_contact`, `unparseable`.
    pub reason: String,
    /// The customer it was meant for, when routing knew.
    pub customer: Option<Uuid>,
    pub customer_name: Option<String>,
    /// The start of its text.
    pub excerpt: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewPageRows {
    pub rows: Vec<ReviewRow>,
    pub next: Option<ReviewCursor>,
}

/// The review queue, newest first. Staff restricted to their accounts see only messages
/// meant for one of their customers (an unknown sender's could be anyone's).
#[server(prefix = "/api", endpoint = "mail/review/list", input = Json)]
pub async fn list_review(after: Option<ReviewCursor>) -> Result<ReviewPageRows, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        let mut b = sqlx::QueryBuilder::<sqlx::Postgres>::new(
            "select m.id, m.received_at, m.from_address, m.from_name, m.subject, coalesce(m.reason, '') as reason,
                    m.customer_id, c.name as customer_name, left(coalesce(m.body, ''), 300) as excerpt
               from inbound_messages m left join customers c on c.id = m.customer_id
              where m.outcome = 'review' and m.handled_at is null",
        );
        if let Some(a) = after {
            b.push(" and (m.received_at, m.id) < (")
                .push_bind(a.at)
                .push(", ")
                .push_bind(a.id)
                .push(")");
        }
        if ctx.user.restricted {
            b.push(" and c.id is not null");
            crate::customers::list::push_scope(&mut b, &ctx.user);
        }
        b.push(" order by m.received_at desc, m.id desc limit ")
            .push_bind(PAGE_SIZE as i64 + 1);
        type Raw = (
            Uuid,
            DateTime<Utc>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            Option<Uuid>,
            Option<String>,
            String,
        );
        let mut raw: Vec<Raw> = b.build_query_as().fetch_all(&ctx.pool).await?;
        let next = crate::server::next_page(&mut raw, PAGE_SIZE, |r| ReviewCursor { at: r.1, id: r.0 });
        Ok(ReviewPageRows {
            rows: raw
                .into_iter()
                .map(|r| ReviewRow {
                    id: r.0,
                    received_at: r.1,
                    from_address: r.2,
                    from_name: r.3,
                    subject: r.4,
                    reason: r.5,
                    customer: r.6,
                    customer_name: r.7,
                    excerpt: r.8,
                })
                .collect(),
            next,
        })
    })
    .await
}

/// Opens a ticket for `customer` from a message in the review queue, from `contact` (or a
/// contact made from the sender's address); answers the ticket's id.
#[server(prefix = "/api", endpoint = "mail/review/assign", input = Json)]
pub async fn assign_review(message: Uuid, customer: Uuid, contact: Option<Uuid>) -> Result<Uuid, AppError> {
    crate::server::gate_customer(Permission::WorkTickets, customer, |ctx| async move {
        if ctx.user.restricted {
            // Restricted staff handle only what was meant for one of their customers.
            let meant: Option<Option<Uuid>> =
                sqlx::query_scalar("select customer_id from inbound_messages where id = $1")
                    .bind(message)
                    .fetch_optional(&ctx.pool)
                    .await?;
            match meant.ok_or(AppError::NotFound)? {
                Some(c) => crate::server::check_customer_scope(&ctx.pool, &ctx.user, c).await?,
                None => return Err(AppError::Forbidden),
            }
        }
        intake::assign(
            &ctx.pool,
            &ctx.state.mail_domain,
            ctx.user.id,
            message,
            customer,
            contact,
        )
        .await
    })
    .await
}

/// Takes a message out of the review queue without a ticket (spam, nothing to do).
#[server(prefix = "/api", endpoint = "mail/review/dismiss", input = Json)]
pub async fn dismiss_review(message: Uuid) -> Result<(), AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        let customer: Option<Option<Uuid>> = sqlx::query_scalar(
            "select customer_id from inbound_messages where id = $1 and outcome = 'review' and handled_at is null",
        )
        .bind(message)
        .fetch_optional(&ctx.pool)
        .await?;
        match customer {
            None => return Err(AppError::NotFound),
            Some(Some(c)) => crate::server::check_customer_scope(&ctx.pool, &ctx.user, c).await?,
            // Meant for nobody known: only staff who see every customer decide on it.
            Some(None) if ctx.user.restricted => return Err(AppError::Forbidden),
            Some(None) => {}
        }
        sqlx::query(
            "update inbound_messages set handled_at = now(), handled_by = $2 where id = $1 and handled_at is null",
        )
        .bind(message)
        .bind(ctx.user.id)
        .execute(&ctx.pool)
        .await?;
        Ok(())
    })
    .await
}
