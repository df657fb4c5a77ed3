//! Staff accounts: the admin's user list (create, role, deactivate).

#[cfg(feature = "ssr")]
pub mod db;
mod fields;
mod page;

pub use fields::{NewUserFields, NewUserValues};
pub use page::UsersPage;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;
use crate::error::{AppError, FieldProblem};

/// One row of the user list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Sees only customers they manage or are on the team of.
    pub restricted: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A new staff account, parsed: the same rules for the setup page, the admin's
/// form and the CLI's `create-admin`.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: domain::PersonName,
    pub email: domain::Email,
    pub role: Role,
    pub password: String,
}

/// The shortest password accepted (NIST SP 800-63B asks for at least 8).
pub const PASSWORD_MIN_LENGTH: usize = 10;

impl NewUser {
    /// Parses every field and reports every problem at once.
    pub fn parse(name: &str, email: &str, role: Role, password: &str) -> Result<NewUser, AppError> {
        let mut problems = Vec::new();
        let name = domain::PersonName::parse(name).map_err(|e| problems.push(FieldProblem::from_domain("name", e)));
        let email = domain::Email::parse(email).map_err(|e| problems.push(FieldProblem::from_domain("email", e)));
        if let Err(p) = check_password(password) {
            problems.push(FieldProblem {
                field: "password".into(),
                ..p
            });
        }
        match (name, email) {
            (Ok(name), Ok(email)) if problems.is_empty() => Ok(NewUser {
                name,
                email,
                role,
                password: password.to_string(),
            }),
            _ => Err(AppError::validation(problems)),
        }
    }
}

/// The password rule, for the form (as the user types) and for [`NewUser::parse`].
pub fn check_password(password: &str) -> Result<(), FieldProblem> {
    if password.chars().count() < PASSWORD_MIN_LENGTH {
        Err(FieldProblem::new("", "password.too_short").with("min", PASSWORD_MIN_LENGTH))
    } else {
        Ok(())
    }
}

#[server(prefix = "/api", endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    crate::server::gate(crate::auth::Permission::ManageUsers, |ctx| async move {
        db::list(&ctx.pool).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "users/create")]
pub async fn create_user(name: String, email: String, role: Role, password: String) -> Result<Uuid, AppError> {
    crate::server::gate(crate::auth::Permission::ManageUsers, |ctx| async move {
        let new = NewUser::parse(&name, &email, role, &password)?;
        db::create(&ctx.pool, new).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "users/role")]
pub async fn set_user_role(id: Uuid, role: Role) -> Result<(), AppError> {
    crate::server::gate(crate::auth::Permission::ManageUsers, |ctx| async move {
        if id == ctx.user.id {
            // An admin cannot demote themselves: the last admin would lock everyone out.
            return Err(AppError::validation(vec![FieldProblem::new(
                "role",
                "users.cannot_change_self",
            )]));
        }
        db::set_role(&ctx.pool, id, role).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "users/active")]
pub async fn set_user_active(id: Uuid, active: bool) -> Result<(), AppError> {
    crate::server::gate(crate::auth::Permission::ManageUsers, |ctx| async move {
        if id == ctx.user.id {
            return Err(AppError::validation(vec![FieldProblem::new(
                "active",
                "users.cannot_change_self",
            )]));
        }
        db::set_active(&ctx.pool, id, active).await
    })
    .await
}

/// "Restricted to my accounts": the user sees and reaches only customers whose account
/// manager or team member they are. Not for admins.
#[server(prefix = "/api", endpoint = "users/restricted")]
pub async fn set_user_restricted(id: Uuid, restricted: bool) -> Result<(), AppError> {
    crate::server::gate(crate::auth::Permission::ManageUsers, |ctx| async move {
        db::set_restricted(&ctx.pool, id, restricted).await
    })
    .await
}
