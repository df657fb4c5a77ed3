//! SLA clocks on business hours: worked cases (weekends, holidays, both DST changes) and
//! properties over random calendars, start times and pauses.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::{Berlin, Madrid};
use chrono_tz::{Atlantic::Canary, Tz};
use domain::sla::{BusinessHours, DaySpan, TimeOfDay, TimeZoneName, Weekday};
use domain::sla_clock::{Calendar, Clock, HolidayCountry, easter_sunday, national_holidays};
use proptest::prelude::*;

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn hours(spans: &[(Weekday, &str, &str)]) -> BusinessHours {
    BusinessHours {
        time_zone: TimeZoneName::parse("Europe/Berlin").unwrap(),
        around_the_clock: false,
        spans: spans
            .iter()
            .map(|&(weekday, s, e)| DaySpan {
                weekday,
                start: TimeOfDay::parse(s).unwrap(),
                end: TimeOfDay::parse(e).unwrap(),
            })
            .collect(),
    }
}

fn office(from: &str, to: &str) -> BusinessHours {
    hours(&DAYS[..5].iter().map(|&d| (d, from, to)).collect::<Vec<_>>())
}

fn local(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(y, m, d, h, min, 0).earliest().unwrap().to_utc()
}

#[test]
fn a_target_waits_for_business_hours_and_skips_the_weekend() {
    let cal = Calendar::new(Berlin, &office("08:00", "17:00"), []);
    // Friday 16:00 + 2 h: one hour on Friday, one on Monday morning.
    let due = cal.add(local(Berlin, 2026, 12, 4, 16, 0), 120).unwrap();
    assert_eq!(due, local(Berlin, 2026, 12, 7, 9, 0));
    // Saturday: the clock starts on Monday at eight.
    assert_eq!(
        cal.add(local(Berlin, 2026, 12, 5, 11, 0), 30).unwrap(),
        local(Berlin, 2026, 12, 7, 8, 30)
    );
    // Exactly a day's hours end at the day's end, not the next morning.
    assert_eq!(
        cal.add(local(Berlin, 2026, 12, 7, 8, 0), 9 * 60).unwrap(),
        local(Berlin, 2026, 12, 7, 17, 0)
    );
    assert_eq!(
        cal.add(local(Berlin, 2026, 12, 5, 11, 0), 0).unwrap(),
        local(Berlin, 2026, 12, 5, 11, 0)
    );
}

#[test]
fn holidays_are_skipped() {
    let holidays = national_holidays(HolidayCountry::De, 2026);
    let cal = Calendar::new(Berlin, &office("09:00", "17:00"), holidays);
    // Thursday 24 December 16:00 + 2 h: an hour on the 24th (a working day by law), then
    // Friday the 25th is Christmas, the weekend follows: Monday 28th, 10:00.
    assert_eq!(
        cal.add(local(Berlin, 2026, 12, 24, 16, 0), 120).unwrap(),
        local(Berlin, 2026, 12, 28, 10, 0)
    );
    // Regional holidays come on top (Epiphany in Bavaria).
    let mut with_regional = national_holidays(HolidayCountry::De, 2027);
    with_regional.push(NaiveDate::from_ymd_opt(2027, 1, 6).unwrap());
    let cal = Calendar::new(Berlin, &office("09:00", "17:00"), with_regional);
    assert_eq!(
        cal.add(local(Berlin, 2027, 1, 5, 16, 30), 60).unwrap(),
        local(Berlin, 2027, 1, 7, 9, 30)
    );
}

#[test]
fn national_holidays_of_both_countries() {
    assert_eq!(easter_sunday(2026), NaiveDate::from_ymd_opt(2026, 4, 5));
    assert_eq!(easter_sunday(2027), NaiveDate::from_ymd_opt(2027, 3, 28));
    assert_eq!(easter_sunday(2038), NaiveDate::from_ymd_opt(2038, 4, 25));
    let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert_eq!(
        national_holidays(HolidayCountry::De, 2026),
        [
            d(1, 1),
            d(4, 3),
            d(4, 6),
            d(5, 1),
            d(5, 14),
            d(5, 25),
            d(10, 3),
            d(12, 25),
            d(12, 26)
        ]
    );
    assert_eq!(
        national_holidays(HolidayCountry::Es, 2026),
        [
            d(1, 1),
            d(1, 6),
            d(4, 3),
            d(5, 1),
            d(8, 15),
            d(10, 12),
            d(11, 1),
            d(12, 6),
            d(12, 8),
            d(12, 25)
        ]
    );
}

