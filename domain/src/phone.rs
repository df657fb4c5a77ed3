//! Phone numbers normalised to E.164 (`+493012345678`), by libphonenumber's rules.
//!
//! The parsing and validity check are a port of libphonenumber's `parse` and `isValidNumber`
//! (as in the Python `phonenumbers` package) over its own metadata, which reaches this crate
//! through [`crate::rules`]: the international prefix and the national prefix (with its
//! transform rules) of the default region, the calling code written without `+`, `(0)` after
//! the calling code, the possible lengths and the number patterns per region and number type,
//! and the region picked by leading digits where regions share a calling code (+1, +7, +44, …).
//!
//! One leniency: without a default country, `00…` is read as `+…`.
//! Deliberately stricter than libphonenumber: letters (vanity numbers, `ext. 12`) are refused
//! with [`Code::PhoneFormat`] rather than converted or cut off, and a number is never longer
//! than E.164's 15 digits (libphonenumber's German pattern allows 17).

use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::error::{Code, FieldError};
use crate::rules::{self, PhoneRegion, PhoneTables};
use crate::value::string_value;

/// E.164: country calling code and national significant number together.
const MAX_DIGITS: usize = 15;
/// libphonenumber's bounds on the national significant number while parsing.
const MIN_NATIONAL: usize = 2;
const MAX_NATIONAL: usize = 17;

/// A phone number in E.164 form: `+`, country calling code, national significant number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Parses a number in international form only (`+…`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_with_default(input, None)
    }

    /// Parses a number; one without an international prefix is read in the national format
    /// of `default_country` (usually the customer's country).
    pub fn parse_with_default(input: &str, default_country: Option<Country>) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        let (plus, digits) = typed_digits(s)?;
        let Some(rules) = rules::get() else {
            // Browser, tables not fetched yet: the server decides.
            return lenient(plus, &digits);
        };
        let region = default_country.map(Country::as_str);
        let (code, national) = parse(&rules.phone, plus, &digits, region)?;
        check(&rules.phone, code, &national)?;
        Ok(Phone(format!("+{code}{national}")))
    }

    pub fn calling_code(&self) -> u16 {
        let digits = &self.0[1..];
        rules::get()
            .and_then(|r| r.phone.split_calling_code(digits))
            .map_or(0, |(c, _)| c)
    }
}

string_value!(Phone);

/// What libphonenumber's `extractPossibleNumber` keeps of typed input, limited to the
/// characters people use to group numbers. Returns whether it starts with `+`, and the digits.
fn typed_digits(s: &str) -> Result<(bool, String), FieldError> {
    let format = || FieldError::new(Code::PhoneFormat);
    // Leading brackets before the number: "(+49) 30 …".
    let start = s.find(|c: char| c == '+' || c.is_ascii_digit()).ok_or_else(format)?;
    if !s[..start].chars().all(|c| c == '(' || c.is_whitespace()) {
        return Err(format());
    }
    let body = &s[start..];
    let plus = body.starts_with('+');
    let mut digits = String::with_capacity(body.len());
    for c in body.trim_start_matches('+').chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '-' | '.' | '/' | '(' | ')' => {}
            _ => return Err(format()),
        }
    }
    if digits.len() < MIN_NATIONAL {
        return Err(format());
    }
    Ok((plus, digits))
}

fn lenient(plus: bool, digits: &str) -> Result<Phone, FieldError> {
    if digits.len() > MAX_DIGITS + 2 {
        return Err(FieldError::new(Code::PhoneTooLong).with("max", MAX_DIGITS));
    }
    Ok(Phone(if plus { format!("+{digits}") } else { digits.to_owned() }))
}

fn parse_error(kind: ParseError) -> FieldError {
    match kind {
        ParseError::NoRegion => FieldError::new(Code::PhoneInternational),
        ParseError::CountryCode => FieldError::new(Code::PhoneCountryCode),
        ParseError::TooShort => FieldError::new(Code::PhoneTooShort).with("min", 4),
        ParseError::TooLong => FieldError::new(Code::PhoneTooLong).with("max", MAX_DIGITS),
    }
}

