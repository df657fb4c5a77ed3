//! The invoice run against a real PostgreSQL (issue #17): start → preview (a parked
//! customer, a child billed via its parent) → approve → finalise with gapless numbers; a
//! repeat adds nothing; cancelling issues a credit note and the next run bills again; two
//! runs at once issue one set; inputs changed after approval are refused per customer;
//! the role matrix of the endpoints, and `onboard invoice-run`.

mod common;

use app::auth::Role;
use app::invoices::{db, run};
use chrono::NaiveDate;
use common::{TestApp, ready_to_invoice};
use domain::contract::ContractTerms;
use domain::{Currency, Quantity, UnitPrice};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A customer with complete (or no) billing info, optionally billed via `parent`.
async fn customer(pool: &PgPool, name: &str, complete: bool, parent: Option<Uuid>) -> Uuid {
    sqlx::query_scalar(
        "insert into customers (name, country, billing_complete, tax_region, billing_currency, invoice_language,
                                payment_terms_days, billing_street, billing_postal_code, billing_city, billing_country,
                                parent_id, bill_to_parent)
         values ($1, 'DE', $2, 'domestic', 'EUR', 'de', 14, 'Weg 1', '10115', 'Berlin', 'DE', $3, $3 is not null)
         returning id",
    )
    .bind(name)
    .bind(complete)
    .bind(parent)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A monthly retainer in advance of `quantity` × 100 EUR from 1 January 2027.
async fn retainer(pool: &PgPool, customer: Uuid, quantity: &str) -> Uuid {
    let contract: Uuid = sqlx::query_scalar(
        "insert into contracts (customer_id, name, start_date, billing_cycle, billing_timing, currency,
                                payment_terms_days, payment_method)
         values ($1, 'Managed services', '2027-01-01', 'monthly', 'advance', 'EUR', 14, 'manual') returning id",
    )
    .bind(customer)
    .fetch_one(pool)
    .await
    .unwrap();
    let terms = serde_json::to_value(ContractTerms::Retainer {
        quantity: Quantity::parse(quantity).unwrap(),
        rate: UnitPrice::parse_amount("100", Currency::EUR).unwrap(),
    })
    .unwrap();
    let part: Uuid = sqlx::query_scalar(
        "insert into contract_parts (contract_id, position, contract_type, description, terms)
         values ($1, 1, 'retainer', 'Managed workplace', $2) returning id",
    )
    .bind(contract)
    .bind(&terms)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("insert into contract_part_versions (part_id, valid_from, terms) values ($1, '2027-01-01', $2)")
        .bind(part)
        .bind(&terms)
        .execute(pool)
        .await
        .unwrap();
    part
}

async fn sale(pool: &PgPool, customer: Uuid, price: &str) {
    sqlx::query(
        "insert into sales_items (customer_id, description, kind, quantity, unit_price, currency, item_date, tax_category)
         values ($1, 'USB cable', 'sale', 3, $2, 'EUR', '2027-01-10', 'standard')",
    )
    .bind(customer)
    .bind(dec(price))
    .execute(pool)
    .await
    .unwrap();
}

/// Starts a run and computes its preview.
async fn previewed(pool: &PgPool, cutoff: &str) -> Uuid {
    let id = run::start(pool, d(cutoff), None).await.unwrap();
    run::work(pool, id, |_, _| {}).await.unwrap();
    assert_eq!(db::status(pool, id).await.unwrap().status, "previewed");
    id
}

async fn finalised(pool: &PgPool, id: Uuid) {
    run::approve(pool, id, None, d("2027-02-01")).await.unwrap();
    run::work(pool, id, |_, _| {}).await.unwrap();
    assert_eq!(db::status(pool, id).await.unwrap().status, "finished");
}

