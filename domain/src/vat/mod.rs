//! VAT ids and tax ids, normalised to country prefix + number (`ESB58378431`).
//!
//! Every EU state's and Northern Ireland's check digits are verified as python-stdnum's
//! `stdnum.eu.vat` does (ported from `stdnum/<cc>/vat.py` and the modules they delegate to;
//! compared on `tests/vectors/vat.jsonl` and on some 150,000 generated ids), GB's as
//! `stdnum.gb.vat`, CH's as `stdnum.ch.uid` and NO's as `stdnum.no.mva`. The checks are in
//! `west.rs` (DE AT ES FR IT NL BE PT LU PL DK SE IE, CH, NO) and `east.rs` (the rest).
//!
//! | prefix | number (after the prefix) and check |
//! | --- | --- |
//! | AT | `U` + 8 digits, Luhn-like |
//! | BE | 10 digits starting 0 or 1 (9 typed get a leading 0), (first 8 + last 2) mod 97 = 0 |
//! | BG | 9 digits (legal entity, two-pass mod 11) or 10 (EGN with birth date, PNF, other) |
//! | CY | 8 digits + check letter, not starting 12 |
//! | CZ | 8 digits (legal entity, mod 11, not starting 9), 9 starting 6 (special), 9/10 (birth number: date, mod 11) |
//! | DE | 9 digits, not starting 0, ISO 7064 MOD 11,10 |
//! | DK | 8 digits, not starting 0, mod 11 |
//! | EE | 9 digits, 3-7-1 weights |
//! | EL | 9 digits (8 typed get a leading 0); `GR` is read as `EL` |
//! | ES | NIF (DNI letter), NIE (X/Y/Z; K/L/M), CIF: control digit for A B E H, letter for N P Q R S W, either for the rest (stdnum: either for all) |
//! | FI | 8 digits, mod 11 |
//! | FR | 2-character key (digits: SIREN·100 + 12 mod 97; letters: stdnum's scheme) + SIREN (Luhn unless 000…) |
//! | HR | 11 digits (OIB), ISO 7064 MOD 11,10 |
//! | HU | 8 digits, 9-7-3-1 weights |
//! | IE | 7 digits + check letter (+ a second letter W, A–V), or digit, letter/`+`/`*`, 5 digits, check letter |
//! | IT | 11 digits, province office 001–100/120/121/888/999, Luhn |
//! | LT | 9 digits (8th is 1) or 12 (11th is 1), two-pass mod 11 |
//! | LU | 8 digits, first 6 mod 89 |
//! | LV | 11 digits: legal entity (mod 11 = 3) or person (birth date, or 32… since 2017) |
//! | MT | 8 digits, not starting 0, mod 37 |
//! | NL | 9 digits (leading zeros may be left out) + `B` + 2 digits (not 00); mod 11 or the 2020 mod 97 |
//! | PL | 10 digits, mod 11 |
//! | PT | 9 digits, not starting 0, mod 11 |
//! | RO | 2–10 digits (CUI, mod 11) or 13 (CNP: date, county, mod 11) |
//! | SE | 10 digits, Luhn, + `01` |
//! | SI | 8 digits, not starting 0, mod 11 |
//! | SK | 10 digits: birth number, or 3rd digit 2/3/4/7/8/9 and divisible by 11 |
//! | XI, GB | 9/12 digits mod 97 (with the "+55" scheme from 100 on), GD 000–499 / HA 500–999 departments |
//! | CH | `E` + 9 digits (`CHE…`), mod 11; `MWST`/`TVA`/`IVA` dropped |
//! | NO | 9 digits, mod 11 (`MVA` optional, dropped) |
//!
//! [`TaxIdKind`] says which register an id belongs to: `EuVat` (the 27 states),
//! `NorthernIreland` (`XI`, in VIES), `UnitedKingdom` (`GB`), `SwissUid` (`CHE`, the Swiss
//! enterprise number, not an EU VAT id) and `Norway`.
//!
//! Input: spaces, dots, dashes, slashes and commas are formatting, case is ignored, `GR` is
//! read as `EL`, and an id typed without prefix is read as the `default_country`'s (the
//! customer's country; Greece → `EL`). The canonical form is the prefix + stdnum's compact
//! number.
mod east;
mod west;

use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::error::{Code, FieldError};
use crate::value::parse_via_string;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VatId {
    /// The VAT prefix: the ISO code except `EL` for Greece and `XI` for Northern Ireland.
    prefix: &'static str,
    number: String,
}

const PREFIXES: &[&str] = &[
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "GB", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
];

/// The register a [`VatId`] belongs to. Only `EuVat` and `NorthernIreland` ids take part in
/// EU reverse charge; a Swiss `CHE` UID is the Swiss enterprise number (with the VAT
/// register's suffix MWST/TVA/IVA dropped), not an EU VAT id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxIdKind {
    EuVat,
    NorthernIreland,
    UnitedKingdom,
    SwissUid,
    Norway,
}

enum Verdict {
    Format,
    Checksum,
}

