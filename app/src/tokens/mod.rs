//! Settings → API tokens: how automation (an RMM, a backup platform, later the inbound
//! e-mail relay) authenticates. A token is a principal of the same gate as a signed-in
//! staff member (`server::api_token::authorize_token`), with scopes instead of a role; it
//! never works as a session, and a session never works where a token is asked for.
//!
//! The secret (`onb_` and 64 hex digits, 256 random bits) is shown once when the token is
//! created; the server keeps its SHA-256 and its first characters, to recognise it by.
//! Revoked tokens stay listed. Admins and billing admins manage them
//! (`Permission::ManageApiTokens`).

#[cfg(feature = "ssr")]
pub mod db;
mod page;

pub use page::ApiTokensPage;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::i18n::{Key, k};

/// What a token may do. The strings are part of the API: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ApiScope {
    /// `POST /api/usage/readings`.
    #[serde(rename = "usage:write")]
    UsageWrite,
    /// Inbound e-mail (a later issue): defined so tokens can be issued for it ahead.
    #[serde(rename = "inbound_email:write")]
    InboundEmailWrite,
}

impl ApiScope {
    pub const ALL: [ApiScope; 2] = [ApiScope::UsageWrite, ApiScope::InboundEmailWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::UsageWrite => "usage:write",
            ApiScope::InboundEmailWrite => "inbound_email:write",
        }
    }

    pub fn parse(s: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// What the scope allows, for the page.
    pub fn label(self) -> Key {
        match self {
            ApiScope::UsageWrite => k::API_TOKENS_SCOPE_USAGE_WRITE,
            ApiScope::InboundEmailWrite => k::API_TOKENS_SCOPE_INBOUND_EMAIL_WRITE,
        }
    }
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// The secret's first characters (`onb_1a2b3c4d`), to tell tokens apart.
    pub prefix: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    /// To the minute: a token's use is recorded at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
}

/// A new token and its secret, which is shown this once and never again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Every token, active ones first, newest first.
#[server(prefix = "/api", endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<Vec<ApiToken>, AppError> {
    crate::server::gate(crate::auth::Permission::ManageApiTokens, |ctx| async move {
        db::list(&ctx.pool).await
    })
    .await
}

/// Creates a token with a name (unique among active tokens; readings it sends record
/// `api:<name>` as their source) and at least one scope.
#[server(prefix = "/api", endpoint = "tokens/create", input = Json)]
pub async fn create_token(name: String, scopes: Vec<String>) -> Result<CreatedToken, AppError> {
    crate::server::gate(crate::auth::Permission::ManageApiTokens, |ctx| async move {
        let (name, scopes) = db::parse_new(&name, &scopes)?;
        db::create(&ctx.pool, ctx.user.id, &name, &scopes).await
    })
    .await
}

/// Revokes a token: it stops working at once and stays listed as revoked. Revoking a
/// revoked token changes nothing.
#[server(prefix = "/api", endpoint = "tokens/revoke")]
pub async fn revoke_token(id: Uuid) -> Result<ApiToken, AppError> {
    crate::server::gate(crate::auth::Permission::ManageApiTokens, |ctx| async move {
        db::revoke(&ctx.pool, ctx.user.id, id).await
    })
    .await
}
