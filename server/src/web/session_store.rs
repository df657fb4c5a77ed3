//! Where sessions live: tower-sessions-sqlx-store's PostgreSQL store, except that saving a
//! session whose row is gone leaves it gone.
//!
//! tower-sessions saves a session it loaded at the end of a request that changed it (and
//! `guards::keep_sessions_alive` changes a signed-in session about once an hour). The
//! store's `save` is an upsert: a request still running while the same user signs out in
//! another tab would write the deleted row back, user and all, and the old cookie would
//! work again. Here `save` only updates; new sessions (sign-in, a cycled id) go through
//! `create` as before.
//!
//! Loaded records are kept in [`app::auth::cache`] while their rows are unchanged; the
//! store drops its own entry on every save and delete, and `super::principals` drops
//! entries other processes changed.

use app::auth::cache::Cached;
use sqlx::PgPool;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions_sqlx_store::PostgresStore;

#[derive(Debug, Clone)]
pub struct SessionRows {
    inner: PostgresStore,
    pool: PgPool,
    records: Cached<Id, Record>,
}

impl SessionRows {
    pub fn new(pool: PgPool, records: Cached<Id, Record>) -> Self {
        SessionRows {
            inner: PostgresStore::new(pool.clone()),
            pool,
            records,
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for SessionRows {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.inner.create(record).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        // Dropped, not replaced, before and after the write: the next load reads what
        // was committed, whatever a load running meanwhile kept.
        self.records.evict(&record.id);
        // The same encoding as the store's own (MessagePack of the whole record).
        let data = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        let done = sqlx::query("update tower_sessions.session set data = $2, expiry_date = $3 where id = $1")
            .bind(record.id.to_string())
            .bind(data)
            .bind(record.expiry_date)
            .execute(&self.pool)
            .await
            .map_err(|e| Error::Backend(e.to_string()));
        self.records.evict(&record.id);
        done.map(drop)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        // The store's own load asks for `expiry_date > now()`; a kept record is checked
        // the same way.
        if let Some(record) = self.records.get(id)
            && record.expiry_date > tower_sessions::cookie::time::OffsetDateTime::now_utc()
        {
            return Ok(Some(record));
        }
        let ticket = self.records.ticket();
        let record = self.inner.load(id).await?;
        if let Some(record) = &record {
            self.records.put(ticket, *id, record.clone());
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.records.evict(id);
        let done = self.inner.delete(id).await;
        self.records.evict(id);
        done
    }
}
