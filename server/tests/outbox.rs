//! E-mail out: who is told of what (contact, watchers, main contact by preference,
//! assignee, the main-contact-only notice once a day), in their language; the sender
//! writes each message once with our Message-ID and threading headers, a reply to it finds
//! its ticket, failures back off and give up, two senders share the outbox, and two
//! auto-responders cannot keep a ticket talking.

mod common;

use app::auth::Role;
use common::{TestApp, customer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server::outbox::{MAX_ATTEMPTS, Sender, Transport};
use sqlx::PgPool;
use uuid::Uuid;

const DOMAIN: &str = "desk.onboard.test";

async fn contact(pool: &PgPool, customer: Uuid, first: &str, email: &str, main: bool, notify: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into contacts (customer_id, first_name, last_name, email, is_main, notification_preference)
         values ($1, $2, 'Beispiel', $3, $4, $5) returning id",
    )
    .bind(customer)
    .bind(first)
    .bind(email)
    .bind(main)
    .bind(notify)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// (kind, to, language, subject, body) of every row, oldest first.
async fn outbox(pool: &PgPool) -> Vec<(String, String, String, String, String)> {
    sqlx::query_as(
        "select kind, to_address, language, subject, body from outbound_mail order by created_at, kind, to_address",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn sender(pool: &PgPool, transport: Transport) -> Sender {
    Sender {
        pool: pool.clone(),
        transport,
        from: "Support <support@desk.onboard.test>".parse().unwrap(),
        mail_domain: DOMAIN.into(),
        public_url: Some("https://desk.onboard.test".into()),
    }
}

fn scratch_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("onboard-outbox-{}", Uuid::new_v4()))
}

fn raw(from: &str, subject: &str, message_id: &str, in_reply_to: Option<&str>, extra: &str, body: &str) -> Vec<u8> {
    let reply = in_reply_to
        .map(|r| format!("In-Reply-To: {r}\r\nReferences: {r}\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\nTo: support@desk.onboard.test\r\nSubject: {subject}\r\nDate: Mon, 07 Dec 2026 09:00:00 +0100\r\n\
         Message-ID: {message_id}\r\n{reply}{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn ingest(pool: &PgPool, raw: Vec<u8>) -> app::mail::intake::Intake {
    app::mail::intake::ingest(pool, DOMAIN, &raw, app::mail::intake::Transport::Api)
        .await
        .unwrap()
}

async fn create(app: &TestApp, client: &Client, customer: Uuid, contact: Uuid, watchers: &str, key: Uuid) -> Value {
    let draft = json!({ "title": "Drucker druckt nicht", "description": "Seit heute früh.", "priority": "medium",
                        "category": "", "source": "phone", "contact": contact.to_string(), "watchers": watchers });
    let (status, row) = app
        .json(
            client,
            "tickets/create",
            json!({ "idempotency_key": key, "customer": customer, "ticket": draft }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{row}");
    row
}

#[sqlx::test(migrations = "../migrations")]
async fn notifications_reach_contact_watchers_main_contact_and_assignee(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[("ONBOARD_MAIL_DOMAIN", DOMAIN)]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let language: Option<String> = sqlx::query_scalar("select language from users where email = 'admin@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(language.as_deref(), Some("en"), "signing in records the language");
    let mueller = customer(&pool, "Müller GmbH").await;
    sqlx::query("update customers set invoice_language = 'de' where id = $1")
        .bind(mueller)
        .execute(&pool)
        .await
        .unwrap();
    contact(&pool, mueller, "Eva", "eva@mueller.de", true, "all").await;
    let tom = contact(&pool, mueller, "Tom", "tom@mueller.de", false, "own_tickets").await;
    let lena = contact(&pool, mueller, "Lena", "lena@mueller.de", false, "none").await;

    // create: the contact hears of it, and the main contact (who wants all) of the workflow
    let key = Uuid::new_v4();
    let t = create(&app, &admin, mueller, tom, "cc@partner.example", key).await;
    create(&app, &admin, mueller, tom, "cc@partner.example", key).await;
    let number = t["number"].as_str().unwrap().to_owned();
    let rows = outbox(&pool).await;
    assert_eq!(rows.len(), 2, "a retried create writes nothing twice: {rows:?}");
    let to_tom = rows.iter().find(|r| r.1 == "tom@mueller.de").unwrap();
    assert_eq!((to_tom.0.as_str(), to_tom.2.as_str()), ("ticket_created", "de"));
    assert_eq!(to_tom.3, format!("[{number}] Drucker druckt nicht"));
    assert!(to_tom.4.starts_with("Guten Tag Tom Beispiel,"), "{}", to_tom.4);
    let to_eva = rows.iter().find(|r| r.1 == "eva@mueller.de").unwrap();
    assert!(to_eva.4.contains("Gemeldet von: Tom Beispiel"), "{}", to_eva.4);

    // a public reply goes to the contact and the watchers, a note to nobody
    let (_, detail) = app
        .json(
            &admin,
            "tickets/message",
            json!({ "idempotency_key": Uuid::new_v4(), "ticket": t["id"], "kind": "note", "body": "intern" }),
        )
        .await;
    assert_eq!(detail["outbound"].as_array().unwrap().len(), 2);
    let (status, detail) = app
        .json(
            &admin,
            "tickets/message",
            json!({ "idempotency_key": Uuid::new_v4(), "ticket": t["id"], "kind": "reply", "body": "Bitte neu starten {author}." }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let replies: Vec<_> = outbox(&pool)
        .await
        .into_iter()
        .filter(|r| r.0 == "ticket_reply")
        .collect();
    assert_eq!(
        replies.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ["cc@partner.example", "tom@mueller.de"]
    );
    assert!(
        replies[1].4.starts_with("Bitte neu starten {author}.\n\nTest User"),
        "{}",
        replies[1].4
    );
    let shown = &detail["outbound"].as_array().unwrap()[2];
    assert_eq!(shown["state"]["state"], "queued", "{shown}");

    // resolve: the contact and the main contact
    let version = detail["ticket"]["version"].as_i64().unwrap();
    let (status, _) = app
        .json(
            &admin,
            "tickets/status",
            json!({ "id": t["id"], "version": version, "status": "resolved" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let resolved: Vec<_> = outbox(&pool)
        .await
        .into_iter()
        .filter(|r| r.0 == "ticket_resolved")
        .collect();
    assert_eq!(resolved.len(), 2, "{resolved:?}");
    assert!(
        resolved
            .iter()
            .any(|r| r.1 == "tom@mueller.de" && r.4.contains("als gelöst markiert"))
    );

    // a contact who wants nothing hears nothing; the main contact still hears of the workflow
    let before = outbox(&pool).await.len();
    create(&app, &admin, mueller, lena, "", Uuid::new_v4()).await;
    let after = outbox(&pool).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap().1, "eva@mueller.de");

    // the customer's reply by e-mail tells the assignee, in the assignee's language
    let tech = app.user("ines@msp.example", Role::Technician).await;
    sqlx::query("update users set language = 'es' where id = $1")
        .bind(tech)
        .execute(&pool)
        .await
        .unwrap();
    let (_, detail) = app
        .call(&admin, "tickets/get", &[("id", t["id"].as_str().unwrap())])
        .await;
    let version = detail["ticket"]["version"].as_i64().unwrap();
    let (status, _) = app
        .json(
            &admin,
            "tickets/assign",
            json!({ "id": t["id"], "version": version, "assignee": tech }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let our_id = format!("<t.{}.{}@{DOMAIN}>", t["id"].as_str().unwrap(), Uuid::new_v4());
    let intake = ingest(
        &pool,
        raw(
            "Tom Beispiel <tom@mueller.de>",
            &format!("Re: [{number}] Drucker druckt nicht"),
            "<reply-1@mueller.de>",
            Some(&our_id),
            "",
            "Geht wieder nicht.",
        ),
    )
    .await;
    assert_eq!(intake.outcome, "reply");
    let to_ines: Vec<_> = outbox(&pool)
        .await
        .into_iter()
        .filter(|r| r.0 == "assignee_reply")
        .collect();
    assert_eq!(to_ines.len(), 1);
    assert_eq!(
        (to_ines[0].1.as_str(), to_ines[0].2.as_str()),
        ("ines@msp.example", "es")
    );
    assert_eq!(
        to_ines[0].3,
        format!("[{number}] Nueva respuesta de Müller GmbH: Drucker druckt nicht")
    );
    assert!(to_ines[0].4.contains("Geht wieder nicht."), "{}", to_ines[0].4);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sender_writes_each_message_once_and_replies_thread_back(pool: PgPool) {
    let mueller = customer(&pool, "Müller GmbH").await;
    sqlx::query("insert into customer_domains (domain, customer_id) values ('mueller.de', $1)")
        .bind(mueller)
        .execute(&pool)
        .await
        .unwrap();
    contact(&pool, mueller, "Eva", "eva@mueller.de", true, "all").await;

    // a request by e-mail: the acknowledgement answers it
    let opened = ingest(
        &pool,
        raw(
            "Eva Beispiel <eva@mueller.de>",
            "VPN geht nicht",
            "<req-1@mueller.de>",
            None,
            "",
            "Hallo, das VPN geht nicht.",
        ),
    )
    .await;
    assert_eq!(opened.outcome, "new_ticket");
    let ticket = opened.ticket.unwrap();
    let dir = scratch_dir();
    let s = sender(&pool, Transport::Files(dir.clone()));
    assert_eq!(s.drain().await.unwrap().sent, 1);
    assert_eq!(s.drain().await.unwrap().sent, 0, "sent once");
    let (id, sent): (Uuid, bool) = sqlx::query_as("select id, sent_at is not null from outbound_mail")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(sent);
    let eml = std::fs::read_to_string(dir.join(format!("{id}.eml"))).unwrap();
    let message_id = format!("<t.{ticket}.{id}@{DOMAIN}>");
    for header in [
        format!("Message-ID: {message_id}"),
        "In-Reply-To: <req-1@mueller.de>".into(),
        "References: <req-1@mueller.de>".into(),
        "Auto-Submitted: auto-generated".into(),
        format!("X-Onboard-Ticket: {}", opened.ticket_number.clone().unwrap()),
        "From: Support <support@desk.onboard.test>".into(),
    ] {
        assert!(eml.contains(&header), "{header} missing in\n{eml}");
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left");

    // the contact answers our mail: it lands on the ticket
    let answer = ingest(
        &pool,
        raw(
            "eva@mueller.de",
            "AW: VPN geht nicht",
            "<req-2@mueller.de>",
            Some(&message_id),
            "",
            "Danke, jetzt geht es.",
        ),
    )
    .await;
    assert_eq!((answer.outcome.as_str(), answer.ticket), ("reply", Some(ticket)));
    // our own mail coming back (a loop through a forwarding rule) is ignored
    let looped = ingest(&pool, eml.into_bytes()).await;
    assert_eq!(
        (looped.outcome.as_str(), looped.reason.as_deref()),
        ("ignored", Some("own"))
    );

    // an auto-responder answering our acknowledgement opens nothing and is answered by nothing
    let before: i64 = sqlx::query_scalar("select count(*) from outbound_mail")
        .fetch_one(&pool)
        .await
        .unwrap();
    let auto = ingest(
        &pool,
        raw(
            "eva@mueller.de",
            "Abwesenheitsnotiz: [T] VPN geht nicht",
            "<ooo-1@mueller.de>",
            Some(&message_id),
            "Auto-Submitted: auto-replied\r\n",
            "Ich bin bis Montag nicht im Büro.",
        ),
    )
    .await;
    assert_eq!(auto.outcome, "ignored");
    let after: i64 = sqlx::query_scalar("select count(*) from outbound_mail")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(after, before, "the loop stops");
    let _ = std::fs::remove_dir_all(dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn failures_back_off_and_are_given_up(pool: PgPool) {
    let insert = |to: &'static str, key: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "insert into outbound_mail (dedupe_key, kind, to_address, language, subject, body)
                 values ($1, 'main_contact_only', $2, 'en', 'Hello', 'Body')",
            )
            .bind(key)
            .bind(to)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    insert("ana@acme.es", "a").await;
    insert("not an address", "b").await;
    // nothing listens on port 9 of loopback: the connection is refused
    let s = sender(
        &pool,
        Transport::from_config(Some("smtp://127.0.0.1:9"), scratch_dir()).unwrap(),
    );
    let done = s.send_due().await.unwrap();
    assert_eq!((done.sent, done.failed), (0, 2));
    let rows: Vec<(String, i32, bool, bool, Option<String>)> = sqlx::query_as(
        "select dedupe_key, attempts, next_attempt_at > now() + interval '50 seconds', failed_at is not null, last_error
           from outbound_mail order by dedupe_key",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        (rows[0].1, rows[0].2, rows[0].3),
        (1, true, false),
        "retried later: {rows:?}"
    );
    assert!(rows[0].4.as_deref().is_some_and(|e| !e.is_empty()));
    assert!(rows[1].3, "a bad address is given up at once: {rows:?}");
    assert_eq!(s.send_due().await.unwrap(), Default::default(), "nothing due yet");

    // the last attempt fails: given up
    sqlx::query("update outbound_mail set attempts = $1, next_attempt_at = now() where dedupe_key = 'a'")
        .bind(MAX_ATTEMPTS - 1)
        .execute(&pool)
        .await
        .unwrap();
    s.send_due().await.unwrap();
    let failed: bool = sqlx::query_scalar("select failed_at is not null from outbound_mail where dedupe_key = 'a'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(failed);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_senders_send_each_message_once(pool: PgPool) {
    sqlx::query(
        "insert into outbound_mail (dedupe_key, kind, to_address, language, subject, body)
         select 'k' || n, 'main_contact_only', 'user' || n || '@example.com', 'de', 'Betreff', 'Text'
           from generate_series(1, 90) n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let dir = scratch_dir();
    let (a, b) = (
        sender(&pool, Transport::Files(dir.clone())),
        sender(&pool, Transport::Files(dir.clone())),
    );
    let (x, y) = tokio::join!(a.drain(), b.drain());
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.sent + y.sent, 90, "{x:?} {y:?}");
    let unsent: i64 = sqlx::query_scalar("select count(*) from outbound_mail where sent_at is null or attempts <> 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(unsent, 0);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 90);
    let _ = std::fs::remove_dir_all(dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn main_contact_only_sends_one_notice_a_day_in_the_customers_language(pool: PgPool) {
    let acme = customer(&pool, "Acme Iberia SL").await;
    sqlx::query("update customers set tickets_only_via_main = true, country = 'ES' where id = $1")
        .bind(acme)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("insert into customer_domains (domain, customer_id) values ('acme.es', $1)")
        .bind(acme)
        .execute(&pool)
        .await
        .unwrap();
    contact(&pool, acme, "Ana", "ana@acme.es", true, "all").await;
    contact(&pool, acme, "Pedro", "pedro@acme.es", false, "all").await;
    for (n, from) in [(1, "pedro@acme.es"), (2, "Pedro@Acme.es"), (3, "nuevo@acme.es")] {
        let r = ingest(
            &pool,
            raw(
                from,
                &format!("Consulta {n}"),
                &format!("<q-{n}@acme.es>"),
                None,
                "",
                "¿Podéis ayudarnos?",
            ),
        )
        .await;
        assert_eq!(
            (r.outcome.as_str(), r.reason.as_deref()),
            ("review", Some("not_main_contact"))
        );
    }
    let rows = outbox(&pool).await;
    let mut to: Vec<String> = rows.iter().map(|r| r.1.to_lowercase()).collect();
    to.sort();
    assert_eq!(
        to,
        ["nuevo@acme.es", "pedro@acme.es"],
        "one notice per address and day: {rows:?}"
    );
    assert!(rows.iter().all(|r| r.0 == "main_contact_only" && r.2 == "es"));
    assert!(
        rows[0]
            .4
            .contains("solo aceptamos solicitudes nuevas por correo del contacto principal")
    );
    let tickets: i64 = sqlx::query_scalar("select count(*) from tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tickets, 0);
}
