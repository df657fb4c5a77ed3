//! Sign-in throttling, kept in PostgreSQL so every server process sees the same counts.
//!
//! Two keys per attempt: the account (`acct:<email>`) and the client address
//! (`ip:<addr>`). An account is locked after `account_max_failures` failures in a row
//! (a success resets it); an address after `ip_max_failures` failures within `ip_window`.
//! While locked, even the right password is refused.

use std::net::IpAddr;

use sqlx::PgPool;

use crate::error::AppError;
use crate::server::SecuritySettings;

pub struct Keys {
    account: String,
    ip: Option<String>,
}

impl Keys {
    pub fn new(email: &str, ip: Option<IpAddr>) -> Keys {
        Keys {
            account: format!("acct:{}", email.trim().to_lowercase()),
            ip: ip.map(|ip| format!("ip:{ip}")),
        }
    }

    fn all(&self) -> Vec<String> {
        std::iter::once(self.account.clone()).chain(self.ip.clone()).collect()
    }
}

/// Refuses with `LoginLocked` while either key is locked.
pub async fn check(pool: &PgPool, keys: &Keys) -> Result<(), AppError> {
    let remaining: Option<f64> = sqlx::query_scalar(
        "select max(extract(epoch from locked_until - now()))::float8 from login_throttle
         where key = any($1) and locked_until > now()",
    )
    .bind(keys.all())
    .fetch_one(pool)
    .await?;
    match remaining {
        Some(secs) => Err(AppError::LoginLocked {
            retry_after_secs: secs.ceil().max(1.0) as u64,
        }),
        None => Ok(()),
    }
}

/// Counts a failure against both keys, locking those that reach their limit.
pub async fn record_failure(pool: &PgPool, keys: &Keys, s: &SecuritySettings) -> Result<(), AppError> {
    // The account counts failures in a row (window: forever, until a success);
    // the address counts failures within a sliding window.
    bump(pool, &keys.account, s.account_max_failures, None, s).await?;
    if let Some(ip) = &keys.ip {
        bump(pool, ip, s.ip_max_failures, Some(s.ip_window), s).await?;
    }
    Ok(())
}

async fn bump(
    pool: &PgPool,
    key: &str,
    max: i32,
    window: Option<std::time::Duration>,
    s: &SecuritySettings,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into login_throttle as t (key, failures, window_start, locked_until)
         values ($1, 1, now(), case when 1 >= $2 then now() + make_interval(secs => $3) end)
         on conflict (key) do update set
           failures = case when t.locked_until <= now()
                             or ($4::float8 is not null and t.window_start < now() - make_interval(secs => $4))
                           then 1 else t.failures + 1 end,
           window_start = case when t.locked_until <= now()
                             or ($4::float8 is not null and t.window_start < now() - make_interval(secs => $4))
                           then now() else t.window_start end,
           locked_until = case when (case when t.locked_until <= now()
                                     or ($4::float8 is not null and t.window_start < now() - make_interval(secs => $4))
                                   then 1 else t.failures + 1 end) >= $2
                           then now() + make_interval(secs => $3) else t.locked_until end",
    )
    .bind(key)
    .bind(max)
    .bind(s.lockout.as_secs_f64())
    .bind(window.map(|w| w.as_secs_f64()))
    .execute(pool)
    .await?;
    Ok(())
}

/// A successful sign-in clears the account's count (the address keeps its window).
pub async fn record_success(pool: &PgPool, keys: &Keys) -> Result<(), AppError> {
    sqlx::query("delete from login_throttle where key = $1")
        .bind(&keys.account)
        .execute(pool)
        .await?;
    Ok(())
}
