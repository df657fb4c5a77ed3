//! The HTTP surface against a real PostgreSQL: sign-in, sessions, the gate, CSRF,
//! throttling, headers.

mod common;

use app::auth::Role;
use common::{PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let c = app.client();
    assert_eq!(
        c.get(format!("{}/healthz", app.base)).send().await.unwrap().status(),
        200
    );
    let ready = c.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_pages_redirect_to_sign_in(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let res = app
        .client()
        .get(format!("{}/settings/users", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=/settings/users");
    let login = app.client().get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(login.status(), 200);
    assert!(login.text().await.unwrap().contains("<form"));
}

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_api_call_gets_401_with_json(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let (status, body) = app.call(&app.client(), "users/list", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"error": "unauthenticated"}));
}

#[sqlx::test(migrations = "../migrations")]
async fn technician_calling_an_admin_function_gets_403_with_json(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let (status, body) = app.call(&tech, "users/list", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!({"error": "forbidden"}));
}

/// PRODUCT.md: users, roles, settings — admin only.
#[sqlx::test(migrations = "../migrations")]
async fn user_management_role_matrix(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let target = app.user("target@example.com", Role::Technician).await.to_string();
    for (role, allowed) in [
        (Role::Admin, true),
        (Role::BillingAdmin, false),
        (Role::Technician, false),
    ] {
        let client = app.signed_in(&format!("{}@example.com", role.as_str()), role).await;
        let new_email = format!("new-{}@example.com", role.as_str());
        let calls: [(&str, Vec<(&str, &str)>); 4] = [
            ("users/list", vec![]),
            (
                "users/create",
                vec![
                    ("name", "Neu Nutzer"),
                    ("email", &new_email),
                    ("role", "technician"),
                    ("password", PASSWORD),
                ],
            ),
            ("users/role", vec![("id", &target), ("role", "billing_admin")]),
            ("users/active", vec![("id", &target), ("active", "true")]),
        ];
        for (function, form) in calls {
            let (status, body) = app.call(&client, function, &form).await;
            if allowed {
                assert_eq!(status, StatusCode::OK, "{role:?} {function}: {body}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} {function}: {body}");
                assert_eq!(body, json!({"error": "forbidden"}));
            }
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_post_with_a_foreign_origin_is_refused(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    app.user("admin@example.com", Role::Admin).await;
    let client = app.client();
    let res = client
        .post(format!("{}/api/login", app.base))
        .header("origin", "http://evil.example")
        .form(&[("email", "admin@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap(),
        json!({"error": "cross_site"})
    );
    assert!(res_cookie_count(&app).await == 0, "no session may be created");
    // the same request from the site's own origin goes through
    let res = client
        .post(format!("{}/api/login", app.base))
        .header("origin", app.base.clone())
        .form(&[("email", "admin@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn res_cookie_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from tower_sessions.session")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn five_wrong_passwords_lock_the_account_for_a_while(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    app.user("admin@example.com", Role::Admin).await;
    app.user("other@example.com", Role::Admin).await;
    let client = app.client();
    for attempt in 1..=5 {
        let (status, body) = app.login(&client, "admin@example.com", "wrong password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(body, json!({"error": "invalid_credentials"}));
    }
    // now even the right password is refused, with how long to wait
    let (status, body) = app.login(&client, "ADMIN@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "login_locked");
    let wait = body["retry_after_secs"].as_u64().unwrap();
    assert!((290..=300).contains(&wait), "{wait}");
    // another account is not affected
    let (status, _) = app.login(&app.client(), "other@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    // once the lock has passed, the right password works again
    sqlx::query("update login_throttle set locked_until = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = app.login(&client, "admin@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_and_sign_out_manage_the_server_side_session(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    app.user("admin@example.com", Role::Admin).await;
    let client = app.client();
    let res = client
        .post(format!("{}/api/login", app.base))
        .form(&[("email", "admin@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("onboard_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http by default: {cookie}");

    let (status, me) = app.call(&client, "session", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "admin@example.com");
    assert_eq!(me["role"], "admin");
    assert_eq!(res_cookie_count(&app).await, 1);

    let (status, _) = app.call(&client, "logout", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(res_cookie_count(&app).await, 0, "logout deletes the session row");
    // replaying the old cookie does not bring the session back
    let old = reqwest::Client::new()
        .post(format!("{}/api/session", app.base))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(old.text().await.unwrap(), "null");
}

/// A session in use stays alive: its expiry moves on with activity (at most once every
/// eighth of the idle time, here 7.5 s of one minute), not only when it changes.
#[sqlx::test(migrations = "../migrations")]
async fn a_session_in_use_does_not_expire(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[("ONBOARD_SESSION_IDLE_MINUTES", "1")]).await;
    let client = app.signed_in("admin@example.com", Role::Admin).await;
    let expiry = || async {
        sqlx::query_scalar::<_, f64>("select extract(epoch from expiry_date)::float8 from tower_sessions.session")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let (status, _) = app.call(&client, "session", &[]).await;
    assert_eq!(status, 200);
    let first = expiry().await;
    // Right after: nothing is written.
    let (status, _) = app.call(&client, "session", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(expiry().await, first, "not saved on every request");
    // After an eighth of the idle time, a request moves the expiry on.
    tokio::time::sleep(std::time::Duration::from_millis(7_600)).await;
    let (status, me) = app.call(&client, "session", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "admin@example.com");
    let later = expiry().await;
    assert!(later >= first + 7.5, "expiry moved from {first} to {later}");
}

/// Saving a session whose row is gone (signed out meanwhile in another tab) leaves it
/// gone: the store updates, it does not write the row back.
#[sqlx::test(migrations = "../migrations")]
async fn saving_a_deleted_session_does_not_bring_it_back(pool: PgPool) {
    use tower_sessions::SessionStore;
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Id, Record};

    // With the cache on (as if its listener ran): the store's own evictions must keep it
    // from serving the deleted session, without any notification.
    let records = app::auth::cache::Cached::default();
    records.switch(true);
    let store = server::web::session_store::SessionRows::new(pool, records);
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
    };
    record.data.insert("seen".into(), json!(1));
    store.create(&mut record).await.unwrap();
    record.data.insert("seen".into(), json!(2));
    store.save(&record).await.unwrap();
    let loaded = store.load(&record.id).await.unwrap().expect("saved");
    assert_eq!(loaded.data["seen"], json!(2), "a save updates the row");
    store.delete(&record.id).await.unwrap();
    store.save(&record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn deactivating_a_user_ends_their_session(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let tech = app.signed_in("tech@example.com", Role::Technician).await;
    let tech_id: uuid::Uuid = sqlx::query_scalar("select id from users where email = 'tech@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (_, me) = app.call(&tech, "session", &[]).await;
    assert_eq!(me["email"], "tech@example.com");
    let (status, body) = app
        .call(
            &admin,
            "users/active",
            &[("id", &tech_id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = app.call(&tech, "session", &[]).await;
    assert_eq!(me, serde_json::Value::Null);
    let (status, _) = app.login(&app.client(), "tech@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a deactivated user cannot sign in");
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_cannot_lock_themselves_out(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let (_, me) = app.call(&admin, "session", &[]).await;
    let id = me["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .call(&admin, "users/role", &[("id", &id), ("role", "technician")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "users.cannot_change_self");
    let (status, _) = app
        .call(&admin, "users/active", &[("id", &id), ("active", "false")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn creating_users_validates_every_field(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let admin = app.signed_in("admin@example.com", Role::Admin).await;
    let (status, body) = app
        .call(
            &admin,
            "users/create",
            &[
                ("name", ""),
                ("email", "not-an-email"),
                ("role", "technician"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email", "password"], "{body}");
    let (status, _) = app
        .call(
            &admin,
            "users/create",
            &[
                ("name", "Jörg Müller"),
                ("email", "joerg@example.com"),
                ("role", "technician"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200);
    // the same address again, in other case: a field error, not a 500
    let (status, body) = app
        .call(
            &admin,
            "users/create",
            &[
                ("name", "Jörg"),
                ("email", "JOERG@example.com"),
                ("role", "technician"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["code"], "users.email_taken");
    // an argument that does not parse is a 400 with a JSON body
    let (status, body) = app
        .call(
            &admin,
            "users/create",
            &[
                ("name", "X Y"),
                ("email", "x@example.com"),
                ("role", "root"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "transport");
}

#[sqlx::test(migrations = "../migrations")]
async fn first_run_setup_works_once(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let client = app.client();
    let (_, needed) = app.call(&client, "setup/status", &[]).await;
    assert_eq!(needed, json!(true));
    let page = client.get(format!("{}/setup", app.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let form = [
        ("name", "Ada Admin"),
        ("email", "ada@example.com"),
        ("password", PASSWORD),
    ];
    let (status, body) = app.call(&client, "setup", &form).await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = app.call(&client, "session", &[]).await;
    assert_eq!(me["role"], "admin", "setup signs the new admin in");
    let (status, body) = app
        .call(
            &app.client(),
            "setup",
            &[("name", "Eve"), ("email", "eve@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, needed) = app.call(&client, "setup/status", &[]).await;
    assert_eq!(needed, json!(false));
}

#[sqlx::test(migrations = "../migrations")]
async fn responses_carry_security_headers(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let page = app.client().get(format!("{}/login", app.base)).send().await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("'nonce-") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let html = page.text().await.unwrap();
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the response's nonce"
    );
    let api = app
        .client()
        .post(format!("{}/api/session", app.base))
        .send()
        .await
        .unwrap();
    for h in [
        "x-frame-options",
        "referrer-policy",
        "x-content-type-options",
        "content-security-policy",
    ] {
        assert!(api.headers().contains_key(h), "{h} missing");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn language_follows_cookie_then_accept_language(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let get = |lang: &'static str, cookie: Option<&'static str>| {
        let mut req = app
            .client()
            .get(format!("{}/login", app.base))
            .header("accept-language", lang);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    assert!(get("es-ES,es;q=0.9", None).await.contains("<html lang=\"es\""));
    assert!(
        get("es-ES,es;q=0.9", Some("onboard_locale=de"))
            .await
            .contains("Anmelden")
    );
    assert!(get("fr-FR", None).await.contains("Sign in"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_function_is_a_json_404(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let (status, body) = app.call(&app.client(), "no/such/function", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"error": "not_found"}));
}
