#!/usr/bin/env bash
# Fuzzes every domain parser and the whole new-customer validation with proptest
# (stable Rust has no cargo-fuzz). Usage: scripts/fuzz-domain.sh [cases]   (default 200000)
# A failure prints the minimal failing input; proptest also saves it under
# domain/tests/fuzz.proptest-regressions so the next run replays it first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export PROPTEST_CASES="${1:-200000}"
echo "fuzzing domain parsers with ${PROPTEST_CASES} cases per target"
cargo test --release -p domain --test fuzz -- --include-ignored
