//! The HTTP surface: Leptos pages and server functions, health checks, and the
//! middleware every request passes (tracing, compression, security headers, the
//! cross-site check, sessions, the sign-in redirect for pages).

mod guards;
mod headers;
pub mod principals;
mod pwa;
pub mod session_store;

use std::sync::Arc;
use std::time::Duration;

use app::auth::backend::Backend;
use app::error::AppError;
use app::server::AppState;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::PgPool;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::config::Config;

/// What the router's handlers share.
#[derive(Clone)]
pub struct ServerState {
    pub leptos: LeptosOptions,
    pub app: AppState,
}

impl FromRef<ServerState> for AppState {
    fn from_ref(s: &ServerState) -> AppState {
        s.app.clone()
    }
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> LeptosOptions {
        s.leptos.clone()
    }
}

/// The Leptos options, from our configuration rather than Cargo.toml, so the binary
/// runs the same under cargo-leptos, from a test, or installed on a server.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "onboard".into()))
        .site_root(config.site_root.clone())
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(config.site_addr)
        .hash_files(hashed_build())
        .env(
            if std::env::var("LEPTOS_ENV").is_ok_and(|e| e.eq_ignore_ascii_case("dev")) {
                Env::DEV
            } else {
                Env::PROD
            },
        )
        .build()
}

/// Whether the site was built with hashed file names: cargo-leptos then writes `hash.txt`
/// (the names' hashes) next to the server binary, where Leptos looks for it.
fn hashed_build() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.exists())
}

pub fn router(config: &Config, pool: PgPool) -> Router {
    let app_state = AppState {
        pool: pool.clone(),
        security: Arc::new(config.security.clone()),
        counts: Default::default(),
        mail_domain: Arc::from(config.mail_domain.as_str()),
    };
    let state = ServerState {
        leptos: leptos_options(config),
        app: app_state.clone(),
    };
    let routes = generate_route_list(App);

    let context = {
        let app_state = app_state.clone();
        move || {
            provide_context(app_state.clone());
            leptos::nonce::provide_nonce();
        }
    };

    // Sessions and users are read from the process while their rows are unchanged, once
    // the listener that reports their changes runs (`principals`).
    let principals = principals::Principals::default();
    if config.session_cache {
        principals.spawn_listener(pool.clone());
    }
    let session_layer = SessionManagerLayer::new(session_store::SessionRows::new(
        pool.clone(),
        principals.sessions.clone(),
    ))
    .with_name("onboard_session")
    .with_secure(config.secure_cookies)
    .with_same_site(SameSite::Lax)
    .with_http_only(true)
    .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::seconds(
        config.session_idle.as_secs() as i64,
    )));
    let auth_layer = AuthManagerLayerBuilder::new(
        Backend {
            pool: pool.clone(),
            users: principals.users.clone(),
        },
        session_layer,
    )
    .build();

    let leptos_state = state.leptos.clone();
    Router::new()
        .merge(static_files(&config.site_root))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(app::imports::http::routes())
        .merge(app::usage::http::routes())
        .merge(app::mail::http::routes())
        .route("/api/{*fn_name}", any(unknown_function))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(leptos_state.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            context, shell,
        ))
        .with_state(state)
        .layer(axum::middleware::from_fn(api_errors_as_json))
        .layer(axum::middleware::from_fn(guards::require_sign_in_for_pages))
        .layer(axum::middleware::from_fn_with_state(
            config.session_idle,
            guards::keep_sessions_alive,
        ))
        .layer(auth_layer)
        .layer(axum::middleware::from_fn_with_state(
            guards::Origins::new(config.public_url.clone()),
            guards::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            headers::Policy::new(config),
            headers::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// The built assets. Named explicitly because the app's own catch-all route (the 404 page
/// inside the signed-in layout) would otherwise answer for them.
fn static_files(site_root: &str) -> Router<ServerState> {
    let root = std::path::Path::new(site_root);
    let pkg = ServeDir::new(root.join("pkg")).precompressed_br().precompressed_gzip();
    let file = |name: &str| ServeFile::new(root.join(name)).precompressed_br().precompressed_gzip();
    let worker = pwa::ServiceWorker::load(site_root);
    let hashed = hashed_build();
    let mut files = Router::new()
        .nest_service("/pkg", pkg)
        .route("/sw.js", get(move || async move { worker.response() }))
        .route(
            "/rules/{file}",
            get(|axum::extract::Path(file): axum::extract::Path<String>| async move { pwa::reference_tables(&file) }),
        )
        .route(
            "/manifest.webmanifest",
            get(|headers: axum::http::HeaderMap| async move { pwa::manifest(&headers) }),
        );
    for name in PUBLIC_FILES {
        files = files.route_service(&format!("/{name}"), file(name));
    }
    files.layer(axum::middleware::from_fn(
        move |req: Request<Body>, next: Next| async move {
            let value = pwa::cache_control(req.uri().path(), hashed);
            let mut res = next.run(req).await;
            res.headers_mut().entry(header::CACHE_CONTROL).or_insert(value);
            res
        },
    ))
}

/// The files of `public/` (copied into the site root by the build) served by name.
pub const PUBLIC_FILES: [&str; 6] = [
    "icon.svg",
    "icon-192.png",
    "icon-512.png",
    "icon-maskable-512.png",
    "apple-touch-icon.png",
    "pwa.js",
];

/// Server functions are routed by `leptos_routes_with_context` (one route each); what
/// reaches this wildcard names no function.
async fn unknown_function() -> Response {
    json_error(StatusCode::NOT_FOUND, &AppError::NotFound)
}

fn json_error(status: StatusCode, error: &AppError) -> Response {
    let body = serde_json::to_string(error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Arguments that do not decode fail inside the framework, before the gate runs, and come
/// out as a 500; automation gets a 400 with the same JSON error body instead.
async fn api_errors_as_json(req: Request<Body>, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !api || res.status() != StatusCode::INTERNAL_SERVER_ERROR || !res.headers().contains_key("serverfnerror") {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    if let Ok(AppError::Transport { .. }) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Ready when the database answers within two seconds.
async fn readyz(State(state): State<ServerState>) -> impl IntoResponse {
    let ping = sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.app.pool);
    match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}

/// Deletes expired sessions every hour (any number of processes may do this at once).
pub fn spawn_session_sweeper(pool: PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = sqlx::query("delete from tower_sessions.session where expiry_date < now()")
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "sweeping expired sessions");
            }
        }
    });
}

/// Raises SLA warnings and breaches every 30 seconds (`app::tickets::alerts`; any number of
/// processes may run it at once, each alert is raised once).
pub fn spawn_sla_alerts(pool: PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tick.tick().await;
            match app::tickets::alerts::raise_due(&pool, chrono::Utc::now()).await {
                Ok(raised) if !raised.is_empty() => tracing::info!(count = raised.len(), "SLA alerts raised"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "raising SLA alerts"),
            }
        }
    });
}
