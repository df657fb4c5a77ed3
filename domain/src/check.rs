//! One identifier checked by name: what the reference-vector suite runs on the server
//! (`domain/tests/vectors.rs`) and in the browser (`frontend`'s `identifier_verdicts`), so
//! both sides are compared through the same code path.

use serde::{Deserialize, Serialize};

use crate::{Country, FieldError, Iban, Phone, PostalCode, VatId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The canonical form when accepted.
    pub value: Option<String>,
    /// The error code when refused.
    pub code: Option<String>,
}

impl Verdict {
    pub fn valid(&self) -> bool {
        self.value.is_some()
    }
}

/// `kind` is `vat`, `iban`, `phone` or `postal`; `country` the customer's country, if any.
pub fn check(kind: &str, input: &str, country: Option<&str>) -> Verdict {
    let country = country.and_then(|c| Country::parse(c).ok());
    let result: Result<String, FieldError> = match kind {
        "vat" => VatId::parse_with_default(input, country).map(|v| v.to_string()),
        "iban" => Iban::parse(input).map(|v| v.as_str().to_owned()),
        "phone" => Phone::parse_with_default(input, country).map(|v| v.as_str().to_owned()),
        "postal" => match country {
            Some(c) => PostalCode::parse(input, c).map(|v| v.as_str().to_owned()),
            None => Err(FieldError::new(crate::Code::CountryUnknown)),
        },
        _ => Err(FieldError::new(crate::Code::ChoiceInvalid)),
    };
    match result {
        Ok(value) => Verdict {
            value: Some(value),
            code: None,
        },
        Err(e) => Verdict {
            value: None,
            code: Some(e.code.as_str().to_owned()),
        },
    }
}
