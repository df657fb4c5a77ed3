//! Benchmark of `POST /api/usage/readings` (`scripts/bench-usage.sh`).
//!
//! Creates a scratch database next to `DATABASE_URL` (dropped and recreated each run),
//! seeds 10,000 customers (an external id and a domain each) and two services, creates an
//! API token, serves the real router on a local port and sends 100,000 readings in batches
//! of 1,000 over HTTP, a third of the customers named by id, a third by external id, a
//! third by domain: once new (every row created), once again (every row unchanged). Next
//! to it, in the same run, the floor: the same rows, customers and services already
//! resolved, as a plain `INSERT … SELECT FROM unnest` (no `on conflict`) into a scratch
//! table shaped like `usage_readings` (`like … including all`). Prints readings/s and the
//! latency per batch.

#[path = "support/scratch.rs"]
mod scratch;

use std::time::{Duration, Instant};

use app::tokens::ApiScope;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use server::config::Config;
use sqlx::PgPool;
use uuid::Uuid;

const CUSTOMERS: usize = 10_000;
const BATCH: usize = 1_000;
const BATCHES: usize = 100;

#[tokio::main]
async fn main() {
    let (admin, bench_url) = scratch::create("onboard_bench_usage").await;
    let config = Config::from_lookup(|k| std::env::var(k).ok()).unwrap();
    let pool = server::db::pool_options(config.db_max_connections)
        .connect(&bench_url)
        .await
        .unwrap();
    sqlx::migrate!("../migrations").run(&pool).await.unwrap();
    seed(&pool).await;
    let customers: Vec<(Uuid, String, String)> =
        sqlx::query_as("select c.id, c.external_id, d.domain from customers c join customer_domains d on d.customer_id = c.id order by c.external_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let services: Vec<Uuid> = sqlx::query_scalar("select id from services order by code")
        .fetch_all(&pool)
        .await
        .unwrap();
    let secret = scratch::token(&pool, "Bench RMM", ApiScope::UsageWrite).await;
    let base = scratch::serve(&config, &pool).await;
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", secret);

    // Row i: customer i % 10,000 (named three ways in turn), service i / 10,000 % 2,
    // dated by i / 20,000 days before the first of December.
    let day0 = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let row = |i: usize| {
        let (id, external, domain) = &customers[i % CUSTOMERS];
        let customer = match i % 3 {
            0 => json!({ "id": id }),
            1 => json!({ "external_id": external }),
            _ => json!({ "domain": domain }),
        };
        let date = day0 - chrono::Days::new((i / (CUSTOMERS * 2)) as u64);
        let code = ["BACKUP-GB", "RMM-SERVER"][(i / CUSTOMERS) % 2];
        (customer, code, (i % 97) as i64, date)
    };
    let batches: Vec<Value> = (0..BATCHES)
        .map(|b| {
            let readings: Vec<Value> = (b * BATCH..(b + 1) * BATCH)
                .map(|i| {
                    let (customer, code, quantity, date) = row(i);
                    json!({ "customer": customer, "service_code": code, "quantity": quantity, "reading_date": date.to_string() })
                })
                .collect();
            json!({ "readings": readings })
        })
        .collect();
    let bodies: Vec<Vec<u8>> = batches.iter().map(|b| serde_json::to_vec(b).unwrap()).collect();

    // Warm-up on another day: connections, prepared statements.
    let warm: Vec<Value> = (0..BATCH)
        .map(|i| json!({ "customer": { "id": customers[i].0 }, "service_code": "RMM-SERVER", "quantity": 1, "reading_date": "2026-01-01" }))
        .collect();
    post(
        &client,
        &base,
        &auth,
        serde_json::to_vec(&json!({ "readings": warm })).unwrap(),
        "created",
    )
    .await;

    let floor = floor(&pool, &customers, &services, day0).await;
    let created = measure(&client, &base, &auth, &bodies, "created").await;
    let unchanged = measure(&client, &base, &auth, &bodies, "unchanged").await;
    let stored: i64 = sqlx::query_scalar("select count(*) from usage_readings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored as usize, BATCHES * BATCH + BATCH);

    let rows = (BATCHES * BATCH) as f64;
    println!();
    println!(
        "| {} readings in batches of {BATCH} | s | readings/s | p50 ms per batch | p99 ms per batch |",
        BATCHES * BATCH
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, (wall, mut times)) in [
        (
            "floor: `INSERT … SELECT FROM unnest`, ids resolved, no conflict handling",
            floor,
        ),
        ("`POST /api/usage/readings`, new readings (created)", created),
        ("`POST /api/usage/readings`, sent again (unchanged)", unchanged),
    ] {
        times.sort();
        let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)].as_secs_f64() * 1000.0;
        println!(
            "| {name} | {:.2} | {:.0} | {:.1} | {:.1} |",
            wall.as_secs_f64(),
            rows / wall.as_secs_f64(),
            pct(0.5),
            pct(0.99)
        );
    }
    pool.close().await;
    scratch::drop(&admin, "onboard_bench_usage").await;

    /// The floor: the same rows into a table shaped like ours, by a plain insert.
    async fn floor(
        pool: &PgPool,
        customers: &[(Uuid, String, String)],
        services: &[Uuid],
        day0: NaiveDate,
    ) -> (Duration, Vec<Duration>) {
        sqlx::raw_sql("create table scratch_readings (like usage_readings including all)")
            .execute(pool)
            .await
            .unwrap();
        let started = Instant::now();
        let mut times = Vec::new();
        for b in 0..BATCHES {
            let t = Instant::now();
            let range = b * BATCH..(b + 1) * BATCH;
            let c: Vec<Uuid> = range.clone().map(|i| customers[i % CUSTOMERS].0).collect();
            let s: Vec<Uuid> = range.clone().map(|i| services[(i / CUSTOMERS) % 2]).collect();
            let d: Vec<NaiveDate> = range
                .clone()
                .map(|i| day0 - chrono::Days::new((i / (CUSTOMERS * 2)) as u64))
                .collect();
            let q: Vec<Decimal> = range.map(|i| Decimal::from((i % 97) as i64)).collect();
            sqlx::query(
                "insert into scratch_readings (customer_id, service_id, reading_date, source, quantity, api_token_id)
                 select c, s, d, 'api:Bench RMM', q, null
                   from unnest($1::uuid[], $2::uuid[], $3::date[], $4::numeric[]) as t(c, s, d, q)",
            )
            .bind(&c)
            .bind(&s)
            .bind(&d)
            .bind(&q)
            .execute(pool)
            .await
            .unwrap();
            times.push(t.elapsed());
        }
        (started.elapsed(), times)
    }
}

