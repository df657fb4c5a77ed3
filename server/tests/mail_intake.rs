//! E-mail in, end to end over HTTP: the 35 real-world messages in `tests/mail/` (Outlook,
//! Gmail, Apple Mail, Thunderbird, German and Spanish clients, auto-replies, bounces,
//! list mail, ISO-2022-JP, windows-1252, winmail.dat, a huge attachment, malformed MIME)
//! are routed as the rules say; the same message twice is one ticket; the review queue
//! assigns and dismisses; tokens and the role matrix; the `mail-ingest` CLI.

mod common;

use app::auth::Role;
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

const DOMAIN: &str = "desk.onboard.test";
const T1: &str = "11111111-1111-4111-8111-111111111111";
const T2: &str = "22222222-2222-4222-8222-222222222222";
const T3: &str = "33333333-3333-4333-8333-333333333333";
const T4: &str = "44444444-4444-4444-8444-444444444444";

fn eml(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn contact(pool: &PgPool, customer: Uuid, first: &str, email: &str, main: bool) -> Uuid {
    sqlx::query_scalar(
        "insert into contacts (customer_id, first_name, last_name, email, is_main) values ($1, $2, 'X', $3, $4) returning id",
    )
    .bind(customer)
    .bind(first)
    .bind(email)
    .bind(main)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn ticket(pool: &PgPool, id: &str, number: &str, customer: Uuid, contact: Uuid, status: &str, closed_days: i32) {
    sqlx::query(
        "insert into tickets (id, number, customer_id, contact_id, title, priority, status, source, closed_at, resolved_at)
         values ($1::uuid, $2, $3, $4, 'Drucker druckt nicht', 'medium', $5, 'phone',
                 case when $5 = 'closed' then now() - make_interval(days => $6) end,
                 case when $5 in ('resolved', 'closed') then now() - make_interval(days => $6) end)",
    )
    .bind(id)
    .bind(number)
    .bind(customer)
    .bind(contact)
    .bind(status)
    .bind(closed_days)
    .execute(pool)
    .await
    .unwrap();
}

struct Desk {
    mueller: Uuid,
    acme: Uuid,
    tom: Uuid,
}

/// Müller GmbH (mueller.de: Eva main, Tom) and Acme Iberia (acme.es, tickets only via the
/// main contact: Ana main, Pedro); tickets T-2026-000001 (open), -000002 (closed 30 days
/// ago), -000003 (resolved 2 days ago) for Müller, -000004 (open) for Acme.
async fn desk(pool: &PgPool) -> Desk {
    let mueller = customer(pool, "Müller GmbH").await;
    let acme = customer(pool, "Acme Iberia SL").await;
    sqlx::query("insert into customer_domains (domain, customer_id) values ('mueller.de', $1), ('acme.es', $2)")
        .bind(mueller)
        .bind(acme)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("update customers set tickets_only_via_main = true where id = $1")
        .bind(acme)
        .execute(pool)
        .await
        .unwrap();
    let eva = contact(pool, mueller, "Eva", "eva@mueller.de", true).await;
    let tom = contact(pool, mueller, "Tom", "Tom@Mueller.de", false).await;
    let ana = contact(pool, acme, "Ana", "ana@acme.es", true).await;
    contact(pool, acme, "Pedro", "pedro@acme.es", false).await;
    ticket(pool, T1, "T-2026-000001", mueller, eva, "open", 0).await;
    ticket(pool, T2, "T-2026-000002", mueller, eva, "closed", 30).await;
    ticket(pool, T3, "T-2026-000003", mueller, tom, "resolved", 2).await;
    ticket(pool, T4, "T-2026-000004", acme, ana, "open", 0).await;
    // the numbers above were given by hand; new tickets continue after them
    sqlx::query("select setval('ticket_number_seq', 4)")
        .execute(pool)
        .await
        .unwrap();
    Desk { mueller, acme, tom }
}

async fn inbound_token(app: &TestApp, admin: &Client, scopes: &[&str]) -> String {
    let (status, body) = app
        .json(
            admin,
            "tokens/create",
            json!({ "name": format!("mail {}", Uuid::new_v4()), "scopes": scopes }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["secret"].as_str().unwrap().to_owned()
}

async fn deliver(app: &TestApp, token: Option<&str>, raw: Vec<u8>) -> (StatusCode, Value) {
    let mut req = Client::new().post(format!("{}/api/inbound/email", app.base)).body(raw);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The last message of a ticket: its body, author contact, attachments, dropped files.
async fn last_message(pool: &PgPool, ticket: &Value) -> (String, Option<Uuid>, Vec<(String, String)>, Vec<String>) {
    let (id, body, author, dropped): (Uuid, String, Option<Uuid>, Vec<String>) = sqlx::query_as(
        "select id, body, author_contact_id, dropped_attachments from ticket_messages
          where ticket_id = $1::uuid order by created_at desc, id desc limit 1",
    )
    .bind(ticket.as_str().unwrap())
    .fetch_one(pool)
    .await
    .unwrap();
    let files: Vec<(String, String)> = sqlx::query_as(
        "select file_name, content_type from ticket_attachments where message_id = $1 order by position",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap();
    (body, author, files, dropped)
}

async fn title_of(pool: &PgPool, ticket: &Value) -> String {
    sqlx::query_scalar("select title from tickets where id = $1::uuid")
        .bind(ticket.as_str().unwrap())
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn real_world_messages_are_routed_as_the_rules_say(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[("ONBOARD_MAIL_DOMAIN", DOMAIN)]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let d = desk(&pool).await;
    let token = inbound_token(&app, &admin, &["inbound_email:write"]).await;

    // (file, outcome, reason, ticket it must land on)
    let expected: [(&str, &str, Option<&str>, Option<&str>); 35] = [
        ("01-outlook-new-request-de.eml", "new_ticket", None, None),
        ("02-gmail-new-request-es.eml", "new_ticket", None, None),
        ("03-apple-mail-de.eml", "new_ticket", None, None),
        ("04-unknown-employee-of-known-domain.eml", "new_ticket", None, None),
        ("05-webmail-stranger.eml", "review", Some("webmail"), None),
        ("06-unknown-domain.eml", "review", Some("unknown_sender"), None),
        // a domain belongs to one customer at most (customer_domains' key), so a domain
        // nobody owns is an unknown sender
        ("07-ambiguous-domain.eml", "review", Some("unknown_sender"), None),
        (
            "08-main-only-other-contact.eml",
            "review",
            Some("not_main_contact"),
            None,
        ),
        (
            "09-main-only-unknown-sender.eml",
            "review",
            Some("not_main_contact"),
            None,
        ),
        ("10-reply-by-headers-outlook.eml", "reply", None, Some(T1)),
        ("11-reply-by-subject-token-gmail.eml", "reply", None, Some(T1)),
        (
            "12-subject-token-from-stranger.eml",
            "review",
            Some("unknown_sender"),
            None,
        ),
        ("13-reply-to-ticket-closed-long-ago.eml", "follow_up", None, None),
        ("14-reply-to-recently-resolved.eml", "reply", None, Some(T3)),
        ("15-out-of-office-de.eml", "ignored", Some("auto_reply"), None),
        ("16-exchange-auto-reply-es.eml", "ignored", Some("auto_reply"), None),
        ("17-newsletter-bulk.eml", "ignored", Some("bulk"), None),
        ("18-mailing-list.eml", "ignored", Some("bulk"), None),
        ("19-bounce-dsn.eml", "ignored", Some("bounce"), None),
        ("20-bounce-plain-mailer-daemon.eml", "ignored", Some("bounce"), None),
        ("21-iso-2022-jp.eml", "new_ticket", None, None),
        ("22-latin1-8bit-de.eml", "new_ticket", None, None),
        ("23-windows-1252-es.eml", "new_ticket", None, None),
        ("24-outlook-winmail-dat.eml", "new_ticket", None, None),
        ("25-huge-attachment.eml", "new_ticket", None, None),
        ("26-malformed-missing-closing-boundary.eml", "new_ticket", None, None),
        ("27-garbage-no-sender.eml", "review", Some("unparseable"), None),
        ("28-html-only-with-script.eml", "new_ticket", None, None),
        ("29-our-own-message-loop.eml", "ignored", Some("own"), None),
        ("30-autoresponder-loop-notice.eml", "ignored", Some("auto_reply"), None),
        ("31-reply-quoted-history-de.eml", "reply", None, Some(T1)),
        ("32-reply-quoted-history-es.eml", "reply", None, Some(T4)),
        ("33-thunderbird-pdf-attachment.eml", "new_ticket", None, None),
        ("34-forwarded-message-rfc822.eml", "new_ticket", None, None),
        ("35-utf8-base64-subject.eml", "new_ticket", None, None),
    ];
    let mut results = std::collections::HashMap::new();
    for (file, outcome, reason, on) in expected {
        let (status, body) = deliver(&app, Some(&token), eml(file)).await;
        assert_eq!(status, StatusCode::OK, "{file}: {body}");
        assert_eq!(body["outcome"], outcome, "{file}: {body}");
        assert_eq!(body["reason"].as_str(), reason, "{file}: {body}");
        assert_eq!(body["duplicate"], false, "{file}");
        if let Some(t) = on {
            assert_eq!(body["ticket"], t, "{file}");
        }
        if matches!(outcome, "new_ticket" | "follow_up" | "reply") {
            assert!(body["ticket"].is_string(), "{file}: {body}");
        }
        results.insert(file, body);
    }
    let r = |f: &str| results[f]["ticket"].clone();

    // charsets and encoded words
    assert_eq!(
        title_of(&pool, &r("01-outlook-new-request-de.eml")).await,
        "Drucker im 2. OG druckt nur leere Seiten"
    );
    assert!(
        last_message(&pool, &r("01-outlook-new-request-de.eml"))
            .await
            .0
            .contains("seit heute früh")
    );
    assert_eq!(
        title_of(&pool, &r("21-iso-2022-jp.eml")).await,
        "プリンターが動きません"
    );
    assert!(
        last_message(&pool, &r("21-iso-2022-jp.eml"))
            .await
            .0
            .contains("東京オフィスのプリンター")
    );
    assert_eq!(
        title_of(&pool, &r("22-latin1-8bit-de.eml")).await,
        "Größere Festplatte für Buchhaltung"
    );
    assert!(
        last_message(&pool, &r("22-latin1-8bit-de.eml"))
            .await
            .0
            .contains("größere Festplatte")
    );
    assert_eq!(
        title_of(&pool, &r("23-windows-1252-es.eml")).await,
        "¿Podéis revisar el correo de Nuñez?"
    );
    assert!(
        last_message(&pool, &r("23-windows-1252-es.eml"))
            .await
            .0
            .contains("“buzón lleno” – gracias")
    );
    assert_eq!(
        title_of(&pool, &r("35-utf8-base64-subject.eml")).await,
        "Überstunden im März – Rückfrage"
    );

    // replies keep what the sender wrote, not the quoted history
    let (body, author, _, _) = last_message(&pool, &json!(T4)).await;
    assert_eq!(body, "Ya funciona, gracias.");
    assert!(author.is_some(), "Ana is the contact");
    let (body, author, _, _) = last_message(&pool, &json!(T1)).await;
    assert_eq!(
        (body.as_str(), author),
        ("Bei mir druckt er jetzt auch wieder.", Some(d.tom))
    );
    let t1_messages: Vec<String> =
        sqlx::query_scalar("select body from ticket_messages where ticket_id = $1::uuid order by created_at, id")
            .bind(T1)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        t1_messages.len(),
        3,
        "two replies and Tom's; the auto-reply and our own message added nothing: {t1_messages:?}"
    );
    assert_eq!(t1_messages[0], "Danke, jetzt geht es wieder!\n\nViele Grüße\nEva");
    assert_eq!(t1_messages[1], "Noch eine Frage: brauchen wir neuen Toner?");

    // a reply reopens a resolved ticket; a late one starts a follow-up
    let t3: String = sqlx::query_scalar("select status from tickets where id = $1::uuid")
        .bind(T3)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(t3, "open");
    let (follows, t2_status): (Option<Uuid>, String) = sqlx::query_as(
        "select f.follows_up, p.status from tickets f join tickets p on p.id = f.follows_up where f.id = $1::uuid",
    )
    .bind(r("13-reply-to-ticket-closed-long-ago.eml").as_str().unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (follows.map(|f| f.to_string()), t2_status.as_str()),
        (Some(T2.to_owned()), "closed")
    );

    // whoever the sender copied watches the new ticket (our own address is left out)
    let watchers: Vec<String> = sqlx::query_scalar("select email from ticket_watchers where ticket_id = $1::uuid")
        .bind(r("03-apple-mail-de.eml").as_str().unwrap())
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(watchers, vec!["chef@mueller.de".to_owned()]);

    // a new sender at a customer's domain becomes a contact, marked as made from e-mail
    let (customer_of, made): (Uuid, bool) =
        sqlx::query_as("select customer_id, created_from_email from contacts where email = 'jonas.weiss@mueller.de'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((customer_of, made), (d.mueller, true));
    // main contact only: Pedro and Luis opened nothing and Luis is no contact
    let acme_tickets: i64 = sqlx::query_scalar("select count(*) from tickets where customer_id = $1")
        .bind(d.acme)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(acme_tickets, 3, "T-2026-000004 and Ana's two new requests");
    let luis: i64 = sqlx::query_scalar("select count(*) from contacts where email = 'luis@acme.es'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(luis, 0);

    // a bounce flags the address it came back for
    let bounced: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select email_bounced_at from contacts where id = $1")
            .bind(d.tom)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(bounced.is_some());

    // attachments: kept with the sniffed type, too large ones named, HTML never kept
    let (_, _, files, _) = last_message(&pool, &r("24-outlook-winmail-dat.eml")).await;
    assert_eq!(
        files,
        vec![("winmail.dat".to_owned(), "application/vnd.ms-tnef".to_owned())]
    );
    let (_, _, files, dropped) = last_message(&pool, &r("25-huge-attachment.eml")).await;
    assert_eq!((files.len(), dropped), (0, vec!["server-logs.bin".to_owned()]));
    let (_, _, files, _) = last_message(&pool, &r("33-thunderbird-pdf-attachment.eml")).await;
    assert_eq!(
        files,
        vec![("rechnung.pdf".to_owned(), "application/pdf".to_owned())],
        "sniffed, not the claimed image/png"
    );
    let (_, _, files, _) = last_message(&pool, &r("34-forwarded-message-rfc822.eml")).await;
    assert_eq!(
        files,
        vec![("Konto gesperrt.eml".to_owned(), "message/rfc822".to_owned())]
    );
    let (body, _, _, _) = last_message(&pool, &r("28-html-only-with-script.eml")).await;
    assert!(
        body.contains("flackert") && !body.contains("<") && !body.contains("alert"),
        "{body}"
    );
    let (body, _, files, _) = last_message(&pool, &r("26-malformed-missing-closing-boundary.eml")).await;
    assert!(body.contains("Fehler 0x1F"), "{body}");
    assert_eq!(files.len(), 1, "the unterminated part is still read");

    // the download is always an attachment, with the sniffed type
    let message: Uuid =
        sqlx::query_scalar("select message_id from ticket_attachments where file_name = 'rechnung.pdf'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let res = admin
        .get(format!("{}/api/attachments/{message}/0", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"rechnung.pdf\""
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    let res = Client::new()
        .get(format!("{}/api/attachments/{message}/0", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_message_twice_is_one_ticket_even_at_once(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[("ONBOARD_MAIL_DOMAIN", DOMAIN)]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    desk(&pool).await;
    let token = inbound_token(&app, &admin, &["inbound_email:write"]).await;
    let raw = eml("03-apple-mail-de.eml");
    let (a, b) = tokio::join!(
        deliver(&app, Some(&token), raw.clone()),
        deliver(&app, Some(&token), raw.clone())
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK));
    assert_eq!(a.1["ticket"], b.1["ticket"]);
    assert!(
        a.1["duplicate"].as_bool().unwrap() ^ b.1["duplicate"].as_bool().unwrap(),
        "one did the work"
    );
    let (_, again) = deliver(&app, Some(&token), raw).await;
    assert_eq!(
        (again["duplicate"].clone(), again["ticket"].clone()),
        (json!(true), a.1["ticket"].clone())
    );
    let tickets: i64 = sqlx::query_scalar("select count(*) from tickets where source = 'email'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tickets, 1);

    // the CLI (a Postfix pipe) takes the same path: a new message once, then a duplicate
    let url = common::database_url(&pool).await;
    for want_duplicate in [false, true] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_onboard"))
            .arg("mail-ingest")
            .env("DATABASE_URL", &url)
            .env("ONBOARD_MAIL_DOMAIN", DOMAIN)
            .env("RUST_LOG", "error")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(&eml("01-outlook-new-request-de.eml"))
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let body: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
        assert_eq!(
            (body["outcome"].as_str(), body["duplicate"].as_bool()),
            (Some("new_ticket"), Some(want_duplicate))
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_review_queue_assigns_in_one_step_and_tokens_and_roles_hold(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[("ONBOARD_MAIL_DOMAIN", DOMAIN)]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let d = desk(&pool).await;

    // no token, a bad one, a revoked one: 401; the wrong scope: 403; nothing stored
    let usage_only = inbound_token(&app, &admin, &["usage:write"]).await;
    assert_eq!(
        deliver(&app, None, eml("05-webmail-stranger.eml")).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        deliver(&app, Some("onb_nonsense"), eml("05-webmail-stranger.eml"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        deliver(&app, Some(&usage_only), eml("05-webmail-stranger.eml")).await.0,
        StatusCode::FORBIDDEN
    );
    let stored: i64 = sqlx::query_scalar("select count(*) from inbound_messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    let token = inbound_token(&app, &admin, &["inbound_email:write"]).await;
    let (status, body) = deliver(&app, Some(&token), Vec::new()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("transport"))
    );

    for f in [
        "05-webmail-stranger.eml",
        "08-main-only-other-contact.eml",
        "06-unknown-domain.eml",
    ] {
        deliver(&app, Some(&token), eml(f)).await;
    }
    let (status, page) = app.json(&admin, "mail/review/list", json!({ "after": null })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let by_reason = |r: &str| rows.iter().find(|x| x["reason"] == r).unwrap().clone();
    let webmail = by_reason("webmail");
    assert_eq!(webmail["from_address"], "max.mustermann1987@gmail.com");
    assert!(webmail["excerpt"].as_str().unwrap().contains("Arztpraxen"));
    let pedro = by_reason("not_main_contact");
    assert_eq!(pedro["customer"], json!(d.acme));

    // restricted staff see only what was meant for their customers, and act only there
    let restricted = app.signed_in("restricted@example.com", Role::Technician).await;
    sqlx::query("update users set restricted = true where email = 'restricted@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("insert into customer_team (customer_id, user_id) select $1, id from users where email = 'restricted@example.com'")
        .bind(d.mueller)
        .execute(&pool)
        .await
        .unwrap();
    let (_, theirs) = app.json(&restricted, "mail/review/list", json!({})).await;
    assert_eq!(theirs["rows"].as_array().unwrap().len(), 0, "{theirs}");
    let assign = json!({ "message": webmail["id"], "customer": d.mueller, "contact": null });
    let (status, _) = app.json(&restricted, "mail/review/assign", assign.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "meant for nobody known");
    let (status, _) = app
        .json(&restricted, "mail/review/dismiss", json!({ "message": pedro["id"] }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "meant for a customer not theirs");
    let anonymous = app.client();
    assert_eq!(
        app.json(&anonymous, "mail/review/list", json!({})).await.0,
        StatusCode::UNAUTHORIZED
    );

    // assign: a ticket for Müller from the message, a contact made from the sender
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let (status, ticket) = app.json(&tech, "mail/review/assign", assign.clone()).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let (customer_of, title): (Uuid, String) =
        sqlx::query_as("select customer_id, title from tickets where id = $1::uuid")
            .bind(ticket.as_str().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((customer_of, title.as_str()), (d.mueller, "Frage zu Ihrem Angebot"));
    let made: bool =
        sqlx::query_scalar("select created_from_email from contacts where email = 'max.mustermann1987@gmail.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(made);
    let (status, _) = app.json(&tech, "mail/review/assign", assign).await;
    assert_eq!(status, StatusCode::CONFLICT, "handled already");
    let (status, _) = app
        .json(&tech, "mail/review/dismiss", json!({ "message": pedro["id"] }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, left) = app.json(&tech, "mail/review/list", json!({})).await;
    assert_eq!(left["rows"].as_array().unwrap().len(), 1, "{left}");
}
