//! The import and export endpoints that are plain HTTP rather than server functions,
//! because they take a file as the request body (with upload progress in the browser),
//! stream their progress, or answer with a CSV file. Each passes the same check as every
//! server function (`server::authorize`) before it does anything.
//!
//! | method | path | what |
//! | --- | --- | --- |
//! | GET | `/api/imports/template/{kind}` | the CSV template in the caller's language |
//! | POST | `/api/imports/{kind}?name=FILE` | upload a file (body: the CSV) → `Upload` |
//! | POST | `/api/imports/{id}/check` | dry run with `{"mapping": […]}` → progress stream |
//! | POST | `/api/imports/{id}/commit` | import with `{"mapping": […]}` → progress stream |
//! | GET | `/api/imports/{id}/errors` | the last check's problems as CSV |
//! | GET | `/api/export/{kind}` | customers, contacts or services as CSV (`?headers=keys` for the stable keys) |
//!
//! `{kind}` is `customers`, `contacts` or `services`. Importing customers and contacts is
//! for admins, the catalogue for billing admins too; exports follow what the caller may read.
//!
//! Progress streams are `text/event-stream`: one `data: {RunEvent as JSON}` per event,
//! the last one `done` (with the outcome) or `failed`.

use std::convert::Infallible;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRef, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

use super::columns::{ImportKind, suggest};
use super::csv_file::CsvFile;
use super::engine::{self, Mode};
use super::export::{self, Headers};
use super::{Outcome, RowError, RunEvent, Upload};
use crate::auth::Permission;
use crate::auth::backend::AuthSession;
use crate::error::{AppError, FieldProblem};
use crate::server::{AppState, authorize};
use crate::shell::locale_from_headers;

/// The largest file accepted (100,000 rows of customers are about 25 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// The routes above, for the server's router.
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    axum::Router::new()
        .route("/api/imports/template/{kind}", get(template))
        .route(
            "/api/imports/{kind}",
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/api/imports/{id}/check", post(check))
        .route("/api/imports/{id}/commit", post(commit))
        .route("/api/imports/{id}/errors", get(errors))
        .route("/api/export/{kind}", get(export_csv))
}

fn error(e: AppError) -> Response {
    (e.status(), Json(e)).into_response()
}

fn kind_of(s: &str) -> Result<ImportKind, AppError> {
    ImportKind::parse(s).ok_or(AppError::NotFound)
}

/// The signed-in staff member, if their role may import `kind` (customers and contacts:
/// admins; the catalogue: billing admins too).
fn importer(auth: &AuthSession, kind: ImportKind) -> Result<crate::auth::UserInfo, AppError> {
    authorize(auth, kind.permission())
}

fn csv_response(file_name: &str, body: Body) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    let mut res = Response::new(body);
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

async fn template(auth: AuthSession, headers: HeaderMap, Path(kind): Path<String>) -> Response {
    let result = async {
        authorize(&auth, Permission::UseApp)?;
        let kind = kind_of(&kind)?;
        let locale = locale_from_headers(&headers);
        let bytes = export::template(kind, locale)?;
        Ok(csv_response(
            &format!("onboard-{}-template-{}.csv", kind.as_str(), locale.tag()),
            Body::from(bytes),
        ))
    };
    result.await.unwrap_or_else(error)
}

#[derive(Deserialize)]
struct UploadQuery {
    #[serde(default)]
    name: String,
}

async fn upload(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(kind): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    let result = async {
        let kind = kind_of(&kind)?;
        let user = importer(&auth, kind)?;
        let file = CsvFile::open(&body).map_err(|e| {
            AppError::validation(vec![FieldProblem {
                field: "file".into(),
                code: e.code,
                params: e.params,
            }])
        })?;
        let headers = file.headers.clone();
        let mapping = suggest(kind, &headers);
        let file_name: String = q.name.trim().chars().take(200).collect();
        let file_name = if file_name.is_empty() {
            format!("{}.csv", kind.as_str())
        } else {
            file_name
        };
        // Uploads nobody went on with are dropped after a day.
        sqlx::query("delete from imports where status = 'uploaded' and created_at < now() - interval '1 day'")
            .execute(&state.pool)
            .await?;
        let id: Uuid = sqlx::query_scalar(
            "insert into imports (kind, file_name, content, mapping, created_by) values ($1, $2, $3, $4, $5)
             returning id",
        )
        .bind(kind.as_str())
        .bind(&file_name)
        .bind(body.as_ref())
        .bind(sqlx::types::Json(&mapping))
        .bind(user.id)
        .fetch_one(&state.pool)
        .await?;
        tracing::info!(import = %id, kind = kind.as_str(), bytes = body.len(), "import uploaded");
        Ok(Json(Upload {
            id,
            kind,
            file_name,
            headers,
            mapping,
        })
        .into_response())
    };
    result.await.unwrap_or_else(error)
}

#[derive(Deserialize)]
struct RunRequest {
    mapping: Vec<Option<String>>,
}

async fn check(state: State<AppState>, auth: AuthSession, id: Path<Uuid>, req: Json<RunRequest>) -> Response {
    run(state, auth, id, req, Mode::Check).await
}

async fn commit(state: State<AppState>, auth: AuthSession, id: Path<Uuid>, req: Json<RunRequest>) -> Response {
    run(state, auth, id, req, Mode::Commit).await
}

type Stored = (String, String, Option<Vec<u8>>, i32, i32, i32, i32);

