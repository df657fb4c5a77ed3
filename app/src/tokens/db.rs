//! API tokens in the database: created with a random secret kept only as its SHA-256,
//! listed, revoked, and looked up by the secret a request presents.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::{ApiScope, ApiToken, CreatedToken};
use crate::error::{AppError, FieldProblem};

/// What every secret starts with, so a leaked one is recognisable (secret scanners, logs).
pub const SECRET_PREFIX: &str = "onb_";
/// 32 random bytes, as 64 hex digits after the prefix.
const SECRET_BYTES: usize = 32;
/// How much of the secret is kept in clear to tell tokens apart: the prefix and 8 digits.
const SHOWN_CHARS: usize = SECRET_PREFIX.len() + 8;

/// The SHA-256 of a secret: what is stored and looked up. A secret has 256 random bits,
/// so a fast hash is enough (no password stretching needed).
pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Whether `s` has a secret's shape (checked before any query).
pub fn looks_like_secret(s: &str) -> bool {
    s.strip_prefix(SECRET_PREFIX)
        .is_some_and(|hex| hex.len() == SECRET_BYTES * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| crate::server::internal("random secret", e))?;
    Ok(format!("{SECRET_PREFIX}{}", hex::encode(bytes)))
}

/// The name (a one-line label) and the scopes (at least one, each known), every problem
/// at once.
pub fn parse_new(name: &str, scopes: &[String]) -> Result<(String, Vec<ApiScope>), AppError> {
    let mut problems = Vec::new();
    let name = domain::Label::parse(name).map_err(|e| problems.push(FieldProblem::from_domain("name", e)));
    let mut parsed: Vec<ApiScope> = Vec::new();
    for s in scopes {
        match ApiScope::parse(s) {
            Some(scope) if !parsed.contains(&scope) => parsed.push(scope),
            Some(_) => {}
            None => problems.push(FieldProblem::new("scopes", domain::Code::ChoiceInvalid.as_str())),
        }
    }
    if parsed.is_empty() && problems.iter().all(|p| p.field != "scopes") {
        problems.push(FieldProblem::new("scopes", domain::Code::Required.as_str()));
    }
    parsed.sort();
    match name {
        Ok(name) if problems.is_empty() => Ok((name.to_string(), parsed)),
        _ => Err(AppError::validation(problems)),
    }
}

type Row = (
    Uuid,
    String,
    Vec<String>,
    String,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

const SELECT: &str =
    "select t.id, t.name, t.scopes, t.prefix, c.name, t.created_at, t.last_used_at, t.revoked_at, r.name
                        from api_tokens t
                        left join users c on c.id = t.created_by
                        left join users r on r.id = t.revoked_by";

fn token(row: Row) -> ApiToken {
    let (id, name, scopes, prefix, created_by, created_at, last_used_at, revoked_at, revoked_by) = row;
    ApiToken {
        id,
        name,
        scopes: scopes.iter().filter_map(|s| ApiScope::parse(s)).collect(),
        prefix,
        created_by,
        created_at,
        last_used_at,
        revoked_at,
        revoked_by,
    }
}

pub async fn list(pool: &PgPool) -> Result<Vec<ApiToken>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} order by t.revoked_at is not null, t.created_at desc, t.id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(token).collect())
}

async fn one(pool: &PgPool, id: Uuid) -> Result<ApiToken, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} where t.id = $1"))
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(token(row))
}

pub async fn create(pool: &PgPool, user: Uuid, name: &str, scopes: &[ApiScope]) -> Result<CreatedToken, AppError> {
    let secret = new_secret()?;
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let id: Uuid = sqlx::query_scalar(
        "insert into api_tokens (name, scopes, prefix, secret_hash, created_by) values ($1, $2, $3, $4, $5)
         returning id",
    )
    .bind(name)
    .bind(&scopes)
    .bind(&secret[..SHOWN_CHARS])
    .bind(hash(&secret))
    .bind(user)
    .fetch_one(pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            AppError::validation(vec![FieldProblem::new(
                "name",
                domain::Code::ApiTokenNameTaken.as_str(),
            )])
        }
        _ => e.into(),
    })?;
    tracing::info!(token = %id, %user, "API token created");
    Ok(CreatedToken {
        token: one(pool, id).await?,
        secret,
    })
}

pub async fn revoke(pool: &PgPool, user: Uuid, id: Uuid) -> Result<ApiToken, AppError> {
    let done =
        sqlx::query("update api_tokens set revoked_at = now(), revoked_by = $2 where id = $1 and revoked_at is null")
            .bind(id)
            .bind(user)
            .execute(pool)
            .await?;
    if done.rows_affected() > 0 {
        tracing::info!(token = %id, %user, "API token revoked");
    }
    one(pool, id).await
}

/// A token as a request presents it, found by its secret's hash.
pub struct Presented {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub revoked: bool,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn find(pool: &PgPool, secret: &str) -> Result<Option<Presented>, AppError> {
    type Found = (Uuid, String, Vec<String>, bool, Option<DateTime<Utc>>);
    let row: Option<Found> = sqlx::query_as(
        "select id, name, scopes, revoked_at is not null, last_used_at from api_tokens where secret_hash = $1",
    )
    .bind(hash(secret))
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, name, scopes, revoked, last_used_at)| Presented {
        id,
        name,
        scopes: scopes.iter().filter_map(|s| ApiScope::parse(s)).collect(),
        revoked,
        last_used_at,
    }))
}

/// Records a use, at most once a minute per token (the condition makes concurrent
/// requests write once, too).
pub async fn touch(pool: &PgPool, id: Uuid) -> Result<(), AppError> {
    sqlx::query(
        "update api_tokens set last_used_at = now()
          where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')",
    )
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}
