//! Invoices and the invoice run (Sales & billing → Invoice runs, Invoices): start a run
//! for a cutoff, preview it grouped by bill-to customer with parked customers and their
//! reasons, approve, watch it finalise, read and cancel the documents. Admins and billing
//! admins (PRODUCT.md: "sales items, invoice runs, numbering"). The arithmetic is
//! `domain::charges` and `domain::invoice_draft`; the batch is `run` and `issue`.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod inputs;
#[cfg(feature = "ssr")]
pub mod issue;
#[cfg(feature = "ssr")]
pub mod run;

mod detail;
mod document;
mod list;
mod run_page;
mod runs_page;

pub use detail::InvoicePage;
pub use list::InvoicesPage;
pub use run_page::InvoiceRunPage;
pub use runs_page::InvoiceRunsPage;

/// `/invoices`, `/invoices/runs`, `/invoices/runs/{id}`, `/invoices/{id}`: the section's
/// pages behind one lazy route, chosen by the path (see `routes::InvoicesRoute`).
#[component]
pub fn InvoicesSection() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let path = Memo::new(move |_| location.pathname.get());
    move || {
        let p = path.get();
        let rest: Vec<&str> = p
            .trim_start_matches("/invoices")
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        match rest.as_slice() {
            [] => view! { <InvoicesPage /> }.into_any(),
            ["runs"] => view! { <InvoiceRunsPage /> }.into_any(),
            ["runs", id] => match id.parse::<Uuid>() {
                Ok(run) => view! { <InvoiceRunPage run=run /> }.into_any(),
                Err(_) => view! { <crate::shell::NotFound /> }.into_any(),
            },
            [id] => match id.parse::<Uuid>() {
                Ok(id) => view! { <InvoicePage id=id /> }.into_any(),
                Err(_) => view! { <crate::shell::NotFound /> }.into_any(),
            },
            _ => view! { <crate::shell::NotFound /> }.into_any(),
        }
    }
}

use chrono::{DateTime, NaiveDate, Utc};
use domain::charges::Blocker;
use domain::invoice_draft::{CustomerDraft, DraftDocument};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunCounts {
    pub pending: i64,
    pub ready: i64,
    pub empty: i64,
    pub parked: i64,
    pub done: i64,
    pub changed: i64,
    pub total: i64,
}

/// A run and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunStatus {
    pub id: Uuid,
    pub cutoff: NaiveDate,
    /// previewing, previewed, finalising, finished.
    pub status: String,
    pub issue_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub counts: RunCounts,
    /// Net per currency of the documents to issue (previewed) or issued.
    pub totals: Vec<(String, Decimal)>,
    pub documents: i64,
}

impl RunStatus {
    /// `(done, total)` of the step in progress, for the progress bar.
    pub fn progress(&self) -> (i64, i64) {
        let c = &self.counts;
        match self.status.as_str() {
            "finalising" | "finished" => (c.total - c.ready, c.total),
            _ => (c.total - c.pending, c.total),
        }
    }

    pub fn busy(&self) -> bool {
        matches!(self.status.as_str(), "previewing" | "finalising")
    }
}

/// Why a customer is parked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ParkReason {
    BillingInfo,
    Blockers(Vec<Blocker>),
    /// Finalising failed (the server log has the details); the code when it was a known one.
    Error(Option<String>),
}

/// One bill-to customer of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunCustomerRow {
    pub customer: Uuid,
    pub name: String,
    /// pending, ready, empty, parked, done, changed.
    pub state: String,
    pub reason: Option<ParkReason>,
    pub documents: i32,
    pub lines: i32,
    pub net: Vec<(String, Decimal)>,
    pub invoice_ids: Vec<Uuid>,
}

/// One customer's draft as previewed, and (when it changed after approval) as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunCustomerDetail {
    pub row: RunCustomerRow,
    pub draft: CustomerDraft,
    pub draft_now: Option<CustomerDraft>,
    /// Names of the customers the lines are for (the bill-to and its children).
    pub names: Vec<(Uuid, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub id: Uuid,
    pub number: String,
    /// invoice or credit_note.
    pub kind: String,
    /// issued or cancelled.
    pub status: String,
    pub issue_date: NaiveDate,
    pub customer: Uuid,
    pub customer_name: String,
    pub currency: String,
    pub net: Decimal,
    pub gross: Decimal,
    pub run: Option<Uuid>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InvoiceFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub run: Option<Uuid>,
    pub customer: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: u32,
}

