//! Onboard's Leptos app: compiled to WASM with `hydrate` (the browser) and into the
//! server with `ssr`. Features live in folders (`auth/`, `users/`, …) with their view,
//! server functions and queries side by side; `server/` holds the server-only plumbing.

#![recursion_limit = "256"]

pub mod auth;
pub mod catalogue;
pub mod contracts;
pub mod customers;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod imports;
pub mod invoices;
pub mod invoicing;
pub mod mail;
pub mod routes;
pub mod sales;
pub mod settings;
pub mod shell;
pub mod tickets;
pub mod time;
pub mod tokens;
pub mod ui;
pub mod usage;
pub mod users;

#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, StaticSegment, WildcardSegment, path};

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_csp(&options);
    let locale = shell::request_locale();
    let pwa_texts = shell::pwa::PwaTexts::new(locale).json();
    #[cfg(feature = "ssr")]
    let i18n_table = i18n::page_table_json(locale);
    #[cfg(not(feature = "ssr"))]
    let i18n_table = "";
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1d4ed8" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/apple-touch-icon.png" />
                // The installable app's page side (service worker, outbox); data, not code:
                <script type="application/json" id="onboard-pwa" inner_html=pwa_texts></script>
                // The page language's messages, for the WASM (which carries none).
                <script type="application/json" id=i18n::PAGE_TABLE_ID inner_html=i18n_table></script>
                <script type="module" src="/pwa.js"></script>
                // the CSS by its hashed name (from the build's hash file)
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or with this
/// response's nonce (the hydration script), WASM compilation allowed, no framing.
#[cfg(feature = "ssr")]
fn set_page_csp(options: &LeptosOptions) {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // cargo-leptos' live reload talks over a websocket in development only.
    let connect = if options.env == leptos::config::Env::DEV {
        "'self' ws: wss:"
    } else {
        "'self'"
    };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src {connect}; manifest-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&csp) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Every page waits for its data before the server sends it: the HTML is complete without
/// JavaScript (no streamed fragments to swap in), and a redirect can still be a real 302.
const ASYNC: SsrMode = SsrMode::Async;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(i18n::UiLocale(shell::page_locale()));
    // Marks the page once the WASM runs, for the end-to-end tests and for CSS that
    // should only apply to the interactive page.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });

    view! {
        // The empty text is the bottom of leptos_meta's title stack: while a page swaps its
        // `<Title>` (a Transition re-rendering, a route change) the stack is never empty, so
        // the document reads "Onboard" for that moment instead of having no title at all
        // (axe's document-title rule caught the gap once in CI).
        <Title text="" formatter=|title: String| if title.is_empty() { "Onboard".to_string() } else { format!("{title} · Onboard") } />
        <Router>
            <shell::ShellContext>
            <Routes fallback=|| view! { <shell::NotFound /> }>
                <Route path=path!("/login") view=auth::LoginPage ssr=ASYNC />
                <Route path=path!("/offline") view=shell::OfflinePage ssr=ASYNC />
                <Route path=path!("/setup") view={Lazy::<routes::SetupRoute>::new()} ssr=ASYNC />
                <ParentRoute path=StaticSegment("") view=shell::Layout ssr=ASYNC>
                    <Route path=StaticSegment("") view=shell::HomePage ssr=ASYNC />
                    <Route path=path!("/customers") view=customers::CustomersPage ssr=ASYNC />
                    <Route path=path!("/customers/new") view={Lazy::<routes::NewCustomerRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/customers/:id/:tab?") view={Lazy::<routes::CustomerRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/sales") view={Lazy::<routes::SalesRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/contracts") view={Lazy::<routes::ContractsRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/contracts/bulk") view={Lazy::<routes::BulkContractsRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/contracts/:id") view={Lazy::<routes::ContractRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/sales/items/:id") view={Lazy::<routes::SalesItemRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/tickets") view={Lazy::<routes::TicketsRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/tickets/new") view={Lazy::<routes::NewTicketRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/tickets/review") view={Lazy::<routes::ReviewRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/tickets/:id") view={Lazy::<routes::TicketRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/time") view={Lazy::<routes::TimeRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/settings/users") view={Lazy::<routes::UsersRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/settings/slas") view={Lazy::<routes::SlasRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/settings/alert-profiles") view={Lazy::<routes::AlertProfilesRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/settings/services") view={Lazy::<routes::ServicesRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/settings/import") view={Lazy::<routes::ImportRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/settings/api-tokens") view={Lazy::<routes::ApiTokensRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/settings/invoicing") view={Lazy::<routes::InvoicingRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/invoices") view={Lazy::<routes::InvoicesRoute>::new()} ssr=ASYNC />
                    <Route path=path!("/invoices/*rest") view={Lazy::<routes::InvoicesRoute>::new()} ssr=ASYNC />
                    <Route path=WildcardSegment("any") view=shell::NotFound ssr=ASYNC />
                </ParentRoute>
            </Routes>
            </shell::ShellContext>
        </Router>
    }
}
