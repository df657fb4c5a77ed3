#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (server and WASM builds), unit and
# integration tests against a real PostgreSQL, the release build (WASM size printed),
# and the Playwright end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests
source scripts/env.sh
source scripts/test-db.sh
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  test_db_cleanup
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server build: domain, app with ssr, server)"
cargo clippy --release -p domain -p app -p server --all-targets -- -D warnings
step "clippy (browser build: app with hydrate, frontend, for wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "the browser build pulls in no server-only crate"
server_only=$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none | sort -u \
  | grep -E '^(sqlx|tokio|axum|argon2|hyper|mio|tower-sessions)[ -]' || true)
if [[ -n "$server_only" ]]; then echo "server-only crates in the WASM build:"; echo "$server_only"; exit 1; fi
echo "none of sqlx, tokio, axum, argon2, hyper, mio, tower-sessions"

step "release build (server and WASM, split into lazily loaded chunks)"
scripts/build-site.sh

step "first-load budget (every file's size; fails over 350 KB brotli)"
scripts/wasm-budget.sh

step "unit and integration tests (real PostgreSQL)"
cargo test --release -p domain -p app -p server

step "end-to-end tests (Playwright, headless Chromium)"
scripts/e2e.sh
