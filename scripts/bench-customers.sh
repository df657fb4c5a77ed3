#!/usr/bin/env bash
# Customer list, search and page at 100,000 customers / 200,000 contacts: p50/p99 at 1
# and 50 concurrent clients over HTTP against the real router (see
# server/examples/bench_customers.rs). Needs a PostgreSQL in DATABASE_URL (a scratch
# database `onboard_bench` is created next to it and dropped afterwards).
# While tuning: ONBOARD_BENCH_ONLY=text runs only the cases whose name contains it,
# ONBOARD_BENCH_KEEP=1 keeps the seeded database, ONBOARD_BENCH_REUSE=1 measures a kept one
# without seeding again. The server's ONBOARD_* variables apply (e.g.
# ONBOARD_DB_MAX_CONNECTIONS for the pool size).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
cargo run --release -p server --example bench_customers
