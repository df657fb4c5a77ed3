#!/usr/bin/env bash
# The invoice run at scale: ONBOARD_BENCH_CUSTOMERS (default 10,000) bill-to customers with
# 8 lines of mixed types each, preview and finalise timed as the server works them, next to
# a plain INSERT … unnest of the same rows in the same run (server/examples/bench_invoice_run.rs).
# Needs a PostgreSQL in DATABASE_URL (a scratch database `onboard_bench_invoices` is created
# next to it and dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
cargo run --release -p server --example bench_invoice_run
