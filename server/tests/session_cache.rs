//! The session and user cache (`app::auth::cache`, `server::web::principals`): it is
//! really used, and every change to a session or user row reaches it, whether made by this
//! process or, as here through SQL, by another; without its listener it is off.

mod common;

use std::time::{Duration, Instant};

use app::auth::Role;
use common::{PASSWORD, TestApp};
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::Value;
use sqlx::PgPool;

const EMAIL: &str = "tech@example.com";

/// Signs in without a cookie jar and returns the session cookie (`name=value`).
async fn sign_in(app: &TestApp) -> String {
    let res = reqwest::Client::new()
        .post(format!("{}/api/login", app.base))
        .form(&[("email", EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "login: {}", res.status());
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

/// Who the cookie's session is (`Null` when nobody).
async fn whoami(app: &TestApp, cookie: &str) -> Value {
    let res = reqwest::Client::new()
        .post(format!("{}/api/session", app.base))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "session: {}", res.status());
    res.json().await.unwrap()
}

/// Renames the user without telling anyone: the trigger is off for this one statement,
/// as if the row were changed by something outside the rules.
async fn rename_quietly(pool: &PgPool, name: &str) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("alter table users disable trigger users_notify")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update users set name = $1 where email = $2")
        .bind(name)
        .bind(EMAIL)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("alter table users enable trigger users_notify")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Waits (up to five seconds) until `check` holds for who the cookie's session is.
async fn eventually(app: &TestApp, cookie: &str, what: &str, check: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let me = whoami(app, cookie).await;
        if check(&me) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: still {me}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the cache serves the user (a quiet rename stays unseen), and returns the
/// name it serves.
async fn until_cached(app: &TestApp, cookie: &str) -> String {
    for round in 0..100 {
        let seen = whoami(app, cookie).await["name"].as_str().unwrap().to_string();
        rename_quietly(&app.pool, &format!("Quiet {round}")).await;
        if whoami(app, cookie).await["name"] == seen.as_str() {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the cache never served the user");
}

#[sqlx::test(migrations = "../migrations")]
async fn changes_to_users_and_sessions_reach_the_cache(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[("ONBOARD_SESSION_CACHE", "true")]).await;
    app.user(EMAIL, Role::Technician).await;
    let cookie = sign_in(&app).await;
    until_cached(&app, &cookie).await;

    // A role change made elsewhere (the trigger fires) is seen without waiting a minute.
    sqlx::query("update users set role = 'billing_admin' where email = $1")
        .bind(EMAIL)
        .execute(&pool)
        .await
        .unwrap();
    eventually(&app, &cookie, "role change", |me| me["role"] == "billing_admin").await;

    // Deactivation ends the session.
    until_cached(&app, &cookie).await;
    sqlx::query("update users set active = false where email = $1")
        .bind(EMAIL)
        .execute(&pool)
        .await
        .unwrap();
    eventually(&app, &cookie, "deactivation", Value::is_null).await;
    sqlx::query("update users set active = true where email = $1")
        .bind(EMAIL)
        .execute(&pool)
        .await
        .unwrap();

    // A session deleted by another process (a sign-out there, or the sweeper) is gone here.
    let cookie = sign_in(&app).await;
    until_cached(&app, &cookie).await;
    sqlx::query("delete from tower_sessions.session")
        .execute(&pool)
        .await
        .unwrap();
    eventually(&app, &cookie, "deleted session", Value::is_null).await;

    // A sign-out here ends the session at once, for a copy of the cookie too.
    let cookie = sign_in(&app).await;
    until_cached(&app, &cookie).await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/logout", app.base))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    assert!(
        whoami(&app, &cookie).await.is_null(),
        "signed out, the old cookie still works"
    );

    // The listener's connection is lost: the cache is off until it listens again, and a
    // change nobody announced is seen meanwhile.
    let cookie = sign_in(&app).await;
    let served = until_cached(&app, &cookie).await;
    assert_ne!(whoami(&app, &cookie).await["name"], "Behind its back");
    let killed: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query ilike '%listen%onboard_users%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(killed, [true], "one listener connection");
    rename_quietly(&pool, "Behind its back").await;
    eventually(&app, &cookie, "cache off after a lost connection", |me| {
        me["name"] == "Behind its back"
    })
    .await;
    assert_ne!(served, "Behind its back");
    until_cached(&app, &cookie).await;

    pool.close().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn without_the_listener_nothing_is_cached(pool: PgPool) {
    let app = TestApp::spawn(pool.clone(), &[]).await;
    app.user(EMAIL, Role::Technician).await;
    let cookie = sign_in(&app).await;
    for round in 0..3 {
        let name = format!("Quiet {round}");
        whoami(&app, &cookie).await;
        rename_quietly(&pool, &name).await;
        assert_eq!(whoami(&app, &cookie).await["name"], name.as_str());
    }
}
