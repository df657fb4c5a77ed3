//! Contracts as their own feature: the list of all contracts (Sales & billing → Contracts),
//! one contract's page, and the editor the new-customer wizard shares. Reading is for
//! everyone who reads billing (technicians too, restricted ones for their accounts);
//! writing is for admins and billing admins. A new contract passes the billing-info gate;
//! a change of a part's terms is a new version from a date (`domain::contract_change`).

mod bulk;
#[cfg(feature = "ssr")]
pub mod db;
pub mod editor;
mod list;
mod new;
mod page;
mod part_change;
pub mod uncovered;

pub use bulk::BulkContractsPage;
pub use list::ContractsPage;
pub use page::{ContractPage, can_edit};

use chrono::NaiveDate;
use domain::{ContractDraft, ContractPartDraft, ContractStatus, PartVersionDraft};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// Rows per page of the list.
pub const PAGE_SIZE: usize = 50;

/// "In force" in SQL — active and not ended by `today` — for the contract aliased `k`,
/// `today` being an SQL expression (a parameter such as `$2`): what
/// `ContractStatus::on` calls `Active`, written once for every query that asks it (the
/// banner, the customer list's filter, the customer page, block top-ups, the family view).
#[cfg(feature = "ssr")]
pub fn in_force_sql(k: &str, today: &str) -> String {
    format!("({k}.active and ({k}.end_date is null or {k}.end_date >= {today}))")
}

/// [`in_force_sql`] with `today` bound as a parameter.
#[cfg(feature = "ssr")]
pub fn push_in_force(b: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>, k: &str, today: NaiveDate) {
    b.push(format!("({k}.active and ({k}.end_date is null or {k}.end_date >= "))
        .push_bind(today)
        .push("))");
}

/// Days ahead that count as "ending soon".
pub const ENDING_SOON_DAYS: i64 = 60;

/// Which contracts the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContractQuery {
    pub customer: Option<Uuid>,
    /// A contract type (`retainer`, …): contracts with at least one part of it.
    pub contract_type: Option<String>,
    pub status: Option<ContractStatus>,
    /// Active contracts whose end date lies within [`ENDING_SOON_DAYS`].
    pub ending_soon: bool,
    pub after: Option<ContractCursor>,
}

/// Keyset paging on (lower(name), id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractCursor {
    pub name: String,
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractListRow {
    pub id: Uuid,
    pub customer: Uuid,
    pub customer_name: String,
    pub name: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub billing_cycle: String,
    pub currency: String,
    pub status: ContractStatus,
    /// The types of its parts, in part order, without repeats.
    pub types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractListPage {
    pub rows: Vec<ContractListRow>,
    pub next: Option<ContractCursor>,
}

/// One version of a part, as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartVersionRow {
    pub valid_from: NaiveDate,
    pub part: ContractPartDraft,
    pub saved_by: Option<String>,
    pub saved_at: chrono::DateTime<chrono::Utc>,
}

/// A part with its history, newest version first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartDetail {
    pub id: Uuid,
    pub versions: Vec<PartVersionRow>,
    /// The latest reading of the linked service, when it has one: (quantity, date).
    pub latest_reading: Option<(String, NaiveDate)>,
}

/// A contract as its page shows it: the header in editable form (with the parts' latest
/// versions), the parts' histories and where billing stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractDetail {
    pub id: Uuid,
    pub version: i32,
    pub customer: Uuid,
    pub customer_name: String,
    pub draft: ContractDraft,
    pub status: ContractStatus,
    pub billed_through: Option<NaiveDate>,
    /// Where a change takes effect unless the user picks another day.
    pub change_from: NaiveDate,
    pub parts: Vec<PartDetail>,
}

/// A contract's id and its new version, after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub id: Uuid,
    pub version: i32,
}

/// The list, sorted by contract name.
#[server(prefix = "/api", endpoint = "contracts/list", input = Json)]
pub async fn list_contracts(query: ContractQuery) -> Result<ContractListPage, AppError> {
    crate::server::gate(Permission::ReadBilling, |ctx| async move {
        if let Some(customer) = query.customer {
            crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        }
        db::page(&ctx.pool, &ctx.user, &query, crate::server::today()).await
    })
    .await
}

/// One contract.
#[server(prefix = "/api", endpoint = "contracts/get")]
pub async fn get_contract(id: Uuid) -> Result<ContractDetail, AppError> {
    crate::server::gate(Permission::ReadBilling, |ctx| async move {
        let customer = db::customer_of(&ctx.pool, id).await?;
        crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        db::detail(&ctx.pool, id, crate::server::today()).await
    })
    .await
}

/// Creates a contract for an existing customer once per `idempotency_key`; `active`
/// false keeps it as a draft the invoice run skips. Refused with `billing_info_required`
/// (nothing written) while the customer's billing info is incomplete. `unless_covered`
/// (the bulk wizard, for customers chosen without a contract): refused with
/// `contract.customer_covered` when the customer has a contract in force by now.
#[server(prefix = "/api", endpoint = "contracts/create", input = Json)]
pub async fn create_contract(
    idempotency_key: Uuid,
    customer: Uuid,
    contract: ContractDraft,
    active: bool,
    unless_covered: Option<bool>,
) -> Result<Saved, AppError> {
    crate::server::gate_customer(Permission::EditBilling, customer, |ctx| async move {
        let valid = contract.validate()?;
        let unless_covered = unless_covered.unwrap_or(false);
        db::create(&ctx, idempotency_key, customer, &valid, active, unless_covered).await
    })
    .await
}

/// Saves the header (name, period, cycle, timing, currency, payment, rounding, notes) of a
/// contract loaded at `version`. Parts change through [`change_part`] and [`add_part`].
#[server(prefix = "/api", endpoint = "contracts/save-header", input = Json)]
pub async fn save_contract_header(id: Uuid, version: i32, contract: ContractDraft) -> Result<Saved, AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        let valid = contract.validate()?;
        db::save_header(&ctx, id, version, &valid.header).await
    })
    .await
}

/// A new version of part `part` from `change.valid_from`.
#[server(prefix = "/api", endpoint = "contracts/change-part", input = Json)]
pub async fn change_part(id: Uuid, version: i32, part: Uuid, change: PartVersionDraft) -> Result<Saved, AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        db::change_part(&ctx, id, version, Some(part), &change).await
    })
    .await
}

/// A new part, billed from `change.valid_from`.
#[server(prefix = "/api", endpoint = "contracts/add-part", input = Json)]
pub async fn add_part(id: Uuid, version: i32, change: PartVersionDraft) -> Result<Saved, AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        db::change_part(&ctx, id, version, None, &change).await
    })
    .await
}

/// Ends the contract on `end_date` (inclusive). Before the last billed day only with
/// `allow_credit` (the invoice run then credits the difference).
#[server(prefix = "/api", endpoint = "contracts/end", input = Json)]
pub async fn end_contract(id: Uuid, version: i32, end_date: String, allow_credit: bool) -> Result<Saved, AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        db::end(&ctx, id, version, &end_date, allow_credit).await
    })
    .await
}

/// Turns a draft into an active contract (billed from its start by the next run).
#[server(prefix = "/api", endpoint = "contracts/activate", input = Json)]
pub async fn activate_contract(id: Uuid, version: i32) -> Result<Saved, AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        db::activate(&ctx, id, version).await
    })
    .await
}
