//! Free-text values: names, titles, notes. Trimmed, inner whitespace collapsed, no control
//! or bidi-override characters (they let a name display differently from what it is), and
//! length limits counted in Unicode scalar values, not bytes.

use serde::{Deserialize, Serialize};

use crate::error::{Code, FieldError};
use crate::value::string_value;

/// Cleans a one-line text: trims, collapses whitespace runs to one space, refuses control
/// characters, and enforces `max` characters.
pub fn clean_line(input: &str, max: usize) -> Result<String, FieldError> {
    let mut out = String::with_capacity(input.len());
    for word in input.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    check_chars(&out, max, false)?;
    Ok(out)
}

/// Cleans a multi-line text: trims the whole, keeps line breaks and tabs, normalises `\r\n`.
pub fn clean_multiline(input: &str, max: usize) -> Result<String, FieldError> {
    let out = input.replace("\r\n", "\n").trim().to_owned();
    check_chars(&out, max, true)?;
    Ok(out)
}

fn check_chars(s: &str, max: usize, multiline: bool) -> Result<(), FieldError> {
    if s.is_empty() {
        return Err(FieldError::new(Code::Required));
    }
    let forbidden = |c: char| {
        (c.is_control() && !(multiline && (c == '\n' || c == '\t')))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    };
    if s.chars().any(forbidden) {
        return Err(FieldError::new(Code::ControlChars));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(Code::TooLong).with("max", max));
    }
    Ok(())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $t:ident, $max:expr, $clean:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $t(String);

        impl $t {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(input: &str) -> Result<Self, FieldError> {
                $clean(input, Self::MAX_CHARS).map($t)
            }
        }

        string_value!($t);
    };
}

text_type!(
    /// A customer's (company's) name, as shown everywhere and on invoices.
    CustomerName, 200, clean_line
);
text_type!(
    /// A person's first or last name.
    PersonName, 100, clean_line
);
text_type!(
    /// A short one-line label: job title, rank, contract/SLA/profile name, part description.
    Label, 120, clean_line
);
text_type!(
    /// One line of a postal address (street, city, region).
    AddressLine, 120, clean_line
);
text_type!(
    /// Free notes; line breaks kept.
    Notes, 4000, clean_multiline
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            CustomerName::parse("  Müller   IT  GmbH ").unwrap().as_str(),
            "Müller IT GmbH"
        );
        assert_eq!(PersonName::parse("José María").unwrap().as_str(), "José María");
        assert_eq!(
            PersonName::parse("Ærøskøbing-Ünal").unwrap().as_str(),
            "Ærøskøbing-Ünal"
        );
        assert_eq!(CustomerName::parse("   ").unwrap_err().code, Code::Required);
        assert_eq!(CustomerName::parse("").unwrap_err().code, Code::Required);
        assert_eq!(PersonName::parse("Bob\u{0}").unwrap_err().code, Code::ControlChars);
        assert_eq!(
            PersonName::parse("evil\u{202E}txt").unwrap_err().code,
            Code::ControlChars
        );
        // 100 umlauts are 200 bytes but 100 characters: allowed.
        assert!(PersonName::parse(&"ü".repeat(100)).is_ok());
        let e = PersonName::parse(&"ü".repeat(101)).unwrap_err();
        assert_eq!((e.code, e.params["max"].as_str()), (Code::TooLong, "100"));
    }

    #[test]
    fn notes_keep_lines() {
        let n = Notes::parse(" line 1\r\n\tline 2 ").unwrap();
        assert_eq!(n.as_str(), "line 1\n\tline 2");
        assert_eq!(Notes::parse("a\u{7}").unwrap_err().code, Code::ControlChars);
    }

    #[test]
    fn serde_goes_through_parse() {
        let n: CustomerName = serde_json::from_str(r#"" ACME  AG ""#).unwrap();
        assert_eq!(n.as_str(), "ACME AG");
        assert!(serde_json::from_str::<CustomerName>(r#""  ""#).is_err());
        assert_eq!(serde_json::to_string(&n).unwrap(), r#""ACME AG""#);
    }
}
