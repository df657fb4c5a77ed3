//! One run over a file: a check (dry run) or a commit. Both read the rows in chunks, look
//! up the records the chunk's rows match with a few indexed queries, validate each row
//! with the domain crate and classify it (created, updated, unchanged). A commit also
//! writes each chunk, in one transaction for the whole file, and only commits when no row
//! had an error: an interrupted or refused import leaves nothing behind.
//!
//! Memory: the file is in memory once (as uploaded); what a run keeps besides is the
//! current chunk, the keys seen so far (to find duplicate rows) and the keys of the
//! existing records it matches against (read once per run), never all the file's rows.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::columns::ImportKind;
use super::csv_file::{CsvFile, Row};
use super::{MAX_ERRORS, Outcome, RowError, RunEvent};
use crate::error::AppError;

/// Rows validated and written together.
pub const CHUNK: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Commit,
}

/// What a run gets and keeps while it goes through the chunks.
pub struct RunCtx<'c> {
    pub conn: &'c mut PgConnection,
    pub mode: Mode,
    pub import_id: Uuid,
    pub actor: Option<Uuid>,
    /// For each column of the kind (in `ImportKind::columns` order), the file column it
    /// comes from, if the file has it.
    pub source: Vec<Option<usize>>,
    pub outcome: Outcome,
}

impl RunCtx<'_> {
    /// The cells of `row` in column order: `None` where the file has no such column (an
    /// update then keeps the stored value), trimmed text otherwise.
    pub fn cells(&self, row: &Row) -> Vec<Option<String>> {
        self.source
            .iter()
            .map(|src| src.map(|i| row.cells.get(i).map(|c| c.trim().to_string()).unwrap_or_default()))
            .collect()
    }

    pub fn error(&mut self, e: RowError) {
        self.outcome.error_count += 1;
        if self.outcome.errors.len() < MAX_ERRORS {
            self.outcome.errors.push(e);
        }
    }

    /// Whether this chunk's rows are to be written.
    pub fn writing(&self) -> bool {
        self.mode == Mode::Commit && self.outcome.error_count == 0
    }

    /// Lists what the import created or changed (the first `before` of a record wins, the
    /// last version).
    pub async fn record(&mut self, entity: &str, records: &[Recorded]) -> Result<(), AppError> {
        if records.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = records.iter().map(|r| r.id).collect();
        let actions: Vec<&str> = records.iter().map(|r| r.action).collect();
        let befores: Vec<Option<String>> = records
            .iter()
            .map(|r| r.before.as_ref().map(|b| b.to_string()))
            .collect();
        let versions: Vec<i32> = records.iter().map(|r| r.version).collect();
        sqlx::query(
            "insert into import_records (import_id, entity, record_id, action, before, version)
             select $1, $2, r.id, r.action, r.before::jsonb, r.version
               from unnest($3::uuid[], $4::text[], $5::text[], $6::int[]) as r(id, action, before, version)
             on conflict (import_id, entity, record_id) do update set version = excluded.version",
        )
        .persistent(false)
        .bind(self.import_id)
        .bind(entity)
        .bind(&ids)
        .bind(&actions)
        .bind(&befores)
        .bind(&versions)
        .execute(&mut *self.conn)
        .await?;
        Ok(())
    }

    /// One audit entry per record: `imported`, with the changed fields for updates.
    pub async fn audit(&mut self, entity: &str, entries: &[(Uuid, Uuid, serde_json::Value)]) -> Result<(), AppError> {
        if entries.is_empty() {
            return Ok(());
        }
        let customers: Vec<Uuid> = entries.iter().map(|e| e.0).collect();
        let ids: Vec<Uuid> = entries.iter().map(|e| e.1).collect();
        let changes: Vec<String> = entries.iter().map(|e| e.2.to_string()).collect();
        sqlx::query(
            "insert into audit_log (customer_id, entity, entity_id, action, actor_id, changes)
             select r.customer, $1, r.id, 'imported', $2, r.changes::jsonb
               from unnest($3::uuid[], $4::uuid[], $5::text[]) as r(customer, id, changes)",
        )
        .bind(entity)
        .bind(self.actor)
        .bind(&customers)
        .bind(&ids)
        .bind(&changes)
        .execute(&mut *self.conn)
        .await?;
        Ok(())
    }
}

/// A record the import created or updated.
pub struct Recorded {
    pub id: Uuid,
    pub action: &'static str,
    pub before: Option<serde_json::Value>,
    pub version: i32,
}

/// Outcome of comparing a row's values with what is stored.
pub fn classify(outcome: &mut Outcome, created: bool, changed: bool) {
    match (created, changed) {
        (true, _) => outcome.created += 1,
        (false, true) => outcome.updated += 1,
        (false, false) => outcome.unchanged += 1,
    }
}

/// `{field, before, after}` for each column whose stored value differs, named by
/// `names` (the file's column keys; a blank name is a derived column left out).
pub fn diff(names: &[&str], before: &[Option<String>], after: &[Option<String>]) -> Vec<serde_json::Value> {
    names
        .iter()
        .zip(before.iter().zip(after))
        .filter(|(name, (b, a))| !name.is_empty() && b != a)
        .map(|(c, (b, a))| {
            serde_json::json!({
                "field": c,
                "before": b.clone().unwrap_or_default(),
                "after": a.clone().unwrap_or_default(),
            })
        })
        .collect()
}

