//! Test support: the real router on a real port, against the test's own database.
#![allow(dead_code)]

pub mod dovecot;
pub mod imports;

use std::net::SocketAddr;

use app::auth::Role;
use app::users::{NewUser, db};
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};
use server::config::Config;
use sqlx::PgPool;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
}

impl TestApp {
    /// Serves the app on 127.0.0.1 (random port) with `vars` as its environment.
    ///
    /// The session cache is off unless `vars` turn it on: its listener would hold a
    /// connection to the test's database past the test (`session_cache.rs` tests it).
    pub async fn spawn(pool: PgPool, vars: &[(&str, &str)]) -> TestApp {
        let defaults = [("ONBOARD_SESSION_CACHE", "false")];
        let vars: Vec<(String, String)> = vars
            .iter()
            .chain(&defaults)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())).unwrap();
        let router = server::web::router(&config, pool.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            pool,
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub async fn user(&self, email: &str, role: Role) -> Uuid {
        let new = NewUser::parse("Test User", email, role, PASSWORD).unwrap();
        db::create(&self.pool, new).await.unwrap()
    }

    /// Calls a server function as automation would (form-encoded arguments, JSON back).
    pub async fn call(&self, client: &Client, function: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let res = client
            .post(format!("{}/api/{function}", self.base))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// Calls a server function that takes a JSON body.
    pub async fn json(&self, client: &Client, function: &str, body: Value) -> (StatusCode, Value) {
        let res = client
            .post(format!("{}/api/{function}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    pub async fn login(&self, client: &Client, email: &str, password: &str) -> (StatusCode, Value) {
        self.call(client, "login", &[("email", email), ("password", password)])
            .await
    }

    /// A signed-in client for a new user with `role`.
    pub async fn signed_in(&self, email: &str, role: Role) -> Client {
        self.user(email, role).await;
        let client = self.client();
        let (status, body) = self.login(&client, email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        client
    }
}

/// The URL of the test's own database (for a server or command started as a process).
pub async fn database_url(pool: &PgPool) -> String {
    let db_name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{db_name}"),
        None => panic!("DATABASE_URL has no database part"),
    }
}

/// Billing info that is complete for a German customer billed domestically.
pub fn complete_billing() -> Value {
    json!({
        "attention": "Buchhaltung", "email": "rechnung@example.de",
        "address": { "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE" },
        "tax_region": "domestic", "tax_treatment": "standard", "currency": "EUR",
        "payment_terms_days": "14", "invoice_template": "standard", "invoice_language": "de", "delivery": "email"
    })
}

impl TestApp {
    /// Saves [`complete_billing`] for `customer` through the API, as `client`.
    pub async fn add_billing(&self, client: &Client, customer: Uuid) {
        let version: i32 = sqlx::query_scalar("select version from customers where id = $1")
            .bind(customer)
            .fetch_one(&self.pool)
            .await
            .unwrap();
        let (status, body) = self
            .json(
                client,
                "customers/billing",
                json!({ "customer": customer, "version": version, "base": {}, "draft": complete_billing() }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// A customer in Germany with nothing but a name, written straight to the table.
pub async fn customer(pool: &PgPool, name: &str) -> Uuid {
    sqlx::query_scalar("insert into customers (name, country) values ($1, 'DE') returning id")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
}

impl TestApp {
    /// The customer page's data, as `client` gets it (expects 200).
    pub async fn detail(&self, client: &Client, id: Uuid) -> Value {
        let (status, body) = self.call(client, "customers/get", &[("id", &id.to_string())]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// The MSP's company, complete, and the numbering reviewed: what an invoice run needs.
pub async fn ready_to_invoice(pool: &PgPool) {
    sqlx::query(
        "insert into company (legal_name, street, postal_code, city, country, tax_number, iban, tax_area, time_zone)
         values ('Muster IT GmbH', 'Hauptstraße 1', '80331', 'München', 'DE', '143/123/45678',
                 'DE89370400440532013000', 'de', 'Europe/Berlin')",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("insert into numbering_review (confirmed_at) values (now())")
        .execute(pool)
        .await
        .unwrap();
}
