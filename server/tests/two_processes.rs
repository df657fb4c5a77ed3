//! Two server processes on one database: a session made through one is valid on the
//! other, and a sign-out or deactivation on one ends it on the other although that one
//! keeps sessions and users in its cache (the database notifies it), the way Onboard
//! scales out.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::auth::Role;
use app::users::{NewUser, db};
use common::PASSWORD;
use sqlx::PgPool;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str) -> (Server, String) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_onboard"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the onboard binary");
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..150 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (server, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server on {base} did not become ready");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_from_one_process_is_valid_on_another(pool: PgPool) {
    let url = common::database_url(&pool).await;
    let new = NewUser::parse("Ada Admin", "ada@example.com", Role::Admin, PASSWORD).unwrap();
    db::create(&pool, new).await.unwrap();

    let (_a, base_a) = start(&url).await;
    let (_b, base_b) = start(&url).await;

    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = client
        .post(format!("{base_a}/api/login"))
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let me = whoami(&base_b, &cookie).await;
    assert_eq!(me["email"], "ada@example.com", "process B knows the session made on A");
    // A has it too, and keeps it in its cache from here on
    assert_eq!(whoami(&base_a, &cookie).await["email"], "ada@example.com");

    // signing out on B ends the session on A too, though A kept it: B's delete reaches
    // A's cache through the database's notification, in milliseconds
    let out = reqwest::Client::new()
        .post(format!("{base_b}/api/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    until(&base_a, &cookie, "signed out on B", serde_json::Value::is_null).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_user_deactivated_on_one_process_is_signed_out_on_another(pool: PgPool) {
    let url = common::database_url(&pool).await;
    for (name, email) in [("Ada Admin", "ada@example.com"), ("Tom Tech", "tom@example.com")] {
        let role = if email.starts_with("ada") {
            Role::Admin
        } else {
            Role::Technician
        };
        db::create(&pool, NewUser::parse(name, email, role, PASSWORD).unwrap())
            .await
            .unwrap();
    }
    let (_a, base_a) = start(&url).await;
    let (_b, base_b) = start(&url).await;
    let tom = sign_in(&base_a, "tom@example.com").await;
    let ada = sign_in(&base_b, "ada@example.com").await;
    for _ in 0..3 {
        assert_eq!(whoami(&base_a, &tom).await["email"], "tom@example.com");
    }
    let tom_id = whoami(&base_a, &tom).await["id"].as_str().unwrap().to_string();
    let off = reqwest::Client::new()
        .post(format!("{base_b}/api/users/active"))
        .header("cookie", &ada)
        .form(&[("id", tom_id.as_str()), ("active", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 200);
    until(&base_a, &tom, "deactivated on B", serde_json::Value::is_null).await;
}

async fn sign_in(base: &str, email: &str) -> String {
    let login = reqwest::Client::new()
        .post(format!("{base}/api/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

async fn whoami(base: &str, cookie: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{base}/api/session"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits up to two seconds for `check` to hold for the cookie's session on `base`.
async fn until(base: &str, cookie: &str, what: &str, check: impl Fn(&serde_json::Value) -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        let me = whoami(base, cookie).await;
        if check(&me) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: still {me}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
