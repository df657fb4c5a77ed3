//! National check digits inside the BBAN, on top of the IBAN's own mod 97: a typo that
//! happens to keep mod 97 valid (or an IBAN computed from a mistyped domestic account) is
//! caught here, and reported as `iban.checksum` ("mistyped"). Ported from schwifty's
//! `checksum/` modules (which `IBAN(…, validate_bban=True)` runs) and python-stdnum's
//! `stdnum.iban` country modules (`be`, `es`, `me`, `no`, which agree with schwifty's);
//! compared on `tests/vectors/iban.jsonl`.
//!
//! | country | algorithm | over (BBAN positions) | source |
//! | --- | --- | --- | --- |
//! | BE | bank + account mod 97 (0 → 97) | 0–10, check 10–12 | schwifty `belgium`, stdnum `be.iban` |
//! | BA, ME, MK, PT, RS, SI, TL | ISO 7064 MOD 97-10 | all before the check, check last 2 | schwifty `iso7064_mod97_10`, stdnum `me.iban` |
//! | MR, TN | MOD 97-10, 97 − r | all before the check, check last 2 | schwifty `iso7064_mod97_10_variant` |
//! | FR, MC | clé RIB: 89·bank + 15·branch + 3·account, letters by the French table | check 21–23 | schwifty `france` |
//! | IT, SM | CIN: odd/even letter table over bank, branch and account | check letter 0 | schwifty `italy` |
//! | ES | two mod 11 digits (entity + office, account) | check 8–10 | schwifty `spain`, stdnum `es.iban` (`es.ccc`) |
//! | EE | 7-3-1 weights from the right over branch and account | check 15 | schwifty `estonia` |
//! | FI | Luhn over bank + account | check 13 | schwifty `finland` |
//! | NO | mod 11 (5432765432) | check 10 | schwifty `norway`, stdnum `no.iban` (`no.kontonr`) |
//! | PL | 3-9-7-1 weights over the bank code | check 7 | schwifty `poland` |
//! | CZ, SK | mod 11 of the prefix (branch) and of the account | no own digit | schwifty `czech_republic` |
//! | IS | mod 11 of the account holder's kennitala | position 20 | schwifty `iceland` |
//!
//! Not checked: Germany, whose account numbers carry check digits by one of ~150 methods
//! chosen per bank (schwifty's `germany` implements part of them); the Netherlands, whose
//! old mod 11 schwifty no longer registers (accounts issued since 2019 need not satisfy
//! it); every other country, which has no national check digits in either reference.

/// `None` where the country has no national check; otherwise whether it holds.
pub fn check(country: &str, bban: &str) -> Option<bool> {
    let b = bban.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| -> Option<Vec<u32>> { bban.get(r)?.chars().map(|c| c.to_digit(10)).collect() };
    let tail2 = |at: usize| bban.get(at..at + 2).and_then(|s| s.parse::<u64>().ok());
    let ok = match country {
        "BE" => {
            let r = mod_num(&bban[..10], 97);
            Some(if r == 0 { 97 } else { r }) == tail2(10)
        }
        "BA" | "ME" | "MK" | "PT" | "RS" | "SI" | "TL" => {
            let at = b.len() - 2;
            Some(98 - (mod_alnum(&bban[..at], 97) * 100) % 97) == tail2(at)
        }
        "MR" | "TN" => {
            let at = b.len() - 2;
            Some(97 - (mod_alnum(&bban[..at], 97) * 100) % 97) == tail2(at)
        }
        "FR" | "MC" => {
            let n = |r: std::ops::Range<usize>| french(&bban[r]);
            let sum = 89 * n(0..5) + 15 * n(5..10) + 3 * n(10..21);
            Some(97 - sum % 97) == tail2(21)
        }
        "IT" | "SM" => b[0] == cin(&bban[1..23]),
        "ES" => {
            let w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
            let d1 = reconcile(11 - weighted(&digits(0..8)?, &w[2..]) % 11);
            let d2 = reconcile(11 - weighted(&digits(10..20)?, &w) % 11);
            digits(8..10)? == [d1, d2]
        }
        "EE" => {
            // Branch and account (the bank code does not count).
            let d = digits(2..15)?;
            let s: u32 = d
                .iter()
                .rev()
                .zip([7, 3, 1].iter().cycle())
                .map(|(x, w)| x * w)
                .sum::<u32>()
                % 10;
            digits(15..16)?[0] == if s == 0 { 0 } else { 10 - s }
        }
        "FI" => luhn_digit(&digits(0..13)?) == digits(13..14)?[0],
        "NO" => {
            let account = &bban[4..10];
            let value = if account.starts_with("00") {
                digits(6..10)?
            } else {
                digits(0..10)?
            };
            let c = 11 - weighted(&value, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
            c != 10 && c % 11 == digits(10..11)?[0]
        }
        "PL" => {
            let s = weighted(&digits(0..7)?, &[3, 9, 7, 1, 3, 9, 7]) % 10;
            digits(7..8)?[0] == if s == 0 { 0 } else { 10 - s }
        }
        "CZ" | "SK" => {
            let w = [6, 3, 7, 9, 10, 5, 8, 4, 2, 1];
            weighted(&digits(4..10)?, &w[4..]).is_multiple_of(11) && weighted(&digits(10..20)?, &w).is_multiple_of(11)
        }
        "IS" => {
            let id = digits(12..22)?;
            let r = weighted(&id[..8], &[3, 2, 7, 6, 5, 4, 3, 2]) % 11;
            (if r == 0 { 0 } else { 11 - r }) == id[8]
        }
        _ => return None,
    };
    Some(ok)
}

fn weighted(d: &[u32], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| a * b).sum()
}