/// A time entry a document lists: on a line (`line`) or in the appendix at €0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppendixEntry {
    pub id: Uuid,
    pub work_date: NaiveDate,
    pub minutes: i32,
    pub billable_minutes: i32,
    pub user: String,
    pub notes: String,
    pub line: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub row: InvoiceRow,
    pub due_date: NaiveDate,
    /// The seller and buyer as frozen on the document.
    pub seller: serde_json::Value,
    pub buyer: serde_json::Value,
    pub language: String,
    pub document: DraftDocument,
    pub names: Vec<(Uuid, String)>,
    /// The invoice a credit note corrects, and the credit note that cancelled an invoice.
    pub corrects: Option<(Uuid, String)>,
    pub cancelled_by: Option<(Uuid, String)>,
    pub entries: Vec<AppendixEntry>,
}

/// Today in the MSP's time zone (the company's setting), the date documents carry.
#[cfg(feature = "ssr")]
pub async fn today(pool: &sqlx::PgPool) -> Result<NaiveDate, AppError> {
    let zone: Option<(String,)> = sqlx::query_as("select time_zone from company")
        .fetch_optional(pool)
        .await?;
    let tz: chrono_tz::Tz = zone
        .and_then(|(z,)| z.parse().ok())
        .unwrap_or(chrono_tz::Europe::Berlin);
    Ok(Utc::now().with_timezone(&tz).date_naive())
}

/// Starts a run for `cutoff`: its preview is computed in the background (poll `status`).
/// Refuses (422) until the company is complete and the numbering was reviewed.
#[server(prefix = "/api", endpoint = "invoices/runs/start", input = Json)]
pub async fn start_run(cutoff: NaiveDate) -> Result<RunStatus, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        let id = run::start(&ctx.pool, cutoff, Some(ctx.user.id)).await?;
        db::status(&ctx.pool, id).await
    })
    .await
}

/// The latest runs, newest first.
#[server(prefix = "/api", endpoint = "invoices/runs/list")]
pub async fn list_runs() -> Result<Vec<RunStatus>, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move { db::runs(&ctx.pool).await }).await
}

/// Where a run stands (the progress bar polls it).
#[server(prefix = "/api", endpoint = "invoices/runs/status", input = Json)]
pub async fn get_run(run: Uuid) -> Result<RunStatus, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        db::status(&ctx.pool, run).await
    })
    .await
}

/// A page (50, one more when there are more) of a run's customers, parked first.
#[server(prefix = "/api", endpoint = "invoices/runs/customers", input = Json)]
pub async fn run_customers(run: Uuid, state: Option<String>, page: u32) -> Result<Vec<RunCustomerRow>, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        db::customers(&ctx.pool, run, state.as_deref().filter(|s| !s.is_empty()), page).await
    })
    .await
}

/// One customer's preview: its documents and lines.
#[server(prefix = "/api", endpoint = "invoices/runs/customer", input = Json)]
pub async fn run_customer(run: Uuid, customer: Uuid) -> Result<RunCustomerDetail, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        db::customer(&ctx.pool, run, customer).await
    })
    .await
}

/// Recomputes one customer's preview (after its billing info was added from the preview).
#[server(prefix = "/api", endpoint = "invoices/runs/recompute", input = Json)]
pub async fn recompute_customer(run: Uuid, customer: Uuid) -> Result<RunCustomerDetail, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        run::recompute(&ctx.pool, run, customer).await?;
        db::customer(&ctx.pool, run, customer).await
    })
    .await
}

/// Approves a previewed run: its documents are issued in the background, dated today.
/// 409 when the run is not (or no longer) previewed.
#[server(prefix = "/api", endpoint = "invoices/runs/approve", input = Json)]
pub async fn approve_run(run: Uuid) -> Result<RunStatus, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        let today = today(&ctx.pool).await?;
        run::approve(&ctx.pool, run, Some(ctx.user.id), today).await?;
        db::status(&ctx.pool, run).await
    })
    .await
}

/// Issued documents, newest first (50 a page, one more when there are more).
#[server(prefix = "/api", endpoint = "invoices/list", input = Json)]
pub async fn list_invoices(filter: InvoiceFilter) -> Result<Vec<InvoiceRow>, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        db::list(&ctx.pool, &filter).await
    })
    .await
}

/// One document with its lines, VAT and the time it lists.
#[server(prefix = "/api", endpoint = "invoices/get", input = Json)]
pub async fn get_invoice(id: Uuid) -> Result<InvoiceDetail, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        db::invoice(&ctx.pool, id).await
    })
    .await
}

/// Cancels an issued invoice with a full credit note (returned); its charges become
/// billable again. 422 `invoice.not_cancellable` for a credit note or a cancelled invoice.
#[server(prefix = "/api", endpoint = "invoices/cancel", input = Json)]
pub async fn cancel_invoice(id: Uuid) -> Result<InvoiceDetail, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        let today = today(&ctx.pool).await?;
        let mut tx = ctx.pool.begin().await?;
        let credit = issue::cancel(&mut tx, id, today, ctx.user.id).await?;
        tx.commit().await?;
        db::invoice(&ctx.pool, credit).await
    })
    .await
}
