//! SLA clocks: due times counted in business hours.
//!
//! A [`Calendar`] is an SLA's business hours (weekly spans in local time), its time zone
//! and its holidays. It answers two questions, both in UTC instants:
//! - [`Calendar::add`]: when do `n` business minutes counted from `t` run out? (the due
//!   time of a target)
//! - [`Calendar::between`]: how much business time lies between two instants? (the time a
//!   pause, "waiting on customer", takes off the resolution clock)
//!
//! Local spans are turned into instants day by day in the calendar's zone, so a span on a
//! day the clocks change is as long as it really is (08:00–17:00 is nine real hours either
//! way; 00:00–24:00 is 23 or 25). A span end that falls in the spring-forward gap is moved
//! to the end of the gap; a time that occurs twice in autumn is taken at its first
//! occurrence for a start and its second for an end, so a span never loses the repeated
//! hour. The zone is any `chrono::TimeZone`: the server resolves the SLA's zone name with
//! chrono-tz, which stays out of the browser's WASM.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::sla::{BusinessHours, Weekday};

/// How far [`Calendar::add`] looks for business time before it gives up (a calendar whose
/// spans are all holidays). Longer than any target ([`crate::sla`] caps them at a year).
const HORIZON_DAYS: i64 = 3 * 366;

/// Business hours in a time zone, with holidays.
#[derive(Debug, Clone)]
pub struct Calendar<Tz: TimeZone> {
    zone: Tz,
    around_the_clock: bool,
    /// Per weekday (Monday first): the day's spans in minutes after local midnight,
    /// sorted and merged.
    week: [Vec<(u16, u16)>; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl<Tz: TimeZone> Calendar<Tz> {
    pub fn new(zone: Tz, hours: &BusinessHours, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        let mut week: [Vec<(u16, u16)>; 7] = Default::default();
        for span in &hours.spans {
            if span.start < span.end {
                week[weekday_index(span.weekday)].push((span.start.minutes(), span.end.minutes()));
            }
        }
        for day in &mut week {
            day.sort_unstable();
            // Overlapping or touching spans count once.
            let mut merged: Vec<(u16, u16)> = Vec::with_capacity(day.len());
            for &(s, e) in day.iter() {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            *day = merged;
        }
        Calendar {
            zone,
            around_the_clock: hours.around_the_clock,
            week,
            holidays: holidays.into_iter().collect(),
        }
    }

    /// The instant `minutes` business minutes after `from`; `None` when the calendar has no
    /// business time within three years. With zero minutes, `from` itself.
    pub fn add(&self, from: DateTime<Utc>, minutes: u32) -> Option<DateTime<Utc>> {
        self.add_time(from, Duration::minutes(i64::from(minutes)))
    }

    /// [`Calendar::add`] for any business time (a negative one counts as zero).
    pub fn add_time(&self, from: DateTime<Utc>, time: Duration) -> Option<DateTime<Utc>> {
        let mut remaining = time.max(Duration::zero());
        if remaining.is_zero() || self.around_the_clock {
            return Some(from + remaining);
        }
        let first = self.local_date(from);
        for offset in 0..=HORIZON_DAYS {
            for (start, end) in self.intervals(first + Duration::days(offset)) {
                if end <= from {
                    continue;
                }
                let start = start.max(from);
                let length = end - start;
                if length >= remaining {
                    return Some(start + remaining);
                }
                remaining -= length;
            }
        }
        None
    }

    /// Business time between `from` and `to` (zero when `to` is not after `from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        if self.around_the_clock {
            return to - from;
        }
        let (first, last) = (self.local_date(from), self.local_date(to));
        let mut total = Duration::zero();
        let mut date = first;
        while date <= last {
            for (start, end) in self.intervals(date) {
                let (start, end) = (start.max(from), end.min(to));
                if start < end {
                    total += end - start;
                }
            }
            date += Duration::days(1);
        }
        total
    }

    /// Whether `at` lies inside business hours (a span's end included, as a due time may
    /// fall exactly there).
    pub fn is_business_time(&self, at: DateTime<Utc>) -> bool {
        self.around_the_clock
            || [self.local_date(at) - Duration::days(1), self.local_date(at)]
                .into_iter()
                .flat_map(|d| self.intervals(d))
                .any(|(s, e)| s <= at && at <= e)
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The day's business intervals as instants (none on a holiday).
    fn intervals(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let spans = &self.week[date.weekday().num_days_from_monday() as usize];
        spans
            .iter()
            .filter_map(|&(s, e)| {
                let start = self.instant(date, s, Edge::Start)?;
                let end = self.instant(date, e, Edge::End)?;
                (start < end).then_some((start, end))
            })
            .collect()
    }

    /// Local `minutes` after midnight of `date` (1440 is the next midnight) as an instant.
    fn instant(&self, date: NaiveDate, minutes: u16, edge: Edge) -> Option<DateTime<Utc>> {
        let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.to_utc()),
            LocalResult::Ambiguous(first, second) => Some(match edge {
                Edge::Start => first.to_utc(),
                Edge::End => second.to_utc(),
            }),
            LocalResult::None => after_gap(&self.zone, local),
        }
    }
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// The first instant after a local time that does not exist (the spring-forward gap),
/// found minute by minute: gaps are at most a few hours in the tz database.
fn after_gap<Tz: TimeZone>(zone: &Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    (1..=24 * 60)
        .map(|m| local + Duration::minutes(m))
        .find_map(|t| zone.from_local_datetime(&t).earliest())
        .map(|t| t.to_utc())
}

fn weekday_index(day: Weekday) -> usize {
    match day {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    }
}

/// Where a ticket's resolution clock stands: the business time counted so far, and since
/// when it is running (`None` while paused, e.g. waiting on the customer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub counted: Duration,
    pub running_since: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn start(at: DateTime<Utc>) -> Clock {
        Clock {
            counted: Duration::zero(),
            running_since: Some(at),
        }
    }