enum ParseError {
    NoRegion,
    CountryCode,
    TooShort,
    TooLong,
}

/// libphonenumber's `parse`: the calling code and the national significant number.
fn parse(t: &PhoneTables, plus: bool, digits: &str, region: Option<&str>) -> Result<(u16, String), FieldError> {
    // Without a country to read it in, "0049 …" is taken as "+49 …": 00 is the international
    // prefix of most of the world (libphonenumber would refuse the number).
    if let (false, None, Some(rest)) = (plus, region, digits.strip_prefix("00")) {
        return parse(t, true, rest, None);
    }
    if !plus && region.is_none() {
        return Err(parse_error(ParseError::NoRegion));
    }
    let home = region.and_then(|r| t.region(r));
    let extracted = match extract_calling_code(t, plus, digits, home) {
        // "+030 …": not a calling code after the plus; read again without it.
        Err(ParseError::CountryCode) if plus => {
            let (code, national) = extract_calling_code(t, false, digits, home).map_err(parse_error)?;
            if code == 0 {
                return Err(parse_error(ParseError::CountryCode));
            }
            (code, national)
        }
        other => other.map_err(parse_error)?,
    };
    let (code, mut national, meta) = match extracted {
        (0, _) => {
            let home = home.ok_or_else(|| parse_error(ParseError::NoRegion))?;
            (home.calling_code, digits.to_owned(), Some(home))
        }
        (code, national) => {
            let main = t.regions_for(code).first().map(String::as_str);
            let meta = if main == region { home } else { t.main(code) };
            (code, national, meta)
        }
    };
    if national.len() < MIN_NATIONAL {
        return Err(parse_error(ParseError::TooShort));
    }
    if let Some(meta) = meta {
        let stripped = strip_national_prefix(&national, meta);
        if matches!(test_length(&stripped, meta), Length::Possible | Length::TooLong) {
            national = stripped;
        }
    }
    if national.len() < MIN_NATIONAL {
        return Err(parse_error(ParseError::TooShort));
    }
    if national.len() > MAX_NATIONAL {
        return Err(parse_error(ParseError::TooLong));
    }
    Ok((code, national))
}

/// libphonenumber's `maybeExtractCountryCode`: `(0, "")` when the number is national.
fn extract_calling_code(
    t: &PhoneTables,
    plus: bool,
    digits: &str,
    home: Option<&PhoneRegion>,
) -> Result<(u16, String), ParseError> {
    let after_idd = if plus {
        Some(digits)
    } else {
        home.and_then(|m| m.international_prefix.as_ref())
            .and_then(|p| p.prefix_match(digits))
            .map(|m| &digits[m.end..])
            // A calling code never starts with 0: "0049" is IDD + 49, "000" is not.
            .filter(|rest| !rest.starts_with('0'))
    };
    if let Some(rest) = after_idd {
        if rest.len() <= MIN_NATIONAL {
            return Err(ParseError::TooShort);
        }
        return t
            .split_calling_code(rest)
            .map(|(c, n)| (c, n.to_owned()))
            .ok_or(ParseError::CountryCode);
    }
    if let Some(meta) = home {
        // "4930 …" typed in Germany: the calling code without +, if the rest reads better.
        let code = meta.calling_code.to_string();
        if let Some(rest) = digits.strip_prefix(code.as_str()) {
            let national = strip_national_prefix(rest, meta);
            let general = &meta.general.pattern;
            let reads_better = !general.full_match(digits) && general.full_match(&national);
            if reads_better || test_length(digits, meta) == Length::TooLong {
                return Ok((meta.calling_code, national));
            }
        }
    }
    Ok((0, String::new()))
}

/// libphonenumber's `maybeStripNationalPrefixAndCarrierCode`, returning the number to use.
fn strip_national_prefix(number: &str, meta: &PhoneRegion) -> String {
    let Some(prefix) = meta.national_prefix_for_parsing.as_ref() else {
        return number.to_owned();
    };
    let Some(m) = prefix.prefix_match(number) else {
        return number.to_owned();
    };
    let general = &meta.general.pattern;
    let viable = general.full_match(number);
    let last_group = m.groups.last().copied().flatten();
    let result = match (&meta.national_prefix_transform, last_group) {
        (Some(rule), Some(_)) => expand(rule, number, &m.groups) + &number[m.end..],
        _ => number[m.end..].to_owned(),
    };
    if viable && !general.full_match(&result) {
        number.to_owned()
    } else {
        result
    }
}

