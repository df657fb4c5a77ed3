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
    let mut one = take_many(conn, series, year, 1).await?;
    one.pop().ok_or(AppError::Internal)
}

/// Takes the next `n` numbers of `series` for documents dated in `year`, in order: one lock
/// and one update for a whole batch of a run. The same rules as [`take`].
pub async fn take_many(conn: &mut PgConnection, series: Uuid, year: i32, n: usize) -> Result<Vec<String>, AppError> {
    if n == 0 {
        return Ok(vec![]);
    }
    let (format, next, counter_year, yearly_reset): (String, i64, Option<i32>, bool) = sqlx::query_as(
        "select format, next_number, counter_year, yearly_reset from invoice_series where id = $1 for update",
    )
    .bind(series)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let format =
        NumberFormat::parse(&format).map_err(|e| crate::server::internal("stored number format", format!("{e:?}")))?;
    let mut counter = SeriesCounter {
        next: next as u64,
        year: counter_year,
        yearly_reset,
    };
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (number, after) = counter.take(year).map_err(|e| AppError::from(vec![e.at("date")]))?;
        out.push(format.render(year, number));
        counter = after;
    }
    sqlx::query("update invoice_series set next_number = $2, counter_year = $3, issued = issued + $4 where id = $1")
        .bind(series)
        .bind(counter.next as i64)
        .bind(counter.year)
        .bind(n as i64)
        .execute(&mut *conn)
        .await?;
    Ok(out)
}
