//! The one door every server function goes through.
//!
//! `gate(permission, |ctx| async { … })` resolves the signed-in staff member from the
//! session, refuses with 401/403 before the body runs, and maps any error to its HTTP
//! status. `public(|ctx| async { … })` is the same door for the few functions that must
//! work signed out (sign-in, first-run setup, language). A test (`tests/gate_coverage.rs`)
//! fails when a server function uses neither.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use domain::Locale;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sqlx::PgPool;
use uuid::Uuid;

use super::AppState;
use crate::auth::backend::AuthSession;
use crate::auth::{Permission, UserInfo};
use crate::error::AppError;

/// What a gated server function gets: the pool, the caller, the caller's language.
pub struct Ctx {
    pub pool: PgPool,
    pub user: UserInfo,
    pub locale: Locale,
    pub state: AppState,
}

/// What a public server function gets.
pub struct PublicCtx {
    pub pool: PgPool,
    pub state: AppState,
    pub auth: AuthSession,
    pub client_ip: Option<IpAddr>,
}

pub async fn gate<T, Fut>(permission: Permission, body: impl FnOnce(Ctx) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async {
        let state = app_state()?;
        let auth = auth_session().await?;
        let user = authorize(&auth, permission)?;
        body(Ctx {
            pool: state.pool.clone(),
            locale: crate::shell::request_locale(),
            user,
            state,
        })
        .await
    }
    .await;
    finish(result)
}

/// The check itself: a signed-in, active staff member whose role allows `permission`.
/// The few plain HTTP endpoints (file upload, streamed progress, CSV downloads in
/// `imports::http`) call it directly; server functions reach it through [`gate`].
pub fn authorize(auth: &AuthSession, permission: Permission) -> Result<UserInfo, AppError> {
    let user = auth
        .user
        .as_ref()
        .map(|u| u.info.clone())
        .ok_or(AppError::Unauthenticated)?;
    if !user.role.allows(permission) {
        tracing::info!(user = %user.id, ?permission, "refused by the gate");
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// The gate for everything about one customer: the role must allow `permission`, and a
/// staff member restricted to their accounts must be the customer's account manager or on
/// its team (else `NotOnTeam`, which the page explains). An unknown customer is `NotFound`.
pub async fn gate_customer<T, Fut>(
    permission: Permission,
    customer: Uuid,
    body: impl FnOnce(Ctx) -> Fut,
) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    gate(permission, |ctx| async move {
        check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        body(ctx).await
    })
    .await
}

/// Whether `user` may reach `customer` at all (see [`gate_customer`]).
pub async fn check_customer_scope(pool: &PgPool, user: &UserInfo, customer: Uuid) -> Result<(), AppError> {
    let on_team: Option<bool> = sqlx::query_scalar(
        "select not $2 or coalesce(c.account_manager_id = $3, false)
                or exists (select 1 from customer_team t where t.customer_id = c.id and t.user_id = $3)
           from customers c where c.id = $1",
    )
    .bind(customer)
    .bind(user.restricted)
    .bind(user.id)
    .fetch_optional(pool)
    .await?;
    match on_team {
        None => Err(AppError::NotFound),
        Some(false) => {
            tracing::info!(user = %user.id, %customer, "restricted user is not on the customer's team");
            Err(AppError::NotOnTeam)
        }
        Some(true) => Ok(()),
    }
}

pub async fn public<T, Fut>(body: impl FnOnce(PublicCtx) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async {
        let state = app_state()?;
        let auth = auth_session().await?;
        let client_ip = client_ip(state.security.trust_proxy).await;
        body(PublicCtx {
            pool: state.pool.clone(),
            state,
            auth,
            client_ip,
        })
        .await
    }
    .await;
    finish(result)
}

fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| super::internal("gate", "AppState missing from context"))
}

async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>()
        .await
        .map_err(|e| super::internal("no auth session layer", e))
}

/// The caller's address: the socket peer, or the first `X-Forwarded-For` hop when the
/// server is configured to sit behind a trusted proxy.
async fn client_ip(trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
        if let Some(ip) = forwarded.and_then(|v| v.split(',').next().and_then(|s| s.trim().parse().ok())) {
            return Some(ip);
        }
    }
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|c| c.0.ip())
}

/// Whether the current server function was called by a plain HTML form (no JavaScript).
pub fn is_html_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// After sign-in, sign-out or setup: a plain form post gets a real redirect; the WASM
/// client instead loads the target page in full (see `crate::shell::load_page`), so the
/// new session is read fresh by the server-rendered page.
pub fn redirect_form_post(path: &str) {
    if is_html_form_post() {
        leptos_axum::redirect(path);
    }
}

/// Gives an error its HTTP status when the function was called as an API (JSON) request.
/// A plain HTML form post keeps the framework's redirect back to the form, which then
/// shows the error; a page being rendered keeps its own status.
fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        let api_call = use_context::<http::request::Parts>().is_some_and(|p| p.uri.path().starts_with("/api/"))
            && !is_html_form_post();
        if let Some(options) = use_context::<ResponseOptions>().filter(|_| api_call) {
            options.set_status(e.status());
        }
    }
    result
}
