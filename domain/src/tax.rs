//! VAT on invoices (BILLING.md, "Invoices"): the rate of a service's tax category in the
//! seller's tax area (DE 19/7 %, ES 21/10/4 %, Canary Islands IGIC 7/3/0 %), how the bill-to
//! customer's billing info changes it (EU B2B reverse charge, exempt, outside the scope),
//! and the VAT of a document, computed per rate over its whole base, half away from zero
//! (EN 16931 BR-CO-10, BR-S-08/09): 3 × 1.50 at 19 % is 0.86, not 3 × 0.29.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalogue::TaxCategory;
use crate::customer::{TaxRegion, TaxTreatment};
pub use crate::money::round_money;
use crate::period::choice;

choice!(
    /// Whose VAT rules apply: the MSP's own tax area (Settings → Invoicing). `es_cn` is
    /// the Canary Islands: IGIC instead of IVA.
    TaxArea {
        Germany => "de",
        Spain => "es",
        CanaryIslands => "es_cn",
    }
);

/// An invoice line's VAT category (UNCL5305, as EN 16931 and XRechnung name them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VatCategory {
    /// S: standard (any rate above zero).
    Standard,
    /// Z: zero-rated.
    Zero,
    /// E: exempt.
    Exempt,
    /// AE: reverse charge (the customer accounts for the VAT).
    ReverseCharge,
    /// O: not subject to VAT here (services to a business outside the EU).
    OutsideScope,
    /// L: Canary Islands general indirect tax.
    Igic,
}

impl VatCategory {
    /// The UNCL5305 code.
    pub fn code(self) -> &'static str {
        match self {
            VatCategory::Standard => "S",
            VatCategory::Zero => "Z",
            VatCategory::Exempt => "E",
            VatCategory::ReverseCharge => "AE",
            VatCategory::OutsideScope => "O",
            VatCategory::Igic => "L",
        }
    }

    /// The locale key of the note an invoice must carry for it, if any (the reverse charge
    /// note in the invoice language, the exemption's reason).
    pub fn legal_note_key(self) -> Option<&'static str> {
        match self {
            VatCategory::ReverseCharge => Some("invoice.note_reverse_charge"),
            VatCategory::Exempt => Some("invoice.note_exempt"),
            VatCategory::OutsideScope => Some("invoice.note_outside_scope"),
            _ => None,
        }
    }
}

/// A line's category and rate in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VatRate {
    pub category: VatCategory,
    pub percent: Decimal,
}

/// The rate of `category` in `area` for a domestic sale.
pub fn domestic_rate(area: TaxArea, category: TaxCategory) -> VatRate {
    let pct = |n: i64| Decimal::new(n, 0);
    let (cat, percent) = match (area, category) {
        (_, TaxCategory::Exempt) => (VatCategory::Exempt, Decimal::ZERO),
        (TaxArea::Germany, TaxCategory::Standard) => (VatCategory::Standard, pct(19)),
        // Germany has no super-reduced rate: such goods carry the reduced 7 %.
        (TaxArea::Germany, TaxCategory::Reduced | TaxCategory::SuperReduced) => (VatCategory::Standard, pct(7)),
        (TaxArea::Spain, TaxCategory::Standard) => (VatCategory::Standard, pct(21)),
        (TaxArea::Spain, TaxCategory::Reduced) => (VatCategory::Standard, pct(10)),
        (TaxArea::Spain, TaxCategory::SuperReduced) => (VatCategory::Standard, pct(4)),
        (TaxArea::CanaryIslands, TaxCategory::Standard) => (VatCategory::Igic, pct(7)),
        (TaxArea::CanaryIslands, TaxCategory::Reduced) => (VatCategory::Igic, pct(3)),
        (TaxArea::CanaryIslands, TaxCategory::SuperReduced) => (VatCategory::Igic, Decimal::ZERO),
    };
    VatRate { category: cat, percent }
}

/// The rate of a line for the bill-to customer: reverse charge for an EU business with
/// a VAT id (or when the customer's info says so), no VAT outside the EU, none when exempt,
/// the seller's domestic rate otherwise (EU consumers included: OSS is not handled).
pub fn rate_for(
    area: TaxArea,
    category: TaxCategory,
    region: TaxRegion,
    treatment: TaxTreatment,
    has_vat_id: bool,
) -> VatRate {
    let zero = |category| VatRate {
        category,
        percent: Decimal::ZERO,
    };
    match (treatment, region) {
        (TaxTreatment::Exempt, _) => zero(VatCategory::Exempt),
        (TaxTreatment::ReverseCharge, _) => zero(VatCategory::ReverseCharge),
        (TaxTreatment::Standard, TaxRegion::Eu) if has_vat_id => zero(VatCategory::ReverseCharge),
        (TaxTreatment::Standard, TaxRegion::NonEu) => zero(VatCategory::OutsideScope),
        _ => domestic_rate(area, category),
    }
}

