#!/usr/bin/env bash
# The first-load budget: prints every file under the built site's /pkg with its raw and
# brotli size, then the first load of the sign-in page and of the customer list — the main
# WASM, its JS, the CSS, the split loader and pwa.js, all brotli as served — and fails
# when that exceeds the budget (350 KB = 350,000 bytes; ONBOARD_FIRST_LOAD_BUDGET).
# Neither page is a lazy route, so no chunk belongs to their first load; the Playwright
# test `first-load.spec.ts` checks that against what the browser really fetches.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
budget="${ONBOARD_FIRST_LOAD_BUDGET:-350000}"
pkg="$LEPTOS_SITE_ROOT/pkg"
python3 - "$pkg" "$LEPTOS_SITE_ROOT" "$budget" <<'PY'
import os, sys, gzip
pkg, site, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])

def br_size(path):
    if os.path.exists(path + ".br"):
        return os.path.getsize(path + ".br"), "br"
    # not precompressed by the build (the server compresses it on the fly): gzip as a
    # stand-in, which is larger than brotli, so the budget errs on the safe side
    return len(gzip.compress(open(path, "rb").read(), 9)), "gz"

# (.d.ts: wasm-bindgen's type declarations, which no browser loads)
files = sorted(f for f in os.listdir(pkg) if not f.endswith((".br", ".gz", ".ts")))
print(f"{'file':<58} {'raw':>10} {'brotli':>9}")
kinds = {}
for f in files:
    path = os.path.join(pkg, f)
    size, how = br_size(path)
    raw = os.path.getsize(path)
    if f.startswith("__wasm_split_manifest"):
        kind = "server only"
    elif f.startswith("__wasm_split"):
        kind = "loader"
    elif f.startswith("onboard.") and f.endswith((".wasm", ".js", ".css")):
        kind = "main"
    else:
        kind = "chunk"
    kinds.setdefault(kind, []).append((f, raw, size))
    print(f"{f:<58} {raw:>10,} {size:>9,}{'' if how == 'br' else ' (gzip)'}  {kind}")
first = [(f, s) for k in ("main", "loader") for f, _, s in kinds.get(k, [])]
pwa = os.path.join(site, "pwa.js")
if os.path.exists(pwa):
    first.append(("pwa.js", br_size(pwa)[0]))
total = sum(s for _, s in first)
chunks = sum(s for _, _, s in kinds.get("chunk", []))
print(f"\nchunks loaded on demand: {len(kinds.get('chunk', []))} files, {chunks:,} bytes brotli")
print(f"first load of /login and /customers: {total:,} bytes brotli ({total / 1024:.1f} KiB; budget {budget:,})")
for f, s in first:
    print(f"  {s:>9,}  {f}")
if not kinds.get("main"):
    sys.exit("no main bundle found: was the site built?")
if total > budget:
    sys.exit(f"FIRST LOAD OVER BUDGET by {total - budget:,} bytes")
PY
