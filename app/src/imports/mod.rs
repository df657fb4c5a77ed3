//! Settings → Import: customers, contacts and the service catalogue from CSV, and their
//! export.
//!
//! The flow: download a template (`/api/imports/template/{kind}.csv`), upload a file
//! (`POST /api/imports/{kind}`, kept in the `imports` row so any server process can go
//! on with it), map the columns the importer did not recognize, check it (a dry run that
//! validates every row with the domain crate and matches it to existing records), then
//! commit it in one transaction. Both runs stream their progress as lines of JSON. Every
//! import is recorded and can be undone while nothing it touched has changed since.
//!
//! - `columns.rs` — the columns of each kind (stable keys, labels, aliases), shared with
//!   the browser's mapping screen.
//! - `csv_file.rs` — reading a file: BOM, `,` or `;`, quoted fields, UTF-8 check.
//! - `engine.rs` — the run: chunks of rows, matching, validation, writing, recording.
//! - `copy_rows.rs` — new records written with `COPY`.
//! - `customer_rows.rs`, `contact_rows.rs`, `service_rows.rs` — what one row of each kind
//!   means (and, for services, how their import is undone).
//! - `undo.rs`, `export.rs`, `http.rs` — undo, CSV export and template, the endpoints.
//! - `view.rs` — the page.

pub mod columns;
#[cfg(feature = "ssr")]
mod contact_rows;
#[cfg(feature = "ssr")]
mod copy_rows;
#[cfg(feature = "ssr")]
pub mod csv_file;
#[cfg(feature = "ssr")]
mod customer_rows;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
mod service_rows;
#[cfg(feature = "ssr")]
pub mod undo;
mod view;
#[cfg(feature = "hydrate")]
mod xhr;

pub use columns::ImportKind;
pub use view::ImportPage;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// An uploaded file, ready to be mapped: its header row and what each header was taken for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub id: Uuid,
    pub kind: ImportKind,
    pub file_name: String,
    pub headers: Vec<String>,
    /// For each header: the column key it is imported into, or none (ignored).
    pub mapping: Vec<Option<String>>,
}

/// One problem in a file: the row (the header row is row 1, as a spreadsheet counts),
/// the column (its key), the value as found and a message code with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
}

impl RowError {
    pub fn new(row: u64, column: &str, value: &str, code: &str) -> Self {
        RowError {
            row,
            column: column.into(),
            value: value.into(),
            code: code.into(),
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.into(), value.to_string()));
        self
    }

    /// The message in `locale` (error codes come from the domain crate or `import.*`).
    pub fn message(&self, locale: domain::Locale) -> String {
        crate::error::FieldProblem {
            field: self.column.clone(),
            code: self.code.clone(),
            params: self.params.clone(),
        }
        .message(locale)
    }
}

/// What a check or a commit found. `errors` holds at most [`MAX_ERRORS`] problems;
/// `error_count` counts them all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub error_count: u64,
    pub errors: Vec<RowError>,
    /// True when the rows were written (a commit without errors).
    pub committed: bool,
}

/// Errors kept and shown per run; the rest are only counted.
pub const MAX_ERRORS: usize = 1000;

/// A progress line of a running check or commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    /// `done` of `total` bytes of the file are read and validated (and written, when
    /// committing); `rows` rows so far.
    Progress {
        done: u64,
        total: u64,
        rows: u64,
    },
    Done {
        outcome: Outcome,
    },
    Failed {
        error: AppError,
    },
}

/// An import as listed on the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: Uuid,
    pub kind: ImportKind,
    pub file_name: String,
    pub status: String,
    pub rows: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// The kinds `user` may import, export and undo.
#[cfg(feature = "ssr")]
pub fn kinds_for(user: &crate::auth::UserInfo) -> Vec<ImportKind> {
    ImportKind::ALL
        .into_iter()
        .filter(|k| user.can(k.permission()))
        .collect()
}

/// The latest imports of the kinds the caller may import, newest first.
#[server(prefix = "/api", endpoint = "imports/history")]
pub async fn import_history() -> Result<Vec<ImportSummary>, AppError> {
    crate::server::gate(Permission::UseApp, |ctx| async move {
        let kinds: Vec<&str> = kinds_for(&ctx.user).into_iter().map(ImportKind::as_str).collect();
        if kinds.is_empty() {
            return Err(AppError::Forbidden);
        }
        type Row = (
            Uuid,
            String,
            String,
            String,
            i32,
            i32,
            i32,
            i32,
            Option<String>,
            DateTime<Utc>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "select i.id, i.kind, i.file_name, i.status, i.rows_total, i.created_count, i.updated_count,
                    i.unchanged_count, u.name, coalesce(i.committed_at, i.created_at)
               from imports i left join users u on u.id = coalesce(i.committed_by, i.created_by)
              where i.status <> 'uploaded' and i.kind = any($1)
              order by coalesce(i.committed_at, i.created_at) desc limit 50",
        )
        .bind(&kinds)
        .fetch_all(&ctx.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(
                |(id, kind, file_name, status, rows, created, updated, unchanged, by, at)| {
                    Some(ImportSummary {
                        id,
                        kind: ImportKind::parse(&kind)?,
                        file_name,
                        status,
                        rows,
                        created,
                        updated,
                        unchanged,
                        by,
                        at,
                    })
                },
            )
            .collect())
    })
    .await
}

/// Removes what an import created and puts back what it changed, if nothing it touched
/// has changed since.
#[server(prefix = "/api", endpoint = "imports/undo")]
pub async fn undo_import(import: Uuid) -> Result<(), AppError> {
    crate::server::gate(Permission::UseApp, |ctx| async move {
        undo::undo(&ctx.pool, import, &ctx.user).await
    })
    .await
}
