//! The Onboard server: configuration, database (embedded or external), the HTTP
//! router with its middleware, and the CLI's commands. `main.rs` only parses arguments.

pub mod config;
pub mod db;
pub mod embedded_pg;
pub mod transfer;
pub mod web;
