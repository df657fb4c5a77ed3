#!/usr/bin/env bash
# Runs the domain crate's criterion benchmark (native, release) and prints the figures:
# validating a complete new-customer payload. Usage: scripts/bench-domain.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out="$(cargo bench -p domain --bench validate -- --noplot 2>&1)" || { echo "$out"; exit 1; }
echo "$out" | grep -E '^(validate|deserialize)|time:' | sed 's/^ *//'
median="$(echo "$out" | grep -A1 '^validate complete new-customer payload' | grep -o 'time: *\[[^]]*\]' | awk '{print $4, $5}')"
echo "median to validate a complete new-customer payload: ${median}"
