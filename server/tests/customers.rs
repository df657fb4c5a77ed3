//! The new-customer endpoint against a real PostgreSQL: validation, all-or-nothing,
//! exactly-once with an idempotency key, and who may call it.

mod common;

use app::auth::Role;
use common::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

fn draft() -> Value {
    json!({
        "customer": {
            "name": "Müller IT-Service GmbH",
            "domains": ["müller-it.de"],
            "tax_id": "ESB58378431",
            "address": { "street": "Hauptstraße 5", "postal_code": "01067", "city": "Dresden", "country": "DE" }
        },
        "contract": {
            "name": "Managed Service 2027",
            "start_date": "2027-01-01",
            "billing_cycle": "monthly",
            "billing_timing": "advance",
            "currency": "EUR",
            "payment_terms_days": "14",
            "payment_method": "sepa_direct_debit",
            "iban": "DE89 3704 0044 0532 0130 00",
            "mandate_reference": "MANDATE-2027-001",
            "parts": [
                { "contract_type": "retainer", "quantity": "12", "rate": "49.90" },
                { "contract_type": "block_hours", "hours_per_period": "10", "rate": "95", "rollover": true }
            ]
        },
        "sla": { "mode": "custom", "name": "Gold", "time_zone": "Europe/Berlin", "around_the_clock": true,
                 "targets": { "critical": { "first_response_minutes": "15", "resolution_minutes": "240" } } },
        "alert_profile": { "mode": "none" },
        "contact": { "first_name": "Jürgen", "last_name": "Groß", "email": "juergen@müller-it.de" }
    })
}

