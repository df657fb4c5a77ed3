//! Benchmark of the CSV import (`scripts/bench-import.sh`).
//!
//! Creates a scratch database next to `DATABASE_URL` (dropped and recreated each run),
//! generates 100,000 customers and 100,000 contacts as CSV files, and imports them with the
//! importer the page and `onboard import` use: a check (validate every row with the domain
//! crate and match it) and a commit (check again, write in one transaction). Next to it, a
//! plain `COPY` of the same files into scratch tables, in the same run, as the floor. Prints
//! rows/s per phase, the ratio to `COPY`, and the process's peak memory.

use std::time::Instant;

use app::imports::ImportKind;
use app::imports::engine::{self, Mode, Target};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use uuid::Uuid;

const ROWS: usize = 100_000;

fn customers_csv() -> String {
    let mut csv = String::with_capacity(ROWS * 260);
    csv.push_str(
        "external_id;name;domains;street;postal_code;city;country;phone;billing_attention;billing_email;\
         tax_region;currency;payment_terms_days;invoice_language;iban\n",
    );
    for i in 0..ROWS {
        csv.push_str(&format!(
            "K-{i};Kunde {i} GmbH & Co. KG;kunde-{i}.de;Hauptstraße {n};{plz:05};Köln;DE;+49 221 {i:07};\
             Buchhaltung;rechnung@kunde-{i}.de;domestic;EUR;14;de;DE89 3704 0044 0532 0130 00\n",
            n = i % 200 + 1,
            plz = 10_000 + i % 89_000,
        ));
    }
    csv
}

fn contacts_csv() -> String {
    let mut csv = String::with_capacity(ROWS * 120);
    csv.push_str("external_id;customer;first_name;last_name;email;phone;job_title;main_contact;portal_access\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "P-{i};K-{i};Jürgen;Müller {i};juergen.mueller@kunde-{i}.de;+49 221 {i:07}1;Geschäftsführer;ja;ja\n"
        ));
    }
    csv
}

/// Peak resident memory of this process, in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

async fn timed(pool: &PgPool, kind: ImportKind, bytes: &[u8], mode: Mode) -> f64 {
    let headers = app::imports::csv_file::CsvFile::open(bytes).unwrap().headers;
    let mapping = app::imports::columns::suggest(kind, &headers);
    assert!(
        mapping.iter().all(Option::is_some),
        "every column recognized: {headers:?}"
    );
    let target = Target::New {
        id: Uuid::new_v4(),
        file_name: format!("bench-{}.csv", kind.as_str()),
    };
    let t = Instant::now();
    let outcome = engine::run(pool, kind, target, bytes, &mapping, mode, None, |_| {})
        .await
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(outcome.error_count, 0, "{:?}", outcome.errors.first());
    assert_eq!(outcome.rows as usize, ROWS);
    if mode == Mode::Commit {
        assert!(outcome.committed);
        assert_eq!(outcome.created as usize, ROWS);
    }
    secs
}

