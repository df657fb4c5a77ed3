#!/usr/bin/env bash
# CSV import at 100,000 customers and 100,000 contacts: rows/s for the check (validation)
# and the commit, next to a plain COPY of the same files, and peak memory (see
# server/examples/bench_import.rs). Needs a PostgreSQL in DATABASE_URL (a scratch database
# `onboard_bench_import` is created next to it and dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
cargo run --release -p server --example bench_import
