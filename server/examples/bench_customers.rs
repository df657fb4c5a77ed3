//! Benchmark of the customer list, search and customer page at scale (`scripts/bench-customers.sh`).
//!
//! Creates a scratch database next to `DATABASE_URL` (dropped and recreated each run),
//! seeds 100,000 customers with 200,000 contacts, 150,000 contracts, 160,000 usage readings
//! (40,000 customers using two services) and 1,000,000 tickets (ten per customer, a fifth
//! of them active with due times), serves the real router on a local port
//! and calls the server functions over HTTP as the browser does, signed in, at 1 and at 50
//! concurrent clients. Prints p50/p99 latency and throughput per function.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::auth::Role;
use app::users::{NewUser, db};
use serde_json::{Value, json};
use server::config::Config;
use sqlx::postgres::PgPoolOptions;

const CUSTOMERS: i64 = 100_000;

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    // ONBOARD_BENCH_REUSE: measure the database a run with ONBOARD_BENCH_KEEP left behind.
    let reuse = std::env::var_os("ONBOARD_BENCH_REUSE").is_some();
    if !reuse {
        sqlx::query("drop database if exists onboard_bench with (force)")
            .execute(&admin)
            .await
            .unwrap();
        sqlx::query("create database onboard_bench")
            .execute(&admin)
            .await
            .unwrap();
    }
    let bench_url = match url.rfind('/') {
        Some(i) => format!("{}/onboard_bench", &url[..i]),
        None => panic!("DATABASE_URL without a database name"),
    };
    // The server's own configuration (its pool settings and size; `ONBOARD_*` variables
    // apply as they do to `onboard serve`), so the figures are the server's.
    let config = Config::from_lookup(|k| std::env::var(k).ok()).unwrap();
    let pool = server::db::pool_options(config.db_max_connections)
        .connect(&bench_url)
        .await
        .unwrap();
    sqlx::migrate!("../migrations").run(&pool).await.unwrap();

    if !reuse {
        let t = Instant::now();
        seed(&pool).await;
        println!(
            "seeded {CUSTOMERS} customers, {} contacts in {:.1} s",
            CUSTOMERS * 2,
            t.elapsed().as_secs_f64()
        );
    }
    // The seed's writes would otherwise be flushed by a checkpoint spread over the next
    // minutes, in the middle of the measurements (needs a superuser or pg_checkpoint).
    if let Err(e) = sqlx::raw_sql("checkpoint").execute(&pool).await {
        println!("no checkpoint before measuring ({e}); figures may include the seed's flush");
    }

    sqlx::raw_sql("delete from customer_team; delete from users where email like '%@bench.example'")
        .execute(&pool)
        .await
        .unwrap();
    let new = NewUser::parse(
        "Bench Admin",
        "admin@bench.example",
        Role::Admin,
        "correct horse battery",
    )
    .unwrap();
    db::create(&pool, new).await.unwrap();
    // A technician restricted to their accounts, on the team of 60 customers.
    let new = NewUser::parse(
        "Bench Tech",
        "tech@bench.example",
        Role::Technician,
        "correct horse battery",
    )
    .unwrap();
    let tech = db::create(&pool, new).await.unwrap();
    for sql in [
        "update users set restricted = true where id = $1",
        "insert into customer_team (customer_id, user_id) select id, $1 from customers order by md5(id::text) limit 60",
    ] {
        sqlx::query(sql).bind(tech).execute(&pool).await.unwrap();
    }
    let router = server::web::router(&config, pool.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap();
    });
    let client = Arc::new(signed_in(&base, "admin@bench.example").await);
    let tech_client = Arc::new(signed_in(&base, "tech@bench.example").await);

    let middle: String =
        sqlx::query_scalar("select id::text from customers order by lower(name), id offset 50000 limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let cases: Vec<(&str, &str, Value)> = vec![
        // Baselines: what every request pays before a server function does its own work.
        ("health check (no session, no database)", "healthz", Value::Null),
        ("sign-in check (session and user only)", "session", Value::Null),
        ("list, first page", "customers/list", json!({ "query": {} })),
        (
            "list, page at row 50,000",
            "customers/list",
            json!({ "query": { "after": middle } }),
        ),
        (
            "list, missing billing",
            "customers/list",
            json!({ "query": { "missing_billing": true } }),
        ),
        (
            "search by name",
            "customers/list",
            json!({ "query": { "q": "logistik 4711" } }),
        ),
        (
            "search by contact e-mail",
            "customers/list",
            json!({ "query": { "q": "p2@kunde77777" } }),
        ),
        (
            "search by domain",
            "customers/list",
            json!({ "query": { "q": "kunde12345.example" } }),
        ),
        ("billing banner count", "customers/billing-gaps", Value::Null),
        (
            "uncovered banner count (cached per scope)",
            "contracts/uncovered",
            Value::Null,
        ),
        ("customer page", "customers/get", json!({ "id": middle })),
        ("contracts list, first page", "contracts/list", json!({ "query": {} })),
        (
            "contracts list, type filter (hourly, 1 in 10)",
            "contracts/list",
            json!({ "query": { "contract_type": "hourly" } }),
        ),
        (
            "contracts list, ending soon",
            "contracts/list",
            json!({ "query": { "ending_soon": true } }),
        ),
        (RESTRICTED, "customers/list", json!({ "query": {} })),
        (
            "tickets, all, first page (1,000,000 tickets)",
            "tickets/list",
            json!({ "query": { "queue": "all" } }),
        ),
        (
            "tickets, unassigned",
            "tickets/list",
            json!({ "query": { "queue": "unassigned" } }),
        ),
        (
            "tickets, breaching soon",
            "tickets/list",
            json!({ "query": { "queue": "breaching_soon" } }),
        ),
        (
            "tickets, search by number",
            "tickets/list",
            json!({ "query": { "queue": "all", "search": "T-2026-500000" } }),
        ),
        (
            "tickets, one customer's tab",
            "tickets/list",
            json!({ "query": { "queue": "all", "customer": middle } }),
        ),
    ];
    println!();
    println!("| function | clients | requests | p50 ms | p99 ms | req/s |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    // ONBOARD_BENCH_ONLY: only the cases whose name contains this text.
    let only = std::env::var("ONBOARD_BENCH_ONLY").unwrap_or_default();
    for (name, function, body) in cases.iter().filter(|c| c.0.contains(only.as_str())) {
        let client = if *name == RESTRICTED { &tech_client } else { &client };
        for (clients, per_client) in [(1usize, 300usize), (50, 60)] {
            // Warm-up at the same concurrency (connections opened, statements prepared).
            round(client, &base, function, body, clients, 5).await;
            let started = Instant::now();
            let mut all = round(client, &base, function, body, clients, per_client).await;
            let wall = started.elapsed();
            all.sort();
            let pct = |p: f64| all[((all.len() as f64 * p).ceil() as usize).saturating_sub(1)].as_secs_f64() * 1000.0;
            println!(
                "| {name} | {clients} | {} | {:.1} | {:.1} | {:.0} |",
                all.len(),
                pct(0.50),
                pct(0.99),
                all.len() as f64 / wall.as_secs_f64()
            );
        }
    }
    if "uncovered banner count".contains(only.as_str()) || only.is_empty() {
        uncovered_baseline(&pool).await;
    }
    pool.close().await;
    if std::env::var_os("ONBOARD_BENCH_KEEP").is_some() {
        println!("\nkept the database onboard_bench (ONBOARD_BENCH_KEEP)");
        return;
    }
    sqlx::query("drop database if exists onboard_bench with (force)")
        .execute(&admin)
        .await
        .unwrap();
}

