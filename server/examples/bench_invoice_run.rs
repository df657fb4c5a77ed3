//! Benchmark of the invoice run (`scripts/bench-invoice-run.sh`).
//!
//! Creates a scratch database next to `DATABASE_URL`, seeds `ONBOARD_BENCH_CUSTOMERS`
//! (default 10,000) bill-to customers whose run at cutoff 2027-01-01 has 8 lines of mixed
//! types each — a retainer in advance (December and January), a prepaid block of hours
//! (December and January) with December's overage, a device count from the reading of 31
//! December, December's hourly time (three entries, one line) and a sales item — then
//! times the preview and the finalisation as the server runs them (`run::work`, batches of
//! 50 in one process). Next to it, in the same run, the floor: the same number of invoice
//! and line rows written by a plain `INSERT … SELECT FROM unnest` into scratch tables
//! shaped like `invoices` and `invoice_lines`. Prints invoices/s, the ratio, and the
//! process's peak memory (run it at 10,000 and 100,000 to see whether it stays flat).

// this benchmark needs no token and no served router from the shared helpers
#[allow(dead_code)]
#[path = "support/scratch.rs"]
mod scratch;

use std::time::Instant;

use app::invoices::{db, run};
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn seed(pool: &PgPool, n: i64) {
    let user: Uuid = sqlx::query_scalar(
        "insert into users (email, name, role, password_hash) values ('bench@example.com', 'Bench', 'admin', 'x') returning id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into company (legal_name, street, postal_code, city, country, tax_number, iban, tax_area, time_zone)
         values ('Muster IT GmbH', 'Hauptstraße 1', '80331', 'München', 'DE', '143/123/45678',
                 'DE89370400440532013000', 'de', 'Europe/Berlin')",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("insert into numbering_review (confirmed_at) values (now())")
        .execute(pool)
        .await
        .unwrap();
    let service: Uuid = sqlx::query_scalar(
        "insert into services (code, name, kind, definition)
         values ('RMM-WS', 'Remote monitoring', 'managed', '{\"tax_category\": \"standard\"}') returning id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let steps = [
        "insert into customers (name, country, billing_complete, tax_region, billing_currency, invoice_language,
                                payment_terms_days, billing_street, billing_postal_code, billing_city, billing_country)
         select 'Kunde ' || lpad(i::text, 6, '0'), 'DE', true, 'domestic', 'EUR', 'de', 14, 'Weg 1', '10115', 'Berlin', 'DE'
           from generate_series(1, $1) i",
        "insert into contracts (customer_id, name, start_date, billing_cycle, billing_timing, currency, payment_terms_days,
                                payment_method)
         select id, 'Managed services', '2026-12-01', 'monthly', 'advance', 'EUR', 14, 'manual' from customers",
        "insert into contract_parts (contract_id, position, contract_type, description, terms, service_id)
         select k.id, p.position, p.type, p.description, p.terms, case when p.type = 'remote_monitoring' then $2 end
           from contracts k, (values
             (1, 'retainer', 'Managed workplace', '{\"type\": \"retainer\", \"quantity\": \"3\", \"rate\": \"49.90 EUR\"}'::jsonb),
             (2, 'block_hours', 'Support block', '{\"type\": \"block_hours\", \"hours_per_period\": \"10\", \"rate\": \"80.00 EUR\", \"overage_rate\": \"100.00 EUR\", \"rollover\": false}'::jsonb),
             (3, 'remote_monitoring', 'Monitoring', '{\"type\": \"remote_monitoring\", \"device_category\": \"all_devices\", \"price_per_device\": \"12.50 EUR\"}'::jsonb),
             (4, 'hourly', 'Projects', '{\"type\": \"hourly\", \"rate\": \"95.00 EUR\", \"after_hours_rate\": null}'::jsonb)
           ) p(position, type, description, terms)",
        "insert into contract_part_versions (part_id, valid_from, terms) select id, '2026-12-01', terms from contract_parts",
        "insert into usage_readings (customer_id, service_id, reading_date, source, quantity)
         select id, $2, '2026-12-31', 'bench', 7 from customers",
        "insert into sales_items (customer_id, description, kind, quantity, unit_price, currency, item_date, tax_category)
         select id, 'Docking station', 'sale', 1, 189, 'EUR', '2026-12-15', 'standard' from customers",
    ];
    for sql in steps {
        sqlx::query(sql).bind(n).bind(service).execute(pool).await.unwrap();
    }
    // three 30-minute entries on the hourly part, two of 6 h on the 10 h block (2 h over)
    sqlx::query(
        "insert into time_entries (customer_id, user_id, work_date, minutes, work_type, status, approved_by, approved_at,
                                   contract_id, billable_minutes, coverage, rate, currency)
         select k.customer_id, $1, '2026-12-01'::date + e.day, e.minutes, 'billable', 'approved', $1, now(), k.id,
                e.minutes, e.coverage, e.rate, 'EUR'
           from contracts k, (values (3, 30, 'billed', 95), (4, 30, 'billed', 95), (5, 30, 'billed', 95),
                                     (8, 360, 'block', 100), (9, 360, 'block', 100)) e(day, minutes, coverage, rate)",
    )
    .bind(user)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("analyze").execute(pool).await.unwrap();
}

