//! axum-login backend: who is behind a session cookie.
//!
//! The session row (tower-sessions, PostgreSQL store) holds only the user id and a hash
//! of the password hash; every request looks the user up again, so a deactivated user or
//! a changed password ends existing sessions at once, on every server process. The lookup
//! is served from [`super::cache`] while the row has not changed.

use sqlx::PgPool;
use uuid::Uuid;

use super::cache::Cached;
use super::{Role, UserInfo};

/// The signed-in staff member as axum-login sees it.
#[derive(Clone)]
pub struct SessionUser {
    pub info: UserInfo,
    password_hash: String,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never print the hash
        f.debug_struct("SessionUser")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl axum_login::AuthUser for SessionUser {
    type Id = Uuid;

    fn id(&self) -> Uuid {
        self.info.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

#[derive(Clone)]
pub struct Backend {
    pub pool: PgPool,
    /// Users by id, while their rows are unchanged (off unless a listener runs).
    pub users: Cached<Uuid, SessionUser>,
}

impl Backend {
    /// A backend that always reads the database (for a process without the listener).
    pub fn uncached(pool: PgPool) -> Backend {
        Backend {
            pool,
            users: Cached::default(),
        }
    }
}

/// What a sign-in attempt presents; the password is checked by [`super::password`].
pub struct Credentials {
    pub user: SessionUser,
}

pub type AuthSession = axum_login::AuthSession<Backend>;

impl axum_login::AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = sqlx::Error;

    /// The password was verified before (off the async threads, with throttling);
    /// this only hands the verified user to axum-login.
    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, sqlx::Error> {
        Ok(Some(creds.user))
    }

    async fn get_user(&self, id: &Uuid) -> Result<Option<SessionUser>, sqlx::Error> {
        if let Some(user) = self.users.get(id) {
            return Ok(Some(user));
        }
        let ticket = self.users.ticket();
        let row = sqlx::query_as::<_, UserRecord>(&format!("{USER_COLUMNS} where id = $1 and active"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let user = row.map(UserRecord::into_session_user);
        if let Some(user) = &user {
            self.users.put(ticket, *id, user.clone());
        }
        Ok(user)
    }
}

pub const USER_COLUMNS: &str = "select id, email, name, role, active, restricted, password_hash from users";

#[derive(sqlx::FromRow)]
pub struct UserRecord {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub restricted: bool,
    pub password_hash: String,
}

impl UserRecord {
    pub fn into_session_user(self) -> SessionUser {
        SessionUser {
            info: UserInfo {
                id: self.id,
                email: self.email,
                name: self.name,
                // The column has a CHECK constraint on the role names.
                role: Role::parse(&self.role).unwrap_or(Role::Technician),
                active: self.active,
                // Admins see everything; the flag only narrows other roles.
                restricted: self.restricted && Role::parse(&self.role) != Some(Role::Admin),
            },
            password_hash: self.password_hash,
        }
    }
}

/// Looks a user up by e-mail (case-insensitive), active or not.
pub async fn find_by_email(pool: &PgPool, email: &str) -> Result<Option<UserRecord>, sqlx::Error> {
    sqlx::query_as::<_, UserRecord>(&format!("{USER_COLUMNS} where lower(email) = lower($1)"))
        .bind(email.trim())
        .fetch_optional(pool)
        .await
}
