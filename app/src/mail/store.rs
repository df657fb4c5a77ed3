//! Where attachment contents live: once per SHA-256, in PostgreSQL by default, so every
//! server process sees them and a database backup holds them. This module is the whole
//! interface (`put` inside the caller's transaction, `get`); an S3-compatible store can
//! serve it later by writing the object before the transaction and keeping the row as
//! the reference.

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::parse::Attachment;
use crate::error::AppError;

/// Stores `bytes` unless the same content is stored already; returns its SHA-256.
pub async fn put(conn: &mut PgConnection, bytes: &[u8]) -> Result<Vec<u8>, AppError> {
    let hash = Sha256::digest(bytes).to_vec();
    sqlx::query("insert into blobs (sha256, size, content) values ($1, $2, $3) on conflict (sha256) do nothing")
        .bind(&hash)
        .bind(bytes.len() as i64)
        .bind(bytes)
        .execute(&mut *conn)
        .await?;
    Ok(hash)
}

pub async fn get(pool: &PgPool, hash: &[u8]) -> Result<Option<Vec<u8>>, AppError> {
    Ok(sqlx::query_scalar("select content from blobs where sha256 = $1")
        .bind(hash)
        .fetch_optional(pool)
        .await?)
}

/// Stores a message's attachments and lists them on it, in their order.
pub async fn attach(conn: &mut PgConnection, message: Uuid, attachments: &[Attachment]) -> Result<(), AppError> {
    for (i, a) in attachments.iter().enumerate() {
        let hash = put(conn, &a.bytes).await?;
        sqlx::query(
            "insert into ticket_attachments (message_id, position, file_name, content_type, size, sha256)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(message)
        .bind(i as i32)
        .bind(a.name.chars().take(255).collect::<String>())
        .bind(&a.content_type)
        .bind(a.bytes.len() as i64)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
