//! SLAs (first-response and resolution targets per priority, within business hours) and
//! alert threshold profiles (which device alerts the MSP receives).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Code, Errors, FieldError, indexed};
use crate::number::{parse_bounded, parse_integer};
use crate::period::choice;
use crate::text::Label;
use crate::value::{parse_via_string, string_value};

choice!(
    /// Ticket priority.
    Priority {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
);

choice!(
    Weekday {
        Mon => "mon",
        Tue => "tue",
        Wed => "wed",
        Thu => "thu",
        Fri => "fri",
        Sat => "sat",
        Sun => "sun",
    }
);

/// A time of day to the minute, `00:00` to `24:00` (the end of a day's span).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// `8:00`, `08:00` and `08.00` are all accepted.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        let format = || FieldError::new(Code::TimeFormat);
        let (h, m) = s.split_once([':', '.']).ok_or_else(format)?;
        let digits =
            |x: &str, n: std::ops::RangeInclusive<usize>| n.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(h, 1..=2) || !digits(m, 2..=2) {
            return Err(format());
        }
        let (h, m): (u16, u16) = (h.parse().map_err(|_| format())?, m.parse().map_err(|_| format())?);
        if m > 59 || h > 24 || (h == 24 && m > 0) {
            return Err(format());
        }
        Ok(TimeOfDay(h * 60 + m))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

parse_via_string!(TimeOfDay);

/// An IANA time zone name such as `Europe/Berlin`, checked for shape only: the tz database
/// (chrono-tz) would add several hundred KB to the WASM; the server resolves the name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        let part_ok = |p: &str| {
            (1..=30).contains(&p.len())
                && p.as_bytes()[0].is_ascii_alphabetic()
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b))
        };
        let parts: Vec<&str> = s.split('/').collect();
        let ok = matches!(s, "UTC" | "Etc/UTC") || ((2..=3).contains(&parts.len()) && parts.iter().all(|p| part_ok(p)));
        if !ok {
            return Err(FieldError::new(Code::TimeZoneFormat));
        }
        Ok(TimeZoneName(s.to_owned()))
    }
}

string_value!(TimeZoneName);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DaySpan {
    pub weekday: Weekday,
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessHours {
    pub time_zone: TimeZoneName,
    /// Targets count around the clock; `spans` is empty then.
    pub around_the_clock: bool,
    pub spans: Vec<DaySpan>,
}

/// Minutes to the first response and to resolution; the first response comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResponseTarget {
    pub first_response_minutes: u32,
    pub resolution_minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SlaTargets {
    pub low: Option<ResponseTarget>,
    pub medium: Option<ResponseTarget>,
    pub high: Option<ResponseTarget>,
    pub critical: Option<ResponseTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sla {
    pub name: Label,
    pub business_hours: BusinessHours,
    pub targets: SlaTargets,
    pub holidays: Holidays,
}

/// Days the SLA's clocks stand still (ignored around the clock).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Holidays {
    pub national: NationalHolidays,
    /// Regional holidays and company days, sorted, each once.
    pub regional: Vec<chrono::NaiveDate>,
}

/// Whose national holidays count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum NationalHolidays {
    /// The country of the SLA's time zone (Germany for Europe/Berlin, Spain for
    /// Europe/Madrid and the Canary Islands), none elsewhere.
    #[default]
    FromTimeZone,
    Country(crate::sla_clock::HolidayCountry),
    None,
}

impl NationalHolidays {
    /// The choices as the form stores them.
    pub const CHOICES: [&'static str; 4] = ["", "de", "es", "none"];

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        use crate::sla_clock::HolidayCountry;
        match input.trim() {
            "" => Ok(NationalHolidays::FromTimeZone),
            "de" => Ok(NationalHolidays::Country(HolidayCountry::De)),
            "es" => Ok(NationalHolidays::Country(HolidayCountry::Es)),
            "none" => Ok(NationalHolidays::None),
            _ => Err(FieldError::new(Code::ChoiceInvalid).with("allowed", "de, es, none")),
        }
    }
}

/// Most regional days one SLA lists (a few years of a region's holidays).
const MAX_HOLIDAYS: usize = 200;

