//! The invoice run's oracle (issue #17, "Done when"): the worked cases of BILLING.md and
//! our own, each computed by `charges::compute` + `invoice_draft::assemble` — the one
//! function preview and finalisation share — and checked against amounts worked out by
//! hand in the comment above each assertion.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::catalogue::TaxCategory;
use domain::charges::{
    Blocker, ContractInput, EntryInput, Inputs, LineKind, PartInput, PartVersion, ReadingInput, SaleInput, compute,
};
use domain::contract::ContractTerms;
use domain::contract_change::RoundingRule;
use domain::customer::{TaxRegion, TaxTreatment};
use domain::invoice_draft::{BillTo, CustomerDraft, DocumentKind, assemble, subtotals};
use domain::money::{Currency, Money, Quantity, UnitPrice};
use domain::period::{BillingCycle, BillingTiming, DateRange};
use domain::sales::SalesItemKind;
use domain::settlement::{ChargeKey, ChargeKind};
use domain::tax::{TaxArea, VatCategory};
use domain::time_entry::{TimeCoverage, WorkType, billable_at_approval};
use rust_decimal::Decimal;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const CUSTOMER: Uuid = Uuid::from_u128(1);
const CONTRACT: Uuid = Uuid::from_u128(10);
const PART: Uuid = Uuid::from_u128(100);

fn eur(s: &str) -> UnitPrice {
    UnitPrice::parse_amount(s, Currency::EUR).unwrap()
}

fn qty(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}

fn retainer(q: &str, rate: &str) -> ContractTerms {
    ContractTerms::Retainer {
        quantity: qty(q),
        rate: eur(rate),
    }
}

fn part(terms: ContractTerms, from: &str) -> PartInput {
    PartInput {
        id: PART,
        description: "Managed workplace".into(),
        versions: vec![PartVersion {
            valid_from: d(from),
            terms,
            min_quantity: None,
        }],
        service: None,
        tax_category: TaxCategory::Standard,
    }
}

fn contract(range: &str, timing: BillingTiming, parts: Vec<PartInput>) -> ContractInput {
    ContractInput {
        id: CONTRACT,
        customer: CUSTOMER,
        name: "Contract".into(),
        period: DateRange::parse(range).unwrap(),
        cycle: BillingCycle::Monthly,
        timing,
        currency: Currency::EUR,
        parts,
    }
}

fn entry(n: u128, day: &str, minutes: i64, coverage: TimeCoverage, rate: &str) -> EntryInput {
    EntryInput {
        id: id(n),
        customer: CUSTOMER,
        contract: Some(CONTRACT),
        work_date: d(day),
        start: None,
        billable_minutes: minutes,
        coverage: Some(coverage),
        rate: dec(rate),
        invoiced: false,
    }
}

fn domestic() -> BillTo {
    BillTo {
        id: CUSTOMER,
        region: TaxRegion::Domestic,
        treatment: TaxTreatment::Standard,
        has_vat_id: false,
    }
}

fn run(inputs: &Inputs, cutoff: &str) -> CustomerDraft {
    assemble(&domestic(), TaxArea::Germany, compute(inputs, d(cutoff)))
}

/// `(kind, from, to, amount)` of every line of every document, in order.
fn lines(draft: &CustomerDraft) -> Vec<(LineKind, NaiveDate, NaiveDate, Decimal)> {
    draft
        .documents
        .iter()
        .flat_map(|doc| {
            doc.lines
                .iter()
                .map(|l| (l.charge.kind, l.charge.from, l.charge.to, l.charge.amount))
        })
        .collect()
}

/// What issuing `draft` records as billed per part key.
fn billed_after(mut billed: BTreeMap<ChargeKey, Decimal>, draft: &CustomerDraft) -> BTreeMap<ChargeKey, Decimal> {
    for l in draft.documents.iter().flat_map(|doc| &doc.lines) {
        if let Some(k @ ChargeKey::Part { .. }) = l.charge.key {
            *billed.entry(k).or_default() += l.charge.amount;
        }
    }
    billed
}

fn fee_key(period_start: &str) -> ChargeKey {
    ChargeKey::Part {
        part: PART,
        period_start: d(period_start),
        kind: ChargeKind::Fee,
    }
}