async fn create(app: &TestApp, client: &Client, draft: &Value, key: &str) -> (StatusCode, Value) {
    let res = client
        .post(format!("{}/api/customers/create", app.base))
        .json(&json!({ "draft": draft, "idempotency_key": key }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

const KEY: &str = "6f1c2a52-8f0e-4a4e-9a55-0d3c0d7b2b11";

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_creates_a_customer_with_everything_in_one_go(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let (status, id) = create(&app, &admin, &draft(), KEY).await;
    assert_eq!(status, 200, "{id}");
    let id: uuid::Uuid = id.as_str().unwrap().parse().unwrap();

    let (status, c) = app.call(&admin, "customers/get", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["name"], "Müller IT-Service GmbH");
    assert_eq!(c["profile"]["domains"], json!(["müller-it.de"]), "shown in Unicode");
    assert_eq!(c["profile"]["tax_id"], "ESB58378431");
    assert_eq!(c["contacts"][0]["is_main"], true);
    assert_eq!(c["contacts"][0]["form"]["last_name"], "Groß");
    assert_eq!(
        c["billing_gaps"].as_array().unwrap().len(),
        6,
        "no billing info yet: {c}"
    );
    assert_eq!(c["sla"]["name"], "Gold");
    assert_eq!(c["sla"]["shared"], false);
    let contract = &c["contracts"][0];
    assert_eq!(contract["iban"], "DE89370400440532013000", "IBAN stored without spaces");
    assert_eq!(contract["parts"].as_array().unwrap().len(), 2);
    assert_eq!(contract["parts"][0]["contract_type"], "retainer");
    let stored: String = sqlx::query_scalar("select domain from customer_domains")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, "xn--mller-it-65a.de", "stored as punycode");

    let (_, list) = app.json(&admin, "customers/list", json!({ "query": {} })).await;
    assert_eq!(list["rows"][0]["name"], "Müller IT-Service GmbH");
    assert_eq!(list["rows"][0]["main_contact"], "Jürgen Groß");
    assert_eq!(list["rows"][0]["billing_complete"], false);
    // The wizard's creation is the first entry of the audit trail.
    let (_, history) = app
        .call(&admin, "customers/history", &[("customer", &id.to_string())])
        .await;
    assert_eq!(history[0]["action"], "created");
    assert_eq!(history[0]["actor"], "Test User");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_idempotency_key_never_creates_a_second_customer(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    // a double click: both requests at once
    let d = draft();
    let (a, b) = tokio::join!(create(&app, &admin, &d, KEY), create(&app, &admin, &d, KEY));
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK), "{a:?} {b:?}");
    assert_eq!(a.1, b.1, "both answers name the same customer");
    // a replay later
    let (status, again) = create(&app, &admin, &draft(), KEY).await;
    assert_eq!(status, 200);
    assert_eq!(again, a.1);
    assert_eq!(count(&app.pool, "customers").await, 1);
    assert_eq!(count(&app.pool, "contacts").await, 1);
    assert_eq!(count(&app.pool, "contracts").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_payloads_get_field_errors_and_write_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let mut bad = draft();
    bad["customer"]["name"] = json!("");
    bad["customer"]["tax_id"] = json!("DE136695978");
    bad["customer"]["address"]["postal_code"] = json!("00123");
    bad["contract"]["iban"] = json!("DE89370400440532013001");
    bad["contact"]["email"] = json!("juergen@");
    let (status, body) = create(&app, &admin, &bad, KEY).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields: Vec<(String, String)> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("contact.email", "email.domain"),
            ("contract.iban", "iban.checksum"),
            ("customer.address.postal_code", "postal_code.format"),
            ("customer.name", "required"),
            ("customer.tax_id", "vat.checksum"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(count(&app.pool, "customers").await, 0);
    // the key was not used up: the corrected draft goes through with it
    let (status, _) = create(&app, &admin, &draft(), KEY).await;
    assert_eq!(status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failure_on_the_contact_leaves_no_customer(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    // make the last write of the transaction fail inside the database
    sqlx::raw_sql(
        "create function refuse() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$;
         create trigger refuse_contacts before insert on contacts for each row execute function refuse();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, body) = create(&app, &admin, &draft(), KEY).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, json!({"error": "internal"}));
    for table in [
        "customers",
        "customer_domains",
        "contracts",
        "contract_parts",
        "slas",
        "idempotency_keys",
    ] {
        assert_eq!(count(&app.pool, table).await, 0, "{table} must be empty");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_create_customers(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    for (role, email) in [
        (Role::BillingAdmin, "billing@example.com"),
        (Role::Technician, "tech@example.com"),
    ] {
        let client = app.signed_in(email, role).await;
        let (status, body) = create(&app, &client, &draft(), KEY).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(body, json!({"error": "forbidden"}));
    }
    let (status, _) = create(&app, &app.client(), &draft(), KEY).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app.pool, "customers").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn taken_domains_and_unknown_shared_slas_are_field_errors(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    assert_eq!(create(&app, &admin, &draft(), KEY).await.0, 200);

    let mut second = draft();
    second["customer"]["name"] = json!("Another customer");
    second["customer"]["domains"] = json!(["example.org", "MÜLLER-IT.DE"]);
    let (status, body) = create(&app, &admin, &second, "0b0f0c4e-1d54-4f8a-b3c8-9d8c2f6f0a01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "customer.domains[1]");
    assert_eq!(body["fields"][0]["code"], "domain.taken");

    let mut third = draft();
    third["customer"]["domains"] = json!([]);
    third["sla"] = json!({ "mode": "shared", "id": "5d9b8b86-6f0e-4d8e-8f7a-2f7b7f1e9a10" });
    let (status, body) = create(&app, &admin, &third, "3c1b8f0e-1d54-4f8a-b3c8-9d8c2f6f0a02").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "sla.id");
    assert_eq!(count(&app.pool, "customers").await, 1);

    // the duplicate check finds the first customer by name and by domain
    let res = admin
        .post(format!("{}/api/customers/duplicates", app.base))
        .json(&json!({ "name": "müller it-service gmbh", "domains": ["müller-it.de"] }))
        .send()
        .await
        .unwrap();
    let hits: Value = res.json().await.unwrap();
    let reasons: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reason"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["same_name", "same_domain"], "{hits}");
}
