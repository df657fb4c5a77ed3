"""Shared helpers of the vector scripts: one JSON object per line, stable order."""

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "domain" / "tests" / "vectors"


NOT_ISO = {"AC", "TA"}


def write(kind, rows):
    OUT.mkdir(parents=True, exist_ok=True)
    seen = set()
    unique = []
    for row in rows:
        # Ascension and Tristan da Cunha have their own phone and postal data but no ISO
        # 3166-1 code, so Onboard's country picker does not offer them.
        if row.get("country") in NOT_ISO:
            continue
        key = (row["input"], row.get("country"))
        if key in seen:
            continue
        seen.add(key)
        unique.append({"kind": kind, **row})
    path = OUT / f"{kind}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for row in unique:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    valid = sum(1 for r in unique if r["valid"])
    print(f"{path.name}: {len(unique)} vectors ({valid} valid, {len(unique) - valid} invalid)")
