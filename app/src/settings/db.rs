//! Queries for shared SLAs and alert profiles (rows with no customer).

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use uuid::Uuid;

use super::Stored;
use crate::error::AppError;

pub const SLAS: &str = "slas";
pub const PROFILES: &str = "alert_profiles";

pub async fn list<T: DeserializeOwned>(pool: &PgPool, table: &'static str) -> Result<Vec<Stored<T>>, AppError> {
    let rows: Vec<(Uuid, i32, serde_json::Value)> = sqlx::query_as(&format!(
        "select id, version, definition from {table} where customer_id is null order by lower(name)"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, version, json)| {
            let definition =
                serde_json::from_value(json).map_err(|e| crate::server::internal("stored definition", e))?;
            Ok(Stored {
                id,
                version,
                definition,
            })
        })
        .collect()
}

pub async fn save<T: Serialize>(
    pool: &PgPool,
    table: &'static str,
    id: Option<Uuid>,
    version: Option<i32>,
    name: &str,
    definition: &T,
) -> Result<Uuid, AppError> {
    let json = serde_json::to_value(definition).map_err(|e| crate::server::internal("definition", e))?;
    match id {
        None => Ok(sqlx::query_scalar(&format!(
            "insert into {table} (name, definition) values ($1, $2) returning id"
        ))
        .bind(name)
        .bind(json)
        .fetch_one(pool)
        .await?),
        Some(id) => {
            let updated: Option<Uuid> = sqlx::query_scalar(&format!(
                "update {table} set name = $3, definition = $4, version = version + 1, updated_at = now()
                 where id = $1 and version = $2 and customer_id is null returning id"
            ))
            .bind(id)
            .bind(version.unwrap_or(-1))
            .bind(name)
            .bind(json)
            .fetch_optional(pool)
            .await?;
            match updated {
                Some(id) => Ok(id),
                None => {
                    let exists: bool = sqlx::query_scalar(&format!(
                        "select exists(select 1 from {table} where id = $1 and customer_id is null)"
                    ))
                    .bind(id)
                    .fetch_one(pool)
                    .await?;
                    Err(if exists { AppError::Conflict } else { AppError::NotFound })
                }
            }
        }
    }
}
