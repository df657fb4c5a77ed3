//! Service periods and when they are due (BILLING.md, "Dates and periods", "When a charge
//! is due"): the invoice run's calendar, pure. Periods follow the calendar (monthly =
//! calendar month, quarterly = Jan–Mar …, half-yearly = Jan–Jun / Jul–Dec, yearly =
//! calendar year); a contract's `[start, end]` is cut by their boundaries, so its first and
//! last pieces may be stubs. A piece in advance is due on its first day, in arrears on the
//! day after it ends. A run with cutoff D takes every piece due on or before D, oldest
//! first, one per period — a missed month is caught up as its own line. Proration counts
//! real days: `amount × active days / days of the full period`, rounded once.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::period::{BillingCycle, BillingTiming, DateRange};
use crate::tax::round_money;

/// One piece of a contract in one calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServicePeriod {
    /// The calendar period, whole.
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The part of it the contract covers (the service period printed on the line).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub due: NaiveDate,
}

impl ServicePeriod {
    pub fn active_days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    pub fn full_days(&self) -> i64 {
        (self.period_end - self.period_start).num_days() + 1
    }

    /// Less than the whole calendar period.
    pub fn is_stub(&self) -> bool {
        self.from != self.period_start || self.to != self.period_end
    }

    /// `amount` for this piece: whole for a full period, else by real days; rounded once,
    /// half away from zero, to `minor_units`.
    pub fn prorate(&self, amount: Decimal, minor_units: u32) -> Decimal {
        if !self.is_stub() {
            return round_money(amount, minor_units);
        }
        round_money(
            amount * Decimal::from(self.active_days()) / Decimal::from(self.full_days()),
            minor_units,
        )
    }
}

fn first_of(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("the first of a month exists")
}

/// The calendar period of `cycle` that holds `date`.
pub fn calendar_period(cycle: BillingCycle, date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let months = cycle.months();
    let first_month = (date.month0() / months) * months + 1;
    let start = first_of(date.year(), first_month);
    let (ny, nm) = if first_month + months > 12 {
        (date.year() + 1, first_month + months - 12)
    } else {
        (date.year(), first_month + months)
    };
    (start, first_of(ny, nm) - Duration::days(1))
}

/// The run's default cutoff: the first of the month after `today`.
pub fn default_cutoff(today: NaiveDate) -> NaiveDate {
    calendar_period(BillingCycle::Monthly, today).1 + Duration::days(1)
}

/// The most pieces one contract yields in one run (a century of months): a guard against
/// a contract dated in the distant past, not a limit anyone meets.
const MAX_PIECES: usize = 1200;