#[test]
fn a_retainer_starting_mid_month_in_advance_bills_the_stub_and_the_next_month() {
    let inputs = Inputs {
        contracts: vec![contract(
            "2027-01-15..",
            BillingTiming::Advance,
            vec![part(retainer("1", "100"), "2027-01-15")],
        )],
        ..Inputs::default()
    };
    // 17 of 31 days: 100 × 17 / 31 = 54.838… → 54.84; February whole on its first day
    assert_eq!(
        lines(&run(&inputs, "2027-02-01")),
        vec![
            (LineKind::Fee, d("2027-01-15"), d("2027-01-31"), dec("54.84")),
            (LineKind::Fee, d("2027-02-01"), d("2027-02-28"), dec("100.00")),
        ]
    );
}

#[test]
fn the_same_in_arrears_bills_only_the_stub_that_is_over() {
    let inputs = Inputs {
        contracts: vec![contract(
            "2027-01-15..",
            BillingTiming::Arrears,
            vec![part(retainer("1", "100"), "2027-01-15")],
        )],
        ..Inputs::default()
    };
    assert_eq!(
        lines(&run(&inputs, "2027-02-01")),
        vec![(LineKind::Fee, d("2027-01-15"), d("2027-01-31"), dec("54.84"))]
    );
    // a repeat with the first run's lines billed adds nothing
    let billed = billed_after(BTreeMap::new(), &run(&inputs, "2027-02-01"));
    let again = Inputs { billed, ..inputs };
    assert!(run(&again, "2027-02-01").documents.is_empty());
}

#[test]
fn an_end_date_set_after_the_period_was_billed_is_credited() {
    let mut inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![part(retainer("1", "100"), "2027-01-01")],
        )],
        ..Inputs::default()
    };
    inputs.billed = billed_after(BTreeMap::new(), &run(&inputs, "2027-02-01"));
    assert_eq!(inputs.billed.get(&fee_key("2027-02-01")), Some(&dec("100.00")));
    // the contract now ends on 14 February: 100 × 14 / 28 = 50 expected, 100 billed
    inputs.contracts[0].period = DateRange::parse("2027-01-01..2027-02-14").unwrap();
    let draft = run(&inputs, "2027-02-01");
    assert_eq!(draft.documents.len(), 1);
    assert_eq!(draft.documents[0].kind, DocumentKind::CreditNote);
    assert_eq!(
        lines(&draft),
        vec![(LineKind::Fee, d("2027-02-01"), d("2027-02-14"), dec("-50.00"))]
    );
    assert!(draft.documents[0].lines[0].charge.correction);
    // 19 % of -50.00
    assert_eq!(draft.documents[0].gross, dec("-59.50"));
}

#[test]
fn a_quantity_change_mid_period_bills_the_difference() {
    let mut inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![part(retainer("1", "100"), "2027-01-01")],
        )],
        ..Inputs::default()
    };
    inputs.billed = billed_after(BTreeMap::new(), &run(&inputs, "2027-01-01"));
    inputs.contracts[0].parts[0].versions.push(PartVersion {
        valid_from: d("2027-01-16"),
        terms: retainer("2", "100"),
        min_quantity: None,
    });
    // 100 × 15/31 = 48.39, 200 × 16/31 = 103.23: 151.62 expected, 100 billed
    assert_eq!(
        lines(&run(&inputs, "2027-01-01")),
        vec![(LineKind::Fee, d("2027-01-01"), d("2027-01-31"), dec("51.62"))]
    );
}

#[test]
fn a_missed_month_is_caught_up_one_line_per_period() {
    let mut inputs = Inputs {
        contracts: vec![contract(
            "2026-11-01..",
            BillingTiming::Advance,
            vec![part(retainer("1", "100"), "2026-11-01")],
        )],
        ..Inputs::default()
    };
    inputs.billed = billed_after(BTreeMap::new(), &run(&inputs, "2026-11-01"));
    let caught_up = lines(&run(&inputs, "2027-02-01"));
    assert_eq!(
        caught_up.iter().map(|l| (l.1, l.3)).collect::<Vec<_>>(),
        vec![
            (d("2026-12-01"), dec("100.00")),
            (d("2027-01-01"), dec("100.00")),
            (d("2027-02-01"), dec("100.00"))
        ]
    );
}

#[test]
fn a_cancelled_invoice_is_billed_again() {
    let mut inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![part(retainer("1", "100"), "2027-01-01")],
        )],
        ..Inputs::default()
    };
    // the invoice (+100) and its cancelling credit note (−100) net the key to zero
    inputs.billed = BTreeMap::from([(fee_key("2027-01-01"), Decimal::ZERO)]);
    assert_eq!(
        lines(&run(&inputs, "2027-01-01")),
        vec![(LineKind::Fee, d("2027-01-01"), d("2027-01-31"), dec("100.00"))]
    );
}

