//! Staff sign-in: the session's user, sign-in and sign-out, first-run setup.

mod login;
mod permissions;
mod setup;

#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use login::LoginPage;
pub use permissions::{Permission, Role};
pub use setup::SetupPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// The signed-in staff member, as the UI knows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// "Restricted to my accounts": reaches only customers whose account manager
    /// or team they are (never set for admins).
    #[serde(default)]
    pub restricted: bool,
}

impl UserInfo {
    pub fn can(&self, permission: Permission) -> bool {
        self.active && self.role.allows(permission)
    }
}

/// Who is signed in (`None` when nobody is). Public: the shell asks on every page.
#[server(prefix = "/api", endpoint = "session")]
pub async fn current_user() -> Result<Option<UserInfo>, AppError> {
    crate::server::public(|ctx| async move { Ok(ctx.auth.user.map(|u| u.info)) }).await
}

/// Signs in. On success the browser is sent to `next` (a path on this site) or `/`.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use self::backend::{Credentials, find_by_email};
    crate::server::public(|mut ctx| async move {
        let keys = throttle::Keys::new(&email, ctx.client_ip);
        throttle::check(&ctx.pool, &keys).await?;
        let record = find_by_email(&ctx.pool, &email).await?.filter(|u| u.active);
        let ok = password::verify(password, record.as_ref().map(|r| r.password_hash.clone())).await?;
        let Some(record) = record.filter(|_| ok) else {
            throttle::record_failure(&ctx.pool, &keys, &ctx.state.security).await?;
            tracing::info!(email = %email.trim().to_lowercase(), ip = ?ctx.client_ip, "sign-in failed");
            return Err(AppError::InvalidCredentials);
        };
        throttle::record_success(&ctx.pool, &keys).await?;
        // The language they sign in with is what their notifications speak.
        sqlx::query("update users set last_login_at = now(), language = $2 where id = $1")
            .bind(record.id)
            .bind(crate::shell::request_locale().tag())
            .execute(&ctx.pool)
            .await?;
        let user = ctx
            .auth
            .authenticate(Credentials {
                user: record.into_session_user(),
            })
            .await
            .map_err(|e| crate::server::internal("authenticate", e))?
            .ok_or(AppError::InvalidCredentials)?;
        // login() rotates the session id (session fixation) and stores the session row.
        ctx.auth
            .login(&user)
            .await
            .map_err(|e| crate::server::internal("session login", e))?;
        crate::server::redirect_form_post(&safe_next(next.as_deref()));
        Ok(())
    })
    .await
}

/// Signs out: the session row is deleted on the server, not just the cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::server::public(|mut ctx| async move {
        ctx.auth
            .logout()
            .await
            .map_err(|e| crate::server::internal("session logout", e))?;
        crate::server::redirect_form_post("/login?signed_out=1");
        Ok(())
    })
    .await
}

/// Only local paths are followed after sign-in (no open redirect to another site).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.starts_with("/login") => {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Where to send someone who must sign in first: the sign-in page, remembering `here`
/// (a path with its query) to come back to.
pub fn sign_in_url(here: &str) -> String {
    if here.is_empty() || here == "/" {
        return "/login".to_string();
    }
    let next: String = here
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("/login?next={next}")
}

#[cfg(test)]
mod tests {
    use super::{safe_next, sign_in_url};

    #[test]
    fn sign_in_url_keeps_where_the_user_was() {
        assert_eq!(sign_in_url("/"), "/login");
        assert_eq!(sign_in_url("/settings/users"), "/login?next=/settings/users");
        assert_eq!(
            sign_in_url("/customers?q=müller&x=1"),
            "/login?next=/customers%3Fq%3Dm%C3%BCller%26x%3D1"
        );
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/settings/users")), "/settings/users");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/login")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
