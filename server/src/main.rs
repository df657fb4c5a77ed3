//! `onboard`: the server binary. `onboard serve` (the default) runs the web app;
//! the other subcommands are the operations an admin runs from a shell.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use app::auth::Role;
use app::error::AppError;
use clap::{Parser, Subcommand};
use server::config::Config;
use server::db::Database;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "onboard", version, about = "Customer onboarding and billing core for MSPs")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default). Starts an embedded PostgreSQL when DATABASE_URL is unset.
    Serve,
    /// Create an admin account. The password is read from ONBOARD_ADMIN_PASSWORD or standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Import customers, contacts or services from a CSV file (checked first; all or nothing).
    Import {
        /// `customers` or `contacts`.
        kind: String,
        file: std::path::PathBuf,
        /// Check the file and print what would happen, but write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export customers, contacts or services as CSV (to FILE, or standard output).
    Export {
        /// `customers` or `contacts`.
        kind: String,
        file: Option<std::path::PathBuf>,
    },
    /// Take one e-mail (RFC 5322) from standard input into the service desk, as a Postfix
    /// pipe or fetchmail's MDA would deliver it; prints what became of it as JSON. Exits
    /// with 75 (EX_TEMPFAIL) when it could not be stored, so the MTA delivers again.
    MailIngest,
    /// Poll the IMAP mailbox of ONBOARD_IMAP_URL once (as the server does every
    /// ONBOARD_IMAP_POLL_SECS): every message is taken in, then moved to the Processed
    /// folder. Prints what it did as JSON; exits with 75 when the mailbox was unreachable.
    MailPoll,
    /// Run the invoice run for a cutoff date: preview (printed per currency, with the
    /// parked customers), then, after confirmation or with --yes, finalise with progress.
    /// The same run as Sales & billing → Invoice runs; safe to interrupt and run again.
    InvoiceRun {
        /// Bill everything due on or before this date (YYYY-MM-DD), usually the 1st.
        #[arg(long)]
        cutoff: chrono::NaiveDate,
        /// Only compute and print the preview.
        #[arg(long)]
        preview: bool,
        /// Finalise without asking.
        #[arg(long)]
        yes: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn")),
        )
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::MailIngest | Command::MailPoll = command {
        let done = match command {
            Command::MailIngest => mail_ingest(config).await,
            _ => mail_poll(config).await,
        };
        return match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                // EX_TEMPFAIL: the mail system keeps the message and tries again.
                ExitCode::from(75)
            }
        };
    }
    let result = match command {
        Command::Serve => serve(config).await,
        Command::CreateAdmin { email, name } => create_admin(config, &email, &name).await,
        Command::Migrate => Database::open(&config).await.map_err(|e| e.to_string()).map(|_| ()),
        Command::Import { kind, file, dry_run } => import(config, &kind, &file, dry_run).await,
        Command::Export { kind, file } => export(config, &kind, file.as_deref()).await,
        Command::InvoiceRun { cutoff, preview, yes } => invoice_run(config, cutoff, preview, yes).await,
        Command::MailIngest | Command::MailPoll => unreachable!("handled above"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let db = Database::open(&config).await.map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    let url = format!("http://{}", config.site_addr);
    if app::users::db::any_user(&db.pool).await.map_err(|e| e.to_string())? {
        println!("Onboard is running on {url} — sign in at {url}/login");
    } else {
        println!(
            "Onboard is running on {url}\n\
             First run: open {url}/setup to create the first admin \
             (or run `onboard create-admin --email you@example.com --name \"Your Name\"`)."
        );
    }
    server::web::spawn_session_sweeper(db.pool.clone());
    server::web::spawn_sla_alerts(db.pool.clone());
    server::invoice_worker::spawn(db.pool.clone());
    server::outbox::Sender {
        pool: db.pool.clone(),
        transport: server::outbox::Transport::from_config(config.smtp_url.as_deref(), config.mail_dir.clone())?,
        from: config.mail_from.clone(),
        mail_domain: config.mail_domain.clone(),
        public_url: config.public_url.clone(),
    }
    .spawn();
    if let Some(imap) = config.imap.clone() {
        server::imap::spawn(db.pool.clone(), config.mail_domain.clone(), imap, config.imap_poll);
    }
    let router = server::web::router(&config, db.pool.clone());
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    tracing::info!("shutting down");
    db.close().await;
    served.map_err(|e| e.to_string())
}

/// Ctrl-C or SIGTERM: stop accepting, finish open requests, then stop.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn create_admin(config: Config, email: &str, name: &str) -> Result<(), String> {
    let password = match std::env::var("ONBOARD_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => read_password()?,
    };
    let new = app::users::NewUser::parse(name, email, Role::Admin, &password).map_err(|e| describe(&e))?;
    let db = Database::open(&config).await.map_err(|e| e.to_string())?;
    let result = app::users::db::create(&db.pool, new).await;
    db.close().await;
    let id = result.map_err(|e| describe(&e))?;
    println!(
        "Admin {email} created (id {id}). Sign in at http://{}/login",
        config.site_addr
    );
    Ok(())
}

fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        print!("Password for the new admin (input is shown): ");
        let _ = std::io::stdout().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn import_kind(kind: &str) -> Result<app::imports::ImportKind, String> {
    app::imports::ImportKind::parse(kind)
        .ok_or_else(|| format!("unknown kind {kind:?}: use customers, contacts or services"))
}

async fn import(config: Config, kind: &str, file: &std::path::Path, dry_run: bool) -> Result<(), String> {
    let kind = import_kind(kind)?;
    let db = Database::open(&config).await.map_err(|e| e.to_string())?;
    let result = server::transfer::import_file(&db.pool, kind, file, dry_run, domain::Locale::En).await;
    db.close().await;
    let outcome = result?;
    if outcome.error_count > 0 {
        server::transfer::print_problems(kind, &outcome, domain::Locale::En);
        return Err(format!("{} problems found; nothing was imported", outcome.error_count));
    }
    if dry_run {
        println!("dry run: nothing was written");
    }
    Ok(())
}

async fn export(config: Config, kind: &str, file: Option<&std::path::Path>) -> Result<(), String> {
    let kind = import_kind(kind)?;
    let db = Database::open(&config).await.map_err(|e| e.to_string())?;
    let mut out: Box<dyn Write + Send> = match file {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let result = server::transfer::export_to(&db.pool, kind, &mut *out).await;
    db.close().await;
    result
}

async fn mail_ingest(config: Config) -> Result<(), String> {
    use std::io::Read;
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut raw)
        .map_err(|e| format!("cannot read the message: {e}"))?;
    if raw.is_empty() {
        return Err("no message on standard input".into());
    }
    let db = Database::open(&config).await.map_err(|e| e.to_string())?;
    let result =
        app::mail::intake::ingest(&db.pool, &config.mail_domain, &raw, app::mail::intake::Transport::Pipe).await;
    db.close().await;
    let intake = result.map_err(|e| describe(&e))?;
    println!("{}", serde_json::to_string(&intake).map_err(|e| e.to_string())?);
    Ok(())
}

async fn mail_poll(config: Config) -> Result<(), String> {
    let imap = config.imap.clone().ok_or("ONBOARD_IMAP_URL is not set")?;
    let db = Database::open(&config).await.map_err(|e| e.to_string())?;
    let result = server::imap::poll_once(&db.pool, &config.mail_domain, &imap, server::imap::Stop::Never).await;
    db.close().await;
    let polled = result?;
    println!("{}", serde_json::to_string(&polled).map_err(|e| e.to_string())?);
    if polled.failed > 0 {
        return Err(format!(
            "{} message(s) stay in the mailbox for the next poll",
            polled.failed
        ));
    }
    Ok(())
}

/// An error for the terminal, in English (the CLI's language).
fn describe(e: &AppError) -> String {
    match e {
        AppError::Validation { fields } => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message(domain::Locale::En)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.message(domain::Locale::En),
    }
}

/// `onboard invoice-run`: start, preview, and (confirmed) finalise a run, printing progress.
async fn invoice_run(config: Config, cutoff: chrono::NaiveDate, preview_only: bool, yes: bool) -> Result<(), String> {
    use app::invoices::{db, run};
    let db_handle = Database::open(&config).await.map_err(|e| e.to_string())?;
    let pool = db_handle.pool.clone();
    let show = |e: AppError| match e {
        AppError::Validation { fields } => fields.iter().map(|f| f.code.clone()).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    };
    let id = run::start(&pool, cutoff, None).await.map_err(show)?;
    println!("invoice run {id} for cutoff {cutoff}: computing the preview");
    let mut last = -1;
    run::work(&pool, id, |done, total| {
        if done != last {
            eprint!("\r  {done} / {total} customers");
            last = done;
        }
    })
    .await
    .map_err(show)?;
    eprintln!();
    let status = db::status(&pool, id).await.map_err(show)?;
    let c = &status.counts;
    println!(
        "preview: {} to invoice, {} with nothing due, {} parked",
        c.ready, c.empty, c.parked
    );
    for (currency, net) in &status.totals {
        println!("  net {net} {currency}");
    }
    if c.parked > 0 {
        for row in db::customers(&pool, id, Some("parked"), 0).await.map_err(show)? {
            println!("  parked: {} ({:?})", row.name, row.reason);
        }
    }
    if preview_only || c.ready == 0 {
        return Ok(());
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err("not finalised: pass --yes to finalise without asking".into());
        }
        print!("Finalise {} customers' documents now? [y/N] ", c.ready);
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| e.to_string())?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "j" | "ja" | "s" | "si" | "sí") {
            println!("not finalised; the preview stays in Sales & billing → Invoice runs");
            return Ok(());
        }
    }
    let today = app::invoices::today(&pool).await.map_err(show)?;
    run::approve(&pool, id, None, today).await.map_err(show)?;
    let mut last = -1;
    run::work(&pool, id, |done, total| {
        if done != last {
            eprint!("\r  finalised {done} / {total}");
            last = done;
        }
    })
    .await
    .map_err(show)?;
    eprintln!();
    let status = db::status(&pool, id).await.map_err(show)?;
    println!(
        "finished: {} documents issued, {} customers changed since the preview, {} parked",
        status.documents, status.counts.changed, status.counts.parked
    );
    db_handle.close().await;
    Ok(())
}
