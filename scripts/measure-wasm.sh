#!/usr/bin/env bash
# Where the browser's bytes go. Builds the split release site (as scripts/test.sh does),
# prints every file the browser may load with its raw and brotli size, the first load of
# the sign-in page and the customer list, and then the largest contributors of the main
# WASM before splitting, by twiggy (installed from crates.io when missing).
# Usage: scripts/measure-wasm.sh [--no-build] [--top N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
build=true top=40
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=false ;;
    --top) top="$2"; shift ;;
  esac
  shift
done
if $build; then scripts/build-site.sh; fi
scripts/wasm-budget.sh

if ! command -v twiggy >/dev/null; then
  echo "Installing twiggy (crates.io, about 2 minutes)"
  cargo install twiggy --locked
fi
# The main module as wasm-split leaves it (the first load), before wasm-bindgen and
# wasm-opt, with its function names: what each crate and function weighs in it.
unsplit="$CARGO_TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/frontend_split.wasm"
[[ -f "$unsplit" ]] || unsplit=$(find "$CARGO_TARGET_DIR" -path '*wasm32-unknown-unknown/wasm-release/frontend_split.wasm' | head -1)
printf '\n== twiggy top %s (%s: the main module, before wasm-bindgen and wasm-opt)\n' "$top" "$unsplit"
twiggy top -n "$top" "$unsplit"
printf '\n== twiggy dominators (depth 3, largest 30)\n'
twiggy dominators -d 3 -r 30 "$unsplit"
printf '\n== by crate (shallow sizes of the code and data that reach the browser)\n'
twiggy top -n 100000 --format csv "$unsplit" | python3 -c '
import csv, re, sys, collections
sizes = collections.Counter()
for row in csv.DictReader(sys.stdin):
    name = row["Name"]
    # custom sections and wasm-bindgen's describe functions do not reach the browser
    if "section" in name or "__wbindgen_describe" in name:
        continue
    m = re.search(r"([a-z_][a-z0-9_]*)::", name)
    key = m.group(1) if m else ("data" if name.startswith("data[") else "other")
    sizes[key] += int(row["ShallowSize"])
total = sum(sizes.values())
for k, v in sizes.most_common(25):
    print(f"{v:>10,} B  {100*v/total:5.1f} %  {k}")
'
