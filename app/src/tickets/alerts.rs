//! The SLA alert job: a warning when 80 % of a target is used up, a breach when it is
//! passed, each once per ticket and target. Any number of server processes run it: each
//! claims due tickets with `FOR UPDATE SKIP LOCKED` and marks what it raised in the same
//! transaction, so nothing is raised twice and a crash between claim and commit raises it
//! again on the next round.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;

/// Tickets handled per transaction.
const BATCH: i64 = 500;

#[derive(sqlx::FromRow)]
struct Pending {
    id: Uuid,
    first_response_at: Option<DateTime<Utc>>,
    first_response_warn: Option<DateTime<Utc>>,
    first_response_due: Option<DateTime<Utc>>,
    first_response_warned_at: Option<DateTime<Utc>>,
    first_response_breached_at: Option<DateTime<Utc>>,
    resolution_warn: Option<DateTime<Utc>>,
    resolution_due: Option<DateTime<Utc>>,
    resolution_warned_at: Option<DateTime<Utc>>,
    resolution_breached_at: Option<DateTime<Utc>>,
}

/// One alert raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub ticket: Uuid,
    /// `sla_warning` or `sla_breach`.
    pub kind: &'static str,
    /// `first_response` or `resolution`.
    pub target: &'static str,
}

/// Raises every alert that is due at `now`; returns what it raised.
pub async fn raise_due(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<Raised>, AppError> {
    let mut all = Vec::new();
    loop {
        let mut tx = pool.begin().await?;
        let pending: Vec<Pending> = sqlx::query_as(
            "select id, first_response_at, first_response_warn, first_response_due, first_response_warned_at,
                    first_response_breached_at, resolution_warn, resolution_due, resolution_warned_at,
                    resolution_breached_at
               from tickets where next_alert <= $1
              order by next_alert limit $2 for update skip locked",
        )
        .bind(now)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let done = pending.len() < BATCH as usize;
        for p in &pending {
            let due = |at: Option<DateTime<Utc>>, raised: Option<DateTime<Utc>>| {
                raised.is_none() && at.is_some_and(|a| a <= now)
            };
            let open = p.first_response_at.is_none();
            let raised = [
                (
                    open && due(p.first_response_warn, p.first_response_warned_at),
                    "sla_warning",
                    "first_response",
                ),
                (
                    open && due(p.first_response_due, p.first_response_breached_at),
                    "sla_breach",
                    "first_response",
                ),
                (
                    due(p.resolution_warn, p.resolution_warned_at),
                    "sla_warning",
                    "resolution",
                ),
                (
                    due(p.resolution_due, p.resolution_breached_at),
                    "sla_breach",
                    "resolution",
                ),
            ];
            for (_, kind, target) in raised.iter().filter(|r| r.0) {
                all.push(Raised {
                    ticket: p.id,
                    kind,
                    target,
                });
                sqlx::query(
                    "insert into ticket_events (ticket_id, kind, detail) values ($1, $2, jsonb_build_object('target', $3::text))",
                )
                .bind(p.id)
                .bind(kind)
                .bind(target)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "update tickets set
                    first_response_warned_at = case when $2 then $6 else first_response_warned_at end,
                    first_response_breached_at = case when $3 then $6 else first_response_breached_at end,
                    resolution_warned_at = case when $4 then $6 else resolution_warned_at end,
                    resolution_breached_at = case when $5 then $6 else resolution_breached_at end
                  where id = $1",
            )
            .bind(p.id)
            .bind(raised[0].0)
            .bind(raised[1].0)
            .bind(raised[2].0)
            .bind(raised[3].0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        if done {
            return Ok(all);
        }
    }
}