/// The floor: as many invoices and lines as the run wrote, by one plain insert each.
async fn raw_insert(pool: &PgPool, invoices: i64, lines_each: i64) -> f64 {
    sqlx::query("create table bench_invoices (like invoices including defaults)")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("create table bench_lines (like invoice_lines including defaults)")
        .execute(pool)
        .await
        .unwrap();
    let (series, customer, part): (Uuid, Uuid, Uuid) = sqlx::query_as(
        "select (select id from invoice_series where kind = 'invoice' and is_default), (select id from customers limit 1),
                (select id from contract_parts limit 1)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let ids: Vec<Uuid> = (0..invoices).map(|_| Uuid::new_v4()).collect();
    let started = Instant::now();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "insert into bench_invoices (id, kind, series_id, number, issue_date, due_date, customer_id, currency, net, tax,
                                     gross, vat, seller, buyer, language)
         select id, 'invoice', $2, 'RE-2027-' || lpad(n::text, 6, '0'), '2027-01-01', '2027-01-15', $3, 'EUR', 1000, 190,
                1190, '[]', '{}', '{}', 'de'
           from unnest($1::uuid[]) with ordinality x(id, n)",
    )
    .bind(&ids)
    .bind(series)
    .bind(customer)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into bench_lines (invoice_id, position, customer_id, part_id, kind, key_period, key_kind, description,
                                  service_from, service_to, quantity, unit_price, amount, vat_category, vat_percent)
         select x.id, p, $2, $3, 'fee', '2026-12-01', 'fee', 'Managed workplace', '2026-12-01', '2026-12-31', 3, 49.9,
                149.7, 'S', 19
           from unnest($1::uuid[]) x(id), generate_series(1, $4) p",
    )
    .bind(&ids)
    .bind(customer)
    .bind(part)
    .bind(lines_each as i32)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let n: i64 = std::env::var("ONBOARD_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let (admin, url) = scratch::create("onboard_bench_invoices").await;
    let pool = server::db::pool_options(8).connect(&url).await.unwrap();
    sqlx::migrate!("../migrations").run(&pool).await.unwrap();
    let seeded = Instant::now();
    seed(&pool, n).await;
    println!(
        "seeded {n} bill-to customers in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let cutoff = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let started = Instant::now();
    let id = run::start(&pool, cutoff, None).await.unwrap();
    run::work(&pool, id, |_, _| {}).await.unwrap();
    let preview = started.elapsed().as_secs_f64();
    let status = db::status(&pool, id).await.unwrap();
    assert_eq!(status.counts.ready, n, "every customer has something to invoice");
    let (lines,): (i64,) = sqlx::query_as("select sum(lines) from invoice_run_customers where run_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    println!(
        "preview:  {n} customers, {lines} lines in {preview:.2} s = {:.0} customers/s",
        n as f64 / preview
    );

    run::approve(&pool, id, None, cutoff).await.unwrap();
    let started = Instant::now();
    run::work(&pool, id, |_, _| {}).await.unwrap();
    let finalise = started.elapsed().as_secs_f64();
    let (invoices, written): (i64, i64) =
        sqlx::query_as("select count(*), (select count(*) from invoice_lines) from invoices")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(invoices, n);
    println!(
        "finalise: {invoices} invoices, {written} lines in {finalise:.2} s = {:.0} invoices/s (goal ≥ 5,000)",
        invoices as f64 / finalise
    );
    let raw = raw_insert(&pool, invoices, written / invoices.max(1)).await;
    println!(
        "floor:    the same rows by a plain INSERT … unnest in {raw:.2} s = {:.0} invoices/s; finalise / floor = {:.1}× (goal ≤ 10×)",
        invoices as f64 / raw,
        finalise / raw
    );
    println!("peak memory of this process: {:.0} MiB", peak_mib());
    pool.close().await;
    scratch::drop(&admin, "onboard_bench_invoices").await;
}
