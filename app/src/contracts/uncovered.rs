//! The Sales & billing banner of the seeds: "N customers use services but have no contract
//! — Create". N counts active customers with at least one service in use (a latest reading
//! above zero) and no contract active today, among those the user may reach. A user can
//! close the banner; it stays closed until the count grows past what it showed then. The
//! "Create contracts for existing customers" link beside the page title stays either way.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
use crate::i18n::{k, t, text_with, use_locale};

/// What the banner shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uncovered {
    pub count: i64,
    /// Closed by this user at this count or a higher one.
    pub dismissed: bool,
}

/// The banner's name in `banner_dismissals`.
#[cfg(feature = "ssr")]
const BANNER: &str = "uncovered_customers";

/// The count and whether this user closed the banner. For those who create contracts.
#[server(prefix = "/api", endpoint = "contracts/uncovered")]
pub async fn uncovered_customers() -> Result<Uncovered, AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        let count = ctx.state.counts.uncovered(&ctx.pool, &ctx.user).await?;
        let closed_at: Option<i64> =
            sqlx::query_scalar("select count_at from banner_dismissals where user_id = $1 and banner = $2")
                .bind(ctx.user.id)
                .bind(BANNER)
                .fetch_optional(&ctx.pool)
                .await?;
        Ok(Uncovered {
            count,
            dismissed: closed_at.is_some_and(|at| count <= at),
        })
    })
    .await
}

/// Closes the banner for this user at the `count` it showed.
#[server(prefix = "/api", endpoint = "contracts/uncovered/dismiss", input = Json)]
pub async fn dismiss_uncovered(count: i64) -> Result<(), AppError> {
    crate::server::gate(Permission::EditBilling, |ctx| async move {
        sqlx::query(
            "insert into banner_dismissals (user_id, banner, count_at) values ($1, $2, $3)
             on conflict (user_id, banner) do update set count_at = excluded.count_at, dismissed_at = now()",
        )
        .bind(ctx.user.id)
        .bind(BANNER)
        .bind(count.max(0))
        .execute(&ctx.pool)
        .await?;
        Ok(())
    })
    .await
}

/// Where the wizard opens from the banner: the banner's customers preselected.
pub const WIZARD_FROM_BANNER: &str = "/contracts/bulk?uses_services=true";

/// The banner and, beside the page title, the wizard's link; for users who may create
/// contracts (for the others the count is refused and nothing shows).
#[component]
pub fn UncoveredBanner() -> impl IntoView {
    let locale = use_locale();
    // Read after hydration by an effect, not by a resource: the page is rendered on the
    // server without the banner and the browser adds it, so both render the same markup.
    let state = RwSignal::new(None::<Uncovered>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(u) = uncovered_customers().await {
                state.set(Some(u));
            }
        });
    });
    let closed = RwSignal::new(false);
    let close = move |count: i64| {
        closed.set(true);
        leptos::task::spawn_local(async move {
            let _ = dismiss_uncovered(count).await;
        });
    };
    view! {
        {move || state.get().filter(|u| u.count > 0 && !u.dismissed && !closed.get()).map(|u| {
                let text = text_with(locale, k::UNCOVERED_BANNER, &[("count", &domain::format_decimal(u.count.into(), locale))]);
                view! {
                    <div class="banner warn" role="status" id="uncovered-banner" data-count=u.count>
                        <span>{text}</span>
                        <a class="button small primary" href=WIZARD_FROM_BANNER id="uncovered-create">{t(k::UNCOVERED_CREATE)}</a>
                        <button type="button" class="button small" id="uncovered-dismiss" on:click=move |_| close(u.count)>
                            {t(k::UNCOVERED_DISMISS)}
                        </button>
                    </div>
                }
            })}
    }
}

/// "Create contracts for existing customers", beside a Sales & billing page's title.
#[component]
pub fn BulkContractsLink() -> impl IntoView {
    view! {
        <a class="button" href="/contracts/bulk" id="bulk-contracts">{t(k::BULK_OPEN)}</a>
    }
}

#[cfg(feature = "ssr")]
pub use cache::{CountCache, count, invalidate};

#[cfg(feature = "ssr")]
mod cache {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use sqlx::{PgPool, Postgres, QueryBuilder};
    use uuid::Uuid;

    use crate::auth::UserInfo;
    use crate::error::AppError;

    /// Bumped by every write that can change the count (a contract created, activated or
    /// ended, readings stored): cached counts of an older generation are recomputed.
    static GENERATION: AtomicU64 = AtomicU64::new(0);

    /// How long a count is served without a write in this process. Another server process's
    /// writes (or an account taken over by a colleague) show after at most this long.
    const FRESH_FOR: Duration = Duration::from_secs(30);

    pub fn invalidate() {
        GENERATION.fetch_add(1, Ordering::Relaxed);
    }

    /// The banner count per scope: one for everyone who sees all customers, one per
    /// restricted user. Counting 100,000 customers takes tens of milliseconds; the banner
    /// is on every Sales & billing page, so it is counted once per scope and write, and
    /// concurrent requests wait for the one count in progress instead of each counting.
    #[derive(Default)]
    pub struct CountCache {
        entries: Mutex<HashMap<Option<Uuid>, (u64, Instant, i64)>>,
        counting: tokio::sync::Mutex<()>,
    }

    impl CountCache {
        fn cached(&self, scope: Option<Uuid>, generation: u64) -> Option<i64> {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries
                .get(&scope)
                .filter(|(g, at, _)| *g == generation && at.elapsed() < FRESH_FOR)
                .map(|(_, _, n)| *n)
        }

        pub async fn uncovered(&self, pool: &PgPool, user: &UserInfo) -> Result<i64, AppError> {
            let scope = user.restricted.then_some(user.id);
            let generation = GENERATION.load(Ordering::Relaxed);
            if let Some(n) = self.cached(scope, generation) {
                return Ok(n);
            }
            let _turn = self.counting.lock().await;
            if let Some(n) = self.cached(scope, generation) {
                return Ok(n);
            }
            let n = count(pool, user).await?;
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.insert(scope, (generation, Instant::now(), n));
            Ok(n)
        }
    }

    /// The count itself (also what the benchmark compares the cached call with).
    pub async fn count(pool: &PgPool, user: &UserInfo) -> Result<i64, AppError> {
        let mut b = QueryBuilder::<Postgres>::new("select count(*) from customers c where c.archived_at is null");
        b.push(crate::customers::list::USES_SERVICES);
        crate::customers::list::push_no_active_contract(&mut b, crate::server::today());
        crate::customers::list::push_scope(&mut b, user);
        Ok(b.build_query_scalar().fetch_one(pool).await?)
    }
}
