//! CSV import and export against a real PostgreSQL, over HTTP on the real router (and the
//! `onboard import` command for the interrupted commit): BOM and `;`, exact row errors, dry
//! runs that write nothing, an import killed mid-commit, export → import round trips,
//! undo, main contacts, and who may do what.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use app::auth::Role;
use common::TestApp;
use common::imports::{errors, import, run, undo_latest, upload};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Every record an import may touch (customers, domains, contacts, audit entries), as
/// text, to compare before and after.
async fn snapshot(pool: &PgPool) -> String {
    sqlx::query_scalar::<_, Option<String>>(
        "select string_agg(t, '|' order by t) from (
            select format('%s', c) as t from customers c
            union all select format('%s', d) from customer_domains d
            union all select format('%s', k) from contacts k
            union all select format('%s', a) from audit_log a) x",
    )
    .fetch_one(pool)
    .await
    .unwrap()
    .unwrap_or_default()
}

const CUSTOMERS_DE: &str = "\u{feff}Externe ID;Firma;Domains;Straße;PLZ;Ort;Land;USt-IdNr.;IBAN\n\
    K-1;Müller IT GmbH;müller-it.de;Hauptstraße 1;50667;Köln;DE;DE136695976;DE89 3704 0044 0532 0130 00\n\
    K-2;\"Schmidt; Söhne KG\";schmidt-soehne.de;\"Am Markt 2\";80331;München;DE;;\n";