/// Every piece of `contract` due on or before `cutoff`, oldest first.
pub fn due_pieces(
    cycle: BillingCycle,
    timing: BillingTiming,
    contract: DateRange,
    cutoff: NaiveDate,
) -> Vec<ServicePeriod> {
    let mut out = Vec::new();
    let mut day = contract.start();
    while out.len() < MAX_PIECES {
        let (period_start, period_end) = calendar_period(cycle, day);
        let to = match contract.end() {
            Some(end) if end < period_end => end,
            _ => period_end,
        };
        let due = match timing {
            BillingTiming::Advance => day,
            BillingTiming::Arrears => to + Duration::days(1),
        };
        if due > cutoff {
            break;
        }
        out.push(ServicePeriod {
            period_start,
            period_end,
            from: day,
            to,
            due,
        });
        if contract.end().is_some_and(|end| to >= end) {
            break;
        }
        day = period_end + Duration::days(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn range(s: &str) -> DateRange {
        DateRange::parse(s).unwrap()
    }

    #[test]
    fn calendar_periods() {
        use BillingCycle::*;
        assert_eq!(
            calendar_period(Monthly, d(2028, 2, 10)),
            (d(2028, 2, 1), d(2028, 2, 29))
        );
        assert_eq!(
            calendar_period(Quarterly, d(2027, 5, 31)),
            (d(2027, 4, 1), d(2027, 6, 30))
        );
        assert_eq!(
            calendar_period(Quarterly, d(2027, 12, 31)),
            (d(2027, 10, 1), d(2027, 12, 31))
        );
        assert_eq!(
            calendar_period(HalfYearly, d(2027, 7, 1)),
            (d(2027, 7, 1), d(2027, 12, 31))
        );
        assert_eq!(calendar_period(Yearly, d(2028, 3, 3)), (d(2028, 1, 1), d(2028, 12, 31)));
        assert_eq!(default_cutoff(d(2026, 12, 7)), d(2027, 1, 1));
        assert_eq!(default_cutoff(d(2027, 1, 31)), d(2027, 2, 1));
    }

    #[test]
    fn a_retainer_starting_mid_month_in_advance() {
        // 100.00 a month from 15 January: January is a stub of 17 of 31 days, due on the start
        let pieces = due_pieces(
            BillingCycle::Monthly,
            BillingTiming::Advance,
            range("2027-01-15.."),
            d(2027, 2, 1),
        );
        assert_eq!(pieces.len(), 2, "January and February, each its own line");
        assert_eq!(
            (pieces[0].from, pieces[0].to, pieces[0].due),
            (d(2027, 1, 15), d(2027, 1, 31), d(2027, 1, 15))
        );
        assert_eq!(pieces[0].prorate(dec("100"), 2), dec("54.84"));
        assert_eq!((pieces[1].from, pieces[1].due), (d(2027, 2, 1), d(2027, 2, 1)));
        assert_eq!(pieces[1].prorate(dec("100"), 2), dec("100.00"));
    }

    #[test]
    fn the_same_in_arrears() {
        let pieces = due_pieces(
            BillingCycle::Monthly,
            BillingTiming::Arrears,
            range("2027-01-15.."),
            d(2027, 2, 1),
        );
        assert_eq!(pieces.len(), 1, "only January has ended");
        assert_eq!(
            (pieces[0].from, pieces[0].to, pieces[0].due),
            (d(2027, 1, 15), d(2027, 1, 31), d(2027, 2, 1))
        );
        assert_eq!(pieces[0].prorate(dec("100"), 2), dec("54.84"));
    }

    #[test]
    fn a_missed_month_is_caught_up_period_by_period() {
        let pieces = due_pieces(
            BillingCycle::Monthly,
            BillingTiming::Advance,
            range("2027-01-01.."),
            d(2027, 4, 1),
        );
        assert_eq!(pieces.iter().map(|p| p.from.month()).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert!(pieces.iter().all(|p| !p.is_stub()));
    }

    #[test]
    fn an_end_date_makes_a_last_stub_due_the_day_after() {
        let q = due_pieces(
            BillingCycle::Quarterly,
            BillingTiming::Arrears,
            range("2027-02-01..2027-05-10"),
            d(2028, 1, 1),
        );
        assert_eq!(q.len(), 2);
        assert_eq!(
            (q[0].from, q[0].to, q[0].due),
            (d(2027, 2, 1), d(2027, 3, 31), d(2027, 4, 1))
        );
        assert_eq!((q[0].active_days(), q[0].full_days()), (59, 90));
        assert_eq!(
            (q[1].from, q[1].to, q[1].due),
            (d(2027, 4, 1), d(2027, 5, 10), d(2027, 5, 11))
        );
        assert_eq!(q[1].prorate(dec("910"), 2), dec("400.00"), "40 of 91 days");
        let one_day = due_pieces(
            BillingCycle::Yearly,
            BillingTiming::Advance,
            range("2028-02-29..2028-02-29"),
            d(2030, 1, 1),
        );
        assert_eq!(one_day.len(), 1);
        assert_eq!(
            one_day[0].prorate(dec("366"), 2),
            dec("1.00"),
            "a leap year has 366 days"
        );
    }

    proptest! {
        /// The pieces tile the contract from its start without gap or overlap, each inside
        /// its calendar period, due in order and never after the cutoff; whole periods
        /// are billed whole.
        #[test]
        fn pieces_tile_the_contract(
            start in 0i64..2000, length in proptest::option::of(0i64..1500), cutoff in 0i64..3000,
            cycle in 0usize..4, advance: bool,
        ) {
            let base = d(2025, 1, 1);
            let contract = DateRange::new(base + Duration::days(start), length.map(|l| base + Duration::days(start + l))).unwrap();
            let cycle = BillingCycle::ALL[cycle];
            let timing = if advance { BillingTiming::Advance } else { BillingTiming::Arrears };
            let cutoff = base + Duration::days(cutoff);
            let pieces = due_pieces(cycle, timing, contract, cutoff);
            let mut next = contract.start();
            for p in &pieces {
                prop_assert_eq!(p.from, next);
                prop_assert!(p.from <= p.to && p.period_start <= p.from && p.to <= p.period_end);
                prop_assert!(p.due <= cutoff);
                prop_assert!(contract.contains(p.to));
                prop_assert_eq!(calendar_period(cycle, p.from), (p.period_start, p.period_end));
                prop_assert!(p.prorate(dec("1000"), 2) <= dec("1000"));
                if !p.is_stub() {
                    prop_assert_eq!(p.prorate(dec("1000"), 2), dec("1000"));
                }
                next = p.to + Duration::days(1);
            }
            // nothing due is left out: the next piece, if any, is due after the cutoff
            let more = due_pieces(cycle, timing, contract, cutoff + Duration::days(400));
            prop_assert!(more.len() >= pieces.len());
            prop_assert_eq!(&more[..pieces.len()], &pieces[..]);
            if let Some(p) = more.get(pieces.len()) {
                prop_assert!(p.due > cutoff);
            }
        }
    }
}
