# Sourced by the other scripts: where tools and build output live.
# The cargo target dir sits outside the clone so repeated runs (and CI on this machine)
# reuse earlier builds; override with CARGO_TARGET_DIR.
export ONBOARD_CACHE="${ONBOARD_CACHE:-$HOME/.cache/onboard}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ONBOARD_CACHE/target}"
export ONBOARD_TOOLS="$ONBOARD_CACHE/tools"
export PATH="$HOME/.cargo/bin:$ONBOARD_TOOLS/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The built site (WASM, JS, CSS) for the server binary; cargo-leptos writes it here.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/site}"
export LEPTOS_OUTPUT_NAME=onboard
