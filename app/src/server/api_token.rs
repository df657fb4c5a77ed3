//! The gate for automation: an API token instead of a session.
//!
//! `authorize_token(pool, headers, scope)` is what `authorize` is for staff: it reads
//! `Authorization: Bearer onb_…`, finds the token by its secret's hash and checks the
//! scope. No header, a malformed, unknown or revoked token: `Unauthenticated` (401); a
//! token without the scope: `Forbidden` (403). A session cookie is never looked at here,
//! and the session layer never looks at this header: neither stands in for the other.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;
use crate::tokens::{ApiScope, db};

/// The token a request was authorized with.
#[derive(Debug, Clone)]
pub struct ApiPrincipal {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<ApiScope>,
}

impl ApiPrincipal {
    /// What readings sent with this token record as their source.
    pub fn source(&self) -> String {
        format!("api:{}", self.name)
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub async fn authorize_token(pool: &PgPool, headers: &HeaderMap, scope: ApiScope) -> Result<ApiPrincipal, AppError> {
    let Some(secret) = bearer(headers).filter(|s| db::looks_like_secret(s)) else {
        return Err(AppError::Unauthenticated);
    };
    let Some(found) = db::find(pool, secret).await?.filter(|t| !t.revoked) else {
        tracing::info!("unknown or revoked API token refused");
        return Err(AppError::Unauthenticated);
    };
    // Most requests read the time and skip the write; the update's own condition keeps
    // concurrent first uses to one write.
    if found
        .last_used_at
        .is_none_or(|at| Utc::now() - at >= chrono::Duration::minutes(1))
    {
        db::touch(pool, found.id).await?;
    }
    if !found.scopes.contains(&scope) {
        tracing::info!(token = %found.id, scope = scope.as_str(), "API token lacks the scope");
        return Err(AppError::Forbidden);
    }
    Ok(ApiPrincipal {
        id: found.id,
        name: found.name,
        scopes: found.scopes,
    })
}

/// An error of a token-authorized endpoint: the status and JSON body every API error has,
/// plus `WWW-Authenticate` on a 401 or 403 (RFC 6750) naming what was missing.
pub fn token_error(e: AppError, scope: ApiScope) -> Response {
    let challenge = match e {
        AppError::Unauthenticated => Some("Bearer realm=\"onboard\", error=\"invalid_token\"".to_string()),
        AppError::Forbidden => Some(format!(
            "Bearer realm=\"onboard\", error=\"insufficient_scope\", scope=\"{}\"",
            scope.as_str()
        )),
        _ => None,
    };
    let mut res = (e.status(), Json(&e)).into_response();
    if let Some(v) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    res
}
