//! Why an invoice run can be repeated (BILLING.md, "Settlement"), pure: every expected
//! charge has a key — `(contract part, service period, kind)`, a time entry, a sales item —
//! and a run bills only `expected − already billed` per key. A second run adds nothing; a
//! later change (quantity, price, end date) bills exactly the difference, positive on the
//! next invoice, negative as a credit; a cancelled invoice's credit note nets its keys to
//! zero, so the next run bills them again. A key whose difference is zero is settled and
//! never printed.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::billing_period::ServicePeriod;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    Fee,
    BlockPurchase,
    Overage,
    Metered,
}

/// What one charge is. A part's service period is named by the calendar period's first
/// day, so a changed end date or quantity recomputes the *same* key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum ChargeKey {
    Part {
        part: Uuid,
        period_start: NaiveDate,
        kind: ChargeKind,
    },
    TimeEntry {
        entry: Uuid,
    },
    SalesItem {
        item: Uuid,
    },
}

/// One sub-period of a piece under one version of a part, and its amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSlice {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub amount: Decimal,
}

/// The amount of `piece` under a part's versions — `(valid from, amount per whole
/// period)`, oldest first — one slice per version in force, each prorated by its own days
/// and rounded once. A quantity change mid-period is two slices.
pub fn versioned(piece: &ServicePeriod, versions: &[(NaiveDate, Decimal)], minor_units: u32) -> Vec<VersionSlice> {
    let mut out = Vec::new();
    for (i, (from, amount)) in versions.iter().enumerate() {
        let until = versions.get(i + 1).map(|(next, _)| *next - Duration::days(1));
        let start = (*from).max(piece.from);
        let end = until.map_or(piece.to, |u| u.min(piece.to));
        if start > end {
            continue;
        }
        let slice = ServicePeriod {
            from: start,
            to: end,
            ..*piece
        };
        out.push(VersionSlice {
            from: start,
            to: end,
            amount: slice.prorate(*amount, minor_units),
        });
    }
    out
}

/// What a run bills for one key: positive on the invoice, negative as a credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub key: ChargeKey,
    pub amount: Decimal,
}

/// `expected − billed` per key, zero differences left out, in key order. `billed` is the
/// sum over issued documents (credit notes negative); a key billed but no longer expected
/// (its period now outside the contract) is credited in full.
pub fn differences(expected: &BTreeMap<ChargeKey, Decimal>, billed: &BTreeMap<ChargeKey, Decimal>) -> Vec<Difference> {
    let keys: std::collections::BTreeSet<&ChargeKey> = expected.keys().chain(billed.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let amount = expected.get(k).copied().unwrap_or_default() - billed.get(k).copied().unwrap_or_default();
            (!amount.is_zero()).then_some(Difference { key: *k, amount })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing_period::due_pieces;
    use crate::period::{BillingCycle, BillingTiming, DateRange};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const PART: Uuid = Uuid::from_u128(7);

    /// Expected fees of a monthly in-advance part with `versions`, due by `cutoff`.
    fn expected(contract: &str, versions: &[(NaiveDate, Decimal)], cutoff: NaiveDate) -> BTreeMap<ChargeKey, Decimal> {
        let contract = DateRange::parse(contract).unwrap();
        due_pieces(BillingCycle::Monthly, BillingTiming::Advance, contract, cutoff)
            .iter()
            .map(|p| {
                let key = ChargeKey::Part {
                    part: PART,
                    period_start: p.period_start,
                    kind: ChargeKind::Fee,
                };
                (key, versioned(p, versions, 2).iter().map(|s| s.amount).sum())
            })
            .collect()
    }

    fn key(m: u32) -> ChargeKey {
        ChargeKey::Part {
            part: PART,
            period_start: d(2027, m, 1),
            kind: ChargeKind::Fee,
        }
    }

    #[test]
    fn a_repeated_run_adds_nothing() {
        let v = [(d(2027, 1, 1), dec("100"))];
        let first = expected("2027-01-01..", &v, d(2027, 2, 1));
        assert_eq!(first.len(), 2);
        assert!(differences(&first, &first).is_empty());
    }

    #[test]
    fn an_end_date_after_billing_is_credited() {
        let v = [(d(2027, 1, 1), dec("100"))];
        let billed = expected("2027-01-01..", &v, d(2027, 2, 1));
        // the contract ends on 10 February, after February was billed in advance
        let now = expected("2027-01-01..2027-02-10", &v, d(2027, 3, 1));
        let diff = differences(&now, &billed);
        assert_eq!(
            diff,
            [Difference {
                key: key(2),
                amount: dec("-64.29")
            }],
            "100 − 10/28 × 100"
        );
        // ended before February began: February is credited whole
        let now = expected("2027-01-01..2027-01-31", &v, d(2027, 3, 1));
        assert_eq!(
            differences(&now, &billed),
            [Difference {
                key: key(2),
                amount: dec("-100")
            }]
        );
    }

    #[test]
    fn a_quantity_change_mid_period_bills_the_difference() {
        // 3 seats × 10 from January; 5 seats from 16 January, after January was billed
        let before = [(d(2027, 1, 1), dec("30"))];
        let billed = expected("2027-01-01..", &before, d(2027, 1, 1));
        let after = [(d(2027, 1, 1), dec("30")), (d(2027, 1, 16), dec("50"))];
        let pieces = due_pieces(
            BillingCycle::Monthly,
            BillingTiming::Advance,
            DateRange::parse("2027-01-01..").unwrap(),
            d(2027, 1, 1),
        );
        let slices = versioned(&pieces[0], &after, 2);
        assert_eq!(
            slices.iter().map(|s| (s.from, s.to, s.amount)).collect::<Vec<_>>(),
            [
                (d(2027, 1, 1), d(2027, 1, 15), dec("14.52")),
                (d(2027, 1, 16), d(2027, 1, 31), dec("25.81"))
            ]
        );
        let now = expected("2027-01-01..", &after, d(2027, 2, 1));
        assert_eq!(
            differences(&now, &billed),
            [
                Difference {
                    key: key(1),
                    amount: dec("10.33")
                },
                Difference {
                    key: key(2),
                    amount: dec("50")
                }
            ]
        );
    }

    #[test]
    fn a_cancelled_invoice_is_billed_again() {
        let v = [(d(2027, 1, 1), dec("100"))];
        let expected_now = expected("2027-01-01..", &v, d(2027, 1, 1));
        // the invoice (100) and its cancelling credit note (−100) net to nothing
        let billed = BTreeMap::from([(key(1), dec("100") + dec("-100"))]);
        assert_eq!(
            differences(&expected_now, &billed),
            [Difference {
                key: key(1),
                amount: dec("100")
            }]
        );
    }

    #[test]
    fn a_missed_month_is_caught_up_and_zero_keys_are_not_printed() {
        let v = [(d(2027, 1, 1), dec("100"))];
        let billed = expected("2027-01-01..", &v, d(2027, 1, 1));
        let now = expected("2027-01-01..", &v, d(2027, 3, 1));
        assert_eq!(
            differences(&now, &billed).iter().map(|x| x.key).collect::<Vec<_>>(),
            [key(2), key(3)]
        );
        let free = expected("2027-01-01..", &[(d(2027, 1, 1), Decimal::ZERO)], d(2027, 3, 1));
        assert!(
            differences(&free, &BTreeMap::new()).is_empty(),
            "a zero charge is settled, not printed"
        );
    }
}
