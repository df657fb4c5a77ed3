//! Request guards that run before any page or server function.

use app::auth::backend::AuthSession;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// Refuses state-changing requests that a browser sent from another site (CSRF):
/// the `Origin` header must be this site's. Requests without `Origin` (curl, scripts,
/// old browsers on same-origin GET-forms) pass unless `Sec-Fetch-Site` says cross-site;
/// the session cookie is also `SameSite=Lax`, a second wall.
pub async fn refuse_cross_site(State(origins): State<Origins>, req: Request<Body>, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !origins.allows(req.headers()) {
        tracing::warn!(origin = ?req.headers().get(header::ORIGIN), path = %req.uri().path(), "cross-site request refused");
        let body = serde_json::to_string(&app::error::AppError::CrossSite).unwrap_or_default();
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    next.run(req).await
}

#[derive(Clone)]
pub struct Origins {
    /// The configured public origin (`ONBOARD_PUBLIC_URL`), if any.
    public: Option<String>,
}

impl Origins {
    pub fn new(public: Option<String>) -> Origins {
        Origins { public }
    }

    fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
            return headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) != Some("cross-site");
        };
        if let Some(public) = &self.public {
            return origin == public;
        }
        // No public URL configured: the origin must name the host the request was sent to.
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        matches!((origin_host, host), (Some(o), Some(h)) if o == h)
    }
}

/// Pages need a signed-in user: anyone else is sent to the sign-in page (a real
/// HTTP redirect, so it works before and without the WASM). Server functions answer
/// 401 themselves, through the gate.
pub async fn require_sign_in_for_pages(auth: AuthSession, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    let is_page = matches!(*req.method(), Method::GET | Method::HEAD) && !is_public(path);
    if is_page && auth.user.is_none() {
        let target = app::auth::sign_in_url(req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/"));
        return Redirect::to(&target).into_response();
    }
    next.run(req).await
}

/// The session key holding when a signed-in request last saved the session (Unix seconds).
const SEEN_AT: &str = "onboard.seen_at";

/// Keeps a signed-in session alive while it is used. tower-sessions counts only a change
/// of the session as activity (`Expiry::OnInactivity` runs from the last save), so without
/// this a session ended `ONBOARD_SESSION_IDLE_MINUTES` after sign-in however busy the user
/// was. A request more than an eighth of the idle time after the last save stores the time,
/// which saves the session (moving its expiry) and renews the cookie: one write per user
/// an hour at the default of 8 hours, not one per request.
pub async fn keep_sessions_alive(
    State(idle): State<std::time::Duration>,
    auth: AuthSession,
    req: Request<Body>,
    next: Next,
) -> Response {
    if auth.user.is_some() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let seen: Option<u64> = auth.session.get(SEEN_AT).await.unwrap_or_default();
        if seen.is_none_or(|at| now.saturating_sub(at) >= idle.as_secs() / 8)
            && let Err(e) = auth.session.insert(SEEN_AT, now).await
        {
            tracing::warn!(error = %e, "could not note the session's activity");
        }
    }
    next.run(req).await
}

/// Paths anyone may fetch: sign-in, first-run setup, health, the API (gated per
/// function), and static assets.
fn is_public(path: &str) -> bool {
    const PREFIXES: [&str; 5] = ["/api/", "/pkg/", "/rules/", "/login", "/setup"];
    const EXACT: [&str; 7] = [
        "/healthz",
        "/readyz",
        "/favicon.ico",
        "/manifest.webmanifest",
        "/robots.txt",
        "/sw.js",
        "/offline",
    ];
    PREFIXES.iter().any(|p| path.starts_with(p))
        || EXACT.contains(&path)
        || super::PUBLIC_FILES.iter().any(|f| path.strip_prefix('/') == Some(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origin_must_match_host_or_public_url() {
        let any = Origins::new(None);
        assert!(any.allows(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!any.allows(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(any.allows(&headers(&[("host", "127.0.0.1:3000")])));
        assert!(!any.allows(&headers(&[("sec-fetch-site", "cross-site")])));
        let public = Origins::new(Some("https://onboard.example.com".into()));
        assert!(public.allows(&headers(&[("origin", "https://onboard.example.com")])));
        assert!(!public.allows(&headers(&[("origin", "http://onboard.example.com")])));
    }

    #[test]
    fn public_paths() {
        assert!(is_public("/login") && is_public("/api/login") && is_public("/pkg/onboard.wasm"));
        assert!(!is_public("/") && !is_public("/settings/users"));
    }
}
