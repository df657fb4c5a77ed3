//! A bill-to customer's documents for one run, pure (BILLING.md, "Invoices"): its charges
//! (`charges::compute`) grouped into one invoice per currency, and the negative differences
//! into one credit note per currency; each line taxed by the bill-to customer's billing
//! info and the MSP's tax area, VAT per rate over the whole document. A document without
//! a non-zero line is not made (and so takes no number). Lines of children billed via the
//! parent follow the parent's own, grouped per child for their subtotals.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::charges::{Blocker, Charge, Computed};
use crate::customer::{TaxRegion, TaxTreatment};
use crate::money::Currency;
use crate::tax::{TaxArea, VatGroup, VatRate, breakdown, rate_for};

/// The bill-to customer as its tax treatment needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillTo {
    pub id: Uuid,
    pub region: TaxRegion,
    pub treatment: TaxTreatment,
    pub has_vat_id: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLine {
    #[serde(flatten)]
    pub charge: Charge,
    pub vat: VatRate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftDocument {
    pub kind: DocumentKind,
    pub currency: Currency,
    pub lines: Vec<DraftLine>,
    pub vat: Vec<VatGroup>,
    pub net: Decimal,
    pub tax: Decimal,
    pub gross: Decimal,
    /// Time entries listed at €0 (covered, no charge, drawn from a block).
    pub appendix: Vec<Uuid>,
}

impl DraftDocument {
    /// The full credit note of this invoice: every line and amount negated (the quantity
    /// too, so quantity × price still gives the amount); it lists no time of its own.
    pub fn negated(&self) -> DraftDocument {
        DraftDocument {
            kind: DocumentKind::CreditNote,
            currency: self.currency,
            lines: self
                .lines
                .iter()
                .map(|l| {
                    let mut l = l.clone();
                    l.charge.quantity = -l.charge.quantity;
                    l.charge.amount = -l.charge.amount;
                    l.charge.entries.clear();
                    l
                })
                .collect(),
            vat: self
                .vat
                .iter()
                .map(|g| VatGroup {
                    rate: g.rate,
                    base: -g.base,
                    vat: -g.vat,
                })
                .collect(),
            net: -self.net,
            tax: -self.tax,
            gross: -self.gross,
            appendix: vec![],
        }
    }
}

/// What a run makes for one bill-to customer: its documents, or why it is parked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDraft {
    pub documents: Vec<DraftDocument>,
    pub blockers: Vec<Blocker>,
}

impl CustomerDraft {
    /// Net per currency over its documents (credit notes negative).
    pub fn net_by_currency(&self) -> BTreeMap<Currency, Decimal> {
        let mut out = BTreeMap::new();
        for d in &self.documents {
            *out.entry(d.currency).or_default() += d.net;
        }
        out
    }
}

/// The documents of `bill_to` from its computed charges.
pub fn assemble(bill_to: &BillTo, area: TaxArea, computed: Computed) -> CustomerDraft {
    let mut groups: BTreeMap<(DocumentKind, Currency), Vec<DraftLine>> = BTreeMap::new();
    for charge in computed.charges {
        if charge.amount.is_zero() {
            continue;
        }
        let kind = if charge.amount > Decimal::ZERO {
            DocumentKind::Invoice
        } else {
            DocumentKind::CreditNote
        };
        let vat = rate_for(
            area,
            charge.tax_category,
            bill_to.region,
            bill_to.treatment,
            bill_to.has_vat_id,
        );
        groups
            .entry((kind, charge.currency))
            .or_default()
            .push(DraftLine { charge, vat });
    }
    let mut documents = Vec::new();
    for ((kind, currency), mut lines) in groups {
        // the bill-to's own lines first, then each child's together, each by period
        lines.sort_by(|a, b| {
            let own = |l: &DraftLine| l.charge.customer != bill_to.id;
            (
                own(a),
                a.charge.customer,
                a.charge.contract,
                a.charge.from,
                a.charge.kind,
                a.charge.part,
            )
                .cmp(&(
                    own(b),
                    b.charge.customer,
                    b.charge.contract,
                    b.charge.from,
                    b.charge.kind,
                    b.charge.part,
                ))
        });
        let mu = currency.minor_units();
        let vat = breakdown(lines.iter().map(|l| (l.vat, l.charge.amount)), mu);
        let net: Decimal = lines.iter().map(|l| l.charge.amount).sum();
        let tax: Decimal = vat.iter().map(|g| g.vat).sum();
        let appendix = if kind == DocumentKind::Invoice {
            computed
                .appendix
                .iter()
                .filter(|(c, _)| *c == currency)
                .map(|(_, e)| *e)
                .collect()
        } else {
            vec![]
        };
        documents.push(DraftDocument {
            kind,
            currency,
            lines,
            vat,
            net,
            tax,
            gross: net + tax,
            appendix,
        });
    }
    CustomerDraft {
        documents,
        blockers: computed.blockers,
    }
}

/// Per child (and the bill-to itself, first) the net of its lines: the subtotals printed
/// under each child's lines on the parent's invoice.
pub fn subtotals(doc: &DraftDocument) -> Vec<(Uuid, Decimal)> {
    let mut out: Vec<(Uuid, Decimal)> = Vec::new();
    for l in &doc.lines {
        match out.last_mut() {
            Some((c, sum)) if *c == l.charge.customer => *sum += l.charge.amount,
            _ => out.push((l.charge.customer, l.charge.amount)),
        }
    }
    out
}
