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

/// Public mail services: anyone can have an address there, so mail from one says nothing
/// about the customer. Such a domain never routes incoming mail and cannot be a customer's
/// domain. The big international services plus those common in Germany, Austria,
/// Switzerland and Spain; kept sorted (a test checks it).
const WEBMAIL: &[&str] = &[
    "1und1.de",
    "aol.com",
    "aol.de",
    "arcor.de",
    "bluewin.ch",
    "email.de",
    "freenet.de",
    "gmail.com",
    "gmx.at",
    "gmx.ch",
    "gmx.com",
    "gmx.de",
    "gmx.es",
    "gmx.net",
    "googlemail.com",
    "hotmail.com",
    "hotmail.de",
    "hotmail.es",
    "icloud.com",
    "live.com",
    "live.de",
    "mac.com",
    "mail.com",
    "mail.de",
    "mailbox.org",
    "me.com",
    "movistar.es",
    "msn.com",
    "online.de",
    "orange.es",
    "outlook.com",
    "outlook.de",
    "outlook.es",
    "pm.me",
    "posteo.de",
    "proton.me",
    "protonmail.com",
    "t-online.de",
    "telefonica.net",
    "terra.es",
    "tuta.io",
    "tutanota.com",
    "web.de",
    "yahoo.com",
    "yahoo.de",
    "yahoo.es",
    "yandex.com",
    "ymail.com",
    "zoho.com",
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
        let ascii = to_ascii(s).ok_or_else(|| FieldError::new(Code::DomainFormat))?;
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

    /// A domain that may be a customer's own (used to route its incoming mail): any
    /// [`Domain`] but a public mail service's.
    pub fn parse_customer_domain(input: &str) -> Result<Self, FieldError> {
        let domain = Domain::parse(input)?;
        if domain.is_webmail() {
            return Err(FieldError::new(Code::DomainWebmail));
        }
        Ok(domain)
    }

    /// Whether anyone can have an address at this domain (gmail.com, gmx.de, …).
    pub fn is_webmail(&self) -> bool {
        WEBMAIL.binary_search(&self.0.as_str()).is_ok()
    }

    /// The Unicode form for display (`müller-it.de`); the stored form stays ASCII.
    pub fn to_unicode(&self) -> String {
        to_unicode(&self.0)
    }
}

/// UTS 46 to ASCII with the strict (STD3, hyphen, DNS length) rules. On the server the
/// `idna` crate does it; in the browser its mapping tables would be most of the domain
/// crate's share of the WASM, so the browser's own URL parser (which implements UTS 46)
/// maps the name and the strict rules are checked here on its ASCII result. The server
/// checks every submission again with the full implementation.
#[cfg(not(target_arch = "wasm32"))]
fn to_ascii(s: &str) -> Option<String> {
    idna::domain_to_ascii_strict(s).ok()
}

#[cfg(target_arch = "wasm32")]
fn to_ascii(s: &str) -> Option<String> {
    // A space, `%` or other character a URL host may not hold makes the parser throw.
    if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == '%' || c == '\\') {
        return None;
    }
    let url = web_sys::Url::new(&format!("http://{s}/")).ok()?;
    let host = url.hostname();
    strict_ascii(&host).then_some(host)
}

/// The STD3 and DNS rules `domain_to_ascii_strict` applies, on an already mapped name.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn strict_ascii(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
                // `ab--` in the third and fourth place is reserved for `xn--` (punycode)
                && (b.len() < 4 || &b[2..4] != b"--" || label.starts_with("xn--"))
                && (!label.starts_with("xn--") || idna::punycode::decode(&label[4..]).is_some())
        })
}

/// The Unicode form of a stored (valid ASCII) domain: only its `xn--` labels change, so
/// decoding them is all `domain_to_unicode` would do, and needs none of its tables.
fn to_unicode(ascii: &str) -> String {
    ascii
        .split('.')
        .map(|label| {
            label
                .strip_prefix("xn--")
                .and_then(idna::punycode::decode_to_string)
                .unwrap_or_else(|| label.to_string())
        })
        .collect::<Vec<_>>()
        .join(".")
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
    fn the_browser_rules_agree_with_the_strict_mapping() {
        // What the browser path checks on the URL parser's output must accept every
        // name the idna crate accepts and refuse the ASCII names it refuses.
        for ok in ["xn--mller-it-65a.de", "acme.co.uk", "a-b.example", "x1.de"] {
            assert!(strict_ascii(ok), "{ok}");
            assert_eq!(to_ascii(ok).as_deref(), Some(ok));
        }
        for bad in ["-a.de", "a-.de", "ab--c.de", "a_b.de", "a..de", ".de", "xn--zz--.de"] {
            assert!(!strict_ascii(bad), "{bad}");
            assert_eq!(to_ascii(bad), None, "{bad}");
        }
        assert!(!strict_ascii(&format!("{}.de", "a".repeat(64))));
        assert_eq!(to_unicode("xn--mller-it-65a.xn--mnchen-3ya.de"), "müller-it.münchen.de");
        assert_eq!(to_unicode("acme.de"), "acme.de");
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

    #[test]
    fn webmail_is_a_domain_but_never_a_customers() {
        assert!(WEBMAIL.windows(2).all(|w| w[0] < w[1]), "WEBMAIL must stay sorted");
        for webmail in ["gmail.com", "GMX.de", "web.de.", "outlook.es", "t-online.de"] {
            assert!(Domain::parse(webmail).unwrap().is_webmail(), "{webmail}");
            assert_eq!(
                Domain::parse_customer_domain(webmail).unwrap_err().code,
                Code::DomainWebmail,
                "{webmail}"
            );
        }
        for own in ["müller-it.de", "gmx-systems.de", "mail.acme.es"] {
            assert!(Domain::parse_customer_domain(own).is_ok(), "{own}");
        }
    }
}
