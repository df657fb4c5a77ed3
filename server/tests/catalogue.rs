//! The service catalogue: all staff read it, admins and billing admins write it; every save
//! is a new version (a price change never rewrites what a contract was agreed on), codes are
//! unique, and a save over someone else's newer one is a conflict.

mod common;

use app::auth::Role;
use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

fn service(code: &str, price: &str) -> Value {
    json!({ "code": code, "name": "RMM Server", "kind": "per_device", "device_category": "server",
            "unit_price": price, "currency": "EUR", "tax_category": "standard", "revenue_account": "8400" })
}

fn save(id: Option<&Value>, version: Option<i64>, service: Value) -> Value {
    json!({ "id": id, "version": version, "service": service })
}

#[sqlx::test(migrations = "../migrations")]
async fn services_are_versioned_unique_and_safe_from_lost_updates(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;

    let (status, created) = app
        .json(
            &admin,
            "catalogue/save",
            save(None, None, service(" rmm-server ", "12.50")),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        (created["version"].as_i64(), created["service"]["code"].as_str()),
        (Some(1), Some("RMM-SERVER"))
    );
    let id = created["id"].clone();

    // a price change by a billing admin is version 2; version 1 stays readable
    let (status, changed) = app
        .json(
            &billing,
            "catalogue/save",
            save(Some(&id), Some(1), service("RMM-SERVER", "14.00")),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["version"], 2);
    let (status, history) = app
        .call(&billing, "catalogue/history", &[("id", id.as_str().unwrap())])
        .await;
    assert_eq!(status, 200, "{history}");
    let prices: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["service"]["unit_price"].as_str().unwrap())
        .collect();
    assert_eq!(prices, ["14.00", "12.50"]);
    assert!(history[0]["saved_by"].is_string(), "who saved it is shown: {history}");

    // an editor still holding version 1 gets a conflict, and nothing changes
    let (status, body) = app
        .json(
            &admin,
            "catalogue/save",
            save(Some(&id), Some(1), service("RMM-SERVER", "9.00")),
        )
        .await;
    assert_eq!((status, body), (StatusCode::CONFLICT, json!({"error": "conflict"})));

    // a second service with the same code, in any case, is a field error on `code`
    let (status, body) = app
        .json(&admin, "catalogue/save", save(None, None, service("Rmm-Server", "1")))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        (body["fields"][0]["field"].as_str(), body["fields"][0]["code"].as_str()),
        (Some("code"), Some("service_code.taken"))
    );
    let (_, other) = app
        .json(&admin, "catalogue/save", save(None, None, service("BACKUP", "1")))
        .await;
    let (status, body) = app
        .json(
            &admin,
            "catalogue/save",
            save(Some(&other["id"]), Some(1), service("rmm-server", "1")),
        )
        .await;
    assert_eq!(
        (status, body["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("service_code.taken"))
    );

    // archived services leave the list unless asked for
    let mut archived = service("RMM-SERVER", "14.00");
    archived["archived"] = json!(true);
    let (status, _) = app
        .json(&admin, "catalogue/save", save(Some(&id), Some(2), archived))
        .await;
    assert_eq!(status, 200);
    let (_, list) = app
        .call(&admin, "catalogue/list", &[("include_archived", "false")])
        .await;
    let codes = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| e["service"]["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&list), ["BACKUP"]);
    let (_, list) = app
        .call(&admin, "catalogue/list", &[("include_archived", "true")])
        .await;
    assert_eq!(codes(&list), ["BACKUP", "RMM-SERVER"]);
    let versions: i64 = sqlx::query_scalar("select count(*) from service_versions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(versions, 4, "one version per successful save");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invalid_service_gets_every_field_error_and_writes_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let bad = json!({ "code": "-x", "name": "", "kind": "per_usage", "unit_price": "abc", "currency": "EUR",
                      "tax_category": "luxury", "revenue_account": "84-00" });
    let (status, body) = app.json(&admin, "catalogue/save", save(None, None, bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "code",
            "name",
            "usage_unit",
            "unit_price",
            "tax_category",
            "revenue_account"
        ]
    );
    let rows: i64 = sqlx::query_scalar("select count(*) from services")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

/// PRODUCT.md's matrix: catalogue read for all staff, write for admins and billing admins,
/// nothing without a session.
#[sqlx::test(migrations = "../migrations")]
async fn the_role_matrix_holds_for_every_catalogue_function(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let (_, created) = app
        .json(&admin, "catalogue/save", save(None, None, service("RMM", "1")))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    for (role, email, may_write) in [
        (Role::Admin, "admin2@example.com", true),
        (Role::BillingAdmin, "billing@example.com", true),
        (Role::Technician, "tech@example.com", false),
    ] {
        let client = app.signed_in(email, role).await;
        let (status, _) = app
            .call(&client, "catalogue/list", &[("include_archived", "true")])
            .await;
        assert_eq!(status, 200, "{role:?} list");
        let (status, _) = app.call(&client, "catalogue/history", &[("id", &id)]).await;
        assert_eq!(status, 200, "{role:?} history");
        let code = format!("NEW-{}", role.as_str());
        let (status, body) = app
            .json(&client, "catalogue/save", save(None, None, service(&code, "1")))
            .await;
        let expected = if may_write {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{role:?} save: {body}");
    }
    let anonymous = app.client();
    let (status, _) = app
        .call(&anonymous, "catalogue/list", &[("include_archived", "false")])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .json(&anonymous, "catalogue/save", save(None, None, service("X", "1")))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(
            &admin,
            "catalogue/history",
            &[("id", "00000000-0000-4000-8000-000000000001")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
