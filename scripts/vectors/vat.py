"""VAT-id vectors labelled by python-stdnum (`stdnum.eu.vat` for the EU states and XI,
`stdnum.ch.uid` for Swiss UIDs): valid ids of every state (grown from stdnum's own examples by
changing digits and searching the check character), typed the way people type them, and
typing mistakes.

The reference is asked about the id without separators: stdnum's accepted separators differ
per country (Malta's module takes no dots), Onboard strips spaces, dots, dashes, slashes and
commas everywhere. A valid row names the register Onboard files it under (`tax_kind`:
EuVat, NorthernIreland, SwissUid)."""

import inspect
import random
import re
import string

from stdnum.ch import uid
from stdnum.eu import vat
from stdnum.util import get_cc_module

from common import write

rng = random.Random(14)
PREFIXES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT",
            "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI"]
ISO = {"EL": "GR", "XI": "GB"}
CANDIDATES = string.digits + string.ascii_uppercase


def module(prefix):
    cc = {"EL": "gr", "XI": "gb"}.get(prefix, prefix.lower())
    return get_cc_module(cc, "vat")


def seeds(prefix):
    """The valid examples in the docstrings of the country's modules."""
    mod = module(prefix)
    sources = [inspect.getsource(mod)]
    for name in dir(mod):
        sub = getattr(mod, name)
        if inspect.ismodule(sub) and sub.__name__.startswith("stdnum."):
            sources.append(inspect.getsource(sub))
    found = []
    for src in sources:
        for m in re.finditer(r">>> (?:validate|compact)\('([^']+)'\)\n\s*'", src):
            body = re.sub(r"[^0-9A-Za-z+*]", "", m.group(1)).upper()
            if body.startswith(prefix) or body.startswith("GR") or body.startswith("GB"):
                body = body[2:]
            if is_valid(prefix, body):
                found.append(body)
    return sorted(set(found))


def is_valid(prefix, body):
    return vat.is_valid(prefix + body)


def canonical(prefix, body):
    return vat.compact(prefix + body) if is_valid(prefix, body) else None


def grow(prefix, seed, n):
    """Valid ids of the seed's shape: up to three digits (not the first) made random, the
    check character searched."""
    # Belgium's check is the last two digits; searched from 00, the one issued comes first.
    tail = 2 if prefix == "BE" else 1
    chars = list(seed[:-tail]) + ["?"] * tail
    for i in rng.sample(range(1, len(seed) - 1), k=min(3, len(seed) - 2)):
        if chars[i].isdigit():
            chars[i] = "#"
    return from_shape(prefix, "".join(chars), n)


# Shapes of ids as issued ('#' a random digit, '?' the check character, searched), so every
# state gets valid ids of each kind even where stdnum's docstrings show few.
SHAPES = {
    "AT": ["U#######?"], "BE": ["0########?", "1########?"], "BG": ["########?", "#########?"],
    "CY": ["1#######?", "3#######?", "9#######?"], "CZ": ["2######?", "6########?"], "DE": ["1#######?", "2#######?"],
    "DK": ["1######?", "3######?"], "EE": ["10#######?"[:8] + "?"], "EL": ["09######?", "8#######?"],
    "ES": ["B#######?", "A#######?", "Q#######?", "X#######?", "########?"], "FI": ["1######?", "2######?"],
    "FR": ["??3########", "??4########"], "HR": ["##########?"], "HU": ["1######?", "2######?"],
    "IE": ["#######?", "#######?A", "#######?H", "#?#####W"], "IT": ["0######0##?", "1######0##?"],
    "LT": ["#######1?", "##########1?"], "LU": ["######??"], "LV": ["4#########?", "9#########?"],
    "MT": ["1######?", "2######?"], "NL": ["#######?#B01", "########?B02"], "PL": ["#########?"],
    "PT": ["5#######?", "1#######?", "2#######?"], "RO": ["#####?", "########?", "#########?"],
    "SE": ["#########?01"], "SI": ["1######?", "5######?"], "SK": ["202#######", "212#######"[:9] + "?"],
    "XI": ["#######??", "1########??"[:9]],
}


def from_shape(prefix, shape, n):
    # Spanish entities P, Q, R, S, N and W are issued a control letter, the others a digit
    # first: search in that order, so the ids are the ones the tax office hands out.
    letter_first = prefix == "ES" and shape[0] in "PQRSNW"
    alphabet = string.ascii_uppercase + string.digits if letter_first else CANDIDATES
    out = []
    for _ in range(n * 20):
        base = [rng.choice(string.digits) if c == "#" else c for c in shape]
        holes = [i for i, c in enumerate(base) if c == "?"]
        options = [""]
        for _ in holes:
            options = [o + c for o in options for c in alphabet]
        for fill in options:
            chars = list(base)
            for i, c in zip(holes, fill):
                chars[i] = c
            body = "".join(chars)
            if is_valid(prefix, body):
                out.append(body)
                break
        if len(set(out)) >= n:
            break
    return sorted(set(out))


