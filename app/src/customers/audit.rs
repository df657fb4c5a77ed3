//! The audit trail: who changed what and when on a customer, its contacts, its billing
//! info and its access settings. Written by every save (see `edit.rs`), shown on Overview.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// One field of one change: its form path and the values before and after, as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    /// `customer`, `contact`, `billing`, `access` or `portal`.
    pub entity: String,
    /// `created`, `updated`, `archived`, `restored`, `main_contact`, …
    pub action: String,
    /// For a contact: their name, so the entry reads on its own.
    pub subject: Option<String>,
    pub changes: Vec<AuditChange>,
}

/// The newest 50 entries older than `before` (an entry id; none for the newest).
#[server(prefix = "/api", endpoint = "customers/history")]
pub async fn customer_history(customer: Uuid, before: Option<i64>) -> Result<Vec<AuditView>, AppError> {
    crate::server::gate_customer(crate::auth::Permission::SeeCustomers, customer, |ctx| async move {
        type Row = (
            i64,
            DateTime<Utc>,
            Option<String>,
            String,
            String,
            Option<String>,
            serde_json::Value,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "select a.id, a.at, u.name, a.entity, a.action,
                    (select k.first_name || ' ' || k.last_name from contacts k
                      where a.entity = 'contact' and k.id = a.entity_id),
                    a.changes
               from audit_log a left join users u on u.id = a.actor_id
              where a.customer_id = $1 and ($2::bigint is null or a.id < $2)
              order by a.id desc limit 50",
        )
        .bind(customer)
        .bind(before)
        .fetch_all(&ctx.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, at, actor, entity, action, subject, changes)| AuditView {
                id,
                at,
                actor,
                entity,
                action,
                subject,
                changes: serde_json::from_value(changes).unwrap_or_default(),
            })
            .collect())
    })
    .await
}
