//! Sales items: one-off sales to a customer (hardware, a licence, a fee), billed by the
//! invoice run on their date. A "prepaid hours" or "prepaid money" item tops up a block
//! contract: the run writes the grant when it invoices the item (BILLING.md, prepaid blocks).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalogue::{ServiceCode, TaxCategory};
use crate::error::{Code, Errors, FieldError};
use crate::money::{Currency, Quantity, UnitPrice};
use crate::period::{choice, parse_date};
use crate::text::{Label, Notes};

choice!(
    /// What a sales item is: a plain sale, or a top-up of a block contract.
    SalesItemKind {
        Sale => "sale",
        PrepaidHours => "prepaid_hours",
        PrepaidMoney => "prepaid_money",
    }
);

impl SalesItemKind {
    /// Whether the item tops up a block contract, which it must then name.
    pub fn tops_up(self) -> bool {
        !matches!(self, SalesItemKind::Sale)
    }
}

/// The sales item form as typed; the customer is chosen beside it (moving an item is
/// changing that choice, which the server checks against the customer's billing info).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SalesItemDraft {
    /// Catalogue service code; empty for a free-text item.
    pub service_code: String,
    pub description: String,
    pub kind: String,
    /// For prepaid kinds: the block contract (its id) the item tops up.
    pub contract: String,
    /// Hours for prepaid hours; units otherwise.
    pub quantity: String,
    pub unit_price: String,
    pub currency: String,
    pub date: String,
    pub tax_category: String,
    pub notes: String,
}

/// A valid sales item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesItem {
    pub service_code: Option<ServiceCode>,
    pub description: Label,
    pub kind: SalesItemKind,
    /// The contract id as typed (the server resolves and checks it).
    pub contract: Option<String>,
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
    pub date: NaiveDate,
    pub tax_category: TaxCategory,
    pub notes: Option<Notes>,
}

impl SalesItemDraft {
    /// The whole form: every field's error at once, under its field name.
    pub fn validate(&self) -> Result<SalesItem, Vec<FieldError>> {
        let mut e = Errors::new("");
        let service_code = e.optional("service_code", &self.service_code, ServiceCode::parse);
        let description = e.check("description", Label::parse(&self.description));
        let kind = e.check("kind", SalesItemKind::parse(&self.kind));
        let contract = match kind {
            Some(k) if k.tops_up() => {
                let c = self.contract.trim();
                if c.is_empty() {
                    e.push(FieldError::new(Code::Required).at("contract"));
                    None
                } else {
                    Some(Some(c.to_owned()))
                }
            }
            _ => Some(None),
        };
        let quantity = e.check("quantity", Quantity::parse(&self.quantity));
        let currency = e.check("currency", Currency::parse(&self.currency));
        let unit_price = currency.and_then(|c| e.check("unit_price", UnitPrice::parse_amount(&self.unit_price, c)));
        let date = e.check("date", parse_date(&self.date));
        let tax_category = e.check("tax_category", TaxCategory::parse(&self.tax_category));
        let notes = e.optional("notes", &self.notes, Notes::parse);
        let item = match (
            service_code,
            description,
            kind,
            contract,
            quantity,
            unit_price,
            date,
            tax_category,
            notes,
        ) {
            (
                Some(service_code),
                Some(description),
                Some(kind),
                Some(contract),
                Some(quantity),
                Some(unit_price),
                Some(date),
                Some(tax_category),
                Some(notes),
            ) => Some(SalesItem {
                service_code,
                description,
                kind,
                contract,
                quantity,
                unit_price,
                date,
                tax_category,
                notes,
            }),
            _ => None,
        };
        e.finish(item)
    }
}

impl SalesItem {
    /// The form as it would be typed to give this item: what the server stores and sends
    /// back, so a stored item reads back through [`SalesItemDraft::validate`] unchanged.
    pub fn to_draft(&self) -> SalesItemDraft {
        SalesItemDraft {
            service_code: self
                .service_code
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            description: self.description.to_string(),
            kind: self.kind.as_str().to_owned(),
            contract: self.contract.clone().unwrap_or_default(),
            quantity: self.quantity.to_string(),
            unit_price: self.unit_price.amount().normalize().to_string(),
            currency: self.unit_price.currency().as_str().to_owned(),
            date: self.date.to_string(),
            tax_category: self.tax_category.as_str().to_owned(),
            notes: self.notes.as_ref().map(ToString::to_string).unwrap_or_default(),
        }
    }

    /// Quantity × unit price, rounded once to the currency's minor units.
    pub fn total(&self) -> crate::money::Money {
        self.unit_price.times(self.quantity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> SalesItemDraft {
        SalesItemDraft {
            service_code: "hw-switch".into(),
            description: "Switch 24 ports".into(),
            kind: "sale".into(),
            quantity: "2".into(),
            unit_price: "199,90".into(),
            currency: "EUR".into(),
            date: "2026-12-02".into(),
            tax_category: "standard".into(),
            ..SalesItemDraft::default()
        }
    }

    fn codes(d: &SalesItemDraft) -> Vec<(String, Code)> {
        d.validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_valid_item_totals_once() {
        let item = draft().validate().unwrap();
        assert_eq!(item.service_code.as_ref().unwrap().as_str(), "HW-SWITCH");
        assert_eq!(item.total().to_string(), "399.80 EUR");
        assert_eq!(item.contract, None);
    }

    #[test]
    fn every_error_at_once_under_its_field() {
        let d = SalesItemDraft {
            service_code: "ü".into(),
            kind: "prepaid_hours".into(),
            quantity: "0".into(),
            unit_price: "-1".into(),
            currency: "EUR".into(),
            date: "2026-02-30".into(),
            tax_category: "luxury".into(),
            ..SalesItemDraft::default()
        };
        let got = codes(&d);
        let fields: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "service_code",
                "description",
                "contract",
                "quantity",
                "unit_price",
                "date",
                "tax_category"
            ]
        );
        assert!(got.contains(&("contract".into(), Code::Required)));
    }

    #[test]
    fn a_plain_sale_needs_no_contract_and_ignores_one() {
        let d = SalesItemDraft {
            contract: "something".into(),
            ..draft()
        };
        assert_eq!(d.validate().unwrap().contract, None);
    }

    #[test]
    fn the_canonical_draft_reads_back_the_same() {
        let item = SalesItemDraft {
            kind: "prepaid_money".into(),
            contract: "c-1".into(),
            notes: "Second block".into(),
            ..draft()
        }
        .validate()
        .unwrap();
        let back = item.to_draft();
        assert_eq!(back.validate().unwrap(), item);
        assert_eq!(back.validate().unwrap().to_draft(), back);
    }
}