async fn copy(pool: &PgPool, table: &str, columns: usize, bytes: &[u8]) -> f64 {
    let cols = (0..columns)
        .map(|i| format!("c{i} text"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::raw_sql(&format!("drop table if exists {table}; create table {table} ({cols})"))
        .execute(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let t = Instant::now();
    let mut copy = conn
        .copy_in_raw(&format!(
            "copy {table} from stdin with (format csv, header true, delimiter ';')"
        ))
        .await
        .unwrap();
    copy.send(bytes).await.unwrap();
    let rows = copy.finish().await.unwrap();
    assert_eq!(rows as usize, ROWS);
    t.elapsed().as_secs_f64()
}

/// The imported rows, copied out and `COPY`ed into scratch tables shaped like the real ones
/// (`like … including all`: the same columns, defaults, checks and indexes, trigram GIN
/// included; no foreign keys or triggers), in one transaction: what getting these rows
/// into such tables costs PostgreSQL at the least.
async fn copy_into_same_shape(pool: &PgPool) -> f64 {
    use futures_util::TryStreamExt;
    let mut conn = pool.acquire().await.unwrap();
    let mut data = Vec::new();
    for table in ["customers", "customer_domains", "contacts"] {
        let bytes: Vec<u8> = conn
            .copy_out_raw(&format!("copy {table} to stdout"))
            .await
            .unwrap()
            .try_fold(Vec::new(), |mut all, part| async move {
                all.extend_from_slice(&part);
                Ok(all)
            })
            .await
            .unwrap();
        sqlx::raw_sql(&format!(
            "drop table if exists scratch_{table}; create table scratch_{table} (like {table} including all)"
        ))
        .execute(&mut *conn)
        .await
        .unwrap();
        data.push((table, bytes));
    }
    sqlx::raw_sql("begin").execute(&mut *conn).await.unwrap();
    let t = Instant::now();
    for (table, bytes) in data {
        let mut copy = conn
            .copy_in_raw(&format!("copy scratch_{table} from stdin"))
            .await
            .unwrap();
        copy.send(bytes).await.unwrap();
        copy.finish().await.unwrap();
    }
    sqlx::raw_sql("commit").execute(&mut *conn).await.unwrap();
    t.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    sqlx::query("drop database if exists onboard_bench_import with (force)")
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query("create database onboard_bench_import")
        .execute(&admin)
        .await
        .unwrap();
    let bench_url = match url.rfind('/') {
        Some(i) => format!("{}/onboard_bench_import", &url[..i]),
        None => panic!("DATABASE_URL without a database name"),
    };
    // The server's own pool settings; using the server crate also gives this binary the
    // server's allocator (mimalloc), as the `onboard import` command has.
    let pool = server::db::pool_options(4).connect(&bench_url).await.unwrap();
    sqlx::migrate!("../migrations").run(&pool).await.unwrap();

    let customers = customers_csv();
    let contacts = contacts_csv();
    println!(
        "generated {ROWS} customers ({:.1} MB) and {ROWS} contacts ({:.1} MB); peak memory so far {:.0} MiB",
        customers.len() as f64 / 1e6,
        contacts.len() as f64 / 1e6,
        peak_mib()
    );

    let copy_customers = copy(&pool, "copy_customers", 15, customers.as_bytes()).await;
    let copy_contacts = copy(&pool, "copy_contacts", 9, contacts.as_bytes()).await;

    let check_customers = timed(&pool, ImportKind::Customers, customers.as_bytes(), Mode::Check).await;
    let commit_customers = timed(&pool, ImportKind::Customers, customers.as_bytes(), Mode::Commit).await;
    let check_contacts = timed(&pool, ImportKind::Contacts, contacts.as_bytes(), Mode::Check).await;
    let commit_contacts = timed(&pool, ImportKind::Contacts, contacts.as_bytes(), Mode::Commit).await;

    let rate = |secs: f64| ROWS as f64 / secs;
    println!();
    println!("| file | COPY s | check (validate) s | rows/s | commit s | rows/s | check + commit s | × COPY |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, copy, check, commit) in [
        ("100,000 customers", copy_customers, check_customers, commit_customers),
        ("100,000 contacts", copy_contacts, check_contacts, commit_contacts),
    ] {
        println!(
            "| {name} | {copy:.2} | {check:.2} | {:.0} | {commit:.2} | {:.0} | {:.2} | {:.1} |",
            rate(check),
            rate(commit),
            check + commit,
            (check + commit) / copy
        );
    }
    let total = check_customers + commit_customers + check_contacts + commit_contacts;
    println!(
        "\nwhole import of both files: {total:.2} s (goal ≤ 10 s); COPY of both: {:.2} s; peak memory {:.0} MiB",
        copy_customers + copy_contacts,
        peak_mib()
    );
    let same_shape = copy_into_same_shape(&pool).await;
    println!(
        "COPY of the imported rows (customers, domains, contacts) into tables shaped like ours \
         (indexes and checks, no foreign keys or triggers): {same_shape:.2} s; the whole import is {:.1}× that",
        total / same_shape
    );
    pool.close().await;
    sqlx::query("drop database if exists onboard_bench_import with (force)")
        .execute(&admin)
        .await
        .unwrap();
}
