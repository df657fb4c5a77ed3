//! Postal codes per country and postal addresses. In postal codes, spaces are formatting
//! (`1234AB` becomes `1234 AB`) but hyphens are part of the code (`2725-079` in Portugal,
//! `00-950` in Poland), so a code typed without its hyphen is refused, not guessed.

use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::error::{Code, Errors, FieldError, FieldErrors};
use crate::text::AddressLine;

/// A postal code that is valid for its country.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct PostalCode {
    country: Country,
    code: String,
}

impl PostalCode {
    pub fn parse(input: &str, country: Country) -> Result<Self, FieldError> {
        let compact: String = input.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
        if compact.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        normalise(country.as_str(), &compact)
            .map(|code| PostalCode { country, code })
            .ok_or_else(|| {
                FieldError::new(Code::PostalCodeFormat)
                    .with("country", country)
                    .with("example", example_for(country.as_str()))
            })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    pub fn country(&self) -> Country {
        self.country
    }
}

impl std::fmt::Display for PostalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code)
    }
}

impl From<PostalCode> for String {
    fn from(p: PostalCode) -> String {
        p.code
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn letters(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// `NNNNN`, optionally typed with one space anywhere (`123 45`), shown as `NNN NN`.
fn split_3_2(s: &str) -> Option<String> {
    let d: String = s.chars().filter(|c| *c != ' ').collect();
    digits(&d, 5).then(|| format!("{} {}", &d[..3], &d[3..]))
}

fn normalise(country: &str, s: &str) -> Option<String> {
    let nospace: String = s.chars().filter(|c| *c != ' ').collect();
    let first_nonzero = |x: &str| !x.starts_with('0');
    let ok = |cond: bool, v: &str| cond.then(|| v.to_owned());
    match country {
        // Deutsche Post: 01001–99998; 00xxx is unassigned.
        "DE" => ok(digits(s, 5) && !s.starts_with("00"), s),
        "AT" | "BE" | "CH" | "DK" => ok(digits(s, 4) && first_nonzero(s), s),
        // Oslo's codes start with 0 (0025, 0107).
        "NO" => ok(digits(s, 4), s),
        // Two leading digits are the province, 01–52.
        "ES" => ok(digits(s, 5) && matches!(s[..2].parse::<u8>(), Ok(1..=52)), s),
        "FR" => ok(digits(s, 5) && !s.starts_with("00"), s),
        "IT" | "FI" => ok(digits(s, 5), s),
        "PT" => {
            let (a, b) = s.split_once('-')?;
            ok(digits(a, 4) && first_nonzero(a) && digits(b, 3), s)
        }
        "PL" => {
            let (a, b) = s.split_once('-')?;
            ok(digits(a, 2) && digits(b, 3), s)
        }
        "NL" => {
            let (num, suffix) = (nospace.get(..4)?, nospace.get(4..)?);
            let valid = digits(num, 4) && first_nonzero(num) && letters(suffix, 2);
            (valid && !matches!(suffix, "SA" | "SD" | "SS")).then(|| format!("{num} {suffix}"))
        }
        // Written "L-1234" on letters, by Post Luxembourg too; stored without the prefix.
        "LU" => {
            let n = s.strip_prefix("L-").or_else(|| s.strip_prefix("L ")).unwrap_or(s);
            ok(digits(n, 4), n)
        }
        "SE" | "CZ" | "SK" | "GR" => split_3_2(s),
        "GB" => uk_postcode(&nospace),
        "IE" => eircode(&nospace),
        "US" => {
            let (zip, plus4) = s.split_once('-').unwrap_or((s, "0000"));
            ok(digits(zip, 5) && digits(plus4, 4), s)
        }
        "CA" => {
            let b = nospace.as_bytes();
            let letter = |c: u8| c.is_ascii_uppercase() && !b"DFIOQU".contains(&c);
            let shape = b.len() == 6
                && letter(b[0])
                && b[1].is_ascii_digit()
                && letter(b[2])
                && b[3].is_ascii_digit()
                && letter(b[4])
                && b[5].is_ascii_digit();
            shape.then(|| format!("{} {}", &nospace[..3], &nospace[3..]))
        }
        // Elsewhere: the country's shape from Google's address data; where it has none (or
        // in the browser before the tables are fetched), what postal codes look like.
        _ => match crate::rules::get().map(|r| r.postal.rule(country)) {
            Some(Some(rule)) => ok(rule.pattern.full_match(s), s),
            _ => {
                let chars_ok = s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
                ok(
                    chars_ok && (2..=10).contains(&s.len()) && s.bytes().any(|b| b.is_ascii_digit()),
                    s,
                )
            }
        },
    }
}

/// Royal Mail format: outward code (A9, A99, AA9, AA99, A9A, AA9A) + inward code (9AA).
fn uk_postcode(s: &str) -> Option<String> {
    if s == "GIR0AA" {
        return Some("GIR 0AA".into());
    }
    if !(5..=7).contains(&s.len()) || !s.is_ascii() {
        return None;
    }
    let (out, inw) = s.split_at(s.len() - 3);
    let ib = inw.as_bytes();
    let inward_ok = ib[0].is_ascii_digit() && ib[1].is_ascii_uppercase() && ib[2].is_ascii_uppercase();
    let shape: String = out
        .bytes()
        .map(|b| {
            if b.is_ascii_digit() {
                '9'
            } else if b.is_ascii_uppercase() {
                'A'
            } else {
                '?'
            }
        })
        .collect();
    let outward_ok = matches!(shape.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A");
    (inward_ok && outward_ok).then(|| format!("{out} {inw}"))
}

/// Irish Eircode: routing key (letter + two digits, or D6W) + four-character unique id.
fn eircode(s: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"0123456789ACDEFHKNPRTVWXY";
    if s.len() != 7 || !s.is_ascii() {
        return None;
    }
    let (key, id) = s.split_at(3);
    let kb = key.as_bytes();
    let key_ok = key == "D6W" || (ALPHABET[10..].contains(&kb[0]) && digits(&key[1..], 2));
    let id_ok = id.bytes().all(|b| ALPHABET.contains(&b));
    (key_ok && id_ok).then(|| format!("{key} {id}"))
}

/// A valid example, shown in the error message so the user sees the expected shape.
pub fn example_for(country: &str) -> String {
    own_example(country)
        .map(str::to_owned)
        .or_else(|| crate::rules::get()?.postal.rule(country)?.examples.first().cloned())
        .unwrap_or_else(|| "12345".to_owned())
}

/// The example for the countries whose codes this module formats itself.
fn own_example(country: &str) -> Option<&'static str> {
    Some(match country {
        "DE" => "10115",
        "AT" => "1010",
        "CH" => "8001",
        "ES" => "28013",
        "PT" => "1000-001",
        "FR" => "75001",
        "IT" => "00184",
        "NL" => "1012 AB",
        "BE" => "1000",
        "LU" => "1009",
        "PL" => "00-950",
        "GB" => "SW1A 1AA",
        "IE" => "D02 X285",
        "US" => "20500",
        "CA" => "K1A 0B1",
        "DK" | "NO" => "1050",
        "SE" | "CZ" | "SK" | "GR" => "114 55",
        "FI" => "00100",
        _ => return None,
    })
}

/// What the user types into the address fields; all strings, as the form holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressDraft {
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub region: String,
    pub country: String,
}

impl AddressDraft {
    /// True when no address field but possibly the country is filled: the country alone is
    /// also the customer's home country for phone numbers and tax ids, not an address.
    pub fn is_blank(&self) -> bool {
        [&self.street, &self.postal_code, &self.city, &self.region]
            .iter()
            .all(|s| s.trim().is_empty())
    }

    /// Street, city and country are required; the postal code where the country has them;
    /// the region where the country's addresses need one.
    pub fn validate(&self) -> Result<PostalAddress, Vec<FieldError>> {
        let mut errors = Errors::new("");
        let street = errors.check("street", AddressLine::parse(&self.street));
        let city = errors.check("city", AddressLine::parse(&self.city));
        let country = errors.check("country", Country::parse(&self.country));
        let postal_code = match country {
            Some(c) if self.postal_code.trim().is_empty() && !c.has_postal_codes() => Some(None),
            Some(c) => errors
                .check("postal_code", PostalCode::parse(&self.postal_code, c))
                .map(Some),
            None => None,
        };
        let region = match country {
            _ if !self.region.trim().is_empty() => errors.check("region", AddressLine::parse(&self.region)).map(Some),
            Some(c) if c.region_required() => errors.check("region", Err(FieldError::new(Code::Required))),
            _ => Some(None),
        };
        let address = match (street, postal_code, city, region, country) {
            (Some(street), Some(postal_code), Some(city), Some(region), Some(country)) => Some(PostalAddress {
                street,
                postal_code,
                city,
                region,
                country,
            }),
            _ => None,
        };
        errors.finish(address)
    }
}

/// A deliverable postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AddressDraft", into = "AddressDraft")]
pub struct PostalAddress {
    pub street: AddressLine,
    pub postal_code: Option<PostalCode>,
    pub city: AddressLine,
    pub region: Option<AddressLine>,
    pub country: Country,
}

impl From<PostalAddress> for AddressDraft {
    fn from(a: PostalAddress) -> AddressDraft {
        AddressDraft {
            street: a.street.to_string(),
            postal_code: a.postal_code.map(String::from).unwrap_or_default(),
            city: a.city.to_string(),
            region: a.region.map(String::from).unwrap_or_default(),
            country: a.country.to_string(),
        }
    }
}

impl TryFrom<AddressDraft> for PostalAddress {
    type Error = FieldErrors;
    fn try_from(d: AddressDraft) -> Result<Self, FieldErrors> {
        d.validate().map_err(FieldErrors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(country: &str, input: &str) -> Result<String, Code> {
        PostalCode::parse(input, Country::parse(country).unwrap())
            .map(|p| p.code)
            .map_err(|e| e.code)
    }

    #[test]
    fn valid_postal_codes() {
        for (country, input, canonical) in [
            ("DE", "01067", "01067"),
            ("DE", "10115", "10115"),
            ("DE", "99998", "99998"),
            ("AT", "1010", "1010"),
            ("CH", "8001", "8001"),
            ("LI", "9490", "9490"),
            ("ES", "28013", "28013"),
            ("ES", "08001", "08001"),
            ("ES", "52001", "52001"),
            ("PT", "2725-079", "2725-079"),
            ("PT", "1000-001", "1000-001"),
            ("FR", "75001", "75001"),
            ("FR", "97400", "97400"),
            ("IT", "00184", "00184"),
            ("NL", "1012AB", "1012 AB"),
            ("NL", "1012 ab", "1012 AB"),
            ("BE", "1000", "1000"),
            ("LU", "L-1009", "1009"),
            ("LU", "1009", "1009"),
            ("PL", "00-950", "00-950"),
            ("GB", "SW1A1AA", "SW1A 1AA"),
            ("GB", "sw1a 1aa", "SW1A 1AA"),
            ("GB", "M1 1AE", "M1 1AE"),
            ("GB", "B33 8TH", "B33 8TH"),
            ("GB", "CR2 6XH", "CR2 6XH"),
            ("GB", "DN55 1PT", "DN55 1PT"),
            ("IE", "D02X285", "D02 X285"),
            ("IE", "A65 F4E2", "A65 F4E2"),
            ("IE", "D6W 1234", "D6W 1234"),
            ("US", "20500", "20500"),
            ("US", "20500-0003", "20500-0003"),
            ("CA", "k1a0b1", "K1A 0B1"),
            ("SE", "11455", "114 55"),
            ("CZ", "110 00", "110 00"),
            ("JP", "100-0001", "100-0001"),
        ] {
            assert_eq!(pc(country, input).as_deref(), Ok(canonical), "{country} {input}");
        }
    }

    #[test]
    fn invalid_postal_codes() {
        for (country, input) in [
            ("DE", "00123"),
            ("DE", "1234"),
            ("DE", "123456"),
            ("DE", "1O115"),
            ("AT", "0123"),
            ("AT", "12345"),
            ("CH", "80010"),
            ("ES", "53001"),
            ("ES", "00001"),
            ("PT", "2725079"),
            ("PT", "2725-79"),
            ("FR", "7500"),
            ("NL", "0123 AB"),
            ("NL", "1012 SS"),
            ("NL", "1012"),
            ("PL", "00950"),
            ("GB", "SW1A"),
            ("GB", "1AA SW1"),
            ("IE", "D02 X28"),
            ("IE", "B02 X285"),
            ("US", "2050"),
            ("US", "20500-12"),
            ("CA", "D1A 0B1"),
            ("JP", "#"),
        ] {
            assert_eq!(pc(country, input), Err(Code::PostalCodeFormat), "{country} {input}");
        }
        let e = PostalCode::parse("00123", Country::DE).unwrap_err();
        assert_eq!(
            (e.params["country"].as_str(), e.params["example"].as_str()),
            ("DE", "10115")
        );
        assert_eq!(pc("DE", "  "), Err(Code::Required));
    }

    #[test]
    fn addresses() {
        let draft = AddressDraft {
            street: "Hauptstraße 1".into(),
            postal_code: "01067".into(),
            city: "Dresden".into(),
            region: "".into(),
            country: "de".into(),
        };
        let a = draft.validate().unwrap();
        assert_eq!((a.country, a.region.is_none()), (Country::DE, true));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<PostalAddress>(&json).unwrap(), a);

        let us = AddressDraft {
            country: "US".into(),
            postal_code: "20500".into(),
            ..draft.clone()
        };
        let errs = us.validate().unwrap_err();
        assert_eq!(errs, vec![FieldError::new(Code::Required).at("region")]);

        let ie = AddressDraft {
            country: "IE".into(),
            postal_code: "".into(),
            ..draft.clone()
        };
        assert!(ie.validate().unwrap().postal_code.is_none());

        let errs = AddressDraft {
            postal_code: "00123".into(),
            country: "".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["street", "city", "country"]);
        assert!(
            AddressDraft {
                country: "DE".into(),
                ..Default::default()
            }
            .is_blank()
        );
        assert!(
            serde_json::from_str::<PostalAddress>(r#"{"street":"x","city":"y","country":"DE","postal_code":"00123"}"#)
                .is_err()
        );
    }
}
