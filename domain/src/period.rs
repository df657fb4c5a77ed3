//! Calendar dates, contract periods and billing cycles. Billing periods are calendar
//! dates, never instants (PRODUCT.md), so these are `chrono::NaiveDate`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Code, FieldError};
use crate::value::parse_via_string;

/// A date as the browser's date input sends it (`2026-11-23`), or typed day-first as in
/// DE/AT/CH (`23.11.2026`) and ES (`23/11/2026`). Month-first US dates are not accepted:
/// `03/04/2026` must mean the 3rd of April for our users.
pub fn parse_date(input: &str) -> Result<NaiveDate, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(Code::Required));
    }
    ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .filter(|d| (1900..=2999).contains(&chrono::Datelike::year(d)))
        .ok_or(FieldError::new(Code::DateFormat))
}

/// A contract period: a start and, unless open-ended, an end on or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DateRange {
    start: NaiveDate,
    end: Option<NaiveDate>,
}

impl DateRange {
    /// The error, if any, is on `end` (relative path), since that is the field to fix.
    pub fn new(start: NaiveDate, end: Option<NaiveDate>) -> Result<Self, FieldError> {
        match end {
            Some(e) if e < start => Err(FieldError::new(Code::DateRangeOrder).at("end")),
            _ => Ok(DateRange { start, end }),
        }
    }

    /// Canonical form `2026-01-01..2026-12-31`, or `2026-01-01..` when open-ended.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let (start, end) = input.trim().split_once("..").ok_or(FieldError::new(Code::DateFormat))?;
        let start = parse_date(start).map_err(|e| e.at("start"))?;
        let end = if end.trim().is_empty() {
            None
        } else {
            Some(parse_date(end).map_err(|e| e.at("end"))?)
        };
        DateRange::new(start, end)
    }

    pub fn start(self) -> NaiveDate {
        self.start
    }

    pub fn end(self) -> Option<NaiveDate> {
        self.end
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.start && self.end.is_none_or(|e| date <= e)
    }
}

impl std::fmt::Display for DateRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.end {
            Some(e) => write!(f, "{}..{}", self.start.format("%Y-%m-%d"), e.format("%Y-%m-%d")),
            None => write!(f, "{}..", self.start.format("%Y-%m-%d")),
        }
    }
}

parse_via_string!(DateRange);

/// Defines a closed set of choices with stable snake_case names (the form's `<select>`
/// values, the API's and the database's spelling).
macro_rules! choice {
    ($(#[$doc:meta])* $t:ident { $($variant:ident => $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $t { $($variant,)+ }

        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($t::$variant => $text,)+ }
            }

            pub fn parse(input: &str) -> Result<Self, crate::error::FieldError> {
                let s = input.trim();
                if s.is_empty() {
                    return Err(crate::error::FieldError::new(crate::error::Code::Required));
                }
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    crate::error::FieldError::new(crate::error::Code::ChoiceInvalid)
                        .with("allowed", Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
                })
            }
        }

        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        crate::value::parse_via_string!($t);
    };
}

pub(crate) use choice;

choice!(
    /// How often a contract is invoiced.
    BillingCycle {
        Monthly => "monthly",
        Quarterly => "quarterly",
        HalfYearly => "half_yearly",
        Yearly => "yearly",
    }
);

impl BillingCycle {
    pub fn months(self) -> u32 {
        match self {
            BillingCycle::Monthly => 1,
            BillingCycle::Quarterly => 3,
            BillingCycle::HalfYearly => 6,
            BillingCycle::Yearly => 12,
        }
    }
}

choice!(
    /// Whether a period is invoiced at its start or at its end.
    BillingTiming {
        Advance => "advance",
        Arrears => "arrears",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-11-23"), Ok(d(2026, 11, 23)));
        assert_eq!(parse_date("23.11.2026"), Ok(d(2026, 11, 23)));
        assert_eq!(parse_date("23/11/2026"), Ok(d(2026, 11, 23)));
        assert_eq!(parse_date("1.2.2026"), Ok(d(2026, 2, 1)));
        for bad in ["2026-02-30", "11/23/2026", "23.11.26", "tomorrow", "0001-01-01"] {
            assert_eq!(parse_date(bad).unwrap_err().code, Code::DateFormat, "{bad}");
        }
        assert_eq!(parse_date(" ").unwrap_err().code, Code::Required);
    }

    #[test]
    fn ranges() {
        let r = DateRange::parse("2026-01-01..2026-12-31").unwrap();
        assert!(r.contains(d(2026, 6, 1)) && !r.contains(d(2027, 1, 1)));
        assert_eq!(DateRange::parse("2026-01-01..").unwrap().end(), None);
        assert_eq!(
            DateRange::parse("2026-01-01..2026-01-01").unwrap().to_string(),
            "2026-01-01..2026-01-01"
        );
        let e = DateRange::parse("2026-02-01..2026-01-31").unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (Code::DateRangeOrder, "end"));
        assert_eq!(DateRange::parse("2026-01-01").unwrap_err().code, Code::DateFormat);
    }

    #[test]
    fn cycles() {
        assert_eq!(BillingCycle::parse("half_yearly"), Ok(BillingCycle::HalfYearly));
        let e = BillingCycle::parse("weekly").unwrap_err();
        assert_eq!(e.params["allowed"], "monthly, quarterly, half_yearly, yearly");
        assert_eq!(BillingCycle::HalfYearly.months(), 6);
        assert_eq!(BillingTiming::parse("arrears"), Ok(BillingTiming::Arrears));
    }
}
