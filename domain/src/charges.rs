//! What an invoice run bills for one bill-to customer, pure (BILLING.md whole): the
//! charges due by the cutoff from the contracts as they are now, the approved time, the
//! device and backup readings and the sales items, each settled against what issued
//! documents already billed. Preview and finalisation call this one function over the
//! same inputs, so they cannot disagree. `invoice_draft` turns the charges into documents.
//!
//! Part charges (fees, block purchases, overage, metered) are settled by amount per
//! [`ChargeKey`]: `expected − billed`, so a repeat adds nothing and a change bills the
//! difference. Time entries and sales items are settled by being on an issued document
//! (`invoiced`); a cancelled document releases them.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::billing_period::{ServicePeriod, calendar_period, due_pieces};
use crate::catalogue::TaxCategory;
use crate::contract::ContractTerms;
use crate::money::Currency;
use crate::period::{BillingCycle, BillingTiming, DateRange};
use crate::prepaid::{Draw, Grant, allocate, time_line};
use crate::sales::SalesItemKind;
use crate::settlement::{ChargeKey, ChargeKind, versioned};
use crate::tax::round_money;
use crate::time_entry::TimeCoverage;

/// A part's terms from a date on (its versions, oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartVersion {
    pub valid_from: NaiveDate,
    pub terms: ContractTerms,
    pub min_quantity: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartInput {
    pub id: Uuid,
    /// The text on the line: the part's description, else the service's or contract's name.
    pub description: String,
    pub versions: Vec<PartVersion>,
    /// The catalogue service whose readings give a metered part its quantity.
    pub service: Option<Uuid>,
    pub tax_category: TaxCategory,
}

impl PartInput {
    /// The version in force on `day` (the first one before the part began).
    fn version_on(&self, day: NaiveDate) -> Option<&PartVersion> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.valid_from <= day)
            .or(self.versions.first())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractInput {
    pub id: Uuid,
    /// The customer the contract is with (the bill-to or a child billed via it).
    pub customer: Uuid,
    pub name: String,
    pub period: DateRange,
    pub cycle: BillingCycle,
    pub timing: BillingTiming,
    pub currency: Currency,
    pub parts: Vec<PartInput>,
}

/// An approved time entry, as frozen at approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInput {
    pub id: Uuid,
    pub customer: Uuid,
    pub contract: Option<Uuid>,
    pub work_date: NaiveDate,
    pub start: Option<NaiveTime>,
    pub billable_minutes: i64,
    pub coverage: Option<TimeCoverage>,
    /// The hourly rate frozen at approval (for block time: the overage rate).
    pub rate: Decimal,
    /// Already on an issued invoice (block time is still loaded: it draws on the block).
    pub invoiced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleInput {
    pub id: Uuid,
    pub customer: Uuid,
    pub description: String,
    pub kind: SalesItemKind,
    pub contract: Option<Uuid>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    pub tax_category: TaxCategory,
    /// Already on an issued invoice (a top-up is still loaded: it grants to the block).
    pub invoiced: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingInput {
    pub customer: Uuid,
    pub service: Uuid,
    pub date: NaiveDate,
    pub quantity: Decimal,
}

/// Everything one bill-to customer's charges depend on (its own and its billed-via children's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    pub contracts: Vec<ContractInput>,
    pub entries: Vec<EntryInput>,
    pub sales: Vec<SaleInput>,
    pub readings: Vec<ReadingInput>,
    /// What issued documents billed per part key (credit notes negative).
    pub billed: BTreeMap<ChargeKey, Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Fee,
    OneTimeFee,
    BlockPurchase,
    Overage,
    Metered,
    Time,
    Sale,
}