/// `(number, kind, status, net, tax, gross)` of every document, by number.
async fn documents(pool: &PgPool) -> Vec<(String, String, String, Decimal, Decimal, Decimal)> {
    sqlx::query_as("select number, kind, status, net, tax, gross from invoices order by number")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_previews_finalises_repeats_nothing_and_bills_a_cancelled_invoice_again(pool: PgPool) {
    // before the company and the numbering review, no run starts
    let refused = run::start(&pool, d("2027-02-01"), None).await.unwrap_err();
    assert!(
        format!("{refused:?}").contains("invoice_run.company_missing"),
        "{refused:?}"
    );
    ready_to_invoice(&pool).await;

    let parent = customer(&pool, "Alpha GmbH", true, None).await;
    let child = customer(&pool, "Alpha Tochter GmbH", false, Some(parent)).await;
    let parked = customer(&pool, "Beta GmbH", false, None).await;
    retainer(&pool, parent, "1").await;
    sale(&pool, child, "1.50").await;
    retainer(&pool, parked, "1").await;

    let first = previewed(&pool, "2027-02-01").await;
    let status = db::status(&pool, first).await.unwrap();
    // the child is billed via its parent: two bill-to customers, one parked for billing info
    assert_eq!(
        (status.counts.total, status.counts.ready, status.counts.parked),
        (2, 1, 1)
    );
    // January and February at 100, and 3 × 1.50 on the child's subtotal
    assert_eq!(status.totals, vec![("EUR".to_string(), dec("204.50"))]);
    let rows = db::customers(&pool, first, None, 0).await.unwrap();
    assert_eq!(rows[0].name, "Beta GmbH");
    assert_eq!(rows[0].reason, Some(app::invoices::ParkReason::BillingInfo));
    let detail = db::customer(&pool, first, parent).await.unwrap();
    let subtotals = domain::invoice_draft::subtotals(&detail.draft.documents[0]);
    assert_eq!(subtotals, vec![(parent, dec("200.00")), (child, dec("4.50"))]);

    finalised(&pool, first).await;
    // VAT on the document: 204.50 × 19 % = 38.855 → 38.86
    assert_eq!(
        documents(&pool).await,
        vec![(
            "RE-2027-00001".into(),
            "invoice".into(),
            "issued".into(),
            dec("204.50"),
            dec("38.86"),
            dec("243.36")
        )]
    );
    let invoiced: Option<Uuid> = sqlx::query_scalar("select invoice_id from sales_items")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(invoiced.is_some());

    // a repeat of the same cutoff finds everything settled
    let second = previewed(&pool, "2027-02-01").await;
    let status = db::status(&pool, second).await.unwrap();
    assert_eq!((status.counts.ready, status.counts.empty), (0, 1));
    finalised(&pool, second).await;
    assert_eq!(documents(&pool).await.len(), 1);

    // cancelling issues the full credit note in its own series and releases the sale
    let invoice: Uuid = sqlx::query_scalar("select id from invoices")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let credit = app::invoices::issue::cancel(&mut tx, invoice, d("2027-02-03"), Uuid::nil()).await;
    // the nil user does not exist: the credit note's author is a real user
    assert!(credit.is_err());
    tx.rollback().await.unwrap();
    let admin = app::users::db::create(
        &pool,
        app::users::NewUser::parse("Ada Admin", "admin@example.com", Role::Admin, common::PASSWORD).unwrap(),
    )
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let credit = app::invoices::issue::cancel(&mut tx, invoice, d("2027-02-03"), admin)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let detail = db::invoice(&pool, credit).await.unwrap();
    assert_eq!(detail.row.number, "RK-2027-00001");
    assert_eq!(detail.corrects.as_ref().map(|c| c.1.as_str()), Some("RE-2027-00001"));
    assert_eq!(
        (detail.document.net, detail.document.tax),
        (dec("-204.50"), dec("-38.86"))
    );
    let invoiced: Option<Uuid> = sqlx::query_scalar("select invoice_id from sales_items")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(invoiced, None);
    // a second cancel is refused
    let mut tx = pool.begin().await.unwrap();
    assert!(
        app::invoices::issue::cancel(&mut tx, invoice, d("2027-02-03"), admin)
            .await
            .is_err()
    );
    tx.rollback().await.unwrap();

    // the next run bills the cancelled charges once more, with the next number
    let third = previewed(&pool, "2027-02-01").await;
    finalised(&pool, third).await;
    let docs = documents(&pool).await;
    assert_eq!(docs.len(), 3);
    assert_eq!((docs[1].0.as_str(), docs[1].3), ("RE-2027-00002", dec("204.50")));
    assert_eq!(docs[0].2, "cancelled");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_runs_at_once_issue_one_set_with_contiguous_numbers(pool: PgPool) {
    ready_to_invoice(&pool).await;
    for i in 0..120 {
        let c = customer(&pool, &format!("Kunde {i:03}"), true, None).await;
        retainer(&pool, c, "2").await;
    }
    let (a, b) = (
        previewed(&pool, "2027-01-01").await,
        previewed(&pool, "2027-01-01").await,
    );
    run::approve(&pool, a, None, d("2027-01-01")).await.unwrap();
    run::approve(&pool, b, None, d("2027-01-01")).await.unwrap();
    let (ra, rb) = tokio::join!(run::work(&pool, a, |_, _| {}), run::work(&pool, b, |_, _| {}));
    ra.unwrap();
    rb.unwrap();
    let numbers: Vec<String> = sqlx::query_scalar("select number from invoices order by number")
        .fetch_all(&pool)
        .await
        .unwrap();
    let expected: Vec<String> = (1..=120).map(|n| format!("RE-2027-{n:05}")).collect();
    assert_eq!(numbers, expected);
    // each customer once: 2 × 100 for January
    let (customers, total): (i64, Decimal) =
        sqlx::query_as("select count(distinct customer_id), sum(net) from invoices")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((customers, total), (120, dec("24000.00")));
    // the run that lost a customer says so: nothing left to bill
    let (sa, sb) = (db::status(&pool, a).await.unwrap(), db::status(&pool, b).await.unwrap());
    assert_eq!(sa.counts.done + sb.counts.done, 120);
    assert_eq!(sa.counts.empty + sb.counts.empty, 120);
}

#[sqlx::test(migrations = "../migrations")]
async fn inputs_changed_after_approval_are_not_issued(pool: PgPool) {
    ready_to_invoice(&pool).await;
    let c = customer(&pool, "Gamma GmbH", true, None).await;
    let part = retainer(&pool, c, "1").await;
    let id = previewed(&pool, "2027-01-01").await;
    // the quantity changes from 1 January after the user saw the preview
    let terms = serde_json::to_value(ContractTerms::Retainer {
        quantity: Quantity::parse("3").unwrap(),
        rate: UnitPrice::parse_amount("100", Currency::EUR).unwrap(),
    })
    .unwrap();
    sqlx::query("update contract_part_versions set terms = $2 where part_id = $1")
        .bind(part)
        .bind(terms)
        .execute(&pool)
        .await
        .unwrap();
    finalised(&pool, id).await;
    assert!(documents(&pool).await.is_empty());
    let detail = db::customer(&pool, id, c).await.unwrap();
    assert_eq!(detail.row.state, "changed");
    let before = detail.draft.net_by_currency();
    let now = detail.draft_now.unwrap().net_by_currency();
    assert_eq!(
        (before[&Currency::EUR], now[&Currency::EUR]),
        (dec("100.00"), dec("300.00"))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_endpoints_by_role(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let anonymous = app.client();
    let some = Uuid::nil();
    let calls = [
        ("invoices/runs/start", json!({ "cutoff": "2027-01-01" })),
        ("invoices/runs/status", json!({ "run": some })),
        (
            "invoices/runs/customers",
            json!({ "run": some, "state": null, "page": 0 }),
        ),
        ("invoices/runs/customer", json!({ "run": some, "customer": some })),
        ("invoices/runs/recompute", json!({ "run": some, "customer": some })),
        ("invoices/runs/approve", json!({ "run": some })),
        ("invoices/list", json!({ "filter": { "page": 0 } })),
        ("invoices/get", json!({ "id": some })),
        ("invoices/cancel", json!({ "id": some })),
    ];
    for (function, body) in &calls {
        assert_eq!(
            app.json(&tech, function, body.clone()).await.0,
            StatusCode::FORBIDDEN,
            "{function}"
        );
        assert_eq!(
            app.json(&anonymous, function, body.clone()).await.0,
            StatusCode::UNAUTHORIZED,
            "{function}"
        );
    }
    let (status, _) = app.call(&tech, "invoices/runs/list", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // a billing admin: refused with the reason until the company exists, then a run
    let (status, body) = app
        .json(&billing, "invoices/runs/start", json!({ "cutoff": "2027-01-01" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("invoice_run.company_missing"), "{body}");
    ready_to_invoice(&pool).await;
    let c = customer(&pool, "Delta GmbH", true, None).await;
    retainer(&pool, c, "1").await;
    let (status, started) = app
        .json(&billing, "invoices/runs/start", json!({ "cutoff": "2027-01-01" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let id: Uuid = serde_json::from_value(started["id"].clone()).unwrap();
    run::work(&pool, id, |_, _| {}).await.unwrap();
    let (status, approved) = app.json(&billing, "invoices/runs/approve", json!({ "run": id })).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    // approving twice is a conflict, not a second set
    let (status, _) = app.json(&billing, "invoices/runs/approve", json!({ "run": id })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    run::work(&pool, id, |_, _| {}).await.unwrap();
    let (status, list) = app
        .json(&billing, "invoices/list", json!({ "filter": { "page": 0 } }))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let invoice = list[0]["id"].clone();
    let (status, credit) = app.json(&billing, "invoices/cancel", json!({ "id": invoice })).await;
    assert_eq!(status, StatusCode::OK, "{credit}");
    assert_eq!(credit["row"]["kind"], "credit_note");
    let (status, again) = app.json(&billing, "invoices/cancel", json!({ "id": invoice })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    assert!(again.to_string().contains("invoice.not_cancellable"), "{again}");
}
