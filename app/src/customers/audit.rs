//! The audit trail: who changed what and when on a customer, its contacts, its billing
//! info and its access settings. Written by every save (see `edit.rs`), shown on Overview.

#[cfg(feature = "ssr")]
use chrono::Datelike;
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
    /// Where the next page starts: pass it as `before` for the entries older than this one.
    pub cursor: String,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    /// `customer`, `contact`, `billing`, `access` or `portal`.
    pub entity: String,
    /// `created`, `updated`, `archived`, `restored`, `main_contact`, `imported`, …
    pub action: String,
    /// For a contact: their name, so the entry reads on its own.
    pub subject: Option<String>,
    /// For a record an import created: the file's name.
    pub file_name: Option<String>,
    pub changes: Vec<AuditChange>,
}

/// A position in the trail: entries are ordered by time, then audit id, then record (the
/// entries of records an import created have no audit row and share the import's time).
#[cfg(feature = "ssr")]
struct Cursor {
    at: DateTime<Utc>,
    id: i64,
    entity_id: Uuid,
}

#[cfg(feature = "ssr")]
impl Cursor {
    fn encode(&self) -> String {
        format!("{}.{}.{}", self.at.timestamp_micros(), self.id, self.entity_id)
    }

    fn decode(s: &str) -> Option<Self> {
        let mut parts = s.splitn(3, '.');
        // Only times PostgreSQL can compare (a year before 4713 BC would be its error).
        let micros: i64 = parts.next()?.parse().ok()?;
        let at = DateTime::from_timestamp_micros(micros).filter(|at| (1..=9999).contains(&at.year()))?;
        let id = parts.next()?.parse().ok()?;
        let entity_id = parts.next()?.parse().ok()?;
        Some(Cursor { at, id, entity_id })
    }
}

/// The newest 50 entries older than `before` (a `cursor` of an earlier page; none for the
/// newest). Besides the audit rows, a customer or contact an import created shows one
/// `imported` entry, from the import that carries it.
#[server(prefix = "/api", endpoint = "customers/history")]
pub async fn customer_history(customer: Uuid, before: Option<String>) -> Result<Vec<AuditView>, AppError> {
    crate::server::gate_customer(crate::auth::Permission::SeeCustomers, customer, |ctx| async move {
        let before = match before.as_deref().filter(|b| !b.is_empty()) {
            None => None,
            Some(b) => Some(Cursor::decode(b).ok_or_else(|| {
                AppError::validation(vec![crate::error::FieldProblem::new(
                    "before",
                    "history.cursor_invalid",
                )])
            })?),
        };
        type Row = (
            i64,
            DateTime<Utc>,
            Uuid,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            serde_json::Value,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "select e.id, e.at, e.entity_id, u.name, e.entity, e.action,
                    coalesce(e.subject,
                             (select k.first_name || ' ' || k.last_name from contacts k
                               where e.entity = 'contact' and k.id = e.entity_id),
                             -- A contact an undo removed: its name as the entry kept it.
                             (select string_agg(c ->> 'before', ' ' order by c ->> 'field')
                                from jsonb_array_elements(e.changes) c
                               where e.entity = 'contact' and e.action = 'import_undone'
                                 and c ->> 'field' in ('first_name', 'last_name'))),
                    e.file_name, e.changes
               from (select a.id, a.at, a.entity_id, a.actor_id, a.entity, a.action, null::text as subject,
                            null::text as file_name, a.changes
                       from audit_log a where a.customer_id = $1
                     union all
                     select 0, i.committed_at, c.id, i.committed_by, 'customer', 'imported', null, i.file_name, '[]'
                       from customers c join imports i on i.id = c.import_id
                      where c.id = $1 and i.committed_at is not null
                     union all
                     select 0, i.committed_at, k.id, i.committed_by, 'contact', 'imported',
                            k.first_name || ' ' || k.last_name, i.file_name, '[]'
                       from contacts k join imports i on i.id = k.import_id
                      where k.customer_id = $1 and i.committed_at is not null) e
               left join users u on u.id = e.actor_id
              where $2::timestamptz is null or (e.at, e.id, e.entity_id) < ($2, $3, $4)
              order by e.at desc, e.id desc, e.entity_id desc limit 50",
        )
        .bind(customer)
        .bind(before.as_ref().map(|c| c.at))
        .bind(before.as_ref().map(|c| c.id))
        .bind(before.as_ref().map(|c| c.entity_id))
        .fetch_all(&ctx.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, at, entity_id, actor, entity, action, subject, file_name, changes)| AuditView {
                    cursor: Cursor { at, id, entity_id }.encode(),
                    at,
                    actor,
                    entity,
                    action,
                    subject,
                    file_name,
                    changes: serde_json::from_value(changes).unwrap_or_default(),
                },
            )
            .collect())
    })
    .await
}
