//! Contracts: a header (how and when the customer is billed) and one or more parts, each
//! of one of the eight contract types with that type's terms.
//!
//! Required per type: retainer — quantity, rate; hourly — rate; block hours — hours per
//! period, rate; block money — amount, hourly rate drawn; remote monitoring — device
//! category, price per device; online backup — unit (GB or seat), price; project one-time
//! fee — amount, due date; project hourly — rate. Optional, with the fallback the invoice
//! run applies: after-hours rate (the rate), overage rate (the rate), estimated hours.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::bank::{Bic, Iban, MandateReference};
use crate::catalogue::ServiceCode;
use crate::contract_change::RoundingRule;
use crate::error::{Code, Errors, FieldError, indexed};
use crate::money::{Currency, Money, Quantity, UnitPrice};
use crate::number::parse_integer;
use crate::period::{BillingCycle, BillingTiming, DateRange, choice, parse_date};
use crate::text::{Label, Notes};

choice!(
    /// The eight contract types (Atera's list, which covers Autotask's).
    ContractType {
        Retainer => "retainer",
        Hourly => "hourly",
        BlockHours => "block_hours",
        BlockMoney => "block_money",
        RemoteMonitoring => "remote_monitoring",
        OnlineBackup => "online_backup",
        ProjectOneTimeFee => "project_one_time_fee",
        ProjectHourly => "project_hourly",
    }
);

choice!(
    /// Which devices a remote-monitoring part is priced for.
    DeviceCategory {
        AllDevices => "all_devices",
        Workstation => "workstation",
        Server => "server",
        NetworkDevice => "network_device",
        MobileDevice => "mobile_device",
    }
);

choice!(
    /// What an online-backup price is per.
    BackupUnit {
        PerGb => "per_gb",
        PerSeat => "per_seat",
    }
);

choice!(
    /// How the customer pays.
    PaymentMethodKind {
        Manual => "manual",
        SepaDirectDebit => "sepa_direct_debit",
    }
);

/// A contract part's terms, by type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContractTerms {
    Retainer {
        quantity: Quantity,
        rate: UnitPrice,
    },
    Hourly {
        rate: UnitPrice,
        after_hours_rate: Option<UnitPrice>,
    },
    BlockHours {
        hours_per_period: Quantity,
        rate: UnitPrice,
        overage_rate: Option<UnitPrice>,
        rollover: bool,
    },
    BlockMoney {
        amount: Money,
        hourly_rate: UnitPrice,
        overage_rate: Option<UnitPrice>,
    },
    RemoteMonitoring {
        device_category: DeviceCategory,
        price_per_device: UnitPrice,
    },
    OnlineBackup {
        unit: BackupUnit,
        price: UnitPrice,
    },
    ProjectOneTimeFee {
        amount: Money,
        due_date: NaiveDate,
    },
    ProjectHourly {
        rate: UnitPrice,
        estimated_hours: Option<Quantity>,
    },
}

