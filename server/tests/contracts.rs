//! Contracts as their own feature: create through the billing-info gate (idempotent),
//! the list's filters, part versions from a date (history appended, never rewritten),
//! header saves version-checked, ending before billed periods only with consent, and the
//! role matrix (technicians read, restricted ones only their accounts).

mod common;

use app::auth::Role;
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

fn contract(name: &str, parts: Value) -> Value {
    json!({ "name": name, "start_date": "2026-01-01", "billing_cycle": "monthly", "billing_timing": "advance",
            "currency": "EUR", "payment_terms_days": "14", "payment_method": "manual",
            "rounding_minimum": "15", "rounding_increment": "15", "parts": parts })
}

fn retainer(qty: &str, rate: &str) -> Value {
    json!({ "contract_type": "retainer", "quantity": qty, "rate": rate, "description": "Managed workplace" })
}

async fn create(app: &TestApp, client: &Client, customer: Uuid, body: Value) -> (StatusCode, Value) {
    app.json(
        client,
        "contracts/create",
        json!({ "idempotency_key": Uuid::new_v4(), "customer": customer, "contract": body, "active": true }),
    )
    .await
}

async fn count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from contracts")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn creating_passes_the_gate_once_and_stores_the_first_versions(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Müller GmbH").await;
    let key = Uuid::new_v4();
    let request = json!({ "idempotency_key": key, "customer": id, "active": true,
                          "contract": contract("Managed services", json!([retainer("3", "49.00")])) });
    let (status, body) = app.json(&admin, "contracts/create", request.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "billing_info_required");
    assert_eq!(count(&pool).await, 0, "the gate writes nothing");

    app.add_billing(&admin, id).await;
    let (status, saved) = app.json(&admin, "contracts/create", request.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, again) = app.json(&admin, "contracts/create", request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], saved["id"], "a retried submit is the same contract");
    assert_eq!(count(&pool).await, 1);

    let cid = saved["id"].as_str().unwrap();
    let (status, detail) = app.call(&admin, "contracts/get", &[("id", cid)]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["status"], "active");
    assert_eq!(detail["draft"]["rounding_increment"], "15");
    assert_eq!(detail["parts"][0]["versions"][0]["valid_from"], "2026-01-01");
    assert_eq!(detail["parts"][0]["versions"][0]["part"]["quantity"], "3");
    assert_eq!(detail["parts"][0]["versions"][0]["part"]["rate"], "49");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_part_changes_by_a_new_version_from_a_date(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Acme").await;
    app.add_billing(&admin, id).await;
    let (_, saved) = create(&app, &admin, id, contract("Workplace", json!([retainer("3", "49")]))).await;
    let cid = saved["id"].as_str().unwrap().to_owned();
    let (_, detail) = app.call(&admin, "contracts/get", &[("id", &cid)]).await;
    let part = detail["parts"][0]["id"].clone();

    let change = |from: &str, qty: &str| json!({ "valid_from": from, "part": retainer(qty, "49") });
    let (status, v2) = app
        .json(
            &admin,
            "contracts/change-part",
            json!({ "id": cid, "version": 1, "part": part, "change": change("2026-07-01", "5") }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(v2["version"], 2);

    // A stale version is refused; so is a date not after the latest version.
    let (status, body) = app
        .json(
            &admin,
            "contracts/change-part",
            json!({ "id": cid, "version": 1, "part": part, "change": change("2026-09-01", "6") }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "contract.changed");
    let (status, body) = app
        .json(
            &admin,
            "contracts/change-part",
            json!({ "id": cid, "version": 2, "part": part, "change": change("2026-07-01", "6") }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "valid_from");
    assert_eq!(body["fields"][0]["code"], "contract_version.not_after");
    // The type stays.
    let (status, body) = app
        .json(
            &admin,
            "contracts/change-part",
            json!({ "id": cid, "version": 2, "part": part,
                      "change": { "valid_from": "2026-10-01", "part": { "contract_type": "hourly", "rate": "95" } } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "part.contract_type");

    let (_, detail) = app.call(&admin, "contracts/get", &[("id", &cid)]).await;
    let versions = detail["parts"][0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{detail}");
    assert_eq!(versions[0]["valid_from"], "2026-07-01");
    assert_eq!(versions[0]["part"]["quantity"], "5");
    assert_eq!(versions[1]["valid_from"], "2026-01-01");
    assert_eq!(
        versions[1]["part"]["quantity"], "3",
        "the earlier version is kept as it was"
    );
    assert_eq!(
        detail["draft"]["parts"][0]["quantity"], "5",
        "the part shows its latest terms"
    );

    // A new part from a date, linked to a catalogue service with a minimum.
    sqlx::query(
        "insert into services (code, name, kind, definition) values ('RMM-SERVER', 'RMM server', 'per_device', '{}')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let rmm = json!({ "contract_type": "remote_monitoring", "device_category": "server", "rate": "12.50",
                      "service_code": "rmm-server", "min_quantity": "2", "quantity_from_usage": true });
    let (status, v3) = app
        .json(
            &admin,
            "contracts/add-part",
            json!({ "id": cid, "version": 2, "change": { "valid_from": "2026-08-01", "part": rmm } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v3}");
    let (_, detail) = app.call(&admin, "contracts/get", &[("id", &cid)]).await;
    let added = &detail["parts"][1]["versions"][0];
    assert_eq!(added["valid_from"], "2026-08-01");
    assert_eq!(added["part"]["service_code"], "RMM-SERVER");
    assert_eq!(added["part"]["min_quantity"], "2");
    assert_eq!(added["part"]["quantity_from_usage"], true);
    let unknown = json!({ "contract_type": "remote_monitoring", "device_category": "server", "rate": "1",
                          "service_code": "NOPE" });
    let (status, body) = app
        .json(
            &admin,
            "contracts/add-part",
            json!({ "id": cid, "version": 3, "change": { "valid_from": "2026-08-01", "part": unknown } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "service_code.unknown");
}

#[sqlx::test(migrations = "../migrations")]
async fn ending_before_billed_periods_needs_consent_and_the_list_filters(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Beta").await;
    app.add_billing(&admin, id).await;
    let (_, a) = create(
        &app,
        &admin,
        id,
        contract("Alpha retainer", json!([retainer("1", "10")])),
    )
    .await;
    let hourly = json!([{ "contract_type": "hourly", "rate": "95" }]);
    let (status, _) = create(&app, &admin, id, contract("Beta hourly", hourly)).await;
    assert_eq!(status, StatusCode::OK);
    let aid = a["id"].as_str().unwrap().to_owned();
    sqlx::query("update contracts set billed_through = '2026-11-30' where id = $1::text::uuid")
        .bind(&aid)
        .execute(&pool)
        .await
        .unwrap();
    let (status, body) = app
        .json(
            &admin,
            "contracts/end",
            json!({ "id": aid, "version": 1, "end_date": "2026-10-31", "allow_credit": false }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "contract.end_before_billed");
    let (status, body) = app
        .json(
            &admin,
            "contracts/end",
            json!({ "id": aid, "version": 1, "end_date": "2026-10-31", "allow_credit": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Once billed, the start date stays.
    let (_, detail) = app.call(&admin, "contracts/get", &[("id", &aid)]).await;
    let mut header = detail["draft"].clone();
    header["start_date"] = json!("2026-02-01");
    let (status, body) = app
        .json(
            &admin,
            "contracts/save-header",
            json!({ "id": aid, "version": detail["version"], "contract": header }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "start_date");
    assert_eq!(body["fields"][0]["code"], "contract.billed_fixed");

    let names = |page: &Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, all) = app.json(&admin, "contracts/list", json!({ "query": {} })).await;
    assert_eq!(names(&all), ["Alpha retainer", "Beta hourly"]);
    let (_, ended) = app
        .json(&admin, "contracts/list", json!({ "query": { "status": "ended" } }))
        .await;
    assert_eq!(names(&ended), ["Alpha retainer"]);
    let (_, hourly) = app
        .json(
            &admin,
            "contracts/list",
            json!({ "query": { "contract_type": "hourly" } }),
        )
        .await;
    assert_eq!(names(&hourly), ["Beta hourly"]);
    assert_eq!(hourly["rows"][0]["types"], json!(["hourly"]));

    // The types follow the parts (kept on the contract by triggers): in part order, each
    // once; a part added later shows, and the filter finds the contract by it.
    let mixed = json!([retainer("1", "10"), { "contract_type": "hourly", "rate": "95" }, retainer("2", "5")]);
    let (status, _) = create(&app, &admin, id, contract("Gamma mixed", mixed)).await;
    assert_eq!(status, StatusCode::OK);
    let beta = hourly["rows"][0]["id"].as_str().unwrap().to_owned();
    let (_, detail) = app.call(&admin, "contracts/get", &[("id", &beta)]).await;
    let (status, body) = app
        .json(
            &admin,
            "contracts/add-part",
            json!({ "id": beta, "version": detail["version"],
                    "change": { "valid_from": detail["change_from"], "part": retainer("1", "20") } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, retainers) = app
        .json(
            &admin,
            "contracts/list",
            json!({ "query": { "contract_type": "retainer" } }),
        )
        .await;
    assert_eq!(names(&retainers), ["Alpha retainer", "Beta hourly", "Gamma mixed"]);
    let types: Vec<&Value> = retainers["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["types"])
        .collect();
    assert_eq!(
        types,
        [
            &json!(["retainer"]),
            &json!(["hourly", "retainer"]),
            &json!(["retainer", "hourly"])
        ]
    );
    let (_, active) = app
        .json(&admin, "contracts/list", json!({ "query": { "status": "active" } }))
        .await;
    assert_eq!(names(&active), ["Beta hourly", "Gamma mixed"]);
}

/// Admins and billing admins write; technicians read; a restricted technician reads only
/// their accounts; no session 401.
#[sqlx::test(migrations = "../migrations")]
async fn the_role_matrix_holds_for_every_contract_function(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Zeta").await;
    app.add_billing(&admin, id).await;
    let (_, saved) = create(&app, &admin, id, contract("Seed", json!([retainer("1", "10")]))).await;
    let cid = saved["id"].as_str().unwrap().to_owned();

    async fn reads(app: &TestApp, client: &Client, customer: Uuid, cid: &str) -> Vec<(&'static str, StatusCode)> {
        vec![
            (
                "list",
                app.json(client, "contracts/list", json!({ "query": {} })).await.0,
            ),
            (
                "list for customer",
                app.json(client, "contracts/list", json!({ "query": { "customer": customer } }))
                    .await
                    .0,
            ),
            ("get", app.call(client, "contracts/get", &[("id", cid)]).await.0),
        ]
    }
    async fn writes(app: &TestApp, client: &Client, customer: Uuid, cid: &str) -> Vec<(&'static str, StatusCode)> {
        let version: i32 = sqlx::query_scalar("select version from contracts where id = $1::text::uuid")
            .bind(cid)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let part: Uuid = sqlx::query_scalar("select id from contract_parts where contract_id = $1::text::uuid")
            .bind(cid)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let day = format!("2027-{:02}-01", (version % 12) + 1);
        let mut out = vec![(
            "create",
            create(app, client, customer, contract("New", json!([retainer("1", "10")])))
                .await
                .0,
        )];
        out.push((
            "save header",
            app.json(
                client,
                "contracts/save-header",
                json!({ "id": cid, "version": version, "contract": contract("Seed", json!([retainer("1", "10")])) }),
            )
            .await
            .0,
        ));
        let version = version + i32::from(out[1].1 == StatusCode::OK);
        out.push((
            "change part",
            app.json(client, "contracts/change-part",
                     json!({ "id": cid, "version": version, "part": part, "change": { "valid_from": day, "part": retainer("2", "10") } }))
                .await
                .0,
        ));
        let version = version + i32::from(out[2].1 == StatusCode::OK);
        out.push((
            "add part",
            app.json(client, "contracts/add-part",
                     json!({ "id": cid, "version": version, "change": { "valid_from": "2026-06-01", "part": retainer("1", "5") } }))
                .await
                .0,
        ));
        let version = version + i32::from(out[3].1 == StatusCode::OK);
        out.push((
            "end",
            app.json(
                client,
                "contracts/end",
                json!({ "id": cid, "version": version, "end_date": "2030-12-31", "allow_credit": false }),
            )
            .await
            .0,
        ));
        let version = version + i32::from(out[4].1 == StatusCode::OK);
        out.push((
            "activate",
            app.json(client, "contracts/activate", json!({ "id": cid, "version": version }))
                .await
                .0,
        ));
        out
    }
    for (role, email, may_write) in [
        (Role::Admin, "admin2@example.com", true),
        (Role::BillingAdmin, "billing@example.com", true),
        (Role::Technician, "tech@example.com", false),
    ] {
        let client = app.signed_in(email, role).await;
        for (what, status) in reads(&app, &client, id, &cid).await {
            assert_eq!(status, StatusCode::OK, "{role:?} {what}");
        }
        for (what, status) in writes(&app, &client, id, &cid).await {
            let expected = if may_write {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{role:?} {what}");
        }
    }
    let restricted = app.signed_in("restricted@example.com", Role::Technician).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    for (what, status) in reads(&app, &restricted, id, &cid).await {
        let expected = if what == "list" {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "restricted, not on the team: {what}");
    }
    let (_, page) = app.json(&restricted, "contracts/list", json!({ "query": {} })).await;
    assert_eq!(page["rows"], json!([]), "their list holds only their accounts");
    let anonymous = app.client();
    for (what, status) in reads(&app, &anonymous, id, &cid).await {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {what}");
    }
    for (what, status) in writes(&app, &anonymous, id, &cid).await {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {what}");
    }
}
