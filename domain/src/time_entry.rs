//! Time entries: the form a technician fills in (a work date, start and end or a duration,
//! the work type, notes), the states an entry moves through until it is invoiced, and what
//! approval freezes into it (billable minutes under the contract's rounding rule, the rate
//! and how the contract covers the time: `BILLING.md`, "Time" and "Contract types").

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::contract::ContractTerms;
use crate::contract_change::{RoundingRule, billable_minutes};
use crate::error::{Code, Errors, FieldError};
use crate::period::{choice, parse_date};
use crate::sla::TimeOfDay;
use crate::text::clean_multiline;

/// The longest single entry: a whole day. Longer work is logged per day.
pub const MAX_MINUTES: u32 = 24 * 60;
/// Longest note kept with an entry.
pub const MAX_NOTES_CHARS: usize = 4_000;
/// Longest reason given for a rejection.
pub const MAX_REASON_CHARS: usize = 1_000;

choice!(
    /// How the work is billed. "No charge" is shown to the customer at €0; "do not bill"
    /// never reaches an invoice (internal work, a goodwill fix).
    WorkType {
        Billable => "billable",
        NoCharge => "no_charge",
        DoNotBill => "do_not_bill",
    }
);

choice!(
    /// Where an entry stands: draft → submitted → approved → invoiced; a rejected entry
    /// goes back to its technician with a reason and is submitted again once fixed.
    TimeEntryStatus {
        Draft => "draft",
        Submitted => "submitted",
        Approved => "approved",
        Rejected => "rejected",
        Invoiced => "invoiced",
    }
);

impl TimeEntryStatus {
    /// Its technician may still change, delete and submit it.
    pub fn is_editable(self) -> bool {
        matches!(self, TimeEntryStatus::Draft | TimeEntryStatus::Rejected)
    }
}

/// A duration as people type it: `90` or `90m` (minutes), `1:30` (hours and minutes),
/// `1,5h` / `1.5 h` / `2h` (hours). Zero and more than a day are refused.
pub fn parse_duration(input: &str) -> Result<u32, FieldError> {
    let s = input.trim().to_lowercase();
    if s.is_empty() {
        return Err(FieldError::new(Code::Required));
    }
    let format = || FieldError::new(Code::DurationFormat);
    let digits = |x: &str| !x.is_empty() && x.len() <= 5 && x.bytes().all(|b| b.is_ascii_digit());
    let minutes: u64 = if let Some((h, m)) = s.split_once(':') {
        if !digits(h) || m.len() != 2 || !digits(m) {
            return Err(format());
        }
        let (h, m): (u64, u64) = (h.parse().map_err(|_| format())?, m.parse().map_err(|_| format())?);
        if m > 59 {
            return Err(format());
        }
        h * 60 + m
    } else if let Some(h) = s.strip_suffix('h') {
        let h = h.trim().replace(',', ".");
        let hours: Decimal = h.parse().map_err(|_| format())?;
        if hours.is_sign_negative() || h.starts_with(['+', '-']) {
            return Err(format());
        }
        let m = hours * Decimal::from(60);
        if m.fract() != Decimal::ZERO || m > Decimal::from(MAX_MINUTES) {
            // 1.33 h is no whole number of minutes: ask for h:mm instead of guessing.
            return Err(if m.fract() != Decimal::ZERO {
                format()
            } else {
                too_long()
            });
        }
        m.trunc().try_into().map_err(|_| format())?
    } else {
        let m = s
            .strip_suffix("min")
            .or_else(|| s.strip_suffix('m'))
            .unwrap_or(&s)
            .trim();
        if !digits(m) {
            return Err(format());
        }
        m.parse().map_err(|_| format())?
    };
    match minutes {
        0 => Err(FieldError::new(Code::TimeEntryEmpty)),
        m if m > u64::from(MAX_MINUTES) => Err(too_long()),
        m => Ok(m as u32),
    }
}

