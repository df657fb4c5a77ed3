//! Services in use: dated usage readings (devices counted by the RMM, GB or seats of a
//! backup platform) that the invoice run reads on a period's last day (BILLING.md,
//! "Quantities from outside"). A reading names its customer (by Onboard's id, the external
//! id of the CSV import, or one of its e-mail domains), a catalogue service by code, a
//! quantity and the date it was true on. The API, the CSV upload and the staff's form all
//! parse a row with [`UsageReadingDraft::parse`]; what needs the database (does the
//! customer, the service exist) the server checks after it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::catalogue::ServiceCode;
use crate::domain_name::Domain;
use crate::error::{Code, FieldError};
use crate::number::parse_bounded;
use crate::period::parse_date;
use crate::text::clean_line;
use crate::value::string_value;

/// A row as sent: every value as text. Numbers are taken too (`"quantity": 12`), and a
/// missing or `null` value reads as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageReadingDraft {
    pub customer: CustomerRefDraft,
    #[serde(deserialize_with = "scalar")]
    pub service_code: String,
    #[serde(deserialize_with = "scalar")]
    pub quantity: String,
    #[serde(deserialize_with = "scalar")]
    pub reading_date: String,
    /// Optional: a label of the sender's own (`rmm`, `backup.eu`), appended to the source
    /// Onboard records (`api:<token name>:rmm`), so one sender can report from several
    /// systems without one overwriting the other.
    #[serde(deserialize_with = "scalar")]
    pub source: String,
    #[serde(deserialize_with = "scalar")]
    pub external_ref: String,
}

/// Which customer: exactly one of the three.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerRefDraft {
    #[serde(deserialize_with = "scalar")]
    pub id: String,
    #[serde(deserialize_with = "scalar")]
    pub external_id: String,
    #[serde(deserialize_with = "scalar")]
    pub domain: String,
}

/// A customer as a reading names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerRef {
    Id(uuid::Uuid),
    /// The external id as the CSV import stores it (trimmed, inner spaces collapsed).
    ExternalId(String),
    Domain(Domain),
}

/// The longest external id (as the CSV import allows).
pub const EXTERNAL_ID_MAX: usize = 100;

impl CustomerRefDraft {
    /// Errors are on the sub-field (`id`, `external_id`, `domain`), or on the whole
    /// reference (empty path) when none or more than one is given.
    pub fn parse(&self) -> Result<CustomerRef, FieldError> {
        let given = [&self.id, &self.external_id, &self.domain]
            .into_iter()
            .filter(|v| !v.trim().is_empty())
            .count();
        if given != 1 {
            return Err(FieldError::new(if given == 0 {
                Code::Required
            } else {
                Code::UsageCustomerRef
            }));
        }
        if !self.id.trim().is_empty() {
            return uuid::Uuid::try_parse(self.id.trim())
                .map(CustomerRef::Id)
                .map_err(|_| FieldError::new(Code::IdFormat).at("id"));
        }
        if !self.external_id.trim().is_empty() {
            return clean_line(&self.external_id, EXTERNAL_ID_MAX)
                .map(CustomerRef::ExternalId)
                .map_err(|e| e.at("external_id"));
        }
        Domain::parse(&self.domain)
            .map(CustomerRef::Domain)
            .map_err(|e| e.at("domain"))
    }
}

/// How much of a service is in use: zero or more, at most two decimals (so a German
/// `1.234` is refused rather than read as one and a bit), at most a trillion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UsageQuantity(Decimal);

impl UsageQuantity {
    pub const MAX_SCALE: u32 = 2;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_bounded(
            input,
            Self::MAX_SCALE,
            Decimal::ZERO,
            Decimal::from(1_000_000_000_000i64),
        )
        .map(UsageQuantity)
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl std::fmt::Display for UsageQuantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

crate::value::parse_via_string!(UsageQuantity);

/// The sender's own label for where a reading comes from: 1 to 40 of `a–z 0–9 . _ -`,
/// typed in any case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceLabel(String);

impl SourceLabel {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        let ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b".-_".contains(&b);
        if s.len() > Self::MAX_CHARS || !s.bytes().all(ok) {
            return Err(FieldError::new(Code::UsageSourceFormat).with("max", Self::MAX_CHARS));
        }
        Ok(SourceLabel(s))
    }
}

string_value!(SourceLabel);

/// A parsed reading. Whether its customer and service exist is the server's to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageReading {
    pub customer: CustomerRef,
    pub service: ServiceCode,
    pub quantity: UsageQuantity,
    pub date: NaiveDate,
    pub source_label: Option<SourceLabel>,
    /// The sender's id for this reading (its report or job id), kept for reference.
    pub external_ref: Option<String>,
}