async fn post(client: &reqwest::Client, base: &str, auth: &str, body: Vec<u8>, expect: &str) {
    let res = client
        .post(format!("{base}/api/usage/readings"))
        .header("authorization", auth)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(
        status.is_success(),
        "{status}: {}",
        body.to_string().chars().take(300).collect::<String>()
    );
    assert_eq!(body[expect].as_u64(), Some(BATCH as u64), "{}", body["created"]);
}

async fn measure(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    bodies: &[Vec<u8>],
    expect: &str,
) -> (Duration, Vec<Duration>) {
    let started = Instant::now();
    let mut times = Vec::with_capacity(bodies.len());
    for body in bodies {
        let t = Instant::now();
        post(client, base, auth, body.clone(), expect).await;
        times.push(t.elapsed());
    }
    (started.elapsed(), times)
}

async fn seed(pool: &PgPool) {
    for sql in [
        "insert into customers (name, external_id) select 'Kunde ' || i, 'K-' || lpad(i::text, 5, '0') from generate_series(1, 10000) i",
        "insert into customer_domains (domain, customer_id) select lower('kunde-' || external_id || '.example'), id from customers",
        "insert into services (code, name, kind, definition) values
            ('RMM-SERVER', 'RMM Server', 'per_device', '{}'), ('BACKUP-GB', 'Backup per GB', 'per_usage', '{}')",
        "vacuum analyze",
    ] {
        sqlx::raw_sql(sql).execute(pool).await.unwrap();
    }
}
