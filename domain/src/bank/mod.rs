//! Bank details for SEPA direct debit: IBAN, BIC and mandate reference.
//!
//! The BBAN structure per country comes from `iban_validate` (generated from the SWIFT IBAN
//! registry); we check length and mod 97 ourselves first so the user learns which it is.
//! Then the national check digits (`national.rs`), and the bank code against the national
//! registry where one is in the reference tables (`crate::rules`): "mistyped"
//! (`iban.checksum`) and "no such bank" (`iban.bank`) are different messages.

mod national;

use iban::IbanLike;
use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::error::{Code, FieldError};
use crate::value::string_value;

/// IBAN length per country, from the same registry release as `iban_validate`'s BBAN formats.
const IBAN_LENGTHS: &[([u8; 2], usize)] = &[
    (*b"AD", 24),
    (*b"AE", 23),
    (*b"AL", 28),
    (*b"AT", 20),
    (*b"AZ", 28),
    (*b"BA", 20),
    (*b"BE", 16),
    (*b"BG", 22),
    (*b"BH", 22),
    (*b"BI", 27),
    (*b"BR", 29),
    (*b"BY", 28),
    (*b"CH", 21),
    (*b"CR", 22),
    (*b"CY", 28),
    (*b"CZ", 24),
    (*b"DE", 22),
    (*b"DJ", 27),
    (*b"DK", 18),
    (*b"DO", 28),
    (*b"EE", 20),
    (*b"EG", 29),
    (*b"ES", 24),
    (*b"FI", 18),
    (*b"FK", 18),
    (*b"FO", 18),
    (*b"FR", 27),
    (*b"GB", 22),
    (*b"GE", 22),
    (*b"GI", 23),
    (*b"GL", 18),
    (*b"GR", 27),
    (*b"GT", 28),
    (*b"HR", 21),
    (*b"HU", 28),
    (*b"IE", 22),
    (*b"IL", 23),
    (*b"IQ", 23),
    (*b"IS", 26),
    (*b"IT", 27),
    (*b"JO", 30),
    (*b"KW", 30),
    (*b"KZ", 20),
    (*b"LB", 28),
    (*b"LC", 32),
    (*b"LI", 21),
    (*b"LT", 20),
    (*b"LU", 20),
    (*b"LV", 21),
    (*b"LY", 25),
    (*b"MC", 27),
    (*b"MD", 24),
    (*b"ME", 22),
    (*b"MK", 19),
    (*b"MN", 20),
    (*b"MR", 27),
    (*b"MT", 31),
    (*b"MU", 30),
    (*b"NI", 28),
    (*b"NL", 18),
    (*b"NO", 15),
    (*b"OM", 23),
    (*b"PL", 28),
    (*b"PS", 29),
    (*b"PT", 25),
    (*b"QA", 29),
    (*b"RO", 24),
    (*b"RS", 22),
    (*b"RU", 33),
    (*b"SA", 24),
    (*b"SC", 31),
    (*b"SD", 18),
    (*b"SE", 24),
    (*b"SI", 19),
    (*b"SK", 24),
    (*b"SM", 27),
    (*b"SO", 23),
    (*b"ST", 25),
    (*b"SV", 28),
    (*b"TL", 23),
    (*b"TN", 24),
    (*b"TR", 26),
    (*b"UA", 29),
    (*b"VA", 22),
    (*b"VG", 24),
    (*b"XK", 20),
    (*b"YE", 30),
];

/// An IBAN in electronic form (`DE89370400440532013000`); [`Iban::to_print_format`] groups it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

