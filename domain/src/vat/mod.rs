//! VAT ids and tax ids, normalised to country prefix + number (`ESB58378431`).
//!
//! The check digits of every EU state and of GB/XI are verified as python-stdnum does
//! (`stdnum.eu.vat`, compared on `tests/vectors/vat.jsonl`): here DE, AT, ES (NIF, NIE and
//! CIF, with the entity letter's rule for digit or letter), FR (numeric and letter keys, the
//! SIREN's Luhn), IT (with the province office), NL (mod 11 and the 2020 mod 97 scheme), BE
//! (numbers starting 0 or 1), PT, LU, PL, DK, SE, IE (old and new) and CH (UID); the others
//! in `east.rs`. NO is checked by shape. Spaces, dots, dashes, slashes and commas are
//! formatting; `GR` is read as `EL`.
mod east;

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
    match prefix {
        "DE" => {
            if !all_digits(n, 9) || n.starts_with('0') {
                return Err(Verdict::Format);
            }
            let d = digits_of(n).ok_or(Verdict::Format)?;
            // ISO 7064 MOD 11,10.
            let mut product = 10;
            for &x in &d[..8] {
                let mut sum = (x + product) % 10;
                if sum == 0 {
                    sum = 10;
                }
                product = (2 * sum) % 11;
            }
            let c = (11 - product) % 10;
            verdict(c == d[8])?;
        }
        "AT" => {
            let body = n
                .strip_prefix('U')
                .filter(|b| all_digits(b, 8))
                .ok_or(Verdict::Format)?;
            let d = digits_of(body).ok_or(Verdict::Format)?;
            let s: u32 = d[..7]
                .iter()
                .enumerate()
                .map(|(i, &x)| if i % 2 == 1 { (x * 2) / 10 + (x * 2) % 10 } else { x })
                .sum();
            verdict((10 - (s + 4) % 10) % 10 == d[7])?;
        }
        "ES" => spain(n)?,
        "CH" => {
            let body = n
                .strip_prefix('E')
                .filter(|b| all_digits(b, 9))
                .ok_or(Verdict::Format)?;
            let d = digits_of(body).ok_or(Verdict::Format)?;
            let c = 11 - weighted(&d[..8], &[5, 4, 3, 2, 7, 6, 5, 4]) % 11;
            verdict(c != 10 && c % 11 == d[8])?;
        }
        "FR" => {
            const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
            let (key, siren) = (n.get(..2).ok_or(Verdict::Format)?, n.get(2..).ok_or(Verdict::Format)?);
            let pos = |c: u8| ALPHABET.iter().position(|a| *a == c).map(|p| p as u64);
            let (Some(k0), Some(k1)) = (pos(key.as_bytes()[0]), pos(key.as_bytes()[1])) else {
                return Err(Verdict::Format);
            };
            if n.len() != 11 || !all_digits(siren, 9) {
                return Err(Verdict::Format);
            }
            // The SIREN is Luhn-checked, except the 000… numbers of foreign companies.
            if !siren.starts_with("000") {
                verdict(luhn(&digits_of(siren).ok_or(Verdict::Format)?))?;
            }
            let number: u64 = siren.parse().map_err(|_| Verdict::Format)?;
            if all_digits(key, 2) {
                // (12 + 3 × (SIREN mod 97)) mod 97, i.e. SIREN·100 + 12 mod 97.
                verdict(key.parse::<u64>().ok() == Some(mod_str(&format!("{siren}12"), 97)))?;
            } else {
                // The newer keys with letters (python-stdnum's reading of the scheme).
                let check = if k0 < 10 { k0 * 24 + k1 - 10 } else { k0 * 34 + k1 - 100 };
                verdict((number + 1 + check / 11) % 11 == check % 11)?;
            }
        }
        "IT" => {
            if !all_digits(n, 11) || n.starts_with("0000000") {
                return Err(Verdict::Format);
            }
            // Digits 8–10 are the issuing province office: 001–100, or 120, 121, 888, 999.
            let office = &n[7..10];
            if !(("001"..="100").contains(&office) || matches!(office, "120" | "121" | "888" | "999")) {
                return Err(Verdict::Format);
            }
            verdict(luhn(&digits_of(n).ok_or(Verdict::Format)?))?;
        }
        "NL" => {
            // Leading zeros of the number may be left out: 4495445B01 is 004495445B01.
            let split = n.len().checked_sub(3).ok_or(Verdict::Format)?;
            let (short, tail) = n.split_at(split);
            let num = format!("{short:0>9}");
            let tail_ok = tail.starts_with('B') && all_digits(&tail[1..], 2) && &tail[1..] != "00";
            if short.is_empty() || num.len() != 9 || !all_digits(&num, 9) || num == "000000000" || !tail_ok {
                return Err(Verdict::Format);
            }
            let d = digits_of(&num).ok_or(Verdict::Format)?;
            let mod11 = weighted(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
            let old_ok = mod11 != 10 && mod11 == d[8];
            // Since 2020 sole traders get ids checked as ISO 7064 mod 97 over "NL" + id,
            // letters as numbers (A = 10 … Z = 35): N = 23, L = 21, B = 11.
            let new_ok = mod_str(&format!("2321{num}11{}", &tail[1..]), 97) == 1;
            verdict(old_ok || new_ok)?;
            return Ok(format!("{num}{tail}"));
        }
        "BE" => {
            let n = if all_digits(n, 9) {
                format!("0{n}")
            } else {
                n.to_owned()
            };
            if !all_digits(&n, 10) || !(n.starts_with('0') || n.starts_with('1')) {
                return Err(Verdict::Format);
            }
            verdict(97 - mod_str(&n[..8], 97) == mod_str(&n[8..], 100))?;
            return Ok(n);
        }
        "PT" => {
            if !all_digits(n, 9) {
                return Err(Verdict::Format);
            }
            let d = digits_of(n).ok_or(Verdict::Format)?;
            let c = 11 - weighted(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
            verdict((if c >= 10 { 0 } else { c }) == d[8])?;
        }
        "LU" => {
            if !all_digits(n, 8) {
                return Err(Verdict::Format);
            }
            verdict(mod_str(&n[..6], 89) == mod_str(&n[6..], 100))?;
        }
        "PL" => {
            if !all_digits(n, 10) {
                return Err(Verdict::Format);
            }
            let d = digits_of(n).ok_or(Verdict::Format)?;
            let c = weighted(&d[..9], &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
            verdict(c != 10 && c == d[9])?;
        }
        "DK" => {
            if !all_digits(n, 8) || n.starts_with('0') {
                return Err(Verdict::Format);
            }
            let d = digits_of(n).ok_or(Verdict::Format)?;
            verdict(weighted(&d, &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11))?;
        }
        "SE" => {
            if !all_digits(n, 12) || !n.ends_with("01") {
                return Err(Verdict::Format);
            }
            verdict(luhn(&digits_of(&n[..10]).ok_or(Verdict::Format)?))?;
        }
        "IE" => ireland(n)?,
        "NO" => {
            let n = n.strip_suffix("MVA").unwrap_or(n);
            return if all_digits(n, 9) {
                Ok(n.to_owned())
            } else {
                Err(Verdict::Format)
            };
        }
        other => return east::check(other, n).unwrap_or(Err(Verdict::Format)),
    }
    Ok(n.to_owned())
}

/// Spanish NIF (DNI), NIE and CIF, which are also the VAT number after "ES".
fn spain(n: &str) -> Result<(), Verdict> {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let b = n.as_bytes();
    if b.len() != 9 || !b[1..8].iter().all(u8::is_ascii_digit) {
        return Err(Verdict::Format);
    }
    let middle: u32 = n[1..8].parse().map_err(|_| Verdict::Format)?;
    let last = b[8];
    match b[0] {
        // DNI: eight digits and a letter.
        b'0'..=b'9' => {
            if !last.is_ascii_uppercase() {
                return Err(Verdict::Format);
            }
            let number: u32 = n[..8].parse().map_err(|_| Verdict::Format)?;
            verdict(LETTERS[(number % 23) as usize] == last)
        }
        // NIE: X, Y, Z stand for 0, 1, 2; K, L, M (Spaniards without DNI) use the 7 digits.
        b'X' | b'Y' | b'Z' | b'K' | b'L' | b'M' => {
            if !last.is_ascii_uppercase() {
                return Err(Verdict::Format);
            }
            let lead = match b[0] {
                b'X' => 0,
                b'Y' => 10_000_000,
                b'Z' => 20_000_000,
                _ => 0,
            };
            verdict(LETTERS[((lead + middle) % 23) as usize] == last)
        }
        // CIF: entity letter, seven digits, control digit or letter.
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' | b'G' | b'H' | b'J' | b'N' | b'P' | b'Q' | b'R' | b'S' | b'U'
        | b'V' | b'W' => {
            let d = digits_of(&n[1..8]).ok_or(Verdict::Format)?;
            let sum: u32 = d
                .iter()
                .enumerate()
                .map(|(i, &x)| if i % 2 == 0 { (x * 2) / 10 + (x * 2) % 10 } else { x })
                .sum();
            let c = (10 - sum % 10) % 10;
            let as_digit = b'0' + c as u8;
            let as_letter = b"JABCDEFGHI"[c as usize];
            let accepted = match b[0] {
                b'P' | b'Q' | b'R' | b'S' | b'N' | b'W' => last == as_letter,
                b'A' | b'B' | b'E' | b'H' => last == as_digit,
                _ => last == as_digit || last == as_letter,
            };
            if !(last.is_ascii_digit() || last.is_ascii_uppercase()) {
                return Err(Verdict::Format);
            }
            verdict(accepted)
        }
        _ => Err(Verdict::Format),
    }
}

/// Irish VAT: 7 digits + check letter (+ a second letter since 2013), or the old form
/// digit, letter/+/*, 5 digits, check letter.
fn ireland(n: &str) -> Result<(), Verdict> {
    const CHECK: &[u8; 23] = b"WABCDEFGHIJKLMNOPQRSTUV";
    let b = n.as_bytes();
    let (seven, check, second) = match b.len() {
        8 | 9 if b[..7].iter().all(u8::is_ascii_digit) => (n[..7].to_owned(), b[7], b.get(8).copied()),
        8 if b[0].is_ascii_digit()
            && (b[1].is_ascii_uppercase() || b[1] == b'+' || b[1] == b'*')
            && b[2..7].iter().all(u8::is_ascii_digit) =>
        {
            (format!("0{}{}", &n[2..7], &n[..1]), b[7], None)
        }
        _ => return Err(Verdict::Format),
    };
    if !check.is_ascii_uppercase() || second.is_some_and(|s| !(b'A'..=b'I').contains(&s) && s != b'W') {
        return Err(Verdict::Format);
    }
    let d = digits_of(&seven).ok_or(Verdict::Format)?;
    let extra = second.map_or(0, |s| if s == b'W' { 0 } else { u32::from(s - b'A' + 1) * 9 });
    let sum = weighted(&d, &[8, 7, 6, 5, 4, 3, 2]) + extra;
    verdict(CHECK[(sum % 23) as usize] == check)
}

#[cfg(test)]
mod tests;
