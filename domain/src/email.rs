//! E-mail addresses: the practical subset of RFC 5321/5322 that mail systems deliver to.
//! Dot-atom local parts only (quoted local parts and comments are refused, nobody types
//! them into a contact form); non-ASCII local parts are allowed (RFC 6531). The domain goes
//! through [`Domain`], so it is IDNA-converted and lower-cased; the local part keeps its
//! case because RFC 5321 makes it case-sensitive.

use serde::{Deserialize, Serialize};

use crate::domain_name::Domain;
use crate::error::{Code, FieldError};
use crate::value::string_value;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// RFC 5321's limit on a forward path, and on the local part.
    pub const MAX_CHARS: usize = 254;
    const MAX_LOCAL: usize = 64;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(Code::TooLong).with("max", Self::MAX_CHARS));
        }
        let (local, domain) = s.rsplit_once('@').ok_or(FieldError::new(Code::EmailFormat))?;
        if !valid_local(local) {
            return Err(FieldError::new(Code::EmailFormat));
        }
        let domain = Domain::parse(domain).map_err(|_| FieldError::new(Code::EmailDomain))?;
        let out = format!("{local}@{domain}");
        if out.len() > Self::MAX_CHARS {
            return Err(FieldError::new(Code::TooLong).with("max", Self::MAX_CHARS));
        }
        Ok(Email(out))
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(l, _)| l)
    }

    /// The domain part, already validated when the address was parsed.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

fn valid_local(local: &str) -> bool {
    let atext = |c: char| {
        c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c) || (!c.is_ascii() && c.is_alphanumeric())
    };
    !local.is_empty()
        && local.len() <= Email::MAX_LOCAL
        && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

string_value!(Email);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid() {
        for (input, canonical) in [
            ("anna.mueller@müller-it.de", "anna.mueller@xn--mller-it-65a.de"),
            (" Anna.Mueller@Example.COM ", "Anna.Mueller@example.com"),
            ("facturas+2026@empresa.es", "facturas+2026@empresa.es"),
            ("o'brien@acme.ie", "o'brien@acme.ie"),
            ("jürgen@bücher.de", "jürgen@xn--bcher-kva.de"),
            ("x@acme.co.uk", "x@acme.co.uk"),
            ("first_last-1@sub.domain.example", "first_last-1@sub.domain.example"),
        ] {
            assert_eq!(Email::parse(input).unwrap().as_str(), canonical, "{input}");
        }
        let e = Email::parse("a@b.de").unwrap();
        assert_eq!((e.local_part(), e.domain()), ("a", "b.de"));
    }

    #[test]
    fn invalid() {
        for (input, code) in [
            ("", Code::Required),
            ("anna", Code::EmailFormat),
            ("@acme.de", Code::EmailFormat),
            ("anna..m@acme.de", Code::EmailFormat),
            (".anna@acme.de", Code::EmailFormat),
            ("anna.@acme.de", Code::EmailFormat),
            ("an na@acme.de", Code::EmailFormat),
            ("\"quoted\"@acme.de", Code::EmailFormat),
            ("a@b@acme.de", Code::EmailFormat),
            ("anna@", Code::EmailDomain),
            ("anna@localhost", Code::EmailDomain),
            ("anna@co.uk", Code::EmailDomain),
            ("anna@acme..de", Code::EmailDomain),
            ("anna@[192.168.0.1]", Code::EmailDomain),
        ] {
            assert_eq!(Email::parse(input).map_err(|e| e.code), Err(code), "{input}");
        }
        let long_local = format!("{}@acme.de", "a".repeat(65));
        assert_eq!(Email::parse(&long_local).unwrap_err().code, Code::EmailFormat);
        let long = format!("a@{}.de", vec!["b".repeat(60); 5].join("."));
        assert_eq!(Email::parse(&long).unwrap_err().code, Code::TooLong);
    }
}