fn reconcile(n: u32) -> u32 {
    match n {
        11 => 0,
        10 => 1,
        n => n,
    }
}

fn luhn_digit(d: &[u32]) -> u32 {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let v = if i % 2 == 0 { 2 * x } else { x };
            v / 10 + v % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A digit string modulo `m`.
fn mod_num(s: &str, m: u64) -> u64 {
    s.bytes().fold(0, |r, c| (r * 10 + u64::from(c - b'0')) % m)
}

/// Digits and letters as numbers (A = 10 … Z = 35), concatenated, modulo `m`.
fn mod_alnum(s: &str, m: u64) -> u64 {
    s.bytes().fold(0, |r, c| {
        if c.is_ascii_digit() {
            (r * 10 + u64::from(c - b'0')) % m
        } else {
            (r * 100 + u64::from(c - b'A') + 10) % m
        }
    })
}

/// The French RIB reads letters as digits: A–I 1–9, J–R 1–9, S–Z 2–9.
fn french(s: &str) -> u64 {
    s.bytes().fold(0, |r, c| {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'I' => c - b'A' + 1,
            b'J'..=b'R' => c - b'J' + 1,
            _ => c - b'S' + 2,
        };
        (r * 10 + u64::from(d)) % 97
    })
}

/// The Italian CIN: characters at odd positions (1st, 3rd, …) through the odd table,
/// even ones by value (digits 0–9, letters A = 0 … Z = 25), sum mod 26 as a letter.
fn cin(s: &str) -> u8 {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
    ];
    let sum: u32 = s
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let v = if c.is_ascii_digit() {
                u32::from(c - b'0')
            } else {
                u32::from(c - b'A')
            };
            if i % 2 == 1 { v } else { ODD[v as usize] }
        })
        .sum();
    b'A' + (sum % 26) as u8
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::Iban;
    use crate::error::Code;

    /// A valid IBAN (bank code from the national registry), and the same IBAN with one
    /// digit changed and its IBAN check digits recomputed, so mod 97 holds and only the
    /// national check digits can catch the typo (made with schwifty, `IBAN.random`).
    const CASES: &[(&str, &str)] = &[
        ("BE62636590830161", "BE80636190830161"),
        ("EE338390030824628198", "EE608390010824628198"),
        ("FI2584290937865794", "FI9684290437865794"),
        ("NO6750455749112", "NO9250455249112"),
        ("CZ7630308433586502014629", "CZ4230308433586502015629"),
        ("SK6806004704593043520560", "SK1806004704593043550560"),
        ("IS900114266044319657249238", "IS770114266044319657249278"),
        ("SI56191751002516793", "SI06191751002546793"),
        ("ME25560817414333776124", "ME42560817114333776124"),
        ("MC293000370741RFSTHSDDDXH27", "MC695000370741RFSTHSDDDXH27"),
        ("SM50R46331284524HTXOF54FZBK", "SM38R46331284224HTXOF54FZBK"),
        ("BA391950551304451642", "BA381950551304471642"),
        ("RS35380423468535606805", "RS31380423468535686805"),
        ("MK07470KEAVSTQVVP56", "MK98420KEAVSTQVVP56"),
        ("TL381388375762833125890", "TL081388375762853125890"),
        ("TN5906683450749528831404", "TN6906683450749528631404"),
        ("MR1302067016873132281718049", "MR6202067016873132281708049"),
        ("ES9121000418450200051332", "ES2121000418450200051331"),
        ("FR1420041010050500013M02606", "FR8420041010050500013M02607"),
        ("IT60X0542811101000000123456", "IT33X0542811101000000123457"),
        ("PT50000201231234567890154", "PT23000201231234567890155"),
        ("PL61109010140000071219812874", "PL05109010240000071219812874"),
    ];

    #[test]
    fn national_check_digits_catch_what_mod_97_lets_through() {
        for (valid, typo) in CASES {
            let (cc, bban) = (&valid[..2], &valid[4..]);
            assert_eq!(check(cc, bban), Some(true), "{valid}");
            assert_eq!(check(cc, &typo[4..]), Some(false), "{typo}");
            // Through the whole parse: the typo is "mistyped", not a format or bank error.
            assert_eq!(Iban::parse(valid).map(|i| i.as_str().to_owned()), Ok(valid.to_string()));
            assert_eq!(Iban::parse(typo).unwrap_err().code, Code::IbanChecksum, "{typo}");
        }
    }

    #[test]
    fn countries_without_national_check() {
        // Germany's per-bank methods are not checked; the Netherlands' old mod 11 is retired.
        assert_eq!(check("DE", "370400440532013000"), None);
        assert_eq!(check("NL", "ABNA0417164300"), None);
        assert_eq!(check("AT", "1904300234573201"), None);
    }
}
