//! Phone numbers normalised to E.164 (`+493012345678`).
//!
//! This is a structural check, not libphonenumber: the `phonenumber` crate embeds the full
//! metadata (hundreds of KB in WASM) and its check would have to run on the server only,
//! giving the browser and the server different verdicts. We check what a typist gets wrong:
//! characters, a known country calling code, the trunk prefix (`0` in DE/AT/CH/…, kept in
//! IT), `(0)` after the country code, `00`/`+` international prefixes, at most 15 digits,
//! and fixed national lengths where a country has one (ES, FR, CH, NANP, …).

use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::error::{Code, FieldError};
use crate::value::string_value;

/// Assigned ITU-T E.164 country calling codes. The set is prefix-free, so the first match
/// of length 1, 2 or 3 is the only one.
const CALLING_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60,
    61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211, 212, 213, 216, 218, 220, 221, 222, 223,
    224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246,
    247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290,
    291, 297, 298, 299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377, 378,
    379, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590,
    591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685,
    686, 687, 688, 689, 690, 691, 692, 800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960,
    961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 991, 992, 993, 994, 995, 996,
    998,
];

/// What national dialling looks like in a country we can take a number without `+` from.
struct Plan {
    country: &'static str,
    calling_code: u16,
    /// Dropped when dialling from abroad (`0` in most of Europe, `1` in the NANP).
    trunk: &'static str,
    /// Digits of the national significant number.
    len: (usize, usize),
}

const PLANS: &[Plan] = &[
    Plan {
        country: "AD",
        calling_code: 376,
        trunk: "",
        len: (6, 9),
    },
    Plan {
        country: "AT",
        calling_code: 43,
        trunk: "0",
        len: (4, 13),
    },
    Plan {
        country: "BE",
        calling_code: 32,
        trunk: "0",
        len: (8, 9),
    },
    Plan {
        country: "BG",
        calling_code: 359,
        trunk: "0",
        len: (6, 9),
    },
    Plan {
        country: "CA",
        calling_code: 1,
        trunk: "1",
        len: (10, 10),
    },
    Plan {
        country: "CH",
        calling_code: 41,
        trunk: "0",
        len: (9, 9),
    },
    Plan {
        country: "CY",
        calling_code: 357,
        trunk: "",
        len: (8, 8),
    },
    Plan {
        country: "CZ",
        calling_code: 420,
        trunk: "",
        len: (9, 9),
    },
    Plan {
        country: "DE",
        calling_code: 49,
        trunk: "0",
        len: (5, 13),
    },
    Plan {
        country: "DK",
        calling_code: 45,
        trunk: "",
        len: (8, 8),
    },
    Plan {
        country: "EE",
        calling_code: 372,
        trunk: "",
        len: (7, 8),
    },
    Plan {
        country: "ES",
        calling_code: 34,
        trunk: "",
        len: (9, 9),
    },
    Plan {
        country: "FI",
        calling_code: 358,
        trunk: "0",
        len: (5, 12),
    },
    Plan {
        country: "FR",
        calling_code: 33,
        trunk: "0",
        len: (9, 9),
    },
    Plan {
        country: "GB",
        calling_code: 44,
        trunk: "0",
        len: (9, 10),
    },
    Plan {
        country: "GR",
        calling_code: 30,
        trunk: "",
        len: (10, 10),
    },
    Plan {
        country: "HR",
        calling_code: 385,
        trunk: "0",
        len: (8, 9),
    },
    Plan {
        country: "HU",
        calling_code: 36,
        trunk: "06",
        len: (8, 9),
    },
    Plan {
        country: "IE",
        calling_code: 353,
        trunk: "0",
        len: (7, 9),
    },
    // Italy keeps the leading 0 of landlines in international format: no trunk prefix.
    Plan {
        country: "IT",
        calling_code: 39,
        trunk: "",
        len: (6, 11),
    },
    Plan {
        country: "LI",
        calling_code: 423,
        trunk: "",
        len: (7, 9),
    },
    Plan {
        country: "LT",
        calling_code: 370,
        trunk: "8",
        len: (8, 8),
    },
    Plan {
        country: "LU",
        calling_code: 352,
        trunk: "",
        len: (4, 11),
    },
    Plan {
        country: "LV",
        calling_code: 371,
        trunk: "",
        len: (8, 8),
    },
    Plan {
        country: "MC",
        calling_code: 377,
        trunk: "",
        len: (8, 9),
    },
    Plan {
        country: "MT",
        calling_code: 356,
        trunk: "",
        len: (8, 8),
    },
    Plan {
        country: "NL",
        calling_code: 31,
        trunk: "0",
        len: (9, 9),
    },
    Plan {
        country: "NO",
        calling_code: 47,
        trunk: "",
        len: (8, 8),
    },
    Plan {
        country: "PL",
        calling_code: 48,
        trunk: "",
        len: (9, 9),
    },
    Plan {
        country: "PT",
        calling_code: 351,
        trunk: "",
        len: (9, 9),
    },
    Plan {
        country: "RO",
        calling_code: 40,
        trunk: "0",
        len: (9, 9),
    },
    Plan {
        country: "SE",
        calling_code: 46,
        trunk: "0",
        len: (7, 10),
    },
    Plan {
        country: "SI",
        calling_code: 386,
        trunk: "0",
        len: (8, 8),
    },
    Plan {
        country: "SK",
        calling_code: 421,
        trunk: "0",
        len: (9, 9),
    },
    Plan {
        country: "US",
        calling_code: 1,
        trunk: "1",
        len: (10, 10),
    },
];

