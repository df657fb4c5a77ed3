//! Server-only plumbing shared by every feature: the application state, the
//! authorization gate every server function passes through, and error mapping.

pub mod api_token;
pub mod billing_gate;
pub mod gate;
pub mod idempotency;

pub use api_token::{ApiPrincipal, authorize_token};
pub use gate::{Ctx, PublicCtx, authorize, check_customer_scope, gate, gate_customer, public, redirect_form_post};

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

use crate::error::AppError;

/// What every request can reach: the pool and the settings. No per-process state
/// lives here beyond caches of configuration, so any number of server processes
/// can serve the same users (sessions and throttles are rows in PostgreSQL).
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub security: Arc<SecuritySettings>,
    /// Counts shown on many pages, cached per process (the Sales & billing banner).
    pub counts: Arc<crate::contracts::uncovered::CountCache>,
    /// The domain of our Message-IDs (`ONBOARD_MAIL_DOMAIN`).
    pub mail_domain: Arc<str>,
}

/// Sign-in throttling and proxy trust, from the environment (see server/src/config.rs).
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// Failed sign-ins in a row that lock an account.
    pub account_max_failures: i32,
    /// Failed sign-ins from one address (within `ip_window`) that lock the address.
    pub ip_max_failures: i32,
    pub ip_window: Duration,
    /// How long a lock lasts.
    pub lockout: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            account_max_failures: 5,
            ip_max_failures: 50,
            ip_window: Duration::from_secs(15 * 60),
            lockout: Duration::from_secs(5 * 60),
            trust_proxy: false,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

/// Keyset paging: a list query asks for one row more than a page; this cuts it back to
/// `size` rows and answers the cursor of the next page (the last row shown), or `None`
/// when there is no further page.
pub fn next_page<T, C>(rows: &mut Vec<T>, size: usize, cursor: impl Fn(&T) -> C) -> Option<C> {
    if rows.len() <= size {
        return None;
    }
    rows.truncate(size);
    rows.last().map(cursor)
}

/// "Today" for billing dates: the server's local date. (BILLING.md wants the MSP's time
/// zone; that setting arrives with Settings → Company, #17.)
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Logs an unexpected failure and hides its details from the caller.
pub fn internal(context: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{context}");
    AppError::Internal
}
