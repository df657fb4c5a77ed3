"""IBAN vectors labelled by python-stdnum (`stdnum.iban`, with its national checks for BE,
ES, ME and NO) and schwifty (`IBAN(…, validate_bban=True)`: the national check digits of
some twenty countries, and its national bank registries): valid IBANs of every SEPA country
and more, typed the way people type them, and typing mistakes — among them a changed
account digit with the IBAN's own check digits recomputed, which only a national check can
catch, and a bank code no bank has.

An IBAN is labelled valid when both libraries accept it and, in a country whose registry in
schwifty is generated from the central bank's or clearing house's list (the registries
Onboard's tables carry, see tables.py), the bank code is in that registry. Each row also
says whether the bank code is in such a registry (`bank_known`, null where there is none)
and, for a refused IBAN, why (`reason`: country, length, format, checksum, national, bank)."""

import random
import string
import warnings

from schwifty import IBAN, registry
from stdnum import iban as std
from stdnum.exceptions import InvalidChecksum, InvalidFormat

from common import write

rng = random.Random(14)
# schwifty warns where it has no national check (FO, GL, HU, …); that is expected here.
warnings.filterwarnings("ignore")
COUNTRIES = ["AD", "AT", "BA", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FO", "FR", "GB", "GI", "GL",
             "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "ME", "MK", "MT", "NL", "NO", "PL", "PT",
             "RO", "RS", "SE", "SI", "SK", "SM", "TR", "VA", "XK", "AE", "SA", "IL", "TN", "MR"]
REG = registry._default_registry


def registered_banks(cc):
    paths = REG._bank_files().get(cc, [])
    if not any(p.name.startswith("generated_") for p in paths):
        return None
    spec = registry.get_iban_spec(cc)
    ranges = [spec.positions[c] for c in spec.bic_lookup_components]
    if not ranges or any(a.end != b.start for a, b in zip(ranges, ranges[1:])):
        return None
    start, end = ranges[0].start, ranges[-1].end
    return start, end, {b.bank_code for b in REG.get_banks_by_country(cc) if len(b.bank_code) == end - start}


BANKS = {cc: registered_banks(cc) for cc in COUNTRIES}


def label(text):
    s = "".join(text.split()).upper()
    ok = std.is_valid(s)
    try:
        IBAN(s, validate_bban=True)
    except Exception:
        ok = False
    known = BANKS.get(s[:2])
    if ok and known:
        start, end, codes = known
        ok = s[4 + start:4 + end] in codes
    return ok, (s if ok else None)


def bank_known(s):
    """Whether the bank code is in schwifty's registry for the country, where that registry
    is generated from the national list; None where there is no such registry."""
    known = BANKS.get(s[:2])
    if not known:
        return None
    start, end, codes = known
    return s[4 + start:4 + end] in codes


def reason(s):
    """Why an IBAN is refused, in the order Onboard checks: "country", "length", "format",
    "checksum" (mod 97), "format" (the BBAN structure), "national", "bank"."""
    try:
        spec = registry.get_iban_spec(s[:2])
    except Exception:
        return "country"
    if len(s) != spec.iban_length:
        return "length"
    if not (s.isascii() and s.isalnum() and s[2:4].isdigit()):
        return "format"
    if int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 != 1:
        return "checksum"
    try:
        IBAN(s)
    except Exception:
        return "format"
    try:
        IBAN(s, validate_bban=True)
    except Exception:
        return "national"
    try:
        std.validate(s)
    except InvalidChecksum:
        return "national"
    except InvalidFormat:
        return "format"
    except Exception:
        return "bank"
    return "bank"


def with_check(cc, bban):
    return cc + std.calc_check_digits(cc + "00" + bban) + bban


def random_iban(cc):
    for _ in range(50):
        try:
            value = str(IBAN.random(country_code=cc, random=rng))
        except Exception:
            return None
        if label(value)[0]:
            return value
    return None


def change(s, positions, alphabet=string.digits):
    i = rng.choice(positions)
    return s[:i] + rng.choice(alphabet.replace(s[i], "")) + s[i + 1:]


def rows_for(cc, value):
    printed = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    bban = value[4:]
    digits = [i for i, c in enumerate(bban) if c.isdigit()]
    if not digits:
        return []
    out = [(value, "valid"), (printed, "printed"), (printed.lower(), "lower"), (value[:2].lower() + value[2:], "cc-lower")]
    out.append((change(value, [i + 4 for i in digits]), "digit-changed"))
    # One account digit changed and the IBAN's check digits made right again: the national
    # check (where the country has one) is what is left to catch it.
    banks = BANKS.get(cc)
    bank_end = banks[1] if banks else 0
    tail = [i for i in digits if i >= bank_end] or digits
    out.append((with_check(cc, change(bban, tail)), "national"))
    if banks:
        start, end, _ = banks
        out.append((with_check(cc, change(bban, list(range(start, end)))), "bank-changed"))
    out.append((value[:-1], "too-short"))
    out.append((value + "0", "too-long"))
    j = rng.choice(digits)
    out.append((value[:4] + bban[:j] + "O" + bban[j + 1:], "letter-o"))
    # The same with the IBAN's check digits made right: only the BBAN structure is wrong
    # (where the registry allows a letter there, it is still valid).
    out.append((with_check(cc, bban[:j] + "O" + bban[j + 1:]), "letter-o-rechecked"))
    if len(value) > 6:
        k = rng.randrange(4, len(value) - 1)
        if value[k] != value[k + 1]:
            out.append((value[:k] + value[k + 1] + value[k] + value[k + 2:], "transposed"))
    return out


def main():
    rows = []
    for cc in COUNTRIES:
        made = {random_iban(cc) for _ in range(6)} - {None}
        for value in sorted(made)[:5]:
            for text, how in rows_for(cc, value):
                ok, canonical = label(text)
                rows.append({"input": text, "country": None, "valid": ok, "canonical": canonical, "how": how})
    # The registry's own examples, whose banks do not exist in several countries.
    for text in ["DE89370400440532013000", "AT611904300234573201", "CH9300762011623852957", "BE68539007547034",
                 "ES9121000418450200051332", "FR1420041010050500013M02606", "IT60X0542811101000000123456",
                 "PT50000201231234567890154", "NL91ABNA0417164300", "GB29NWBK60161331926819"]:
        ok, canonical = label(text)
        rows.append({"input": text, "country": None, "valid": ok, "canonical": canonical, "how": "registry-example"})
    for row in rows:
        s = "".join(row["input"].split()).upper()
        row["bank_known"] = bank_known(s) if len(s) > 4 else None
        row["reason"] = None if row["valid"] else reason(s)
    write("iban", rows)


if __name__ == "__main__":
    main()
