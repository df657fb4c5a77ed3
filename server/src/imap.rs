//! E-mail in over IMAP: the server polls a mailbox (`ONBOARD_IMAP_URL`) and takes each
//! message through the one ingestion path (`app::mail::intake::ingest`), then moves it to
//! the Processed folder — only after the database committed it. A crash between the two
//! leaves the message in the inbox; the next poll fetches it again, the intake recognises
//! it by its SHA-256 (nothing is done twice) and the move happens then. Several server
//! processes polling one mailbox are safe the same way: the second to fetch a message
//! finds it recorded, and a move of a message already moved is a no-op.
//!
//! A message whose intake fails (the database was unreachable) stays in the inbox and is
//! tried again at the next poll; one that cannot be parsed is not a failure — it goes to
//! the review queue like any other.

use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Where and how to poll, from `ONBOARD_IMAP_URL`:
/// `imaps://user:password@imap.example.com[:993][/INBOX][?processed=Processed]`, or
/// `imap://…[:143]` without TLS (a local Dovecot on loopback).
#[derive(Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub user: String,
    pub password: String,
    /// The folder read (default `INBOX`).
    pub folder: String,
    /// Where processed messages go (default `Processed`; created when missing).
    pub processed: String,
}

impl std::fmt::Debug for ImapConfig {
    // Never the password, not even in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.tls { "imaps" } else { "imap" };
        write!(
            f,
            "{scheme}://{}@{}:{}/{} → {}",
            self.user, self.host, self.port, self.folder, self.processed
        )
    }
}

impl ImapConfig {
    pub fn parse(raw: &str) -> Result<ImapConfig, String> {
        let url = url::Url::parse(raw).map_err(|e| e.to_string())?;
        let tls = match url.scheme() {
            "imaps" => true,
            "imap" => false,
            other => {
                return Err(format!(
                    "scheme {other:?}: use imaps:// (or imap:// on a trusted network)"
                ));
            }
        };
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let host = url.host_str().ok_or("no host")?.to_owned();
        let user = decode(url.username());
        if user.is_empty() {
            return Err("no user name".into());
        }
        let folder = decode(url.path().trim_start_matches('/'));
        Ok(ImapConfig {
            port: url.port().unwrap_or(if tls { 993 } else { 143 }),
            tls,
            user,
            password: decode(url.password().unwrap_or_default()),
            folder: if folder.is_empty() { "INBOX".into() } else { folder },
            processed: url
                .query_pairs()
                .find(|(k, _)| k == "processed")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| "Processed".into()),
            host,
        })
    }
}

/// What one poll did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Polled {
    pub fetched: usize,
    /// Received before (a re-delivery, or a crash before the move last time).
    pub duplicates: usize,
    pub moved: usize,
    /// Left in the inbox for the next poll.
    pub failed: usize,
}

/// For tests: stop as a crash would, after the commit and before the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Never,
    AfterFirstCommit,
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

type Session = async_imap::Session<Box<dyn Io>>;

async fn connect(cfg: &ImapConfig) -> Result<Session, String> {
    let tcp = tokio::time::timeout(
        Duration::from_secs(20),
        TcpStream::connect((cfg.host.as_str(), cfg.port)),
    )
    .await
    .map_err(|_| format!("{}:{}: timed out", cfg.host, cfg.port))?
    .map_err(|e| format!("{}:{}: {e}", cfg.host, cfg.port))?;
    let stream: Box<dyn Io> = if cfg.tls {
        use tokio_rustls::rustls::{ClientConfig, RootCertStore, pki_types::ServerName};
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let config = ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from(cfg.host.clone()).map_err(|e| e.to_string())?;
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS with {}: {e}", cfg.host))?;
        Box::new(tls)
    } else {
        Box::new(tcp)
    };
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the server closed the connection")?;
    client
        .login(&cfg.user, &cfg.password)
        .await
        .map_err(|(e, _)| format!("sign-in as {}: {e}", cfg.user))
}

