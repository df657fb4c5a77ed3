//! The service catalogue through the import engine: a German file in, the export back in
//! unchanged, a price edit as a new version, row errors that write nothing, undo (refused
//! once a service was saved again or is in use), and who may import and export it.

mod common;

use app::auth::Role;
use common::TestApp;
use common::imports::{errors, import, run, undo_latest, upload};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// A German spreadsheet's file: labels as headers, `;`, decimal commas, a BOM; no
/// currency column (new services get EUR) and an empty tax category (standard).
const CATALOGUE_DE: &str = "\u{feff}Code;Name;Abrechnung;Gerätekategorie;Einheit;Preis pro Einheit;Steuerkategorie;Erlöskonto\n\
    rmm-server;RMM Server;per_device;server;;12,50;standard;8400\n\
    BACKUP-GB;Cloud-Backup;per_usage;;per_gb;0,08;;\n";

async fn export(app: &TestApp, client: &Client) -> (StatusCode, String) {
    let res = client
        .get(format!("{}/api/export/services?headers=keys", app.base))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn service(pool: &PgPool, code: &str) -> (Uuid, i32, Value) {
    sqlx::query_as("select id, version, definition from services where code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn counts(outcome: &Value) -> [u64; 4] {
    ["created", "updated", "unchanged", "error_count"].map(|k| outcome[k].as_u64().unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn a_catalogue_file_imports_its_export_reimports_unchanged_and_an_edit_is_a_new_version(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;

    let (up, outcome) = import(&app, &billing, "services", CATALOGUE_DE, true).await;
    assert_eq!(
        up["mapping"],
        json!([
            "code",
            "name",
            "kind",
            "device_category",
            "usage_unit",
            "unit_price",
            "tax_category",
            "revenue_account"
        ]),
        "German headers are recognized"
    );
    assert_eq!(counts(&outcome), [2, 0, 0, 0], "{outcome}");
    let (_, version, rmm) = service(&pool, "RMM-SERVER").await;
    assert_eq!(version, 1);
    assert_eq!(
        (&rmm["unit_price"], &rmm["currency"], &rmm["name"]),
        (&json!("12.50"), &json!("EUR"), &json!("RMM Server"))
    );
    let (_, _, backup) = service(&pool, "BACKUP-GB").await;
    assert_eq!(
        (&backup["tax_category"], &backup["usage_unit"]),
        (&json!("standard"), &json!("per_gb"))
    );

    // The export imports back without a change.
    let (status, exported) = export(&app, &billing).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        exported
            .trim_start_matches('\u{feff}')
            .starts_with("code,name,description,kind"),
        "{exported}"
    );
    let (_, outcome) = import(&app, &billing, "services", &exported, true).await;
    assert_eq!(counts(&outcome), [0, 0, 2, 0], "{outcome}");

    // A price edited in the export is an update: version 2, saved by the importer, the
    // first version kept in the history.
    let edited = exported.replace("12.50", "14.00");
    let (_, outcome) = import(&app, &billing, "services", &edited, true).await;
    assert_eq!(counts(&outcome), [0, 1, 1, 0], "{outcome}");
    let (id, version, rmm) = service(&pool, "RMM-SERVER").await;
    assert_eq!((version, &rmm["unit_price"]), (2, &json!("14.00")));
    let (status, history) = app
        .call(&billing, "catalogue/history", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let prices: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["service"]["unit_price"].as_str().unwrap())
        .collect();
    assert_eq!(prices, ["14.00", "12.50"]);
    let saved_by: String = sqlx::query_scalar(
        "select u.email from service_versions v join users u on u.id = v.saved_by
          where v.service_id = $1 and v.version = 2",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(saved_by, "billing@example.com", "saved by the importer");

    // Undo puts the price back as a new version (the history says what happened).
    let (status, body) = undo_latest(&app, &billing).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, version, rmm) = service(&pool, "RMM-SERVER").await;
    assert_eq!((version, &rmm["unit_price"]), (3, &json!("12.50")));
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_rows_are_errors_by_row_and_column_and_nothing_is_written(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let csv = "code,name,kind,device_category,unit_price,archived\n\
        -x,Bad code,flat_fee,,1,no\n\
        OK-1,Fine,flat_fee,,10,no\n\
        ok-1,Same code in another case,flat_fee,,10,no\n\
        DEV,Devices without a category,per_device,,5,no\n\
        LUX,Unknown kind,luxury,,5,no\n\
        PRICE,Bad price,product,,abc,no\n\
        ARCH,Bad flag,product,,1,vielleicht\n";
    let (up, outcome) = import(&app, &admin, "services", csv, false).await;
    assert_eq!(
        errors(&outcome),
        [
            (2, "code".into(), "service_code.format".into()),
            (4, "code".into(), "import.duplicate_row".into()),
            (5, "device_category".into(), "required".into()),
            (6, "kind".into(), "choice.invalid".into()),
            (7, "unit_price".into(), "number.format".into()),
            (8, "archived".into(), "choice.invalid".into()),
        ]
    );
    // Committing the file anyway imports nothing, not even the good row.
    let done = run(&app, &admin, &up["id"], &up["mapping"], "commit").await;
    assert_eq!(done["outcome"]["committed"], false, "{done}");
    let services: i64 = sqlx::query_scalar("select count(*) from services")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(services, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn undo_removes_created_services_unless_they_were_saved_since_or_are_in_use(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;

    // Saved on the page since the import: undo is refused, nothing changes.
    import(
        &app,
        &admin,
        "services",
        "code,name,kind,unit_price\nA,Alpha,flat_fee,10\n",
        true,
    )
    .await;
    let (id, _, definition) = service(&pool, "A").await;
    let mut changed = definition.clone();
    changed["unit_price"] = json!("11");
    let (status, body) = app
        .json(
            &admin,
            "catalogue/save",
            json!({ "id": id, "version": 1, "service": changed }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = undo_latest(&app, &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "import.undo_changed");
    assert_eq!(service(&pool, "A").await.1, 2);

    // In use by a usage reading: refused too.
    import(
        &app,
        &admin,
        "services",
        "code,name,kind,device_category,unit_price\nB,Beta,per_device,server,3\n",
        true,
    )
    .await;
    let customer = common::customer(&pool, "Kunde GmbH").await;
    sqlx::query(
        "insert into usage_readings (customer_id, service_id, reading_date, source, quantity)
         select $1, id, current_date, 'rmm', 4 from services where code = 'B'",
    )
    .bind(customer)
    .execute(&pool)
    .await
    .unwrap();
    let (status, body) = undo_latest(&app, &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        (&body["fields"][0]["code"], &body["fields"][0]["params"]),
        (&json!("import.undo_services_used"), &json!([["count", "1"]]))
    );

    // Unused again (the customer and with it its readings are gone) and untouched: the
    // service goes, with its versions, and the import says undone.
    sqlx::query("delete from customers where id = $1")
        .bind(customer)
        .execute(&pool)
        .await
        .unwrap();
    let (status, body) = undo_latest(&app, &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let left: Vec<String> = sqlx::query_scalar("select code from services order by code")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, ["A"]);
    let versions: i64 = sqlx::query_scalar("select count(*) from service_versions where service_id <> $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions, 0);
    let (_, history) = app.call(&admin, "imports/history", &[]).await;
    assert_eq!(history[0]["status"], "undone");
}

/// The role matrix of the catalogue's import and export: admins and billing admins
/// import and undo it; technicians export it (they read the catalogue) but import
/// nothing; a billing admin cannot undo a customer import; nobody signed out gets in.
#[sqlx::test(migrations = "../migrations")]
async fn who_imports_and_exports_the_catalogue(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let file = b"code,name,kind,unit_price\nX,X,flat_fee,1\n".to_vec();

    let (_, outcome) = import(
        &app,
        &admin,
        "services",
        "code,name,kind,unit_price\nA,A,flat_fee,1\n",
        true,
    )
    .await;
    assert_eq!(counts(&outcome), [1, 0, 0, 0]);
    let (status, _) = upload(&app, &tech, "services", "x.csv", file.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, text) = export(&app, &tech).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("\nA,A,"), "{text}");
    // Compressed, as browsers ask for it, the download arrives whole (the compression
    // layer once polled the finished stream again, which cut the download off).
    for kind in ["services", "customers", "contacts"] {
        let res = tech
            .get(format!("{}/api/export/{kind}", app.base))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-encoding"], "gzip", "{kind}");
        let body = res.bytes().await.expect("the whole body");
        assert!(!body.is_empty(), "{kind}");
    }
    let (status, _) = app.call(&tech, "imports/history", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A billing admin sees and undoes the catalogue import, not a customer import.
    import(&app, &admin, "customers", "name\nKunde GmbH\n", true).await;
    let (status, history) = app.call(&billing, "imports/history", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["services"]);
    let (_, admin_history) = app.call(&admin, "imports/history", &[]).await;
    let customer_import = admin_history[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(admin_history[0]["kind"], "customers");
    let (status, _) = app
        .call(&billing, "imports/undo", &[("import", &customer_import)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .call(
            &billing,
            "imports/undo",
            &[("import", history[0]["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The checks and commits of an upload follow its kind too.
    let (_, up) = upload(&app, &admin, "customers", "k.csv", b"name\nY\n".to_vec()).await;
    let res = billing
        .post(format!("{}/api/imports/{}/check", app.base, up["id"].as_str().unwrap()))
        .json(&json!({ "mapping": up["mapping"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let anonymous = app.client();
    let (status, _) = export(&app, &anonymous).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = upload(&app, &anonymous, "services", "x.csv", file).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_services_template_imports_as_it_is(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let billing = app.signed_in("billing@example.com", Role::BillingAdmin).await;
    for lang in ["de", "es", "en"] {
        sqlx::query("delete from service_versions")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("delete from services").execute(&pool).await.unwrap();
        let template = billing
            .get(format!("{}/api/imports/template/services", app.base))
            .header("accept-language", lang)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(template.contains("# "), "{lang}: a legend");
        let (_, outcome) = import(&app, &billing, "services", &template, true).await;
        assert_eq!(counts(&outcome), [1, 0, 0, 0], "{lang}: {outcome}");
    }
}