const RESTRICTED: &str = "list, technician restricted to 60 customers";

/// The banner's count query itself, without the server or its cache: what every request
/// would cost if the count were not cached (the baseline for the cached row above).
async fn uncovered_baseline(pool: &sqlx::PgPool) {
    let user: app::auth::UserInfo = app::auth::UserInfo {
        id: uuid::Uuid::nil(),
        email: String::new(),
        name: String::new(),
        role: Role::Admin,
        active: true,
        restricted: false,
    };
    let count = app::contracts::uncovered::count(pool, &user).await.unwrap();
    let mut all = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        app::contracts::uncovered::count(pool, &user).await.unwrap();
        all.push(t.elapsed());
    }
    all.sort();
    println!(
        "\nuncovered count query itself (no cache, 1 client, 20 runs): {count} customers, p50 {:.1} ms, max {:.1} ms",
        all[10].as_secs_f64() * 1000.0,
        all[19].as_secs_f64() * 1000.0
    );
}

/// A client with a session cookie for `email`.
async fn signed_in(base: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(format!("{base}/api/login"))
        .form(&[("email", email), ("password", "correct horse battery")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "login: {}", res.status());
    client
}

/// `clients` concurrent clients, each calling `function` `per_client` times back to back;
/// every call's latency.
async fn round(
    client: &Arc<reqwest::Client>,
    base: &str,
    function: &str,
    body: &Value,
    clients: usize,
    per_client: usize,
) -> Vec<Duration> {
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, base, function, body) = (client.clone(), base.to_string(), function.to_string(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                call(&client, &base, &function, &body).await;
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::with_capacity(clients * per_client);
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

async fn call(client: &reqwest::Client, base: &str, function: &str, body: &Value) {
    let req = if function == "healthz" {
        client.get(format!("{base}/healthz"))
    } else {
        client.post(format!("{base}/api/{function}"))
    };
    let req = match body {
        Value::Null => req,
        Value::Object(map) if function == "customers/get" => req.form(&[("id", map["id"].as_str().unwrap())]),
        other => req.json(other),
    };
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "{function}: {}", res.status());
    let _ = res.bytes().await.unwrap();
}

/// Realistic-looking customers: German and Spanish company names, one domain each, two
/// contacts each (the first is main), a contract for half of them, 10 % missing billing info.
async fn seed(pool: &sqlx::PgPool) {
    for sql in [
        "insert into customers (name, tax_id, country, billing_complete, created_at)
         select (array['Müller','Schmidt','García','López','Fischer','Weber','Martínez','Sánchez','Becker','Hoffmann',
                       'Fernández','Pérez','Schäfer','Koch','Romero','Navarro','Wagner','Bauer','Torres','Jiménez'])[1 + i % 20]
                || ' ' || (array['IT','Logistik','Consulting','Bau','Medien','Transportes','Servicios','Technik','Handel',
                                 'Asesores','Praxis','Kanzlei','Construcciones','Energie','Software'])[1 + (i / 20) % 15]
                || ' ' || (array['GmbH','S.L.','AG','KG','S.A.','e.K.'])[1 + (i / 300) % 6] || ' ' || i,
                'DE' || (100000000 + i), (array['DE','ES','AT'])[1 + i % 3], i % 10 <> 0,
                now() - i * interval '1 minute'
           from generate_series(1, 100000) i",
        "insert into customer_domains (domain, customer_id)
         select 'kunde' || row_number() over (order by created_at desc) || '.example', id from customers",
        "insert into contacts (customer_id, first_name, last_name, email, is_main)
         select c.id, (array['Ana','Jürgen','Lucía','Max','Sofía','Lena','Pablo','Jonas'])[1 + (n + j) % 8],
                (array['Groß','Núñez','Meier','Ruiz','Krüger','Ortega'])[1 + (n * j) % 6],
                'p' || j || '@kunde' || n || '.example', j = 1
           from (select id, row_number() over (order by created_at desc) n from customers) c,
                generate_series(1, 2) j",
        // 150,000 contracts: one for nine customers in ten, a second for every other
        // customer, a third for one in ten; a tenth of the customers have none.
        "insert into contracts (customer_id, name, start_date, billing_cycle, billing_timing, currency,
                                payment_terms_days, payment_method)
         select id, name, date '2026-01-01', 'monthly', 'advance', 'EUR', 14, 'manual'
           from (select id, 'Managed Services' as name from customers where extract(minute from created_at)::int % 10 <> 1
                 union all select id, 'Backup' from customers where extract(minute from created_at)::int % 2 = 0
                 union all select id, 'Projects' from customers where extract(minute from created_at)::int % 10 = 0) c",
        // Services in use: two catalogue services, read twice for 40 % of the customers (the
        // triggers keep `usage_current`, which the banner counts from).
        "insert into services (code, name, kind, definition)
         values ('RMM-SERVER', 'Server monitoring', 'per_device',
                 '{\"code\":\"RMM-SERVER\",\"name\":\"Server monitoring\",\"kind\":\"per_device\",\"device_category\":\"server\",\"unit_price\":\"25.00\",\"currency\":\"EUR\",\"tax_category\":\"standard\"}'),
                ('BACKUP-GB', 'Online backup', 'per_usage',
                 '{\"code\":\"BACKUP-GB\",\"name\":\"Online backup\",\"kind\":\"per_usage\",\"usage_unit\":\"per_gb\",\"unit_price\":\"0.10\",\"currency\":\"EUR\",\"tax_category\":\"standard\"}')",
        "insert into usage_readings (customer_id, service_id, reading_date, source, quantity)
         select c.id, s.id, d, 'api:rmm', 1 + (extract(minute from c.created_at)::int % 40)
           from customers c, services s, (values (date '2026-10-31'), (date '2026-11-30')) v(d)
          where extract(minute from c.created_at)::int % 5 < 2",
        // One part per contract (every tenth hourly, the rest retainers) with its first
        // version; every twentieth contract ends within the next 60 days.
        "insert into contract_parts (contract_id, position, contract_type, terms)
         select id, 0, case when n % 10 = 0 then 'hourly' else 'retainer' end,
                case when n % 10 = 0 then '{\"type\":\"hourly\",\"rate\":\"95 EUR\",\"after_hours_rate\":null}'::jsonb
                     else '{\"type\":\"retainer\",\"quantity\":\"3\",\"rate\":\"49 EUR\"}'::jsonb end
           from (select id, row_number() over (order by id) n from contracts) k",
        "insert into contract_part_versions (part_id, valid_from, terms)
         select p.id, k.start_date, p.terms from contract_parts p join contracts k on k.id = p.contract_id",
        "update contracts set end_date = current_date + 30
          where id in (select id from contracts order by md5(id::text) limit (select count(*) / 20 from contracts))",
        // 1,000,000 tickets, ten per customer, newest first by id; 70 % closed, 10 %
        // resolved, 20 % active with a resolution due between 100 minutes ago and 8 hours
        // ahead (so "breaching soon" has work).
        "insert into tickets (number, customer_id, title, priority, status, source, created_at, updated_at,
                              resolution_due, clock_running_since)
         select 'T-2026-' || lpad(i::text, greatest(6, length(i::text)), '0'), c.id,
                (array['Drucker druckt nicht','VPN langsam','Passwort zurücksetzen','Neuer Mitarbeiter',
                       'Backup fehlgeschlagen','Correo no llega','Impresora atascada','Licencia de Office'])[1 + i % 8] || ' ' || i,
                (array['low','medium','high','critical'])[1 + i % 4],
                case when i % 10 < 7 then 'closed' when i % 10 = 7 then 'resolved' when i % 10 = 8 then 'open' else 'new' end,
                'email', now() - i * interval '30 seconds', now() - i * interval '30 seconds',
                case when i % 10 >= 8 then now() + ((i % 580) - 100) * interval '1 minute' end,
                case when i % 10 >= 8 then now() - i * interval '30 seconds' end
           from generate_series(1, 1000000) i
           join (select id, row_number() over (order by id) n from customers) c on c.n = 1 + i % 100000",
        // As autovacuum would leave the tables soon after: statistics and the visibility map.
        "vacuum analyze",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}
