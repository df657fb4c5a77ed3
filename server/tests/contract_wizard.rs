//! Contracts for existing customers: the Sales & billing banner counts active customers
//! that use services and have no active contract (per user dismissible until the count
//! grows), the wizard's prefill turns each customer's services in use into parts at the
//! catalogue price, and the wizard's submit — one `contracts/create` per customer under
//! that customer's own key — makes exactly one contract per customer however often it is
//! sent, with a customer lacking billing info refused by the gate and nothing written.

mod common;

use app::auth::Role;
use chrono::{Duration, Local};
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// A catalogue service as the catalogue page stores it.
async fn service(pool: &PgPool, code: &str, kind: &str, price: &str) -> Uuid {
    let definition = json!({
        "code": code, "name": format!("{code} service"), "kind": kind,
        "device_category": if kind == "per_device" { "server" } else { "" },
        "usage_unit": if kind == "per_usage" { "per_gb" } else { "" },
        "unit_price": price, "currency": "EUR", "tax_category": "standard",
    });
    sqlx::query_scalar("insert into services (code, name, kind, definition) values ($1, $1, $2, $3) returning id")
        .bind(code)
        .bind(kind)
        .bind(definition)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn day(days_ago: i64) -> String {
    (Local::now().date_naive() - Duration::days(days_ago)).to_string()
}

/// A reading typed by hand, through the API (which also tells the banner's cache).
async fn reading(app: &TestApp, client: &Client, customer: Uuid, code: &str, quantity: &str, days_ago: i64) {
    let body = json!({ "customer": customer,
                       "reading": { "service_code": code, "quantity": quantity, "reading_date": day(days_ago) } });
    let (status, outcome) = app.json(client, "usage/add", body).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
}

fn contract(parts: Value) -> Value {
    json!({ "name": "Managed services", "start_date": "2026-01-01", "billing_cycle": "monthly",
            "billing_timing": "advance", "currency": "EUR", "payment_terms_days": "14",
            "payment_method": "manual", "parts": parts })
}

fn retainer() -> Value {
    json!([{ "contract_type": "retainer", "quantity": "1", "rate": "99.00" }])
}

async fn create(
    app: &TestApp,
    client: &Client,
    key: Uuid,
    customer: Uuid,
    parts: Value,
    active: bool,
) -> (StatusCode, Value) {
    app.json(
        client,
        "contracts/create",
        json!({ "idempotency_key": key, "customer": customer, "contract": contract(parts), "active": active }),
    )
    .await
}

async fn banner(app: &TestApp, client: &Client) -> (StatusCode, Value) {
    app.call(client, "contracts/uncovered", &[]).await
}

#[sqlx::test(migrations = "../migrations")]
async fn the_banner_counts_customers_using_services_without_an_active_contract(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    service(&pool, "RMM-SERVER", "per_device", "25.00").await;
    let uses = customer(&pool, "Uses, no contract").await;
    let stopped = customer(&pool, "Latest reading zero").await;
    customer(&pool, "No readings").await;
    let archived = customer(&pool, "Archived").await;
    let covered = customer(&pool, "Active contract").await;
    let drafted = customer(&pool, "Draft contract only").await;
    let ended = customer(&pool, "Ended contract").await;
    for c in [uses, archived, covered, drafted, ended] {
        reading(&app, &admin, c, "RMM-SERVER", "12", 1).await;
    }
    reading(&app, &admin, stopped, "RMM-SERVER", "0", 1).await;
    // an older reading arriving later does not displace the latest (which is zero)
    reading(&app, &admin, stopped, "RMM-SERVER", "5", 10).await;
    sqlx::query("update customers set archived_at = now() where id = $1")
        .bind(archived)
        .execute(&pool)
        .await
        .unwrap();
    for c in [covered, drafted, ended] {
        app.add_billing(&admin, c).await;
        let (status, body) = create(&app, &admin, Uuid::new_v4(), c, retainer(), c != drafted).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if c == ended {
            let (status, body) = app
                .json(
                    &admin,
                    "contracts/end",
                    json!({ "id": body["id"], "version": 1, "end_date": day(2), "allow_credit": false }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }

    let (status, body) = banner(&app, &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "count": 3, "dismissed": false }),
        "uses, draft only, ended"
    );
    // A reading replaced (same day and source, another quantity) moves the latest too.
    reading(&app, &admin, drafted, "RMM-SERVER", "0", 1).await;
    assert_eq!(banner(&app, &admin).await.1["count"], 2);
    reading(&app, &admin, drafted, "RMM-SERVER", "12", 1).await;
    assert_eq!(banner(&app, &admin).await.1["count"], 3);

    // The customer list's filters are the same rule (the wizard's list is the banner's).
    let (_, page) = app
        .json(
            &admin,
            "customers/list",
            json!({ "query": { "uses_services": true, "no_active_contract": true } }),
        )
        .await;
    let mut names: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Draft contract only", "Ended contract", "Uses, no contract"]);

    // Closed at 3: stays closed for this user at 3, not for a colleague; back at 4.
    let (status, _) = app
        .json(&admin, "contracts/uncovered/dismiss", json!({ "count": 3 }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(banner(&app, &admin).await.1, json!({ "count": 3, "dismissed": true }));
    let colleague = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    assert_eq!(
        banner(&app, &colleague).await.1,
        json!({ "count": 3, "dismissed": false })
    );
    // A contract made now takes a customer off at once (the cached count is dropped).
    app.add_billing(&admin, uses).await;
    create(&app, &admin, Uuid::new_v4(), uses, retainer(), true).await;
    assert_eq!(banner(&app, &admin).await.1, json!({ "count": 2, "dismissed": true }));
    let newcomer = customer(&pool, "Newcomer").await;
    reading(&app, &admin, newcomer, "RMM-SERVER", "3", 0).await;
    reading(&app, &admin, stopped, "RMM-SERVER", "1", 0).await;
    reading(&app, &admin, uses, "RMM-SERVER", "1", 0).await;
    assert_eq!(banner(&app, &admin).await.1, json!({ "count": 4, "dismissed": false }));

    // Role matrix: those who create contracts; a technician is refused, nobody signed in too.
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    assert_eq!(banner(&app, &tech).await.0, StatusCode::FORBIDDEN);
    let (status, _) = app
        .json(&tech, "contracts/uncovered/dismiss", json!({ "count": 1 }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = app.client();
    assert_eq!(banner(&app, &anonymous).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .json(&anonymous, "contracts/uncovered/dismiss", json!({ "count": 1 }))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A restricted billing admin counts only their accounts: on the team of one counted
    // customer and one covered one, they see 1.
    let restricted = app.signed_in("restricted@example.com", Role::BillingAdmin).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(banner(&app, &restricted).await.1["count"], 0);
    for c in [newcomer, covered] {
        sqlx::query("insert into customer_team (customer_id, user_id) select $1, id from users where email = 'restricted@example.com'")
            .bind(c)
            .execute(&pool)
            .await
            .unwrap();
    }
    // (team changes reach a cached count within 30 s; a reading drops it at once)
    reading(&app, &admin, newcomer, "RMM-SERVER", "4", 0).await;
    assert_eq!(banner(&app, &restricted).await.1["count"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_wizard_prefills_parts_and_a_retried_submit_makes_one_contract_per_customer(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    service(&pool, "RMM-SERVER", "per_device", "25.00").await;
    service(&pool, "BACKUP-GB", "per_usage", "0.10").await;
    let (a, b, c) = (
        customer(&pool, "Alpha").await,
        customer(&pool, "Beta").await,
        customer(&pool, "Gamma").await,
    );
    reading(&app, &admin, a, "RMM-SERVER", "10", 20).await;
    reading(&app, &admin, a, "RMM-SERVER", "12", 1).await;
    reading(&app, &admin, a, "BACKUP-GB", "500", 1).await;
    reading(&app, &admin, b, "RMM-SERVER", "3", 1).await;
    app.add_billing(&admin, a).await;
    app.add_billing(&admin, b).await;

    let (status, prefill) = app
        .json(&admin, "contracts/prefill", json!({ "customers": [a, b, c] }))
        .await;
    assert_eq!(status, StatusCode::OK, "{prefill}");
    let parts = |i: usize| prefill[i]["parts"].as_array().unwrap().clone();
    let alpha = parts(0);
    assert_eq!(alpha.len(), 2);
    assert_eq!(
        (
            &alpha[0]["part"]["service_code"],
            &alpha[0]["part"]["contract_type"],
            &alpha[0]["part"]["backup_unit"]
        ),
        (&json!("BACKUP-GB"), &json!("online_backup"), &json!("per_gb"))
    );
    let rmm = &alpha[1];
    assert_eq!(rmm["part"]["contract_type"], "remote_monitoring");
    assert_eq!(rmm["part"]["device_category"], "server");
    assert_eq!(rmm["part"]["rate"], "25.00", "the catalogue price");
    assert_eq!(rmm["part"]["quantity_from_usage"], true);
    assert_eq!(rmm["quantity"], "12.00", "the latest reading, not the older one");
    assert_eq!(rmm["reading_date"], day(1));
    assert_eq!(parts(1).len(), 1);
    assert_eq!(parts(2).len(), 0, "no services in use: nothing prefilled");

    // The submit: one key per customer, kept in the wizard's draft.
    let keys = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
    let bodies = [
        Value::Array(alpha.iter().map(|p| p["part"].clone()).collect()),
        Value::Array(parts(1).iter().map(|p| p["part"].clone()).collect()),
        retainer(),
    ];
    let send_all = || async {
        let mut out = Vec::new();
        for (i, customer) in [a, b, c].into_iter().enumerate() {
            out.push(create(&app, &admin, keys[i], customer, bodies[i].clone(), true).await);
        }
        out
    };
    let first = send_all().await;
    assert_eq!(first[0].0, StatusCode::OK, "{}", first[0].1);
    assert_eq!(first[1].0, StatusCode::OK, "{}", first[1].1);
    assert_eq!(first[2].0, StatusCode::CONFLICT, "Gamma lacks billing info");
    assert_eq!(first[2].1["error"], "billing_info_required");
    assert_eq!(first[2].1["customer"], json!(c));
    let contracts_of = |customer: Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from contracts where customer_id = $1")
                .bind(customer)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(contracts_of(c).await, 0, "the gate wrote nothing");

    // Billing info given on the spot, then the whole submit again (a retry or a reload).
    app.add_billing(&admin, c).await;
    let second = send_all().await;
    for (i, (status, body)) in second.iter().enumerate() {
        assert_eq!(*status, StatusCode::OK, "{i}: {body}");
    }
    assert_eq!(second[0].1["id"], first[0].1["id"]);
    assert_eq!(second[1].1["id"], first[1].1["id"]);
    for customer in [a, b, c] {
        assert_eq!(contracts_of(customer).await, 1, "one contract per customer");
    }
    // The same key sent twice at once (a double click, a retry racing the first request)
    // makes one contract: the second waits for the first and gets its answer.
    let d = customer(&pool, "Delta").await;
    app.add_billing(&admin, d).await;
    let key = Uuid::new_v4();
    let (x, y) = tokio::join!(
        create(&app, &admin, key, d, retainer(), true),
        create(&app, &admin, key, d, retainer(), true)
    );
    assert_eq!((x.0, y.0), (StatusCode::OK, StatusCode::OK), "{} {}", x.1, y.1);
    assert_eq!(x.1["id"], y.1["id"]);
    assert_eq!(contracts_of(d).await, 1);

    // Two wizards that chose the same customer without a contract hold different keys:
    // sent at once with `unless_covered`, one contract is made and the other is refused,
    // saying why. Without it (a second contract on purpose) the customer gets another.
    let e = customer(&pool, "Epsilon").await;
    app.add_billing(&admin, e).await;
    let covered = |key: Uuid| {
        app.json(
            &admin,
            "contracts/create",
            json!({ "idempotency_key": key, "customer": e, "contract": contract(retainer()),
                    "active": true, "unless_covered": true }),
        )
    };
    let (x, y) = tokio::join!(covered(Uuid::new_v4()), covered(Uuid::new_v4()));
    let mut statuses = [x.0, y.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY],
        "{} {}",
        x.1,
        y.1
    );
    let refused = if x.0 == StatusCode::OK { &y.1 } else { &x.1 };
    assert_eq!(refused["fields"][0]["code"], "contract.customer_covered");
    assert_eq!(contracts_of(e).await, 1);
    let (status, body) = create(&app, &admin, Uuid::new_v4(), e, retainer(), true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(contracts_of(e).await, 2);
    let parts_stored: i64 = sqlx::query_scalar(
        "select count(*) from contract_parts p join contracts k on k.id = p.contract_id
          where k.customer_id = $1 and p.quantity_from_usage and p.service_id is not null",
    )
    .bind(a)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(parts_stored, 2, "Alpha's parts follow its services in use");

    // Role matrix of the prefill: writers only; a restricted writer only for their accounts.
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let anonymous = app.client();
    let body = json!({ "customers": [a] });
    assert_eq!(
        app.json(&billing, "contracts/prefill", body.clone()).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.json(&tech, "contracts/prefill", body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.json(&anonymous, "contracts/prefill", body.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    sqlx::query("update users set restricted = true where email = 'billing@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        app.json(&billing, "contracts/prefill", body).await.0,
        StatusCode::FORBIDDEN
    );
}
