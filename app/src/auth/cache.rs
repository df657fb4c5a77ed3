//! Sessions and users kept in the process between requests, dropped the moment the
//! database says they changed.
//!
//! Every signed-in request used to read its session row and its user row before doing any
//! work: two of the three queries behind a list page. Both rows change rarely (a sign-in,
//! a sign-out, the hourly keep-alive, a role or password change), so the server keeps them
//! here. Correctness does not rest on a time-out: triggers on `users` and
//! `tower_sessions.session` send a notification for every update and delete (migration
//! `…0014_principal_notify.sql`), and `server::web::principals` listens and evicts.
//!
//! The rules that keep a stale row from ever being served:
//! - The cache is **off** until the listener is connected, and switched off (and emptied)
//!   the moment the connection is lost; reads then go to the database as before.
//! - A reader takes a [`Ticket`] *before* it queries and may store what it read only if no
//!   eviction or switch happened since (`epoch` unchanged). So a change committed while
//!   the reader was on its way cannot be overwritten by the older row it read.
//! - Entries still expire after [`MAX_AGE`], a safety net, not the mechanism.
//!
//! What remains is the time a notification takes to arrive (well under a millisecond on
//! one machine): a request in that window sees the state from just before the change, as
//! a request that started a moment earlier would.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an entry may be served without a reload even when no notification came.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// Entries kept at most; past this the cache starts over (a burst of sign-ins, not a
/// steady state: one entry per signed-in session).
const CAPACITY: usize = 50_000;

/// Rows of one kind, by key. Clones share the same entries.
pub struct Cached<K, V> {
    state: Arc<Mutex<State<K, V>>>,
}

impl<K, V> Clone for Cached<K, V> {
    fn clone(&self) -> Self {
        Cached {
            state: self.state.clone(),
        }
    }
}

impl<K, V> std::fmt::Debug for Cached<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the entries are sessions and users: not for logs
        f.debug_struct("Cached").finish_non_exhaustive()
    }
}

impl<K, V> Default for Cached<K, V> {
    fn default() -> Self {
        Cached {
            state: Arc::new(Mutex::new(State {
                on: false,
                epoch: 0,
                entries: HashMap::new(),
            })),
        }
    }
}

struct State<K, V> {
    on: bool,
    /// Bumped by every eviction and switch.
    epoch: u64,
    entries: HashMap<K, (V, Instant)>,
}

/// Taken before reading the database; see the module's rules.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl<K: Eq + Hash, V: Clone> Cached<K, V> {
    /// The cached row, when the cache is on and the entry young enough.
    pub fn get(&self, key: &K) -> Option<V> {
        let state = self.lock();
        if !state.on {
            return None;
        }
        state
            .entries
            .get(key)
            .filter(|(_, at)| at.elapsed() < MAX_AGE)
            .map(|(v, _)| v.clone())
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.lock().epoch)
    }

    /// Keeps `value` read under `ticket`, unless something changed since.
    pub fn put(&self, ticket: Ticket, key: K, value: V) {
        let mut state = self.lock();
        if !state.on || state.epoch != ticket.0 {
            return;
        }
        if state.entries.len() >= CAPACITY {
            state.entries.clear();
        }
        state.entries.insert(key, (value, Instant::now()));
    }

    /// Drops one entry (its row changed or went).
    pub fn evict(&self, key: &K) {
        let mut state = self.lock();
        state.epoch += 1;
        state.entries.remove(key);
    }

    /// Empties the cache and turns it on (the listener is connected) or off (it is not).
    pub fn switch(&self, on: bool) {
        let mut state = self.lock();
        state.epoch += 1;
        state.on = on;
        state.entries.clear();
    }

    pub fn is_on(&self) -> bool {
        self.lock().on
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<K, V>> {
        // A panic while holding the lock cannot leave the map half-written (each method
        // makes one change), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_until_switched_on() {
        let c: Cached<u8, &str> = Cached::default();
        let t = c.ticket();
        c.put(t, 1, "a");
        assert_eq!(c.get(&1), None);
        c.switch(true);
        let t = c.ticket();
        c.put(t, 1, "a");
        assert_eq!(c.get(&1), Some("a"));
        c.switch(false);
        assert_eq!(c.get(&1), None);
        c.switch(true);
        assert_eq!(c.get(&1), None, "switching empties");
    }

    #[test]
    fn a_read_overtaken_by_a_change_is_not_kept() {
        let c: Cached<u8, &str> = Cached::default();
        c.switch(true);
        let before = c.ticket();
        // the row changes (and its notification arrives) while the reader is querying
        c.evict(&1);
        c.put(before, 1, "old");
        assert_eq!(c.get(&1), None);
        let after = c.ticket();
        c.put(after, 1, "new");
        assert_eq!(c.get(&1), Some("new"));
        c.evict(&1);
        assert_eq!(c.get(&1), None);
    }
}
