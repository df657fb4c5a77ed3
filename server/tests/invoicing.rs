//! Settings → Invoicing: the company and what keeps it from invoicing, the numbering series
//! with their examples and rules, the numbering review, the role matrix; and numbers taken
//! at finalisation: gapless and increasing under concurrent transactions that commit or
//! roll back, restarting each year when the series says so.

mod common;

use app::auth::Role;
use chrono::Datelike;
use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

fn company() -> Value {
    json!({
        "legal_name": "Muster IT GmbH",
        "address": { "street": "Hauptstraße 1", "postal_code": "80331", "city": "München", "region": "", "country": "DE" },
        "vat_id": "", "tax_number": "143/123/45678", "commercial_register": "Amtsgericht München, HRB 123456",
        "managing_directors": "Erika Muster", "email": "rechnung@muster-it.de", "bank_name": "Stadtsparkasse",
        "iban": "DE89 3704 0044 0532 0130 00", "bic": "", "tax_area": "de", "time_zone": "Europe/Berlin"
    })
}

#[sqlx::test(migrations = "../migrations")]
async fn company_and_numbering_by_role(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let anonymous = app.client();

    // who may do what: admins and billing admins; technicians are refused, strangers asked to sign in
    for (function, json_body) in [
        ("invoicing/company/get", None),
        ("invoicing/series/list", None),
        ("invoicing/readiness", None),
        (
            "invoicing/company/save",
            Some(json!({ "version": null, "company": company() })),
        ),
        ("invoicing/numbering/confirm", Some(json!({}))),
    ] {
        let call = |c| {
            let body = json_body.clone();
            let app = &app;
            async move {
                match body {
                    Some(b) => app.json(c, function, b).await.0,
                    None => app.call(c, function, &[]).await.0,
                }
            }
        };
        assert_eq!(call(&tech).await, StatusCode::FORBIDDEN, "{function}");
        assert_eq!(call(&anonymous).await, StatusCode::UNAUTHORIZED, "{function}");
    }
    let (status, ready) = app.call(&billing, "invoicing/readiness", &[]).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["company_missing"], true);
    assert_eq!(ready["numbering_confirmed"], Value::Null);

    // an incomplete company is saved, and says what it lacks
    let mut partial = company();
    partial["address"] = json!({ "street": "", "postal_code": "", "city": "", "region": "", "country": "" });
    partial["tax_number"] = json!("");
    partial["iban"] = json!("");
    let (status, saved) = app
        .json(
            &billing,
            "invoicing/company/save",
            json!({ "version": null, "company": partial }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["missing"], json!(["address", "tax_id", "bank_account"]));
    let version = saved["version"].as_i64().unwrap();
    // a second "first save" and a save over a newer version are conflicts
    let (status, _) = app
        .json(
            &admin,
            "invoicing/company/save",
            json!({ "version": null, "company": company() }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .json(
            &admin,
            "invoicing/company/save",
            json!({ "version": version, "company": company() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["missing"], json!([]));
    assert_eq!(body["draft"]["legal_name"], "Muster IT GmbH");
    let (status, _) = app
        .json(
            &billing,
            "invoicing/company/save",
            json!({ "version": version, "company": company() }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "saved meanwhile by someone else");
    let mut bad = company();
    bad["tax_number"] = json!("12/3");
    bad["time_zone"] = json!("Mitteleuropa");
    let (status, body) = app
        .json(
            &admin,
            "invoicing/company/save",
            json!({ "version": version + 1, "company": bad }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<(&str, &str)> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [("tax_number", "tax_number.format"), ("time_zone", "time_zone.format")]
    );

    // the series, with the next number as an example
    let year = chrono::Local::now().year();
    let (_, list) = app.call(&billing, "invoicing/series/list", &[]).await;
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{list}");
    assert_eq!(rows[0]["next_example"], format!("RE-{year}-00001"));
    assert_eq!(rows[1]["draft"]["kind"], "credit_note");
    let invoices = rows[0]["id"].as_str().unwrap().to_owned();
    let series = |format: &str, next: &str, reset: bool| json!({ "kind": "invoice", "name": "Rechnungen", "format": format, "next_number": next, "yearly_reset": reset });
    let (status, row) = app
        .json(
            &billing,
            "invoicing/series/save",
            json!({ "id": invoices, "version": rows[0]["version"], "series": series("{YYYY}/{N:4}", "1001", false) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert_eq!(row["next_example"], format!("{year}/1001"));
    let (status, body) = app
        .json(
            &billing,
            "invoicing/series/save",
            json!({ "id": invoices, "version": row["version"], "series": series("F{N:6}", "1", true) }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "numbering.reset_needs_year");
    let mut clash = series("B-{YY}-{N}", "1", true);
    clash["name"] = json!("rechnungskorrekturen");
    let (status, body) = app
        .json(
            &billing,
            "invoicing/series/save",
            json!({ "id": null, "version": null, "series": clash }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "numbering.name_taken");
    let (status, _) = app
        .json(
            &tech,
            "invoicing/series/save",
            json!({ "id": null, "version": null, "series": series("X{N}", "1", false) }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // once a number is given, format and counter are fixed; the name is not
    let id: Uuid = invoices.parse().unwrap();
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        app::invoicing::numbers::take(&mut tx, id, year).await.unwrap(),
        format!("{year}/1001")
    );
    tx.commit().await.unwrap();
    let version = row["version"].clone();
    let (status, body) = app
        .json(
            &billing,
            "invoicing/series/save",
            json!({ "id": invoices, "version": version, "series": series("{YYYY}/{N:5}", "1002", false) }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "numbering.series_used");
    let mut renamed = series("{YYYY}/{N:4}", "1002", false);
    renamed["name"] = json!("Ausgangsrechnungen");
    let (status, body) = app
        .json(
            &billing,
            "invoicing/series/save",
            json!({ "id": invoices, "version": version, "series": renamed }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["issued"].as_i64(), body["next_example"].as_str()),
        (Some(1), Some(format!("{year}/1002").as_str()))
    );

    // the review the first run asks for
    let (status, ready) = app.json(&admin, "invoicing/numbering/confirm", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["company_missing"], false);
    assert_eq!(ready["company_gaps"], json!([]));
    assert_eq!(ready["numbering_confirmed"][1], "Test User");
}

async fn invoice_series(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("select id from invoice_series where kind = 'invoice' and is_default")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn numbers_are_gapless_under_concurrent_commits_and_rollbacks(pool: PgPool) {
    let series = invoice_series(&pool).await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = pool.begin().await.unwrap();
            let number = app::invoicing::numbers::take(&mut tx, series, 2027).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            // every third finalisation fails after taking its number
            if i % 3 == 0 {
                tx.rollback().await.unwrap();
                None
            } else {
                tx.commit().await.unwrap();
                Some(number)
            }
        }));
    }
    let mut committed: Vec<String> = Vec::new();
    for t in tasks {
        if let Some(n) = t.await.unwrap() {
            committed.push(n);
        }
    }
    committed.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("RE-2027-{n:05}")).collect();
    assert_eq!(committed, expected, "contiguous from 1, no gap, no repeat");
    let issued: i64 = sqlx::query_scalar("select issued from invoice_series where id = $1")
        .bind(series)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(issued, 20);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_yearly_series_starts_again_and_never_goes_back(pool: PgPool) {
    let series = invoice_series(&pool).await;
    let take = |year| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            let n = app::invoicing::numbers::take(&mut tx, series, year).await;
            tx.commit().await.unwrap();
            n
        }
    };
    assert_eq!(take(2026).await.unwrap(), "RE-2026-00001");
    assert_eq!(take(2026).await.unwrap(), "RE-2026-00002");
    assert_eq!(take(2027).await.unwrap(), "RE-2027-00001");
    let back = take(2026).await.unwrap_err();
    assert_eq!(
        back.field("date").map(|p| p.code.as_str()),
        Some("numbering.year_back"),
        "{back:?}"
    );
    assert_eq!(take(2027).await.unwrap(), "RE-2027-00002");
}
