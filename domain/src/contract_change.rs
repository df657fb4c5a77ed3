//! How a running contract changes: the time-rounding rule, part versions from a date, the
//! contract's status, and the default date a change takes effect.
//!
//! A part's quantity or price never changes in place: a change is a new *version* valid
//! from a date, so a period already billed keeps the terms it was billed with and the
//! invoice run (settlement by key, `BILLING.md`) bills exactly the difference when a change
//! is dated into a billed period.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::contract::{ContractPart, ContractPartDraft, ContractTerms};
use crate::error::{Code, Errors, FieldError};
use crate::money::Currency;
use crate::number::parse_integer;
use crate::period::{BillingCycle, choice, parse_date};

/// Rounds worked minutes to billable minutes: `ceil(max(actual, minimum) / increment) ×
/// increment`. An entry of zero minutes stays zero (nothing was worked, nothing is billed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingRule {
    pub minimum_minutes: u32,
    pub increment_minutes: u32,
}

impl RoundingRule {
    /// The longest minimum or increment: a working day.
    pub const MAX_MINUTES: u32 = 480;

    /// Both empty: no rule (minutes are billed as worked). Either set: a rule; an empty
    /// minimum is 0, an empty increment is 1.
    pub fn parse(minimum: &str, increment: &str, e: &mut Errors) -> Option<Option<RoundingRule>> {
        if minimum.trim().is_empty() && increment.trim().is_empty() {
            return Some(None);
        }
        let min = if minimum.trim().is_empty() {
            Some(0)
        } else {
            e.check("rounding_minimum", parse_integer(minimum, 0, Self::MAX_MINUTES))
        };
        let inc = if increment.trim().is_empty() {
            Some(1)
        } else {
            e.check("rounding_increment", parse_integer(increment, 1, Self::MAX_MINUTES))
        };
        Some(Some(RoundingRule {
            minimum_minutes: min?,
            increment_minutes: inc?,
        }))
    }

    pub fn billable_minutes(self, actual: u32) -> u32 {
        if actual == 0 {
            return 0;
        }
        let base = actual.max(self.minimum_minutes);
        let inc = self.increment_minutes.max(1);
        base.div_ceil(inc) * inc
    }
}

/// Billable minutes under an optional rule.
pub fn billable_minutes(rule: Option<RoundingRule>, actual: u32) -> u32 {
    rule.map_or(actual, |r| r.billable_minutes(actual))
}

choice!(
    /// Where a contract is in its life. Draft: saved, not billed yet. Active: billed from
    /// its start. Ended: its end date has passed (derived, never stored).
    ContractStatus {
        Draft => "draft",
        Active => "active",
        Ended => "ended",
    }
);

impl ContractStatus {
    /// The status a list shows on `today`, from the stored state and the end date.
    pub fn on(active: bool, end: Option<NaiveDate>, today: NaiveDate) -> ContractStatus {
        match (active, end) {
            (false, _) => ContractStatus::Draft,
            (true, Some(end)) if end < today => ContractStatus::Ended,
            (true, _) => ContractStatus::Active,
        }
    }
}

/// The first day of the calendar period of `cycle` that contains `date`.
pub fn period_start(cycle: BillingCycle, date: NaiveDate) -> NaiveDate {
    let months = cycle.months();
    let month0 = (date.month0() / months) * months;
    NaiveDate::from_ymd_opt(date.year(), month0 + 1, 1).unwrap_or(date)
}

/// The day a change takes effect unless the user picks another: the first day of the
/// first period not billed yet (the contract's start when nothing is billed), never
/// before the contract starts.
pub fn default_change_date(
    start: NaiveDate,
    billed_through: Option<NaiveDate>,
    today: NaiveDate,
    cycle: BillingCycle,
) -> NaiveDate {
    let candidate = match billed_through {
        Some(last) => last + Duration::days(1),
        None => period_start(cycle, today).max(start),
    };
    candidate.max(start)
}

/// One version of a part as the editor sends it: the part's terms and the day they apply from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartVersionDraft {
    pub valid_from: String,
    pub part: ContractPartDraft,
}

/// A checked version: the terms apply from `valid_from` until the next version's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartVersion {
    pub valid_from: NaiveDate,
    pub part: ContractPart,
}

