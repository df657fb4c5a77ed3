//! ISO 3166-1 alpha-2 country codes. Names are left to the UI's locale files.

use serde::{Deserialize, Serialize};

use crate::error::{Code, FieldError};
use crate::value::parse_via_string;

/// Every officially assigned ISO 3166-1 alpha-2 code (249), plus `XK` (Kosovo), which is
/// user-assigned but used by the IBAN registry, banks and the EU. Sorted for binary search.
const CODES: [&str; 250] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
    "ZA", "ZM", "ZW",
];

/// Countries whose postal addresses are not deliverable without a state/province/region.
const REGION_REQUIRED: [&str; 10] = ["AR", "AU", "BR", "CA", "CN", "IN", "IT", "JP", "MX", "US"];

/// Countries whose addresses may omit the postal code although Google's address data has a
/// shape for it (Eircodes are optional in Ireland), or that have none and are known without
/// the reference tables (in the browser before they are fetched).
const NO_POSTAL_CODE: [&str; 14] = [
    "AE", "AG", "AO", "BS", "BZ", "FJ", "HK", "IE", "JM", "MO", "QA", "SC", "SR", "ZW",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(&'static str);

impl Country {
    pub const AT: Country = Country("AT");
    pub const CH: Country = Country("CH");
    pub const DE: Country = Country("DE");
    pub const ES: Country = Country("ES");
    pub const GB: Country = Country("GB");
    pub const US: Country = Country("US");

    /// Accepts any case and surrounding whitespace: `de`, ` AT `.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        CODES
            .binary_search(&code.as_str())
            .map(|i| Country(CODES[i]))
            .map_err(|_| FieldError::new(Code::CountryUnknown))
    }

    /// Every accepted country, alphabetically by code (for the country picker).
    pub fn all() -> impl Iterator<Item = Country> {
        CODES.iter().map(|c| Country(c))
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    pub fn region_required(self) -> bool {
        REGION_REQUIRED.contains(&self.0)
    }

    /// Whether an address here needs a postal code: not where the list above says so, nor
    /// where Google's address data knows no postal-code system (Ghana, Qatar, …).
    pub fn has_postal_codes(self) -> bool {
        !NO_POSTAL_CODE.contains(&self.0) && crate::rules::get().is_none_or(|r| r.postal.rule(self.0).is_some())
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

parse_via_string!(Country);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(
            REGION_REQUIRED
                .iter()
                .chain(&NO_POSTAL_CODE)
                .all(|c| Country::parse(c).is_ok())
        );
    }

    #[test]
    fn parses() {
        assert_eq!(Country::parse(" de ").unwrap(), Country::DE);
        assert_eq!(Country::parse("Es").unwrap().as_str(), "ES");
        assert_eq!(Country::parse("XK").unwrap().as_str(), "XK");
        assert_eq!(Country::parse("").unwrap_err().code, Code::Required);
        for bad in ["UK", "EU", "D", "DEU", "ZZ", "ÄÖ"] {
            assert_eq!(Country::parse(bad).unwrap_err().code, Code::CountryUnknown, "{bad}");
        }
        assert!(Country::US.region_required() && !Country::DE.region_required());
        assert!(Country::DE.has_postal_codes() && Country::ES.has_postal_codes());
        for none in ["GH", "QA", "IE", "HK"] {
            assert!(!Country::parse(none).unwrap().has_postal_codes(), "{none}");
        }
    }
}
