//! `onboard import` and `onboard export`: the page's import and export from a shell, for
//! migrations and automation. An import checks the whole file first, prints every problem
//! (row, column, value, message) and writes nothing if there is one; otherwise it commits
//! in one transaction and prints the counts.

use std::io::Write;
use std::time::Instant;

use app::auth::{Role, UserInfo};
use app::error::AppError;
use app::imports::engine::{self, Mode, Target};
use app::imports::export::{self, Headers};
use app::imports::{ImportKind, Outcome, RunEvent, columns};
use domain::Locale;
use sqlx::PgPool;
use uuid::Uuid;

/// Reads `path`, maps its headers as the page would suggest, checks it, and unless
/// `dry_run`, commits it. Progress goes to standard error; the outcome is returned.
pub async fn import_file(
    pool: &PgPool,
    kind: ImportKind,
    path: &std::path::Path,
    dry_run: bool,
    locale: Locale,
) -> Result<Outcome, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = match app::imports::csv_file::CsvFile::open(&bytes) {
        Ok(f) => f.headers,
        Err(e) => return Err(format!("{}: {}", path.display(), e.message(locale))),
    };
    let mapping = columns::suggest(kind, &headers);
    for (h, m) in headers.iter().zip(&mapping) {
        if m.is_none() {
            eprintln!("column \"{h}\" is not recognized and is ignored");
        }
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import.csv".into());
    let target = Target::New {
        id: Uuid::new_v4(),
        file_name,
    };
    let started = Instant::now();
    let checked = run(pool, kind, target.clone(), &bytes, &mapping, Mode::Check, "checked").await?;
    eprintln!(
        "checked {} rows in {:.2} s: {} new, {} updated, {} unchanged, {} problems",
        checked.rows,
        started.elapsed().as_secs_f64(),
        checked.created,
        checked.updated,
        checked.unchanged,
        checked.error_count
    );
    if dry_run || checked.error_count > 0 {
        return Ok(checked);
    }
    let started = Instant::now();
    let done = run(pool, kind, target, &bytes, &mapping, Mode::Commit, "imported").await?;
    eprintln!(
        "imported {} rows in {:.2} s: {} new, {} updated, {} unchanged",
        done.rows,
        started.elapsed().as_secs_f64(),
        done.created,
        done.updated,
        done.unchanged
    );
    Ok(done)
}

async fn run(
    pool: &PgPool,
    kind: ImportKind,
    target: Target,
    bytes: &[u8],
    mapping: &[Option<String>],
    mode: Mode,
    verb: &'static str,
) -> Result<Outcome, String> {
    let mut last = 0u64;
    engine::run(pool, kind, target, bytes, mapping, mode, None, move |ev| {
        if let RunEvent::Progress { done, total, rows } = ev {
            let percent = (done * 100).checked_div(total).unwrap_or(100);
            if percent >= last + 10 || percent == 100 && last != 100 {
                last = percent;
                eprintln!("{verb} {rows} rows ({percent} %)");
            }
        }
    })
    .await
    .map_err(|e| describe(&e))
}

fn describe(e: &AppError) -> String {
    match e {
        AppError::Conflict => {
            "the import could not be written: someone changed the same records meanwhile; run it again".into()
        }
        other => other.message(Locale::En),
    }
}

/// Prints an outcome's problems, one per line.
pub fn print_problems(kind: ImportKind, outcome: &Outcome, locale: Locale) {
    for e in &outcome.errors {
        let column = if e.column.is_empty() {
            String::new()
        } else {
            columns::label(kind, &e.column, locale)
        };
        eprintln!("row {}, {}: \"{}\" — {}", e.row, column, e.value, e.message(locale));
    }
    let more = outcome.error_count as usize - outcome.errors.len();
    if more > 0 {
        eprintln!("… and {more} more problems");
    }
}

/// Writes all customers or contacts (not archived) as CSV with the stable column keys.
pub async fn export_to(pool: &PgPool, kind: ImportKind, out: &mut (dyn Write + Send)) -> Result<(), String> {
    let operator = UserInfo {
        id: Uuid::nil(),
        email: String::new(),
        name: "command line".into(),
        role: Role::Admin,
        active: true,
        restricted: false,
    };
    let mut sink = WriteSink { out, failed: None };
    export::export(pool, &operator, kind, Headers::Keys, &mut sink)
        .await
        .map_err(|e| describe(&e))?;
    match sink.failed {
        Some(e) => Err(e),
        None => sink.out.flush().map_err(|e| e.to_string()),
    }
}

struct WriteSink<'a> {
    out: &'a mut (dyn Write + Send),
    failed: Option<String>,
}

impl export::Sink for WriteSink<'_> {
    async fn send(&mut self, piece: Vec<u8>) -> bool {
        match self.out.write_all(&piece) {
            Ok(()) => true,
            Err(e) => {
                self.failed = Some(e.to_string());
                false
            }
        }
    }
}
