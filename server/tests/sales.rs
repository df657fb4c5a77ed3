//! Sales items and the billing-info gate: creating an item for a customer without billing
//! info, or moving one to such a customer, is refused with 409 `billing_info_required`
//! before anything is written; once the info is saved the same request (same idempotency
//! key) goes through, once. Invoiced items are locked; the role matrix holds.

mod common;

use app::auth::Role;
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

fn item(description: &str) -> Value {
    json!({ "description": description, "kind": "sale", "quantity": "2", "unit_price": "199.90",
            "currency": "EUR", "date": "2026-12-02", "tax_category": "standard" })
}

async fn count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from sales_items")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_gate_refuses_writes_nothing_and_the_same_request_then_goes_through_once(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Müller GmbH").await;
    let key = Uuid::new_v4();
    let request = json!({ "idempotency_key": key, "customer": id, "item": item("Switch") });

    let (status, body) = app.json(&admin, "sales/create", request.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "billing_info_required");
    assert_eq!(body["customer"], json!(id));
    assert_eq!(body["name"], "Müller GmbH");
    let missing: Vec<&str> = body["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for field in ["attention", "address", "tax_region", "currency", "payment_terms_days"] {
        assert!(missing.contains(&field), "{field} missing: {body}");
    }
    assert_eq!(count(&pool).await, 0, "nothing written");
    let keys: i64 = sqlx::query_scalar("select count(*) from idempotency_keys where key = $1")
        .bind(key)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(keys, 0, "the refused request does not use up its key");

    app.add_billing(&admin, id).await;
    let (status, created) = app.json(&admin, "sales/create", request.clone()).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["item"]["description"], "Switch");
    assert_eq!(created["item"]["unit_price"], "199.9");
    assert_eq!(created["invoiced"], false);
    // a retry of the same submission returns the same item
    let (status, again) = app.json(&admin, "sales/create", request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], created["id"]);
    assert_eq!(count(&pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn moving_an_item_passes_the_gate_and_invoiced_items_are_locked(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    let from = customer(&pool, "Alpha AG").await;
    let to = customer(&pool, "Beta SL").await;
    app.add_billing(&billing, from).await;
    let (_, created) = app
        .json(
            &billing,
            "sales/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": from, "item": item("Licence") }),
        )
        .await;
    let item_id = created["id"].clone();

    let mv = |version: i64, customer: Uuid, description: &str| json!({ "id": item_id, "version": version, "customer": customer, "item": item(description) });
    let (status, body) = app.json(&billing, "sales/save", mv(1, to, "Licence moved")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("billing_info_required"))
    );
    assert_eq!(body["customer"], json!(to));
    let (owner, description): (Uuid, String) =
        sqlx::query_as("select customer_id, description from sales_items where id = $1::text::uuid")
            .bind(item_id.as_str().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((owner, description.as_str()), (from, "Licence"), "unchanged");

    // editing without moving needs no gate; a stale version is a conflict
    let (status, body) = app.json(&billing, "sales/save", mv(1, from, "Licence 2027")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"], 2);
    let (status, body) = app.json(&billing, "sales/save", mv(1, from, "stale")).await;
    assert_eq!((status, body), (StatusCode::CONFLICT, json!({ "error": "conflict" })));

    app.add_billing(&billing, to).await;
    let (status, body) = app.json(&billing, "sales/save", mv(2, to, "Licence moved")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["customer"].clone(), body["customer_name"].as_str()),
        (json!(to), Some("Beta SL"))
    );

    // once on an invoice: no edit, no move, no delete
    // (an issued invoice row, as the invoice run writes one; the item must name a real one)
    sqlx::query(
        "with i as (
           insert into invoices (kind, series_id, number, issue_date, due_date, customer_id, currency, net, tax, gross,
                                 vat, seller, buyer, language)
           select 'invoice', (select id from invoice_series where kind = 'invoice' and is_default), 'RE-TEST-00001',
                  current_date, current_date, customer_id, 'EUR', 0, 0, 0, '[]', '{}', '{}', 'de'
             from sales_items limit 1 returning id)
         update sales_items set invoice_id = (select id from i), invoiced_at = now()",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (status, body) = app.json(&billing, "sales/save", mv(3, to, "too late")).await;
    assert_eq!((status, body), (StatusCode::CONFLICT, json!({ "error": "locked" })));
    let (status, body) = app
        .json(&billing, "sales/delete", json!({ "id": item_id, "version": 3 }))
        .await;
    assert_eq!((status, body), (StatusCode::CONFLICT, json!({ "error": "locked" })));
    assert_eq!(count(&pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_items_get_field_errors_and_prepaid_items_need_a_block_contract(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Gamma GmbH").await;
    app.add_billing(&admin, id).await;
    let create = |item: Value| json!({ "idempotency_key": Uuid::new_v4(), "customer": id, "item": item });
    let field_codes = |body: &Value| -> Vec<(String, String)> {
        body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["field"].as_str().unwrap().to_owned(),
                    f["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };

    let bad = json!({ "description": "", "kind": "gift", "quantity": "0", "unit_price": "x", "currency": "EUR",
                      "date": "2026-13-01", "tax_category": "standard" });
    let (status, body) = app.json(&admin, "sales/create", create(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<String> = field_codes(&body).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["description", "kind", "quantity", "unit_price", "date"]);

    let mut unknown = item("From the catalogue");
    unknown["service_code"] = json!("NOPE");
    let (status, body) = app.json(&admin, "sales/create", create(unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        [("service_code".to_owned(), "service_code.unknown".to_owned())]
    );

    // a prepaid top-up must name a block contract of this customer
    let retainer: Uuid = sqlx::query_scalar(
        "insert into contracts (customer_id, name, start_date, billing_cycle, billing_timing, currency,
                                payment_terms_days, payment_method)
         values ($1, 'Support', '2026-01-01', 'monthly', 'advance', 'EUR', 14, 'manual') returning id",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into contract_parts (contract_id, position, contract_type, terms) values ($1, 0, 'retainer', '{}')",
    )
    .bind(retainer)
    .execute(&pool)
    .await
    .unwrap();
    let mut prepaid = item("10 more hours");
    prepaid["kind"] = json!("prepaid_hours");
    prepaid["contract"] = json!(retainer);
    let (status, body) = app.json(&admin, "sales/create", create(prepaid.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        [("contract".to_owned(), "sales_item.contract".to_owned())]
    );
    sqlx::query(
        "insert into contract_parts (contract_id, position, contract_type, terms) values ($1, 1, 'block_hours', '{}')",
    )
    .bind(retainer)
    .execute(&pool)
    .await
    .unwrap();
    let (status, body) = app
        .call(&admin, "sales/block-contracts", &[("customer", &id.to_string())])
        .await;
    assert_eq!((status, body[0]["id"].clone()), (StatusCode::OK, json!(retainer)));
    let (status, body) = app.json(&admin, "sales/create", create(prepaid)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["item"]["contract"], json!(retainer));
    assert_eq!(count(&pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_pages_by_date_without_gaps_or_repeats(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let a = customer(&pool, "Delta").await;
    let b = customer(&pool, "Epsilon").await;
    for (i, c) in (0..120).map(|i| (i, if i % 3 == 0 { b } else { a })) {
        sqlx::query(
            "insert into sales_items (customer_id, description, kind, quantity, unit_price, currency, item_date, tax_category)
             values ($1, $2, 'sale', 1, 10, 'EUR', date '2026-01-01' + ($3 % 40), 'standard')",
        )
        .bind(c)
        .bind(format!("item {i}"))
        .bind(i)
        .execute(&pool)
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let (status, page) = app
            .json(&admin, "sales/list", json!({ "query": { "after": after } }))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let rows = page["rows"].as_array().unwrap();
        assert!(rows.len() <= 50);
        seen.extend(rows.iter().map(|r| {
            (
                r["item"]["date"].as_str().unwrap().to_owned(),
                r["id"].as_str().unwrap().to_owned(),
            )
        }));
        if page["next"].is_null() {
            break;
        }
        after = page["next"].clone();
    }
    assert_eq!(seen.len(), 120);
    let mut sorted = seen.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(seen, sorted, "newest first, by (date, id)");
    let (_, page) = app
        .json(
            &admin,
            "sales/list",
            json!({ "query": { "customer": b, "status": "open" } }),
        )
        .await;
    assert_eq!(page["rows"].as_array().unwrap().len(), 40);
    let (_, page) = app
        .json(&admin, "sales/list", json!({ "query": { "status": "invoiced" } }))
        .await;
    assert_eq!(page["rows"], json!([]));
}

/// PRODUCT.md: sales items are for admins and billing admins; technicians get 403,
/// no session 401; a restricted billing admin reaches only their accounts.
#[sqlx::test(migrations = "../migrations")]
async fn the_role_matrix_holds_for_every_sales_function(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let id = customer(&pool, "Zeta").await;
    app.add_billing(&admin, id).await;
    let (_, created) = app
        .json(
            &admin,
            "sales/create",
            json!({ "idempotency_key": Uuid::new_v4(), "customer": id, "item": item("Seed") }),
        )
        .await;
    let item_id = created["id"].as_str().unwrap().to_owned();

    async fn everything(
        app: &TestApp,
        client: &Client,
        customer: Uuid,
        item_id: &str,
    ) -> Vec<(&'static str, StatusCode)> {
        let version: i32 = sqlx::query_scalar("select version from sales_items where id = $1::text::uuid")
            .bind(item_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let cid = customer.to_string();
        vec![
            ("list", app.json(client, "sales/list", json!({ "query": {} })).await.0),
            (
                "list for customer",
                app.json(client, "sales/list", json!({ "query": { "customer": customer } }))
                    .await
                    .0,
            ),
            ("get", app.call(client, "sales/get", &[("id", item_id)]).await.0),
            (
                "block contracts",
                app.call(client, "sales/block-contracts", &[("customer", &cid)]).await.0,
            ),
            (
                "create",
                app.json(
                    client,
                    "sales/create",
                    json!({ "idempotency_key": Uuid::new_v4(), "customer": customer, "item": item("New") }),
                )
                .await
                .0,
            ),
            (
                "save",
                app.json(
                    client,
                    "sales/save",
                    json!({ "id": item_id, "version": version, "customer": customer, "item": item("Seed") }),
                )
                .await
                .0,
            ),
        ]
    }
    for (role, email, allowed) in [
        (Role::Admin, "admin2@example.com", true),
        (Role::BillingAdmin, "billing@example.com", true),
        (Role::Technician, "tech@example.com", false),
    ] {
        let client = app.signed_in(email, role).await;
        for (what, status) in everything(&app, &client, id, &item_id).await {
            let expected = if allowed { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(status, expected, "{role:?} {what}");
        }
    }
    let restricted = app.signed_in("restricted@example.com", Role::BillingAdmin).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    for (what, status) in everything(&app, &restricted, id, &item_id).await {
        let expected = if what == "list" {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "restricted, not on the team: {what}");
    }
    let (_, page) = app.json(&restricted, "sales/list", json!({ "query": {} })).await;
    assert_eq!(page["rows"], json!([]), "their list holds only their accounts");
    let anonymous = app.client();
    for (what, status) in everything(&app, &anonymous, id, &item_id).await {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {what}");
    }
    let (status, _) = app
        .json(&anonymous, "sales/delete", json!({ "id": item_id, "version": 1 }))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let tech = app.signed_in("tech2@example.com", Role::Technician).await;
    let (status, _) = app
        .json(&tech, "sales/delete", json!({ "id": item_id, "version": 1 }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let version: i32 = sqlx::query_scalar("select version from sales_items where id = $1::text::uuid")
        .bind(&item_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, body) = app
        .json(&admin, "sales/delete", json!({ "id": item_id, "version": version }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