/// One row of a document's VAT breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatGroup {
    pub rate: VatRate,
    /// The sum of the lines' net amounts at this rate.
    pub base: Decimal,
    pub vat: Decimal,
}

/// The VAT of a document: lines summed per rate, each sum's VAT rounded once.
pub fn breakdown(lines: impl IntoIterator<Item = (VatRate, Decimal)>, minor_units: u32) -> Vec<VatGroup> {
    let mut bases: BTreeMap<VatRate, Decimal> = BTreeMap::new();
    for (rate, net) in lines {
        *bases.entry(rate).or_default() += net;
    }
    bases
        .into_iter()
        .map(|(rate, base)| VatGroup {
            rate,
            base,
            vat: round_money(base * rate.percent / Decimal::ONE_HUNDRED, minor_units),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn vat_is_computed_per_rate_over_the_document() {
        let standard = domestic_rate(TaxArea::Germany, TaxCategory::Standard);
        let lines = [(standard, d("1.50")), (standard, d("1.50")), (standard, d("1.50"))];
        let groups = breakdown(lines, 2);
        assert_eq!(groups.len(), 1);
        assert_eq!((groups[0].base, groups[0].vat), (d("4.50"), d("0.86")));
        // per line it would have been 3 × 0.29 = 0.87
        assert_eq!(round_money(d("1.50") * d("0.19"), 2) * d("3"), d("0.87"));
        let reduced = domestic_rate(TaxArea::Germany, TaxCategory::Reduced);
        let mixed = breakdown([(standard, d("100")), (reduced, d("10")), (standard, d("0.05"))], 2);
        assert_eq!(
            mixed
                .iter()
                .map(|g| (g.rate.percent, g.base, g.vat))
                .collect::<Vec<_>>(),
            [(d("7"), d("10"), d("0.70")), (d("19"), d("100.05"), d("19.01"))]
        );
    }

    #[test]
    fn half_cents_round_away_from_zero() {
        assert_eq!(round_money(d("0.125"), 2), d("0.13"));
        assert_eq!(round_money(d("-0.125"), 2), d("-0.13"));
        assert_eq!(round_money(d("2.5"), 0), d("3"));
    }

    #[test]
    fn rates_per_area_and_customer() {
        let rate = |a, c| domestic_rate(a, c).percent;
        assert_eq!(rate(TaxArea::Spain, TaxCategory::Standard), d("21"));
        assert_eq!(rate(TaxArea::Spain, TaxCategory::Reduced), d("10"));
        assert_eq!(rate(TaxArea::Spain, TaxCategory::SuperReduced), d("4"));
        assert_eq!(rate(TaxArea::Germany, TaxCategory::SuperReduced), d("7"));
        let igic = domestic_rate(TaxArea::CanaryIslands, TaxCategory::Standard);
        assert_eq!((igic.category.code(), igic.percent), ("L", d("7")));
        let de = TaxArea::Germany;
        let eu_b2b = rate_for(de, TaxCategory::Standard, TaxRegion::Eu, TaxTreatment::Standard, true);
        assert_eq!((eu_b2b.category.code(), eu_b2b.percent), ("AE", Decimal::ZERO));
        assert_eq!(eu_b2b.category.legal_note_key(), Some("invoice.note_reverse_charge"));
        let eu_consumer = rate_for(de, TaxCategory::Standard, TaxRegion::Eu, TaxTreatment::Standard, false);
        assert_eq!(eu_consumer.percent, d("19"));
        let abroad = rate_for(
            de,
            TaxCategory::Standard,
            TaxRegion::NonEu,
            TaxTreatment::Standard,
            true,
        );
        assert_eq!(abroad.category, VatCategory::OutsideScope);
        let exempt = rate_for(
            de,
            TaxCategory::Standard,
            TaxRegion::Domestic,
            TaxTreatment::Exempt,
            false,
        );
        assert_eq!(exempt.category, VatCategory::Exempt);
        let domestic_rc = rate_for(
            de,
            TaxCategory::Standard,
            TaxRegion::Domestic,
            TaxTreatment::ReverseCharge,
            true,
        );
        assert_eq!(domestic_rc.category, VatCategory::ReverseCharge);
    }
}
