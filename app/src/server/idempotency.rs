//! Submissions that must happen once. The first request with a key claims it inside its
//! transaction; a retry with the same key waits for that transaction and then gets the
//! first result back instead of doing the work again.

use serde::{Serialize, de::DeserializeOwned};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

/// `Ok(None)`: the key is ours, do the work and [`finish`]. `Ok(Some(result))`: it was
/// done before, return that. A key used by someone else or for another endpoint is a conflict.
pub async fn claim<T: DeserializeOwned>(
    tx: &mut PgConnection,
    key: Uuid,
    user: Uuid,
    endpoint: &str,
) -> Result<Option<T>, AppError> {
    // A second request with the same key blocks here until the first commits (then
    // finds its result) or rolls back (then claims the key itself).
    let claimed = sqlx::query(
        "insert into idempotency_keys (key, user_id, endpoint) values ($1, $2, $3) on conflict (key) do nothing",
    )
    .bind(key)
    .bind(user)
    .bind(endpoint)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if claimed {
        return Ok(None);
    }
    let (owner, used_for, result): (Uuid, String, Option<serde_json::Value>) =
        sqlx::query_as("select user_id, endpoint, result from idempotency_keys where key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
    if owner != user || used_for != endpoint {
        return Err(AppError::Conflict);
    }
    result
        .and_then(|r| serde_json::from_value(r).ok())
        .map(Some)
        .ok_or(AppError::Conflict)
}

/// Stores the result for retries, in the same transaction as the work.
pub async fn finish<T: Serialize>(tx: &mut PgConnection, key: Uuid, result: &T) -> Result<(), AppError> {
    sqlx::query("update idempotency_keys set result = $2 where key = $1")
        .bind(key)
        .bind(serde_json::to_value(result).map_err(|e| super::internal("idempotency result", e))?)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