#[test]
fn both_dst_changes() {
    // Around the clock on Sunday only: 29 March 2026 has 23 hours in Berlin, 25 October 25.
    let sunday = hours(&[(Weekday::Sun, "00:00", "24:00")]);
    let cal = Calendar::new(Berlin, &sunday, []);
    let spring = local(Berlin, 2026, 3, 29, 0, 0);
    assert_eq!(cal.between(spring, spring + Duration::days(2)), Duration::hours(23));
    let autumn = local(Berlin, 2026, 10, 25, 0, 0);
    assert_eq!(cal.between(autumn, autumn + Duration::days(2)), Duration::hours(25));
    // Office hours are nine real hours on both days, and a target is counted in them.
    let cal = Calendar::new(Berlin, &hours(&[(Weekday::Sun, "08:00", "17:00")]), []);
    assert_eq!(cal.between(spring, spring + Duration::days(1)), Duration::hours(9));
    assert_eq!(cal.between(autumn, autumn + Duration::days(1)), Duration::hours(9));
    assert_eq!(cal.add(spring, 60).unwrap(), local(Berlin, 2026, 3, 29, 9, 0));
    // A span that starts in the spring gap (02:30 does not exist) starts at 03:00.
    let cal = Calendar::new(Berlin, &hours(&[(Weekday::Sun, "02:30", "04:00")]), []);
    assert_eq!(cal.between(spring, spring + Duration::days(1)), Duration::hours(1));
    // A span across the repeated autumn hour keeps it: 01:00–04:00 is four real hours.
    let cal = Calendar::new(Berlin, &hours(&[(Weekday::Sun, "01:00", "04:00")]), []);
    assert_eq!(cal.between(autumn, autumn + Duration::days(1)), Duration::hours(4));
}

#[test]
fn canary_islands_are_an_hour_behind_madrid() {
    let cal_madrid = Calendar::new(Madrid, &office("09:00", "14:00"), []);
    let cal_canary = Calendar::new(Canary, &office("09:00", "14:00"), []);
    let monday = Utc.with_ymd_and_hms(2026, 12, 7, 7, 0, 0).unwrap();
    assert_eq!(
        cal_madrid.add(monday, 60).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap()
    );
    assert_eq!(
        cal_canary.add(monday, 60).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap()
    );
}

#[test]
fn waiting_on_the_customer_pauses_the_resolution_clock() {
    let cal = Calendar::new(Berlin, &office("08:00", "17:00"), []);
    let opened = local(Berlin, 2026, 12, 7, 9, 0); // Monday
    let clock = Clock::start(opened);
    assert_eq!(clock.due(&cal, 8 * 60).unwrap(), local(Berlin, 2026, 12, 7, 17, 0));
    // Waiting on the customer from 11:00 Monday to 10:00 Tuesday: 7 business hours paused.
    let paused = clock.pause(&cal, local(Berlin, 2026, 12, 7, 11, 0));
    assert_eq!(paused.counted, Duration::hours(2));
    assert_eq!(paused.due(&cal, 8 * 60), None, "no due time while paused");
    let resumed = paused.resume(local(Berlin, 2026, 12, 8, 10, 0));
    assert_eq!(resumed.due(&cal, 8 * 60).unwrap(), local(Berlin, 2026, 12, 8, 16, 0));
    // Overdue before the pause: due the moment it runs again.
    let late = Clock::start(opened).pause(&cal, local(Berlin, 2026, 12, 8, 17, 0));
    let back = local(Berlin, 2026, 12, 9, 9, 0);
    assert_eq!(late.resume(back).due(&cal, 8 * 60), Some(back));
}

#[test]
fn a_calendar_without_business_time_has_no_due_time() {
    let cal = Calendar::new(Berlin, &hours(&[]), []);
    assert_eq!(cal.add(local(Berlin, 2026, 12, 7, 9, 0), 60), None);
    let around = BusinessHours {
        around_the_clock: true,
        ..hours(&[])
    };
    let cal = Calendar::new(Berlin, &around, national_holidays(HolidayCountry::De, 2026));
    let t = local(Berlin, 2026, 12, 25, 3, 0);
    assert_eq!(
        cal.add(t, 90).unwrap(),
        t + Duration::minutes(90),
        "around the clock ignores holidays"
    );
}