/// `columns` and `values` as one JSON object (for `jsonb_to_recordset`), with the id.
pub fn json_row(id: Uuid, columns: &[&str], values: &[Option<String>]) -> serde_json::Value {
    let mut map = serde_json::Map::with_capacity(columns.len() + 1);
    map.insert("id".into(), serde_json::Value::String(id.to_string()));
    for (c, v) in columns.iter().zip(values) {
        map.insert(
            (*c).to_string(),
            v.clone()
                .map(serde_json::Value::String)
                .unwrap_or(serde_json::Value::Null),
        );
    }
    serde_json::Value::Object(map)
}

/// `columns` and `values` as a JSON object, for an import record's `before`.
pub fn json_values(columns: &[&str], values: &[Option<String>]) -> serde_json::Map<String, serde_json::Value> {
    columns
        .iter()
        .zip(values)
        .map(|(c, v)| {
            (
                (*c).to_string(),
                v.clone()
                    .map(serde_json::Value::String)
                    .unwrap_or(serde_json::Value::Null),
            )
        })
        .collect()
}

/// What each kind does with its rows.
pub trait Rows {
    /// Validates (and, when the run writes, stores) one chunk of rows.
    fn chunk(&mut self, ctx: &mut RunCtx<'_>, rows: Vec<Row>) -> impl Future<Output = Result<(), AppError>> + Send;
    /// Checks that need the whole file (e.g. every customer still has a main contact).
    fn finish(&mut self, ctx: &mut RunCtx<'_>) -> impl Future<Output = Result<(), AppError>> + Send;
}

/// The file columns each kind column comes from, given the user's mapping (one entry per
/// file column: a column key or none). Errors: a required column that is missing, a column
/// chosen twice, an unknown key.
pub fn resolve_mapping(kind: ImportKind, mapping: &[Option<String>]) -> Result<Vec<Option<usize>>, Vec<RowError>> {
    let columns = kind.columns();
    let mut source = vec![None; columns.len()];
    let mut errors = Vec::new();
    for (file_col, key) in mapping.iter().enumerate() {
        let Some(key) = key.as_deref().filter(|k| !k.is_empty()) else {
            continue;
        };
        match kind.index(key) {
            None => errors.push(RowError::new(1, key, key, "import.column_unknown")),
            Some(i) if source[i].is_some() => errors.push(RowError::new(1, key, key, "import.column_twice")),
            Some(i) => source[i] = Some(file_col),
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.required && source[i].is_none() {
            errors.push(RowError::new(1, c.key, "", "import.column_missing"));
        }
    }
    if errors.is_empty() { Ok(source) } else { Err(errors) }
}

/// Which import a run belongs to: one uploaded before (the page), or one the commit
/// records itself, inside its transaction (the command line: an interrupted commit then
/// leaves not even the import's row).
#[derive(Debug, Clone)]
pub enum Target {
    Uploaded(Uuid),
    New { id: Uuid, file_name: String },
}

impl Target {
    pub fn id(&self) -> Uuid {
        match self {
            Target::Uploaded(id) | Target::New { id, .. } => *id,
        }
    }
}

/// Runs a check or a commit of `bytes` for the import `target`, reporting progress to
/// `progress`. A commit also marks the import committed with its counts.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    pool: &PgPool,
    kind: ImportKind,
    target: Target,
    bytes: &[u8],
    mapping: &[Option<String>],
    mode: Mode,
    actor: Option<Uuid>,
    mut progress: impl FnMut(RunEvent) + Send,
) -> Result<Outcome, AppError> {
    let file = match CsvFile::open(bytes) {
        Ok(f) => f,
        Err(e) => return Ok(failed(vec![e])),
    };
    let source = match resolve_mapping(kind, mapping) {
        Ok(s) => s,
        Err(errors) => return Ok(failed(errors)),
    };
    let import_id = target.id();
    // The tables grow while a commit runs, and a plan cached while they were small (a
    // nested loop over a scan) gets slower with every chunk: the chunks' own queries are
    // not prepared (`persistent(false)`), so each is planned for the table as it is.
    // (`plan_cache_mode = force_custom_plan` did the same, but for every cached plan of the
    // session: the foreign-key checks were then planned again for every row, a third of
    // the time of a 100,000-row commit.)
    let mut tx = pool.begin().await?;
    if mode == Mode::Commit {
        // One commit at a time: two imports matching the same rows must not both insert.
        sqlx::query("select pg_advisory_xact_lock(hashtext('onboard.import'))")
            .execute(&mut *tx)
            .await?;
        if let Target::New { id, file_name } = &target {
            sqlx::query("insert into imports (id, kind, file_name, created_by) values ($1, $2, $3, $4)")
                .bind(id)
                .bind(kind.as_str())
                .bind(file_name)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
        }
        let status: Option<String> = sqlx::query_scalar("select status from imports where id = $1 for update")
            .bind(import_id)
            .fetch_optional(&mut *tx)
            .await?;
        match status.as_deref() {
            None => return Err(AppError::NotFound),
            Some("uploaded") => {}
            Some(_) => return Err(AppError::Conflict),
        }
    }
    let mut ctx = RunCtx {
        conn: &mut tx,
        mode,
        import_id,
        actor,
        source,
        outcome: Outcome::default(),
    };
    let total = file.len();
    let result = match kind {
        ImportKind::Customers => {
            let mut rows = super::customer_rows::CustomerRows::default();
            drive(&mut ctx, &file, &mut rows, total, &mut progress).await
        }
        ImportKind::Contacts => {
            let mut rows = super::contact_rows::ContactRows::default();
            drive(&mut ctx, &file, &mut rows, total, &mut progress).await
        }
        ImportKind::Services => {
            let mut rows = super::service_rows::ServiceRows::default();
            drive(&mut ctx, &file, &mut rows, total, &mut progress).await
        }
    };
    let mut outcome = std::mem::take(&mut ctx.outcome);
    // On an error the transaction is dropped, which rolls it back.
    result?;
    // Problems are found in phases (matching, then validation): list them by row.
    outcome.errors.sort_by_key(|e| e.row);
    if mode == Mode::Commit && outcome.error_count == 0 {
        sqlx::query(
            "update imports set status = 'committed', content = null, rows_total = $2, created_count = $3,
                    updated_count = $4, unchanged_count = $5, committed_by = $6, committed_at = now()
              where id = $1",
        )
        .bind(import_id)
        .bind(outcome.rows as i32)
        .bind(outcome.created as i32)
        .bind(outcome.updated as i32)
        .bind(outcome.unchanged as i32)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        outcome.committed = true;
    } else {
        tx.rollback().await?;
    }
    progress(RunEvent::Progress {
        done: total,
        total,
        rows: outcome.rows,
    });
    Ok(outcome)
}

fn failed(errors: Vec<RowError>) -> Outcome {
    Outcome {
        error_count: errors.len() as u64,
        errors,
        ..Outcome::default()
    }
}

async fn drive<R: Rows>(
    ctx: &mut RunCtx<'_>,
    file: &CsvFile<'_>,
    kind_rows: &mut R,
    total: u64,
    progress: &mut (impl FnMut(RunEvent) + Send),
) -> Result<(), AppError> {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut position = 0;
    for row in file.rows() {
        match row {
            Ok(row) => {
                position = row.position;
                chunk.push(row);
            }
            Err(e) => ctx.error(e),
        }
        if chunk.len() == CHUNK {
            ctx.outcome.rows += chunk.len() as u64;
            kind_rows.chunk(ctx, std::mem::take(&mut chunk)).await?;
            progress(RunEvent::Progress {
                done: position,
                total,
                rows: ctx.outcome.rows,
            });
        }
    }
    ctx.outcome.rows += chunk.len() as u64;
    kind_rows.chunk(ctx, chunk).await?;
    kind_rows.finish(ctx).await?;
    if ctx.outcome.rows == 0 && ctx.outcome.error_count == 0 {
        ctx.error(RowError::new(2, "", "", "import.no_rows"));
    }
    Ok(())
}

/// Longest external id an import takes.
pub const EXTERNAL_ID_MAX: usize = 100;

/// The problem with a row's external id, if it has one. It is a matching key from another
/// system, stored as given (trimmed), so the domain's rules for a line of text are only
/// checked, not applied (they would collapse inner spaces and so change the key): no
/// control characters (PostgreSQL refuses a NUL outright), at most [`EXTERNAL_ID_MAX`]
/// characters.
pub fn external_id_problem(row: u64, cell: Option<&str>) -> Option<RowError> {
    let value = cell?.trim();
    if value.is_empty() {
        return None;
    }
    let problem = domain::text::clean_line(value, EXTERNAL_ID_MAX).err()?;
    let shown: String = value
        .chars()
        .filter(|c| !c.is_control())
        .take(EXTERNAL_ID_MAX)
        .collect();
    let mut error = RowError::new(row, "external_id", &shown, problem.code.as_str());
    error.params = problem.params.into_iter().collect();
    Some(error)
}

/// Keys seen in the file so far (external ids, domains, names, e-mails, record ids) and the
/// row that used each first: a second row with the same key is a duplicate.
#[derive(Default)]
pub struct Seen(HashMap<String, u64>);

impl Seen {
    /// The row that used one of `keys` first, or none (then all of them are taken by `row`).
    pub fn claim(&mut self, row: u64, keys: &[String]) -> Option<u64> {
        if let Some(first) = keys.iter().find_map(|k| self.0.get(k).copied()) {
            return Some(first);
        }
        for k in keys {
            self.0.insert(k.clone(), row);
        }
        None
    }
}

/// The message for a write the database refused because of a unique index or a foreign
/// key: someone created, changed or deleted the same records while the import ran.
pub fn concurrent_change(e: sqlx::Error) -> AppError {
    match &e {
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("23505" | "23503")) => AppError::Conflict,
        _ => AppError::from(e),
    }
}
