//! Time entries (Service desk → Time, and the Time section of a ticket): technicians log
//! their work on a ticket or on a customer, submit it, and admins or billing admins
//! approve it by week, customer and staff member. Approval passes the billing-info gate
//! for each customer (`crate::server::billing_gate`) and freezes the billable minutes,
//! the contract, how it covers time and the rate (`domain::time_entry`). Un-approving is
//! possible until the invoice run bills an entry; invoiced entries are locked.

mod customer_time;
#[cfg(feature = "ssr")]
mod db;
mod form;
mod page;
mod table;
mod ticket_time;
mod timer;

pub use customer_time::CustomerTime;
pub use page::TimePage;
pub use ticket_time::TicketTime;

use chrono::NaiveDate;
use domain::{TimeCoverage, TimeEntryDraft, TimeEntryStatus};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

/// One entry as listed and edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeEntryRow {
    pub id: Uuid,
    pub version: i32,
    pub customer: Uuid,
    pub customer_name: String,
    pub ticket: Option<Uuid>,
    pub ticket_number: Option<String>,
    pub ticket_title: Option<String>,
    /// Whose work it is.
    pub user: Uuid,
    pub user_name: String,
    /// The entry in the form's terms (start, end, duration as typed).
    pub entry: TimeEntryDraft,
    pub minutes: u32,
    pub status: TimeEntryStatus,
    pub rejection_reason: Option<String>,
    /// Frozen at approval.
    pub billable_minutes: Option<u32>,
    pub coverage: Option<TimeCoverage>,
    pub rate: Option<String>,
    pub currency: Option<String>,
    pub contract: Option<Uuid>,
    pub contract_name: Option<String>,
    pub approved_by: Option<String>,
}

/// Where a page ends: keyset paging on (work date, id), newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeCursor {
    pub date: NaiveDate,
    pub id: Uuid,
}

/// Which entries a list shows; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeQuery {
    pub ticket: Option<Uuid>,
    pub customer: Option<Uuid>,
    /// One staff member's entries.
    pub user: Option<Uuid>,
    /// The signed-in user's own entries.
    pub mine: bool,
    pub status: Option<TimeEntryStatus>,
    /// The Monday of a week: entries worked in that week.
    pub week: Option<NaiveDate>,
    pub after: Option<TimeCursor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimePageRows {
    pub rows: Vec<TimeEntryRow>,
    pub next: Option<TimeCursor>,
}

/// An entry as the approver saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRef {
    pub id: Uuid,
    pub version: i32,
}

/// Time entries, newest first; staff restricted to their accounts see only theirs.
#[server(prefix = "/api", endpoint = "time/list", input = Json)]
pub async fn list_time(query: TimeQuery) -> Result<TimePageRows, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        if let Some(customer) = query.customer {
            crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        }
        db::page(&ctx.pool, &ctx.user, &query).await
    })
    .await
}

/// Logs time on `customer` (and on `ticket`, which must be that customer's) once per
/// `idempotency_key`; `submit` sends it for approval at once.
#[server(prefix = "/api", endpoint = "time/create", input = Json)]
pub async fn create_time_entry(
    idempotency_key: Uuid,
    customer: Uuid,
    ticket: Option<Uuid>,
    entry: TimeEntryDraft,
    submit: bool,
) -> Result<TimeEntryRow, AppError> {
    crate::server::gate_customer(Permission::WorkTickets, customer, |ctx| async move {
        let valid = entry.validate()?;
        db::create(&ctx, idempotency_key, customer, ticket, &valid, submit).await
    })
    .await
}

/// Changes one's own entry loaded at `version` while it is a draft or rejected (a
/// rejected entry becomes a draft again); `submit` sends it for approval.
#[server(prefix = "/api", endpoint = "time/save", input = Json)]
pub async fn save_time_entry(
    id: Uuid,
    version: i32,
    entry: TimeEntryDraft,
    submit: bool,
) -> Result<TimeEntryRow, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        let valid = entry.validate()?;
        db::save(&ctx, id, version, &valid, submit).await
    })
    .await
}

/// Deletes one's own entry while it is a draft or rejected.
#[server(prefix = "/api", endpoint = "time/delete", input = Json)]
pub async fn delete_time_entry(id: Uuid, version: i32) -> Result<(), AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        db::delete(&ctx, id, version).await
    })
    .await
}

/// Sends one's own draft or rejected entries for approval; answers how many went.
#[server(prefix = "/api", endpoint = "time/submit", input = Json)]
pub async fn submit_time_entries(entries: Vec<EntryRef>) -> Result<u32, AppError> {
    crate::server::gate(Permission::WorkTickets, |ctx| async move {
        db::submit(&ctx, &entries).await
    })
    .await
}

/// Approves submitted entries, all or none: each at the version shown, each customer's
/// billing info complete (else 409 `billing_info_required` for the first that lacks it,
/// nothing written). Freezes billable minutes, contract, coverage and rate.
#[server(prefix = "/api", endpoint = "time/approve", input = Json)]
pub async fn approve_time_entries(entries: Vec<EntryRef>) -> Result<Vec<TimeEntryRow>, AppError> {
    crate::server::gate(Permission::ApproveTime, |ctx| async move {
        db::approve(&ctx, &entries).await
    })
    .await
}

/// Sends a submitted entry back to its technician with a reason.
#[server(prefix = "/api", endpoint = "time/reject", input = Json)]
pub async fn reject_time_entry(id: Uuid, version: i32, reason: String) -> Result<TimeEntryRow, AppError> {
    crate::server::gate(Permission::ApproveTime, |ctx| async move {
        let reason = domain::time_entry::parse_reason(&reason).map_err(|e| AppError::from(vec![e.at("reason")]))?;
        db::reject(&ctx, id, version, &reason).await
    })
    .await
}

/// Takes an approval back while the entry is not invoiced: it is submitted again and
/// what approval froze is cleared.
#[server(prefix = "/api", endpoint = "time/unapprove", input = Json)]
pub async fn unapprove_time_entry(id: Uuid, version: i32) -> Result<TimeEntryRow, AppError> {
    crate::server::gate(Permission::ApproveTime, |ctx| async move {
        db::unapprove(&ctx, id, version).await
    })
    .await
}

/// The Monday of the week `day` falls in.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(week_of(d("2026-12-07")), d("2026-12-07"));
        assert_eq!(week_of(d("2026-12-13")), d("2026-12-07"));
        assert_eq!(week_of(d("2027-01-01")), d("2026-12-28"));
    }
}