    /// Stops the clock at `at`, keeping the business time counted until then.
    pub fn pause<Tz: TimeZone>(self, calendar: &Calendar<Tz>, at: DateTime<Utc>) -> Clock {
        match self.running_since {
            Some(since) => Clock {
                counted: self.counted + calendar.between(since, at),
                running_since: None,
            },
            None => self,
        }
    }

    /// Runs the clock again from `at` (the customer replied).
    pub fn resume(self, at: DateTime<Utc>) -> Clock {
        match self.running_since {
            Some(_) => self,
            None => Clock {
                running_since: Some(at),
                ..self
            },
        }
    }

    /// When a target of `minutes` runs out: `None` while paused (or never, see
    /// [`Calendar::add`]). When more was counted before a pause than the target allows,
    /// the instant the clock ran again: the target was already missed.
    pub fn due<Tz: TimeZone>(&self, calendar: &Calendar<Tz>, minutes: u32) -> Option<DateTime<Utc>> {
        let since = self.running_since?;
        calendar.add_time(since, Duration::minutes(i64::from(minutes)) - self.counted)
    }
}

/// Countries whose national public holidays are built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HolidayCountry {
    De,
    Es,
}

/// The national public holidays of `country` in `year` (regional ones are added per SLA):
/// Germany's nine, Spain's eight national ones plus Good Friday. Sundays are kept as they
/// are; moving one to the Monday is a regional decision in Spain.
pub fn national_holidays(country: HolidayCountry, year: i32) -> Vec<NaiveDate> {
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let easter = easter_sunday(year);
    let from_easter = |days: i64| easter.map(|e| e + Duration::days(days));
    let dates = match country {
        HolidayCountry::De => vec![
            day(1, 1),
            from_easter(-2), // Karfreitag
            from_easter(1),  // Ostermontag
            day(5, 1),
            from_easter(39), // Christi Himmelfahrt
            from_easter(50), // Pfingstmontag
            day(10, 3),
            day(12, 25),
            day(12, 26),
        ],
        HolidayCountry::Es => vec![
            day(1, 1),
            day(1, 6),
            from_easter(-2), // Viernes Santo
            day(5, 1),
            day(8, 15),
            day(10, 12),
            day(11, 1),
            day(12, 6),
            day(12, 8),
            day(12, 25),
        ],
    };
    let mut dates: Vec<NaiveDate> = dates.into_iter().flatten().collect();
    dates.sort_unstable();
    dates
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}
