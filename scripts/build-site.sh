#!/usr/bin/env bash
# The release build of the site: the server and the WASM split into lazily loaded chunks,
# precompressed (brotli and gzip). Then the split loader (`__wasm_split.*.js`), which
# cargo-leptos writes unminified — 306 KB raw, 16.3 KB brotli on 2026-12-07, every browser
# loads it first — is minified with esbuild (88 KB, 13.6 KB brotli) and compressed again.
# The main JS is minified by the build already. Extra arguments go to `cargo leptos build`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo leptos build --release --precompress --split "$@"
pkg="$LEPTOS_SITE_ROOT/pkg"
for loader in "$pkg"/__wasm_split.*.js; do
  [[ -e "$loader" ]] || continue
  esbuild "$loader" --minify --format=esm --log-level=warning --outfile="$loader.min"
  mv "$loader.min" "$loader"
  node -e '
    const fs = require("fs"), zlib = require("zlib");
    const file = process.argv[1], raw = fs.readFileSync(file);
    fs.writeFileSync(file + ".br", zlib.brotliCompressSync(raw, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    }));
    fs.writeFileSync(file + ".gz", zlib.gzipSync(raw, { level: 9 }));
  ' "$loader"
done