/// Polls once: every message in the folder is ingested and, once committed, moved.
pub async fn poll_once(pool: &sqlx::PgPool, mail_domain: &str, cfg: &ImapConfig, stop: Stop) -> Result<Polled, String> {
    let mut session = connect(cfg).await?;
    // Creating an existing folder fails; that is the usual case.
    let _ = session.create(&cfg.processed).await;
    let can_move = session.capabilities().await.map_err(|e| e.to_string())?.has_str("MOVE");
    session
        .select(&cfg.folder)
        .await
        .map_err(|e| format!("{}: {e}", cfg.folder))?;
    let mut uids: Vec<u32> = session
        .uid_search("ALL")
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    uids.sort_unstable();
    let mut done = Polled::default();
    for uid in uids {
        let fetched: Vec<async_imap::types::Fetch> = session
            .uid_fetch(uid.to_string(), "BODY.PEEK[]")
            .await
            .map_err(|e| e.to_string())?
            .try_collect()
            .await
            .map_err(|e| e.to_string())?;
        let Some(raw) = fetched.iter().find_map(|f| f.body()) else {
            continue; // gone meanwhile (another process moved it)
        };
        done.fetched += 1;
        match app::mail::intake::ingest(pool, mail_domain, raw, app::mail::intake::Transport::Imap).await {
            Ok(intake) => {
                if intake.duplicate {
                    done.duplicates += 1;
                }
            }
            Err(e) => {
                tracing::warn!(uid, error = %e, "IMAP message not taken in; it stays for the next poll");
                done.failed += 1;
                continue;
            }
        }
        if stop == Stop::AfterFirstCommit {
            // As a crash would: no move, no logout.
            return Ok(done);
        }
        let moved = if can_move {
            session.uid_mv(uid.to_string(), &cfg.processed).await
        } else {
            move_by_copy(&mut session, uid, &cfg.processed).await
        };
        match moved {
            Ok(()) => done.moved += 1,
            Err(e) => tracing::warn!(uid, error = %e, "moving an ingested IMAP message"),
        }
    }
    let _ = session.logout().await;
    Ok(done)
}

/// A server without MOVE (RFC 6851): copy, flag deleted, expunge that message.
async fn move_by_copy(session: &mut Session, uid: u32, to: &str) -> async_imap::error::Result<()> {
    session.uid_copy(uid.to_string(), to).await?;
    let flagged: Vec<_> = session
        .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Deleted)")
        .await?
        .try_collect()
        .await?;
    drop(flagged);
    let expunged: Vec<_> = session.uid_expunge(uid.to_string()).await?.try_collect().await?;
    drop(expunged);
    Ok(())
}

/// The poller of a running server: a poll every `every`.
pub fn spawn(pool: sqlx::PgPool, mail_domain: String, cfg: ImapConfig, every: Duration) {
    tracing::info!(mailbox = ?cfg, every_secs = every.as_secs(), "IMAP polling started");
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match poll_once(&pool, &mail_domain, &cfg, Stop::Never).await {
                Ok(p) if p.fetched > 0 => tracing::info!(?p, "IMAP polled"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "IMAP poll"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_mailbox() {
        let c =
            ImapConfig::parse("imaps://support%40msp.example:p%40ss@imap.example.com/Support?processed=Done").unwrap();
        assert_eq!((c.host.as_str(), c.port, c.tls), ("imap.example.com", 993, true));
        assert_eq!((c.user.as_str(), c.password.as_str()), ("support@msp.example", "p@ss"));
        assert_eq!((c.folder.as_str(), c.processed.as_str()), ("Support", "Done"));
        let c = ImapConfig::parse("imap://u:p@127.0.0.1:1143").unwrap();
        assert_eq!(
            (c.port, c.tls, c.folder.as_str(), c.processed.as_str()),
            (1143, false, "INBOX", "Processed")
        );
        assert!(!format!("{c:?}").contains(":p@"), "no password in logs");
        assert!(ImapConfig::parse("pop3://u:p@host").is_err());
        assert!(ImapConfig::parse("imaps://host").is_err());
    }
}
