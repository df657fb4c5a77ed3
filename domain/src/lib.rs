//! Onboard's shared rules. Pure: no leptos, sqlx or tokio anywhere in this crate's
//! dependency tree, so the same code runs in the browser (WASM) and on the server.

pub mod locale;

pub use locale::Locale;
