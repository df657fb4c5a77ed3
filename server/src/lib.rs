//! The Onboard server: configuration, database (embedded or external), the HTTP
//! router with its middleware, and the CLI's commands. `main.rs` only parses arguments.

pub mod config;
pub mod db;
pub mod embedded_pg;
pub mod imap;
pub mod invoice_worker;
pub mod outbox;
pub mod transfer;
pub mod web;

/// mimalloc instead of the system allocator, for every binary built from this crate (the
/// server, its tests and benchmarks): a request allocates a few hundred small values
/// across the runtime's worker threads, and glibc's malloc was the largest single cost in
/// the server process's profile of a list request (see README, "Figures").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
