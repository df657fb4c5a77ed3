//! The installable app's server side: the service worker with this build's precache
//! list, the web app manifest in the user's language, and caching headers for the assets.

use std::hash::{Hash, Hasher};
use std::path::Path;

use app::i18n::{k, text};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The service worker's source with its `const BUILD = …` line filled in.
#[derive(Clone)]
pub struct ServiceWorker {
    script: Option<String>,
}

impl ServiceWorker {
    /// Reads `sw.js` and lists every file under `pkg/` (the hashed WASM, JS, CSS and
    /// split chunks; not their precompressed copies, which the server picks by itself,
    /// nor the split manifest, which only the server reads). The version is a hash of the
    /// list and of the files that are not hashed by name, so every new build is a new
    /// worker, and the same build is the same worker on every server process.
    pub fn load(site_root: &str) -> ServiceWorker {
        let root = Path::new(site_root);
        let Ok(template) = std::fs::read_to_string(root.join("sw.js")) else {
            return ServiceWorker { script: None };
        };
        let mut files: Vec<String> = std::fs::read_dir(root.join("pkg"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| {
                !name.ends_with(".br") && !name.ends_with(".gz") && !name.starts_with("__wasm_split_manifest")
            })
            .map(|name| format!("/pkg/{name}"))
            .collect();
        files.sort();
        let mut hasher = std::hash::DefaultHasher::new();
        files.hash(&mut hasher);
        template.hash(&mut hasher);
        // the site root's own files (icons, pwa.js), besides `/pkg`
        for file in super::PUBLIC_FILES {
            std::fs::read(root.join(file)).unwrap_or_default().hash(&mut hasher);
        }
        files.extend(super::PUBLIC_FILES.iter().map(|f| format!("/{f}")));
        // The reference tables' name carries their hash, which the hash above then covers.
        files.push(reference_tables_path());
        let build = serde_json::json!({ "version": format!("{:016x}", hasher.finish()), "precache": files });
        let script = template
            .lines()
            .map(|line| {
                if line.starts_with("const BUILD = ") {
                    format!("const BUILD = {build};")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        ServiceWorker {
            script: Some(script + "\n"),
        }
    }

    pub fn response(&self) -> Response {
        let Some(script) = &self.script else {
            return StatusCode::NOT_FOUND.into_response();
        };
        (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                // Browsers check for a new worker on navigation; never answer from a cache.
                (header::CACHE_CONTROL, "no-cache"),
                // The worker's own policy: it fetches from this site only.
                (header::CONTENT_SECURITY_POLICY, "default-src 'self'"),
            ],
            script.clone(),
        )
            .into_response()
    }
}

/// The web app manifest, in the language of the request.
pub fn manifest(headers: &HeaderMap) -> Response {
    let locale = app::shell::locale_from_headers(headers);
    let body = serde_json::json!({
        "id": "/",
        "name": "Onboard",
        "short_name": "Onboard",
        "description": text(locale, k::PWA_APP_DESCRIPTION),
        "lang": locale.tag(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f6f7f9",
        "theme_color": "#1d4ed8",
        "categories": ["business", "productivity"],
        "icons": [
            { "src": "/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": "/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any" },
            { "src": "/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
            { "src": "/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any" }
        ],
        "shortcuts": [
            { "name": text(locale, k::PWA_SHORTCUT_NEW_CUSTOMER), "url": "/customers/new",
              "icons": [{ "src": "/icon-192.png", "sizes": "192x192", "type": "image/png" }] },
            { "name": text(locale, k::NAV_CUSTOMERS), "url": "/customers",
              "icons": [{ "src": "/icon-192.png", "sizes": "192x192", "type": "image/png" }] }
        ]
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::VARY, HeaderValue::from_static("cookie, accept-language")),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Where the browser fetches the phone and postal-code tables of this build.
pub fn reference_tables_path() -> String {
    format!("/rules/{}.tsv", domain::rules::VERSION)
}

/// The tables themselves: public (the sign-in page's offline copy needs no session), and
/// cached for good, since a new version gets a new name.
pub fn reference_tables(file: &str) -> Response {
    if file != format!("{}.tsv", domain::rules::VERSION) {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/tab-separated-values; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        domain::rules::TEXT,
    )
        .into_response()
}

/// Caching for the static files: names under `/pkg` carry their content's hash when the
/// build hashes files, so they never change; everything else is checked each time.
pub fn cache_control(path: &str, hashed: bool) -> HeaderValue {
    if hashed && path.starts_with("/pkg/") {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_the_build_and_changes_with_it() {
        let dir = std::env::temp_dir().join(format!("onboard-sw-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(
            dir.join("sw.js"),
            "// comment\nconst BUILD = { version: \"dev\", precache: [] };\nself.x = 1;\n",
        )
        .unwrap();
        for f in [
            "onboard.abc.wasm",
            "onboard.abc.wasm.br",
            "onboard.abc.js",
            "__wasm_split_manifest.x.json",
        ] {
            std::fs::write(dir.join("pkg").join(f), f).unwrap();
        }
        let site = dir.to_str().unwrap();
        let first = ServiceWorker::load(site).script.unwrap();
        assert!(first.contains("\"/pkg/onboard.abc.wasm\"") && first.contains("\"/pkg/onboard.abc.js\""));
        assert!(!first.contains(".br\"") && !first.contains("__wasm_split_manifest"));
        assert!(first.contains("\"/pwa.js\"") && first.ends_with("self.x = 1;\n"));
        assert!(first.starts_with("// comment\nconst BUILD = {\"precache\""), "{first}");
        assert_eq!(first.matches("const BUILD").count(), 1);
        assert_eq!(
            ServiceWorker::load(site).script.unwrap(),
            first,
            "same build, same worker"
        );
        std::fs::write(dir.join("pkg").join("onboard.def.wasm"), "new").unwrap();
        assert_ne!(
            ServiceWorker::load(site).script.unwrap(),
            first,
            "a new build is a new worker"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(ServiceWorker::load(site).script.is_none());
    }
}