fn too_long() -> FieldError {
    FieldError::new(Code::TimeEntryTooLong).with("max", MAX_MINUTES / 60)
}

/// `1:05` for 65 minutes: how lists and invoices' appendices show a duration.
pub fn format_minutes(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// The time-entry form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeEntryDraft {
    pub work_date: String,
    /// `HH:MM`, or empty.
    pub start: String,
    /// `HH:MM`, or empty; with a start it gives the duration.
    pub end: String,
    /// Used when there is no end: see [`parse_duration`].
    pub duration: String,
    pub work_type: String,
    pub after_hours: bool,
    pub notes: String,
}

impl Default for TimeEntryDraft {
    fn default() -> Self {
        TimeEntryDraft {
            work_date: String::new(),
            start: String::new(),
            end: String::new(),
            duration: String::new(),
            work_type: WorkType::Billable.as_str().into(),
            after_hours: false,
            notes: String::new(),
        }
    }
}

/// A valid entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeEntry {
    pub work_date: chrono::NaiveDate,
    pub start: Option<TimeOfDay>,
    /// Minutes worked, as logged (never rounded).
    pub minutes: u32,
    pub work_type: WorkType,
    pub after_hours: bool,
    pub notes: Option<String>,
}

impl TimeEntryDraft {
    /// Start and end give the minutes (the duration field is then only a display of
    /// them); without an end the duration does. An end needs a start.
    pub fn validate(&self) -> Result<TimeEntry, Vec<FieldError>> {
        let mut e = Errors::new("");
        let work_date = e.check("work_date", parse_date(&self.work_date));
        let start = e.optional("start", &self.start, TimeOfDay::parse);
        let end = e.optional("end", &self.end, TimeOfDay::parse);
        let minutes = match (start, end) {
            (Some(Some(s)), Some(Some(end))) => {
                if end.minutes() <= s.minutes() {
                    e.push(FieldError::new(Code::TimeSpanOrder).at("end"));
                    None
                } else {
                    Some(u32::from(end.minutes() - s.minutes()))
                }
            }
            (Some(None), Some(Some(_))) => {
                e.push(FieldError::new(Code::Required).at("start"));
                None
            }
            (Some(_), Some(None)) => e.check("duration", parse_duration(&self.duration)),
            _ => None,
        };
        let work_type = e.check("work_type", WorkType::parse(&self.work_type));
        let notes = e.optional("notes", &self.notes, |s| clean_multiline(s, MAX_NOTES_CHARS));
        let value = (|| {
            Some(TimeEntry {
                work_date: work_date?,
                start: start?,
                minutes: minutes?,
                work_type: work_type?,
                after_hours: self.after_hours,
                notes: notes?,
            })
        })();
        e.finish(value)
    }
}

impl TimeEntry {
    /// The draft that shows this entry in the form again.
    pub fn to_draft(&self) -> TimeEntryDraft {
        let end = self.start.map(|s| {
            let m = u32::from(s.minutes()) + self.minutes;
            // An entry logged by duration may run past midnight: show no end then.
            if m <= MAX_MINUTES {
                format_minutes(m)
            } else {
                String::new()
            }
        });
        TimeEntryDraft {
            work_date: self.work_date.to_string(),
            start: self.start.map(|s| s.to_string()).unwrap_or_default(),
            end: end
                .map(|e| if e.len() == 4 { format!("0{e}") } else { e })
                .unwrap_or_default(),
            duration: format_minutes(self.minutes),
            work_type: self.work_type.as_str().into(),
            after_hours: self.after_hours,
            notes: self.notes.clone().unwrap_or_default(),
        }
    }
}

/// A rejection's reason: required, one short text.
pub fn parse_reason(input: &str) -> Result<String, FieldError> {
    let s = clean_multiline(input, MAX_REASON_CHARS)?;
    if s.is_empty() {
        return Err(FieldError::new(Code::Required));
    }
    Ok(s)
}

