//! Check digits of the EU states whose VAT ids `mod.rs` does not handle itself, and of the
//! UK / Northern Ireland: ported from python-stdnum (`stdnum/<cc>/vat.py` and the modules
//! it delegates to), which the vector suite compares against.

use chrono::NaiveDate;

use super::{Verdict, all_digits, digits_of, verdict, weighted};

/// `None` when `prefix` is not one of these; else the canonical number or the verdict.
pub(super) fn check(prefix: &str, n: &str) -> Option<Result<String, Verdict>> {
    let result = match prefix {
        "BG" => bulgaria(n),
        "CY" => cyprus(n),
        "CZ" => czechia(n),
        "EE" => digits_then(n, &[9], |d| {
            weighted(d, &[3, 7, 1, 3, 7, 1, 3, 7, 1]).is_multiple_of(10)
        }),
        "EL" => {
            let n = if all_digits(n, 8) {
                format!("0{n}")
            } else {
                n.to_owned()
            };
            return Some(greece(&n).map(|()| n));
        }
        "FI" => digits_then(n, &[8], |d| weighted(d, &[7, 9, 10, 5, 8, 4, 2, 1]).is_multiple_of(11)),
        "HR" => digits_then(n, &[11], mod_11_10),
        "HU" => digits_then(n, &[8], |d| weighted(d, &[9, 7, 3, 1, 9, 7, 3, 1]).is_multiple_of(10)),
        "LT" => lithuania(n),
        "LV" => latvia(n),
        "MT" => {
            if n.starts_with('0') {
                Err(Verdict::Format)
            } else {
                digits_then(n, &[8], |d| weighted(d, &[3, 4, 6, 7, 8, 9, 10, 1]).is_multiple_of(37))
            }
        }
        "RO" => romania(n),
        "SI" => {
            if n.starts_with('0') {
                Err(Verdict::Format)
            } else {
                digits_then(n, &[8], |d| {
                    let c = 11 - weighted(&d[..7], &[8, 7, 6, 5, 4, 3, 2]) % 11;
                    (if c == 10 { 0 } else { c }) == d[7]
                })
            }
        }
        "SK" => slovakia(n),
        "GB" | "XI" => united_kingdom(n),
        _ => return None,
    };
    Some(result.map(|()| n.to_owned()))
}

/// All digits, one of `lengths`, and `ok` on the digits.
fn digits_then(n: &str, lengths: &[usize], ok: impl Fn(&[u32]) -> bool) -> Result<(), Verdict> {
    if !lengths.iter().any(|l| all_digits(n, *l)) {
        return Err(Verdict::Format);
    }
    verdict(ok(&digits_of(n).ok_or(Verdict::Format)?))
}

/// ISO 7064 MOD 11,10 over the whole number, check digit included.
fn mod_11_10(d: &[u32]) -> bool {
    let mut check = 5;
    for &x in d {
        let c = if check == 0 { 10 } else { check };
        check = ((c * 2) % 11 + x) % 10;
    }
    check == 1
}

fn date(year: i32, month: u32, day: u32) -> bool {
    NaiveDate::from_ymd_opt(year, month, day).is_some()
}

fn number(d: &[u32]) -> u32 {
    d.iter().fold(0, |a, x| a * 10 + x)
}