impl Iban {
    /// Accepts any spacing and case: `de89 3704 0044 0532 0130 00`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || *c == '-'))
            .collect::<String>()
            .to_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        let b = s.as_bytes();
        if b.len() < 5
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..4].iter().all(u8::is_ascii_digit)
            || !b.iter().all(u8::is_ascii_alphanumeric)
        {
            return Err(FieldError::new(Code::IbanFormat));
        }
        let country = &s[..2];
        let expected = IBAN_LENGTHS
            .iter()
            .find(|(c, _)| c == &b[..2])
            .map(|(_, len)| *len)
            .ok_or_else(|| FieldError::new(Code::IbanCountry).with("country", country))?;
        if b.len() != expected {
            return Err(FieldError::new(Code::IbanLength)
                .with("country", country)
                .with("expected", expected));
        }
        if !mod97_ok(&s) {
            return Err(FieldError::new(Code::IbanChecksum));
        }
        // Registry BBAN format (e.g. DE: 18 digits; GB: 4 letters + 14 digits).
        let parsed: iban::Iban = s.parse().map_err(|_| FieldError::new(Code::IbanFormat))?;
        let bban = &s[4..];
        if national::check(country, bban) == Some(false) {
            return Err(FieldError::new(Code::IbanChecksum));
        }
        // Right check digits, but no such bank: its own message, so the user asks the
        // customer for the bank details instead of hunting for a typo.
        if let Some(registry) = crate::rules::get().and_then(|r| r.banks.registry(country)) {
            let code = bban.get(registry.start..registry.end).unwrap_or_default();
            if !registry.knows(code) {
                return Err(FieldError::new(Code::IbanBank)
                    .with("country", country)
                    .with("bank", code));
            }
        }
        Ok(Iban(parsed.electronic_str().to_owned()))
    }

    pub fn country_code(&self) -> &str {
        &self.0[..2]
    }

    /// Groups of four for display: `DE89 3704 0044 0532 0130 00`.
    pub fn to_print_format(&self) -> String {
        let chunks: Vec<&str> = self
            .0
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        chunks.join(" ")
    }
}

/// ISO 13616: move the first four characters to the end, letters as 10–35, mod 97 == 1.
fn mod97_ok(s: &str) -> bool {
    let rearranged = s[4..].bytes().chain(s[..4].bytes());
    let mut r: u32 = 0;
    for b in rearranged {
        r = if b.is_ascii_digit() {
            (r * 10 + u32::from(b - b'0')) % 97
        } else {
            (r * 100 + u32::from(b - b'A' + 10)) % 97
        };
    }
    r == 1
}

string_value!(Iban);

/// A BIC (ISO 9362): bank code, country, location, optional branch; 8 or 11 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bic(String);

impl Bic {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        let b = s.as_bytes();
        let shape = (b.len() == 8 || b.len() == 11)
            && b[..4].iter().all(u8::is_ascii_uppercase)
            && b[4..].iter().all(u8::is_ascii_alphanumeric)
            && Country::parse(&s[4..6]).is_ok();
        if !shape {
            return Err(FieldError::new(Code::BicFormat));
        }
        Ok(Bic(s))
    }
}

string_value!(Bic);

/// A SEPA mandate reference: up to 35 characters of the SEPA Latin set, not starting
/// with `/` and without `//` (EPC rulebook).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MandateReference(String);

impl MandateReference {
    pub const MAX_CHARS: usize = 35;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(Code::TooLong).with("max", Self::MAX_CHARS));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c);
        if !s.chars().all(allowed) || s.starts_with('/') || s.contains("//") {
            return Err(FieldError::new(Code::MandateFormat));
        }
        Ok(MandateReference(s.to_owned()))
    }
}

string_value!(MandateReference);

#[cfg(test)]
mod tests {
    use super::*;

    fn iban(s: &str) -> Result<String, Code> {
        Iban::parse(s).map(|i| i.0).map_err(|e| e.code)
    }