def typed(prefix, body):
    spaced = " ".join(body[i:i + 3] for i in range(0, len(body), 3))
    dotted = ".".join(body[i:i + 3] for i in range(0, len(body), 3))
    shown = "GR" if prefix == "EL" else prefix
    rows = [(prefix + body, None, "valid"), (f"{prefix.lower()} {spaced.lower()}", None, "lower-spaced"),
            (f"{prefix}-{dotted}", None, "dots-dashes"), (f"{shown} {body}", None, "gr-or-prefix"),
            # Copied from a letterhead or a spreadsheet: a slash, a trailing comma, spaces.
            (f" {prefix}/{body}, ", None, "pasted")]
    if prefix != "XI":
        rows.append((body, ISO.get(prefix, prefix), "no-prefix"))
    return rows


def mistakes(prefix, body):
    rows = []
    digits = [i for i, c in enumerate(body) if c.isdigit()]
    i = rng.choice(digits)
    rows.append((prefix + body[:i] + rng.choice(string.digits.replace(body[i], "")) + body[i + 1:], "digit-changed"))
    j = rng.randrange(len(body) - 1)
    if body[j] != body[j + 1]:
        rows.append((prefix + body[:j] + body[j + 1] + body[j] + body[j + 2:], "transposed"))
    rows.append((prefix + body[:-1], "char-dropped"))
    rows.append((prefix + body + str(rng.randrange(10)), "digit-added"))
    # A letter-control entity's control written as the digit it stands for: stdnum takes
    # it, the law does not (listed in disagreements.tsv).
    if prefix == "ES" and body[0] in "PQRSNW" and body[-1] in "JABCDEFGHI":
        rows.append((prefix + body[:-1] + str("JABCDEFGHI".index(body[-1])), "cif-digit-control"))
    other = rng.choice([p for p in PREFIXES if p != prefix])
    rows.append((other + body, "wrong-prefix"))
    return rows


def label(text, country):
    """stdnum's verdict on the id as Onboard reads it: separators stripped, the customer's
    country's prefix put in front of an id typed without one."""
    body = re.sub(r"[\s.\-/,]", "", text).upper()
    if country:
        body = {"GR": "EL"}.get(country, country) + body
    elif body.startswith("GR"):
        body = "EL" + body[2:]
    ok = vat.is_valid(body)
    return ok, (vat.compact(body) if ok else None)


def tax_kind(text):
    """Which register Onboard files the id under (`VatId::kind`)."""
    head = re.sub(r"[\s.\-/,]", "", text).upper()[:3]
    if head == "CHE":
        return "SwissUid"
    return "NorthernIreland" if head.startswith("XI") else "EuVat"


def main():
    rows = []
    for prefix in PREFIXES:
        pool = []
        for seed in seeds(prefix):
            pool += grow(prefix, seed, 3) + [seed]
        for shape in SHAPES.get(prefix, []):
            pool += from_shape(prefix, shape, 4)
        pool = sorted(set(pool))
        rng.shuffle(pool)
        for body in pool[:16]:
            for text, country, how in typed(prefix, body):
                ok, canon = label(text, country)
                rows.append({"input": text, "country": country, "valid": ok, "canonical": canon, "how": how})
        for body in pool[:10]:
            for text, how in mistakes(prefix, body):
                ok, canon = label(text, None)
                rows.append({"input": text, "country": None, "valid": ok, "canonical": canon, "how": how})
    # Swiss UIDs, a separate kind of id (not EU VAT): stdnum.ch.uid.
    for seed in ["CHE107787577", "CHE113690319", "CHE116281710"]:
        for _ in range(12):
            digits = list(seed[3:])
            for i in rng.sample(range(8), 3):
                digits[i] = rng.choice(string.digits)
            for last in string.digits:
                candidate = "CHE" + "".join(digits[:-1]) + last
                if uid.is_valid(candidate):
                    n = candidate[3:]
                    for text in [candidate, f"CHE-{n[:3]}.{n[3:6]}.{n[6:]} MWST", f"che {n[:3]} {n[3:6]} {n[6:]} TVA"]:
                        rows.append({"input": text, "country": None, "valid": True, "canonical": candidate,
                                     "how": "che"})
                    bad = candidate[:-1] + str((int(last) + 1) % 10)
                    rows.append({"input": bad, "country": None, "valid": uid.is_valid(bad),
                                 "canonical": None, "how": "che-digit-changed"})
                    break
    for row in rows:
        row["tax_kind"] = tax_kind(row["input"]) if row["valid"] else None
    write("vat", rows)


if __name__ == "__main__":
    main()