/// Dates separated by commas, semicolons, spaces or lines, in any format `parse_date` reads.
fn parse_holidays(e: &mut Errors, input: &str) -> Option<Vec<chrono::NaiveDate>> {
    let mut days = Vec::new();
    let mut ok = true;
    for raw in input
        .split([',', ';', '\n', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match crate::period::parse_date(raw) {
            Ok(d) => days.push(d),
            Err(err) => {
                e.push(err.at("holidays").with("value", raw));
                ok = false;
            }
        }
    }
    days.sort_unstable();
    days.dedup();
    if days.len() > MAX_HOLIDAYS {
        e.push(FieldError::new(Code::TooMany).at("holidays").with("max", MAX_HOLIDAYS));
        ok = false;
    }
    ok.then_some(days)
}

impl SlaTargets {
    /// The target for a ticket of `priority` (none: nothing is due).
    pub fn for_priority(&self, priority: Priority) -> Option<ResponseTarget> {
        match priority {
            Priority::Low => self.low,
            Priority::Medium => self.medium,
            Priority::High => self.high,
            Priority::Critical => self.critical,
        }
    }
}

/// A year: the longest target anyone means.
const MAX_MINUTES: u32 = 525_600;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DaySpanDraft {
    pub weekday: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResponseTargetDraft {
    pub first_response_minutes: String,
    pub resolution_minutes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlaTargetsDraft {
    pub low: ResponseTargetDraft,
    pub medium: ResponseTargetDraft,
    pub high: ResponseTargetDraft,
    pub critical: ResponseTargetDraft,
}

/// A custom SLA as the form holds it. `Default` is Monday to Friday, 08:00–17:00, Berlin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlaDraft {
    pub name: String,
    pub time_zone: String,
    pub around_the_clock: bool,
    pub business_hours: Vec<DaySpanDraft>,
    pub targets: SlaTargetsDraft,
    /// Whose national holidays are off: `de`, `es`, `none`, or empty for the time zone's
    /// country (what SLAs saved before this field get).
    pub holiday_country: String,
    /// Further days off (regional holidays, company days), separated by commas or lines.
    pub holidays: String,
}

impl Default for SlaDraft {
    fn default() -> Self {
        let day = |d: Weekday| DaySpanDraft {
            weekday: d.as_str().into(),
            start: "08:00".into(),
            end: "17:00".into(),
        };
        SlaDraft {
            name: String::new(),
            time_zone: "Europe/Berlin".into(),
            around_the_clock: false,
            business_hours: [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
                .map(day)
                .to_vec(),
            targets: SlaTargetsDraft::default(),
            holiday_country: String::new(),
            holidays: String::new(),
        }
    }
}

impl ResponseTargetDraft {
    /// Both empty: no target for this priority. One filled: both are required.
    fn validate(&self, e: &mut Errors, prefix: &str) -> Option<Option<ResponseTarget>> {
        if self.first_response_minutes.trim().is_empty() && self.resolution_minutes.trim().is_empty() {
            return Some(None);
        }
        let first = e.check(
            &format!("{prefix}.first_response_minutes"),
            parse_integer(&self.first_response_minutes, 1, MAX_MINUTES),
        );
        let resolution = e.check(
            &format!("{prefix}.resolution_minutes"),
            parse_integer(&self.resolution_minutes, 1, MAX_MINUTES),
        );
        let (first, resolution) = (first?, resolution?);
        if first > resolution {
            e.push(FieldError::new(Code::SlaOrder).at(&format!("{prefix}.resolution_minutes")));
            return None;
        }
        Some(Some(ResponseTarget {
            first_response_minutes: first,
            resolution_minutes: resolution,
        }))
    }
}

impl SlaDraft {
    pub fn validate(&self) -> Result<Sla, Vec<FieldError>> {
        let mut e = Errors::new("");
        let name = e.check("name", Label::parse(&self.name));
        let time_zone = e.check("time_zone", TimeZoneName::parse(&self.time_zone));
        let mut spans = Vec::new();
        let mut spans_ok = true;
        if !self.around_the_clock {
            if self.business_hours.is_empty() {
                e.push(FieldError::new(Code::Required).at("business_hours"));
            }
            for (i, d) in self.business_hours.iter().enumerate() {
                let path = indexed("business_hours", i);
                let weekday = e.check(&format!("{path}.weekday"), Weekday::parse(&d.weekday));
                let start = e.check(&format!("{path}.start"), TimeOfDay::parse(&d.start));
                let end = e.check(&format!("{path}.end"), TimeOfDay::parse(&d.end));
                match (weekday, start, end) {
                    (Some(_), Some(s), Some(en)) if en <= s => {
                        e.push(FieldError::new(Code::TimeSpanOrder).at(&format!("{path}.end")));
                        spans_ok = false;
                    }
                    (Some(weekday), Some(start), Some(end)) => {
                        if spans
                            .iter()
                            .any(|o: &DaySpan| o.weekday == weekday && o.start < end && start < o.end)
                        {
                            e.push(FieldError::new(Code::BusinessHoursOverlap).at(&path));
                            spans_ok = false;
                        }
                        spans.push(DaySpan { weekday, start, end });
                    }
                    _ => spans_ok = false,
                }
            }
        }
        let t = &self.targets;
        let low = t.low.validate(&mut e, "targets.low");
        let medium = t.medium.validate(&mut e, "targets.medium");
        let high = t.high.validate(&mut e, "targets.high");
        let critical = t.critical.validate(&mut e, "targets.critical");
        let targets = Some(()).and_then(|()| {
            Some(SlaTargets {
                low: low?,
                medium: medium?,
                high: high?,
                critical: critical?,
            })
        });
        if targets.is_some_and(|t| t == SlaTargets::default()) {
            e.push(FieldError::new(Code::Required).at("targets"));
        }
        let national = e.check("holiday_country", NationalHolidays::parse(&self.holiday_country));
        let regional = parse_holidays(&mut e, &self.holidays);
        let sla = Some(()).and_then(|()| {
            let business_hours = BusinessHours {
                time_zone: time_zone?,
                around_the_clock: self.around_the_clock,
                spans,
            };
            spans_ok.then_some(Sla {
                name: name?,
                business_hours,
                targets: targets?,
                holidays: Holidays {
                    national: national?,
                    regional: regional?,
                },
            })
        });
        e.finish(sla)
    }
}

choice!(
    /// What an alert threshold watches.
    Metric {
        CpuPercent => "cpu_percent",
        MemoryPercent => "memory_percent",
        DiskUsedPercent => "disk_used_percent",
        DiskFreeGb => "disk_free_gb",
        PingLatencyMs => "ping_latency_ms",
        TemperatureCelsius => "temperature_celsius",
    }
);

impl Metric {
    /// The values that make sense for the metric.
    fn bounds(self) -> (Decimal, Decimal) {
        match self {
            Metric::CpuPercent | Metric::MemoryPercent | Metric::DiskUsedPercent => {
                (Decimal::ZERO, Decimal::ONE_HUNDRED)
            }
            Metric::DiskFreeGb => (Decimal::ZERO, Decimal::from(1_000_000)),
            Metric::PingLatencyMs => (Decimal::ZERO, Decimal::from(60_000)),
            Metric::TemperatureCelsius => (Decimal::from(-50), Decimal::from(150)),
        }
    }
}

choice!(
    Operator {
        Above => "above",
        Below => "below",
    }
);

choice!(
    Severity {
        Information => "information",
        Warning => "warning",
        Critical => "critical",
    }
);

/// "Alert with `severity` when `metric` is `operator` `value` for `duration_minutes`."
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertThreshold {
    pub metric: Metric,
    pub operator: Operator,
    pub value: Decimal,
    pub duration_minutes: u32,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertProfile {
    pub name: Label,
    pub items: Vec<AlertThreshold>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertThresholdDraft {
    pub metric: String,
    pub operator: String,
    pub value: String,
    pub duration_minutes: String,
    pub severity: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertProfileDraft {
    pub name: String,
    pub items: Vec<AlertThresholdDraft>,
}

impl AlertThresholdDraft {
    pub fn validate(&self) -> Result<AlertThreshold, Vec<FieldError>> {
        let mut e = Errors::new("");
        let metric = e.check("metric", Metric::parse(&self.metric));
        let operator = e.check("operator", Operator::parse(&self.operator));
        let value = match metric {
            Some(m) => e.check("value", parse_bounded(&self.value, 2, m.bounds().0, m.bounds().1)),
            None => None,
        };
        let duration = e.check("duration_minutes", parse_integer(&self.duration_minutes, 0, 10_080));
        let severity = e.check("severity", Severity::parse(&self.severity));
        let item = Some(()).and_then(|()| {
            Some(AlertThreshold {
                metric: metric?,
                operator: operator?,
                value: value?,
                duration_minutes: duration?,
                severity: severity?,
            })
        });
        e.finish(item)
    }
}

impl AlertProfileDraft {
    pub fn validate(&self) -> Result<AlertProfile, Vec<FieldError>> {
        let mut e = Errors::new("");
        let name = e.check("name", Label::parse(&self.name));
        if self.items.is_empty() {
            e.push(FieldError::new(Code::Required).at("items"));
        }
        let items: Vec<_> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| e.nested(&indexed("items", i), it.validate()))
            .collect();
        let profile = Some(()).and_then(|()| {
            Some(AlertProfile {
                name: name?,
                items: items.into_iter().collect::<Option<_>>()?,
            })
        });
        e.finish(profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect()
    }

    fn target(first: &str, resolution: &str) -> ResponseTargetDraft {
        ResponseTargetDraft {
            first_response_minutes: first.into(),
            resolution_minutes: resolution.into(),
        }
    }

    #[test]
    fn times_and_zones() {
        assert_eq!(TimeOfDay::parse("8:00").unwrap().to_string(), "08:00");
        assert_eq!(TimeOfDay::parse("24:00").unwrap().minutes(), 1440);
        for bad in ["24:01", "12:60", "12", "1200", "ab:cd", "-1:00"] {
            assert_eq!(TimeOfDay::parse(bad).unwrap_err().code, Code::TimeFormat, "{bad}");
        }
        for ok in [
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "UTC",
            "Etc/GMT+1",
            "Europe/Madrid",
        ] {
            assert!(TimeZoneName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["Berlin", "CET+1", "Europe/", "/Berlin", "Europe/Ber lin"] {
            assert_eq!(
                TimeZoneName::parse(bad).unwrap_err().code,
                Code::TimeZoneFormat,
                "{bad}"
            );
        }
    }

    #[test]
    fn holidays_national_and_regional() {
        let mut d = SlaDraft {
            name: "Bayern".into(),
            ..Default::default()
        };
        d.targets.high = target("60", "480");
        let sla = d.validate().unwrap();
        assert_eq!(
            sla.holidays,
            Holidays::default(),
            "an SLA saved before: the zone's country"
        );
        d.holiday_country = "es".into();
        d.holidays = "06.01.2027, 2027-06-03\n2027-01-06".into();
        let sla = d.validate().unwrap();
        assert_eq!(
            sla.holidays.national,
            NationalHolidays::Country(crate::sla_clock::HolidayCountry::Es)
        );
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        assert_eq!(sla.holidays.regional, [day(1, 6), day(6, 3)], "sorted, each once");
        d.holiday_country = "fr".into();
        d.holidays = "2027-01-06, Dreikönig".into();
        assert_eq!(
            codes(d.validate().unwrap_err()),
            ["holiday_country:choice.invalid", "holidays:date.format"]
        );
    }

    #[test]
    fn sla() {
        let mut d = SlaDraft {
            name: "Gold".into(),
            ..Default::default()
        };
        d.targets.critical = target("15", "240");
        d.targets.high = target("60", "480");
        let sla = d.validate().unwrap();
        assert_eq!(sla.business_hours.spans.len(), 5);
        assert_eq!(sla.targets.critical.unwrap().first_response_minutes, 15);
        assert_eq!(sla.targets.low, None);

        d.targets.high = target("600", "480");
        d.targets.low = target("60", "");
        d.business_hours.push(DaySpanDraft {
            weekday: "mon".into(),
            start: "16:00".into(),
            end: "18:00".into(),
        });
        d.business_hours.push(DaySpanDraft {
            weekday: "sat".into(),
            start: "12:00".into(),
            end: "09:00".into(),
        });
        assert_eq!(
            codes(d.validate().unwrap_err()),
            [
                "business_hours[5]:business_hours.overlap",
                "business_hours[6].end:time_span.order",
                "targets.low.resolution_minutes:required",
                "targets.high.resolution_minutes:sla.order",
            ]
        );
        let empty = SlaDraft {
            name: "x".into(),
            around_the_clock: true,
            ..Default::default()
        };
        assert_eq!(codes(empty.validate().unwrap_err()), ["targets:required"]);
    }

    #[test]
    fn alert_profile() {
        let item = |m: &str, v: &str| AlertThresholdDraft {
            metric: m.into(),
            operator: "above".into(),
            value: v.into(),
            duration_minutes: "15".into(),
            severity: "warning".into(),
        };
        let p = AlertProfileDraft {
            name: "Server".into(),
            items: vec![item("cpu_percent", "90"), item("temperature_celsius", "-5")],
        };
        assert_eq!(p.validate().unwrap().items.len(), 2);
        let bad = AlertProfileDraft {
            name: "".into(),
            items: vec![item("cpu_percent", "120"), item("fan", "1")],
        };
        assert_eq!(
            codes(bad.validate().unwrap_err()),
            [
                "name:required",
                "items[0].value:number.max",
                "items[1].metric:choice.invalid"
            ]
        );
    }
}
