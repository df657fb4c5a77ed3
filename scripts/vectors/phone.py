"""Phone-number vectors labelled by Google's libphonenumber (the `phonenumbers` package):
example numbers of every region, typed the way people type them, and typing mistakes."""

import random

import phonenumbers
from phonenumbers import PhoneNumberFormat as F, PhoneNumberType as T

from common import write

rng = random.Random(14)
TYPES = [("fixed", T.FIXED_LINE), ("mobile", T.MOBILE), ("tollfree", T.TOLL_FREE)]
ALLOWED = set("0123456789 +-./()\u00a0")


def label(text, region):
    try:
        n = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False, None
    if phonenumbers.is_valid_number(n):
        return True, phonenumbers.format_number(n, F.E164)
    return False, None


def row(text, region, how):
    valid, canonical = label(text, region)
    return {"input": text, "country": region, "valid": valid, "canonical": canonical, "how": how}


def change_digit(text, index_from_end):
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    if len(positions) <= index_from_end:
        return None
    i = positions[-1 - index_from_end]
    d = rng.choice([x for x in "0123456789" if x != text[i]])
    return text[:i] + d + text[i + 1:]


def variants(region, example, how):
    national = phonenumbers.format_number(example, F.NATIONAL)
    international = phonenumbers.format_number(example, F.INTERNATIONAL)
    e164 = phonenumbers.format_number(example, F.E164)
    out = [(national, region, f"{how}-national"), (international, region, f"{how}-international"),
           (e164, "DE" if region != "DE" else "ES", f"{how}-e164-abroad")]
    if rng.random() < 0.5:
        out.append(("00" + e164[1:], "DE" if region != "DE" else "AT", f"{how}-00"))
    else:
        out.append((international.replace(" ", "-"), None, f"{how}-dashes"))
    out.append((national[:-1], region, f"{how}-digit-dropped"))
    out.append((national + str(rng.randrange(10)), region, f"{how}-digit-added"))
    changed = change_digit(national, rng.randrange(4, 7))
    if changed:
        out.append((changed, region, f"{how}-digit-changed"))
    nsn = phonenumbers.national_significant_number(example)
    lead = change_digit("+" + str(example.country_code) + " " + nsn, len(nsn) - 1)
    if lead:
        out.append((lead, region, f"{how}-leading-digit"))
    return out


def main():
    rows = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for how, kind in TYPES:
            if how == "tollfree" and rng.random() < 0.6:
                continue
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for text, default, label_how in variants(region, example, how):
                if not text or not set(text) <= ALLOWED:
                    continue
                rows.append(row(text, default, label_how))
    # What German and Spanish offices type most.
    for text in ["+49 (0)30 1234567", "+49 (0) 89 12345678", "0049 (0)30 1234567", "030/1234567",
                 "(030) 123 45 67", "0171 1234567", "0171-1234567", "+41 (0)44 668 18 00", "+43 (0)1 234567",
                 "0800 1234567", "030 1234567-0", "+49 30 12345-678", "91 123 45 67", "612 34 56 78",
                 "+34 612345678", "0034 91 123 45 67", "(+34) 912 345 678", "900 123 456", "+34 71 123 4567"]:
        region = "ES" if ("34" in text[:6] or not text.startswith(("0", "+4"))) else "DE"
        rows.append(row(text, region, "office"))
    write("phone", rows)


if __name__ == "__main__":
    main()
