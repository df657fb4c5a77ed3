//! The service catalogue: what an MSP sells, with a code that usage readings, sales items
//! and contract parts refer to. Prices here are defaults; a contract part copies the price
//! it was agreed at, so a catalogue price change never rewrites a contract (the server keeps
//! each saved state of a service as a version).

use serde::{Deserialize, Serialize};

use crate::contract::{BackupUnit, DeviceCategory};
use crate::error::{Code, Errors, FieldError};
use crate::money::{Currency, UnitPrice};
use crate::period::choice;
use crate::text::{Label, Notes};
use crate::value::string_value;

choice!(
    /// How a service is charged: it decides which quantity a contract part bills.
    ServiceKind {
        FlatFee => "flat_fee",
        PerDevice => "per_device",
        PerUsage => "per_usage",
        PerHour => "per_hour",
        Product => "product",
    }
);

choice!(
    /// The VAT class of a service; each tax region maps it to its own rate (DE 19/7 %,
    /// ES 21/10/4 %, Canary Islands IGIC), which the invoice run looks up.
    TaxCategory {
        Standard => "standard",
        Reduced => "reduced",
        SuperReduced => "super_reduced",
        Exempt => "exempt",
    }
);

/// A service's code, the key by which RMM and backup platforms report usage:
/// `RMM-SERVER`, `BACKUP.GB`. Up to 32 capital letters, digits, `-`, `_` and `.`, starting
/// with a letter or digit; typed in any case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceCode(String);

impl ServiceCode {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(Code::TooLong).with("max", Self::MAX_CHARS));
        }
        let b = s.as_bytes();
        let allowed = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit() || b"-_.".contains(c);
        if !b[0].is_ascii_alphanumeric() || !b.iter().all(allowed) {
            return Err(FieldError::new(Code::ServiceCodeFormat));
        }
        Ok(ServiceCode(s))
    }
}

string_value!(ServiceCode);

/// The account revenue is booked to in the MSP's accounting (DATEV SKR03 `8400`, a
/// Spanish PGC `705000`): 1 to 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RevenueAccount(String);

impl RevenueAccount {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        if s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(Code::RevenueAccountFormat));
        }
        Ok(RevenueAccount(s))
    }
}

string_value!(RevenueAccount);

/// What the catalogue form holds; all strings, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceDraft {
    pub code: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    /// For `per_device`.
    pub device_category: String,
    /// For `per_usage`: GB or seat.
    pub usage_unit: String,
    pub unit_price: String,
    pub currency: String,
    pub tax_category: String,
    pub revenue_account: String,
    pub archived: bool,
}

/// What a service is counted in, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceMeasure {
    FlatFee,
    Devices(DeviceCategory),
    Usage(BackupUnit),
    Hours,
    Product,
}

/// A valid catalogue service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub code: ServiceCode,
    pub name: Label,
    pub description: Option<Notes>,
    pub measure: ServiceMeasure,
    pub unit_price: UnitPrice,
    pub tax_category: TaxCategory,
    pub revenue_account: Option<RevenueAccount>,
    pub archived: bool,
}

impl ServiceDraft {
    /// The whole form: every field's error at once, under its field name.
    pub fn validate(&self) -> Result<Service, Vec<FieldError>> {
        let mut e = Errors::new("");
        let code = e.check("code", ServiceCode::parse(&self.code));
        let name = e.check("name", Label::parse(&self.name));
        let description = e.optional("description", &self.description, Notes::parse);
        let measure = match e.check("kind", ServiceKind::parse(&self.kind)) {
            Some(ServiceKind::FlatFee) => Some(ServiceMeasure::FlatFee),
            Some(ServiceKind::PerDevice) => e
                .check("device_category", DeviceCategory::parse(&self.device_category))
                .map(ServiceMeasure::Devices),
            Some(ServiceKind::PerUsage) => e
                .check("usage_unit", BackupUnit::parse(&self.usage_unit))
                .map(ServiceMeasure::Usage),
            Some(ServiceKind::PerHour) => Some(ServiceMeasure::Hours),
            Some(ServiceKind::Product) => Some(ServiceMeasure::Product),
            None => None,
        };
        let currency = e.check("currency", Currency::parse(&self.currency));
        let unit_price = currency.and_then(|c| e.check("unit_price", UnitPrice::parse_amount(&self.unit_price, c)));
        let tax_category = e.check("tax_category", TaxCategory::parse(&self.tax_category));
        let revenue_account = e.optional("revenue_account", &self.revenue_account, RevenueAccount::parse);
        let service = match (
            code,
            name,
            description,
            measure,
            unit_price,
            tax_category,
            revenue_account,
        ) {
            (Some(code), Some(name), Some(description), Some(measure), Some(unit_price), Some(tax), Some(account)) => {
                Some(Service {
                    code,
                    name,
                    description,
                    measure,
                    unit_price,
                    tax_category: tax,
                    revenue_account: account,
                    archived: self.archived,
                })
            }
            _ => None,
        };
        e.finish(service)
    }
}

