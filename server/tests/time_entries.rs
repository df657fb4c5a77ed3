//! Time entries: logged once per submission, changed only by their technician while a
//! draft or rejected, approved through the billing-info gate (nothing written while it
//! refuses) with billable minutes, contract and rate frozen, rejected with a reason,
//! un-approved until invoiced and locked once invoiced; the role matrix including
//! technicians restricted to their accounts.

mod common;

use app::auth::Role;
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

fn entry(duration: &str) -> Value {
    json!({ "work_date": "2026-12-03", "duration": duration, "work_type": "billable", "notes": "Drucker neu eingerichtet" })
}

async fn log(app: &TestApp, client: &Client, customer: Uuid, ticket: Option<&Value>, e: Value, submit: bool) -> Value {
    let (status, row) = app
        .json(
            client,
            "time/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": customer, "ticket": ticket, "entry": e, "submit": submit }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{row}");
    row
}

fn at(row: &Value) -> Value {
    json!({ "id": row["id"], "version": row["version"] })
}

/// An active hourly contract from 2026-01-01: 95 per hour, 140 after hours, time rounded
/// to a 15-minute minimum in 15-minute steps.
async fn hourly_contract(app: &TestApp, admin: &Client, customer: Uuid) -> Value {
    let (status, saved) = app
        .json(
            admin,
            "contracts/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": customer, "active": true, "contract": {
                "name": "Support nach Aufwand", "start_date": "2026-01-01", "billing_cycle": "monthly",
                "billing_timing": "arrears", "currency": "EUR", "payment_terms_days": "14", "payment_method": "manual",
                "rounding_minimum": "15", "rounding_increment": "15",
                "parts": [{ "contract_type": "hourly", "rate": "95", "after_hours_rate": "140" }] } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    saved
}

async fn status_of(pool: &PgPool, id: &Value) -> String {
    sqlx::query_scalar("select status from time_entries where id = $1::uuid")
        .bind(id.as_str().unwrap())
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn approval_passes_the_gate_and_freezes_minutes_contract_and_rate(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let id = customer(&pool, "Müller GmbH").await;

    // Logged once per key, by duration, and by start and end after hours.
    let key = Uuid::new_v4();
    let request = json!({ "idempotency_key": key, "customer": id, "entry": entry("10"), "submit": true });
    let (_, short) = app.json(&tech, "time/create", request.clone()).await;
    let (status, again) = app.json(&tech, "time/create", request).await;
    assert_eq!(
        (status, &again["id"]),
        (StatusCode::OK, &short["id"]),
        "a retried submit is the same entry"
    );
    let late = log(
        &app,
        &tech,
        id,
        None,
        json!({ "work_date": "2026-12-03", "start": "19:10", "end": "19:50", "work_type": "billable", "after_hours": true }),
        true,
    )
    .await;
    assert_eq!(
        (late["minutes"].as_u64(), late["entry"]["duration"].as_str()),
        (Some(40), Some("0:40"))
    );
    assert_eq!(short["status"], "submitted");

    // The gate: no billing info, nothing approved, nothing written.
    let both = json!({ "entries": [at(&short), at(&late)] });
    let (status, body) = app.json(&admin, "time/approve", both.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "billing_info_required");
    assert_eq!(body["customer"], json!(id));
    assert_eq!(status_of(&pool, &short["id"]).await, "submitted");
    assert_eq!(status_of(&pool, &late["id"]).await, "submitted");

    // With billing info and a contract, the same request goes through.
    app.add_billing(&admin, id).await;
    let contract = hourly_contract(&app, &admin, id).await;
    let (status, approved) = app.json(&admin, "time/approve", both.clone()).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let by_id = |id: &Value| {
        approved
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == *id)
            .unwrap()
            .clone()
    };
    let (s, l) = (by_id(&short["id"]), by_id(&late["id"]));
    assert_eq!(
        (s["status"].as_str(), s["billable_minutes"].as_u64()),
        (Some("approved"), Some(15))
    );
    assert_eq!(
        (s["rate"].as_str(), s["coverage"].as_str()),
        (Some("95"), Some("billed"))
    );
    assert_eq!(s["contract"], contract["id"]);
    assert_eq!(
        (l["billable_minutes"].as_u64(), l["rate"].as_str()),
        (Some(45), Some("140")),
        "after hours"
    );
    let admin_name: String = sqlx::query_scalar("select name from users where email = 'admin@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(s["approved_by"], json!(admin_name));

    // Sent again (a double click): the versions moved on, nothing is approved twice.
    let (status, _) = app.json(&admin, "time/approve", both).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A later change of the contract's rule leaves approved entries as they were.
    sqlx::query("update contracts set rounding_minimum = 60, rounding_increment = 60")
        .execute(&pool)
        .await
        .unwrap();
    let (_, page) = app
        .json(&admin, "time/list", json!({ "query": { "customer": id } }))
        .await;
    let mins: Vec<u64> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["billable_minutes"].as_u64().unwrap())
        .collect();
    assert_eq!(mins.iter().sum::<u64>(), 60);

    // Un-approve clears what approval froze; approving again uses the rule now in force.
    let (status, back) = app
        .json(
            &admin,
            "time/unapprove",
            json!({ "id": s["id"], "version": s["version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(
        (back["status"].as_str(), back["billable_minutes"].as_u64()),
        (Some("submitted"), None)
    );
    let (_, again) = app
        .json(&admin, "time/approve", json!({ "entries": [at(&back)] }))
        .await;
    assert_eq!(again[0]["billable_minutes"], 60);

    // Invoiced: locked for everyone.
    sqlx::query("update time_entries set status = 'invoiced', invoiced_at = now() where id = $1::uuid")
        .bind(again[0]["id"].as_str().unwrap())
        .execute(&pool)
        .await
        .unwrap();
    let (status, body) = app.json(&admin, "time/unapprove", at(&again[0])).await;
    assert_eq!((status, body), (StatusCode::CONFLICT, json!({ "error": "locked" })));
}

#[sqlx::test(migrations = "../migrations")]
async fn entries_without_a_single_contract_are_approved_unrounded_and_unpriced(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Ohne Vertrag KG").await;
    app.add_billing(&admin, id).await;
    let mut free = entry("25");
    free["work_type"] = json!("no_charge");
    let (a, b) = (
        log(&app, &admin, id, None, entry("25"), true).await,
        log(&app, &admin, id, None, free, true).await,
    );
    let (status, rows) = app
        .json(&admin, "time/approve", json!({ "entries": [at(&a), at(&b)] }))
        .await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    for r in rows.as_array().unwrap() {
        assert_eq!(
            (r["contract"].clone(), r["rate"].clone()),
            (Value::Null, Value::Null),
            "{r}"
        );
        let want = if r["id"] == a["id"] { 25 } else { 0 };
        assert_eq!(
            r["billable_minutes"], want,
            "billable work as worked; no charge is zero"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn technicians_change_only_their_own_drafts_and_rejections_come_back_to_them(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let other = app.signed_in("other@example.com", Role::Technician).await;
    let id = customer(&pool, "Acme").await;
    let (_, ticket) = app
        .json(
            &tech,
            "tickets/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": id,
                    "ticket": { "title": "VPN", "priority": "medium", "source": "phone" } }),
        )
        .await;
    let row = log(&app, &tech, id, Some(&ticket["id"]), entry("1:30"), false).await;
    assert_eq!(
        (row["status"].as_str(), row["ticket_number"].clone()),
        (Some("draft"), ticket["number"].clone())
    );

    // A ticket of another customer is refused; bad values name their field.
    let elsewhere = customer(&pool, "Fremd AG").await;
    let (status, body) = app
        .json(
            &tech,
            "time/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": elsewhere, "ticket": ticket["id"], "entry": entry("1h"), "submit": false }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .json(
            &tech,
            "time/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": id, "submit": false,
                    "entry": { "work_date": "3.12.2026", "start": "10:00", "end": "09:00", "work_type": "billable" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("time_span.order"), "{body}");

    // Someone else's entry: not theirs to change.
    let (status, _) = app
        .json(
            &other,
            "time/save",
            json!({ "id": row["id"], "version": row["version"], "entry": entry("2h"), "submit": false }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.json(&other, "time/delete", at(&row)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A stale version is a conflict.
    let (status, _) = app
        .json(
            &tech,
            "time/save",
            json!({ "id": row["id"], "version": 99, "entry": entry("2h"), "submit": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, n) = app.json(&tech, "time/submit", json!({ "entries": [at(&row)] })).await;
    assert_eq!((status, n), (StatusCode::OK, json!(1)));
    let (_, page) = app
        .json(&tech, "time/list", json!({ "query": { "ticket": ticket["id"] } }))
        .await;
    let submitted = page["rows"][0].clone();
    // Submitted: locked for the technician until it comes back.
    let (status, body) = app
        .json(
            &tech,
            "time/save",
            json!({ "id": submitted["id"], "version": submitted["version"], "entry": entry("2h"), "submit": false }),
        )
        .await;
    assert_eq!((status, body), (StatusCode::CONFLICT, json!({ "error": "locked" })));

    let (status, body) = app
        .json(
            &admin,
            "time/reject",
            json!({ "id": submitted["id"], "version": submitted["version"], "reason": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {body}");
    let (status, rejected) = app
        .json(
            &admin,
            "time/reject",
            json!({ "id": submitted["id"], "version": submitted["version"], "reason": "Bitte Notiz ergänzen" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(
        (rejected["status"].as_str(), rejected["rejection_reason"].as_str()),
        (Some("rejected"), Some("Bitte Notiz ergänzen"))
    );

    let (status, fixed) = app
        .json(
            &tech,
            "time/save",
            json!({ "id": rejected["id"], "version": rejected["version"], "entry": entry("1:15"), "submit": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert_eq!(
        (
            fixed["status"].as_str(),
            fixed["minutes"].as_u64(),
            fixed["rejection_reason"].clone()
        ),
        (Some("submitted"), Some(75), Value::Null)
    );

    // A draft can be deleted by its technician.
    let draft = log(&app, &tech, id, None, entry("5"), false).await;
    let (status, _) = app.json(&tech, "time/delete", at(&draft)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = app
        .json(
            &tech,
            "time/list",
            json!({ "query": { "mine": true, "week": "2026-12-01" } }),
        )
        .await;
    assert_eq!(mine["rows"].as_array().unwrap().len(), 1, "{mine}");
}

/// Every time function as `client`, on `customer` and an entry of it.
async fn everything(
    app: &TestApp,
    client: &Client,
    customer: Uuid,
    mine: &Value,
    theirs: &Value,
) -> Vec<(&'static str, StatusCode)> {
    let mut out = Vec::new();
    let create =
        json!({ "idempotency_key": Uuid::new_v4(), "customer": customer, "entry": entry("30"), "submit": false });
    out.push(("create", app.json(client, "time/create", create).await.0));
    out.push((
        "list",
        app.json(client, "time/list", json!({ "query": { "customer": customer } }))
            .await
            .0,
    ));
    out.push((
        "save",
        app.json(
            client,
            "time/save",
            json!({ "id": mine["id"], "version": mine["version"], "entry": entry("20"), "submit": false }),
        )
        .await
        .0,
    ));
    let mine_now = json!({ "id": mine["id"], "version": mine["version"].as_i64().unwrap() + 1 });
    out.push((
        "submit",
        app.json(client, "time/submit", json!({ "entries": [mine_now] }))
            .await
            .0,
    ));
    out.push((
        "approve",
        app.json(client, "time/approve", json!({ "entries": [at(theirs)] }))
            .await
            .0,
    ));
    out.push((
        "reject",
        app.json(
            client,
            "time/reject",
            json!({ "id": theirs["id"], "version": theirs["version"], "reason": "x" }),
        )
        .await
        .0,
    ));
    // approved by then when the approval above went through
    let approved = json!({ "id": theirs["id"], "version": theirs["version"].as_i64().unwrap() + 1 });
    out.push(("unapprove", app.json(client, "time/unapprove", approved).await.0));
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn the_role_matrix_holds_for_every_time_function(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let theirs_customer = customer(&pool, "Team GmbH").await;
    let others = customer(&pool, "Fremd AG").await;
    for c in [theirs_customer, others] {
        app.add_billing(&admin, c).await;
    }
    let restricted = app.signed_in("restricted@example.com", Role::Technician).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("insert into customer_team (customer_id, user_id) select $1, id from users where email = 'restricted@example.com'")
        .bind(theirs_customer)
        .execute(&pool)
        .await
        .unwrap();

    for (role, email) in [
        (Role::Admin, "a2@example.com"),
        (Role::BillingAdmin, "billing@example.com"),
        (Role::Technician, "tech@example.com"),
    ] {
        let client = app.signed_in(email, role).await;
        let mine = log(&app, &client, theirs_customer, None, entry("10"), false).await;
        let theirs = log(&app, &admin, theirs_customer, None, entry("10"), true).await;
        let approver = role != Role::Technician;
        for (what, status) in everything(&app, &client, theirs_customer, &mine, &theirs).await {
            let approving = matches!(what, "approve" | "reject" | "unapprove");
            let want = match (approving, approver, what) {
                (true, false, _) => StatusCode::FORBIDDEN,
                // approved by then (approve ran first), so reject is a conflict
                (true, true, "reject") => StatusCode::CONFLICT,
                _ => StatusCode::OK,
            };
            assert_eq!(status, want, "{role:?}: {what}");
        }
    }

    // Restricted: their accounts' time yes, anyone else's not at all.
    sqlx::query("update users set restricted = false where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let on = log(&app, &restricted, theirs_customer, None, entry("10"), false).await;
    let off = log(&app, &restricted, others, None, entry("10"), false).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let theirs = log(&app, &admin, theirs_customer, None, entry("10"), true).await;
    for (what, status) in everything(&app, &restricted, theirs_customer, &on, &theirs).await {
        let want = if matches!(what, "approve" | "reject" | "unapprove") {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        };
        assert_eq!(status, want, "restricted, on the team: {what}");
    }
    let other_theirs = log(&app, &admin, others, None, entry("10"), true).await;
    for (what, status) in everything(&app, &restricted, others, &off, &other_theirs).await {
        assert_eq!(status, StatusCode::FORBIDDEN, "restricted, not on the team: {what}");
    }
    let (_, all) = app.json(&restricted, "time/list", json!({ "query": {} })).await;
    assert!(
        all["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["customer"] == json!(theirs_customer)),
        "{all}"
    );

    let anonymous = app.client();
    for (what, status) in everything(&app, &anonymous, theirs_customer, &on, &theirs).await {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "signed out: {what}");
    }
}
