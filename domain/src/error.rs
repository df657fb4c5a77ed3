//! Errors as data: a stable code, the field it belongs to and the values its message needs.
//! The UI looks the code up in `locales/{de,en,es}/errors.json`; the API returns it as JSON.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! codes {
    ($($variant:ident => $text:literal,)+) => {
        /// Why a value was refused. The dotted string form is part of the API and of the
        /// locale files: never rename one, add a new variant instead.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)+ }

        impl Code {
            /// Every code, so the locale test can check that each has a message.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)+ }
            }

            pub fn from_str_opt(s: &str) -> Option<Code> {
                match s { $($text => Some(Code::$variant),)+ _ => None }
            }
        }
    };
}

codes! {
    Required => "required",
    TooLong => "too_long",
    TooMany => "too_many",
    ControlChars => "control_chars",
    ChoiceInvalid => "choice.invalid",
    Duplicate => "duplicate",
    IdFormat => "id.format",
    EmailFormat => "email.format",
    EmailDomain => "email.domain",
    DomainFormat => "domain.format",
    DomainAtSign => "domain.at_sign",
    DomainUrl => "domain.url",
    DomainPublicSuffix => "domain.public_suffix",
    DomainWebmail => "domain.webmail",
    PhoneFormat => "phone.format",
    PhoneTooShort => "phone.too_short",
    PhoneTooLong => "phone.too_long",
    PhoneCountryCode => "phone.country_code",
    PhoneInternational => "phone.international",
    PhoneInvalid => "phone.invalid",
    CountryUnknown => "country.unknown",
    PostalCodeFormat => "postal_code.format",
    VatFormat => "vat.format",
    VatChecksum => "vat.checksum",
    VatCountry => "vat.country",
    VatPrefix => "vat.prefix",
    IbanFormat => "iban.format",
    IbanCountry => "iban.country",
    IbanLength => "iban.length",
    IbanChecksum => "iban.checksum",
    IbanBank => "iban.bank",
    BicFormat => "bic.format",
    MandateFormat => "mandate.format",
    SepaCurrency => "sepa.currency",
    CurrencyUnknown => "currency.unknown",
    NumberFormat => "number.format",
    NumberInteger => "number.integer",
    NumberScale => "number.scale",
    NumberMin => "number.min",
    NumberMax => "number.max",
    DateFormat => "date.format",
    DateRangeOrder => "date_range.order",
    TimeFormat => "time.format",
    TimeSpanOrder => "time_span.order",
    BusinessHoursOverlap => "business_hours.overlap",
    TimeZoneFormat => "time_zone.format",
    NumberingToken => "numbering.token",
    NumberingChar => "numbering.char",
    NumberingCounter => "numbering.counter",
    NumberingTooLong => "numbering.too_long",
    NumberingYearBack => "numbering.year_back",
    NumberingResetNeedsYear => "numbering.reset_needs_year",
    NumberingNotReviewed => "numbering.not_reviewed",
    InvoicingCompanyMissing => "invoice_run.company_missing",
    InvoiceNotCancellable => "invoice.not_cancellable",
    TaxNumberFormat => "tax_number.format",
    SlaOrder => "sla.order",
    ServiceCodeFormat => "service_code.format",
    ServiceCodeTaken => "service_code.taken",
    RevenueAccountFormat => "revenue_account.format",
    ServiceCodeUnknown => "service_code.unknown",
    SalesItemContract => "sales_item.contract",
    UsageCustomerRef => "usage.customer_ref",
    UsageCustomerUnknown => "usage.customer_unknown",
    UsageServiceUnknown => "usage.service_unknown",
    UsageDateFuture => "usage.date_future",
    UsageSourceFormat => "usage.source_format",
    UsageBatchTooLarge => "usage.batch_too_large",
    ApiTokenNameTaken => "api_token.name_taken",
    VersionOutsideContract => "contract_version.outside",
    VersionNotAfter => "contract_version.not_after",
    VersionTypeChange => "contract_version.type_change",
    EndBeforeBilled => "contract.end_before_billed",
    UsageNeedsService => "contract_part.usage_needs_service",
    ContractChanged => "contract.changed",
    ContractBilledFixed => "contract.billed_fixed",
    DurationFormat => "duration.format",
    TimeEntryEmpty => "time_entry.empty",
    TimeEntryTooLong => "time_entry.too_long",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Code::from_str_opt(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown code {s}")))
    }
}

