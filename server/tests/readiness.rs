//! What the Overview's readiness checklist reads: the SLA and alert profile chosen after
//! creation (a shared one or the customer's own, saved version-checked and audited; another
//! customer's custom SLA or an unknown id is a field error), and whether a contract is in
//! force (active and not ended; a draft is not). Role matrix of the new function.

mod common;

use app::auth::Role;
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

async fn sla(pool: &PgPool, name: &str, owner: Option<Uuid>) -> Uuid {
    sqlx::query_scalar("insert into slas (name, customer_id, definition) values ($1, $2, '{}') returning id")
        .bind(name)
        .bind(owner)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn save(
    app: &TestApp,
    client: &Client,
    id: Uuid,
    version: i64,
    base: Value,
    draft: Value,
) -> (StatusCode, Value) {
    app.json(
        client,
        "customers/service-level",
        json!({ "customer": id, "version": version, "base": base, "draft": draft }),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn the_service_level_is_chosen_after_creation_and_checked(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Müller GmbH").await;
    let other = customer(&pool, "Other").await;
    let gold = sla(&pool, "Gold", None).await;
    let foreign = sla(&pool, "Other's own", Some(other)).await;
    let mine = sla(&pool, "Müller's own", Some(id)).await;
    let c = app.detail(&admin, id).await;
    assert_eq!(c["sla"], Value::Null);
    let v = c["version"].as_i64().unwrap();
    let empty = json!({ "sla": "", "alert_profile": "" });

    let alerts: Uuid = sqlx::query_scalar(
        "insert into alert_profiles (name, definition) values ('Standard alerts', '{}') returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (status, body) = save(
        &app,
        &admin,
        id,
        v,
        empty.clone(),
        json!({ "sla": gold, "alert_profile": alerts }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let c = app.detail(&admin, id).await;
    assert_eq!((&c["sla"]["name"], &c["sla"]["shared"]), (&json!("Gold"), &json!(true)));
    assert_eq!(c["alert_profile"]["name"], "Standard alerts");
    let (_, history) = app
        .call(&admin, "customers/history", &[("customer", &id.to_string())])
        .await;
    assert_eq!(
        (&history[0]["action"], &history[0]["changes"]),
        (
            &json!("updated"),
            &json!([{ "field": "alert_profile", "before": "", "after": "Standard alerts" },
                    { "field": "sla", "before": "", "after": "Gold" }])
        ),
        "the trail names the SLA and the profile, not their ids: {history}"
    );

    // Its own custom SLA is allowed; another customer's or an unknown id is a field error.
    let v = c["version"].as_i64().unwrap();
    let from_gold = json!({ "sla": gold, "alert_profile": alerts });
    for bad in [json!(foreign), json!(Uuid::new_v4()), json!("not an id")] {
        let (status, body) = save(&app, &admin, id, v, from_gold.clone(), json!({ "sla": bad })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], "sla");
        assert_eq!(body["fields"][0]["code"], "record.unknown");
    }
    let (status, body) = save(&app, &admin, id, v, from_gold.clone(), json!({ "sla": mine })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A stale version that changes the same field is a conflict, not a lost update.
    let (status, body) = save(&app, &admin, id, v, from_gold, json!({ "sla": "" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(app.detail(&admin, id).await["sla"]["name"], "Müller's own");

    // Role matrix: whoever edits customers (technicians too); restricted only their
    // accounts; nobody signed in is refused.
    for (role, email) in [
        (Role::BillingAdmin, "billing@example.com"),
        (Role::Technician, "tech@example.com"),
    ] {
        let client = app.signed_in(email, role).await;
        let c = app.detail(&client, id).await;
        let v = c["version"].as_i64().unwrap();
        let base = json!({ "sla": c["sla"]["id"], "alert_profile": "" });
        let (status, body) = save(&app, &client, id, v, base, json!({ "sla": gold })).await;
        assert_eq!(status, StatusCode::OK, "{role:?}: {body}");
    }
    let restricted = app.signed_in("restricted@example.com", Role::Technician).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = save(&app, &restricted, id, 99, empty.clone(), json!({ "sla": gold })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = save(&app, &app.client(), id, 99, empty, json!({ "sla": gold })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_contract_is_in_force_when_active_and_not_ended(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Acme").await;
    app.add_billing(&admin, id).await;
    let contract = json!({ "name": "Workplace", "start_date": "2026-01-01", "billing_cycle": "monthly",
                           "billing_timing": "advance", "currency": "EUR", "payment_terms_days": "14",
                           "payment_method": "manual",
                           "parts": [{ "contract_type": "retainer", "quantity": "1", "rate": "10" }] });
    for active in [false, true] {
        let (status, body) = app
            .json(
                &admin,
                "contracts/create",
                json!({ "idempotency_key": Uuid::new_v4(), "customer": id, "contract": contract, "active": active }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    sqlx::query("insert into contracts (customer_id, name, start_date, end_date, billing_cycle, billing_timing, currency, payment_terms_days, payment_method, active)
                 values ($1, 'Old', '2020-01-01', '2020-12-31', 'monthly', 'advance', 'EUR', 14, 'manual', true)")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let c = app.detail(&admin, id).await;
    let mut in_force: Vec<(String, bool)> = c["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["name"].as_str().unwrap().to_owned(), k["in_force"].as_bool().unwrap()))
        .collect();
    in_force.sort();
    assert_eq!(
        in_force,
        [
            ("Old".into(), false),
            ("Workplace".into(), false),
            ("Workplace".into(), true)
        ],
        "a draft and an ended contract are not in force"
    );
}