const MAX_DIGITS: usize = 15;
const MIN_NATIONAL: usize = 4;

/// A phone number in E.164 form: `+`, country calling code, national significant number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Parses a number in international form only (`+…` or `00…`).
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
        let international = s.starts_with('+');
        let body = if international { &s[1..] } else { s };
        // "(0)" is the German/Swiss way of writing the trunk prefix next to the country code.
        let body = if international || body.starts_with("00") {
            body.replacen("(0)", "", 1)
        } else {
            body.to_owned()
        };
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '\u{a0}' | '-' | '.' | '/' | '(' | ')' => {}
                _ => return Err(FieldError::new(Code::PhoneFormat)),
            }
        }
        if digits.is_empty() {
            return Err(FieldError::new(Code::PhoneFormat));
        }
        let international_digits = if international {
            Some(digits.clone())
        } else {
            digits.strip_prefix("00").map(str::to_owned)
        };
        let (code, national) = match international_digits {
            Some(d) => {
                let (code, rest) = split_calling_code(&d).ok_or(FieldError::new(Code::PhoneCountryCode))?;
                // "+49 030 …": the trunk 0 typed after the country code by mistake.
                let plan = PLANS.iter().find(|p| p.calling_code == code && p.trunk == "0");
                let rest = match (plan, rest.strip_prefix('0')) {
                    (Some(_), Some(r)) => r,
                    _ => rest,
                };
                (code, rest.to_owned())
            }
            None => {
                let plan = default_country
                    .and_then(|c| PLANS.iter().find(|p| p.country == c.as_str()))
                    .ok_or(FieldError::new(Code::PhoneInternational))?;
                let national = if plan.trunk.is_empty() {
                    digits.as_str()
                } else if plan.calling_code == 1 {
                    // NANP numbers are written with or without the leading 1.
                    digits.strip_prefix('1').filter(|d| d.len() == 10).unwrap_or(&digits)
                } else {
                    digits
                        .strip_prefix(plan.trunk)
                        .ok_or(FieldError::new(Code::PhoneInternational))?
                };
                (plan.calling_code, national.to_owned())
            }
        };
        let code_len = code.to_string().len();
        let (min, max) = PLANS
            .iter()
            .find(|p| p.calling_code == code)
            .map_or((MIN_NATIONAL, MAX_DIGITS - code_len), |p| p.len);
        let max = max.min(MAX_DIGITS - code_len);
        if national.len() < min {
            return Err(FieldError::new(Code::PhoneTooShort).with("min", min + code_len));
        }
        if national.len() > max {
            return Err(FieldError::new(Code::PhoneTooLong).with("max", max + code_len));
        }
        Ok(Phone(format!("+{code}{national}")))
    }

    pub fn calling_code(&self) -> u16 {
        split_calling_code(&self.0[1..]).map_or(0, |(c, _)| c)
    }
}

fn split_calling_code(digits: &str) -> Option<(u16, &str)> {
    (1..=3.min(digits.len())).find_map(|n| {
        let code: u16 = digits[..n].parse().ok()?;
        CALLING_CODES.binary_search(&code).ok().map(|_| (code, &digits[n..]))
    })
}

string_value!(Phone);

#[cfg(test)]
mod tests {
    use super::*;

    fn de(s: &str) -> Result<String, Code> {
        Phone::parse_with_default(s, Some(Country::DE))
            .map(|p| p.0)
            .map_err(|e| e.code)
    }

    #[test]
    fn table_is_sorted() {
        assert!(CALLING_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(PLANS.iter().all(|p| Country::parse(p.country).is_ok()));
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
    }

    #[test]
    fn refuses() {
        assert_eq!(de(""), Err(Code::Required));
        assert_eq!(de("030 12a4567"), Err(Code::PhoneFormat));
        assert_eq!(de("+"), Err(Code::PhoneFormat));
        assert_eq!(de("+28 1234567"), Err(Code::PhoneCountryCode));
        assert_eq!(de("+49 30"), Err(Code::PhoneTooShort));
        assert_eq!(de("+49 30 1234 5678 9012 3"), Err(Code::PhoneTooLong));
        assert_eq!(de("30 1234567"), Err(Code::PhoneInternational));
        assert_eq!(Phone::parse("030 1234567").unwrap_err().code, Code::PhoneInternational);
        let es = |s| Phone::parse_with_default(s, Some(Country::ES)).map_err(|e| e.code);
        assert_eq!(es("91234567"), Err(Code::PhoneTooShort));
        assert_eq!(es("+34 91 234 56 789"), Err(Code::PhoneTooLong));
        let e = Phone::parse("+1234567890123456").unwrap_err();
        assert_eq!((e.code, e.params["max"].as_str()), (Code::PhoneTooLong, "11"));
    }
}