/// One refused value. `field` is a path such as `contract.parts[1].rate`; a value type's
/// own `parse` leaves it empty and the form that composes it prefixes the path with [`at`].
///
/// [`at`]: FieldError::at
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct FieldError {
    pub field: String,
    pub code: Code,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    pub fn new(code: Code) -> Self {
        FieldError {
            field: String::new(),
            code,
            params: BTreeMap::new(),
        }
    }

    /// Adds a message parameter (`{max}`, `{country}`, …).
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_owned(), value.to_string());
        self
    }

    /// Prefixes the field path: `at("contract")` turns `parts[1].rate` into
    /// `contract.parts[1].rate`, and an index segment such as `[1]` is joined without a dot.
    pub fn at(mut self, prefix: &str) -> Self {
        self.field = join_path(prefix, &self.field);
        self
    }

    /// Fills the message template of this error's code (from the locale files) with its params.
    pub fn render(&self, template: &str) -> String {
        let mut out = template.to_owned();
        for (k, v) in &self.params {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        out
    }
}

pub(crate) fn join_path(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if rest.starts_with('[') => format!("{prefix}{rest}"),
        (false, false) => format!("{prefix}.{rest}"),
    }
}

/// `name[index]`, the path segment for an element of a list.
pub fn indexed(name: &str, index: usize) -> String {
    format!("{name}[{index}]")
}

/// Collects the errors of a whole form so every field's error is reported at once.
#[derive(Debug, Default)]
pub struct Errors {
    prefix: String,
    list: Vec<FieldError>,
}

impl Errors {
    pub fn new(prefix: &str) -> Self {
        Errors {
            prefix: prefix.to_owned(),
            list: Vec::new(),
        }
    }

    /// Keeps the value or records the error under `prefix.field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e.at(field));
                None
            }
        }
    }

    /// An optional field: blank input is `Some(None)`; anything else must parse, and an
    /// error is recorded under `prefix.field` (then `None`).
    pub fn optional<T>(
        &mut self,
        field: &str,
        input: &str,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<Option<T>> {
        if input.trim().is_empty() {
            Some(None)
        } else {
            self.check(field, parse(input)).map(Some)
        }
    }

    /// Records an error whose path is relative to this collector.
    pub fn push(&mut self, error: FieldError) {
        self.list.push(error.at(&self.prefix));
    }

    /// Takes over the errors of a nested form, whose paths are relative to `field`.
    pub fn extend(&mut self, field: &str, errors: Vec<FieldError>) {
        for e in errors {
            self.push(e.at(field));
        }
    }

    /// Nested result: value or its errors, recorded under `field`.
    pub fn nested<T>(&mut self, field: &str, result: Result<T, Vec<FieldError>>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(errors) => {
                self.extend(field, errors);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.list
    }

    /// `Ok(value)` when nothing was recorded and the value could be built.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.list.is_empty() => Ok(v),
            _ => Err(self.list),
        }
    }
}

/// Wraps a whole form's errors where a single error type is expected (serde's `TryFrom`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{} invalid field(s): {}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", "))]
pub struct FieldErrors(pub Vec<FieldError>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_compose() {
        let e = FieldError::new(Code::Required)
            .at("rate")
            .at("[1]")
            .at("parts")
            .at("contract");
        assert_eq!(e.field, "contract.parts[1].rate");
        assert_eq!(FieldError::new(Code::Required).at("").field, "");
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate {c}");
            assert_eq!(Code::from_str_opt(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), *c);
        }
    }

    #[test]
    fn serializes_as_data() {
        let e = FieldError::new(Code::TooLong).with("max", 200).at("customer.name");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"field":"customer.name","code":"too_long","params":{"max":"200"}}"#
        );
        assert_eq!(e.render("At most {max} characters"), "At most 200 characters");
    }
}
