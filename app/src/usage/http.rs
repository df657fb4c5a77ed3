//! The readings endpoints that are plain HTTP rather than server functions:
//!
//! | method | path | who | body |
//! | --- | --- | --- | --- |
//! | POST | `/api/usage/readings` | API token with `usage:write` | JSON `{"readings": [UsageReadingDraft, …]}` |
//! | POST | `/api/usage/readings/csv` | staff with billing rights (session) | the CSV file |
//!
//! Both answer `{created, unchanged, replaced, results: [{row, status}]}`, or 422 with
//! every problem (`readings[3].quantity`, `rows[4].customer_domain`) and nothing written.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use domain::{Code, FieldError, UsageReadingDraft};
use serde::{Deserialize, Serialize};

use super::ingest::{self, Origin, Problem};
use super::{MAX_BATCH, Outcome};
use crate::auth::Permission;
use crate::auth::backend::AuthSession;
use crate::error::{AppError, FieldProblem};
use crate::server::{AppState, authorize, authorize_token};
use crate::tokens::ApiScope;

/// The largest body taken: 5,000 rows with long external ids and references fit.
const MAX_BODY: usize = 8 * 1024 * 1024;

pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    axum::Router::new()
        .route("/api/usage/readings", post(readings))
        .route("/api/usage/readings/csv", post(readings_csv))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

#[derive(Deserialize)]
struct Batch {
    readings: Vec<UsageReadingDraft>,
}

#[derive(Debug, Serialize)]
struct RowResult {
    row: u64,
    status: Outcome,
}

#[derive(Debug, Serialize)]
struct Written {
    created: usize,
    unchanged: usize,
    replaced: usize,
    results: Vec<RowResult>,
}

fn written(rows: impl Iterator<Item = u64>, outcomes: Vec<Outcome>) -> Written {
    let count = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
    Written {
        created: count(Outcome::Created),
        unchanged: count(Outcome::Unchanged),
        replaced: count(Outcome::Replaced),
        results: rows
            .zip(outcomes.iter().copied())
            .map(|(row, status)| RowResult { row, status })
            .collect(),
    }
}

fn too_many(field: &str, rows: usize) -> Option<AppError> {
    (rows > MAX_BATCH).then(|| {
        vec![
            FieldError::new(Code::UsageBatchTooLarge)
                .with("max", MAX_BATCH)
                .at(field),
        ]
        .into()
    })
}

/// Problems with each row's path under `prefix` (`readings[3]`), the row named by `row`.
fn problems(prefix: &str, list: Vec<Problem>, row: impl Fn(usize) -> (u64, bool)) -> AppError {
    AppError::Validation {
        fields: list
            .into_iter()
            .map(|(i, e)| {
                let (n, csv) = row(i);
                let field = if csv {
                    super::csv::column_of(&e.field).to_string()
                } else {
                    e.field.clone()
                };
                let mut p: FieldProblem = e.into();
                p.field = format!("{prefix}[{n}].{field}");
                p
            })
            .collect(),
    }
}

fn transport(message: impl ToString) -> AppError {
    AppError::Transport {
        message: message.to_string(),
    }
}

/// A body the extractor refused (over [`MAX_BODY`]: 413), with the API's JSON error body.
fn refused(rejection: BytesRejection) -> Response {
    (rejection.status(), Json(transport(rejection.body_text()))).into_response()
}

async fn readings(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let scope = ApiScope::UsageWrite;
    let result = async {
        let token = authorize_token(&state.pool, &headers, scope).await?;
        let body = match body {
            Ok(b) => b,
            Err(rejection) => return Ok(refused(rejection)),
        };
        let batch: Batch = serde_json::from_slice(&body).map_err(transport)?;
        if batch.readings.is_empty() {
            return Err(vec![FieldError::new(Code::Required).at("readings")].into());
        }
        if let Some(e) = too_many("readings", batch.readings.len()) {
            return Err(e);
        }
        let origin = Origin {
            source: token.source(),
            api_token: Some(token.id),
            user: None,
        };
        let rows = ingest::prepare(&state.pool, &batch.readings, &origin, None)
            .await?
            .map_err(|list| problems("readings", list, |i| (i as u64, false)))?;
        let outcomes = ingest::write(&state.pool, &rows, &origin).await?;
        tracing::info!(token = %token.id, rows = rows.len(), "usage readings written");
        Ok(Json(written(0..rows.len() as u64, outcomes)).into_response())
    };
    result
        .await
        .unwrap_or_else(|e| crate::server::api_token::token_error(e, scope))
}

async fn readings_csv(
    State(state): State<AppState>,
    auth: AuthSession,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = async {
        let user = authorize(&auth, Permission::EditBilling)?;
        let body = match body {
            Ok(b) => b,
            Err(rejection) => return Ok(refused(rejection)),
        };
        let rows = super::csv::read(&body).map_err(AppError::validation)?;
        if rows.is_empty() {
            return Err(vec![FieldError::new(Code::Required).at("rows")].into());
        }
        if let Some(e) = too_many("rows", rows.len()) {
            return Err(e);
        }
        let (numbers, drafts): (Vec<u64>, Vec<UsageReadingDraft>) = rows.into_iter().unzip();
        let origin = Origin {
            source: "csv".into(),
            api_token: None,
            user: Some(user.id),
        };
        // A staff member restricted to their accounts finds only those customers.
        let valid = ingest::prepare(&state.pool, &drafts, &origin, Some(&user))
            .await?
            .map_err(|list| problems("rows", list, |i| (numbers[i], true)))?;
        let outcomes = ingest::write(&state.pool, &valid, &origin).await?;
        Ok(Json(written(numbers.into_iter(), outcomes)).into_response())
    };
    result
        .await
        .unwrap_or_else(|e: AppError| (e.status(), Json(e)).into_response())
}
