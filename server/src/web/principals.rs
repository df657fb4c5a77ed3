//! The listener that keeps `app::auth::cache` honest: it turns the caches on once it is
//! listening, evicts what the database says changed, and turns them off the moment the
//! connection is lost (until it is listening again).

use std::str::FromStr;
use std::time::Duration;

use app::auth::backend::SessionUser;
use app::auth::cache::Cached;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tower_sessions::session::{Id, Record};
use uuid::Uuid;

/// The channels migration `…0014_principal_notify.sql` notifies, payload the row's id.
const USERS: &str = "onboard_users";
const SESSIONS: &str = "onboard_sessions";

/// Both caches, shared by the router's session store and auth backend.
#[derive(Clone, Default)]
pub struct Principals {
    pub users: Cached<Uuid, SessionUser>,
    pub sessions: Cached<Id, Record>,
}

impl Principals {
    fn switch(&self, on: bool) {
        self.users.switch(on);
        self.sessions.switch(on);
    }

    /// Listens until the pool is closed, reconnecting after a lost connection.
    pub fn spawn_listener(&self, pool: PgPool) {
        let principals = self.clone();
        tokio::spawn(async move {
            let mut closed = pool.close_event();
            closed
                .do_until(async {
                    loop {
                        match listen(&pool).await {
                            Ok(listener) => principals.follow(listener).await,
                            Err(e) => tracing::warn!(error = %e, "session cache: cannot listen"),
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                })
                .await
                .ok();
            principals.switch(false);
        });
    }

    /// Evicts per notification until the connection breaks; the caches are on only
    /// meanwhile.
    async fn follow(&self, mut listener: PgListener) {
        self.switch(true);
        loop {
            match listener.try_recv().await {
                Ok(Some(note)) => self.evict(note.channel(), note.payload()),
                // `None`: the connection was lost (notifications may be missed).
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "session cache: listener failed");
                    break;
                }
            }
        }
        self.switch(false);
    }

    fn evict(&self, channel: &str, payload: &str) {
        match channel {
            USERS => match Uuid::parse_str(payload) {
                Ok(id) => self.users.evict(&id),
                Err(_) => self.users.switch(true),
            },
            SESSIONS => match Id::from_str(payload) {
                Ok(id) => self.sessions.evict(&id),
                Err(_) => self.sessions.switch(true),
            },
            _ => {}
        }
    }
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    // `try_recv` would reconnect by itself after a lost connection; `follow` drops the
    // listener instead, so the caches are off until this has succeeded again.
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([USERS, SESSIONS]).await?;
    Ok(listener)
}
