//! The installable app's endpoints: the service worker built from the site's files, the
//! manifest in the user's language, the public offline page, caching headers.

mod common;

use common::TestApp;
use sqlx::PgPool;

/// A site root like the build's: `sw.js`, `pwa.js` and a `pkg/` with hashed names.
fn site() -> tempdir::Site {
    tempdir::Site::new()
}

mod tempdir {
    pub struct Site(pub std::path::PathBuf);
    impl Site {
        pub fn new() -> Site {
            let dir = std::env::temp_dir().join(format!("onboard-site-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(dir.join("pkg")).unwrap();
            std::fs::write(
                dir.join("sw.js"),
                "const BUILD = { version: \"dev\", precache: [] };\nself.ok = 1;\n",
            )
            .unwrap();
            std::fs::write(dir.join("pwa.js"), "window.x = 1;\n").unwrap();
            std::fs::write(dir.join("pkg/onboard.Ab12.wasm"), b"\0asm").unwrap();
            std::fs::write(dir.join("pkg/onboard.Ab12.wasm.br"), b"br").unwrap();
            Site(dir)
        }
        pub fn root(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }
    impl Drop for Site {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_service_worker_precaches_the_build_and_is_never_cached(pool: PgPool) {
    let site = site();
    let app = TestApp::spawn(pool, &[("LEPTOS_SITE_ROOT", site.root())]).await;
    let res = app.client().get(format!("{}/sw.js", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    // its own policy: it may fetch from this site (the page default would forbid that)
    assert_eq!(res.headers()["content-security-policy"], "default-src 'self'");
    let body = res.text().await.unwrap();
    let first = body.lines().find(|l| l.starts_with("const BUILD")).unwrap();
    assert!(
        first.starts_with("const BUILD = {") && first.contains("\"/pkg/onboard.Ab12.wasm\""),
        "{first}"
    );
    assert!(!first.contains(".br\""), "precompressed copies are not listed: {first}");
    assert!(body.ends_with("self.ok = 1;\n"));
    // reachable without a session, as the browser fetches it
    let pwa = app.client().get(format!("{}/pwa.js", app.base)).send().await.unwrap();
    assert_eq!(pwa.status(), 200);
    assert_eq!(pwa.headers()["cache-control"], "no-cache");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_manifest_speaks_the_users_language(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    for (lang, shortcut) in [("de", "Neuer Kunde"), ("es", "Nuevo cliente"), ("en", "New customer")] {
        let res = app
            .client()
            .get(format!("{}/manifest.webmanifest", app.base))
            .header("cookie", format!("onboard_locale={lang}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/manifest+json");
        let m: serde_json::Value = res.json().await.unwrap();
        assert_eq!(m["lang"], lang);
        assert_eq!(m["display"], "standalone");
        assert_eq!(m["shortcuts"][0]["name"], shortcut);
        let sizes: Vec<&str> = m["icons"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["sizes"].as_str())
            .collect();
        assert!(sizes.contains(&"192x192") && sizes.contains(&"512x512"), "{sizes:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_offline_page_is_public_and_holds_nothing_personal(pool: PgPool) {
    let app = TestApp::spawn(pool, &[]).await;
    let res = app.client().get(format!("{}/offline", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("You are offline"), "{html}");
    assert!(html.contains("href=\"/customers/new\""));
    assert!(html.contains("src=\"/pwa.js\"") && html.contains("id=\"onboard-pwa\""));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_site_without_a_worker_answers_404(pool: PgPool) {
    let dir = std::env::temp_dir().join(format!("onboard-empty-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let app = TestApp::spawn(pool, &[("LEPTOS_SITE_ROOT", dir.to_str().unwrap())]).await;
    let res = app.client().get(format!("{}/sw.js", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The phone, postal-code and bank tables the browser checks with: public (the worker
/// fetches them without a session), cached for good under their hash, and precached.
#[sqlx::test(migrations = "../migrations")]
async fn the_reference_tables_are_public_immutable_and_precached(pool: PgPool) {
    let site = site();
    let app = TestApp::spawn(pool, &[("LEPTOS_SITE_ROOT", site.root())]).await;
    let path = format!("/rules/{}.tsv", domain::rules::VERSION);
    let res = app.client().get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    let body = res.text().await.unwrap();
    assert_eq!(body, domain::rules::TEXT);
    assert!(domain::rules::Rules::parse(&body).is_ok());
    // another version is not this build's
    let old = app
        .client()
        .get(format!("{}/rules/0123456789abcdef.tsv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 404);
    let sw = app
        .client()
        .get(format!("{}/sw.js", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(sw.contains(&format!("\"{path}\"")), "the worker precaches {path}");
}
