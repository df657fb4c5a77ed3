//! The connection pool: to `DATABASE_URL`, or to the embedded cluster when it is unset.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::Config;
use crate::embedded_pg::{EmbeddedPg, EmbeddedPgError};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadUrl(sqlx::Error),
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(sqlx::Error),
    #[error(transparent)]
    Embedded(#[from] EmbeddedPgError),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A connection that sat unused this long is pinged before it is handed out (a database
/// restart or a dropped network path shows there, not in a request's query).
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// How the server's pool is set up (also used by the benchmarks, so they measure it).
///
/// sqlx pings every idle connection it hands out by default: one more round trip per
/// acquire, and a request takes three (session, user, the function's query), so that was
/// a quarter of a list request's database traffic. A connection in steady use is not
/// pinged; one idle for [`PING_AFTER_IDLE`] still is.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    use sqlx::Connection;
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// The pool, and the embedded cluster behind it if this process started one.
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPg>,
}

impl Database {
    /// Connects (starting the embedded cluster when `DATABASE_URL` is unset) and migrates.
    pub async fn open(config: &Config) -> Result<Database, DbError> {
        let (options, embedded) = match &config.database_url {
            Some(url) => (url.parse::<PgConnectOptions>().map_err(DbError::BadUrl)?, None),
            None => {
                let pg = EmbeddedPg::start(&config.embedded).await?;
                tracing::info!(psql = %pg.psql_hint(), "using the embedded PostgreSQL");
                (pg.connect_options(), Some(pg))
            }
        };
        let pool = pool_options(config.db_max_connections)
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        migrate(&pool).await?;
        Ok(Database { pool, embedded })
    }

    /// Closes the pool and stops the embedded cluster if this process owns it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(pg) = self.embedded
            && let Err(e) = pg.stop().await
        {
            tracing::error!(error = %e, "stopping the embedded PostgreSQL");
        }
    }
}

/// Applies `migrations/` (embedded at compile time). Safe when several processes start at
/// once: sqlx serialises migrators with an advisory lock.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("../migrations").run(pool).await
}
