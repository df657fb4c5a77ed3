//! Benchmark of e-mail ingestion through `POST /api/inbound/email` (`scripts/bench-mail.sh`).
//!
//! Creates a scratch database next to `DATABASE_URL` (dropped and recreated each run),
//! seeds 1,000 customers (a domain and a main contact each) with one open ticket each,
//! creates an API token, serves the real router on a local port and sends 4,000 distinct
//! messages from 8 concurrent clients: a quarter new requests from known contacts (a new
//! ticket each), a quarter replies threaded by our Message-ID (with quoted history to
//! strip), a quarter from unknown senders (the review queue), a quarter auto-replies
//! (ignored); each about 2 KB with a text and an HTML part. Then the same 4,000 again
//! (every one a duplicate). Next to it, in the same run, the floor: the same raw bytes
//! stored by a plain `INSERT` into a table shaped like `inbound_messages` (hash computed,
//! no parsing, no routing). Prints messages/s and the latency per message.

#[path = "support/scratch.rs"]
mod scratch;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::tokens::ApiScope;
use server::config::Config;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const CUSTOMERS: usize = 1_000;
const MESSAGES: usize = 4_000;
const CLIENTS: usize = 8;
const DOMAIN: &str = "desk.bench.example";

fn message(i: usize, tickets: &[Uuid]) -> Vec<u8> {
    let c = i % CUSTOMERS;
    let body = "Guten Tag,\r\n\r\nder Drucker im zweiten Stock druckt seit heute Morgen nur leere Seiten. \
                Toner ist neu, Neustart hat nichts geändert.\r\n\r\nViele Grüße\r\n";
    let (from, extra, subject) = match i % 4 {
        0 => (format!("chef@kunde{c}.example"), String::new(), format!("Drucker {i}")),
        1 => (
            format!("chef@kunde{c}.example"),
            format!("In-Reply-To: <t.{}.{i}@{DOMAIN}>\r\n", tickets[c]),
            format!("AW: Drucker {i}"),
        ),
        2 => (
            format!("someone{i}@unbekannt{c}.example"),
            String::new(),
            format!("Anfrage {i}"),
        ),
        _ => (
            format!("chef@kunde{c}.example"),
            "Auto-Submitted: auto-replied\r\n".to_owned(),
            format!("Abwesend {i}"),
        ),
    };
    let quoted = if i % 4 == 1 {
        "\r\nAm 03.12.2026 um 11:00 schrieb Support:\r\n> Wir haben den Treiber neu installiert.\r\n> Bitte testen.\r\n"
    } else {
        ""
    };
    format!(
        "From: Kunde <{from}>\r\nTo: support@{DOMAIN}\r\nSubject: {subject}\r\nDate: Thu, 3 Dec 2026 12:00:00 +0100\r\n\
         Message-ID: <bench.{i}@kunde{c}.example>\r\n{extra}MIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}{quoted}\r\n--b{i}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{}</p></body></html>\r\n--b{i}--\r\n",
        body.replace("\r\n", "<br>")
    )
    .into_bytes()
}

