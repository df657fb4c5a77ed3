//! Two server processes on one database: a session made through one is valid on the
//! other (nothing about a user lives in a process), the way Onboard scales out.

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

    let me: serde_json::Value = reqwest::Client::new()
        .post(format!("{base_b}/api/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "ada@example.com", "process B knows the session made on A");

    // signing out on B ends the session on A too
    let out = reqwest::Client::new()
        .post(format!("{base_b}/api/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let me = reqwest::Client::new()
        .post(format!("{base_a}/api/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(me, "null");
}