impl PartVersionDraft {
    /// Checks the version against its contract: the date lies within the contract and
    /// after every existing version of the part (history is appended to, never rewritten),
    /// and the type does not change (a different type is a different part).
    pub fn validate(
        &self,
        currency: Currency,
        contract: (NaiveDate, Option<NaiveDate>),
        latest: Option<(NaiveDate, &str)>,
    ) -> Result<PartVersion, Vec<FieldError>> {
        let mut e = Errors::new("");
        let from = e.check("valid_from", parse_date(&self.valid_from));
        if let Some(d) = from {
            let (start, end) = contract;
            if d < start || end.is_some_and(|end| d > end) {
                e.push(FieldError::new(Code::VersionOutsideContract).at("valid_from"));
            } else if latest.is_some_and(|(last, _)| d <= last) {
                let last = latest
                    .map(|(l, _)| l.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                e.push(
                    FieldError::new(Code::VersionNotAfter)
                        .at("valid_from")
                        .with("date", last),
                );
            }
        }
        if latest.is_some_and(|(_, kind)| kind != self.part.contract_type) {
            e.push(FieldError::new(Code::VersionTypeChange).at("part.contract_type"));
        }
        let part = e.nested("part", self.part.validate(currency));
        let version = from
            .zip(part)
            .map(|(valid_from, part)| PartVersion { valid_from, part });
        e.finish(version)
    }
}

/// The form of a checked part (what the editor shows for a stored part).
pub fn part_to_draft(part: &ContractPart) -> ContractPartDraft {
    let money = |m: crate::money::Money| m.amount().normalize().to_string();
    let price = |p: crate::money::UnitPrice| p.amount().normalize().to_string();
    let qty = |q: crate::money::Quantity| q.value().normalize().to_string();
    let mut d = ContractPartDraft {
        contract_type: part.terms.contract_type().as_str().into(),
        description: part.description.as_ref().map(|l| l.to_string()).unwrap_or_default(),
        service_code: part.service.as_ref().map(|s| s.to_string()).unwrap_or_default(),
        min_quantity: part.min_quantity.map(qty).unwrap_or_default(),
        quantity_from_usage: part.quantity_from_usage,
        ..Default::default()
    };
    match &part.terms {
        ContractTerms::Retainer { quantity, rate } => {
            d.quantity = qty(*quantity);
            d.rate = price(*rate);
        }
        ContractTerms::Hourly { rate, after_hours_rate } => {
            d.rate = price(*rate);
            d.after_hours_rate = after_hours_rate.map(price).unwrap_or_default();
        }
        ContractTerms::BlockHours {
            hours_per_period,
            rate,
            overage_rate,
            rollover,
        } => {
            d.hours_per_period = qty(*hours_per_period);
            d.rate = price(*rate);
            d.overage_rate = overage_rate.map(price).unwrap_or_default();
            d.rollover = *rollover;
        }
        ContractTerms::BlockMoney {
            amount,
            hourly_rate,
            overage_rate,
        } => {
            d.amount = money(*amount);
            d.rate = price(*hourly_rate);
            d.overage_rate = overage_rate.map(price).unwrap_or_default();
        }
        ContractTerms::RemoteMonitoring {
            device_category,
            price_per_device,
        } => {
            d.device_category = device_category.as_str().into();
            d.rate = price(*price_per_device);
        }
        ContractTerms::OnlineBackup { unit, price: p } => {
            d.backup_unit = unit.as_str().into();
            d.rate = price(*p);
        }
        ContractTerms::ProjectOneTimeFee { amount, due_date } => {
            d.amount = money(*amount);
            d.due_date = due_date.format("%Y-%m-%d").to_string();
        }
        ContractTerms::ProjectHourly { rate, estimated_hours } => {
            d.rate = price(*rate);
            d.estimated_hours = estimated_hours.map(qty).unwrap_or_default();
        }
    }
    d
}

/// The version in force on `date`: the latest whose `valid_from` is on or before it.
/// `versions` are in any order.
pub fn version_on<T>(versions: &[(NaiveDate, T)], date: NaiveDate) -> Option<&T> {
    versions
        .iter()
        .filter(|(from, _)| *from <= date)
        .max_by_key(|(from, _)| *from)
        .map(|(_, v)| v)
}

/// Checks an end date for a running contract: on or after its start, and not before the
/// last day already billed unless the user accepts a credit note (`allow_credit`).
pub fn check_end_date(
    input: &str,
    start: NaiveDate,
    billed_through: Option<NaiveDate>,
    allow_credit: bool,
) -> Result<NaiveDate, FieldError> {
    let end = parse_date(input).map_err(|e| e.at("end_date"))?;
    if end < start {
        return Err(FieldError::new(Code::DateRangeOrder).at("end_date"));
    }
    if let Some(billed) = billed_through
        && end < billed
        && !allow_credit
    {
        return Err(FieldError::new(Code::EndBeforeBilled)
            .at("end_date")
            .with("date", billed.format("%Y-%m-%d").to_string()));
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::ContractType;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rounding_follows_the_rule() {
        let rule = RoundingRule {
            minimum_minutes: 15,
            increment_minutes: 15,
        };
        assert_eq!(rule.billable_minutes(0), 0);
        assert_eq!(rule.billable_minutes(1), 15);
        assert_eq!(rule.billable_minutes(15), 15);
        assert_eq!(rule.billable_minutes(16), 30);
        let six = RoundingRule {
            minimum_minutes: 0,
            increment_minutes: 6,
        };
        assert_eq!(six.billable_minutes(10), 12);
        assert_eq!(billable_minutes(None, 7), 7);
    }

    #[test]
    fn rounding_parses_with_defaults() {
        let mut e = Errors::new("");
        assert_eq!(RoundingRule::parse("", "", &mut e), Some(None));
        assert_eq!(
            RoundingRule::parse("", "15", &mut e),
            Some(Some(RoundingRule {
                minimum_minutes: 0,
                increment_minutes: 15
            }))
        );
        assert!(e.finish(Some(())).is_ok());
        let mut e = Errors::new("");
        assert_eq!(RoundingRule::parse("10", "0", &mut e), None);
        let errors = e.finish(Some(())).unwrap_err();
        assert_eq!(errors[0].field, "rounding_increment");
    }

    #[test]
    fn status_from_state_and_end() {
        let today = d("2026-12-03");
        assert_eq!(ContractStatus::on(false, None, today), ContractStatus::Draft);
        assert_eq!(ContractStatus::on(true, None, today), ContractStatus::Active);
        assert_eq!(
            ContractStatus::on(true, Some(d("2026-12-03")), today),
            ContractStatus::Active
        );
        assert_eq!(
            ContractStatus::on(true, Some(d("2026-12-02")), today),
            ContractStatus::Ended
        );
    }

    #[test]
    fn default_change_date_is_the_first_unbilled_period() {
        let start = d("2026-03-15");
        let today = d("2026-12-03");
        assert_eq!(
            default_change_date(start, None, today, BillingCycle::Monthly),
            d("2026-12-01")
        );
        assert_eq!(
            default_change_date(start, None, today, BillingCycle::Quarterly),
            d("2026-10-01")
        );
        assert_eq!(
            default_change_date(start, None, d("2026-03-20"), BillingCycle::Yearly),
            start
        );
        assert_eq!(
            default_change_date(start, Some(d("2026-12-31")), today, BillingCycle::Monthly),
            d("2027-01-01")
        );
    }

    fn retainer(qty: &str) -> ContractPartDraft {
        ContractPartDraft {
            contract_type: ContractType::Retainer.as_str().into(),
            quantity: qty.into(),
            rate: "10".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_version_must_follow_the_history_inside_the_contract() {
        let contract = (d("2026-01-01"), Some(d("2026-12-31")));
        let v = |from: &str| PartVersionDraft {
            valid_from: from.into(),
            part: retainer("3"),
        };
        let latest = Some((d("2026-06-01"), "retainer"));
        assert!(v("2026-07-01").validate(Currency::EUR, contract, latest).is_ok());
        let err = v("2026-06-01").validate(Currency::EUR, contract, latest).unwrap_err();
        assert_eq!(err[0].code, Code::VersionNotAfter);
        assert_eq!(err[0].params["date"], "2026-06-01");
        let err = v("2027-01-01").validate(Currency::EUR, contract, latest).unwrap_err();
        assert_eq!(err[0].code, Code::VersionOutsideContract);
        let err = v("2026-08-01")
            .validate(Currency::EUR, contract, Some((d("2026-06-01"), "hourly")))
            .unwrap_err();
        assert_eq!(err[0].field, "part.contract_type");
    }

    #[test]
    fn a_stored_part_shows_as_it_was_typed() {
        let draft = ContractPartDraft {
            service_code: "rmm-server".into(),
            min_quantity: "5".into(),
            quantity_from_usage: true,
            contract_type: ContractType::RemoteMonitoring.as_str().into(),
            device_category: "server".into(),
            rate: "12.50".into(),
            ..Default::default()
        };
        let part = draft.validate(Currency::EUR).unwrap();
        let back = part_to_draft(&part);
        assert_eq!(back.service_code, "RMM-SERVER");
        assert_eq!(back.rate, "12.5");
        assert_eq!(back.validate(Currency::EUR).unwrap(), part);
        let no_service = ContractPartDraft {
            service_code: String::new(),
            ..draft
        };
        assert_eq!(
            no_service.validate(Currency::EUR).unwrap_err()[0].field,
            "quantity_from_usage"
        );
    }

    #[test]
    fn the_version_in_force_is_the_latest_started() {
        let versions = [(d("2026-06-01"), 2), (d("2026-01-01"), 1), (d("2026-09-01"), 3)];
        assert_eq!(version_on(&versions, d("2025-12-31")), None);
        assert_eq!(version_on(&versions, d("2026-01-01")), Some(&1));
        assert_eq!(version_on(&versions, d("2026-08-31")), Some(&2));
        assert_eq!(version_on(&versions, d("2027-01-01")), Some(&3));
    }

    #[test]
    fn an_end_date_before_billed_periods_needs_consent() {
        let start = d("2026-01-01");
        let billed = Some(d("2026-12-31"));
        assert_eq!(
            check_end_date("2026-11-30", start, billed, false).unwrap_err().code,
            Code::EndBeforeBilled
        );
        assert_eq!(check_end_date("2026-11-30", start, billed, true), Ok(d("2026-11-30")));
        assert_eq!(
            check_end_date("2025-11-30", start, billed, true).unwrap_err().code,
            Code::DateRangeOrder
        );
        assert_eq!(check_end_date("2027-01-31", start, billed, false), Ok(d("2027-01-31")));
    }
}