/// Random weekly hours: per day up to two spans on a quarter-hour grid.
fn calendars() -> impl Strategy<Value = (BusinessHours, Vec<NaiveDate>, bool)> {
    let span = (0u16..96, 1u16..=40).prop_map(|(start, len)| (start * 15, (start * 15 + len * 15).min(1440)));
    let day = prop::collection::vec(span, 0..=2);
    (
        prop::collection::vec(day, 7),
        prop::collection::vec(0i64..120, 0..6),
        any::<bool>(),
    )
        .prop_filter("some business time", |(week, _, _)| week.iter().any(|d| !d.is_empty()))
        .prop_map(|(week, holiday_offsets, madrid)| {
            let mut bh = hours(&[]);
            for (i, spans) in week.iter().enumerate() {
                for &(s, e) in spans {
                    let t = |m: u16| TimeOfDay::parse(&format!("{}:{:02}", m / 60, m % 60)).unwrap();
                    bh.spans.push(DaySpan {
                        weekday: DAYS[i],
                        start: t(s),
                        end: t(e),
                    });
                }
            }
            let base = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let holidays = holiday_offsets.iter().map(|&o| base + Duration::days(o)).collect();
            (bh, holidays, madrid)
        })
}

/// Instants from March to June 2026 and October 2026 to January 2027 (both DST changes).
fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        (0i64..120 * 24 * 60).prop_map(|m| Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::minutes(m)),
        (0i64..100 * 24 * 60).prop_map(|m| Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap() + Duration::minutes(m)),
    ]
}

fn calendar(bh: &BusinessHours, holidays: &[NaiveDate], madrid: bool) -> Calendar<Tz> {
    Calendar::new(if madrid { Madrid } else { Berlin }, bh, holidays.iter().copied())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_due_time_never_falls_outside_business_hours(
        (bh, holidays, madrid) in calendars(), from in instants(), minutes in 1u32..5000,
    ) {
        let cal = calendar(&bh, &holidays, madrid);
        let due = cal.add(from, minutes).unwrap();
        prop_assert!(due > from);
        prop_assert!(cal.is_business_time(due), "{due} is outside business hours");
    }

    #[test]
    fn the_business_time_to_the_due_time_is_the_target(
        (bh, holidays, madrid) in calendars(), from in instants(), minutes in 0u32..5000,
    ) {
        let cal = calendar(&bh, &holidays, madrid);
        let due = cal.add(from, minutes).unwrap();
        prop_assert_eq!(cal.between(from, due), Duration::minutes(i64::from(minutes)));
        // and not a minute earlier would do
        if minutes > 0 {
            prop_assert!(cal.add(from, minutes - 1).unwrap() < due);
        }
    }

    #[test]
    fn a_pause_adds_exactly_the_paused_business_time(
        (bh, holidays, madrid) in calendars(), from in instants(),
        pause_after in 0i64..20_000, pause_for in 0i64..20_000, minutes in 1u32..5000,
    ) {
        let cal = calendar(&bh, &holidays, madrid);
        let (paused_at, resumed_at) = (from + Duration::minutes(pause_after), from + Duration::minutes(pause_after + pause_for));
        let clock = Clock::start(from).pause(&cal, paused_at).resume(resumed_at);
        let due = clock.due(&cal, minutes).unwrap();
        let target = Duration::minutes(i64::from(minutes));
        if cal.between(from, paused_at) < target {
            // the clock ran out after the pause: everything but the pause counts
            prop_assert_eq!(cal.between(from, due) - cal.between(paused_at, resumed_at), target);
            prop_assert!(cal.is_business_time(due));
        } else {
            prop_assert_eq!(due, resumed_at);
        }
    }

    #[test]
    fn business_time_adds_up_across_a_split(
        (bh, holidays, madrid) in calendars(), a in instants(), x in 0i64..30_000, y in 0i64..30_000,
    ) {
        let cal = calendar(&bh, &holidays, madrid);
        let (b, c) = (a + Duration::minutes(x), a + Duration::minutes(x + y));
        prop_assert_eq!(cal.between(a, c), cal.between(a, b) + cal.between(b, c));
        prop_assert!(cal.between(a, c) <= c - a);
    }
}
