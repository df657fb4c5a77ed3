//! Queries on `users`.

use sqlx::PgPool;
use uuid::Uuid;

use super::{NewUser, UserRow};
use crate::auth::{Role, password};
use crate::error::{AppError, FieldProblem};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    active: bool,
    restricted: bool,
    last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    created_at: chrono::DateTime<chrono::Utc>,
}

pub async fn any_user(pool: &PgPool) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar("select exists(select 1 from users)")
        .fetch_one(pool)
        .await?)
}

pub async fn list(pool: &PgPool) -> Result<Vec<UserRow>, AppError> {
    let rows = sqlx::query_as::<_, Row>(
        "select id, email, name, role, active, restricted, last_login_at, created_at from users order by active desc, lower(name)",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UserRow {
            id: r.id,
            email: r.email,
            name: r.name,
            role: Role::parse(&r.role).unwrap_or(Role::Technician),
            active: r.active,
            restricted: r.restricted,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
        })
        .collect())
}

/// Inserts a user; a taken e-mail is a field error, not a 500.
pub async fn create(pool: &PgPool, new: NewUser) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let id = insert(&mut tx, new).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates the first admin, atomically refusing when any user exists (two setup
/// requests at once cannot both win).
pub async fn create_first_admin(pool: &PgPool, new: NewUser) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query("lock table users in share row exclusive mode")
        .execute(&mut *tx)
        .await?;
    let exists: bool = sqlx::query_scalar("select exists(select 1 from users)")
        .fetch_one(&mut *tx)
        .await?;
    if exists {
        return Err(AppError::Forbidden);
    }
    let id = insert(
        &mut tx,
        NewUser {
            role: Role::Admin,
            ..new
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(tx: &mut sqlx::PgConnection, new: NewUser) -> Result<Uuid, AppError> {
    let hash = password::hash(new.password).await?;
    let result =
        sqlx::query_scalar("insert into users (email, name, role, password_hash) values ($1, $2, $3, $4) returning id")
            .bind(new.email.as_str())
            .bind(new.name.as_str())
            .bind(new.role.as_str())
            .bind(hash)
            .fetch_one(&mut *tx)
            .await;
    match result {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("users_email_key") => {
            Err(AppError::validation(vec![FieldProblem::new(
                "email",
                "users.email_taken",
            )]))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn set_role(pool: &PgPool, id: Uuid, role: Role) -> Result<(), AppError> {
    let done = sqlx::query("update users set role = $2, updated_at = now() where id = $1")
        .bind(id)
        .bind(role.as_str())
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Deactivating ends the user's sessions at once: the session loader only accepts
/// active users.
pub async fn set_active(pool: &PgPool, id: Uuid, active: bool) -> Result<(), AppError> {
    let done = sqlx::query("update users set active = $2, updated_at = now() where id = $1")
        .bind(id)
        .bind(active)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// "Restricted to my accounts" on or off; takes effect on the user's next request.
pub async fn set_restricted(pool: &PgPool, id: Uuid, restricted: bool) -> Result<(), AppError> {
    let done = sqlx::query("update users set restricted = $2, updated_at = now() where id = $1 and role <> 'admin'")
        .bind(id)
        .bind(restricted)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        Err(AppError::validation(vec![crate::error::FieldProblem::new(
            "restricted",
            "users.admin_unrestricted",
        )]))
    } else {
        Ok(())
    }
}