impl Service {
    pub fn kind(&self) -> ServiceKind {
        match self.measure {
            ServiceMeasure::FlatFee => ServiceKind::FlatFee,
            ServiceMeasure::Devices(_) => ServiceKind::PerDevice,
            ServiceMeasure::Usage(_) => ServiceKind::PerUsage,
            ServiceMeasure::Hours => ServiceKind::PerHour,
            ServiceMeasure::Product => ServiceKind::Product,
        }
    }

    /// The form as it would be typed to give this service: what the server stores, so a
    /// stored service reads back through [`ServiceDraft::validate`] unchanged.
    pub fn to_draft(&self) -> ServiceDraft {
        let (device_category, usage_unit) = match self.measure {
            ServiceMeasure::Devices(c) => (c.as_str().to_owned(), String::new()),
            ServiceMeasure::Usage(u) => (String::new(), u.as_str().to_owned()),
            _ => (String::new(), String::new()),
        };
        ServiceDraft {
            code: self.code.as_str().to_owned(),
            name: self.name.to_string(),
            description: self.description.as_ref().map(ToString::to_string).unwrap_or_default(),
            kind: self.kind().as_str().to_owned(),
            device_category,
            usage_unit,
            unit_price: self.unit_price.amount().to_string(),
            currency: self.unit_price.currency().as_str().to_owned(),
            tax_category: self.tax_category.as_str().to_owned(),
            revenue_account: self
                .revenue_account
                .as_ref()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default(),
            archived: self.archived,
        }
    }

    /// Whether usage readings (devices, GB, seats) can be reported for it.
    pub fn takes_readings(&self) -> bool {
        matches!(self.measure, ServiceMeasure::Devices(_) | ServiceMeasure::Usage(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ServiceDraft {
        ServiceDraft {
            code: " rmm-server ".into(),
            name: "RMM Server".into(),
            kind: "per_device".into(),
            device_category: "server".into(),
            unit_price: "12.50".into(),
            currency: "EUR".into(),
            tax_category: "standard".into(),
            revenue_account: "8400".into(),
            ..ServiceDraft::default()
        }
    }

    fn codes(d: &ServiceDraft) -> Vec<(String, Code)> {
        d.validate()
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_valid_service() {
        let s = draft().validate().unwrap();
        assert_eq!(s.code.as_str(), "RMM-SERVER");
        assert_eq!(s.measure, ServiceMeasure::Devices(DeviceCategory::Server));
        assert_eq!((s.kind(), s.takes_readings()), (ServiceKind::PerDevice, true));
        assert_eq!(s.unit_price.to_string(), "12.50 EUR");
        assert_eq!(s.revenue_account.unwrap().as_str(), "8400");
        let backup = ServiceDraft {
            code: "BACKUP.GB".into(),
            kind: "per_usage".into(),
            usage_unit: "per_gb".into(),
            unit_price: "0.045".into(),
            revenue_account: String::new(),
            tax_category: "reduced".into(),
            ..draft()
        };
        let b = backup.validate().unwrap();
        assert_eq!(
            (b.measure, b.revenue_account),
            (ServiceMeasure::Usage(BackupUnit::PerGb), None)
        );
        let hours = ServiceDraft {
            kind: "per_hour".into(),
            device_category: String::new(),
            ..draft()
        };
        assert!(!hours.validate().unwrap().takes_readings());
    }

    #[test]
    fn every_error_at_once_under_its_field() {
        let bad = ServiceDraft {
            code: "-rmm".into(),
            name: String::new(),
            kind: "per_device".into(),
            device_category: "toaster".into(),
            unit_price: "12,5.0".into(),
            currency: "EUR".into(),
            tax_category: "luxury".into(),
            revenue_account: "84-00".into(),
            ..ServiceDraft::default()
        };
        assert_eq!(
            codes(&bad),
            vec![
                ("code".into(), Code::ServiceCodeFormat),
                ("name".into(), Code::Required),
                ("device_category".into(), Code::ChoiceInvalid),
                ("unit_price".into(), Code::NumberFormat),
                ("tax_category".into(), Code::ChoiceInvalid),
                ("revenue_account".into(), Code::RevenueAccountFormat),
            ]
        );
        let no_unit = ServiceDraft {
            kind: "per_usage".into(),
            ..draft()
        };
        assert_eq!(codes(&no_unit), vec![("usage_unit".into(), Code::Required)]);
        assert_eq!(ServiceCode::parse(&"A".repeat(33)).unwrap_err().code, Code::TooLong);
        assert_eq!(
            ServiceCode::parse("RMM SERVER").unwrap_err().code,
            Code::ServiceCodeFormat
        );
    }

    #[test]
    fn the_canonical_draft_reads_back_the_same() {
        let s = draft().validate().unwrap();
        let canonical = s.to_draft();
        assert_eq!(
            (canonical.code.as_str(), canonical.unit_price.as_str()),
            ("RMM-SERVER", "12.50")
        );
        assert_eq!(canonical.validate().unwrap(), s);
    }

    #[test]
    fn the_draft_round_trips_through_json() {
        let d = draft();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<ServiceDraft>(&json).unwrap(), d);
        assert_eq!(
            serde_json::from_str::<ServiceDraft>("{}").unwrap(),
            ServiceDraft::default()
        );
    }
}