    #[test]
    fn lengths_table_is_sorted() {
        assert!(IBAN_LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn valid_ibans() {
        for (input, canonical) in [
            ("DE89370400440532013000", "DE89370400440532013000"),
            ("de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("  DE89 3704  0044 0532 013000 ", "DE89370400440532013000"),
            ("AT303422687701303118", "AT303422687701303118"),
            ("CH25307772HJEGIMHGWZ7", "CH25307772HJEGIMHGWZ7"),
            ("ES9121000418450200051332", "ES9121000418450200051332"),
            ("GB29NWBK60161331926819", "GB29NWBK60161331926819"),
            ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
            ("NL91ABNA0417164300", "NL91ABNA0417164300"),
            ("BE11282763230448", "BE11282763230448"),
            ("PT50000201231234567890154", "PT50000201231234567890154"),
            ("IT60X0542811101000000123456", "IT60X0542811101000000123456"),
            ("LU280019400644750000", "LU280019400644750000"),
            ("PL61109010140000071219812874", "PL61109010140000071219812874"),
            ("IE29AIBK93115212345678", "IE29AIBK93115212345678"),
            ("NO9386011117947", "NO9386011117947"),
        ] {
            assert_eq!(iban(input).as_deref(), Ok(canonical), "{input}");
        }
        assert_eq!(
            Iban::parse("DE89370400440532013000").unwrap().to_print_format(),
            "DE89 3704 0044 0532 0130 00"
        );
    }

    #[test]
    fn invalid_ibans() {
        for (input, code) in [
            ("DE89370400440532013001", Code::IbanChecksum),
            ("DE88370400440532013000", Code::IbanChecksum),
            ("GB82WEST12345698765433", Code::IbanChecksum),
            ("DE8937040044053201300", Code::IbanLength),
            ("DE893704004405320130000", Code::IbanLength),
            ("US64SVBKUS6S3300958879", Code::IbanCountry),
            ("D89370400440532013000", Code::IbanFormat),
            ("DE89_370400440532013000", Code::IbanFormat),
            // Valid mod 97 but a letter where the German BBAN has only digits.
            ("DE85A70400440532013000", Code::IbanFormat),
            ("", Code::Required),
            // The registry's examples: right check digits, banks that do not exist.
            ("AT611904300234573201", Code::IbanBank),
            ("CH9300762011623852957", Code::IbanBank),
            ("BE68539007547034", Code::IbanBank),
            // National check digits: mod 97 recomputed after one digit of the account
            // changed, so only the national check sees it (ES, FR, IT, PT, BE).
            ("ES2121000418450200051331", Code::IbanChecksum),
            ("FR8420041010050500013M02607", Code::IbanChecksum),
            ("IT33X0542811101000000123457", Code::IbanChecksum),
            ("PT23000201231234567890155", Code::IbanChecksum),
        ] {
            assert_eq!(iban(input), Err(code), "{input}");
        }
        let e = Iban::parse("AT611904300234573201").unwrap_err();
        assert_eq!(
            (e.params["country"].as_str(), e.params["bank"].as_str()),
            ("AT", "19043")
        );
        let e = Iban::parse("DE8937040044053201300").unwrap_err();
        assert_eq!(
            (e.params["country"].as_str(), e.params["expected"].as_str()),
            ("DE", "22")
        );
    }

    #[test]
    fn bics() {
        assert_eq!(Bic::parse("cobadeffxxx").unwrap().as_str(), "COBADEFFXXX");
        assert_eq!(Bic::parse("DEUT DE FF").unwrap().as_str(), "DEUTDEFF");
        assert_eq!(Bic::parse("CAIXESBBXXX").unwrap().as_str(), "CAIXESBBXXX");
        for bad in ["COBADEF", "COBADEFFXX", "C0BADEFF", "COBAZZFF", "COBADEFF-XX"] {
            assert_eq!(Bic::parse(bad).unwrap_err().code, Code::BicFormat, "{bad}");
        }
    }

    #[test]
    fn mandate_references() {
        assert_eq!(
            MandateReference::parse(" KD-1001/2026 ").unwrap().as_str(),
            "KD-1001/2026"
        );
        assert_eq!(MandateReference::parse("/X").unwrap_err().code, Code::MandateFormat);
        assert_eq!(MandateReference::parse("A//B").unwrap_err().code, Code::MandateFormat);
        assert_eq!(MandateReference::parse("Müller").unwrap_err().code, Code::MandateFormat);
        assert_eq!(
            MandateReference::parse(&"A".repeat(36)).unwrap_err().code,
            Code::TooLong
        );
    }
}
