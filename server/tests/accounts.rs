//! Customers after the wizard, against a real PostgreSQL: the role matrix of every
//! customer and contact server function (admin, billing admin, technician, restricted
//! technician on and off the team), one main contact under concurrent switches, parent
//! cycles, optimistic concurrency, billing completeness and the paged list.

mod common;

use app::auth::Role;
use common::{TestApp, complete_billing};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// A customer with two contacts (the first is main), straight into the database.
async fn customer(pool: &PgPool, name: &str) -> (Uuid, Uuid, Uuid) {
    let id: Uuid = sqlx::query_scalar("insert into customers (name, country) values ($1, 'DE') returning id")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap();
    let mut contacts = Vec::new();
    for (i, first) in ["Ana", "Ben"].iter().enumerate() {
        let c: Uuid = sqlx::query_scalar(
            "insert into contacts (customer_id, first_name, last_name, email, is_main)
             values ($1, $2, 'Test', $3, $4) returning id",
        )
        .bind(id)
        .bind(first)
        .bind(format!(
            "{}{}@example.com",
            first.to_lowercase(),
            Uuid::new_v4().simple()
        ))
        .bind(i == 0)
        .fetch_one(pool)
        .await
        .unwrap();
        contacts.push(c);
    }
    (id, contacts[0], contacts[1])
}

