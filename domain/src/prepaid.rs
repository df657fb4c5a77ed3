//! Prepaid blocks of hours or money (BILLING.md, "Prepaid blocks"), pure: grants written
//! by block purchases, and approved time drawing on them by work date — in the order (work
//! date, start time, id), from grants valid on that date, earliest expiry first. An entry
//! larger than what is left splits into a covered part and an overage part; balances never
//! go negative. Amounts are integers: minutes for hours blocks, minor units (cents) for
//! money blocks (an entry's value there is its billable minutes × the hourly rate).
//! Also the time lines of an invoice: one line per (part, rate, service period) whose
//! quantity is the sum of the entries' billable minutes (BILLING.md, "Time").

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::tax::round_money;

/// What a block purchase granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: Uuid,
    pub valid_from: NaiveDate,
    /// Without rollover the period's end; with rollover the contract's end.
    pub valid_to: NaiveDate,
    pub amount: i64,
}

/// An approved entry that draws on the blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    pub entry: Uuid,
    pub work_date: NaiveDate,
    pub start: Option<NaiveTime>,
    pub amount: i64,
}

/// Where one entry's amount went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub entry: Uuid,
    /// `(grant, amount)` drawn, in drawing order.
    pub covered: Vec<(Uuid, i64)>,
    /// What no grant covered: billed at the overage rate (else the rate).
    pub overage: i64,
}

/// Draws `draws` on `grants`; one allocation per draw, in drawing order.
pub fn allocate(grants: &[Grant], draws: &[Draw]) -> Vec<Allocation> {
    let mut left: Vec<(Grant, i64)> = grants.iter().map(|g| (*g, g.amount.max(0))).collect();
    // earliest expiry first; among equals, the older grant, then the id (a stable order)
    left.sort_by_key(|(g, _)| (g.valid_to, g.valid_from, g.id));
    let mut order: Vec<&Draw> = draws.iter().collect();
    order.sort_by_key(|d| (d.work_date, d.start, d.entry));
    order
        .into_iter()
        .map(|d| {
            let mut need = d.amount.max(0);
            let mut covered = Vec::new();
            for (g, rest) in left.iter_mut() {
                if need == 0 {
                    break;
                }
                if *rest == 0 || d.work_date < g.valid_from || d.work_date > g.valid_to {
                    continue;
                }
                let take = need.min(*rest);
                *rest -= take;
                need -= take;
                covered.push((g.id, take));
            }
            Allocation {
                entry: d.entry,
                covered,
                overage: need,
            }
        })
        .collect()
}

/// What is left of `grants` on `day` after `allocations`: grants valid that day only.
pub fn balance(grants: &[Grant], allocations: &[Allocation], day: NaiveDate) -> i64 {
    grants
        .iter()
        .filter(|g| g.valid_from <= day && day <= g.valid_to)
        .map(|g| {
            let used: i64 = allocations
                .iter()
                .flat_map(|a| &a.covered)
                .filter(|(id, _)| *id == g.id)
                .map(|(_, n)| n)
                .sum();
            g.amount - used
        })
        .sum()
}

/// The alert a block's use has reached: 95 or 80 (percent used), or none.
pub fn alert_level(granted: i64, used: i64) -> Option<u8> {
    if granted <= 0 {
        return None;
    }
    // integer arithmetic: used / granted ≥ p / 100
    [95u8, 80].into_iter().find(|p| used * 100 >= granted * i64::from(*p))
}

