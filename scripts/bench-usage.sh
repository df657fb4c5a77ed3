#!/usr/bin/env bash
# Usage readings over the API: 100,000 readings in batches of 1,000 sent to
# POST /api/usage/readings with an API token (new, then the same again), next to a plain
# INSERT … unnest of the same rows in the same run (see server/examples/bench_usage.rs).
# Needs a PostgreSQL in DATABASE_URL (a scratch database `onboard_bench_usage` is created
# next to it and dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
cargo run --release -p server --example bench_usage