async fn version(pool: &PgPool, id: Uuid) -> i32 {
    sqlx::query_scalar("select version from customers where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Every customer/contact function a caller might use, as (name, call) with the status it got.
async fn try_everything(
    app: &TestApp,
    client: &Client,
    id: Uuid,
    main: Uuid,
    other: Uuid,
) -> Vec<(&'static str, StatusCode)> {
    let pool = &app.pool;
    let mut out = Vec::new();
    let idstr = id.to_string();
    let d = app.call(client, "customers/get", &[("id", &idstr)]).await;
    out.push(("get", d.0));
    let h = app.call(client, "customers/history", &[("customer", &idstr)]).await;
    out.push(("history", h.0));
    let r = app
        .call(client, "customers/group-report", &[("customer", &idstr)])
        .await;
    out.push(("group_report", r.0));
    let p = app
        .call(client, "customers/parent-options", &[("customer", &idstr), ("q", "Ac")])
        .await;
    out.push(("parent_options", p.0));
    let profile = json!({ "name": "Renamed GmbH", "address": { "country": "DE" } });
    let base = json!({ "name": "x" });
    let v = version(pool, id).await;
    let s = app
        .json(
            client,
            "customers/profile",
            json!({ "customer": id, "version": v, "base": base, "draft": profile }),
        )
        .await;
    out.push(("profile", s.0));
    let v = version(pool, id).await;
    let s = app
        .json(
            client,
            "customers/billing",
            json!({ "customer": id, "version": v, "base": {}, "draft": complete_billing() }),
        )
        .await;
    out.push(("billing", s.0));
    let v = version(pool, id).await;
    let portal = json!({ "tickets_only_via_main": true, "self_managed_profile": true });
    let off = json!({ "tickets_only_via_main": false, "self_managed_profile": false });
    let s = app
        .json(
            client,
            "customers/portal",
            json!({ "customer": id, "version": v, "base": off, "draft": portal }),
        )
        .await;
    out.push(("portal", s.0));
    let v = version(pool, id).await;
    let s = app
        .json(client, "customers/structure", json!({ "customer": id, "version": v, "base": { "parent": null, "bill_to_parent": false }, "draft": { "parent": null, "bill_to_parent": false } }))
        .await;
    out.push(("structure", s.0));
    let contact = json!({ "first_name": "Cleo", "last_name": "Neu", "email": "cleo@example.com", "notification_preference": "all", "portal_level": "standard" });
    let s = app
        .json(client, "contacts/save", json!({ "customer": id, "contact": null, "version": 0, "base": contact, "draft": contact, "idempotency_key": Uuid::new_v4() }))
        .await;
    out.push(("contact_save", s.0));
    let s = app
        .call(
            client,
            "contacts/main",
            &[("customer", &idstr), ("contact", &other.to_string())],
        )
        .await;
    out.push(("contact_main", s.0));
    let s = app
        .call(
            client,
            "contacts/archive",
            &[
                ("customer", &idstr),
                ("contact", &main.to_string()),
                ("archived", "true"),
            ],
        )
        .await;
    out.push(("contact_archive", s.0));
    let s = app
        .call(
            client,
            "customers/archive",
            &[("customer", &idstr), ("archived", "false")],
        )
        .await;
    out.push(("archive", s.0));
    let v = version(pool, id).await;
    let team = app
        .json(client, "customers/team", json!({ "customer": id, "version": v, "base": { "account_manager": null, "members": [] }, "draft": current_team(pool, id).await }))
        .await;
    out.push(("team", team.0));
    out
}

async fn current_team(pool: &PgPool, id: Uuid) -> Value {
    let manager: Option<Uuid> = sqlx::query_scalar("select account_manager_id from customers where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
    let members: Vec<Uuid> = sqlx::query_scalar("select user_id from customer_team where customer_id = $1")
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap();
    json!({ "account_manager": manager, "members": members })
}

#[sqlx::test(migrations = "../migrations")]
async fn role_matrix_for_every_customer_and_contact_function(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let on_team = app.signed_in("onteam@example.com", Role::Technician).await;
    let off_team = app.signed_in("offteam@example.com", Role::Technician).await;
    sqlx::query("update users set restricted = true where email in ('onteam@example.com', 'offteam@example.com')")
        .execute(&pool)
        .await
        .unwrap();
    let on_team_id: Uuid = sqlx::query_scalar("select id from users where email = 'onteam@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();

    use StatusCode as S;
    const OK: S = S::OK;
    const NO: S = S::FORBIDDEN;
    // (caller, expected per function in try_everything's order)
    let cases: [(&str, &Client, [S; 13]); 5] = [
        ("admin", &admin, [OK; 13]),
        ("billing admin", &billing, [OK; 13]),
        // technicians read billing but do not write it
        (
            "technician",
            &tech,
            [OK, OK, OK, OK, OK, NO, OK, OK, OK, OK, OK, OK, OK],
        ),
        (
            "restricted on team",
            &on_team,
            [OK, OK, OK, OK, OK, NO, OK, OK, OK, OK, OK, OK, NO],
        ),
        ("restricted off team", &off_team, [NO; 13]),
    ];
    for (who, client, expected) in cases {
        let (id, main, other) = customer(&pool, &format!("Acme {who}")).await;
        sqlx::query("insert into customer_team (customer_id, user_id) values ($1, $2)")
            .bind(id)
            .bind(on_team_id)
            .execute(&pool)
            .await
            .unwrap();
        // the contact archived below must not be the main one any more by then
        let got = try_everything(&app, client, id, main, other).await;
        let names: Vec<&str> = got.iter().map(|g| g.0).collect();
        let statuses: Vec<S> = got.iter().map(|g| g.1).collect();
        assert_eq!(statuses, expected.to_vec(), "{who}: {names:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_restricted_technician_sees_only_their_customers_and_is_told_why(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let client = app.signed_in("r@example.com", Role::Technician).await;
    let me: Uuid = sqlx::query_scalar("update users set restricted = true where email = 'r@example.com' returning id")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (managed, ..) = customer(&pool, "Managed by me").await;
    let (teamed, ..) = customer(&pool, "On my team").await;
    let (other, ..) = customer(&pool, "Not mine").await;
    sqlx::query("update customers set account_manager_id = $2 where id = $1")
        .bind(managed)
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("insert into customer_team values ($1, $2)")
        .bind(teamed)
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();

    let (status, page) = app.json(&client, "customers/list", json!({ "query": {} })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let names: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Managed by me", "On my team"]);
    let (_, page) = app
        .json(&client, "customers/list", json!({ "query": { "q": "not mine" } }))
        .await;
    assert!(
        page["rows"].as_array().unwrap().is_empty(),
        "search must not find it: {page}"
    );
    let (status, body) = app.call(&client, "customers/get", &[("id", &other.to_string())]).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, json!({ "error": "not_on_team" }))
    );
    let (_, gaps) = app.call(&client, "customers/billing-gaps", &[]).await;
    assert_eq!(gaps, json!(2), "the banner counts only their customers");
    // the same user unrestricted sees all three
    sqlx::query("update users set restricted = false where id = $1")
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();
    let (_, page) = app.json(&client, "customers/list", json!({ "query": {} })).await;
    assert_eq!(page["rows"].as_array().unwrap().len(), 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn exactly_one_main_contact_under_concurrent_switches(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let client = app.signed_in("admin@example.com", Role::Admin).await;
    let (id, a, b) = customer(&pool, "Busy GmbH").await;
    let mut contacts = vec![a, b];
    for i in 0..6 {
        let c: Uuid = sqlx::query_scalar(
            "insert into contacts (customer_id, first_name, last_name, email) values ($1, 'X', $2, $3) returning id",
        )
        .bind(id)
        .bind(format!("N{i}"))
        .bind(format!("x{i}@example.com"))
        .fetch_one(&pool)
        .await
        .unwrap();
        contacts.push(c);
    }
    let mut tasks = Vec::new();
    for round in 0..3 {
        for c in &contacts {
            let (app_base, client, c) = (app.base.clone(), client.clone(), *c);
            tasks.push(tokio::spawn(async move {
                let _ = round;
                client
                    .post(format!("{app_base}/api/contacts/main"))
                    .form(&[("customer", id.to_string()), ("contact", c.to_string())])
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let mains: i64 = sqlx::query_scalar("select count(*) from contacts where customer_id = $1 and is_main")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mains, 1);
    // the database refuses a second main contact whatever the code does
    let second = sqlx::query("update contacts set is_main = true where customer_id = $1 and not is_main")
        .bind(id)
        .execute(&pool)
        .await;
    assert!(second.is_err());
    // the main contact cannot be archived
    let main: Uuid = sqlx::query_scalar("select id from contacts where customer_id = $1 and is_main")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, body) = app
        .call(
            &client,
            "contacts/archive",
            &[
                ("customer", &id.to_string()),
                ("contact", &main.to_string()),
                ("archived", "true"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "contact.main_archive");
}

async fn set_parent(app: &TestApp, client: &Client, child: Uuid, parent: Uuid) -> (StatusCode, Value) {
    let v = version(&app.pool, child).await;
    app.json(
        client,
        "customers/structure",
        json!({
            "customer": child, "version": v,
            "base": { "parent": null, "bill_to_parent": false },
            "draft": { "parent": parent, "bill_to_parent": true }
        }),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn parent_cycles_are_refused(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let client = app.signed_in("admin@example.com", Role::Admin).await;
    let (a, ..) = customer(&pool, "A Holding").await;
    let (b, ..) = customer(&pool, "B GmbH").await;
    let (c, ..) = customer(&pool, "C Filiale").await;
    assert_eq!(set_parent(&app, &client, b, a).await.0, StatusCode::OK);
    assert_eq!(set_parent(&app, &client, c, b).await.0, StatusCode::OK);
    // A under C would make A → C → B → A
    let (status, body) = set_parent(&app, &client, a, c).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0], json!({ "field": "parent", "code": "parent.cycle" }));
    let (status, _) = set_parent(&app, &client, a, a).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "its own parent");
    // Concurrent: X under Y and Y under X at once — at most one may win.
    let (x, ..) = customer(&pool, "X").await;
    let (y, ..) = customer(&pool, "Y").await;
    let (r1, r2) = tokio::join!(set_parent(&app, &client, x, y), set_parent(&app, &client, y, x));
    assert_eq!(
        [r1.0, r2.0].iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{r1:?} {r2:?}"
    );
    // The report totals the group: A with B and C.
    let (status, report) = app
        .call(&client, "customers/group-report", &[("customer", &a.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A Holding", "B GmbH", "C Filiale"]);
    assert_eq!(report["contacts"], 6);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_save_is_a_conflict_with_both_values_and_disjoint_edits_merge(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let alice = app.signed_in("alice@example.com", Role::Admin).await;
    let bob = app.signed_in("bob@example.com", Role::BillingAdmin).await;
    let (id, ..) = customer(&pool, "Shared Ltd").await;
    let loaded = app.detail(&alice, id).await;
    let v = loaded["version"].clone();
    let base = loaded["profile"].clone();
    // Bob renames first.
    let mut bobs = base.clone();
    bobs["name"] = json!("Shared Limited");
    let (status, _) = app
        .json(
            &bob,
            "customers/profile",
            json!({ "customer": id, "version": v, "base": base, "draft": bobs }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Alice, still on the old version, saves another name: conflict with both values.
    let mut alices = base.clone();
    alices["name"] = json!("Shared AG");
    let (status, body) = app
        .json(
            &alice,
            "customers/profile",
            json!({ "customer": id, "version": v, "base": base, "draft": alices }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "edit_conflict");
    assert_eq!(body["by"], "Test User");
    assert_eq!(
        body["fields"],
        json!([{ "field": "name", "yours": "Shared AG", "theirs": "Shared Limited" }])
    );
    let name: String = sqlx::query_scalar("select name from customers where id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Shared Limited", "never a silent overwrite");
    // Billing info from the same stale version touches none of Bob's fields: it merges.
    let (status, body) = app
        .json(
            &alice,
            "customers/billing",
            json!({ "customer": id, "version": v, "base": loaded["billing"], "draft": complete_billing() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // "Save mine anyway" sends the version the conflict reported.
    let (status, _) = app
        .json(
            &alice,
            "customers/profile",
            json!({ "customer": id, "version": version(&pool, id).await, "base": base, "draft": alices }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The audit trail has who changed what.
    let (_, history) = app
        .call(&alice, "customers/history", &[("customer", &id.to_string())])
        .await;
    let first = &history[0];
    assert_eq!(first["entity"], "customer");
    assert_eq!(
        first["changes"],
        json!([{ "field": "name", "before": "Shared Limited", "after": "Shared AG" }])
    );
    assert_eq!(history[1]["entity"], "billing");
}

#[sqlx::test(migrations = "../migrations")]
async fn billing_completeness_drives_the_filter_and_the_banner(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let client = app.signed_in("b@example.com", Role::BillingAdmin).await;
    let (id, ..) = customer(&pool, "Needs Billing").await;
    customer(&pool, "Also Missing").await;
    let (_, gaps) = app.call(&client, "customers/billing-gaps", &[]).await;
    assert_eq!(gaps, json!(2));
    // Incomplete is saved, and says what is missing; invalid is refused.
    let partial = json!({ "attention": "Buchhaltung", "tax_region": "eu" });
    let (status, saved) = app
        .json(
            &client,
            "customers/billing",
            json!({ "customer": id, "version": version(&pool, id).await, "base": {}, "draft": partial }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["gaps"],
        json!(["email", "address", "tax_id", "currency", "payment_terms"])
    );
    let bad = json!({ "tax_id": "DE123", "email": "nope" });
    let (status, body) = app
        .json(
            &client,
            "customers/billing",
            json!({ "customer": id, "version": version(&pool, id).await, "base": partial, "draft": bad }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "tax_id"]);
    let (status, saved) = app
        .json(&client, "customers/billing", json!({ "customer": id, "version": version(&pool, id).await, "base": partial, "draft": complete_billing() }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(saved["gaps"], json!([]));
    let (_, gaps) = app.call(&client, "customers/billing-gaps", &[]).await;
    assert_eq!(gaps, json!(1));
    let (_, page) = app
        .json(
            &client,
            "customers/list",
            json!({ "query": { "missing_billing": true } }),
        )
        .await;
    let names: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Also Missing"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_pages_by_keyset_and_searches_every_source(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let client = app.signed_in("t@example.com", Role::Technician).await;
    sqlx::query(
        "insert into customers (name, tax_id, created_at)
         select 'Kunde ' || lpad(i::text, 3, '0'), 'DE' || (100000000 + i), now() - i * interval '1 minute'
           from generate_series(1, 120) i",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (target, ..) = customer(&pool, "Zeta Logistik").await;
    sqlx::query("insert into customer_domains values ('xn--mller-kva.de', $1)")
        .bind(target)
        .execute(&pool)
        .await
        .unwrap();
    // Walk all pages forward, then back: every customer exactly once, in order.
    let mut seen: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let (_, page) = app
            .json(&client, "customers/list", json!({ "query": { "after": after } }))
            .await;
        let rows = page["rows"].as_array().unwrap();
        seen.extend(rows.iter().map(|r| r["name"].as_str().unwrap().to_string()));
        pages += 1;
        assert_eq!(page["has_prev"], pages > 1);
        if page["has_next"] == false {
            break;
        }
        after = rows.last().map(|r| r["id"].as_str().unwrap().to_string());
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 121);
    let (_, page) = app
        .json(&client, "customers/list", json!({ "query": { "before": after } }))
        .await;
    assert_eq!(page["rows"].as_array().unwrap().len(), 50);
    // the 50 rows before row 99 are rows 49..=98
    assert_eq!(page["rows"][0]["name"], seen[49]);
    assert_eq!(page["rows"][49]["name"], seen[98]);
    assert_eq!(
        (page["has_prev"].clone(), page["has_next"].clone()),
        (json!(true), json!(true))
    );
    for (q, expect) in [
        ("müller.de", "Zeta Logistik"),
        ("ana", "Zeta Logistik"),
        ("de 100000007", "Kunde 007"),
        ("zeta", "Zeta Logistik"),
    ] {
        let (_, page) = app
            .json(&client, "customers/list", json!({ "query": { "q": q } }))
            .await;
        let names: Vec<&str> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&expect), "{q}: {names:?}");
    }
    let (_, page) = app
        .json(&client, "customers/list", json!({ "query": { "q": "100%_" } }))
        .await;
    assert!(page["rows"].as_array().unwrap().is_empty(), "wildcards are literal");
    let (_, page) = app
        .json(&client, "customers/list", json!({ "query": { "sort": "newest" } }))
        .await;
    assert_eq!(page["rows"][0]["name"], "Zeta Logistik");
}

#[sqlx::test(migrations = "../migrations")]
async fn many_concurrent_customer_pages_do_not_starve_the_pool(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let client = app.signed_in("admin@example.com", Role::Admin).await;
    let (id, ..) = customer(&pool, "Popular GmbH").await;
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let (base, client) = (app.base.clone(), client.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{base}/api/customers/get"))
                .form(&[("id", id.to_string())])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
}

/// The list reads a customer's domains and its counts of contracts and children from the
/// customer row; triggers keep them in step with the tables they copy, whoever writes.
#[sqlx::test(migrations = "../migrations")]
async fn the_list_shows_domains_contracts_and_children_as_they_change(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let client = app.signed_in("t@example.com", Role::Technician).await;
    let (parent, _, _) = customer(&pool, "Eltern GmbH").await;
    let (child, _, _) = customer(&pool, "Kind GmbH").await;
    let row = |name: &'static str| {
        let (app, client) = (&app, &client);
        async move {
            let (status, page) = app.json(client, "customers/list", json!({ "query": {} })).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == name)
                .cloned()
                .unwrap()
        }
    };
    let exec = |sql: &'static str, id: Uuid| {
        let pool = &pool;
        async move { sqlx::query(sql).bind(id).execute(pool).await.unwrap() }
    };

    exec(
        "insert into customer_domains (domain, customer_id) values ('zeta.de', $1), ('xn--mller-kva.de', $1)",
        parent,
    )
    .await;
    exec(
        "insert into contracts (customer_id, name, start_date, billing_cycle, billing_timing, currency,
                                payment_terms_days, payment_method)
         select $1, n, date '2026-01-01', 'monthly', 'advance', 'EUR', 14, 'manual' from unnest(array['A', 'B']) n",
        parent,
    )
    .await;
    exec("update customers set parent_id = $1 where name = 'Kind GmbH'", parent).await;
    let p = row("Eltern GmbH").await;
    assert_eq!(p["domains"], json!(["müller.de", "zeta.de"]), "{p}");
    assert_eq!((p["contracts"].clone(), p["children"].clone()), (json!(2), json!(1)));
    assert_eq!(row("Kind GmbH").await["parent"], json!("Eltern GmbH"));

    // The filters read the same columns.
    let names = |query: Value| {
        let (app, client) = (&app, &client);
        async move {
            let (_, page) = app.json(client, "customers/list", json!({ "query": query })).await;
            page["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names(json!({ "no_contract": true })).await, ["Kind GmbH"]);
    assert_eq!(names(json!({ "structure": "parents" })).await, ["Eltern GmbH"]);

    exec(
        "delete from customer_domains where domain = 'zeta.de' and customer_id = $1",
        parent,
    )
    .await;
    exec("delete from contracts where name = 'A' and customer_id = $1", parent).await;
    exec("update contracts set customer_id = $1 where name = 'B'", child).await;
    exec("update customers set parent_id = null where id = $1", child).await;
    let p = row("Eltern GmbH").await;
    assert_eq!(p["domains"], json!(["müller.de"]), "{p}");
    assert_eq!((p["contracts"].clone(), p["children"].clone()), (json!(0), json!(0)));
    assert_eq!(row("Kind GmbH").await["contracts"], json!(1));
    assert_eq!(names(json!({ "structure": "parents" })).await, Vec::<String>::new());

    // Removing a customer's last domain leaves an empty list, not a stale one.
    exec("delete from customer_domains where customer_id = $1", parent).await;
    assert_eq!(row("Eltern GmbH").await["domains"], json!([]));

    // A domain moved to another customer leaves one list and joins the other.
    exec(
        "insert into customer_domains (domain, customer_id) values ('wandert.de', $1)",
        child,
    )
    .await;
    exec(
        "update customer_domains set customer_id = $1 where domain = 'wandert.de'",
        parent,
    )
    .await;
    assert_eq!(row("Eltern GmbH").await["domains"], json!(["wandert.de"]));
    assert_eq!(row("Kind GmbH").await["domains"], json!([]));

    // A customer created with its parent set counts, and one deleted no longer does.
    exec(
        "insert into customers (name, parent_id) values ('Enkel GmbH', $1)",
        parent,
    )
    .await;
    assert_eq!(row("Eltern GmbH").await["children"], json!(1));
    exec("delete from customers where parent_id = $1", parent).await;
    assert_eq!(row("Eltern GmbH").await["children"], json!(0));

    // Deleting a customer takes its domains (a cascade) without touching anyone else's list.
    exec("delete from customers where id = $1", child).await;
    assert_eq!(row("Eltern GmbH").await["domains"], json!(["wandert.de"]));
}
