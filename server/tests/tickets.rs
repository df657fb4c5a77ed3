//! Tickets: numbers, one ticket per submission, the conversation, statuses and the SLA
//! clocks they drive, merge, keyset paging and search, and the role matrix including
//! technicians restricted to their accounts.

mod common;

use app::auth::Role;
use chrono::{DateTime, Duration, Utc};
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

fn draft(title: &str) -> Value {
    json!({ "title": title, "description": "Seit heute früh geht nichts.", "priority": "medium",
            "source": "phone", "watchers": "chef@acme.de" })
}

async fn open(app: &TestApp, client: &Client, customer: Uuid, title: &str) -> Value {
    let (status, row) = app
        .json(
            client,
            "tickets/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": customer, "ticket": draft(title) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{row}");
    row
}

async fn get(app: &TestApp, client: &Client, id: &Value) -> (StatusCode, Value) {
    app.call(client, "tickets/get", &[("id", id.as_str().unwrap())]).await
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// Gives `customer` an SLA: medium priority 60 minutes to first response, 8 hours to
/// resolution, around the clock (so business time is wall time in the checks below) or
/// Monday to Friday 08:00–17:00 in Berlin.
async fn give_sla(pool: &PgPool, customer: Uuid, around_the_clock: bool) {
    let definition = json!({
        "name": "Standard", "time_zone": "Europe/Berlin", "around_the_clock": around_the_clock,
        "business_hours": if around_the_clock { json!([]) } else {
            json!(["mon", "tue", "wed", "thu", "fri"].map(|d| json!({ "weekday": d, "start": "08:00", "end": "17:00" })))
        },
        "targets": { "medium": { "first_response_minutes": "60", "resolution_minutes": "480" } },
    });
    let sla: Uuid = sqlx::query_scalar("insert into slas (name, definition) values ('Standard', $1) returning id")
        .bind(definition)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("update customers set sla_id = $2 where id = $1")
        .bind(customer)
        .bind(sla)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_ticket_is_numbered_once_and_its_conversation_grows(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let id = customer(&pool, "Müller GmbH").await;
    let contact: Uuid = sqlx::query_scalar(
        "insert into contacts (customer_id, first_name, last_name, email, is_main)
         values ($1, 'Eva', 'Müller', 'eva@mueller.de', true) returning id",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let key = Uuid::new_v4();
    let mut ticket = draft("Drucker druckt nicht");
    ticket["contact"] = json!(contact);
    let request = json!({ "idempotency_key": key, "customer": id, "ticket": ticket });
    let (status, first) = app.json(&tech, "tickets/create", request.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let number = first["number"].as_str().unwrap();
    let year = Utc::now().format("%Y").to_string();
    assert!(
        number.starts_with(&format!("T-{year}-")) && number.len() == 13,
        "{number}"
    );
    assert_eq!(first["status"], "new");
    assert_eq!(first["contact_name"], "Eva Müller");
    assert_eq!(first["next_due"], Value::Null, "no SLA, nothing due");
    let (_, again) = app.json(&tech, "tickets/create", request).await;
    assert_eq!(again["id"], first["id"], "a retried submission opens no second ticket");
    let second = open(&app, &tech, id, "Zweites").await;
    assert_ne!(second["number"], first["number"]);
    // past the millionth ticket the number grows a digit instead of being cut
    sqlx::query("select setval('ticket_number_seq', 999999)")
        .execute(&pool)
        .await
        .unwrap();
    let big = open(&app, &tech, id, "Millionstes").await;
    assert_eq!(big["number"], format!("T-{year}-1000000"));

    // a contact of another customer is refused, with nothing written
    let other = customer(&pool, "Andere AG").await;
    let mut foreign = draft("Falscher Kontakt");
    foreign["contact"] = json!(contact);
    let (status, body) = app
        .json(
            &tech,
            "tickets/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": other, "ticket": foreign }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "ticket.contact_unknown");
    let (status, body) = app
        .json(
            &tech,
            "tickets/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": id, "ticket": { "title": "" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let tickets: i64 = sqlx::query_scalar("select count(*) from tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tickets, 3);

    // the description opens the conversation in the contact's name; a note stays internal
    // and a public reply answers the ticket (first response) and opens it
    let (_, detail) = get(&app, &tech, &first["id"]).await;
    assert_eq!(detail["watchers"], json!(["chef@acme.de"]));
    assert_eq!(detail["messages"][0]["author"], "Eva Müller");
    assert_eq!(detail["messages"][0]["from_contact"], true);
    let note =
        json!({ "idempotency_key": Uuid::new_v4(), "ticket": first["id"], "kind": "note", "body": "Toner bestellt" });
    let (status, detail) = app.json(&tech, "tickets/message", note.clone()).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["ticket"]["status"], "new");
    assert_eq!(detail["ticket"]["first_response_at"], Value::Null);
    let (_, detail) = app.json(&tech, "tickets/message", note).await;
    assert_eq!(
        detail["messages"].as_array().unwrap().len(),
        2,
        "a retried message is kept once"
    );
    let reply = json!({ "idempotency_key": Uuid::new_v4(), "ticket": first["id"], "kind": "reply", "body": "Wir kümmern uns." });
    let (_, detail) = app.json(&tech, "tickets/message", reply).await;
    assert_eq!(detail["ticket"]["status"], "open");
    assert!(detail["ticket"]["first_response_at"].is_string());
    assert_eq!(detail["messages"][2]["author"], "Test User");
    let (status, body) = app
        .json(
            &tech,
            "tickets/message",
            json!({ "idempotency_key": Uuid::new_v4(), "ticket": first["id"], "kind": "reply", "body": "  " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "body");
}

#[sqlx::test(migrations = "../migrations")]
async fn statuses_drive_the_sla_clocks(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Uhr GmbH").await;
    give_sla(&pool, id, true).await;
    let before = Utc::now();
    let t = open(&app, &admin, id, "Server down").await;
    let created = at(&t["created_at"]);
    assert!(created >= before - Duration::seconds(1));
    assert_eq!(at(&t["first_response_due"]), created + Duration::minutes(60));
    assert_eq!(at(&t["resolution_due"]), created + Duration::minutes(480));
    assert_eq!(t["next_due"], t["first_response_due"]);

    // waiting on the customer pauses the resolution clock
    let status = |id: &Value, version: &Value, to: &str| json!({ "id": id, "version": version, "status": to });
    let (code, d) = app
        .json(
            &admin,
            "tickets/status",
            status(&t["id"], &t["version"], "waiting_on_customer"),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{d}");
    assert_eq!(d["ticket"]["resolution_due"], Value::Null);
    // Pretend the ticket ran one hour and has been waiting for three: the clock resumes
    // with seven hours left, whatever the wall clock did meanwhile.
    sqlx::query("update tickets set clock_counted_secs = 3600, clock_running_since = null where id = $1::text::uuid")
        .bind(t["id"].as_str().unwrap())
        .execute(&pool)
        .await
        .unwrap();
    let resumed_before = Utc::now();
    let (_, d) = app
        .json(
            &admin,
            "tickets/status",
            status(&t["id"], &d["ticket"]["version"], "open"),
        )
        .await;
    let due = at(&d["ticket"]["resolution_due"]);
    assert!(
        due >= resumed_before + Duration::hours(7) && due <= Utc::now() + Duration::hours(7),
        "{due}"
    );
    // a stale version is a conflict; a move the statuses do not allow is refused
    let (code, _) = app
        .json(&admin, "tickets/status", status(&t["id"], &t["version"], "resolved"))
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    let (_, d) = app
        .json(
            &admin,
            "tickets/status",
            status(&t["id"], &d["ticket"]["version"], "closed"),
        )
        .await;
    assert_eq!(d["ticket"]["status"], "closed");
    assert_eq!(d["ticket"]["next_due"], Value::Null, "nothing is due once closed");
    let (code, body) = app
        .json(
            &admin,
            "tickets/status",
            status(&t["id"], &d["ticket"]["version"], "resolved"),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "ticket.status_not_allowed");
    let (_, d) = app
        .json(
            &admin,
            "tickets/status",
            status(&t["id"], &d["ticket"]["version"], "open"),
        )
        .await;
    assert_eq!(d["ticket"]["status"], "open", "a closed ticket reopens");

    // office hours: the due time lies inside them, whenever the ticket came in
    let office = customer(&pool, "Büro GmbH").await;
    give_sla(&pool, office, false).await;
    let t = open(&app, &admin, office, "Drucker").await;
    let due = at(&t["first_response_due"]).with_timezone(&chrono_tz::Europe::Berlin);
    use chrono::{Datelike, Timelike};
    assert!(due.weekday().num_days_from_monday() < 5, "{due}");
    let minutes = due.hour() * 60 + due.minute();
    assert!((8 * 60..=17 * 60).contains(&minutes), "{due}");
    // a higher priority without a target in the SLA has nothing due
    let (_, d) = app
        .json(
            &admin,
            "tickets/priority",
            json!({ "id": t["id"], "version": t["version"], "priority": "critical" }),
        )
        .await;
    assert_eq!(d["ticket"]["priority"], "critical");
    assert_eq!(d["ticket"]["resolution_due"], Value::Null);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_duplicate_is_merged_and_lists_page_and_search(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Merge GmbH").await;
    let keep = open(&app, &admin, id, "VPN geht nicht").await;
    let dup = open(&app, &admin, id, "VPN kaputt").await;
    let other = open(&app, &admin, customer(&pool, "Fremd AG").await, "Fremd").await;
    let merge = |into: &Value| json!({ "id": dup["id"], "version": dup["version"], "into": into });
    let (code, body) = app.json(&admin, "tickets/merge", merge(&other["number"])).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "ticket.merge_other_customer");
    let (code, body) = app.json(&admin, "tickets/merge", merge(&dup["number"])).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "ticket.merge_into_itself");
    let (code, kept) = app.json(&admin, "tickets/merge", merge(&keep["number"])).await;
    assert_eq!(code, StatusCode::OK, "{kept}");
    assert_eq!(kept["ticket"]["id"], keep["id"]);
    assert_eq!(
        kept["messages"].as_array().unwrap().len(),
        2,
        "both descriptions on the kept ticket"
    );
    let (_, gone) = get(&app, &admin, &dup["id"]).await;
    assert_eq!(gone["ticket"]["status"], "closed");
    assert_eq!(gone["ticket"]["merged_into"], keep["number"]);

    // 120 more tickets; every queue pages through each exactly once
    sqlx::query(
        "insert into tickets (number, customer_id, title, priority, source, updated_at)
         select 'T-2026-9' || lpad(g::text, 5, '0'), $1, 'Massen ' || g, 'low', 'staff', now() - g * interval '1 minute'
           from generate_series(1, 120) g",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut query = json!({ "queue": "all" });
    loop {
        let (code, page) = app.json(&admin, "tickets/list", json!({ "query": query })).await;
        assert_eq!(code, StatusCode::OK, "{page}");
        seen.extend(page["rows"].as_array().unwrap().iter().map(|r| r["id"].clone()));
        if page["next"].is_null() {
            break;
        }
        query["after"] = page["next"].clone();
    }
    assert_eq!(seen.len(), 123);
    seen.sort_by_key(|v| v.to_string());
    seen.dedup();
    assert_eq!(seen.len(), 123, "no ticket twice");
    let (_, unassigned) = app
        .json(&admin, "tickets/list", json!({ "query": { "queue": "unassigned" } }))
        .await;
    assert!(
        unassigned["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "closed")
    );
    let (_, found) = app
        .json(
            &admin,
            "tickets/list",
            json!({ "query": { "queue": "all", "search": keep["number"] } }),
        )
        .await;
    assert_eq!(found["rows"].as_array().unwrap().len(), 1);
    let (_, found) = app
        .json(
            &admin,
            "tickets/list",
            json!({ "query": { "queue": "all", "search": "vpn" } }),
        )
        .await;
    assert_eq!(found["rows"].as_array().unwrap().len(), 2, "{found}");

    // assigning: to me, then the mine queue has it; to an unknown user is refused
    let (_, k) = get(&app, &admin, &keep["id"]).await;
    let me = sqlx::query_scalar::<_, Uuid>("select id from users where email = 'admin@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (code, body) = app
        .json(
            &admin,
            "tickets/assign",
            json!({ "id": keep["id"], "version": k["ticket"]["version"], "assignee": Uuid::new_v4() }),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (code, _) = app
        .json(
            &admin,
            "tickets/assign",
            json!({ "id": keep["id"], "version": k["ticket"]["version"], "assignee": me }),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let (_, mine) = app
        .json(&admin, "tickets/list", json!({ "query": { "queue": "mine" } }))
        .await;
    assert_eq!(mine["rows"][0]["id"], keep["id"]);
    assert_eq!(mine["rows"].as_array().unwrap().len(), 1);
}

/// Every ticket function once, as `client`, on a ticket of `customer`.
async fn everything(app: &TestApp, client: &Client, customer: Uuid, ticket: &Value) -> Vec<(&'static str, StatusCode)> {
    let id = ticket["id"].clone();
    let version: i32 = sqlx::query_scalar("select version from tickets where id = $1::text::uuid")
        .bind(id.as_str().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let key = || Uuid::new_v4();
    let mut out = vec![
        (
            "create",
            app.json(
                client,
                "tickets/create",
                json!({ "idempotency_key": key(), "customer": customer, "ticket": draft("x") }),
            )
            .await
            .0,
        ),
        (
            "list",
            app.json(
                client,
                "tickets/list",
                json!({ "query": { "queue": "all", "customer": customer } }),
            )
            .await
            .0,
        ),
        ("get", get(app, client, &id).await.0),
        (
            "message",
            app.json(
                client,
                "tickets/message",
                json!({ "idempotency_key": key(), "ticket": id, "kind": "note", "body": "n" }),
            )
            .await
            .0,
        ),
    ];
    // Each change is sent with the version the previous one left.
    let mut version = version + i32::from(out[3].1 == StatusCode::OK);
    for (what, function, mut args) in [
        ("priority", "tickets/priority", json!({ "priority": "high" })),
        ("assign", "tickets/assign", json!({ "assignee": null })),
        ("status", "tickets/status", json!({ "status": "open" })),
        (
            "status back",
            "tickets/status",
            json!({ "status": "waiting_on_customer" }),
        ),
    ] {
        args["id"] = id.clone();
        args["version"] = json!(version);
        let (status, _) = app.json(client, function, args).await;
        out.push((what, status));
        version += i32::from(status == StatusCode::OK);
    }
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn role_matrix_for_every_ticket_function(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let theirs = customer(&pool, "Team GmbH").await;
    let others = customer(&pool, "Fremd GmbH").await;
    let on_team = open(&app, &admin, theirs, "Teamticket").await;
    let off_team = open(&app, &admin, others, "Fremdticket").await;
    for (role, email) in [
        (Role::Admin, "admin2@example.com"),
        (Role::BillingAdmin, "billing@example.com"),
        (Role::Technician, "tech@example.com"),
    ] {
        let client = app.signed_in(email, role).await;
        for (what, status) in everything(&app, &client, theirs, &on_team).await {
            assert_eq!(status, StatusCode::OK, "{role:?} {what}");
        }
    }
    // restricted to their accounts: their customer's tickets yes, anyone else's not at all
    let restricted = app.signed_in("restricted@example.com", Role::Technician).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com';")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("insert into customer_team (customer_id, user_id) select $1, id from users where email = 'restricted@example.com'")
        .bind(theirs)
        .execute(&pool)
        .await
        .unwrap();
    for (what, status) in everything(&app, &restricted, theirs, &on_team).await {
        assert_eq!(status, StatusCode::OK, "restricted, on the team: {what}");
    }
    for (what, status) in everything(&app, &restricted, others, &off_team).await {
        assert_eq!(status, StatusCode::FORBIDDEN, "restricted, not on the team: {what}");
    }
    let (_, all) = app
        .json(&restricted, "tickets/list", json!({ "query": { "queue": "all" } }))
        .await;
    let customers: Vec<&Value> = all["rows"].as_array().unwrap().iter().map(|r| &r["customer"]).collect();
    assert!(
        !customers.is_empty() && customers.iter().all(|c| **c == json!(theirs)),
        "{all}"
    );
    let (_, found) = app
        .json(
            &restricted,
            "tickets/list",
            json!({ "query": { "queue": "all", "search": off_team["number"] } }),
        )
        .await;
    assert_eq!(found["rows"], json!([]), "search finds no other account's ticket");
    let (code, _) = app
        .json(
            &restricted,
            "tickets/merge",
            json!({ "id": on_team["id"], "version": 99, "into": off_team["number"] }),
        )
        .await;
    assert_ne!(code, StatusCode::OK);
    let anonymous = app.client();
    for (what, status) in everything(&app, &anonymous, theirs, &on_team).await {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {what}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn sla_alerts_are_raised_once_each_even_by_two_processes(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Alarm GmbH").await;
    give_sla(&pool, id, true).await;
    let quiet = open(&app, &admin, id, "Beantwortet").await;
    let reply =
        json!({ "idempotency_key": Uuid::new_v4(), "ticket": quiet["id"], "kind": "reply", "body": "Schon dran." });
    app.json(&admin, "tickets/message", reply).await;
    let loud = open(&app, &admin, id, "Unbeantwortet").await;
    let created = at(&loud["created_at"]);
    assert_eq!(loud["sla_alert"], Value::Null);

    // six and a half hours later: both first-response alerts are due on the unanswered
    // ticket (48 and 60 minutes), the resolution warning (384 of 480 minutes) on both
    let later = created + Duration::minutes(390);
    let (a, b) = tokio::join!(
        app::tickets::alerts::raise_due(&pool, later),
        app::tickets::alerts::raise_due(&pool, later)
    );
    let mut raised: Vec<(String, &str, &str)> = a
        .unwrap()
        .into_iter()
        .chain(b.unwrap())
        .map(|r| (r.ticket.to_string(), r.kind, r.target))
        .collect();
    raised.sort();
    let (loud_id, quiet_id) = (loud["id"].as_str().unwrap(), quiet["id"].as_str().unwrap());
    let mut expected = vec![
        (loud_id.to_string(), "sla_breach", "first_response"),
        (loud_id.to_string(), "sla_warning", "first_response"),
        (loud_id.to_string(), "sla_warning", "resolution"),
        (quiet_id.to_string(), "sla_warning", "resolution"),
    ];
    expected.sort();
    assert_eq!(raised, expected, "each alert once, by one of the two");
    assert!(
        app::tickets::alerts::raise_due(&pool, later).await.unwrap().is_empty(),
        "nothing twice"
    );
    let events: i64 = sqlx::query_scalar("select count(*) from ticket_events where kind like 'sla_%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(events, 4);
    let (_, d) = get(&app, &admin, &loud["id"]).await;
    assert_eq!(d["ticket"]["sla_alert"], "breached");
    let (_, d) = get(&app, &admin, &quiet["id"]).await;
    assert_eq!(d["ticket"]["sla_alert"], "warning");
    // the resolution breach comes when its time comes, and a resolved ticket raises nothing
    let (_, d) = app
        .json(
            &admin,
            "tickets/status",
            json!({ "id": quiet["id"], "version": d["ticket"]["version"], "status": "resolved" }),
        )
        .await;
    assert_eq!(d["ticket"]["status"], "resolved");
    let raised = app::tickets::alerts::raise_due(&pool, created + Duration::minutes(481))
        .await
        .unwrap();
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0].ticket.to_string(), loud_id);
    assert_eq!((raised[0].kind, raised[0].target), ("sla_breach", "resolution"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_slas_regional_days_off_stop_its_clocks(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Feiertag GmbH").await;
    // every day of the next two weeks off: the first response falls after them
    let today = Utc::now().with_timezone(&chrono_tz::Europe::Berlin).date_naive();
    let days: Vec<String> = (0..15).map(|d| (today + Duration::days(d)).to_string()).collect();
    let every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|d| json!({ "weekday": d, "start": "00:00", "end": "24:00" }));
    let definition = json!({
        "name": "Regional", "time_zone": "Europe/Berlin", "around_the_clock": false,
        "business_hours": every_day,
        "targets": { "medium": { "first_response_minutes": "60", "resolution_minutes": "480" } },
        "holiday_country": "none", "holidays": days.join(", "),
    });
    let sla: Uuid = sqlx::query_scalar("insert into slas (name, definition) values ('Regional', $1) returning id")
        .bind(definition)
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("update customers set sla_id = $2 where id = $1")
        .bind(id)
        .bind(sla)
        .execute(&pool)
        .await
        .unwrap();
    let t = open(&app, &admin, id, "Nach den Ferien").await;
    let due = at(&t["first_response_due"]).with_timezone(&chrono_tz::Europe::Berlin);
    let first_working_day = today + Duration::days(15);
    assert_eq!(due.date_naive(), first_working_day, "{due}");
    assert_eq!(
        due.time(),
        chrono::NaiveTime::from_hms_opt(1, 0, 0).unwrap(),
        "an hour into it"
    );
}
