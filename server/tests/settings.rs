//! Shared SLAs and alert profiles: admins only, validated by the domain rules, and an
//! edit over someone else's newer save is a conflict, never a silent overwrite.

mod common;

use app::auth::Role;
use common::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn post(app: &TestApp, client: &Client, function: &str, body: Value) -> (StatusCode, Value) {
    let res = client
        .post(format!("{}/api/{function}", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn sla(name: &str) -> Value {
    json!({ "name": name, "time_zone": "Europe/Vienna", "around_the_clock": false,
            "business_hours": [{ "weekday": "mon", "start": "08:00", "end": "17:00" }],
            "targets": { "high": { "first_response_minutes": "60", "resolution_minutes": "480" } } })
}

#[sqlx::test(migrations = "../migrations")]
async fn shared_slas_are_saved_listed_and_protected_against_lost_updates(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let (status, id) = post(
        &app,
        &admin,
        "settings/slas/save",
        json!({ "id": null, "version": null, "definition": sla("Standard") }),
    )
    .await;
    assert_eq!(status, 200, "{id}");
    let (_, list) = app.call(&admin, "settings/slas/list", &[]).await;
    assert_eq!(list[0]["definition"]["name"], "Standard");
    assert_eq!(list[0]["version"], 1);

    let update = |name: &str, version: i64| json!({ "id": id, "version": version, "definition": sla(name) });
    let (status, _) = post(&app, &admin, "settings/slas/save", update("Standard (EU)", 1)).await;
    assert_eq!(status, 200);
    // a second editor still holding version 1
    let (status, body) = post(&app, &admin, "settings/slas/save", update("Stale", 1)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body, json!({"error": "conflict"}));
    let (_, list) = app.call(&admin, "settings/slas/list", &[]).await;
    assert_eq!(list[0]["definition"]["name"], "Standard (EU)");

    // the shared SLA is offered in the wizard
    let (_, options) = app.call(&admin, "customers/shared-options", &[]).await;
    assert_eq!(options[0][0]["name"], "Standard (EU)");
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_definitions_get_field_errors_under_the_form_paths(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let mut bad = sla("");
    bad["targets"]["high"]["resolution_minutes"] = json!("30");
    let (status, body) = post(
        &app,
        &admin,
        "settings/slas/save",
        json!({ "id": null, "version": null, "definition": bad }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"sla.name"), "{body}");
    assert!(fields.iter().any(|f| f.starts_with("sla.targets.high")), "{body}");
    let profile = json!({ "name": "Servers", "items": [{ "metric": "cpu_percent", "operator": "above", "value": "250", "duration_minutes": "5", "severity": "warning" }] });
    let (status, body) = post(
        &app,
        &admin,
        "settings/alert-profiles/save",
        json!({ "id": null, "version": null, "definition": profile }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "alert_profile.items[0].value");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_manage_shared_definitions(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    for (role, email) in [
        (Role::BillingAdmin, "billing@example.com"),
        (Role::Technician, "tech@example.com"),
    ] {
        let client = app.signed_in(email, role).await;
        let (status, _) = post(
            &app,
            &client,
            "settings/slas/save",
            json!({ "id": null, "version": null, "definition": sla("X") }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
        let (status, _) = app.call(&client, "settings/alert-profiles/list", &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
    }
}
