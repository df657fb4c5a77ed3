//! Services in use and API tokens: a token is the only way into `POST /api/usage/readings`
//! (401 without one, a bad or revoked one; 403 without the scope; a session is not one), a
//! token is never a session, rows are checked all before any is written (422 with row and
//! field), the same reading twice is stored once, a changed quantity replaces the stored
//! one and keeps its history, customers are found by id, external id and domain, and the
//! role matrix of every new server function holds.

mod common;

use app::auth::Role;
use common::TestApp;
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// A customer with an external id and a domain, and two catalogue services.
async fn seed(pool: &PgPool) -> Uuid {
    let id: Uuid =
        sqlx::query_scalar("insert into customers (name, external_id) values ('Müller GmbH', 'K-1') returning id")
            .fetch_one(pool)
            .await
            .unwrap();
    sqlx::query("insert into customer_domains (domain, customer_id) values ('mueller.de', $1)")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    for code in ["RMM-SERVER", "BACKUP-GB"] {
        sqlx::query("insert into services (code, name, kind, definition) values ($1, $1, 'per_device', '{}')")
            .bind(code)
            .execute(pool)
            .await
            .unwrap();
    }
    id
}

async fn create_token(app: &TestApp, client: &Client, name: &str, scopes: &[&str]) -> (StatusCode, Value) {
    app.json(client, "tokens/create", json!({ "name": name, "scopes": scopes }))
        .await
}

