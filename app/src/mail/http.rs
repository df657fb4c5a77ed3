//! The mail endpoints that are plain HTTP rather than server functions:
//!
//! | method | path | who | body |
//! | --- | --- | --- | --- |
//! | POST | `/api/inbound/email` | API token with `inbound_email:write` | the raw message (RFC 5322), ≤ 40 MB |
//! | GET | `/api/attachments/{message}/{position}` | staff who reach the ticket | — |
//!
//! The first answers what became of the message (`intake::Intake`); the same message
//! sent again is answered with `"duplicate": true` and changes nothing. Attachments are
//! always downloaded (`Content-Disposition: attachment`, `nosniff`), never shown inline,
//! so an HTML or SVG file cannot run in Onboard's origin.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use uuid::Uuid;

use super::intake::{Transport, ingest};
use crate::auth::Permission;
use crate::auth::backend::AuthSession;
use crate::error::AppError;
use crate::server::{AppState, authorize, authorize_token, check_customer_scope};
use crate::tokens::ApiScope;

/// The largest message taken (attachments over 10 MB each are left out, but the raw
/// message is kept whole).
const MAX_MESSAGE: usize = 40 * 1024 * 1024;

pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    axum::Router::new()
        .route("/api/inbound/email", post(inbound))
        .layer(DefaultBodyLimit::max(MAX_MESSAGE))
        .route("/api/attachments/{message}/{position}", get(attachment))
}

async fn inbound(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let scope = ApiScope::InboundEmailWrite;
    let result = async {
        let token = authorize_token(&state.pool, &headers, scope).await?;
        let body = match body {
            Ok(b) => b,
            Err(rejection) => {
                return Err(AppError::Transport {
                    message: rejection.body_text(),
                });
            }
        };
        if body.is_empty() {
            return Err(AppError::Transport {
                message: "the body must be the raw message".into(),
            });
        }
        let intake = ingest(&state.pool, &state.mail_domain, &body, Transport::Api).await?;
        tracing::info!(token = %token.id, message = %intake.id, outcome = %intake.outcome, "e-mail taken through the API");
        Ok(Json(intake).into_response())
    };
    result
        .await
        .unwrap_or_else(|e| crate::server::api_token::token_error(e, scope))
}

async fn attachment(
    State(state): State<AppState>,
    auth: AuthSession,
    Path((message, position)): Path<(Uuid, i32)>,
) -> Response {
    let result = async {
        let user = authorize(&auth, Permission::WorkTickets)?;
        let row: Option<(Uuid, String, String, Vec<u8>)> = sqlx::query_as(
            "select t.customer_id, a.file_name, a.content_type, a.sha256
               from ticket_attachments a join ticket_messages m on m.id = a.message_id join tickets t on t.id = m.ticket_id
              where a.message_id = $1 and a.position = $2",
        )
        .bind(message)
        .bind(position)
        .fetch_optional(&state.pool)
        .await?;
        let (customer, name, content_type, hash) = row.ok_or(AppError::NotFound)?;
        check_customer_scope(&state.pool, &user, customer).await?;
        let bytes = super::store::get(&state.pool, &hash).await?.ok_or(AppError::NotFound)?;
        let safe_name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() && c != '"' && c != '\\' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut response = Body::from(bytes).into_response();
        let h = response.headers_mut();
        let ct = HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
        h.insert(header::CONTENT_TYPE, ct);
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{safe_name}\""))
                .unwrap_or(HeaderValue::from_static("attachment")),
        );
        h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        );
        Ok::<_, AppError>(response)
    };
    result.await.unwrap_or_else(|e| (e.status(), Json(e)).into_response())
}