fn bulgaria(n: &str) -> Result<(), Verdict> {
    let d = digits_of(n)
        .filter(|d| d.len() == 9 || d.len() == 10)
        .ok_or(Verdict::Format)?;
    if d.len() == 9 {
        let mut c = d[..8].iter().enumerate().map(|(i, x)| (i as u32 + 1) * x).sum::<u32>() % 11;
        if c == 10 {
            c = d[..8].iter().enumerate().map(|(i, x)| (i as u32 + 3) * x).sum::<u32>() % 11;
        }
        return verdict(c % 10 == d[8]);
    }
    // Ten digits: a person's EGN (with a valid birth date), a foreigner's PNF, or another
    // body's number.
    let (yy, mm, dd) = (number(&d[0..2]) as i32, number(&d[2..4]), number(&d[4..6]));
    let (year, month) = match mm {
        41.. => (1900 + yy + 100, mm - 40),
        21.. => (1900 + yy - 100, mm - 20),
        _ => (1900 + yy, mm),
    };
    let egn = date(year, month, dd) && weighted(&d[..9], &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10 == d[9];
    let pnf = weighted(&d[..9], &[21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10 == d[9];
    let other = (11 - weighted(&d[..9], &[4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11 == d[9];
    verdict(egn || pnf || other)
}

fn cyprus(n: &str) -> Result<(), Verdict> {
    let b = n.as_bytes();
    if b.len() != 9 || !b[..8].iter().all(u8::is_ascii_digit) || !b[8].is_ascii_uppercase() {
        return Err(Verdict::Format);
    }
    if n.starts_with("12") {
        return Err(Verdict::Format);
    }
    const ODD: [u32; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
    let d = digits_of(&n[..8]).ok_or(Verdict::Format)?;
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &x)| if i % 2 == 0 { ODD[x as usize] } else { x })
        .sum();
    verdict(u32::from(b[8] - b'A') == sum % 26)
}

fn czechia(n: &str) -> Result<(), Verdict> {
    let d = digits_of(n).ok_or(Verdict::Format)?;
    match d.len() {
        // Legal entities.
        8 => {
            if d[0] == 9 {
                return Err(Verdict::Format);
            }
            let s = d[..7].iter().enumerate().map(|(i, x)| (8 - i as u32) * x).sum::<u32>();
            let c = (11 - s % 11) % 11;
            verdict((if c == 0 { 1 } else { c }) % 10 == d[7])
        }
        // Special cases: individuals without a birth number.
        9 if d[0] == 6 => {
            let s = d[1..8].iter().enumerate().map(|(i, x)| (8 - i as u32) * x).sum::<u32>() % 11;
            verdict((8 - (10 - s as i32).rem_euclid(11)).rem_euclid(10) as u32 == d[8])
        }
        // Individuals: the birth number.
        9 | 10 => birth_number(&d),
        _ => Err(Verdict::Format),
    }
}

/// Czech and Slovak birth number (rodné číslo): a birth date, and mod 11 for ten digits.
fn birth_number(d: &[u32]) -> Result<(), Verdict> {
    let mut year = 1900 + number(&d[0..2]) as i32;
    let month = number(&d[2..4]) % 50 % 20;
    let day = number(&d[4..6]);
    if d.len() == 9 {
        if year >= 1980 {
            year -= 100;
        }
        if year > 1953 {
            return Err(Verdict::Format);
        }
    } else if year < 1954 {
        year += 100;
    }
    if !date(year, month, day) {
        return Err(Verdict::Format);
    }
    if d.len() == 10 {
        let all: u64 = d[..9].iter().fold(0, |a, x| a * 10 + u64::from(*x));
        return verdict((all % 11 % 10) as u32 == d[9]);
    }
    Ok(())
}

fn greece(n: &str) -> Result<(), Verdict> {
    let d = digits_of(n).filter(|d| d.len() == 9).ok_or(Verdict::Format)?;
    let sum = d[..8].iter().fold(0u32, |a, x| a * 2 + x);
    verdict(sum * 2 % 11 % 10 == d[8])
}

fn lithuania(n: &str) -> Result<(), Verdict> {
    let d = digits_of(n).ok_or(Verdict::Format)?;
    let ok_shape = (d.len() == 9 && d[7] == 1) || (d.len() == 12 && d[10] == 1);
    if !ok_shape {
        return Err(Verdict::Format);
    }
    let body = &d[..d.len() - 1];
    let mut c = body
        .iter()
        .enumerate()
        .map(|(i, x)| (1 + i as u32 % 9) * x)
        .sum::<u32>()
        % 11;
    if c == 10 {
        c = body
            .iter()
            .enumerate()
            .map(|(i, x)| (1 + (i as u32 + 2) % 9) * x)
            .sum::<u32>();
    }
    verdict(c % 11 % 10 == d[d.len() - 1])
}

fn latvia(n: &str) -> Result<(), Verdict> {
    let d = digits_of(n).filter(|d| d.len() == 11).ok_or(Verdict::Format)?;
    let person = || (1 + weighted(&d[..10], &[10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10 == d[10];
    if d[0] > 3 {
        // Legal entities.
        verdict(weighted(&d, &[9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 == 3)
    } else if d[0] == 3 && d[1] == 2 {
        // Personal codes issued since 2017 carry no birth date.
        verdict(person())
    } else {
        let year = 1800 + 100 * d[6] as i32 + number(&d[4..6]) as i32;
        if !date(year, number(&d[2..4]), number(&d[0..2])) {
            return Err(Verdict::Format);
        }
        verdict(person())
    }
}

fn romania(n: &str) -> Result<(), Verdict> {
    let d = digits_of(n).ok_or(Verdict::Format)?;
    if d.len() == 13 {
        // A person's CNP.
        const COUNTIES: [u32; 54] = [
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 51, 52, 70, 80, 81, 82,
        ];
        let century = match d[0] {
            1 | 2 => 1900,
            3 | 4 => 1800,
            5 | 6 => 2000,
            0 => return Err(Verdict::Format),
            _ => 1900,
        };
        let year = century + number(&d[1..3]) as i32;
        let county = number(&d[7..9]);
        if !date(year, number(&d[3..5]), number(&d[5..7])) || !(COUNTIES.contains(&county) || county == 83) {
            return Err(Verdict::Format);
        }
        let c = weighted(&d[..12], &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
        return verdict((if c == 10 { 1 } else { c }) == d[12]);
    }
    // A company's CUI: 2 to 10 digits, no leading zero.
    if !(2..=10).contains(&d.len()) || d[0] == 0 {
        return Err(Verdict::Format);
    }
    let body = &d[..d.len() - 1];
    let padded: Vec<u32> = std::iter::repeat_n(0, 9 - body.len())
        .chain(body.iter().copied())
        .collect();
    verdict(10 * weighted(&padded, &[7, 5, 3, 2, 1, 7, 5, 3, 2]) % 11 % 10 == d[d.len() - 1])
}

fn slovakia(n: &str) -> Result<(), Verdict> {
    let d = digits_of(n).filter(|d| d.len() == 10).ok_or(Verdict::Format)?;
    if birth_number(&d).is_ok() {
        return Ok(());
    }
    if d[0] == 0 || ![2, 3, 4, 7, 8, 9].contains(&d[2]) {
        return Err(Verdict::Format);
    }
    let all: u64 = d.iter().fold(0, |a, x| a * 10 + u64::from(*x));
    verdict(all.is_multiple_of(11))
}

/// UK and Northern Ireland: 9 or 12 digits (mod 97, with the 2010 "+55" scheme for numbers
/// from 100 on), and the government (GD) and health (HA) department numbers.
fn united_kingdom(n: &str) -> Result<(), Verdict> {
    let b = n.as_bytes();
    let dept = |code: &str| -> Result<(), Verdict> {
        let v: u32 = code.parse().map_err(|_| Verdict::Format)?;
        match (&n[..2], v) {
            ("GD", 0..500) | ("HA", 500..) => Ok(()),
            _ => Err(Verdict::Format),
        }
    };
    match b.len() {
        5 if all_digits(&n[2..], 3) => dept(&n[2..]),
        11 if (n.starts_with("GD8888") || n.starts_with("HA8888")) => {
            if !all_digits(&n[6..], 5) {
                return Err(Verdict::Format);
            }
            dept(&n[6..9])?;
            let (v, c): (u32, u32) = (n[6..9].parse().unwrap_or(0), n[9..].parse().unwrap_or(99));
            verdict(v % 97 == c)
        }
        9 | 12 => {
            let d = digits_of(n).ok_or(Verdict::Format)?;
            let s = weighted(&d[..9], &[8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97;
            if number(&d[..3]) >= 100 {
                verdict(matches!(s, 0 | 42 | 55))
            } else {
                verdict(s == 0)
            }
        }
        _ => Err(Verdict::Format),
    }
}