fn block(hours: &str, rate: &str, overage: &str, rollover: bool) -> ContractTerms {
    ContractTerms::BlockHours {
        hours_per_period: qty(hours),
        rate: eur(rate),
        overage_rate: Some(eur(overage)),
        rollover,
    }
}

#[test]
fn block_hours_without_rollover_split_the_overage() {
    let inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![part(block("10", "80", "100", false), "2027-01-01")],
        )],
        // 8 h + 3 h in January against 10 h: the second entry splits, 1 h over
        entries: vec![
            entry(1, "2027-01-10", 480, TimeCoverage::Block, "100"),
            entry(2, "2027-01-20", 180, TimeCoverage::Block, "100"),
            // February's block lapses unused in January; this entry is in February, not due
            entry(3, "2027-02-03", 60, TimeCoverage::Block, "100"),
        ],
        ..Inputs::default()
    };
    let draft = run(&inputs, "2027-02-01");
    assert_eq!(
        lines(&draft),
        vec![
            (LineKind::BlockPurchase, d("2027-01-01"), d("2027-01-31"), dec("800.00")),
            (LineKind::Overage, d("2027-01-01"), d("2027-01-31"), dec("100.00")),
            (LineKind::BlockPurchase, d("2027-02-01"), d("2027-02-28"), dec("800.00")),
        ]
    );
    // January's two entries are listed on the invoice; February's is not due yet
    assert_eq!(draft.documents[0].appendix, vec![id(1), id(2)]);
}

#[test]
fn block_hours_with_rollover_carry_the_rest_into_the_next_month() {
    let inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![part(block("10", "80", "100", true), "2027-01-01")],
        )],
        // January uses 6 h; February's 13 h draw 4 h left from January and 9 h of February's
        entries: vec![
            entry(1, "2027-01-10", 360, TimeCoverage::Block, "100"),
            entry(2, "2027-02-10", 780, TimeCoverage::Block, "100"),
        ],
        ..Inputs::default()
    };
    let draft = run(&inputs, "2027-03-01");
    assert!(
        lines(&draft).iter().all(|l| l.0 == LineKind::BlockPurchase),
        "{:?}",
        lines(&draft)
    );
    // without rollover February would have been 3 h over
    let mut lapsing = inputs.clone();
    lapsing.contracts[0].parts[0].versions[0].terms = block("10", "80", "100", false);
    let over: Vec<_> = lines(&run(&lapsing, "2027-03-01"))
        .into_iter()
        .filter(|l| l.0 == LineKind::Overage)
        .collect();
    assert_eq!(
        over,
        vec![(LineKind::Overage, d("2027-02-01"), d("2027-02-28"), dec("300.00"))]
    );
}

#[test]
fn block_money_draws_the_entries_value_and_reprices_the_overage() {
    let terms = ContractTerms::BlockMoney {
        amount: Money::parse_amount("1000", Currency::EUR).unwrap(),
        hourly_rate: eur("100"),
        overage_rate: Some(eur("120")),
    };
    let inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![part(terms, "2027-01-01")],
        )],
        // 11 h × 100 = 1,100 against 1,000: 100 of value over, at 120/100 → 120.00
        entries: vec![entry(1, "2027-01-10", 660, TimeCoverage::Block, "120")],
        ..Inputs::default()
    };
    assert_eq!(
        lines(&run(&inputs, "2027-02-01"))[..2],
        [
            (
                LineKind::BlockPurchase,
                d("2027-01-01"),
                d("2027-01-31"),
                dec("1000.00")
            ),
            (LineKind::Overage, d("2027-01-01"), d("2027-01-31"), dec("120.00")),
        ]
    );
}

fn monitoring(min: Option<&str>) -> PartInput {
    let mut p = part(
        ContractTerms::RemoteMonitoring {
            device_category: domain::contract::DeviceCategory::Workstation,
            price_per_device: eur("12.50"),
        },
        "2027-01-01",
    );
    p.service = Some(id(500));
    p.versions[0].min_quantity = min.map(dec);
    p
}

fn reading(day: &str, quantity: &str) -> ReadingInput {
    ReadingInput {
        customer: CUSTOMER,
        service: id(500),
        date: d(day),
        quantity: dec(quantity),
    }
}

#[test]
fn device_counts_are_the_reading_on_the_periods_last_day() {
    let inputs = Inputs {
        contracts: vec![contract("2027-01-01..", BillingTiming::Advance, vec![monitoring(None)])],
        readings: vec![
            reading("2027-01-10", "5"),
            reading("2027-01-31", "7"),
            reading("2027-02-01", "9"),
        ],
        ..Inputs::default()
    };
    let draft = run(&inputs, "2027-02-01");
    let line = &draft.documents[0].lines[0].charge;
    // 7 devices × 12.50, the reading of 31 January copied onto the line
    assert_eq!(
        (line.quantity, line.amount, line.reading),
        (dec("7"), dec("87.50"), Some((d("2027-01-31"), dec("7"))))
    );
}