async fn token(app: &TestApp, client: &Client, name: &str, scopes: &[&str]) -> String {
    let (status, body) = create_token(app, client, name, scopes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["secret"].as_str().unwrap().to_owned()
}

/// Sends readings with `auth` as the Authorization header (none when `None`).
async fn send(app: &TestApp, client: &Client, auth: Option<&str>, body: Value) -> (StatusCode, Value, Option<String>) {
    let mut req = client.post(format!("{}/api/usage/readings", app.base)).json(&body);
    if let Some(a) = auth {
        req = req.header(AUTHORIZATION, a);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let challenge = res
        .headers()
        .get(WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_owned());
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        challenge,
    )
}

/// The app, the seeded customer, a signed-in admin, a token's `Authorization` value and a
/// client without a session.
struct Fixture {
    app: TestApp,
    customer: Uuid,
    admin: Client,
    auth: String,
    plain: Client,
}

impl Fixture {
    async fn new(pool: PgPool, token_name: &str) -> Fixture {
        let app = TestApp::spawn(pool, &[]).await;
        let customer = seed(&app.pool).await;
        let admin = app.signed_in("admin@example.com", Role::Admin).await;
        let auth = bearer(&token(&app, &admin, token_name, &["usage:write"]).await);
        let plain = app.client();
        Fixture {
            app,
            customer,
            admin,
            auth,
            plain,
        }
    }
}

/// A 422's problems as (field, code).
fn problems(body: &Value) -> Vec<(&str, &str)> {
    body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect()
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

fn reading(customer: Value, service: &str, quantity: Value, date: &str) -> Value {
    json!({ "customer": customer, "service_code": service, "quantity": quantity, "reading_date": date })
}

fn statuses(body: &Value) -> Vec<&str> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn only_a_live_token_with_the_scope_gets_in_and_a_token_is_never_a_session(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let customer = seed(&app.pool).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let secret = token(&app, &admin, "RMM", &["usage:write"]).await;
    let email_only = token(&app, &admin, "Mail relay", &["inbound_email:write"]).await;
    let body = json!({ "readings": [reading(json!({"id": customer}), "RMM-SERVER", json!(3), "2026-11-30")] });
    let plain = app.client();

    // no header, another scheme, a malformed, an unknown token: 401 with the JSON body
    for auth in [
        None,
        Some(format!("Basic {secret}")),
        Some("Bearer onb_nope".to_string()),
        Some(bearer(&format!("onb_{}", "0".repeat(64)))),
    ] {
        let (status, body, challenge) = send(&app, &plain, auth.as_deref(), body.clone()).await;
        assert_eq!(
            (status, &body),
            (StatusCode::UNAUTHORIZED, &json!({"error": "unauthenticated"})),
            "{auth:?}"
        );
        assert!(challenge.unwrap().contains("invalid_token"));
    }
    // a session cookie alone is no token
    let (status, _, _) = send(&app, &admin, None, body.clone()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a session does not work for the usage endpoint"
    );
    // the wrong scope: 403, and the challenge names the scope needed
    let (status, resp, challenge) = send(&app, &plain, Some(&bearer(&email_only)), body.clone()).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, json!({"error": "forbidden"})));
    assert!(challenge.unwrap().contains("scope=\"usage:write\""));
    // the right one
    let (status, resp, _) = send(&app, &plain, Some(&bearer(&secret)), body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    assert_eq!(statuses(&resp), ["created"]);
    let source: String = sqlx::query_scalar("select source from usage_readings")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(source, "api:RMM");

    // a token is no session: server functions and pages do not take it
    let res = plain
        .post(format!("{}/api/tokens/list", app.base))
        .header(AUTHORIZATION, bearer(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = plain
        .get(format!("{}/settings/api-tokens", app.base))
        .header(AUTHORIZATION, bearer(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "a page sends the token holder to sign in"
    );

    // the secret is stored only as its SHA-256; its first characters are kept to show
    let (prefix, hash, used): (String, Vec<u8>, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("select prefix, secret_hash, last_used_at from api_tokens where name = 'RMM'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(prefix, &secret[..12]);
    assert_eq!(hash, app::tokens::db::hash(&secret));
    assert_eq!(hash.len(), 32);
    let dump: String = sqlx::query_scalar("select string_agg(t::text, '|') from api_tokens t")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!dump.contains(&secret[4..]), "the secret is not in the table in clear");
    // used just now; a second use within the minute does not write again
    let used = used.expect("last use recorded");
    send(&app, &plain, Some(&bearer(&secret)), body.clone()).await;
    let again: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_used_at from api_tokens where name = 'RMM'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(again, Some(used));

    // revoked: 401 at once, and still listed, as revoked
    let (_, list) = app.call(&admin, "tokens/list", &[]).await;
    let id = list.as_array().unwrap().iter().find(|t| t["name"] == "RMM").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, revoked) = app.call(&admin, "tokens/revoke", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].is_string() && revoked["revoked_by"] == "Test User");
    let (status, _, _) = send(&app, &plain, Some(&bearer(&secret)), body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, list) = app.call(&admin, "tokens/list", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[1]["name"], "RMM", "revoked tokens are listed after active ones");
    // its name is free again for a new token; the name of an active one is not
    let (status, body) = create_token(&app, &admin, "mail RELAY", &["usage:write"]).await;
    assert_eq!(
        (status, body["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("api_token.name_taken"))
    );
    token(&app, &admin, "RMM", &["usage:write"]).await;
    let (status, body) = create_token(&app, &admin, " ", &["admin:all"]).await;
    let fields = problems(&body);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields, [("name", "required"), ("scopes", "choice.invalid")]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_reading_twice_is_stored_once_and_a_new_quantity_replaces_it(pool: PgPool) {
    let Fixture {
        app,
        customer,
        admin,
        auth,
        plain,
    } = Fixture::new(pool, "Backup").await;
    let batch = |rmm: Value| {
        json!({ "readings": [
            reading(json!({"id": customer}), "RMM-SERVER", rmm, "2026-11-30"),
            reading(json!({"external_id": "K-1"}), "backup-gb", json!("1.234,5"), "30.11.2026"),
            reading(json!({"domain": "MUELLER.de"}), "RMM-SERVER", json!(4), "2026-10-31"),
        ] })
    };
    let (status, body, _) = send(&app, &plain, Some(&auth), batch(json!(12))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(statuses(&body), ["created", "created", "created"]);
    assert_eq!(
        (body["created"].as_i64(), body["results"][2]["row"].as_i64()),
        (Some(3), Some(2))
    );
    // sent again: nothing written
    let (_, body, _) = send(&app, &plain, Some(&auth), batch(json!("12.00"))).await;
    assert_eq!(statuses(&body), ["unchanged", "unchanged", "unchanged"]);
    assert_eq!(count(&app.pool, "select count(*) from usage_readings").await, 3);
    assert_eq!(
        count(&app.pool, "select count(*) from usage_reading_replacements").await,
        0
    );
    // a corrected count for the same day replaces it; the old one is kept
    let (_, body, _) = send(&app, &plain, Some(&auth), batch(json!(13))).await;
    assert_eq!(statuses(&body), ["replaced", "unchanged", "unchanged"]);
    assert_eq!(count(&app.pool, "select count(*) from usage_readings").await, 3);
    let old: rust_decimal::Decimal = sqlx::query_scalar("select quantity from usage_reading_replacements")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(old.to_string(), "12.00");

    // the customer page: the latest per service, the history with the replacement
    let (status, usage) = app
        .call(&admin, "usage/customer", &[("customer", &customer.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    let latest: Vec<(&str, &str, &str)> = usage["latest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["service_code"].as_str().unwrap(),
                r["quantity"].as_str().unwrap(),
                r["reading_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        latest,
        [
            ("BACKUP-GB", "1234.50", "2026-11-30"),
            ("RMM-SERVER", "13.00", "2026-11-30")
        ]
    );
    assert_eq!(usage["history"].as_array().unwrap().len(), 3);
    let rmm = &usage["latest"][1];
    assert_eq!(
        (rmm["replacements"].as_i64(), rmm["previous_quantity"].as_str()),
        (Some(1), Some("12.00"))
    );

    // a reading by hand for the same day is its own source, and the later record wins
    let manual = json!({ "customer": customer, "reading": {"service_code": "RMM-SERVER", "quantity": "14", "reading_date": "2026-11-30"} });
    let (status, outcome) = app.json(&admin, "usage/add", manual.clone()).await;
    assert_eq!((status, outcome), (StatusCode::OK, json!("created")));
    let (_, outcome) = app.json(&admin, "usage/add", manual).await;
    assert_eq!(outcome, json!("unchanged"));

    // the helpers the contract wizard and the banner use (the banner's count reads
    // usage_current, which the triggers keep from these readings)
    let latest = app::usage::db::latest_quantities(&app.pool, &[customer]).await.unwrap();
    let rmm = latest.get(&(customer, "RMM-SERVER".to_string())).unwrap();
    assert_eq!(
        (rmm.0.to_string().as_str(), rmm.1.to_string().as_str()),
        ("14.00", "2026-11-30")
    );
    let october = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    let then = app::usage::db::latest_quantities_on(&app.pool, &[customer], october)
        .await
        .unwrap();
    assert_eq!(then.len(), 1);
    assert_eq!(then[&(customer, "RMM-SERVER".to_string())].0.to_string(), "4.00");
    let me = app::auth::UserInfo {
        id: Uuid::new_v4(),
        email: "x@example.com".into(),
        name: "X".into(),
        role: Role::Admin,
        active: true,
        restricted: false,
    };
    assert_eq!(app::contracts::uncovered::count(&app.pool, &me).await.unwrap(), 1);
    let restricted = app::auth::UserInfo {
        restricted: true,
        role: Role::Technician,
        ..me.clone()
    };
    assert_eq!(
        app::contracts::uncovered::count(&app.pool, &restricted).await.unwrap(),
        0
    );
    sqlx::query("update customers set archived_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(app::contracts::uncovered::count(&app.pool, &me).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_rows_are_refused_with_row_and_field_and_nothing_is_written(pool: PgPool) {
    let Fixture {
        app,
        customer,
        auth,
        plain,
        ..
    } = Fixture::new(pool, "RMM").await;
    let body = json!({ "readings": [
        reading(json!({"id": customer}), "RMM-SERVER", json!(1), "2026-11-30"),
        reading(json!({"id": customer}), "RMM-SERVER", json!(-1), "2026-11-29"),
        reading(json!({"domain": "unknown.example"}), "NOPE", json!(1), "2026-11-30"),
        reading(json!({"id": customer, "domain": "mueller.de"}), "RMM-SERVER", json!(1), "2999-01-01"),
        reading(json!({"external_id": "K-1"}), "RMM-SERVER", json!(2), "2026-11-30"),
    ] });
    let (status, body, _) = send(&app, &plain, Some(&auth), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "validation");
    let fields = problems(&body);
    assert_eq!(
        fields,
        [
            ("readings[1].quantity", "number.min"),
            ("readings[2].customer.domain", "usage.customer_unknown"),
            ("readings[2].service_code", "usage.service_unknown"),
            ("readings[3].customer", "usage.customer_ref"),
            ("readings[3].reading_date", "usage.date_future"),
            ("readings[4].reading_date", "duplicate"),
        ]
    );
    assert_eq!(
        count(&app.pool, "select count(*) from usage_readings").await,
        0,
        "all or nothing"
    );

    // too many rows, none, and a body that is no JSON
    let many: Vec<Value> = (0..5001)
        .map(|_| reading(json!({"id": customer}), "RMM-SERVER", json!(1), "2026-11-30"))
        .collect();
    let (status, body, _) = send(&app, &plain, Some(&auth), json!({ "readings": many })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (body["fields"][0]["field"].as_str(), body["fields"][0]["code"].as_str()),
        (Some("readings"), Some("usage.batch_too_large"))
    );
    let (status, body, _) = send(&app, &plain, Some(&auth), json!({ "readings": [] })).await;
    assert_eq!(
        (status, body["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("required"))
    );
    let (status, body, _) = send(&app, &plain, Some(&auth), json!({ "rows": 1 })).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("transport"))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_csv_file_of_readings_is_checked_whole_then_written(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    seed(&app.pool).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    let upload = |csv: &'static str| {
        let (app, billing) = (&app, &billing);
        async move {
            let res = billing
                .post(format!("{}/api/usage/readings/csv", app.base))
                .body(csv)
                .send()
                .await
                .unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, body) =
        upload("\u{feff}Kunden-Domain;Leistungscode;Menge;Datum\nmueller.de;RMM-SERVER;12;30.11.2026\nmueller.de;RMM-SERVER;x;29.11.2026\n")
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        (body["fields"][0]["field"].as_str(), body["fields"][0]["code"].as_str()),
        (Some("rows[3].quantity"), Some("number.format"))
    );
    let (status, body) =
        upload("customer_external_id,service_code,quantity,reading_date\nK-1,RMM-SERVER,12,2026-11-30\n").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(statuses(&body), ["created"]);
    assert_eq!(body["results"][0]["row"], 2);
    let (_, body) = upload("Kunden-Domain;Leistungscode;Menge;Datum\nmueller.de;RMM-SERVER;12;30.11.2026\n").await;
    assert_eq!(statuses(&body), ["unchanged"], "the same reading from the same source");
    let (status, body) = upload("quantity\n1\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "columns.customer_id");
}

/// Tokens: admins and billing admins (issue #15). Readings: every staff member reads them,
/// billing rights write them. Nothing without a session.
#[sqlx::test(migrations = "../migrations")]
async fn the_role_matrix_holds_for_every_usage_and_token_function(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let customer = seed(&app.pool).await.to_string();
    for (role, email, may_write) in [
        (Role::Admin, "admin@example.com", true),
        (Role::BillingAdmin, "billing@example.com", true),
        (Role::Technician, "tech@example.com", false),
    ] {
        let client = app.signed_in(email, role).await;
        let expected = if may_write {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        let (status, _) = app.call(&client, "tokens/list", &[]).await;
        assert_eq!(status, expected, "{role:?} tokens/list");
        let (status, created) = create_token(&app, &client, role.as_str(), &["usage:write"]).await;
        assert_eq!(status, expected, "{role:?} tokens/create: {created}");
        let id = created["token"]["id"].as_str().map(str::to_owned);
        let id = id.unwrap_or_else(|| Uuid::new_v4().to_string());
        let (status, _) = app.call(&client, "tokens/revoke", &[("id", &id)]).await;
        assert_eq!(status, expected, "{role:?} tokens/revoke");
        let (status, _) = app.call(&client, "usage/customer", &[("customer", &customer)]).await;
        assert_eq!(status, StatusCode::OK, "{role:?} usage/customer");
        let add = json!({ "customer": customer, "reading": {"service_code": "RMM-SERVER", "quantity": "1", "reading_date": "2026-11-30"} });
        let (status, body) = app.json(&client, "usage/add", add).await;
        assert_eq!(status, expected, "{role:?} usage/add: {body}");
        let res = client
            .post(format!("{}/api/usage/readings/csv", app.base))
            .body("customer_id,service_code,quantity,reading_date\n")
            .send()
            .await
            .unwrap();
        let csv_expected = if may_write {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(res.status(), csv_expected, "{role:?} usage CSV");
    }
    let anonymous = app.client();
    for (function, form) in [
        ("tokens/list", vec![]),
        ("tokens/revoke", vec![("id", customer.as_str())]),
        ("usage/customer", vec![("customer", customer.as_str())]),
    ] {
        let (status, _) = app.call(&anonymous, function, &form).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{function}");
    }
    let (status, _) = create_token(&app, &anonymous, "x", &["usage:write"]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let res = anonymous
        .post(format!("{}/api/usage/readings/csv", app.base))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
