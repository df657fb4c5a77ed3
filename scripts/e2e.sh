#!/usr/bin/env bash
# Starts the release server on a fresh embedded PostgreSQL (the path a new user takes),
# creates the bootstrap admin with the CLI, and runs the Playwright suite against it.
# Expects a release build (scripts/test.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin="$CARGO_TARGET_DIR/release/onboard"
work=$(mktemp -d /tmp/onboard-e2e.XXXXXX)
chmod 755 "$work"
export ONBOARD_DATA_DIR="$work/pg"
export ONBOARD_PG_PORT="${E2E_PG_PORT:-54339}"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
unset DATABASE_URL
export E2E_BASE_URL="http://$LEPTOS_SITE_ADDR"
export E2E_ADMIN_EMAIL="admin@example.com" E2E_ADMIN_PASSWORD="correct horse battery"
server_pid=""
stop() {
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap stop EXIT

ONBOARD_ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD" "$bin" create-admin --email "$E2E_ADMIN_EMAIL" --name "Ada Admin"
"$bin" serve > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$E2E_BASE_URL/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
cd end2end
status=0
npx playwright test "$@" 2>&1 | tee "$work/playwright.log" || status=${PIPESTATUS[0]}
if [[ $status -ne 0 ]]; then
  echo "--- server log (last 40 lines) ---"; tail -40 "$work/server.log"
  # Again at the very end, where a CI summary that keeps only the tail still shows it:
  # the reporter's failure details and its counts.
  echo "--- failed tests (the reporter's last 80 lines) ---"; tail -80 "$work/playwright.log"
fi
exit $status