async fn run(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<Uuid>,
    Json(req): Json<RunRequest>,
    mode: Mode,
) -> Response {
    if let Err(e) = authorize(&auth, Permission::UseApp) {
        return error(e);
    }
    let stored: Option<Stored> = match sqlx::query_as(
        "select kind, status, content, rows_total, created_count, updated_count, unchanged_count
           from imports where id = $1",
    )
    .bind(id)
    .fetch_optional(&state.pool)
    .await
    {
        Ok(s) => s,
        Err(e) => return error(e.into()),
    };
    let Some((kind, status, content, rows, created, updated, unchanged)) = stored else {
        return error(AppError::NotFound);
    };
    let Some(kind) = ImportKind::parse(&kind) else {
        return error(AppError::NotFound);
    };
    let user = match importer(&auth, kind) {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    // A commit sent again (a double click, a retry after the connection dropped) gets the
    // first commit's result.
    if status == "committed" {
        let outcome = Outcome {
            rows: rows as u64,
            created: created as u64,
            updated: updated as u64,
            unchanged: unchanged as u64,
            committed: true,
            ..Outcome::default()
        };
        return events(futures_util::stream::iter([RunEvent::Done { outcome }]));
    }
    let Some(content) = content.filter(|_| status == "uploaded") else {
        return error(AppError::Conflict);
    };
    if let Err(e) = sqlx::query("update imports set mapping = $2 where id = $1")
        .bind(id)
        .bind(sqlx::types::Json(&req.mapping))
        .execute(&state.pool)
        .await
    {
        return error(e.into());
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<RunEvent>(64);
    let pool = state.pool.clone();
    // The run goes on when the browser goes away: a commit still completes (or rolls back).
    tokio::spawn(async move {
        let progress = tx.clone();
        let result = engine::run(
            &pool,
            kind,
            engine::Target::Uploaded(id),
            &content,
            &req.mapping,
            mode,
            Some(user.id),
            move |ev| {
                let _ = progress.try_send(ev);
            },
        )
        .await;
        if let Ok(outcome) = &result {
            store_errors(&pool, id, &outcome.errors).await;
        }
        let last = match result {
            Ok(outcome) => RunEvent::Done { outcome },
            Err(error) => RunEvent::Failed { error },
        };
        let _ = tx.send(last).await;
    });
    let stream = futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|ev| (ev, rx))
    }));
    events(stream)
}

async fn store_errors(pool: &sqlx::PgPool, id: Uuid, errors: &[RowError]) {
    let stored = sqlx::query("update imports set errors = $2 where id = $1 and status = 'uploaded'")
        .bind(id)
        .bind(sqlx::types::Json(errors))
        .execute(pool)
        .await;
    if let Err(e) = stored {
        tracing::warn!(error = %e, "storing an import's errors");
    }
}

/// A stream of run events as `text/event-stream` (which the compression layer leaves
/// alone, so each event reaches the browser at once).
fn events(stream: impl futures_util::Stream<Item = RunEvent> + Send + 'static) -> Response {
    use futures_util::StreamExt;
    let body = stream.map(|ev| {
        let json = serde_json::to_string(&ev).unwrap_or_default();
        Ok::<_, Infallible>(format!("data: {json}\n\n"))
    });
    let mut res = Response::new(Body::from_stream(body));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn errors(
    State(state): State<AppState>,
    auth: AuthSession,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    let result = async {
        authorize(&auth, Permission::UseApp)?;
        let stored: Option<(String, String, sqlx::types::Json<Vec<RowError>>)> =
            sqlx::query_as("select kind, file_name, errors from imports where id = $1")
                .bind(id)
                .fetch_optional(&state.pool)
                .await?;
        let (kind, file_name, list) = stored.ok_or(AppError::NotFound)?;
        let kind = kind_of(&kind)?;
        importer(&auth, kind)?;
        let locale = locale_from_headers(&headers);
        let bytes = export::errors_csv(kind, &list.0, locale)?;
        let stem = file_name.trim_end_matches(".csv").replace(['"', '\\'], "");
        Ok(csv_response(&format!("{stem}-errors.csv"), Body::from(bytes)))
    };
    result.await.unwrap_or_else(error)
}

struct ChannelSink(tokio::sync::mpsc::Sender<Result<Vec<u8>, Infallible>>);

impl export::Sink for ChannelSink {
    async fn send(&mut self, piece: Vec<u8>) -> bool {
        self.0.send(Ok(piece)).await.is_ok()
    }
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    headers: String,
}

async fn export_csv(
    State(state): State<AppState>,
    auth: AuthSession,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let (user, kind) = match kind_of(&kind).and_then(|k| Ok((authorize(&auth, k.export_permission())?, k))) {
        Ok(v) => v,
        Err(e) => return error(e),
    };
    let header_style = if q.headers == "keys" {
        Headers::Keys
    } else {
        Headers::Labels(locale_from_headers(&headers))
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, Infallible>>(8);
    let pool = state.pool.clone();
    tokio::spawn(async move {
        let mut sink = ChannelSink(tx);
        let result = export::export(&pool, &user, kind, header_style, &mut sink).await;
        if let Err(e) = result {
            tracing::error!(error = %e, "export failed");
        }
    });
    // Fused: the compression layer polls the body once more after its end, which an
    // unfused `unfold` answers with a panic (the download was cut off).
    let stream = futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    }));
    let date = chrono::Utc::now().format("%Y-%m-%d");
    let res = csv_response(
        &format!("onboard-{}-{date}.csv", kind.as_str()),
        Body::from_stream(stream),
    );
    (StatusCode::OK, res).into_response()
}