impl UsageReadingDraft {
    /// Every problem of the row at once, each at its field (`quantity`, `customer.domain`,
    /// …). A date after tomorrow (`today` in the MSP's time zone, a day of slack for
    /// senders elsewhere) is refused: a reading says what was in use, not what will be.
    pub fn parse(&self, today: NaiveDate) -> Result<UsageReading, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |field: &str, e: FieldError| errors.push(e.at(field));
        let customer = self.customer.parse().map_err(|e| keep("customer", e));
        let service = ServiceCode::parse(&self.service_code).map_err(|e| keep("service_code", e));
        let quantity = UsageQuantity::parse(&self.quantity).map_err(|e| keep("quantity", e));
        let date = parse_date(&self.reading_date)
            .and_then(|d| match today.succ_opt() {
                Some(tomorrow) if d > tomorrow => Err(FieldError::new(Code::UsageDateFuture)),
                _ => Ok(d),
            })
            .map_err(|e| keep("reading_date", e));
        let source_label = optional(&self.source, SourceLabel::parse).map_err(|e| keep("source", e));
        let external_ref =
            optional(&self.external_ref, |s| clean_line(s, EXTERNAL_ID_MAX)).map_err(|e| keep("external_ref", e));
        match (customer, service, quantity, date, source_label, external_ref) {
            (Ok(customer), Ok(service), Ok(quantity), Ok(date), Ok(source_label), Ok(external_ref)) => {
                Ok(UsageReading {
                    customer,
                    service,
                    quantity,
                    date,
                    source_label,
                    external_ref,
                })
            }
            _ => Err(errors),
        }
    }
}

fn optional<T>(input: &str, parse: impl Fn(&str) -> Result<T, FieldError>) -> Result<Option<T>, FieldError> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse(input).map(Some)
    }
}

/// A JSON string, number, boolean or null as the text it stands for (null: empty).
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Scalar;
    impl serde::de::Visitor<'_> for Scalar {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E>(self, v: f64) -> Result<String, E> {
            // The shortest text that reads back as the same number: 12.5, 0.1.
            Ok(v.to_string())
        }
        fn visit_unit<E>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E>(self) -> Result<String, E> {
            Ok(String::new())
        }
    }
    d.deserialize_any(Scalar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn row(json: &str) -> UsageReadingDraft {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_row_parses_with_numbers_strings_and_nulls() {
        let r = row(
            r#"{"customer":{"domain":"Müller-IT.de"},"service_code":"rmm-server","quantity":12,
                "reading_date":"2026-11-30","source":null}"#,
        )
        .parse(today())
        .unwrap();
        assert_eq!(r.customer, CustomerRef::Domain(Domain::parse("müller-it.de").unwrap()));
        assert_eq!(r.service.as_str(), "RMM-SERVER");
        assert_eq!(r.quantity.to_string(), "12");
        assert_eq!((r.source_label, r.external_ref), (None, None));
        let r = row(r#"{"customer":{"external_id":10042},"service_code":"B","quantity":"1234,5","reading_date":"30.11.2026","source":"Backup.EU"}"#)
            .parse(today())
            .unwrap();
        assert_eq!(r.customer, CustomerRef::ExternalId("10042".into()));
        assert_eq!(r.quantity.value().to_string(), "1234.5");
        assert_eq!(r.source_label.unwrap().as_str(), "backup.eu");
    }

    #[test]
    fn every_problem_is_at_its_field() {
        let e = row(
            r#"{"customer":{"id":"x","domain":"a.de"},"service_code":"-x","quantity":"-1",
                       "reading_date":"2026-12-04","source":"a b","external_ref":"\u0000"}"#,
        )
        .parse(today())
        .unwrap_err();
        let got: Vec<(&str, &str)> = e.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            got,
            [
                ("customer", "usage.customer_ref"),
                ("service_code", "service_code.format"),
                ("quantity", "number.min"),
                ("reading_date", "usage.date_future"),
                ("source", "usage.source_format"),
                ("external_ref", "control_chars"),
            ]
        );
        let e = row(r#"{"customer":{"id":"nope"},"quantity":"1.234","reading_date":"2026-12-03"}"#)
            .parse(today())
            .unwrap_err();
        let got: Vec<(&str, &str)> = e.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            got,
            [
                ("customer.id", "id.format"),
                ("service_code", "required"),
                ("quantity", "number.scale")
            ]
        );
        let e = UsageReadingDraft::default().parse(today()).unwrap_err();
        assert_eq!(e[0].field, "customer");
        assert_eq!(e[0].code, Code::Required);
    }
}
