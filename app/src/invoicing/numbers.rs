//! Invoice numbers (BILLING.md, "Numbers"): given only at finalisation, inside the
//! document's own transaction, by locking the series row as the *last* step before the
//! commit. A transaction that rolls back gives its number back with its lock, the next
//! one waits for the lock and takes the same number: gapless and strictly increasing per
//! series (and year, when it restarts yearly), however many processes finalise at once.

use domain::numbering::{NumberFormat, SeriesCounter};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

/// Takes the next number of `series` for a document dated in `year`. Call it last in the
/// document's transaction and commit right after: the row stays locked until then.
pub async fn take(conn: &mut PgConnection, series: Uuid, year: i32) -> Result<String, AppError> {
    let (format, next, counter_year, yearly_reset): (String, i64, Option<i32>, bool) = sqlx::query_as(
        "select format, next_number, counter_year, yearly_reset from invoice_series where id = $1 for update",
    )
    .bind(series)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let counter = SeriesCounter {
        next: next as u64,
        year: counter_year,
        yearly_reset,
    };
    let (number, after) = counter.take(year).map_err(|e| AppError::from(vec![e.at("date")]))?;
    let format =
        NumberFormat::parse(&format).map_err(|e| crate::server::internal("stored number format", format!("{e:?}")))?;
    sqlx::query("update invoice_series set next_number = $2, counter_year = $3, issued = issued + 1 where id = $1")
        .bind(series)
        .bind(after.next as i64)
        .bind(after.year)
        .execute(&mut *conn)
        .await?;
    Ok(format.render(year, number))
}
