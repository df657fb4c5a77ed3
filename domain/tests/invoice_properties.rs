//! Property tests of the invoice run's arithmetic (issue #17): over random contracts
//! (retainers of any cycle and timing with quantity changes and end dates, metered parts,
//! hourly time) and cutoffs, billing is settled by key —
//! - a run repeated with its own documents issued adds nothing;
//! - runs at cutoffs c1 ≤ c2 together bill exactly what one run at c2 bills;
//! - cancelling everything (each key netted to zero, the time released) and running again
//!   bills the same as the first run.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use domain::catalogue::TaxCategory;
use domain::charges::{ContractInput, EntryInput, Inputs, PartInput, PartVersion, ReadingInput, compute};
use domain::contract::{ContractTerms, DeviceCategory};
use domain::customer::{TaxRegion, TaxTreatment};
use domain::invoice_draft::{BillTo, CustomerDraft, assemble};
use domain::money::{Currency, Quantity, UnitPrice};
use domain::period::{BillingCycle, BillingTiming, DateRange};
use domain::settlement::ChargeKey;
use domain::tax::TaxArea;
use domain::time_entry::TimeCoverage;
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

const CUSTOMER: Uuid = Uuid::from_u128(1);

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(n)
}

fn price(cents: i64) -> UnitPrice {
    UnitPrice::parse_amount(&format!("{}.{:02}", cents / 100, cents % 100), Currency::EUR).unwrap()
}

#[derive(Debug, Clone)]
struct Spec {
    cycle: usize,
    advance: bool,
    start: i64,
    length: Option<i64>,
    quantity: u32,
    cents: i64,
    change: Option<(i64, u32)>,
    devices: Vec<(i64, u32)>,
    entries: Vec<(i64, i64)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0usize..4,
        any::<bool>(),
        0i64..400,
        proptest::option::of(1i64..500),
        1u32..5,
        1i64..50_000,
        proptest::option::of((0i64..400, 1u32..6)),
        proptest::collection::vec((0i64..900, 0u32..40), 0..6),
        proptest::collection::vec((0i64..900, 1i64..300), 0..8),
    )
        .prop_map(
            |(cycle, advance, start, length, quantity, cents, change, devices, entries)| Spec {
                cycle,
                advance,
                start,
                length,
                quantity,
                cents,
                change,
                devices,
                entries,
            },
        )
}

fn inputs(specs: &[Spec]) -> Inputs {
    let mut out = Inputs::default();
    for (i, s) in specs.iter().enumerate() {
        let n = i as u128 * 100;
        let contract = Uuid::from_u128(10_000 + n);
        let retainer = |q: u32| ContractTerms::Retainer {
            quantity: Quantity::parse(&q.to_string()).unwrap(),
            rate: price(s.cents),
        };
        let mut versions = vec![PartVersion {
            valid_from: day(s.start),
            terms: retainer(s.quantity),
            min_quantity: None,
        }];
        if let Some((offset, q)) = s.change {
            versions.push(PartVersion {
                valid_from: day(s.start + 1 + offset),
                terms: retainer(q),
                min_quantity: None,
            });
        }
        let part = |id: u128, versions: Vec<PartVersion>, service: Option<Uuid>| PartInput {
            id: Uuid::from_u128(20_000 + n + id),
            description: "part".into(),
            versions,
            service,
            tax_category: TaxCategory::Standard,
        };
        let service = Uuid::from_u128(30_000 + n);
        let monitoring = vec![PartVersion {
            valid_from: day(s.start),
            terms: ContractTerms::RemoteMonitoring {
                device_category: DeviceCategory::AllDevices,
                price_per_device: price(1250),
            },
            min_quantity: Some(Decimal::ONE),
        }];
        let hourly = vec![PartVersion {
            valid_from: day(s.start),
            terms: ContractTerms::Hourly {
                rate: price(9500),
                after_hours_rate: None,
            },
            min_quantity: None,
        }];
        let end = s.length.map(|l| day(s.start + l));
        out.contracts.push(ContractInput {
            id: contract,
            customer: CUSTOMER,
            name: "contract".into(),
            period: DateRange::new(day(s.start), end).unwrap(),
            cycle: BillingCycle::ALL[s.cycle],
            timing: if s.advance {
                BillingTiming::Advance
            } else {
                BillingTiming::Arrears
            },
            currency: Currency::EUR,
            parts: vec![
                part(1, versions, None),
                part(2, monitoring, Some(service)),
                part(3, hourly, None),
            ],
        });
        // a reading on the contract's first day, so no period is blocked for want of one
        out.readings.push(ReadingInput {
            customer: CUSTOMER,
            service,
            date: day(s.start),
            quantity: Decimal::from(3),
        });
        out.readings.extend(s.devices.iter().map(|(d, q)| ReadingInput {
            customer: CUSTOMER,
            service,
            date: day(*d),
            quantity: Decimal::from(*q),
        }));
        out.entries.extend(
            s.entries
                .iter()
                .enumerate()
                .filter(|(_, (d, _))| *d >= s.start && end.is_none_or(|e| day(*d) <= e))
                .map(|(j, (d, minutes))| EntryInput {
                    id: Uuid::from_u128(40_000 + n + j as u128),
                    customer: CUSTOMER,
                    contract: Some(contract),
                    work_date: day(*d),
                    start: None,
                    billable_minutes: *minutes,
                    coverage: Some(TimeCoverage::Billed),
                    rate: Decimal::from(95),
                    invoiced: false,
                }),
        );
    }
    out.readings.sort_by_key(|r| r.date);
    out
}