/// A transform rule with `\1`, `\2` replaced by the groups (empty when a group did not take part).
fn expand(rule: &str, number: &str, groups: &[Option<(usize, usize)>]) -> String {
    let mut out = String::new();
    let mut chars = rule.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('\\', Some(g)) => {
                chars.next();
                if let Some(Some((a, b))) = groups.get(g as usize - 1) {
                    out.push_str(&number[*a..*b]);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// libphonenumber's `testNumberLength` against the general description.
fn test_length(national: &str, meta: &PhoneRegion) -> Length {
    let len = national.len();
    let lengths = &meta.general.lengths;
    if meta.general.local_only.iter().any(|l| usize::from(*l) == len) {
        return Length::LocalOnly;
    }
    match (lengths.first(), lengths.last()) {
        (Some(0), _) | (None, _) => Length::Invalid,
        (Some(min), _) if usize::from(*min) == len => Length::Possible,
        (Some(min), _) if usize::from(*min) > len => Length::TooShort,
        (_, Some(max)) if usize::from(*max) < len => Length::TooLong,
        _ if lengths.iter().any(|l| usize::from(*l) == len) => Length::Possible,
        _ => Length::Invalid,
    }
}

/// libphonenumber's `isValidNumber`, plus the E.164 cap; the errors say what is wrong.
fn check(t: &PhoneTables, code: u16, national: &str) -> Result<(), FieldError> {
    let code_len = code.to_string().len();
    let regions = t.regions_for(code);
    let meta = if let [only] = regions {
        if only == "001" { t.nongeo(code) } else { t.region(only) }
    } else {
        regions
            .iter()
            .filter_map(|r| t.region(r))
            .find(|m| match &m.leading_digits {
                Some(leading) => leading.prefix_match(national).is_some(),
                None => is_valid_in(national, m),
            })
    };
    let reference = meta.or_else(|| t.main(code));
    if let Some(m) = reference {
        let (min, max) = (m.general.lengths.first(), m.general.lengths.last());
        let max_total = max.map_or(MAX_DIGITS, |x| (usize::from(*x) + code_len).min(MAX_DIGITS));
        match test_length(national, m) {
            Length::TooShort | Length::LocalOnly => {
                let min_total = min.map_or(4, |x| usize::from(*x) + code_len);
                return Err(FieldError::new(Code::PhoneTooShort).with("min", min_total));
            }
            Length::TooLong => return Err(FieldError::new(Code::PhoneTooLong).with("max", max_total)),
            _ => {}
        }
        if code_len + national.len() > MAX_DIGITS {
            return Err(FieldError::new(Code::PhoneTooLong).with("max", max_total));
        }
    }
    match meta {
        Some(m) if is_valid_in(national, m) => Ok(()),
        _ => {
            let region = reference.map(|m| m.region.clone()).filter(|r| r != "001");
            Err(FieldError::new(Code::PhoneInvalid).with("country", region.unwrap_or_else(|| format!("+{code}"))))
        }
    }
}

/// The general description and one number type match (`getNumberType` is not UNKNOWN).
fn is_valid_in(national: &str, meta: &PhoneRegion) -> bool {
    meta.general.matches(national) && meta.types.iter().any(|d| d.matches(national))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn de(s: &str) -> Result<String, Code> {
        Phone::parse_with_default(s, Some(Country::DE))
            .map(|p| p.0)
            .map_err(|e| e.code)
    }

    #[test]
    fn normalises() {
        for input in [
            "+49 (0)30 1234567",
            "+49 30 1234567",
            "0049 30 1234567",
            "030 1234567",
            "030/123 45 67",
            "(030) 123-45-67",
            "+49 030 1234567",
            "+49-30-1234567",
        ] {
            assert_eq!(de(input).as_deref(), Ok("+49301234567"), "{input}");
        }
        let at = |s| Phone::parse_with_default(s, Some(Country::AT)).unwrap().0;
        assert_eq!(at("0664 1234567"), "+436641234567");
        let ch = |s| Phone::parse_with_default(s, Some(Country::CH)).unwrap().0;
        assert_eq!(ch("044 668 18 00"), "+41446681800");
        let es = |s| Phone::parse_with_default(s, Some(Country::ES)).unwrap().0;
        assert_eq!(es("912 345 678"), "+34912345678");
        assert_eq!(es("+34 612 34 56 78"), "+34612345678");
        let it = Phone::parse_with_default("06 6982 1234", Some(Country::parse("IT").unwrap())).unwrap();
        assert_eq!(it.as_str(), "+390669821234");
        let us = |s| Phone::parse_with_default(s, Some(Country::US)).unwrap().0;
        assert_eq!(us("(202) 555-0143"), "+12025550143");
        assert_eq!(us("1-202-555-0143"), "+12025550143");
        // International input needs no default country, whatever country it is from.
        assert_eq!(Phone::parse("+81 3-1234-5678").unwrap().as_str(), "+81312345678");
        assert_eq!(Phone::parse("+44 20 7946 0958").unwrap().calling_code(), 44);
        // Without + : the area code alone (libphonenumber reads it as national), the calling
        // code typed without +, the IDD of the default country, Argentina's mobile 15.
        assert_eq!(de("30 1234567").as_deref(), Ok("+49301234567"));
        assert_eq!(de("49 30 1234567").as_deref(), Ok("+49301234567"));
        let ar = |s| Phone::parse_with_default(s, Some(Country::parse("AR").unwrap())).map(|p| p.0);
        assert_eq!(ar("011 15 2345 6789").as_deref(), Ok("+5491123456789"));
        let us = |s| Phone::parse_with_default(s, Some(Country::US)).map(|p| p.0);
        assert_eq!(us("011 49 30 1234567").as_deref(), Ok("+49301234567"));
        assert_eq!(Phone::parse("+1 242 357 1234").unwrap().as_str(), "+12423571234");
        assert_eq!(Phone::parse("+800 1234 5678").unwrap().as_str(), "+80012345678");
    }

    #[test]
    fn refuses() {
        assert_eq!(de(""), Err(Code::Required));
        assert_eq!(de("030 12a4567"), Err(Code::PhoneFormat));
        assert_eq!(de("+"), Err(Code::PhoneFormat));
        assert_eq!(de("+28 1234567"), Err(Code::PhoneCountryCode));
        assert_eq!(de("+49 30"), Err(Code::PhoneTooShort));
        // libphonenumber's German pattern allows this; E.164 does not (17 digits).
        assert_eq!(de("+49 30 1234 5678 9012 3"), Err(Code::PhoneTooLong));
        assert_eq!(de("+49 30 1234 5678 9012 345"), Err(Code::PhoneTooLong));
        assert_eq!(de("+49 10 1234567"), Err(Code::PhoneInvalid));
        assert_eq!(de("+030 1234567"), Err(Code::PhoneCountryCode));
        assert_eq!(de("030 1234567 ext. 12"), Err(Code::PhoneFormat));
        assert_eq!(Phone::parse("030 1234567").unwrap_err().code, Code::PhoneInternational);
        let e = Phone::parse_with_default("+34 412 345 678", Some(Country::DE)).unwrap_err();
        assert_eq!((e.code, e.params["country"].as_str()), (Code::PhoneInvalid, "ES"));
        let es = |s| Phone::parse_with_default(s, Some(Country::ES)).map_err(|e| e.code);
        assert_eq!(es("91234567"), Err(Code::PhoneTooShort));
        assert_eq!(es("+34 91 234 56 789"), Err(Code::PhoneTooLong));
        let e = Phone::parse("+1202555014399").unwrap_err();
        assert_eq!((e.code, e.params["max"].as_str()), (Code::PhoneTooLong, "11"));
    }
}