#[sqlx::test(migrations = "../migrations")]
async fn a_german_excel_file_with_bom_and_semicolons_imports(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let (up, checked) = import(&app, &admin, "customers", CUSTOMERS_DE, false).await;
    assert_eq!(
        up["mapping"],
        json!([
            "external_id",
            "name",
            "domains",
            "street",
            "postal_code",
            "city",
            "country",
            "tax_id",
            "iban"
        ])
    );
    assert_eq!(
        (checked["created"].as_u64(), checked["error_count"].as_u64()),
        (Some(2), Some(0)),
        "{checked}"
    );

    let done = run(&app, &admin, &up["id"], &up["mapping"], "commit").await;
    assert_eq!(done["outcome"]["committed"], true, "{done}");
    type Row = (String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "select name, city, billing_iban, (select domain from customer_domains d where d.customer_id = c.id)
           from customers c order by external_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                "Müller IT GmbH".into(),
                Some("Köln".into()),
                Some("DE89370400440532013000".into()),
                Some(domain::Domain::parse("müller-it.de").unwrap().to_string())
            ),
            (
                "Schmidt; Söhne KG".into(),
                Some("München".into()),
                None,
                Some("schmidt-soehne.de".into())
            ),
        ]
    );
    // Committing the same upload again returns the first result instead of importing twice.
    let again = run(&app, &admin, &up["id"], &up["mapping"], "commit").await;
    assert_eq!(again["outcome"]["created"], 2);
    assert_eq!(count(&pool, "customers").await, 2);
    let (_, history) = app.call(&admin, "imports/history", &[]).await;
    assert_eq!(history[0]["status"], "committed");
    assert_eq!(history[0]["created"], 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_iban_bad_vat_id_duplicate_row_and_missing_column_are_exactly_the_errors(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let csv = "name,domains,tax_id,iban\n\
        Alpha GmbH,alpha.de,DE136695976,DE89370400440532013000\n\
        Beta GmbH,beta.de,,DE89370400440532013001\n\
        Gamma GmbH,gamma.de,DE123456789,\n\
        Alpha Zwei,alpha.de,,\n\
        Delta GmbH,delta.de,,\n";
    let (_, outcome) = import(&app, &admin, "customers", csv, false).await;
    assert_eq!(
        errors(&outcome),
        vec![
            (3, "iban".into(), "iban.checksum".into()),
            (4, "tax_id".into(), "vat.checksum".into()),
            (5, "name".into(), "import.duplicate_row".into()),
        ],
        "{outcome}"
    );
    assert_eq!(outcome["errors"][2]["params"], json!([["row", "2"]]));
    assert_eq!(outcome["error_count"], 3);

    let missing = "domains,tax_id\nalpha.de,\n";
    let (_, outcome) = import(&app, &admin, "customers", missing, false).await;
    assert_eq!(
        errors(&outcome),
        vec![(1, "name".into(), "import.column_missing".into())]
    );

    // The errors of the last check, as CSV in the caller's language.
    let (_, up) = upload(&app, &admin, "customers", "kunden.csv", csv.as_bytes().to_vec()).await;
    run(&app, &admin, &up["id"], &up["mapping"], "check").await;
    let res = admin
        .get(format!(
            "{}/api/imports/{}/errors",
            app.base,
            up["id"].as_str().unwrap()
        ))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "Zeile;Spalte;Wert;Problem");
    assert!(lines[1].starts_with("3;IBAN;DE89370400440532013001;"), "{}", lines[1]);
    assert_eq!(lines.len(), 4);
    // A commit of a file with errors writes nothing.
    let refused = run(&app, &admin, &up["id"], &up["mapping"], "commit").await;
    assert_eq!(refused["outcome"]["committed"], false);
    assert_eq!(count(&pool, "customers").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dry_run_writes_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    import(&app, &admin, "customers", CUSTOMERS_DE, true).await;
    let before = snapshot(&pool).await;
    let audit_before = count(&pool, "audit_log").await;
    let changed = CUSTOMERS_DE
        .replace("Köln", "Bonn")
        .replace("K-2;\"Schmidt; Söhne KG\";schmidt-soehne.de", "K-3;Neu GmbH;neu.de");
    let (_, outcome) = import(&app, &admin, "customers", &changed, false).await;
    assert_eq!(
        (
            outcome["created"].as_u64(),
            outcome["updated"].as_u64(),
            outcome["committed"].as_bool()
        ),
        (Some(1), Some(1), Some(false)),
        "{outcome}"
    );
    // Only the upload itself is new (an `uploaded` import row); no record changed.
    let uploads: i64 = sqlx::query_scalar("select count(*) from imports where status = 'uploaded'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(uploads, 1);
    assert_eq!(snapshot(&pool).await, before);
    assert_eq!(count(&pool, "audit_log").await, audit_before);
    // The first import created both customers: they carry its id, and nothing else was
    // recorded for them.
    assert_eq!(count(&pool, "import_records").await, 0);
    let carried: i64 = sqlx::query_scalar(
        "select count(*) from customers c join imports i on i.id = c.import_id where i.status = 'committed'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(carried, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_import_killed_mid_commit_leaves_the_database_as_before(pool: PgPool) {
    let url = common::database_url(&pool).await;
    sqlx::query("insert into customers (name, external_id) values ('Bestand GmbH', 'K-0')")
        .execute(&pool)
        .await
        .unwrap();
    let before = snapshot(&pool).await;
    let dir = std::env::temp_dir().join(format!("onboard-import-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.csv");
    let mut csv = String::from("external_id,name,domains,country\n");
    for i in 1..=40_000 {
        csv.push_str(&format!("K-{i},Kunde {i} GmbH,kunde-{i}.de,DE\n"));
    }
    std::fs::write(&file, csv).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(["import", "customers"])
        .arg(&file)
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        seen.push(line.clone());
        // The first chunks are written: kill it now, mid-transaction.
        if line.starts_with("imported ") && !line.contains("100 %") {
            child.kill().unwrap();
            break;
        }
    }
    child.wait().unwrap();
    assert!(
        seen.iter().any(|l| l.starts_with("imported ")),
        "the import was killed during its commit: {seen:?}"
    );
    assert!(
        !seen.iter().any(|l| l.contains("100 %") && l.starts_with("imported")),
        "{seen:?}"
    );
    assert_eq!(
        snapshot(&pool).await,
        before,
        "nothing of the interrupted import is left"
    );
    assert_eq!(count(&pool, "imports").await, 0, "not even its import row");
    assert_eq!(count(&pool, "import_records").await, 0);

    // The same command, left to finish, does import every row.
    let status = Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(["import", "customers"])
        .arg(&file)
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(count(&pool, "customers").await, 40_001);
    std::fs::remove_dir_all(dir).unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn reimporting_an_export_changes_nothing_and_an_edit_updates_one_record(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let customers = "name,external_id,domains,street,postal_code,city,country,tax_id,phone,billing_attention,\
billing_email,billing_street,billing_postal_code,billing_city,billing_country,tax_region,currency,payment_terms_days,\
invoice_language,invoice_delivery,iban\n\
        Müller IT GmbH,K-1,müller-it.de mueller.de,Hauptstraße 1,50667,Köln,DE,DE136695976,0221 1234567,Buchhaltung,\
rechnung@mueller.de,Postfach 1,50668,Köln,DE,domestic,EUR,14,de,email,DE89 3704 0044 0532 0130 00\n\
        Soluciones SL,,soluciones.es,Calle Mayor 1,28013,Madrid,ES,,,,,,,,,,,,,,\n\
        Ohne Domain AG,,,,,,,,,,,,,,,,,,,,\n";
    import(&app, &admin, "customers", customers, true).await;
    // A customer made elsewhere (the wizard) is in the export too.
    sqlx::query("insert into customers (name, country) values ('Wizard GmbH', 'AT')")
        .execute(&pool)
        .await
        .unwrap();
    let contacts = "customer,first_name,last_name,email,phone,main_contact,portal_access,portal_level\n\
        K-1,Jürgen,Müller,juergen@mueller.de,0221 999,yes,yes,company\n\
        K-1,Eva,Klein,eva@mueller.de,,,no,\n\
        soluciones.es,José,García,jose@soluciones.es,,,,\n\
        Ohne Domain AG,Ana,Ruiz,ana@example.com,,,yes,manager\n";
    let (_, outcome) = import(&app, &admin, "contacts", contacts, true).await;
    assert_eq!(outcome["created"], 4, "{outcome}");
    let before = snapshot(&pool).await;

    for kind in ["customers", "contacts"] {
        let res = admin
            .get(format!("{}/api/export/{kind}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let exported = res.bytes().await.unwrap().to_vec();
        assert!(exported.starts_with(b"\xEF\xBB\xBF"));
        let (status, up) = upload(&app, &admin, kind, "export.csv", exported).await;
        assert_eq!(status, StatusCode::OK);
        assert!(up["mapping"].as_array().unwrap().iter().all(|m| m.is_string()), "{up}");
        let outcome = run(&app, &admin, &up["id"], &up["mapping"], "commit").await["outcome"].clone();
        assert_eq!(
            (
                outcome["created"].as_u64(),
                outcome["updated"].as_u64(),
                outcome["unchanged"].as_u64()
            ),
            (Some(0), Some(0), Some(4)),
            "{kind}: {outcome}"
        );
    }
    assert_eq!(
        snapshot(&pool).await,
        before,
        "re-importing the exports changed nothing"
    );

    // One edited cell in the German export: exactly one record updated.
    let res = admin
        .get(format!("{}/api/export/customers", app.base))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    let exported = res.text().await.unwrap();
    assert!(exported.contains("Firma;"), "German headers: {}", &exported[..80]);
    let edited = exported.replace("Madrid", "Sevilla");
    let (_, outcome) = import(&app, &admin, "customers", &edited, true).await;
    assert_eq!(
        (outcome["updated"].as_u64(), outcome["unchanged"].as_u64()),
        (Some(1), Some(3)),
        "{outcome}"
    );
    let city: String = sqlx::query_scalar("select city from customers where name = 'Soluciones SL'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(city, "Sevilla");
}

#[sqlx::test(migrations = "../migrations")]
async fn undo_removes_exactly_the_imported_records_and_restores_the_updated_ones(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    import(
        &app,
        &admin,
        "customers",
        "name,domains,phone,country\nAlt GmbH,alt.de,0221 1234567,DE\nBleibt AG,bleibt.de,,\n",
        true,
    )
    .await;
    import(
        &app,
        &admin,
        "contacts",
        "customer,first_name,last_name,email\nalt.de,Otto,Alt,otto@alt.de\n",
        true,
    )
    .await;

    let (_, outcome) = import(
        &app,
        &admin,
        "customers",
        "name,domains,phone,country\nAlt GmbH,alt.de neu-alt.de,0221 7654321,DE\nNeu eins,eins.de,,\nNeu zwei,zwei.de,,\n",
        true,
    )
    .await;
    assert_eq!(
        (outcome["created"].as_u64(), outcome["updated"].as_u64()),
        (Some(2), Some(1))
    );
    let (_, contacts) = import(
        &app,
        &admin,
        "contacts",
        "customer,first_name,last_name,email,main_contact\nalt.de,Neue,Chefin,chefin@alt.de,yes\neins.de,Erika,Eins,erika@eins.de,\n",
        true,
    )
    .await;
    assert_eq!(contacts["created"], 2);
    let main: String = sqlx::query_scalar("select first_name from contacts where is_main and email like '%alt.de'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(main, "Neue", "the marked contact is the main contact now");

    // The customers' history shows what the imports created, with the file's name.
    let alt: Uuid = sqlx::query_scalar("select id from customers where name = 'Alt GmbH'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let eins: Uuid = sqlx::query_scalar("select id from customers where name = 'Neu eins'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let trail = |id: Uuid| {
        let (app, admin) = (&app, &admin);
        async move {
            let (status, h) = app
                .call(admin, "customers/history", &[("customer", &id.to_string())])
                .await;
            assert_eq!(status, StatusCode::OK, "{h}");
            h.as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {} {}",
                        e["entity"].as_str().unwrap(),
                        e["action"].as_str().unwrap(),
                        e["subject"].as_str().unwrap_or("-"),
                        e["file_name"].as_str().unwrap_or("-")
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        trail(eins).await,
        ["contact imported Erika Eins test.csv", "customer imported - test.csv"]
    );
    // Newest first: the second contacts import created Neue Chefin and demoted Otto (one
    // transaction, so in either order), the second customers import changed the customer.
    let alt_trail = trail(alt).await;
    let mut newest = alt_trail[..2].to_vec();
    newest.sort();
    assert_eq!(
        newest,
        ["contact imported Neue Chefin test.csv", "contact imported Otto Alt -"],
        "{alt_trail:?}"
    );
    assert_eq!(
        alt_trail[2..],
        [
            "customer imported - -",
            "contact imported Otto Alt test.csv",
            "customer imported - test.csv"
        ],
        "{alt_trail:?}"
    );

    let (_, history) = app.call(&admin, "imports/history", &[]).await;
    let ids: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    // Newest first: undo the contacts import, then the customers import.
    for id in &ids[..2] {
        let (status, body) = app.call(&admin, "imports/undo", &[("import", id)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, history) = app.call(&admin, "imports/history", &[]).await;
    assert_eq!(history[0]["status"], "undone");
    let names: Vec<(String, Option<String>)> = sqlx::query_as("select name, phone from customers order by name")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        names,
        vec![
            ("Alt GmbH".into(), Some("+492211234567".into())),
            ("Bleibt AG".into(), None)
        ]
    );
    let domains: Vec<String> = sqlx::query_scalar("select domain from customer_domains order by domain")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(domains, vec!["alt.de", "bleibt.de"]);
    // The list's copy of the domains followed the import and its undo.
    let listed: Vec<(String, Vec<String>)> = sqlx::query_as("select name, list_domains from customers order by name")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        listed,
        vec![
            ("Alt GmbH".into(), vec!["alt.de".to_string()]),
            ("Bleibt AG".into(), vec!["bleibt.de".to_string()])
        ]
    );
    let contacts: Vec<(String, bool)> = sqlx::query_as("select first_name, is_main from contacts order by first_name")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(contacts, vec![("Otto".into(), true)], "the old main contact is back");
    // The customer that stays says which imported contact went; its own import entry stays.
    let alt_trail = trail(alt).await;
    assert!(
        alt_trail.contains(&"contact import_undone Neue Chefin -".to_string()),
        "{alt_trail:?}"
    );
    assert!(
        !alt_trail.iter().any(|e| e.contains("imported Neue Chefin")),
        "{alt_trail:?}"
    );
    assert_eq!(
        alt_trail.last().unwrap(),
        "customer imported - test.csv",
        "{alt_trail:?}"
    );
    let undone: Value = sqlx::query_scalar(
        "select changes from audit_log where action = 'import_undone' and entity = 'contact'
            and entity_id not in (select id from contacts)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(undone[0], json!({"field": "first_name", "before": "Neue", "after": ""}));

    // An import whose records were edited since cannot be undone.
    import(
        &app,
        &admin,
        "customers",
        "name,phone,country\nBleibt AG,040 123456,DE\n",
        true,
    )
    .await;
    sqlx::query("update customers set version = version + 1, phone = '+4940999' where name = 'Bleibt AG'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, body) = undo_latest(&app, &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "import.undo_changed");
    let phone: String = sqlx::query_scalar("select phone from customers where name = 'Bleibt AG'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(phone, "+4940999", "the edit stays");
}

#[sqlx::test(migrations = "../migrations")]
async fn contacts_need_a_known_customer_and_one_main_contact(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    import(
        &app,
        &admin,
        "customers",
        "name,domains\nEins GmbH,eins.de\nEins GmbH Kopie,kopie.de\n",
        true,
    )
    .await;
    sqlx::query("insert into customers (name) values ('Doppelt'), ('Doppelt')")
        .execute(&pool)
        .await
        .unwrap();
    let csv = "Firma;Vorname;Nachname;E-Mail;Hauptkontakt;Portal-Stufe\n\
        eins.de;A;Eins;a@eins.de;ja;company\n\
        Eins GmbH;B;Eins;b@eins.de;ja;\n\
        Unbekannt AG;C;X;c@x.de;;\n\
        Doppelt;D;X;d@x.de;;\n\
        eins.de;E;Eins;a@EINS.de;;\n\
        kopie.de;F;Kopie;kein-at-zeichen;;superuser\n\
        kopie.de;G;Kopie;g@kopie.de;vielleicht;\n";
    let (up, outcome) = import(&app, &admin, "contacts", csv, false).await;
    assert_eq!(
        up["mapping"],
        json!([
            "customer",
            "first_name",
            "last_name",
            "email",
            "main_contact",
            "portal_level"
        ])
    );
    assert_eq!(
        errors(&outcome),
        vec![
            (3, "main_contact".into(), "import.main_twice".into()),
            (4, "customer".into(), "import.customer_unknown".into()),
            (5, "customer".into(), "import.customer_ambiguous".into()),
            (6, "email".into(), "import.duplicate_row".into()),
            (7, "email".into(), "email.format".into()),
            (7, "portal_level".into(), "choice.invalid".into()),
            (8, "main_contact".into(), "choice.invalid".into()),
        ],
        "{outcome}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_import_and_restricted_staff_export_only_their_customers(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    import(&app, &admin, "customers", "name\nTeam GmbH\nFremd GmbH\n", true).await;
    for (email, role) in [
        ("billing@example.com", Role::BillingAdmin),
        ("tech@example.com", Role::Technician),
    ] {
        let client = app.signed_in(email, role).await;
        let (status, body) = upload(&app, &client, "customers", "x.csv", b"name\nX\n".to_vec()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}: {body}");
        // A billing admin imports only the catalogue: their history leaves the customer
        // import out; a technician imports nothing.
        let (status, history) = app.call(&client, "imports/history", &[]).await;
        match role {
            Role::BillingAdmin => assert_eq!((status, history), (StatusCode::OK, json!([]))),
            _ => assert_eq!(status, StatusCode::FORBIDDEN),
        }
        let res = client
            .get(format!("{}/api/imports/template/customers", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let anonymous = app.client();
    let (status, _) = upload(&app, &anonymous, "customers", "x.csv", b"name\nX\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let res = anonymous
        .get(format!("{}/api/export/customers", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let restricted = app.signed_in("restricted@example.com", Role::Technician).await;
    let user: Uuid =
        sqlx::query_scalar("update users set restricted = true where email = 'restricted@example.com' returning id")
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("update customers set account_manager_id = $1 where name = 'Team GmbH'")
        .bind(user)
        .execute(&pool)
        .await
        .unwrap();
    let text = restricted
        .get(format!("{}/api/export/customers?headers=keys", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("Team GmbH") && !text.contains("Fremd GmbH"), "{text}");
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("external_id,name,domains")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_template_imports_as_it_is(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    for (lang, delimiter) in [("de", ';'), ("es", ';'), ("en", ',')] {
        sqlx::query("delete from contacts").execute(&pool).await.unwrap();
        sqlx::query("delete from customers").execute(&pool).await.unwrap();
        for kind in ["customers", "contacts"] {
            let res = admin
                .get(format!("{}/api/imports/template/{kind}", app.base))
                .header("accept-language", lang)
                .send()
                .await
                .unwrap();
            assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
            let template = res.text().await.unwrap();
            let header = template.trim_start_matches('\u{feff}').lines().next().unwrap();
            assert!(header.contains(delimiter), "{lang}: {header}");
            assert!(template.contains("# "), "{lang}: a legend");
            let (_, outcome) = import(&app, &admin, kind, &template, true).await;
            assert_eq!(
                (outcome["created"].as_u64(), outcome["error_count"].as_u64()),
                (Some(1), Some(0)),
                "{lang} {kind}: {outcome}"
            );
        }
    }
}

/// Main contacts across chunks (rows are written `engine::CHUNK` at a time): a contact
/// that became main by default in an earlier chunk gives way to a row marked main in a
/// later one, and a customer's stored main contact gives way too.
#[sqlx::test(migrations = "../migrations")]
async fn a_main_contact_marked_in_a_later_chunk_replaces_the_earlier_one(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let filler = app::imports::engine::CHUNK;
    sqlx::query(
        "insert into customers (name, external_id) select 'Kunde ' || i, 'K-' || i from generate_series(0, $1) i",
    )
    .bind(filler as i32)
    .execute(&pool)
    .await
    .unwrap();
    // K-1 already has a main contact.
    sqlx::query(
        "insert into contacts (customer_id, first_name, last_name, email, is_main)
         select id, 'Alt', 'Haupt', 'alt@k1.de', true from customers where external_id = 'K-1'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut csv = String::from("customer,first_name,last_name,email,main_contact\n");
    csv.push_str("K-0,Erst,Standard,erst@k0.de,\n");
    for i in 2..=filler {
        csv.push_str(&format!("K-{i},Füll,Zeile,f{i}@example.com,\n"));
    }
    csv.push_str("K-0,Später,Markiert,spaet@k0.de,ja\n");
    csv.push_str("K-1,Neu,Markiert,neu@k1.de,ja\n");
    let (_, outcome) = import(&app, &admin, "contacts", &csv, true).await;
    assert_eq!(outcome["error_count"], 0, "{outcome}");
    let mains: Vec<(String, String)> = sqlx::query_as(
        "select c.external_id, k.email from contacts k join customers c on c.id = k.customer_id
          where k.is_main and c.external_id in ('K-0', 'K-1') order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        mains,
        [
            ("K-0".to_string(), "spaet@k0.de".to_string()),
            ("K-1".to_string(), "neu@k1.de".to_string())
        ]
    );

    // Undo: the contact created in the first chunk and demoted in a later one counts as
    // unchanged since (its version is the one the commit left), and goes with the others.
    let (status, body) = undo_latest(&app, &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let left: Vec<(String, bool)> = sqlx::query_as("select email, is_main from contacts")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, [("alt@k1.de".to_string(), true)]);
}

/// An import committed before created records carried the import's id: the migration
/// gives them the id from `import_records` and drops their one-per-record audit rows, so
/// the import can still be undone and its history shows one entry per record.
#[sqlx::test(migrations = false)]
async fn imports_from_before_the_import_id_still_undo(pool: PgPool) {
    let mut migrator = sqlx::migrate!("../migrations");
    let all = migrator.migrations.to_vec();
    let before = all
        .iter()
        .position(|m| m.description.contains("import provenance"))
        .expect("the migration that adds import_id");
    migrator.migrations = std::borrow::Cow::Owned(all[..before].to_vec());
    migrator.run(&pool).await.unwrap();
    let import = Uuid::new_v4();
    sqlx::raw_sql(&format!(
        "insert into imports (id, kind, file_name, status, created_count, committed_at)
              values ('{import}', 'customers', 'alt.csv', 'committed', 1, now());
         insert into customers (id, name) values ('{import}', 'Alt GmbH');
         insert into import_records (import_id, entity, record_id, action, version)
              values ('{import}', 'customer', '{import}', 'created', 1);
         insert into audit_log (customer_id, entity, entity_id, action, changes)
              values ('{import}', 'customer', '{import}', 'imported', '[]');"
    ))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::migrate!("../migrations").run(&pool).await.unwrap();
    let carried: Option<Uuid> = sqlx::query_scalar("select import_id from customers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(carried, Some(import));
    assert_eq!(
        count(&pool, "audit_log").await,
        0,
        "the history shows it from the import"
    );

    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let (_, trail) = app
        .call(&admin, "customers/history", &[("customer", &import.to_string())])
        .await;
    assert_eq!(trail.as_array().unwrap().len(), 1, "{trail}");
    assert_eq!(trail[0]["file_name"], "alt.csv");
    let (status, body) = undo_latest(&app, &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(count(&pool, "customers").await, 0);
}

/// External ids are stored as given, so one with a control character (PostgreSQL refuses
/// a NUL outright) or longer than 100 characters is a row error, not a failed commit.
#[sqlx::test(migrations = "../migrations")]
async fn external_ids_with_control_characters_or_too_long_are_row_errors(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let long = "K".repeat(101);
    let customers = format!("external_id,name\nK-\u{0}1,Null GmbH\n{long},Lang GmbH\nK-3,Gut GmbH\n");
    let (_, outcome) = import(&app, &admin, "customers", &customers, false).await;
    assert_eq!(
        errors(&outcome),
        vec![
            (2, "external_id".into(), "control_chars".into()),
            (3, "external_id".into(), "too_long".into()),
        ],
        "{outcome}"
    );
    assert_eq!(outcome["errors"][1]["params"], json!([["max", "100"]]));
    import(&app, &admin, "customers", "external_id,name\nK-3,Gut GmbH\n", true).await;
    let contacts = "external_id,customer,first_name,last_name,email\nP-\u{1b}1,K-3,A,B,a@gut.de\n";
    let (_, outcome) = import(&app, &admin, "contacts", contacts, false).await;
    assert_eq!(
        errors(&outcome),
        vec![(2, "external_id".into(), "control_chars".into())],
        "{outcome}"
    );
}

/// A record an import created and someone deleted since counts as changed: undo would not
/// give back what the import found, so it refuses.
#[sqlx::test(migrations = "../migrations")]
async fn an_import_with_a_deleted_record_cannot_be_undone(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    import(
        &app,
        &admin,
        "customers",
        "name,country\nEins GmbH,DE\nZwei GmbH,DE\n",
        true,
    )
    .await;
    sqlx::query("delete from customers where name = 'Zwei GmbH'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, body) = undo_latest(&app, &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "import.undo_changed");
    assert_eq!(body["fields"][0]["params"], json!([["count", "1"]]), "{body}");
    assert_eq!(count(&pool, "customers").await, 1, "Eins GmbH stays");
}

/// `n` audit entries for customer `id`, a microsecond apart, right after the time `after` gives.
async fn add_changes(pool: &PgPool, id: Uuid, n: i32, after: &str) {
    sqlx::query(&format!(
        "insert into audit_log (customer_id, entity, entity_id, action, at, changes)
         select $1, 'customer', $1, 'updated', ({after}) + make_interval(secs => i * 0.000001), '[]'
           from generate_series(1, $2) i"
    ))
    .bind(id)
    .bind(n)
    .execute(pool)
    .await
    .unwrap();
}

/// The history pages by time: entries of imported records (which have no audit row) sit
/// at their import's time, and paging with the last entry's cursor neither skips nor
/// repeats one.
#[sqlx::test(migrations = "../migrations")]
async fn the_history_pages_through_audit_rows_and_imported_records(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    import(
        &app,
        &admin,
        "customers",
        "name,domains,country\nAlt GmbH,alt.de,DE\n",
        true,
    )
    .await;
    let id: Uuid = sqlx::query_scalar("select id from customers")
        .fetch_one(&pool)
        .await
        .unwrap();
    // 30 changes a few microseconds after the customer's import, three contacts imported,
    // 49 more changes: 83 entries, and the first page ends between the contacts' entries,
    // which share their import's time.
    add_changes(&pool, id, 30, "select committed_at from imports").await;
    import(
        &app,
        &admin,
        "contacts",
        "customer,first_name,last_name,email\nalt.de,A,Eins,a@alt.de\nalt.de,B,Zwei,b@alt.de\nalt.de,C,Drei,c@alt.de\n",
        true,
    )
    .await;
    add_changes(&pool, id, 49, "select now()").await;

    let mut seen: Vec<Value> = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let idstr = id.to_string();
        let mut params = vec![("customer", idstr.as_str())];
        if let Some(b) = &before {
            params.push(("before", b.as_str()));
        }
        let (status, page) = app.call(&admin, "customers/history", &params).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let page = page.as_array().unwrap().clone();
        assert!(page.len() <= 50);
        let Some(last) = page.last() else { break };
        before = Some(last["cursor"].as_str().unwrap().to_string());
        seen.extend(page);
        assert!(seen.len() <= 83, "no entry twice");
    }
    assert_eq!(seen.len(), 83);
    let cursors: std::collections::HashSet<&str> = seen.iter().map(|e| e["cursor"].as_str().unwrap()).collect();
    assert_eq!(cursors.len(), 83, "every entry once");
    let kinds: Vec<String> = seen
        .iter()
        .map(|e| format!("{} {}", e["entity"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert!(kinds[..49].iter().all(|k| k == "customer updated"), "{kinds:?}");
    assert!(kinds[49..52].iter().all(|k| k == "contact imported"), "{kinds:?}");
    assert!(kinds[52..82].iter().all(|k| k == "customer updated"), "{kinds:?}");
    assert_eq!(kinds[82], "customer imported");
    let mut subjects: Vec<&str> = seen[49..52].iter().map(|e| e["subject"].as_str().unwrap()).collect();
    subjects.sort();
    assert_eq!(subjects, ["A Eins", "B Zwei", "C Drei"]);

    let (status, body) = app
        .call(
            &admin,
            "customers/history",
            &[("customer", &id.to_string()), ("before", "yesterday")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["code"], "history.cursor_invalid");
    // A time PostgreSQL cannot compare is refused the same way, not a database error.
    let ancient = format!("-8000000000000000000.1.{id}");
    let (status, body) = app
        .call(
            &admin,
            "customers/history",
            &[("customer", &id.to_string()), ("before", &ancient)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