impl ContractTerms {
    pub fn contract_type(&self) -> ContractType {
        match self {
            ContractTerms::Retainer { .. } => ContractType::Retainer,
            ContractTerms::Hourly { .. } => ContractType::Hourly,
            ContractTerms::BlockHours { .. } => ContractType::BlockHours,
            ContractTerms::BlockMoney { .. } => ContractType::BlockMoney,
            ContractTerms::RemoteMonitoring { .. } => ContractType::RemoteMonitoring,
            ContractTerms::OnlineBackup { .. } => ContractType::OnlineBackup,
            ContractTerms::ProjectOneTimeFee { .. } => ContractType::ProjectOneTimeFee,
            ContractTerms::ProjectHourly { .. } => ContractType::ProjectHourly,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractPart {
    pub description: Option<Label>,
    pub terms: ContractTerms,
    /// The catalogue service the part bills (its code), when linked.
    pub service: Option<ServiceCode>,
    /// Bill at least this quantity (devices, GB, seats, units).
    pub min_quantity: Option<Quantity>,
    /// The quantity follows the latest reading of the linked service.
    pub quantity_from_usage: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentMethod {
    Manual,
    /// SEPA Core direct debit. The BIC is optional: SEPA has not needed it since 2016.
    SepaDirectDebit {
        iban: Iban,
        bic: Option<Bic>,
        mandate_reference: MandateReference,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractHeader {
    pub name: Label,
    pub period: DateRange,
    pub billing_cycle: BillingCycle,
    pub billing_timing: BillingTiming,
    pub currency: Currency,
    pub payment_terms_days: u32,
    pub payment_method: PaymentMethod,
    pub notes: Option<Notes>,
    /// How worked minutes become billable minutes; none: as worked.
    pub rounding: Option<RoundingRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contract {
    pub header: ContractHeader,
    pub parts: Vec<ContractPart>,
}

/// One contract part as the form holds it. The fields of every type live side by side, so
/// switching the type in the form keeps what was typed; only the chosen type's are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContractPartDraft {
    pub contract_type: String,
    pub description: String,
    pub quantity: String,
    /// The price per unit: per retainer unit, per hour, per device, per GB or seat.
    pub rate: String,
    pub after_hours_rate: String,
    pub hours_per_period: String,
    pub overage_rate: String,
    pub rollover: bool,
    pub amount: String,
    pub device_category: String,
    pub backup_unit: String,
    pub due_date: String,
    pub estimated_hours: String,
    /// Code of the linked catalogue service; empty when none.
    pub service_code: String,
    pub min_quantity: String,
    pub quantity_from_usage: bool,
}

impl ContractPartDraft {
    /// Validates in the contract's currency (amounts may have at most its minor units).
    pub fn validate(&self, currency: Currency) -> Result<ContractPart, Vec<FieldError>> {
        let mut e = Errors::new("");
        let kind = e.check("contract_type", ContractType::parse(&self.contract_type));
        let description = e.optional("description", &self.description, Label::parse);
        let price = |s: &str| UnitPrice::parse_amount(s, currency);
        let money = |s: &str| Money::parse_amount(s, currency);
        let terms = match kind {
            None => None,
            Some(ContractType::Retainer) => {
                let quantity = e.check("quantity", Quantity::parse(&self.quantity));
                let rate = e.check("rate", price(&self.rate));
                Some((quantity, rate)).and_then(|(q, r)| Some(ContractTerms::Retainer { quantity: q?, rate: r? }))
            }
            Some(ContractType::Hourly) => {
                let rate = e.check("rate", price(&self.rate));
                let after = e.optional("after_hours_rate", &self.after_hours_rate, price);
                Some((rate, after)).and_then(|(r, a)| {
                    Some(ContractTerms::Hourly {
                        rate: r?,
                        after_hours_rate: a?,
                    })
                })
            }
            Some(ContractType::BlockHours) => {
                let hours = e.check("hours_per_period", Quantity::parse(&self.hours_per_period));
                let rate = e.check("rate", price(&self.rate));
                let overage = e.optional("overage_rate", &self.overage_rate, price);
                Some((hours, rate, overage)).and_then(|(h, r, o)| {
                    Some(ContractTerms::BlockHours {
                        hours_per_period: h?,
                        rate: r?,
                        overage_rate: o?,
                        rollover: self.rollover,
                    })
                })
            }
            Some(ContractType::BlockMoney) => {
                let amount = e.check("amount", money(&self.amount));
                let rate = e.check("rate", price(&self.rate));
                let overage = e.optional("overage_rate", &self.overage_rate, price);
                Some((amount, rate, overage)).and_then(|(a, r, o)| {
                    Some(ContractTerms::BlockMoney {
                        amount: a?,
                        hourly_rate: r?,
                        overage_rate: o?,
                    })
                })
            }
            Some(ContractType::RemoteMonitoring) => {
                let category = e.check("device_category", DeviceCategory::parse(&self.device_category));
                let rate = e.check("rate", price(&self.rate));
                Some((category, rate)).and_then(|(c, r)| {
                    Some(ContractTerms::RemoteMonitoring {
                        device_category: c?,
                        price_per_device: r?,
                    })
                })
            }
            Some(ContractType::OnlineBackup) => {
                let unit = e.check("backup_unit", BackupUnit::parse(&self.backup_unit));
                let rate = e.check("rate", price(&self.rate));
                Some((unit, rate)).and_then(|(u, r)| Some(ContractTerms::OnlineBackup { unit: u?, price: r? }))
            }
            Some(ContractType::ProjectOneTimeFee) => {
                let amount = e.check("amount", money(&self.amount));
                let due = e.check("due_date", parse_date(&self.due_date));
                Some((amount, due)).and_then(|(a, d)| {
                    Some(ContractTerms::ProjectOneTimeFee {
                        amount: a?,
                        due_date: d?,
                    })
                })
            }
            Some(ContractType::ProjectHourly) => {
                let rate = e.check("rate", price(&self.rate));
                let estimate = e.optional("estimated_hours", &self.estimated_hours, Quantity::parse);
                Some((rate, estimate)).and_then(|(r, h)| {
                    Some(ContractTerms::ProjectHourly {
                        rate: r?,
                        estimated_hours: h?,
                    })
                })
            }
        };
        let service = e.optional("service_code", &self.service_code, ServiceCode::parse);
        let min_quantity = e.optional("min_quantity", &self.min_quantity, Quantity::parse);
        if self.quantity_from_usage && self.service_code.trim().is_empty() {
            e.push(FieldError::new(Code::UsageNeedsService).at("quantity_from_usage"));
        }
        let part = match (description, terms, service, min_quantity) {
            (Some(description), Some(terms), Some(service), Some(min_quantity)) => Some(ContractPart {
                description,
                terms,
                service,
                min_quantity,
                quantity_from_usage: self.quantity_from_usage,
            }),
            _ => None,
        };
        e.finish(part)
    }
}

/// The contract step of the wizard as the form holds it. `Default` pre-selects what most
/// MSPs use, so the header can stay behind "Show more"; the start date must be set (the
/// form fills in today, see [`ContractDraft::starting`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContractDraft {
    pub name: String,
    pub start_date: String,
    /// Empty for an open-ended contract.
    pub end_date: String,
    pub billing_cycle: String,
    pub billing_timing: String,
    pub currency: String,
    pub payment_terms_days: String,
    pub payment_method: String,
    pub iban: String,
    pub bic: String,
    pub mandate_reference: String,
    pub notes: String,
    /// Time rounding in minutes: the minimum billed per entry and the increment.
    pub rounding_minimum: String,
    pub rounding_increment: String,
    pub parts: Vec<ContractPartDraft>,
}

impl Default for ContractDraft {
    fn default() -> Self {
        ContractDraft {
            name: String::new(),
            start_date: String::new(),
            end_date: String::new(),
            billing_cycle: BillingCycle::Monthly.as_str().into(),
            billing_timing: BillingTiming::Advance.as_str().into(),
            currency: Currency::EUR.as_str().into(),
            payment_terms_days: "14".into(),
            payment_method: PaymentMethodKind::Manual.as_str().into(),
            iban: String::new(),
            bic: String::new(),
            mandate_reference: String::new(),
            notes: String::new(),
            rounding_minimum: String::new(),
            rounding_increment: String::new(),
            parts: vec![ContractPartDraft::default()],
        }
    }
}

impl ContractDraft {
    /// A new draft starting on `today` (the crate has no clock: the caller passes the date).
    pub fn starting(today: NaiveDate) -> Self {
        ContractDraft {
            start_date: today.format("%Y-%m-%d").to_string(),
            ..Default::default()
        }
    }

    /// Every error of the header and all parts, with paths relative to the contract
    /// (`name`, `parts[1].rate`).
    pub fn validate(&self) -> Result<Contract, Vec<FieldError>> {
        let mut e = Errors::new("");
        let name = e.check("name", Label::parse(&self.name));
        let start = e.check("start_date", parse_date(&self.start_date));
        let end = e.optional("end_date", &self.end_date, parse_date);
        let period = match (start, end) {
            (Some(s), Some(end)) => e.check(
                "",
                DateRange::new(s, end).map_err(|_| FieldError::new(Code::DateRangeOrder).at("end_date")),
            ),
            _ => None,
        };
        let billing_cycle = e.check("billing_cycle", BillingCycle::parse(&self.billing_cycle));
        let billing_timing = e.check("billing_timing", BillingTiming::parse(&self.billing_timing));
        let currency = e.check("currency", Currency::parse(&self.currency));
        let payment_terms_days = e.check("payment_terms_days", parse_integer(&self.payment_terms_days, 0, 365));
        let payment_method = match e.check("payment_method", PaymentMethodKind::parse(&self.payment_method)) {
            None => None,
            Some(PaymentMethodKind::Manual) => Some(PaymentMethod::Manual),
            Some(PaymentMethodKind::SepaDirectDebit) => {
                if currency.is_some_and(|c| c != Currency::EUR) {
                    e.push(FieldError::new(Code::SepaCurrency).at("payment_method"));
                }
                let iban = e.check("iban", Iban::parse(&self.iban));
                let bic = e.optional("bic", &self.bic, Bic::parse);
                let mandate = e.check("mandate_reference", MandateReference::parse(&self.mandate_reference));
                Some((iban, bic, mandate)).and_then(|(i, b, m)| {
                    Some(PaymentMethod::SepaDirectDebit {
                        iban: i?,
                        bic: b?,
                        mandate_reference: m?,
                    })
                })
            }
        };
        let notes = e.optional("notes", &self.notes, Notes::parse);
        let rounding = RoundingRule::parse(&self.rounding_minimum, &self.rounding_increment, &mut e);
        if self.parts.is_empty() {
            e.push(FieldError::new(Code::Required).at("parts"));
        }
        // With an unknown currency, parts are still checked (in euros) so their errors show.
        let part_currency = currency.unwrap_or(Currency::EUR);
        let parts: Vec<Option<ContractPart>> = self
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| e.nested(&indexed("parts", i), p.validate(part_currency)))
            .collect();
        let header = Some(()).and_then(|()| {
            Some(ContractHeader {
                name: name?,
                period: period?,
                billing_cycle: billing_cycle?,
                billing_timing: billing_timing?,
                currency: currency?,
                payment_terms_days: payment_terms_days?,
                payment_method: payment_method?,
                notes: notes?,
                rounding: rounding?,
            })
        });
        let contract = header.and_then(|header| {
            Some(Contract {
                header,
                parts: parts.into_iter().collect::<Option<_>>()?,
            })
        });
        e.finish(contract)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(kind: ContractType) -> ContractPartDraft {
        ContractPartDraft {
            contract_type: kind.as_str().into(),
            ..Default::default()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect()
    }

    #[test]
    fn each_type_requires_its_fields() {
        let cases = [
            (ContractType::Retainer, vec!["quantity:required", "rate:required"]),
            (ContractType::Hourly, vec!["rate:required"]),
            (
                ContractType::BlockHours,
                vec!["hours_per_period:required", "rate:required"],
            ),
            (ContractType::BlockMoney, vec!["amount:required", "rate:required"]),
            (
                ContractType::RemoteMonitoring,
                vec!["device_category:required", "rate:required"],
            ),
            (
                ContractType::OnlineBackup,
                vec!["backup_unit:required", "rate:required"],
            ),
            (
                ContractType::ProjectOneTimeFee,
                vec!["amount:required", "due_date:required"],
            ),
            (ContractType::ProjectHourly, vec!["rate:required"]),
        ];
        for (kind, expected) in cases {
            assert_eq!(
                fields(part(kind).validate(Currency::EUR).unwrap_err()),
                expected,
                "{kind}"
            );
        }
        assert_eq!(
            fields(part(ContractType::Retainer).validate(Currency::EUR).err().unwrap()).len(),
            2
        );
        let unknown = ContractPartDraft {
            contract_type: "barter".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(unknown.validate(Currency::EUR).unwrap_err()),
            ["contract_type:choice.invalid"]
        );
    }

    #[test]
    fn each_type_builds_its_terms() {
        let eur = Currency::EUR;
        let p = ContractPartDraft {
            quantity: "25".into(),
            rate: "39,90".into(),
            ..part(ContractType::Retainer)
        };
        let ContractTerms::Retainer { quantity, rate } = p.validate(eur).unwrap().terms else {
            panic!()
        };
        assert_eq!(rate.times(quantity).to_string(), "997.50 EUR");
        let p = ContractPartDraft {
            hours_per_period: "10".into(),
            rate: "95".into(),
            overage_rate: "110".into(),
            rollover: true,
            ..part(ContractType::BlockHours)
        };
        assert!(matches!(
            p.validate(eur).unwrap().terms,
            ContractTerms::BlockHours { rollover: true, .. }
        ));
        let p = ContractPartDraft {
            backup_unit: "per_gb".into(),
            rate: "0,045".into(),
            ..part(ContractType::OnlineBackup)
        };
        assert_eq!(
            p.validate(eur).unwrap().terms.contract_type(),
            ContractType::OnlineBackup
        );
        let p = ContractPartDraft {
            amount: "4.800,00".into(),
            due_date: "31.03.2026".into(),
            ..part(ContractType::ProjectOneTimeFee)
        };
        assert!(p.validate(eur).is_ok());
        let p = ContractPartDraft {
            amount: "12,345".into(),
            due_date: "2026-03-31".into(),
            ..part(ContractType::ProjectOneTimeFee)
        };
        assert_eq!(fields(p.validate(eur).unwrap_err()), ["amount:number.scale"]);
    }

    #[test]
    fn header() {
        let mut d = ContractDraft::starting(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        d.name = "Managed Services 2026".into();
        d.parts = vec![ContractPartDraft {
            rate: "95".into(),
            ..part(ContractType::Hourly)
        }];
        let c = d.validate().unwrap();
        assert_eq!((c.header.payment_terms_days, c.header.period.end()), (14, None));

        let bad = ContractDraft {
            name: "".into(),
            end_date: "2025-12-31".into(),
            currency: "CHF".into(),
            payment_method: "sepa_direct_debit".into(),
            iban: "DE89370400440532013001".into(),
            payment_terms_days: "1000".into(),
            parts: vec![
                part(ContractType::Hourly),
                ContractPartDraft {
                    rate: "x".into(),
                    ..part(ContractType::Hourly)
                },
            ],
            ..d.clone()
        };
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            [
                "name:required",
                "end_date:date_range.order",
                "payment_terms_days:number.max",
                "payment_method:sepa.currency",
                "iban:iban.checksum",
                "mandate_reference:required",
                "parts[0].rate:required",
                "parts[1].rate:number.format",
            ]
        );
        assert_eq!(
            fields(ContractDraft { parts: vec![], ..d }.validate().unwrap_err()),
            ["parts:required"]
        );
    }
}
