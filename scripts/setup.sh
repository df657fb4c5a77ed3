#!/usr/bin/env bash
# Installs what building, running and testing Onboard needs, skipping what is present.
# Usage: scripts/setup.sh [--for-tests]   (tests also need Chromium and Playwright)
# Only crates.io, npm and Debian/Ubuntu packages are used; nothing is fetched from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
for_tests=false
[[ "${1:-}" == "--for-tests" ]] && for_tests=true

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
SUDO=""
if [[ $(id -u) -ne 0 ]] && have sudo; then SUDO="sudo"; fi
apt_updated=false
apt_install() {
  if ! have apt-get; then
    echo "Please install these packages with your system's package manager: $*" >&2
    exit 1
  fi
  if ! $apt_updated; then $SUDO apt-get update -qq; apt_updated=true; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

if ! have cargo || ! have rustup; then
  echo "Rust is missing: install rustup from https://rustup.rs, then run this again." >&2
  exit 1
fi
if ! have npm; then
  echo "Node.js (with npm) is missing: install Node.js 18 or newer, then run this again." >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  step "Installing cargo-leptos 0.3.10 (about 12 minutes on 2 cores)"
  # no_downloads: the tools it would fetch from GitHub come from crates.io and npm instead.
  cargo install cargo-leptos@0.3.10 --locked --no-default-features --features no_downloads
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${bindgen_version}\$"; then
  step "Installing wasm-bindgen-cli ${bindgen_version} (the version in Cargo.lock)"
  # Without --locked: its own lockfile pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "${bindgen_version}"
fi

if ! have wasm-opt || ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  step "Installing wasm-opt (npm package binaryen@132)"
  mkdir -p "$ONBOARD_TOOLS"
  (cd "$ONBOARD_TOOLS" && { [[ -f package.json ]] || npm init -y >/dev/null; } && npm install --no-audit --no-fund binaryen@132)
fi

if ! esbuild --version 2>/dev/null | grep -qx '0.24.2'; then
  step "Installing esbuild (npm package esbuild@0.24.2: minifies the split loader)"
  mkdir -p "$ONBOARD_TOOLS"
  (cd "$ONBOARD_TOOLS" && { [[ -f package.json ]] || npm init -y >/dev/null; } && npm install --no-audit --no-fund esbuild@0.24.2)
fi

pg_bin_ok() {
  local d
  d=$(pg_config --bindir 2>/dev/null || true)
  [[ -n "$d" && -x "$d/initdb" ]] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if ! pg_bin_ok; then
  step "Installing PostgreSQL (server binaries for the embedded database)"
  apt_install postgresql
fi

if $for_tests; then
  if ! have chromium && [[ ! -x /usr/bin/chromium ]]; then
    step "Installing Chromium (Debian's, driven by Playwright)"
    apt_install chromium
  fi
  if [[ ! -x /usr/sbin/dovecot ]]; then
    step "Installing Dovecot (the real IMAP server the mail tests poll, on loopback)"
    apt_install dovecot-imapd
  fi
  if [[ ! -d end2end/node_modules/@playwright/test ]]; then
    step "Installing Playwright (the test runner only; the browser is Debian's Chromium)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
fi
echo "Set-up complete."
