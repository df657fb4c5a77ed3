#!/usr/bin/env bash
# Installs what is missing, builds the release app and starts it on http://127.0.0.1:3000.
# Without DATABASE_URL the server starts its own PostgreSQL (data in ONBOARD_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
echo "==> Building (first build: about 15 minutes on 2 cores)"
scripts/build-site.sh
exec "$CARGO_TARGET_DIR/release/onboard" serve
