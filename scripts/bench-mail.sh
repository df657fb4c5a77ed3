#!/usr/bin/env bash
# E-mail ingestion over the API: 4,000 distinct messages (new requests, threaded replies,
# unknown senders, auto-replies) from 8 clients to POST /api/inbound/email, then the same
# again (duplicates), next to a plain INSERT of the same raw bytes in the same run (see
# server/examples/bench_mail.rs). Needs a PostgreSQL in DATABASE_URL (a scratch database
# `onboard_bench_mail` is created next to it and dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
cargo run --release -p server --example bench_mail
