//! The benchmarks' scratch database: created next to `DATABASE_URL` (dropped first if a
//! killed run left it), and dropped again at the end.

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// A connection to `DATABASE_URL` (to create and drop with) and the scratch database's URL.
pub async fn create(name: &str) -> (PgPool, String) {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    drop(&admin, name).await;
    sqlx::query(&format!("create database {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let scratch = match url.rfind('/') {
        Some(i) => format!("{}/{name}", &url[..i]),
        None => panic!("DATABASE_URL without a database name"),
    };
    (admin, scratch)
}

pub async fn drop(admin: &PgPool, name: &str) {
    sqlx::query(&format!("drop database if exists {name} with (force)"))
        .execute(admin)
        .await
        .unwrap();
}

/// An API token with `scope` for a bench user made for it; its secret.
pub async fn token(pool: &PgPool, name: &str, scope: app::tokens::ApiScope) -> String {
    let user: uuid::Uuid = sqlx::query_scalar(
        "insert into users (email, name, role, password_hash) values ('bench@bench.example', 'Bench', 'admin', 'x') returning id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    app::tokens::db::create(pool, user, name, &[scope])
        .await
        .unwrap()
        .secret
}

/// The real router on a local port; its base URL.
pub async fn serve(config: &server::config::Config, pool: &PgPool) -> String {
    let router = server::web::router(config, pool.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    base
}
