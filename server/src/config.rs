//! Configuration from the environment. Every variable is listed in README.md.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use app::server::SecuritySettings;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} has an invalid value {value:?}: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`; when unset, the server runs its own PostgreSQL.
    pub database_url: Option<String>,
    pub embedded: EmbeddedConfig,
    /// `ONBOARD_DB_MAX_CONNECTIONS` (default 10).
    pub db_max_connections: u32,
    /// `LEPTOS_SITE_ADDR` (default 127.0.0.1:3000).
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT` (default `target/site`): the built WASM, JS and CSS.
    pub site_root: String,
    /// `ONBOARD_PUBLIC_URL`, e.g. `https://onboard.example.com`: the origin browsers use.
    /// Mutating requests from any other origin are refused.
    pub public_url: Option<String>,
    /// `ONBOARD_SECURE_COOKIES` (default: on when the public URL is https).
    pub secure_cookies: bool,
    /// `ONBOARD_SESSION_IDLE_MINUTES` (default 480): a session ends after this much inactivity
    /// (see `web::guards::keep_sessions_alive`).
    pub session_idle: Duration,
    /// `ONBOARD_SESSION_CACHE` (default on): keep sessions and users in the process while
    /// the database reports no change to them (`web::principals`).
    pub session_cache: bool,
    /// `ONBOARD_MAIL_DOMAIN`: the domain of the Message-IDs Onboard's mail carries, by
    /// which replies find their ticket (default: the public URL's host, else
    /// `onboard.localhost`). Keep it stable: changing it orphans the threads of mail sent.
    pub mail_domain: String,
    /// `ONBOARD_SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587?tls=required` or
    /// `smtps://…:465`: where outgoing mail is sent. Unset: written as files to `mail_dir`.
    pub smtp_url: Option<String>,
    /// `ONBOARD_MAIL_FROM` (default `Support <support@ONBOARD_MAIL_DOMAIN>`): the sender of
    /// Onboard's mail; replies to it should reach the mailbox Onboard reads.
    pub mail_from: lettre::message::Mailbox,
    /// `ONBOARD_MAIL_DIR` (default `outbox` beside the embedded database's directory):
    /// where mail goes as `.eml` files without SMTP.
    pub mail_dir: PathBuf,
    /// `ONBOARD_IMAP_URL`, e.g. `imaps://support%40msp.example:secret@imap.example.com/INBOX?processed=Processed`:
    /// the mailbox the server polls for e-mail in (unset: no polling).
    pub imap: Option<crate::imap::ImapConfig>,
    /// `ONBOARD_IMAP_POLL_SECS` (default 60).
    pub imap_poll: Duration,
    pub security: SecuritySettings,
}

