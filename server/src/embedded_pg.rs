//! A PostgreSQL cluster the server starts and owns when no `DATABASE_URL` is given,
//! so `onboard serve` works on a machine with nothing configured.
//!
//! It uses the PostgreSQL binaries installed on the machine (no download), listens only on
//! a Unix socket inside its data directory (no TCP port, no password to leak), and is
//! stopped when the server shuts down. `initdb` and `postgres` refuse to run as root, so
//! when started as root the cluster runs as the unprivileged `postgres` user.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tokio::process::Command;

use crate::config::EmbeddedConfig;

/// The database and role the embedded cluster serves Onboard from.
const DB: &str = "onboard";

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found \
         (looked in ONBOARD_PG_BIN, `pg_config --bindir` and /usr/lib/postgresql/*/bin).\n\
         Install them — on Debian/Ubuntu: `sudo apt-get install postgresql` — \
         or set DATABASE_URL to an existing database."
    )]
    NoBinaries,
    #[error(
        "running as root, but there is no unprivileged `postgres` user to run the embedded \
         PostgreSQL as (initdb and postgres refuse root). Install PostgreSQL \
         (`apt-get install postgresql` creates the user), run as a normal user, or set DATABASE_URL."
    )]
    NoPostgresUser,
    #[error("{step} failed: {detail}")]
    Command { step: &'static str, detail: String },
    #[error("embedded PostgreSQL: {0}")]
    Io(#[from] std::io::Error),
    #[error("embedded PostgreSQL: {0}")]
    Sql(#[from] sqlx::Error),
}

/// A running embedded cluster.
#[derive(Debug)]
pub struct EmbeddedPg {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    port: u16,
    run_as: Option<(u32, u32)>,
    /// Whether this process started the cluster (and so stops it).
    owned: bool,
}

impl EmbeddedPg {
    /// Initialises the cluster on first use, starts it (or joins one already running on the
    /// same data directory) and makes sure the `onboard` database exists.
    pub async fn start(cfg: &EmbeddedConfig) -> Result<EmbeddedPg, EmbeddedPgError> {
        let bin_dir = find_bin_dir(cfg.bin_dir.as_deref()).ok_or(EmbeddedPgError::NoBinaries)?;
        let run_as = if running_as_root() {
            Some(postgres_user().ok_or(EmbeddedPgError::NoPostgresUser)?)
        } else {
            None
        };
        let mut pg = EmbeddedPg {
            data_dir: cfg.data_dir.clone(),
            bin_dir,
            port: cfg.port,
            run_as,
            owned: false,
        };
        pg.prepare_dirs()?;
        if !pg.data_dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %pg.data_dir.display(), "initialising the embedded PostgreSQL cluster");
            pg.run(
                "initdb",
                &[
                    "-D",
                    &pg.data_path(),
                    "-U",
                    DB,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                ],
            )
            .await?;
        }
        if pg.run("pg_ctl", &["-D", &pg.data_path(), "status"]).await.is_ok() {
            tracing::info!("joining the embedded PostgreSQL that is already running");
        } else {
            let opts = format!("-p {} -k {} -c listen_addresses=''", pg.port, pg.data_path());
            let log = pg.data_dir.join("server.log").display().to_string();
            pg.run(
                "pg_ctl",
                &[
                    "-D",
                    &pg.data_path(),
                    "-l",
                    &log,
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    &opts,
                    "start",
                ],
            )
            .await?;
            pg.owned = true;
        }
        pg.ensure_database().await?;
        Ok(pg)
    }

    /// How to connect: over the Unix socket in the data directory.
    pub fn connect_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.data_dir)
            .port(self.port)
            .username(DB)
            .database(DB)
    }

    /// A `psql` command line for people who want to look inside.
    pub fn psql_hint(&self) -> String {
        format!("psql -h {} -p {} -U {DB} {DB}", self.data_dir.display(), self.port)
    }

    /// Stops the cluster if this process started it (fast shutdown: open sessions are
    /// rolled back, committed data is safe).
    pub async fn stop(self) -> Result<(), EmbeddedPgError> {
        if self.owned {
            self.run("pg_ctl", &["-D", &self.data_path(), "-m", "fast", "-w", "stop"])
                .await?;
            tracing::info!("embedded PostgreSQL stopped");
        }
        Ok(())
    }

    fn data_path(&self) -> String {
        self.data_dir.display().to_string()
    }

    fn prepare_dirs(&self) -> Result<(), EmbeddedPgError> {
        if let Some(parent) = self.data_dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if !self.data_dir.exists() {
            std::fs::create_dir(&self.data_dir)?;
            std::fs::set_permissions(&self.data_dir, std::fs::Permissions::from_mode(0o700))?;
            if let Some((uid, gid)) = self.run_as {
                std::os::unix::fs::chown(&self.data_dir, Some(uid), Some(gid))?;
            }
        }
        Ok(())
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedPgError> {
        let mut conn = self.connect_options().database("postgres").connect().await?;
        let exists: bool = sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
            .bind(DB)
            .fetch_one(&mut conn)
            .await?;
        if !exists {
            sqlx::query(&format!("create database {DB}")).execute(&mut conn).await?;
        }
        conn.close().await?;
        Ok(())
    }

    /// Runs one of the PostgreSQL tools, as the `postgres` user when we are root.
    async fn run(&self, tool: &'static str, args: &[&str]) -> Result<(), EmbeddedPgError> {
        let mut cmd = Command::new(self.bin_dir.join(tool));
        cmd.args(args).current_dir("/").kill_on_drop(true);
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
            .await
            .map_err(|_| EmbeddedPgError::Command {
                step: tool,
                detail: "timed out after 120 s".into(),
            })??;
        if out.status.success() {
            Ok(())
        } else {
            let mut detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
            if detail.is_empty() {
                detail = format!("exit status {}", out.status);
            }
            Err(EmbeddedPgError::Command { step: tool, detail })
        }
    }
}

/// Whether this process runs as root (owner of `/proc/self` is the effective user).
pub fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

/// The `postgres` user's uid and gid, from `/etc/passwd`.
fn postgres_user() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 3 && fields[0] == "postgres")
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))?
    })
}

/// Finds a directory holding `initdb`, `pg_ctl` and `postgres`: the override, then
/// `pg_config --bindir`, then the newest `/usr/lib/postgresql/<major>/bin`.
pub fn find_bin_dir(override_dir: Option<&Path>) -> Option<PathBuf> {
    let complete = |d: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|t| d.join(t).is_file());
    if let Some(d) = override_dir {
        return complete(d).then(|| d.to_path_buf());
    }
    let from_pg_config = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(d) = from_pg_config.filter(|d| complete(d)) {
        return Some(d);
    }
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, d)| complete(d))
        .collect();
    versioned.sort();
    versioned.pop().map(|(_, d)| d)
}