/// One line to bill (positive) or credit (negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// Whose service it is (a child's lines go under its subtotal on the parent's invoice).
    pub customer: Uuid,
    pub contract: Option<Uuid>,
    pub part: Option<Uuid>,
    pub kind: LineKind,
    /// The part key settled by amount; `None` for time and sales items.
    pub key: Option<ChargeKey>,
    /// The amount corrects what an earlier document billed for the key.
    pub correction: bool,
    pub description: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub currency: Currency,
    pub tax_category: TaxCategory,
    /// Time entries on the line (the invoice's appendix lists them).
    pub entries: Vec<Uuid>,
    pub sales_item: Option<Uuid>,
    /// The reading a metered line used: its date and quantity.
    pub reading: Option<(NaiveDate, Decimal)>,
}

/// Why a customer cannot be billed yet (the run parks it and says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "blocker", rename_all = "snake_case")]
pub enum Blocker {
    TimeWithoutContract {
        entry: Uuid,
        customer: Uuid,
        work_date: NaiveDate,
    },
    MissingReading {
        contract: Uuid,
        part: Uuid,
        customer: Uuid,
        period_end: NaiveDate,
    },
    NoServiceLinked {
        contract: Uuid,
        part: Uuid,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Computed {
    pub charges: Vec<Charge>,
    pub blockers: Vec<Blocker>,
    /// Entries at €0 to list on the contract currency's invoice: covered, no charge, drawn
    /// wholly from a block; `(contract currency, entry)`.
    pub appendix: Vec<(Currency, Uuid)>,
}

/// The last day any open-ended grant is valid.
const FOREVER: NaiveDate = NaiveDate::MAX;

/// All charges due by `cutoff`, settled against `inputs.billed`.
pub fn compute(inputs: &Inputs, cutoff: NaiveDate) -> Computed {
    let mut out = Computed::default();
    for c in &inputs.contracts {
        contract_charges(c, inputs, cutoff, &mut out);
    }
    for e in &inputs.entries {
        if e.contract.is_none() && !e.invoiced && e.work_date <= cutoff {
            out.blockers.push(Blocker::TimeWithoutContract {
                entry: e.id,
                customer: e.customer,
                work_date: e.work_date,
            });
        }
    }
    for s in inputs.sales.iter().filter(|s| !s.invoiced && s.date <= cutoff) {
        let amount = round_money(s.quantity * s.unit_price, s.currency.minor_units());
        out.charges.push(Charge {
            customer: s.customer,
            contract: s.contract,
            part: None,
            kind: LineKind::Sale,
            key: Some(ChargeKey::SalesItem { item: s.id }),
            correction: false,
            description: s.description.clone(),
            from: s.date,
            to: s.date,
            quantity: s.quantity,
            unit_price: s.unit_price,
            amount,
            currency: s.currency,
            tax_category: s.tax_category,
            entries: vec![],
            sales_item: Some(s.id),
            reading: None,
        });
    }
    out
}

/// What one part key is expected to bill, with what its line shows.
struct Expected {
    kind: LineKind,
    from: NaiveDate,
    to: NaiveDate,
    quantity: Decimal,
    unit_price: Decimal,
    amount: Decimal,
    reading: Option<(NaiveDate, Decimal)>,
}

fn contract_charges(c: &ContractInput, inputs: &Inputs, cutoff: NaiveDate, out: &mut Computed) {
    let mu = c.currency.minor_units();
    let mut expected: BTreeMap<ChargeKey, (Uuid, Expected)> = BTreeMap::new();
    let key = |part: Uuid, period_start: NaiveDate, kind: ChargeKind| ChargeKey::Part {
        part,
        period_start,
        kind,
    };
    let arrears = |cut| due_pieces(c.cycle, BillingTiming::Arrears, c.period, cut);
    for p in &c.parts {
        let Some(first) = p.versions.first() else { continue };
        match &first.terms {
            ContractTerms::Retainer { .. } => {
                let amounts: Vec<(NaiveDate, Decimal)> = p
                    .versions
                    .iter()
                    .filter_map(|v| match &v.terms {
                        ContractTerms::Retainer { quantity, rate } => {
                            Some((v.valid_from, quantity.value() * rate.amount()))
                        }
                        _ => None,
                    })
                    .collect();
                for piece in due_pieces(c.cycle, c.timing, c.period, cutoff) {
                    let amount = versioned(&piece, &amounts, mu).iter().map(|s| s.amount).sum();
                    let (quantity, unit_price) = match p.version_on(piece.from).map(|v| &v.terms) {
                        Some(ContractTerms::Retainer { quantity, rate }) => (quantity.value(), rate.amount()),
                        _ => (Decimal::ONE, amount),
                    };
                    let line = Expected::of(LineKind::Fee, &piece, quantity, unit_price, amount);
                    expected.insert(key(p.id, piece.period_start, ChargeKind::Fee), (p.id, line));
                }
            }
            ContractTerms::BlockHours { .. } | ContractTerms::BlockMoney { .. } => {
                for piece in due_pieces(c.cycle, c.timing, c.period, cutoff) {
                    let (quantity, unit_price) = match p.version_on(piece.from).map(|v| &v.terms) {
                        Some(ContractTerms::BlockHours {
                            hours_per_period, rate, ..
                        }) => (hours_per_period.value(), rate.amount()),
                        Some(ContractTerms::BlockMoney { amount, .. }) => (Decimal::ONE, amount.amount()),
                        _ => continue,
                    };
                    // bought whole, never prorated
                    let amount = round_money(quantity * unit_price, mu);
                    let line = Expected::of(LineKind::BlockPurchase, &piece, quantity, unit_price, amount);
                    expected.insert(key(p.id, piece.period_start, ChargeKind::BlockPurchase), (p.id, line));
                }
                block_overage(c, p, inputs, cutoff, &mut expected, out);
            }
            ContractTerms::RemoteMonitoring { .. } | ContractTerms::OnlineBackup { .. } => {
                let Some(service) = p.service else {
                    if !arrears(cutoff).is_empty() {
                        out.blockers.push(Blocker::NoServiceLinked {
                            contract: c.id,
                            part: p.id,
                        });
                    }
                    continue;
                };
                for piece in arrears(cutoff) {
                    let price = match p.version_on(piece.to).map(|v| (&v.terms, v.min_quantity)) {
                        Some((ContractTerms::RemoteMonitoring { price_per_device, .. }, min)) => {
                            (price_per_device.amount(), min)
                        }
                        Some((ContractTerms::OnlineBackup { price, .. }, min)) => (price.amount(), min),
                        _ => continue,
                    };
                    let reading = inputs
                        .readings
                        .iter()
                        .filter(|r| r.customer == c.customer && r.service == service && r.date <= piece.to)
                        .max_by_key(|r| r.date);
                    let Some(reading) = reading else {
                        out.blockers.push(Blocker::MissingReading {
                            contract: c.id,
                            part: p.id,
                            customer: c.customer,
                            period_end: piece.to,
                        });
                        continue;
                    };
                    let quantity = reading.quantity.max(price.1.unwrap_or_default());
                    let amount = piece.prorate(quantity * price.0, mu);
                    let mut line = Expected::of(LineKind::Metered, &piece, quantity, price.0, amount);
                    line.reading = Some((reading.date, reading.quantity));
                    expected.insert(key(p.id, piece.period_start, ChargeKind::Metered), (p.id, line));
                }
            }
            ContractTerms::ProjectOneTimeFee { amount, due_date } => {
                let amount = p
                    .version_on(*due_date)
                    .and_then(|v| match &v.terms {
                        ContractTerms::ProjectOneTimeFee { amount, .. } => Some(amount.amount()),
                        _ => None,
                    })
                    .unwrap_or(amount.amount());
                if *due_date <= cutoff {
                    let line = Expected {
                        kind: LineKind::OneTimeFee,
                        from: *due_date,
                        to: *due_date,
                        quantity: Decimal::ONE,
                        unit_price: amount,
                        amount: round_money(amount, mu),
                        reading: None,
                    };
                    expected.insert(key(p.id, *due_date, ChargeKind::Fee), (p.id, line));
                }
            }
            ContractTerms::Hourly { .. } | ContractTerms::ProjectHourly { .. } => {}
        }
    }
    settle(c, inputs, cutoff, expected, out);
    time_lines(c, inputs, cutoff, out);
}

impl Expected {
    fn of(kind: LineKind, piece: &ServicePeriod, quantity: Decimal, unit_price: Decimal, amount: Decimal) -> Self {
        Expected {
            kind,
            from: piece.from,
            to: piece.to,
            quantity,
            unit_price,
            amount,
            reading: None,
        }
    }
}

/// `expected − billed` per key of the contract's parts. A key billed whose period the
/// contract no longer covers is credited in full; one whose period is not due yet (billed
/// by a run with a later cutoff) is left alone.
fn settle(
    c: &ContractInput,
    inputs: &Inputs,
    cutoff: NaiveDate,
    mut expected: BTreeMap<ChargeKey, (Uuid, Expected)>,
    out: &mut Computed,
) {
    for k in inputs.billed.keys() {
        let ChargeKey::Part {
            part,
            period_start,
            kind,
        } = *k
        else {
            continue;
        };
        let Some(p) = c.parts.iter().find(|p| p.id == part) else {
            continue;
        };
        if expected.contains_key(k) {
            continue;
        }
        let (start, end) = calendar_period(c.cycle, period_start);
        let still_due_later = match p.versions.last().map(|v| &v.terms) {
            // the fee is still due on that date, just after this cutoff
            Some(ContractTerms::ProjectOneTimeFee { due_date, .. }) => {
                *due_date == period_start && period_start > cutoff
            }
            // still a period of the contract, just not due by this cutoff
            _ => c.period.start() <= end && c.period.end().is_none_or(|e| e >= start),
        };
        if still_due_later {
            continue;
        }
        let line_kind = match kind {
            ChargeKind::Fee
                if matches!(
                    p.versions.last().map(|v| &v.terms),
                    Some(ContractTerms::ProjectOneTimeFee { .. })
                ) =>
            {
                LineKind::OneTimeFee
            }
            ChargeKind::Fee => LineKind::Fee,
            ChargeKind::BlockPurchase => LineKind::BlockPurchase,
            ChargeKind::Overage => LineKind::Overage,
            ChargeKind::Metered => LineKind::Metered,
        };
        expected.insert(
            *k,
            (
                part,
                Expected {
                    kind: line_kind,
                    from: start.max(period_start),
                    to: end,
                    quantity: Decimal::ZERO,
                    unit_price: Decimal::ZERO,
                    amount: Decimal::ZERO,
                    reading: None,
                },
            ),
        );
    }
    for (k, (part, e)) in expected {
        let billed = inputs.billed.get(&k).copied().unwrap_or_default();
        let diff = e.amount - billed;
        if diff.is_zero() {
            continue;
        }
        let p = c.parts.iter().find(|p| p.id == part);
        let correction = !billed.is_zero();
        out.charges.push(Charge {
            customer: c.customer,
            contract: Some(c.id),
            part: Some(part),
            kind: e.kind,
            key: Some(k),
            correction,
            description: p.map(|p| p.description.clone()).unwrap_or_else(|| c.name.clone()),
            from: e.from,
            to: e.to,
            quantity: if correction { Decimal::ONE } else { e.quantity },
            unit_price: if correction { diff } else { e.unit_price },
            amount: diff,
            currency: c.currency,
            tax_category: p.map_or(TaxCategory::Standard, |p| p.tax_category),
            entries: vec![],
            sales_item: None,
            reading: e.reading,
        });
    }
}

/// The piece of the contract's calendar period holding `day`, due in arrears.
fn arrears_piece(c: &ContractInput, day: NaiveDate) -> ServicePeriod {
    let (period_start, period_end) = calendar_period(c.cycle, day);
    let from = period_start.max(c.period.start());
    let to = c.period.end().map_or(period_end, |e| e.min(period_end));
    ServicePeriod {
        period_start,
        period_end,
        from,
        to,
        due: to + Duration::days(1),
    }
}

/// Billed time: one line per (rate, service period) of the entries whose period is over by
/// the cutoff, quantity Σ billable minutes / 60, rounded once. Covered and zero-minute
/// entries go to the appendix at €0.
fn time_lines(c: &ContractInput, inputs: &Inputs, cutoff: NaiveDate, out: &mut Computed) {
    let mut groups: BTreeMap<(NaiveDate, Decimal), (ServicePeriod, Vec<&EntryInput>)> = BTreeMap::new();
    for e in inputs
        .entries
        .iter()
        .filter(|e| e.contract == Some(c.id) && !e.invoiced)
    {
        let piece = arrears_piece(c, e.work_date);
        if piece.due > cutoff {
            continue;
        }
        match e.coverage {
            Some(TimeCoverage::Billed) if e.billable_minutes > 0 && !e.rate.is_zero() => groups
                .entry((piece.period_start, e.rate))
                .or_insert((piece, vec![]))
                .1
                .push(e),
            Some(TimeCoverage::Block) => {} // listed with the block's overage, below
            _ => out.appendix.push((c.currency, e.id)),
        }
    }
    let part = c.parts.iter().find(|p| {
        p.versions.first().is_some_and(|v| {
            matches!(
                v.terms,
                ContractTerms::Hourly { .. } | ContractTerms::ProjectHourly { .. }
            )
        })
    });
    for ((_, rate), (piece, entries)) in groups {
        let (hours, amount) = time_line(
            entries.iter().map(|e| e.billable_minutes),
            rate,
            c.currency.minor_units(),
        );
        out.charges.push(Charge {
            customer: c.customer,
            contract: Some(c.id),
            part: part.map(|p| p.id),
            kind: LineKind::Time,
            key: None,
            correction: false,
            description: part.map_or_else(|| c.name.clone(), |p| p.description.clone()),
            from: piece.from,
            to: piece.to,
            quantity: hours,
            unit_price: rate,
            amount,
            currency: c.currency,
            tax_category: part.map_or(TaxCategory::Standard, |p| p.tax_category),
            entries: entries.iter().map(|e| e.id).collect(),
            sales_item: None,
            reading: None,
        });
    }
}

/// A block part's grants (one per period's purchase, and top-ups sold for the contract)
/// drawn on by its time; the overage per period is a part key billed in arrears. The
/// block's entries of a due period go to the appendix.
fn block_overage(
    c: &ContractInput,
    p: &PartInput,
    inputs: &Inputs,
    cutoff: NaiveDate,
    expected: &mut BTreeMap<ChargeKey, (Uuid, Expected)>,
    out: &mut Computed,
) {
    let ledger = ledger(c, p, inputs, cutoff);
    let mut per_period: BTreeMap<NaiveDate, (ServicePeriod, i64, Decimal)> = BTreeMap::new();
    for (entry, overage) in &ledger.overage {
        let Some(e) = inputs.entries.iter().find(|e| e.id == *entry) else {
            continue;
        };
        let piece = arrears_piece(c, e.work_date);
        if piece.due > cutoff {
            continue;
        }
        if !e.invoiced {
            out.appendix.push((c.currency, e.id));
        }
        let slot = per_period.entry(piece.period_start).or_insert((piece, 0, e.rate));
        slot.1 += overage;
    }
    let mu = c.currency.minor_units();
    for (period_start, (piece, overage, rate)) in per_period {
        if overage == 0 {
            continue;
        }
        let (quantity, unit_price, amount) = match ledger.unit {
            LedgerUnit::Minutes => {
                let hours = Decimal::from(overage) / Decimal::from(60);
                (hours.round_dp(4).normalize(), rate, round_money(hours * rate, mu))
            }
            LedgerUnit::Minor { hourly_rate } => {
                // the uncovered value, re-priced at the overage rate
                let value = Decimal::from(overage) / Decimal::from(10i64.pow(mu));
                let amount = if hourly_rate.is_zero() {
                    value
                } else {
                    value * rate / hourly_rate
                };
                (Decimal::ONE, round_money(amount, mu), round_money(amount, mu))
            }
        };
        let line = Expected::of(LineKind::Overage, &piece, quantity, unit_price, amount);
        expected.insert(
            ChargeKey::Part {
                part: p.id,
                period_start,
                kind: ChargeKind::Overage,
            },
            (p.id, line),
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerUnit {
    Minutes,
    /// Money blocks count minor units; an entry is worth its minutes × `hourly_rate`.
    Minor {
        hourly_rate: Decimal,
    },
}

/// A block part's prepaid ledger up to a day: grants, and per entry its overage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    pub unit: LedgerUnit,
    pub grants: Vec<Grant>,
    pub draws: Vec<Draw>,
    pub overage: Vec<(Uuid, i64)>,
    pub used: i64,
}

/// The ledger of block part `p` with everything up to `until`: a pure function of the
/// contract, its top-ups and its approved time, so preview, run and contract page agree.
pub fn ledger(c: &ContractInput, p: &PartInput, inputs: &Inputs, until: NaiveDate) -> Ledger {
    let mu = c.currency.minor_units();
    let scale = Decimal::from(10i64.pow(mu));
    let unit = match p.versions.first().map(|v| &v.terms) {
        Some(ContractTerms::BlockMoney { hourly_rate, .. }) => LedgerUnit::Minor {
            hourly_rate: hourly_rate.amount(),
        },
        _ => LedgerUnit::Minutes,
    };
    let to_i64 = |d: Decimal| i64::try_from(round_money(d, 0)).unwrap_or(i64::MAX);
    let mut grants = Vec::new();
    for piece in due_pieces(c.cycle, BillingTiming::Advance, c.period, until) {
        let rollover = matches!(
            p.version_on(piece.from).map(|v| &v.terms),
            Some(ContractTerms::BlockHours { rollover: true, .. })
        );
        let amount = match p.version_on(piece.from).map(|v| &v.terms) {
            Some(ContractTerms::BlockHours { hours_per_period, .. }) => {
                to_i64(hours_per_period.value() * Decimal::from(60))
            }
            Some(ContractTerms::BlockMoney { amount, .. }) => to_i64(amount.amount() * scale),
            _ => 0,
        };
        grants.push(Grant {
            // stable across runs: the part and the period
            id: Uuid::from_u128(p.id.as_u128() ^ u128::from(piece.period_start.num_days_from_ce().unsigned_abs())),
            valid_from: piece.from,
            valid_to: if rollover {
                c.period.end().unwrap_or(FOREVER)
            } else {
                piece.to
            },
            amount,
        });
    }
    for s in inputs
        .sales
        .iter()
        .filter(|s| s.contract == Some(c.id) && s.date <= until)
    {
        let amount = match s.kind {
            SalesItemKind::PrepaidHours => to_i64(s.quantity * Decimal::from(60)),
            SalesItemKind::PrepaidMoney => to_i64(s.quantity * s.unit_price * scale),
            SalesItemKind::Sale => continue,
        };
        grants.push(Grant {
            id: s.id,
            valid_from: s.date,
            valid_to: c.period.end().unwrap_or(FOREVER),
            amount,
        });
    }
    let draws: Vec<Draw> = inputs
        .entries
        .iter()
        .filter(|e| e.contract == Some(c.id) && e.coverage == Some(TimeCoverage::Block) && e.work_date <= until)
        .map(|e| Draw {
            entry: e.id,
            work_date: e.work_date,
            start: e.start,
            amount: match unit {
                LedgerUnit::Minutes => e.billable_minutes,
                LedgerUnit::Minor { hourly_rate } => {
                    to_i64(Decimal::from(e.billable_minutes) * hourly_rate / Decimal::from(60) * scale)
                }
            },
        })
        .collect();
    let allocations = allocate(&grants, &draws);
    let used = allocations.iter().flat_map(|a| a.covered.iter().map(|(_, n)| n)).sum();
    Ledger {
        unit,
        overage: allocations.iter().map(|a| (a.entry, a.overage)).collect(),
        grants,
        draws,
        used,
    }
}
