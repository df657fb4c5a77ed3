//! Settings → Invoicing: the MSP's own company (the seller every invoice names) and the
//! numbering series, which the first invoice run asks to review before any number is
//! given. Admins and billing admins (PRODUCT.md: "sales items, invoice runs, numbering").
//! `readiness` is what the invoice run checks before it starts; `numbers` gives numbers.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod numbers;
mod page;

pub use page::{InvoicingPage, SeriesCard};

use chrono::{DateTime, Utc};
use domain::company::{CompanyDraft, CompanyGap};
use domain::numbering::SeriesDraft;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// The company as the form edits it, with its version and what keeps it from invoicing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyForm {
    pub draft: CompanyDraft,
    /// `None` until the company was saved once.
    pub version: Option<i32>,
    pub missing: Vec<CompanyGap>,
}

/// A numbering series as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesRow {
    pub id: Uuid,
    pub version: i32,
    pub draft: SeriesDraft,
    /// The year the counter counts in (`None` before the first number).
    pub counter_year: Option<i32>,
    pub is_default: bool,
    /// Numbers given so far; once one is, format and counter are fixed.
    pub issued: i64,
    /// The number the next document of this year would get.
    pub next_example: String,
}

/// Whether invoices can be issued, as the invoice run asks before it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readiness {
    /// No company saved yet.
    pub company_missing: bool,
    /// What the saved company lacks.
    pub company_gaps: Vec<CompanyGap>,
    /// When and by whom the numbering was reviewed (the first run asks for it).
    pub numbering_confirmed: Option<(DateTime<Utc>, Option<String>)>,
}

impl Readiness {
    pub fn company_ready(&self) -> bool {
        !self.company_missing && self.company_gaps.is_empty()
    }
}

/// The company (a blank form before it was saved once).
#[server(prefix = "/api", endpoint = "invoicing/company/get")]
pub async fn get_company() -> Result<CompanyForm, AppError> {
    crate::server::gate(
        Permission::ManageSales,
        |ctx| async move { db::company(&ctx.pool).await },
    )
    .await
}

/// Saves the company loaded at `version` (`None`: the first save); a save over a newer
/// one is a conflict.
#[server(prefix = "/api", endpoint = "invoicing/company/save", input = Json)]
pub async fn save_company(version: Option<i32>, company: CompanyDraft) -> Result<CompanyForm, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        let valid = company.validate()?;
        db::save_company(&ctx.pool, ctx.user.id, version, &valid).await
    })
    .await
}

/// The numbering series, invoices first.
#[server(prefix = "/api", endpoint = "invoicing/series/list")]
pub async fn list_series() -> Result<Vec<SeriesRow>, AppError> {
    crate::server::gate(
        Permission::ManageSales,
        |ctx| async move { db::series(&ctx.pool).await },
    )
    .await
}

/// Creates (`id` empty) or changes a series loaded at `version`. Format and counter of a
/// series that has given numbers cannot change (422 `numbering.series_used`).
#[server(prefix = "/api", endpoint = "invoicing/series/save", input = Json)]
pub async fn save_series(id: Option<Uuid>, version: Option<i32>, series: SeriesDraft) -> Result<SeriesRow, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        let valid = series.validate()?;
        db::save_series(&ctx.pool, id, version, &valid).await
    })
    .await
}

/// Records that the numbering was reviewed and matches the accounting software.
#[server(prefix = "/api", endpoint = "invoicing/numbering/confirm", input = Json)]
pub async fn confirm_numbering() -> Result<Readiness, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        db::confirm_numbering(&ctx.pool, ctx.user.id).await?;
        db::readiness(&ctx.pool).await
    })
    .await
}

/// What the invoice run checks before it starts.
#[server(prefix = "/api", endpoint = "invoicing/readiness")]
pub async fn invoicing_readiness() -> Result<Readiness, AppError> {
    crate::server::gate(
        Permission::ManageSales,
        |ctx| async move { db::readiness(&ctx.pool).await },
    )
    .await
}
