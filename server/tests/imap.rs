//! E-mail in over IMAP against a real Dovecot on loopback: delivered messages are polled,
//! taken in (a ticket, the review queue, a re-delivery recognised) and moved to Processed
//! only after the commit; a poller that dies between the commit and the move leaves the
//! message in the inbox, and the next poll moves it without a second ticket; the
//! `onboard mail-poll` CLI does the same and exits 75 when the mailbox is unreachable.

mod common;

use common::customer;
use common::dovecot::Dovecot;
use serde_json::Value;
use server::imap::{ImapConfig, Polled, Stop, poll_once};
use sqlx::PgPool;

const DOMAIN: &str = "desk.onboard.test";

fn eml(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Müller GmbH owns mueller.de, so its people's mail opens tickets.
async fn desk(pool: &PgPool) {
    let mueller = customer(pool, "Müller GmbH").await;
    sqlx::query("insert into customer_domains (domain, customer_id) values ('mueller.de', $1)")
        .bind(mueller)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn polled_messages_are_taken_in_once_and_moved_after_the_commit(pool: PgPool) {
    let imap = Dovecot::start();
    desk(&pool).await;
    let cfg = ImapConfig::parse(&imap.url()).unwrap();
    let request = eml("01-outlook-new-request-de.eml");
    imap.deliver("INBOX", &request).await;
    imap.deliver("INBOX", &request).await; // the mail system delivered it twice
    imap.deliver("INBOX", &eml("06-unknown-domain.eml")).await;

    let polled = poll_once(&pool, DOMAIN, &cfg, Stop::Never).await.unwrap();
    assert_eq!(
        polled,
        Polled {
            fetched: 3,
            duplicates: 1,
            moved: 3,
            failed: 0
        }
    );
    assert_eq!((imap.count("INBOX").await, imap.count("Processed").await), (0, 3));
    assert_eq!(count(&pool, "select count(*) from tickets").await, 1);
    assert_eq!(
        count(&pool, "select count(*) from inbound_messages where transport = 'imap'").await,
        2
    );
    assert_eq!(
        count(&pool, "select count(*) from inbound_messages where outcome = 'review'").await,
        1
    );
    assert_eq!(
        poll_once(&pool, DOMAIN, &cfg, Stop::Never).await.unwrap(),
        Polled::default(),
        "nothing left"
    );

    // the poller dies after the commit, before the move: the message stays in the inbox
    imap.deliver("INBOX", &eml("03-apple-mail-de.eml")).await;
    let crashed = poll_once(&pool, DOMAIN, &cfg, Stop::AfterFirstCommit).await.unwrap();
    assert_eq!((crashed.fetched, crashed.moved), (1, 0));
    assert_eq!(imap.count("INBOX").await, 1);
    assert_eq!(count(&pool, "select count(*) from tickets").await, 2);
    // on restart it is recognised and moved, and no second ticket is opened
    let resumed = poll_once(&pool, DOMAIN, &cfg, Stop::Never).await.unwrap();
    assert_eq!((resumed.fetched, resumed.duplicates, resumed.moved), (1, 1, 1));
    assert_eq!((imap.count("INBOX").await, imap.count("Processed").await), (0, 4));
    assert_eq!(count(&pool, "select count(*) from tickets").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_mail_poll_cli_polls_once_and_reports(pool: PgPool) {
    let imap = Dovecot::start();
    desk(&pool).await;
    imap.deliver("INBOX", &eml("03-apple-mail-de.eml")).await;
    let url = common::database_url(&pool).await;
    let run = |imap_url: String| {
        std::process::Command::new(env!("CARGO_BIN_EXE_onboard"))
            .arg("mail-poll")
            .env("DATABASE_URL", &url)
            .env("ONBOARD_MAIL_DOMAIN", DOMAIN)
            .env("ONBOARD_IMAP_URL", imap_url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let out = run(imap.url());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((body["fetched"].as_u64(), body["moved"].as_u64()), (Some(1), Some(1)));
    assert_eq!(count(&pool, "select count(*) from tickets").await, 1);

    // a wrong password: nothing happens, and the exit code asks to try again later
    let out = run(imap.url().replace(":secret@", ":wrong@"));
    assert_eq!(out.status.code(), Some(75), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sign-in as support"), "{stderr}");
    assert!(!stderr.contains("wrong"), "the password is never printed: {stderr}");
}