impl VatId {
    /// Parses an id that starts with its country prefix.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_with_default(input, None)
    }

    /// Parses an id; one typed without prefix (`B58378431`, as Spaniards write their NIF)
    /// is read as an id of `default_country` (usually the customer's country).
    pub fn parse_with_default(input: &str, default_country: Option<Country>) -> Result<Self, FieldError> {
        let mut s: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '/' | ',')))
            .collect::<String>()
            .to_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        // Swiss UIDs carry the VAT register's language suffix: CHE-123.456.789 MWST.
        for suffix in ["MWST", "TVA", "IVA"] {
            if let Some(rest) = s.strip_suffix(suffix).filter(|_| s.starts_with("CHE") && s.len() > 12) {
                s = rest.to_owned();
            }
        }
        let head = s.get(..2).unwrap_or("");
        let (prefix, number) = if head.len() == 2 && head.bytes().all(|b| b.is_ascii_uppercase()) {
            let prefix = if head == "GR" { "EL" } else { head };
            let known = PREFIXES.iter().find(|p| **p == prefix).copied();
            (
                known.ok_or_else(|| FieldError::new(Code::VatCountry).with("country", head))?,
                &s[2..],
            )
        } else {
            let country = default_country.ok_or(FieldError::new(Code::VatPrefix))?;
            let prefix = if country.as_str() == "GR" {
                "EL"
            } else {
                country.as_str()
            };
            let known = PREFIXES.iter().find(|p| **p == prefix).copied();
            (
                known.ok_or_else(|| FieldError::new(Code::VatCountry).with("country", country))?,
                s.as_str(),
            )
        };
        let number = match check(prefix, number) {
            Ok(n) => n,
            Err(Verdict::Format) => {
                return Err(FieldError::new(Code::VatFormat)
                    .with("country", prefix)
                    .with("example", example(prefix)));
            }
            Err(Verdict::Checksum) => return Err(FieldError::new(Code::VatChecksum)),
        };
        Ok(VatId { prefix, number })
    }

    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// Which register the id belongs to: an EU VAT id (incl. Northern Ireland's `XI`, which
    /// VIES checks) or one of the non-EU ids an MSP's customers also have.
    pub fn kind(&self) -> TaxIdKind {
        match self.prefix {
            "CH" => TaxIdKind::SwissUid,
            "GB" => TaxIdKind::UnitedKingdom,
            "NO" => TaxIdKind::Norway,
            "XI" => TaxIdKind::NorthernIreland,
            _ => TaxIdKind::EuVat,
        }
    }

    pub fn number(&self) -> &str {
        &self.number
    }

    /// The ISO country the id belongs to (`EL` is Greece, `XI` Northern Ireland).
    pub fn country(&self) -> Option<Country> {
        match self.prefix {
            "EL" => Country::parse("GR").ok(),
            "XI" => Some(Country::GB),
            p => Country::parse(p).ok(),
        }
    }
}

impl std::fmt::Display for VatId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.prefix, self.number)
    }
}

parse_via_string!(VatId);

/// A valid id of that country, shown in the format error.
pub fn example(prefix: &str) -> &'static str {
    match prefix {
        "DE" => "DE136695976",
        "AT" => "ATU13585627",
        "ES" => "ESB58378431",
        "CH" => "CHE-107.787.577 MWST",
        "FR" => "FR40303265045",
        "IT" => "IT00743110157",
        "NL" => "NL004495445B01",
        "BE" => "BE0403019261",
        "PT" => "PT501964843",
        "LU" => "LU15027442",
        "PL" => "PL8567346215",
        "DK" => "DK13585628",
        "SE" => "SE123456789701",
        "IE" => "IE6433435F",
        "BG" => "BG175074752",
        "CY" => "CY10259033P",
        "CZ" => "CZ25123891",
        "EE" => "EE100931558",
        "EL" => "EL094259216",
        "FI" => "FI20774740",
        "HR" => "HR33392005961",
        "HU" => "HU12892312",
        "LT" => "LT119511515",
        "LV" => "LV40003521600",
        "MT" => "MT11679112",
        "RO" => "RO18547290",
        "SI" => "SI50223054",
        "SK" => "SK2022749619",
        "GB" => "GB980780684",
        "XI" => "XI980780684",
        "NO" => "NO974760673MVA",
        _ => "",
    }
}

fn digits_of(s: &str) -> Option<Vec<u32>> {
    s.chars().map(|c| c.to_digit(10)).collect()
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

fn verdict(ok: bool) -> Result<(), Verdict> {
    if ok { Ok(()) } else { Err(Verdict::Checksum) }
}

fn weighted(d: &[u32], weights: &[u32]) -> u32 {
    d.iter().zip(weights).map(|(a, b)| a * b).sum()
}

fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                if x * 2 > 9 { x * 2 - 9 } else { x * 2 }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Remainder of a long decimal string modulo `m`, without overflow.
fn mod_str(s: &str, m: u64) -> u64 {
    s.bytes().fold(0, |r, b| (r * 10 + u64::from(b - b'0')) % m)
}

fn check(prefix: &str, n: &str) -> Result<String, Verdict> {
    // Every id is ASCII; the slicing in the checks relies on it.
    if !n.is_ascii() {
        return Err(Verdict::Format);
    }
    west::check(prefix, n)
        .or_else(|| east::check(prefix, n))
        .unwrap_or(Err(Verdict::Format))
}

#[cfg(test)]
mod tests;
