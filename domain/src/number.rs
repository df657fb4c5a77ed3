//! Numbers as people type them in DE, AT, CH, ES and EN forms.
//!
//! The same input must get the same verdict in every locale (browser and server may not
//! agree on the user's locale), so the rules are locale-free: with both `.` and `,` the last
//! one is the decimal separator and the other groups thousands (`1.234,56`, `1,234.56`);
//! a separator that appears once is the decimal separator (`12,5`, `12.5`); one that appears
//! several times groups thousands (`1.234.567`). Spaces and the Swiss `'` are ignored.
//! `1.234` therefore reads as 1.234, and the per-field decimal limit (two for money) turns
//! a German "one thousand two hundred…" into an error instead of a silent wrong amount.

use rust_decimal::Decimal;

use crate::error::{Code, FieldError};

pub fn parse_decimal(input: &str) -> Result<Decimal, FieldError> {
    let s: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '\u{2019}'))
        .collect();
    if s.is_empty() {
        return Err(FieldError::new(Code::Required));
    }
    let format = || FieldError::new(Code::NumberFormat);
    let (negative, body) = match s.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(format());
    }
    let (dots, commas) = (body.matches('.').count(), body.matches(',').count());
    let last_sep = body.rfind(['.', ',']);
    let (int_part, frac_part, group) = match (dots, commas, last_sep) {
        (0, 0, _) => (body, None, None),
        (_, _, Some(i)) if dots > 0 && commas > 0 => {
            let decimal = body.as_bytes()[i] as char;
            if body.matches(decimal).count() != 1 {
                return Err(format());
            }
            (
                &body[..i],
                Some(&body[i + 1..]),
                Some(if decimal == '.' { ',' } else { '.' }),
            )
        }
        (1, 0, Some(i)) | (0, 1, Some(i)) => (&body[..i], Some(&body[i + 1..]), None),
        (_, _, _) => (body, None, Some(if dots > 0 { '.' } else { ',' })),
    };
    let int_digits: String = match group {
        Some(g) => {
            let groups: Vec<&str> = int_part.split(g).collect();
            let first_ok = (1..=3).contains(&groups[0].len());
            if !first_ok || groups[1..].iter().any(|grp| grp.len() != 3) {
                return Err(format());
            }
            groups.concat()
        }
        None => int_part.to_owned(),
    };
    if frac_part.is_some_and(|frac| frac.is_empty() || frac.contains(['.', ','])) {
        return Err(format());
    }
    let int_digits = if int_digits.is_empty() {
        "0".to_owned()
    } else {
        int_digits
    };
    let text = match frac_part {
        Some(frac) => format!("{}{int_digits}.{frac}", if negative { "-" } else { "" }),
        None => format!("{}{int_digits}", if negative { "-" } else { "" }),
    };
    text.parse::<Decimal>().map_err(|_| format())
}

/// Parses and checks decimal places and bounds, with the messages the user needs.
pub fn parse_bounded(input: &str, max_scale: u32, min: Decimal, max: Decimal) -> Result<Decimal, FieldError> {
    let d = parse_decimal(input)?;
    if d.scale() > max_scale {
        // Trailing zeros count too: "1.000" is refused where "1.00" is the most allowed,
        // because it is more likely a thousand than a one.
        return Err(if max_scale == 0 {
            FieldError::new(Code::NumberInteger)
        } else {
            FieldError::new(Code::NumberScale).with("max", max_scale)
        });
    }
    if d < min {
        return Err(FieldError::new(Code::NumberMin).with("min", min));
    }
    if d > max {
        return Err(FieldError::new(Code::NumberMax).with("max", max));
    }
    Ok(d)
}

/// A whole number within bounds (days, minutes).
pub fn parse_integer(input: &str, min: u32, max: u32) -> Result<u32, FieldError> {
    let d = parse_bounded(input, 0, Decimal::from(min), Decimal::from(max))?;
    u32::try_from(d.mantissa()).map_err(|_| FieldError::new(Code::NumberFormat))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn separators() {
        for (input, value) in [
            ("1234.56", "1234.56"),
            ("1234,56", "1234.56"),
            ("1.234,56", "1234.56"),
            ("1,234.56", "1234.56"),
            ("1 234,56", "1234.56"),
            ("1'234.56", "1234.56"),
            ("1.234.567", "1234567"),
            ("1,234,567", "1234567"),
            ("12,5", "12.5"),
            (",5", "0.5"),
            ("-3", "-3"),
            ("\u{2212}3,5", "-3.5"),
            ("+7", "7"),
            ("0", "0"),
        ] {
            assert_eq!(parse_decimal(input).unwrap(), dec(value), "{input}");
        }
        for bad in [
            "abc",
            "1..2",
            "1,2,3.4.5",
            "12.",
            "1.23.4",
            "1.2345,6",
            "12,34.5,6",
            "1e5",
            "--1",
            "-",
            "٣",
        ] {
            assert_eq!(parse_decimal(bad).unwrap_err().code, Code::NumberFormat, "{bad}");
        }
        assert_eq!(parse_decimal("  ").unwrap_err().code, Code::Required);
        assert_eq!(parse_decimal(&"9".repeat(40)).unwrap_err().code, Code::NumberFormat);
    }

    #[test]
    fn bounds() {
        let b = |s| parse_bounded(s, 2, Decimal::ZERO, dec("1000")).map_err(|e| e.code);
        assert_eq!(b("99,95"), Ok(dec("99.95")));
        assert_eq!(b("1.000"), Err(Code::NumberScale));
        assert_eq!(b("-1"), Err(Code::NumberMin));
        assert_eq!(b("1000,01"), Err(Code::NumberMax));
        assert_eq!(parse_integer("30", 0, 365), Ok(30));
        assert_eq!(parse_integer("30,5", 0, 365).unwrap_err().code, Code::NumberInteger);
        assert_eq!(parse_integer("366", 0, 365).unwrap_err().params["max"], "365");
    }
}
