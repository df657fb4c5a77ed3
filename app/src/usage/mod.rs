//! Services in use: dated usage readings per customer and catalogue service, which the
//! invoice run bills from (the latest reading on or before a period's last day) and the
//! contract wizard prefills parts with.
//!
//! Three ways in, one row parser (`domain::UsageReadingDraft::parse`) and one writer
//! (`ingest`):
//! - automation: `POST /api/usage/readings` with an API token (`http.rs`);
//! - a CSV file: `POST /api/usage/readings/csv` by staff with billing rights (`csv.rs`);
//! - by hand: the customer page's [`UsagePanel`] (`add_reading`).
//!
//! The same customer, service, date and source is one reading: sent again unchanged it is
//! a no-op, with another quantity it replaces the stored one, whose previous state is kept
//! (`usage_reading_replacements`, written by a trigger). A batch is all or nothing: every
//! row is checked first and nothing is written while any row has a problem, so a sender
//! fixes the rows and sends the same batch again.

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod ingest;
mod panel;

pub use panel::{UsageData, UsagePanel};

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// The most readings one request may carry.
pub const MAX_BATCH: usize = 5_000;

/// What writing one reading did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    /// The same quantity (and reference) was stored already: nothing written.
    Unchanged,
    /// Another quantity was stored for the same customer, service, date and source: the
    /// new one replaced it, the old one is in the reading's history.
    Replaced,
}

/// One reading as the customer page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadingRow {
    pub service_code: String,
    pub service_name: String,
    pub quantity: Decimal,
    pub reading_date: NaiveDate,
    pub source: String,
    pub external_ref: Option<String>,
    /// The staff member who recorded it, if one did (API and CSV readings say so in
    /// `source`).
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// How often it was replaced, and the quantity it had before the last replacement.
    pub replacements: i64,
    pub previous_quantity: Option<Decimal>,
}

/// A customer's services in use: the latest reading of each service (on or before today),
/// and the last readings of all, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageOverview {
    pub latest: Vec<ReadingRow>,
    pub history: Vec<ReadingRow>,
}

/// A reading typed by staff: the customer is the page's; the source is `manual`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManualReading {
    pub service_code: String,
    pub quantity: String,
    pub reading_date: String,
    pub external_ref: String,
}

impl ManualReading {
    /// The row the shared parser checks (the browser as typed, the server before writing).
    pub fn draft(&self, customer: Uuid) -> domain::UsageReadingDraft {
        domain::UsageReadingDraft {
            customer: domain::CustomerRefDraft {
                id: customer.to_string(),
                ..Default::default()
            },
            service_code: self.service_code.clone(),
            quantity: self.quantity.clone(),
            reading_date: self.reading_date.clone(),
            source: String::new(),
            external_ref: self.external_ref.clone(),
        }
    }
}

/// The customer's services in use and their reading history.
#[server(prefix = "/api", endpoint = "usage/customer")]
pub async fn customer_usage(customer: Uuid) -> Result<UsageOverview, AppError> {
    crate::server::gate_customer(crate::auth::Permission::ReadBilling, customer, |ctx| async move {
        db::customer_usage(&ctx.pool, customer).await
    })
    .await
}

/// Records a reading typed by staff (source `manual`).
#[server(prefix = "/api", endpoint = "usage/add", input = Json)]
pub async fn add_reading(customer: Uuid, reading: ManualReading) -> Result<Outcome, AppError> {
    crate::server::gate_customer(crate::auth::Permission::EditBilling, customer, |ctx| async move {
        let origin = ingest::Origin {
            source: "manual".into(),
            api_token: None,
            user: Some(ctx.user.id),
        };
        let rows = ingest::prepare(&ctx.pool, &[reading.draft(customer)], &origin, None)
            .await?
            .map_err(|problems| AppError::Validation {
                fields: problems.into_iter().map(|(_, e)| e.into()).collect(),
            })?;
        let outcomes = ingest::write(&ctx.pool, &rows, &origin).await?;
        outcomes.first().copied().ok_or(AppError::Internal)
    })
    .await
}
