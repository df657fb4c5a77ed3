#!/usr/bin/env bash
# Measures what the domain crate adds to the browser bundle: two tiny WASM libraries built
# with the app's wasm-release settings (opt-level z, LTO, one codegen unit, panic=abort),
# run through wasm-bindgen and wasm-opt -Oz like the real bundle, and compressed with brotli.
#   baseline: parses a JSON draft into serde_json::Value (serde and serde_json, as in the app)
#   domain:   parses the same JSON into NewCustomerDraft and validates it
# The difference is the domain crate with its own dependencies (idna, iban_validate, chrono,
# rust_decimal, …). Usage: scripts/measure-domain-wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
root=$(pwd)
work="$ONBOARD_CACHE/measure-domain-wasm"
mkdir -p "$work"
command -v brotli >/dev/null || { echo "needs the brotli command (apt-get install brotli)"; exit 1; }
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

make_crate() { # name, body
  mkdir -p "$work/$1/src"
  cat > "$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
[lib]
crate-type = ["cdylib"]
[dependencies]
wasm-bindgen = "=$bindgen_version"
serde_json = "1"
domain = { path = "$root/domain" }
[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
[workspace]
TOML
  printf '%s\n' "$2" > "$work/$1/src/lib.rs"
}
make_crate baseline 'use wasm_bindgen::prelude::*;
#[wasm_bindgen] pub fn check(json: &str) -> u32 { serde_json::from_str::<serde_json::Value>(json).map(|v| v.as_object().map_or(0, |o| o.len() as u32)).unwrap_or(u32::MAX) }'
make_crate withdomain 'use wasm_bindgen::prelude::*;
#[wasm_bindgen] pub fn check(json: &str) -> u32 { serde_json::from_str::<domain::NewCustomerDraft>(json).map(|d| d.validate().err().map_or(0, |e| e.len() as u32)).unwrap_or(u32::MAX) }'
# The baseline must not link the domain crate at all.
sed -i '/^domain = /d' "$work/baseline/Cargo.toml"

size() { # crate name -> "raw brotli"
  local dir="$work/$1" out="$work/$1/out"
  (cd "$dir" && CARGO_TARGET_DIR="$work/target" cargo build --release --target wasm32-unknown-unknown -q)
  rm -rf "$out"; mkdir -p "$out"
  wasm-bindgen --target web --out-dir "$out" "$work/target/wasm32-unknown-unknown/release/$1.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$out/${1}_bg.wasm" -o "$out/opt.wasm"
  brotli -f -q 11 "$out/opt.wasm" -o "$out/opt.wasm.br"
  echo "$(stat -c %s "$out/opt.wasm") $(stat -c %s "$out/opt.wasm.br")"
}
read -r base_raw base_br < <(size baseline)
read -r dom_raw dom_br < <(size withdomain)
echo "baseline (serde_json only): ${base_raw} B raw, ${base_br} B brotli"
echo "with domain validation:     ${dom_raw} B raw, ${dom_br} B brotli"
echo "the domain crate adds:      $((dom_raw - base_raw)) B raw, $((dom_br - base_br)) B brotli"