#[test]
fn a_minimum_billable_quantity_bills_at_least_it_and_a_missing_reading_blocks() {
    let inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![monitoring(Some("5"))],
        )],
        readings: vec![reading("2027-01-31", "3")],
        ..Inputs::default()
    };
    let line = run(&inputs, "2027-02-01").documents[0].lines[0].charge.clone();
    assert_eq!((line.quantity, line.amount), (dec("5"), dec("62.50")));
    let none = Inputs {
        readings: vec![],
        ..inputs
    };
    let draft = run(&none, "2027-02-01");
    assert!(draft.documents.is_empty());
    assert!(matches!(draft.blockers[..], [Blocker::MissingReading { .. }]));
}

#[test]
fn a_one_time_fee_is_billed_once_on_its_due_date() {
    let fee = ContractTerms::ProjectOneTimeFee {
        amount: Money::parse_amount("1500", Currency::EUR).unwrap(),
        due_date: d("2027-01-20"),
    };
    let mut inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..2027-03-31",
            BillingTiming::Advance,
            vec![part(fee, "2027-01-01")],
        )],
        ..Inputs::default()
    };
    assert!(run(&inputs, "2027-01-01").documents.is_empty());
    let draft = run(&inputs, "2027-02-01");
    assert_eq!(
        lines(&draft),
        vec![(LineKind::OneTimeFee, d("2027-01-20"), d("2027-01-20"), dec("1500.00"))]
    );
    inputs.billed = billed_after(BTreeMap::new(), &draft);
    assert!(run(&inputs, "2027-03-01").documents.is_empty());
}

fn hourly() -> PartInput {
    part(
        ContractTerms::Hourly {
            rate: eur("95"),
            after_hours_rate: None,
        },
        "2027-01-01",
    )
}

#[test]
fn three_short_entries_are_one_line_and_a_rounding_rule_rounds_each_entry() {
    let inputs = Inputs {
        contracts: vec![contract("2027-01-01..", BillingTiming::Arrears, vec![hourly()])],
        entries: vec![
            entry(1, "2027-01-05", 10, TimeCoverage::Billed, "95"),
            entry(2, "2027-01-06", 10, TimeCoverage::Billed, "95"),
            entry(3, "2027-01-07", 10, TimeCoverage::Billed, "95"),
        ],
        ..Inputs::default()
    };
    let draft = run(&inputs, "2027-02-01");
    let line = &draft.documents[0].lines[0].charge;
    // 30 min = 0.5 h × 95 = 47.50, not 3 × 15.83
    assert_eq!(
        (line.quantity, line.amount, line.entries.len()),
        (dec("0.5"), dec("47.50"), 3)
    );

    // a rule of at least 15 minutes in steps of 15, frozen at approval: 7 min → 15 min
    let rule = RoundingRule {
        minimum_minutes: 15,
        increment_minutes: 15,
    };
    let minutes = billable_at_approval(WorkType::Billable, Some(rule), 7);
    assert_eq!(minutes, 15);
    let rounded = Inputs {
        entries: vec![entry(4, "2027-01-05", i64::from(minutes), TimeCoverage::Billed, "95")],
        ..inputs
    };
    // 0.25 h × 95 = 23.75
    assert_eq!(run(&rounded, "2027-02-01").documents[0].net, dec("23.75"));
}

#[test]
fn an_entry_with_zero_billable_minutes_is_listed_but_not_billed() {
    let minutes = billable_at_approval(WorkType::NoCharge, None, 45);
    assert_eq!(minutes, 0);
    let inputs = Inputs {
        contracts: vec![contract("2027-01-01..", BillingTiming::Arrears, vec![hourly()])],
        entries: vec![
            entry(1, "2027-01-05", 60, TimeCoverage::Billed, "95"),
            entry(2, "2027-01-06", 0, TimeCoverage::Billed, "95"),
        ],
        ..Inputs::default()
    };
    let draft = run(&inputs, "2027-02-01");
    assert_eq!(draft.documents[0].lines.len(), 1);
    assert_eq!(draft.documents[0].lines[0].charge.entries, vec![id(1)]);
    assert_eq!(draft.documents[0].appendix, vec![id(2)]);
}