/// An invoice line of time: the hours of all its entries (Σ billable minutes / 60) and
/// their amount, rounded once — three 10-minute entries at 95/h are 0.5 h = 47.50.
pub fn time_line(
    billable_minutes: impl IntoIterator<Item = i64>,
    hourly_rate: Decimal,
    minor_units: u32,
) -> (Decimal, Decimal) {
    let minutes: i64 = billable_minutes.into_iter().sum();
    let hours = Decimal::from(minutes) / Decimal::from(60);
    (
        hours.round_dp(4).normalize(),
        round_money(hours * hourly_rate, minor_units),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn draw(n: u128, day: NaiveDate, minutes: i64) -> Draw {
        Draw {
            entry: id(n),
            work_date: day,
            start: None,
            amount: minutes,
        }
    }

    #[test]
    fn block_hours_split_the_overage() {
        // 10 hours for January, no rollover
        let jan = Grant {
            id: id(100),
            valid_from: d(2027, 1, 1),
            valid_to: d(2027, 1, 31),
            amount: 600,
        };
        let a = allocate(
            &[jan],
            &[
                draw(2, d(2027, 1, 20), 240),
                draw(1, d(2027, 1, 5), 300),
                draw(3, d(2027, 1, 28), 120),
            ],
        );
        // drawn by work date, not by the order they came in
        assert_eq!(a.iter().map(|x| x.entry).collect::<Vec<_>>(), [id(1), id(2), id(3)]);
        assert_eq!((a[0].covered.clone(), a[0].overage), (vec![(id(100), 300)], 0));
        assert_eq!((a[1].covered.clone(), a[1].overage), (vec![(id(100), 240)], 0));
        assert_eq!(
            (a[2].covered.clone(), a[2].overage),
            (vec![(id(100), 60)], 60),
            "split: 1 h covered, 1 h overage"
        );
        assert_eq!(balance(&[jan], &a, d(2027, 1, 31)), 0);
        // February's work finds no valid grant: all overage
        let feb = allocate(&[jan], &[draw(4, d(2027, 2, 1), 30)]);
        assert_eq!(feb[0].overage, 30);
    }

    #[test]
    fn rollover_grants_are_used_after_those_expiring_sooner() {
        let lapsing = Grant {
            id: id(200),
            valid_from: d(2027, 2, 1),
            valid_to: d(2027, 2, 28),
            amount: 60,
        };
        let rolled = Grant {
            id: id(100),
            valid_from: d(2027, 1, 1),
            valid_to: d(2027, 12, 31),
            amount: 120,
        };
        let a = allocate(&[rolled, lapsing], &[draw(1, d(2027, 2, 10), 90)]);
        assert_eq!(a[0].covered, vec![(id(200), 60), (id(100), 30)]);
        assert_eq!(a[0].overage, 0);
        assert_eq!(balance(&[rolled, lapsing], &a, d(2027, 2, 10)), 90);
        assert_eq!(
            balance(&[rolled, lapsing], &a, d(2027, 3, 1)),
            90,
            "February's grant has lapsed"
        );
    }

    #[test]
    fn block_money_draws_cents() {
        // 500.00 prepaid; entries worth 90 min × 80/h = 120.00 each
        let g = Grant {
            id: id(1),
            valid_from: d(2027, 1, 1),
            valid_to: d(2027, 12, 31),
            amount: 50_000,
        };
        let draws: Vec<Draw> = (0..5).map(|i| draw(10 + i, d(2027, 3, 1 + i as u32), 12_000)).collect();
        let a = allocate(&[g], &draws);
        assert_eq!(a.iter().map(|x| x.overage).collect::<Vec<_>>(), [0, 0, 0, 0, 10_000]);
    }

    #[test]
    fn alerts_at_80_and_95_percent() {
        assert_eq!(alert_level(600, 479), None);
        assert_eq!(alert_level(600, 480), Some(80));
        assert_eq!(alert_level(600, 570), Some(95));
        assert_eq!(alert_level(0, 10), None);
    }

    #[test]
    fn short_entries_make_one_time_line() {
        let rate: Decimal = "95".parse().unwrap();
        let (hours, amount) = time_line([10, 10, 10], rate, 2);
        assert_eq!(hours.to_string(), "0.5");
        assert_eq!(amount.to_string(), "47.50");
        // per entry it would have been 3 × 15.83 = 47.49
        let (_, one) = time_line([10], rate, 2);
        assert_eq!(one.to_string(), "15.83");
        let (hours, _) = time_line([0], rate, 2);
        assert_eq!(hours, Decimal::ZERO, "an entry with zero billable minutes adds nothing");
    }

    proptest! {
        /// Nothing is drawn twice or lost: covered + overage is each entry's amount, no
        /// grant gives more than it has, and nothing is drawn outside a grant's dates.
        #[test]
        fn draws_add_up(
            grants in proptest::collection::vec((0u32..60, 0u32..90, 0i64..900), 0..5),
            draws in proptest::collection::vec((0u32..150, 0i64..400), 0..20),
        ) {
            let base = d(2027, 1, 1);
            let grants: Vec<Grant> = grants.iter().enumerate().map(|(i, (from, len, amount))| Grant {
                id: id(1000 + i as u128),
                valid_from: base + chrono::Duration::days(i64::from(*from)),
                valid_to: base + chrono::Duration::days(i64::from(from + len)),
                amount: *amount,
            }).collect();
            let draws: Vec<Draw> = draws.iter().enumerate()
                .map(|(i, (day, n))| draw(i as u128, base + chrono::Duration::days(i64::from(*day)), *n)).collect();
            let a = allocate(&grants, &draws);
            prop_assert_eq!(a.len(), draws.len());
            for x in &a {
                let d = draws.iter().find(|d| d.entry == x.entry).unwrap();
                prop_assert_eq!(x.covered.iter().map(|c| c.1).sum::<i64>() + x.overage, d.amount);
                for (g, n) in &x.covered {
                    let g = grants.iter().find(|x| x.id == *g).unwrap();
                    prop_assert!(*n > 0 && g.valid_from <= d.work_date && d.work_date <= g.valid_to);
                }
            }
            for g in &grants {
                let used: i64 = a.iter().flat_map(|x| &x.covered).filter(|c| c.0 == g.id).map(|c| c.1).sum();
                prop_assert!(used <= g.amount);
            }
        }
    }
}
