//! Reading what is in use: a customer's readings for its page, the latest quantities the
//! contract wizard prefills parts with, and the banner count.
//!
//! "Latest" is BILLING.md's rule for the invoice run: the reading with the latest date on
//! or before the day asked about; of several sources on that date, the one recorded last.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use super::{ReadingRow, UsageOverview};
use crate::error::AppError;

/// How many readings the customer page lists.
const HISTORY: i64 = 100;

type Row = (
    String,
    String,
    Decimal,
    NaiveDate,
    String,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
    i64,
    Option<Decimal>,
);

fn reading(row: Row) -> ReadingRow {
    let (service_code, service_name, quantity, reading_date, source, external_ref, recorded_by, recorded_at, n, prev) =
        row;
    ReadingRow {
        service_code,
        service_name,
        quantity,
        reading_date,
        source,
        external_ref,
        recorded_by,
        recorded_at,
        replacements: n,
        previous_quantity: prev,
    }
}

/// The columns of a [`ReadingRow`] for readings `r` (with services `s`, users `u`).
const COLUMNS: &str = "s.code, s.name, r.quantity, r.reading_date, r.source, r.external_ref, u.name, r.recorded_at,
        (select count(*) from usage_reading_replacements h where h.reading_id = r.id),
        (select h.quantity from usage_reading_replacements h where h.reading_id = r.id
          order by h.replaced_at desc limit 1)";

pub async fn customer_usage(pool: &PgPool, customer: Uuid) -> Result<UsageOverview, AppError> {
    let latest: Vec<Row> = sqlx::query_as(&format!(
        "select {COLUMNS} from (
             select distinct on (service_id) * from usage_readings
              where customer_id = $1 and reading_date <= $2
              order by service_id, reading_date desc, recorded_at desc, source desc) r
           join services s on s.id = r.service_id
           left join users u on u.id = r.recorded_by
          order by lower(s.name), s.code"
    ))
    .bind(customer)
    .bind(super::ingest::today())
    .fetch_all(pool)
    .await?;
    let history: Vec<Row> = sqlx::query_as(&format!(
        "select {COLUMNS} from usage_readings r
           join services s on s.id = r.service_id
           left join users u on u.id = r.recorded_by
          where r.customer_id = $1
          order by r.reading_date desc, r.recorded_at desc, r.id
          limit {HISTORY}"
    ))
    .bind(customer)
    .fetch_all(pool)
    .await?;
    Ok(UsageOverview {
        latest: latest.into_iter().map(reading).collect(),
        history: history.into_iter().map(reading).collect(),
    })
}

/// The latest quantity and its date of every service each customer has readings of, as of
/// today: `(customer, service code) → (quantity, date)`. What the contract wizard prefills
/// a new contract's parts with.
pub async fn latest_quantities(
    pool: &PgPool,
    customers: &[Uuid],
) -> Result<HashMap<(Uuid, String), (Decimal, NaiveDate)>, AppError> {
    latest_quantities_on(pool, customers, super::ingest::today()).await
}

/// [`latest_quantities`] as of `day` (a billing period's last day, for the invoice run).
pub async fn latest_quantities_on(
    pool: &PgPool,
    customers: &[Uuid],
    day: NaiveDate,
) -> Result<HashMap<(Uuid, String), (Decimal, NaiveDate)>, AppError> {
    let rows: Vec<(Uuid, String, Decimal, NaiveDate)> = sqlx::query_as(
        "select r.customer_id, s.code, r.quantity, r.reading_date from (
             select distinct on (customer_id, service_id) customer_id, service_id, quantity, reading_date
               from usage_readings
              where customer_id = any($1) and reading_date <= $2
              order by customer_id, service_id, reading_date desc, recorded_at desc, source desc) r
           join services s on s.id = r.service_id",
    )
    .bind(customers)
    .bind(day)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(customer, code, quantity, date)| ((customer, code), (quantity, date)))
        .collect())
}