#[derive(Debug, Clone)]
pub struct EmbeddedConfig {
    /// `ONBOARD_DATA_DIR`: where the embedded cluster keeps its files.
    pub data_dir: PathBuf,
    /// `ONBOARD_PG_PORT` (default 54329).
    pub port: u16,
    /// `ONBOARD_PG_BIN`: directory with `initdb`, `pg_ctl`, `postgres` (found automatically when unset).
    pub bin_dir: Option<PathBuf>,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the configuration through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let public_url = get("ONBOARD_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        let https = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        let mail_domain = get("ONBOARD_MAIL_DOMAIN")
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .or_else(|| {
                public_url.as_deref().and_then(|u| {
                    let host = u.split("://").nth(1)?.split(['/', ':']).next()?;
                    (!host.is_empty()).then(|| host.to_ascii_lowercase())
                })
            })
            .unwrap_or_else(|| "onboard.localhost".into());
        let defaults = SecuritySettings::default();
        let security = SecuritySettings {
            account_max_failures: parse(&get, "ONBOARD_LOGIN_MAX_FAILURES", defaults.account_max_failures)?,
            ip_max_failures: parse(&get, "ONBOARD_IP_MAX_FAILURES", defaults.ip_max_failures)?,
            ip_window: secs(&get, "ONBOARD_IP_WINDOW_SECS", defaults.ip_window)?,
            lockout: secs(&get, "ONBOARD_LOGIN_LOCKOUT_SECS", defaults.lockout)?,
            trust_proxy: parse(&get, "ONBOARD_TRUST_PROXY", false)?,
        };
        let data_dir = get("ONBOARD_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(default_data_dir);
        let from = get("ONBOARD_MAIL_FROM").unwrap_or_else(|| format!("Support <support@{mail_domain}>"));
        let mail_from = from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError::Invalid {
                name: "ONBOARD_MAIL_FROM",
                value: from.clone(),
                reason: e.to_string(),
            })?;
        let imap = match get("ONBOARD_IMAP_URL") {
            None => None,
            Some(raw) => Some(
                crate::imap::ImapConfig::parse(&raw).map_err(|reason| ConfigError::Invalid {
                    name: "ONBOARD_IMAP_URL",
                    // the password stays out of the message
                    value: raw.split('@').next_back().unwrap_or_default().to_owned(),
                    reason,
                })?,
            ),
        };
        Ok(Config {
            database_url: get("DATABASE_URL"),
            imap,
            imap_poll: secs(&get, "ONBOARD_IMAP_POLL_SECS", Duration::from_secs(60))?,
            smtp_url: get("ONBOARD_SMTP_URL"),
            mail_from,
            mail_dir: get("ONBOARD_MAIL_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.parent().unwrap_or(&data_dir).join("outbox")),
            embedded: EmbeddedConfig {
                data_dir,
                port: parse(&get, "ONBOARD_PG_PORT", 54329)?,
                bin_dir: get("ONBOARD_PG_BIN").map(PathBuf::from),
            },
            db_max_connections: parse(&get, "ONBOARD_DB_MAX_CONNECTIONS", 10)?,
            site_addr: parse(&get, "LEPTOS_SITE_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            secure_cookies: parse(&get, "ONBOARD_SECURE_COOKIES", https)?,
            public_url,
            session_idle: Duration::from_secs(60 * parse::<u64>(&get, "ONBOARD_SESSION_IDLE_MINUTES", 480)?),
            session_cache: parse(&get, "ONBOARD_SESSION_CACHE", true)?,
            mail_domain,
            security,
        })
    }
}

fn parse<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match get(name) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|e: T::Err| ConfigError::Invalid {
            name,
            value,
            reason: e.to_string(),
        }),
    }
}

fn secs(get: &impl Fn(&str) -> Option<String>, name: &'static str, default: Duration) -> Result<Duration, ConfigError> {
    parse(get, name, default.as_secs()).map(Duration::from_secs)
}

/// The embedded cluster's home: `$XDG_DATA_HOME/onboard/postgres` (or `~/.local/share/…`);
/// for root `/var/lib/onboard/postgres`, because the cluster then runs as the unprivileged
/// `postgres` user, who cannot enter root's home.
fn default_data_dir() -> PathBuf {
    if crate::embedded_pg::running_as_root() {
        return PathBuf::from("/var/lib/onboard/postgres");
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("onboard/postgres")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_and_overrides() {
        let c = config(&[]).unwrap();
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert!(c.database_url.is_none() && !c.secure_cookies);
        assert_eq!(c.security.account_max_failures, 5);
        let c = config(&[
            ("ONBOARD_PUBLIC_URL", "https://onboard.example.com/"),
            ("ONBOARD_PG_PORT", "6000"),
        ])
        .unwrap();
        assert!(c.secure_cookies);
        assert_eq!(c.public_url.as_deref(), Some("https://onboard.example.com"));
        assert_eq!(c.embedded.port, 6000);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = config(&[("ONBOARD_DB_MAX_CONNECTIONS", "many")]).unwrap_err();
        assert!(err.to_string().contains("ONBOARD_DB_MAX_CONNECTIONS"), "{err}");
    }
}
