//! Queries of the service catalogue.

use domain::{Service, ServiceDraft};
use sqlx::PgPool;
use uuid::Uuid;

use super::{CatalogueEntry, ServiceVersion};
use crate::error::AppError;

type Row = (Uuid, i32, serde_json::Value, chrono::DateTime<chrono::Utc>);

fn draft(json: serde_json::Value) -> Result<ServiceDraft, AppError> {
    serde_json::from_value(json).map_err(|e| crate::server::internal("stored service", e))
}

fn entry((id, version, json, updated_at): Row) -> Result<CatalogueEntry, AppError> {
    Ok(CatalogueEntry {
        id,
        version,
        service: draft(json)?,
        updated_at,
    })
}

pub async fn list(pool: &PgPool, include_archived: bool) -> Result<Vec<CatalogueEntry>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "select id, version, definition, updated_at from services
         where $1 or not archived order by lower(name), code",
    )
    .bind(include_archived)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(entry).collect()
}

/// Writes the service and its new version in one transaction.
pub async fn save(
    pool: &PgPool,
    user: Uuid,
    id: Option<Uuid>,
    version: Option<i32>,
    service: &Service,
) -> Result<CatalogueEntry, AppError> {
    let canonical = service.to_draft();
    let json = serde_json::to_value(&canonical).map_err(|e| crate::server::internal("service", e))?;
    let mut tx = pool.begin().await?;
    let saved: Option<Row> = match id {
        None => {
            sqlx::query_as(
                "insert into services (code, name, kind, archived, definition) values ($1, $2, $3, $4, $5)
                 on conflict (code) do nothing
                 returning id, version, definition, updated_at",
            )
            .bind(&canonical.code)
            .bind(&canonical.name)
            .bind(&canonical.kind)
            .bind(canonical.archived)
            .bind(&json)
            .fetch_optional(&mut *tx)
            .await?
        }
        Some(id) => {
            // A code another service has fails the unique index: `unique_code` says so.
            let updated = sqlx::query_as(
                "update services set code = $3, name = $4, kind = $5, archived = $6, definition = $7,
                        version = version + 1, updated_at = now()
                 where id = $1 and version = $2
                 returning id, version, definition, updated_at",
            )
            .bind(id)
            .bind(version.unwrap_or(-1))
            .bind(&canonical.code)
            .bind(&canonical.name)
            .bind(&canonical.kind)
            .bind(canonical.archived)
            .bind(&json)
            .fetch_optional(&mut *tx)
            .await
            .map_err(unique_code)?;
            if updated.is_none() {
                let exists: bool = sqlx::query_scalar("select exists(select 1 from services where id = $1)")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(if exists { AppError::Conflict } else { AppError::NotFound });
            }
            updated
        }
    };
    // No row from the insert: the code is another service's.
    let row = saved.ok_or_else(code_taken)?;
    sqlx::query("insert into service_versions (service_id, version, definition, saved_by) values ($1, $2, $3, $4)")
        .bind(row.0)
        .bind(row.1)
        .bind(&json)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    entry(row)
}

pub async fn history(pool: &PgPool, id: Uuid) -> Result<Vec<ServiceVersion>, AppError> {
    let rows: Vec<(i32, serde_json::Value, Option<String>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "select v.version, v.definition, u.name, v.saved_at from service_versions v
         left join users u on u.id = v.saved_by
         where v.service_id = $1 order by v.version desc",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    rows.into_iter()
        .map(|(version, json, saved_by, saved_at)| {
            Ok(ServiceVersion {
                version,
                service: draft(json)?,
                saved_by,
                saved_at,
            })
        })
        .collect()
}

fn code_taken() -> AppError {
    vec![domain::FieldError::new(domain::Code::ServiceCodeTaken).at("code")].into()
}

/// A code another service has (also when two saves race for it): the index decides, the
/// user gets the field error.
fn unique_code(e: sqlx::Error) -> AppError {
    match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => code_taken(),
        _ => e.into(),
    }
}