#[test]
fn time_without_a_contract_is_a_blocker_never_billed() {
    let mut e = entry(1, "2027-01-05", 60, TimeCoverage::Billed, "95");
    e.contract = None;
    e.coverage = None;
    let inputs = Inputs {
        entries: vec![e],
        ..Inputs::default()
    };
    let draft = run(&inputs, "2027-02-01");
    assert!(draft.documents.is_empty());
    assert_eq!(
        draft.blockers,
        vec![Blocker::TimeWithoutContract {
            entry: id(1),
            customer: CUSTOMER,
            work_date: d("2027-01-05")
        }]
    );
}

#[test]
fn reverse_charge_for_an_eu_business_is_zero_rated_ae() {
    let inputs = Inputs {
        contracts: vec![contract(
            "2027-01-01..",
            BillingTiming::Advance,
            vec![part(retainer("1", "100"), "2027-01-01")],
        )],
        ..Inputs::default()
    };
    let eu = BillTo {
        region: TaxRegion::Eu,
        has_vat_id: true,
        ..domestic()
    };
    let draft = assemble(&eu, TaxArea::Germany, compute(&inputs, d("2027-01-01")));
    let doc = &draft.documents[0];
    assert_eq!(doc.lines[0].vat.category, VatCategory::ReverseCharge);
    assert_eq!(doc.lines[0].vat.category.code(), "AE");
    assert_eq!(
        (doc.net, doc.tax, doc.gross),
        (dec("100.00"), dec("0.00"), dec("100.00"))
    );
}

fn sale(n: u128, amount: &str, currency: Currency, customer: Uuid) -> SaleInput {
    SaleInput {
        id: id(n),
        customer,
        description: "Cable".into(),
        kind: SalesItemKind::Sale,
        contract: None,
        quantity: Decimal::ONE,
        unit_price: dec(amount),
        currency,
        date: d("2027-01-10"),
        tax_category: TaxCategory::Standard,
        invoiced: false,
    }
}

#[test]
fn vat_is_per_rate_over_the_document_not_per_line() {
    let inputs = Inputs {
        sales: (1..=3).map(|n| sale(n, "1.50", Currency::EUR, CUSTOMER)).collect(),
        ..Inputs::default()
    };
    let doc = &run(&inputs, "2027-02-01").documents[0];
    // 4.50 × 19 % = 0.855 → 0.86, not 3 × 0.29 = 0.87
    assert_eq!((doc.net, doc.tax, doc.gross), (dec("4.50"), dec("0.86"), dec("5.36")));
}

#[test]
fn a_parent_with_children_in_two_currencies_gets_one_invoice_per_currency_with_subtotals() {
    let (child_a, child_b) = (id(2), id(3));
    let mut child_contract = contract(
        "2027-01-01..",
        BillingTiming::Advance,
        vec![part(retainer("2", "50"), "2027-01-01")],
    );
    child_contract.customer = child_a;
    let inputs = Inputs {
        contracts: vec![
            contract(
                "2027-01-01..",
                BillingTiming::Advance,
                vec![part(retainer("1", "100"), "2027-01-01")],
            ),
            child_contract,
        ],
        sales: vec![
            sale(7, "30", Currency::CHF, child_b),
            sale(8, "20", Currency::CHF, child_b),
        ],
        ..Inputs::default()
    };
    let draft = run(&inputs, "2027-02-01");
    let currencies: Vec<_> = draft.documents.iter().map(|doc| doc.currency).collect();
    assert_eq!(currencies, vec![Currency::CHF, Currency::EUR]);
    let eur_doc = &draft.documents[1];
    // the parent's own lines first, then the child's, each with its subtotal
    assert_eq!(
        subtotals(eur_doc),
        vec![(CUSTOMER, dec("200.00")), (child_a, dec("200.00"))]
    );
    assert_eq!(subtotals(&draft.documents[0]), vec![(child_b, dec("50.00"))]);
}

#[test]
fn the_whole_set_is_settled_a_repeat_adds_nothing() {
    let inputs = Inputs {
        contracts: vec![contract(
            "2026-10-15..",
            BillingTiming::Advance,
            vec![part(retainer("3", "33.33"), "2026-10-15"), {
                let mut m = monitoring(Some("2"));
                m.id = id(101);
                m
            }],
        )],
        readings: vec![reading("2026-10-20", "4"), reading("2026-12-31", "6")],
        ..Inputs::default()
    };
    let first = run(&inputs, "2027-01-01");
    assert!(!first.documents.is_empty());
    let again = Inputs {
        billed: billed_after(BTreeMap::new(), &first),
        ..inputs
    };
    assert_eq!(run(&again, "2027-01-01"), CustomerDraft::default());
}