fn run(inputs: &Inputs, cutoff: NaiveDate) -> CustomerDraft {
    let bill_to = BillTo {
        id: CUSTOMER,
        region: TaxRegion::Domestic,
        treatment: TaxTreatment::Standard,
        has_vat_id: false,
    };
    assemble(&bill_to, TaxArea::Germany, compute(inputs, cutoff))
}

/// Issues `draft`: its part keys billed, its time invoiced. Returns Σ net.
fn issue(inputs: &mut Inputs, draft: &CustomerDraft) -> Decimal {
    for l in draft.documents.iter().flat_map(|d| &d.lines) {
        if let Some(k @ ChargeKey::Part { .. }) = l.charge.key {
            *inputs.billed.entry(k).or_default() += l.charge.amount;
        }
        for e in inputs.entries.iter_mut().filter(|e| l.charge.entries.contains(&e.id)) {
            e.invoiced = true;
        }
    }
    draft.documents.iter().map(|d| d.net).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn billing_is_settled_by_key(specs in proptest::collection::vec(spec(), 1..4), c1 in 0i64..900, more in 0i64..400) {
        let (c1, c2) = (day(c1), day(c1 + more));
        let clean = inputs(&specs);

        // one run at c2
        let single = run(&clean, c2);
        let mut once = clean.clone();
        let single_net = issue(&mut once, &single);
        prop_assert!(single.blockers.is_empty(), "{:?}", single.blockers);
        // repeated: nothing
        prop_assert_eq!(run(&once, c2), CustomerDraft::default());

        // at c1, then at c2: the same in total, per key
        let mut twice = clean.clone();
        let first = run(&twice, c1);
        let net1 = issue(&mut twice, &first);
        let second = run(&twice, c2);
        let net2 = issue(&mut twice, &second);
        prop_assert_eq!(net1 + net2, single_net);
        prop_assert_eq!(&twice.billed.iter().filter(|(_, v)| !v.is_zero()).collect::<BTreeMap<_, _>>(),
                        &once.billed.iter().filter(|(_, v)| !v.is_zero()).collect::<BTreeMap<_, _>>());

        // everything cancelled: keys netted to zero, time released; the next run bills it all again
        let mut cancelled = once.clone();
        for v in cancelled.billed.values_mut() {
            *v = Decimal::ZERO;
        }
        for e in cancelled.entries.iter_mut() {
            e.invoiced = false;
        }
        let again = run(&cancelled, c2);
        prop_assert_eq!(again, single);
    }
}
