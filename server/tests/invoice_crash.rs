//! The invoice run survives crashes (issue #17, "Done when"): a run of 2,000 customers is
//! worked by real `onboard serve` processes that are killed with SIGKILL at ten random
//! points — and once every database connection is terminated under them, as a restarted
//! PostgreSQL would drop them — then resumed, finally by three processes at once. The
//! result has no customer twice, no gap in the numbers, and the totals of a clean run; a
//! repeat of the cutoff issues nothing.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::invoices::{db, run};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::PgPool;

const CUSTOMERS: i64 = 2_000;

struct Server(Child);

impl Server {
    fn start(database_url: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_onboard"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("ONBOARD_SESSION_CACHE", "false")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the onboard binary");
        Server(child)
    }

    /// SIGKILL: no shutdown, no rollback but the database's own.
    fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// 2,000 customers ready to bill, each with a monthly retainer of `1 + i % 5` × 100 EUR.
async fn customers(pool: &PgPool) -> Decimal {
    common::ready_to_invoice(pool).await;
    sqlx::query(
        "with c as (
           insert into customers (name, country, billing_complete, tax_region, billing_currency, invoice_language,
                                  payment_terms_days, billing_street, billing_postal_code, billing_city, billing_country)
           select 'Kunde ' || lpad(i::text, 5, '0'), 'DE', true, 'domestic', 'EUR', 'de', 14, 'Weg 1', '10115', 'Berlin', 'DE'
             from generate_series(1, $1) i returning id, name),
         k as (
           insert into contracts (customer_id, name, start_date, billing_cycle, billing_timing, currency,
                                  payment_terms_days, payment_method)
           select id, name, '2027-01-01', 'monthly', 'advance', 'EUR', 14, 'manual' from c returning id, name),
         p as (
           insert into contract_parts (contract_id, position, contract_type, description, terms)
           select id, 1, 'retainer', 'Managed workplace',
                  jsonb_build_object('type', 'retainer', 'quantity', (1 + right(name, 5)::int % 5)::text, 'rate', '100.00 EUR')
             from k returning id, terms)
         insert into contract_part_versions (part_id, valid_from, terms) select id, '2027-01-01', terms from p",
    )
    .bind(CUSTOMERS)
    .execute(pool)
    .await
    .unwrap();
    // Σ (1 + i % 5) × 100 for i = 1 … 2,000: each residue 400 times
    Decimal::from((1..=CUSTOMERS).map(|i| (1 + i % 5) * 100).sum::<i64>())
}

/// A small deterministic generator for the kill points (the seed is printed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

async fn status(pool: &PgPool, id: uuid::Uuid) -> String {
    db::status(pool, id).await.unwrap().status
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_killed_at_ten_points_resumes_without_duplicate_or_gap(pool: PgPool) {
    let expected = customers(&pool).await;
    let url = common::database_url(&pool).await;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("kill points seed {seed}");
    let mut rng = Lcg(seed);

    let cutoff = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let id = run::start(&pool, cutoff, None).await.unwrap();
    // the preview, computed by a server killed twice on the way
    for _ in 0..2 {
        let server = Server::start(&url);
        tokio::time::sleep(Duration::from_millis(300 + rng.next(700))).await;
        server.kill();
    }
    let server = Server::start(&url);
    while status(&pool, id).await == "previewing" {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill();
    let previewed = db::status(&pool, id).await.unwrap();
    assert_eq!((previewed.counts.ready, previewed.counts.total), (CUSTOMERS, CUSTOMERS));
    assert_eq!(previewed.totals, vec![("EUR".to_string(), expected)]);

    // finalising, killed at eight more points; once every connection is cut under it
    run::approve(&pool, id, None, cutoff).await.unwrap();
    for point in 0..8 {
        if status(&pool, id).await == "finished" {
            break;
        }
        let server = Server::start(&url);
        tokio::time::sleep(Duration::from_millis(200 + rng.next(600))).await;
        if point == 4 {
            // as a restarted PostgreSQL would: every session of the database ends mid-transaction
            sqlx::query(
                "select pg_terminate_backend(pid) from pg_stat_activity
                  where datname = current_database() and pid <> pg_backend_pid()",
            )
            .execute(&pool)
            .await
            .unwrap();
            tokio::time::sleep(Duration::from_millis(200 + rng.next(300))).await;
        }
        server.kill();
    }
    // three processes share the rest
    let three = [Server::start(&url), Server::start(&url), Server::start(&url)];
    for _ in 0..600 {
        if status(&pool, id).await == "finished" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(three);
    assert_eq!(status(&pool, id).await, "finished");

    // every customer once, numbers 1 … 2,000 without a gap, the clean run's total
    let (documents, customers, net): (i64, i64, Decimal) =
        sqlx::query_as("select count(*), count(distinct customer_id), sum(net) from invoices")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((documents, customers, net), (CUSTOMERS, CUSTOMERS, expected));
    let numbers: Vec<String> = sqlx::query_scalar("select number from invoices order by number")
        .fetch_all(&pool)
        .await
        .unwrap();
    let contiguous: Vec<String> = (1..=CUSTOMERS).map(|n| format!("RE-2027-{n:05}")).collect();
    assert_eq!(numbers, contiguous);
    let (issued,): (i64,) = sqlx::query_as("select issued from invoice_series where kind = 'invoice' and is_default")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(issued, CUSTOMERS);

    // a repeat of the cutoff finds everything settled
    let again = run::start(&pool, cutoff, None).await.unwrap();
    run::work(&pool, again, |_, _| {}).await.unwrap();
    let repeat = db::status(&pool, again).await.unwrap();
    assert_eq!((repeat.counts.ready, repeat.counts.empty), (0, CUSTOMERS));
}