choice!(
    /// How a contract part takes time (`BILLING.md`, "Contract types"). Billed: billable
    /// hours × rate (hourly, project hourly). Covered: included in a fixed fee, on the
    /// invoice at €0 (retainer, project one-time fee). Block: drawn from a prepaid block,
    /// the rate prices the overage (block hours, block money).
    TimeCoverage {
        Billed => "billed",
        Covered => "covered",
        Block => "block",
    }
);

/// How the part with `terms` takes an entry, and the hourly rate frozen at approval;
/// `None` for parts that take no time (remote monitoring, online backup).
pub fn time_terms(terms: &ContractTerms, after_hours: bool) -> Option<(TimeCoverage, Decimal)> {
    Some(match terms {
        ContractTerms::Hourly { rate, after_hours_rate } => {
            let rate = if after_hours {
                after_hours_rate.unwrap_or(*rate)
            } else {
                *rate
            };
            (TimeCoverage::Billed, rate.amount())
        }
        ContractTerms::ProjectHourly { rate, .. } => (TimeCoverage::Billed, rate.amount()),
        ContractTerms::BlockHours { rate, overage_rate, .. } => {
            (TimeCoverage::Block, overage_rate.unwrap_or(*rate).amount())
        }
        ContractTerms::BlockMoney {
            hourly_rate,
            overage_rate,
            ..
        } => (TimeCoverage::Block, overage_rate.unwrap_or(*hourly_rate).amount()),
        ContractTerms::Retainer { .. } | ContractTerms::ProjectOneTimeFee { .. } => {
            (TimeCoverage::Covered, Decimal::ZERO)
        }
        ContractTerms::RemoteMonitoring { .. } | ContractTerms::OnlineBackup { .. } => return None,
    })
}