#[tokio::main]
async fn main() {
    let (admin, bench_url) = scratch::create("onboard_bench_mail").await;
    let config = Config::from_lookup(|k| match k {
        "ONBOARD_MAIL_DOMAIN" => Some(DOMAIN.into()),
        _ => std::env::var(k).ok(),
    })
    .unwrap();
    let pool = server::db::pool_options(config.db_max_connections)
        .connect(&bench_url)
        .await
        .unwrap();
    sqlx::migrate!("../migrations").run(&pool).await.unwrap();
    sqlx::raw_sql(&format!(
        "insert into customers (name, country) select 'Kunde ' || g, 'DE' from generate_series(0, {}) g;
         insert into customer_domains (domain, customer_id) select 'kunde' || substr(name, 7) || '.example', id from customers;
         insert into contacts (customer_id, first_name, last_name, email, is_main)
           select id, 'Chef', 'Kunde', 'chef@kunde' || substr(name, 7) || '.example', true from customers;
         insert into tickets (number, customer_id, contact_id, title, priority, status, source)
           select 'T-2026-' || lpad(substr(c.name, 7), 6, '0'), c.id, k.id, 'Drucker', 'medium', 'open', 'phone'
             from customers c join contacts k on k.customer_id = c.id;
         select setval('ticket_number_seq', 100000);",
        CUSTOMERS - 1
    ))
    .execute(&pool)
    .await
    .unwrap();
    let tickets: Vec<Uuid> = sqlx::query_scalar(
        "select t.id from tickets t join customers c on c.id = t.customer_id order by substr(c.name, 7)::int",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let secret = scratch::token(&pool, "Bench mail", ApiScope::InboundEmailWrite).await;
    let base = scratch::serve(&config, &pool).await;
    let messages: Arc<Vec<Vec<u8>>> = Arc::new((0..MESSAGES).map(|i| message(i, &tickets)).collect());
    let client = reqwest::Client::new();
    let auth = Arc::new(format!("Bearer {}", secret));

    // Warm-up: connections and prepared statements, on messages of their own.
    for i in 0..50 {
        let raw = message(MESSAGES + i, &tickets);
        client
            .post(format!("{base}/api/inbound/email"))
            .header("authorization", auth.as_str())
            .body(raw)
            .send()
            .await
            .unwrap();
    }

    let floor = floor(&pool, &messages).await;
    let new = measure(&client, &base, &auth, &messages, false).await;
    let again = measure(&client, &base, &auth, &messages, true).await;
    let outcomes: Vec<(String, i64)> =
        sqlx::query_as("select outcome, count(*) from inbound_messages group by outcome order by outcome")
            .fetch_all(&pool)
            .await
            .unwrap();
    println!("\noutcomes (with the 50 warm-up messages): {outcomes:?}");
    println!("\n| {MESSAGES} messages, {CLIENTS} clients | s | messages/s | p50 ms | p99 ms |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, (wall, mut times)) in [
        (
            "floor: the raw message and its SHA-256 by a plain `INSERT` (one connection)",
            floor,
        ),
        ("`POST /api/inbound/email`, new messages (parsed, routed, stored)", new),
        ("`POST /api/inbound/email`, sent again (duplicates)", again),
    ] {
        times.sort();
        let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)].as_secs_f64() * 1000.0;
        println!(
            "| {name} | {:.2} | {:.0} | {:.1} | {:.1} |",
            wall.as_secs_f64(),
            MESSAGES as f64 / wall.as_secs_f64(),
            pct(0.5),
            pct(0.99)
        );
    }
    pool.close().await;
    scratch::drop(&admin, "onboard_bench_mail").await;
}

async fn floor(pool: &sqlx::PgPool, messages: &[Vec<u8>]) -> (Duration, Vec<Duration>) {
    sqlx::raw_sql("create table scratch_messages (like inbound_messages including all)")
        .execute(pool)
        .await
        .unwrap();
    let started = Instant::now();
    let mut times = Vec::with_capacity(messages.len());
    for raw in messages {
        let t = Instant::now();
        sqlx::query("insert into scratch_messages (sha256, raw, transport, outcome) values ($1, $2, 'api', 'ignored')")
            .bind(Sha256::digest(raw).to_vec())
            .bind(raw)
            .execute(pool)
            .await
            .unwrap();
        times.push(t.elapsed());
    }
    (started.elapsed(), times)
}

async fn measure(
    client: &reqwest::Client,
    base: &str,
    auth: &Arc<String>,
    messages: &Arc<Vec<Vec<u8>>>,
    duplicates: bool,
) -> (Duration, Vec<Duration>) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CLIENTS {
        let (client, base, auth, messages) = (client.clone(), base.to_owned(), auth.clone(), messages.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for i in (worker..MESSAGES).step_by(CLIENTS) {
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/inbound/email"))
                    .header("authorization", auth.as_str())
                    .body(messages[i].clone())
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_success(), "{}", res.status());
                let body: serde_json::Value = res.json().await.unwrap();
                assert_eq!(body["duplicate"], duplicates, "{body}");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await.unwrap());
    }
    (started.elapsed(), times)
}
