//! E-mail domains (`müller-it.de`), as used to map incoming mail to a customer.
//!
//! Public suffixes: instead of the full Public Suffix List (the `psl` crate generates a
//! 2.5 MB match statement: slow to compile on our 2-core machines and large in WASM), a
//! single label (`de`, `com`) is always refused and a compact list of the second-level
//! registry suffixes relevant to our DACH/ES/EU customers (plus the big ones elsewhere) is
//! embedded below. A suffix not listed here (e.g. a Japanese prefecture zone) is accepted.

use serde::{Deserialize, Serialize};

use crate::error::{Code, FieldError};
use crate::value::string_value;

/// Registry-operated second-level suffixes under which nobody owns the name itself.
const PUBLIC_SUFFIXES: &[&str] = &[
    // United Kingdom, Ireland
    "ac.uk",
    "co.uk",
    "gov.uk",
    "ltd.uk",
    "me.uk",
    "net.uk",
    "nhs.uk",
    "org.uk",
    "plc.uk",
    "police.uk",
    "sch.uk",
    "gov.ie",
    // Spain, Portugal
    "com.es",
    "edu.es",
    "gob.es",
    "nom.es",
    "org.es",
    "com.pt",
    "edu.pt",
    "gov.pt",
    "int.pt",
    "nome.pt",
    "org.pt",
    "publ.pt",
    // Austria (Switzerland and Germany have none in use)
    "ac.at",
    "co.at",
    "gv.at",
    "or.at",
    "priv.at",
    // France, Belgium, Italy, Greece, Cyprus, Malta
    "asso.fr",
    "com.fr",
    "gouv.fr",
    "nom.fr",
    "prd.fr",
    "tm.fr",
    "ac.be",
    "edu.it",
    "gov.it",
    "com.gr",
    "edu.gr",
    "gov.gr",
    "net.gr",
    "org.gr",
    "ac.cy",
    "com.cy",
    "net.cy",
    "org.cy",
    "com.mt",
    "edu.mt",
    "gov.mt",
    "net.mt",
    "org.mt",
    // Central and Eastern Europe
    "biz.pl",
    "com.pl",
    "edu.pl",
    "gov.pl",
    "info.pl",
    "net.pl",
    "org.pl",
    "co.hu",
    "org.hu",
    "com.ro",
    "org.ro",
    "com.hr",
    "co.rs",
    "com.ua",
    "com.tr",
    "gen.tr",
    "org.tr",
    // Elsewhere
    "co.il",
    "co.in",
    "co.jp",
    "co.kr",
    "co.nz",
    "co.za",
    "com.ar",
    "com.au",
    "com.br",
    "com.cn",
    "com.hk",
    "com.mx",
    "com.sg",
    "com.tw",
    "net.au",
    "org.au",
    "org.nz",
    "org.za",
];

/// An e-mail domain, stored in its ASCII (punycode) form, lower case, without trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);

impl Domain {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        if s.contains('@') {
            return Err(FieldError::new(Code::DomainAtSign));
        }
        if s.contains(['/', ':', '?', '#']) {
            return Err(FieldError::new(Code::DomainUrl));
        }
        let s = s.strip_suffix('.').unwrap_or(s);
        // STD3 rules, hyphen checks and DNS lengths (253 total, 63 per label) included.
        let ascii = idna::domain_to_ascii_strict(s).map_err(|_| FieldError::new(Code::DomainFormat))?;
        let Some((_, tld)) = ascii.rsplit_once('.') else {
            return Err(FieldError::new(Code::DomainPublicSuffix));
        };
        // A numeric last label means an IP address, which is no mail domain.
        if !(tld.starts_with("xn--") || tld.bytes().all(|b| b.is_ascii_lowercase())) {
            return Err(FieldError::new(Code::DomainFormat));
        }
        if PUBLIC_SUFFIXES.contains(&ascii.as_str()) {
            return Err(FieldError::new(Code::DomainPublicSuffix));
        }
        Ok(Domain(ascii))
    }

    /// The Unicode form for display (`müller-it.de`); the stored form stays ASCII.
    pub fn to_unicode(&self) -> String {
        idna::domain_to_unicode(&self.0).0
    }
}

string_value!(Domain);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid() {
        for (input, ascii) in [
            ("müller-it.de", "xn--mller-it-65a.de"),
            ("MÜLLER-IT.DE", "xn--mller-it-65a.de"),
            ("xn--mller-it-65a.de", "xn--mller-it-65a.de"),
            (" Example.COM. ", "example.com"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("mail.acme.co.uk", "mail.acme.co.uk"),
            ("acme.co.uk", "acme.co.uk"),
            ("telefónica.es", "xn--telefnica-96a.es"),
            ("straße.de", "xn--strae-oqa.de"),
            ("münchen.bayern", "xn--mnchen-3ya.bayern"),
        ] {
            let d = Domain::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(d.as_str(), ascii);
        }
        assert_eq!(Domain::parse("müller-it.de").unwrap().to_unicode(), "müller-it.de");
    }

    #[test]
    fn invalid() {
        for (input, code) in [
            ("", Code::Required),
            ("@acme.de", Code::DomainAtSign),
            ("info@acme.de", Code::DomainAtSign),
            ("https://acme.de", Code::DomainUrl),
            ("acme.de/kontakt", Code::DomainUrl),
            ("de", Code::DomainPublicSuffix),
            ("co.uk", Code::DomainPublicSuffix),
            ("com.es", Code::DomainPublicSuffix),
            ("CO.AT", Code::DomainPublicSuffix),
            ("localhost", Code::DomainPublicSuffix),
            ("acme..de", Code::DomainFormat),
            ("-acme.de", Code::DomainFormat),
            ("acme_corp.de", Code::DomainFormat),
            ("acme corp.de", Code::DomainFormat),
            ("192.168.0.1", Code::DomainFormat),
            ("acme.d3", Code::DomainFormat),
        ] {
            assert_eq!(Domain::parse(input).map_err(|e| e.code), Err(code), "{input}");
        }
        let long = format!("{}.de", "a".repeat(64));
        assert_eq!(Domain::parse(&long).unwrap_err().code, Code::DomainFormat);
    }
}