/// The billable minutes approval freezes: the contract's rounding rule applied to billable
/// work; nothing for work that is not charged.
pub fn billable_at_approval(work_type: WorkType, rule: Option<RoundingRule>, minutes: u32) -> u32 {
    match work_type {
        WorkType::Billable => billable_minutes(rule, minutes),
        WorkType::NoCharge | WorkType::DoNotBill => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(start: &str, end: &str, duration: &str) -> TimeEntryDraft {
        TimeEntryDraft {
            work_date: "2026-12-07".into(),
            start: start.into(),
            end: end.into(),
            duration: duration.into(),
            ..TimeEntryDraft::default()
        }
    }

    fn codes(r: Result<TimeEntry, Vec<FieldError>>) -> Vec<(String, Code)> {
        r.unwrap_err().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn durations_as_people_type_them() {
        for (input, minutes) in [
            ("90", 90),
            ("90m", 90),
            ("90 min", 90),
            ("1:30", 90),
            ("0:05", 5),
            ("1,5h", 90),
            ("1.5 h", 90),
            ("2h", 120),
            ("0,25h", 15),
            ("24:00", 1440),
        ] {
            assert_eq!(parse_duration(input), Ok(minutes), "{input}");
        }
        for bad in ["abc", "1:5", "1:60", "-5", "1.33h", "h", "1:30:00", "+2h"] {
            assert_eq!(parse_duration(bad).unwrap_err().code, Code::DurationFormat, "{bad}");
        }
        assert_eq!(parse_duration("0").unwrap_err().code, Code::TimeEntryEmpty);
        assert_eq!(parse_duration("0:00").unwrap_err().code, Code::TimeEntryEmpty);
        assert_eq!(parse_duration("25h").unwrap_err().code, Code::TimeEntryTooLong);
        assert_eq!(parse_duration("1441").unwrap_err().code, Code::TimeEntryTooLong);
        assert_eq!(parse_duration(" ").unwrap_err().code, Code::Required);
    }

    #[test]
    fn start_and_end_give_the_minutes_and_win_over_a_duration() {
        let e = draft("09:15", "10:05", "3h").validate().unwrap();
        assert_eq!((e.minutes, e.start.map(|s| s.to_string())), (50, Some("09:15".into())));
        let e = draft("", "", "45").validate().unwrap();
        assert_eq!((e.minutes, e.start), (45, None));
        let e = draft("23:30", "", "1:00").validate().unwrap();
        assert_eq!(e.minutes, 60, "a start with a duration may run past midnight");
    }

    #[test]
    fn bad_entries_name_their_field() {
        assert_eq!(
            codes(draft("10:00", "09:00", "").validate()),
            vec![("end".into(), Code::TimeSpanOrder)]
        );
        assert_eq!(
            codes(draft("10:00", "10:00", "").validate()),
            vec![("end".into(), Code::TimeSpanOrder)]
        );
        assert_eq!(
            codes(draft("", "10:00", "").validate()),
            vec![("start".into(), Code::Required)]
        );
        assert_eq!(
            codes(draft("", "", "").validate()),
            vec![("duration".into(), Code::Required)]
        );
        assert_eq!(
            codes(draft("9", "", "1h").validate()),
            vec![("start".into(), Code::TimeFormat)]
        );
        let mut d = draft("", "", "1h");
        d.work_date = "gestern".into();
        d.work_type = "overtime".into();
        assert_eq!(
            codes(d.validate()),
            vec![
                ("work_date".into(), Code::DateFormat),
                ("work_type".into(), Code::ChoiceInvalid)
            ]
        );
    }

    #[test]
    fn an_entry_shows_again_as_it_was_typed() {
        for d in [
            draft("09:15", "10:05", ""),
            draft("", "", "1:30"),
            draft("22:00", "", "3:00"),
        ] {
            let e = d.validate().unwrap();
            assert_eq!(e.to_draft().validate().unwrap(), e, "{d:?}");
        }
        assert_eq!(draft("08:00", "09:30", "").validate().unwrap().to_draft().end, "09:30");
    }

    #[test]
    fn approval_rounds_billable_work_only() {
        let rule = Some(RoundingRule {
            minimum_minutes: 15,
            increment_minutes: 15,
        });
        assert_eq!(billable_at_approval(WorkType::Billable, rule, 10), 15);
        assert_eq!(billable_at_approval(WorkType::Billable, rule, 16), 30);
        assert_eq!(billable_at_approval(WorkType::Billable, None, 16), 16);
        assert_eq!(billable_at_approval(WorkType::NoCharge, rule, 40), 0);
        assert_eq!(billable_at_approval(WorkType::DoNotBill, rule, 40), 0);
    }

    #[test]
    fn each_contract_type_takes_time_its_own_way() {
        use crate::contract::ContractTerms as T;
        let price = |s: &str| crate::money::UnitPrice::parse(s).unwrap();
        let hourly = T::Hourly {
            rate: price("95 EUR"),
            after_hours_rate: Some(price("140 EUR")),
        };
        assert_eq!(
            time_terms(&hourly, false),
            Some((TimeCoverage::Billed, Decimal::from(95)))
        );
        assert_eq!(
            time_terms(&hourly, true),
            Some((TimeCoverage::Billed, Decimal::from(140)))
        );
        let block = T::BlockHours {
            hours_per_period: crate::money::Quantity::parse("10").unwrap(),
            rate: price("90 EUR"),
            overage_rate: None,
            rollover: false,
        };
        assert_eq!(
            time_terms(&block, false),
            Some((TimeCoverage::Block, Decimal::from(90)))
        );
        let retainer = T::Retainer {
            quantity: crate::money::Quantity::parse("1").unwrap(),
            rate: price("500 EUR"),
        };
        assert_eq!(
            time_terms(&retainer, false),
            Some((TimeCoverage::Covered, Decimal::ZERO))
        );
        let backup = T::OnlineBackup {
            unit: crate::contract::BackupUnit::PerGb,
            price: price("0.05 EUR"),
        };
        assert_eq!(time_terms(&backup, false), None);
    }
}
