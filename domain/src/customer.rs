//! What a customer carries after the wizard: billing info and invoice settings (with the
//! one "billing info complete" rule every gate uses), and the portal access of its contacts.

use serde::{Deserialize, Serialize};

use crate::address::{AddressDraft, PostalAddress};
use crate::bank::Iban;
use crate::country::Country;
use crate::email::Email;
use crate::error::{Code, Errors, FieldError};
use crate::locale::Locale;
use crate::money::Currency;
use crate::number::parse_integer;
use crate::onboarding::{Contact, ContactDraft};
use crate::period::choice;
use crate::text::Label;
use crate::vat::VatId;

choice!(
    /// Where the customer sits for VAT: the MSP's own country, another EU country
    /// (business to business), or outside the EU.
    TaxRegion {
        Domestic => "domestic",
        Eu => "eu",
        NonEu => "non_eu",
    }
);

choice!(
    /// How VAT is charged on the customer's invoices.
    TaxTreatment {
        Standard => "standard",
        Exempt => "exempt",
        ReverseCharge => "reverse_charge",
    }
);

choice!(
    /// The layout an invoice is printed with.
    InvoiceTemplate {
        Standard => "standard",
        Detailed => "detailed",
        Compact => "compact",
    }
);

choice!(
    /// How invoices reach the customer.
    InvoiceDelivery {
        Email => "email",
        Post => "post",
    }
);

choice!(
    /// Which ticket e-mails a contact receives.
    NotificationPreference {
        All => "all",
        OwnTickets => "own_tickets",
        None => "none",
    }
);

choice!(
    /// A contact's portal security level, lowest first.
    PortalLevel {
        Standard => "standard",
        Company => "company",
        Manager => "manager",
    }
);

impl PortalLevel {
    fn rank(self) -> u8 {
        match self {
            PortalLevel::Standard => 0,
            PortalLevel::Company => 1,
            PortalLevel::Manager => 2,
        }
    }

    /// The level that decides what a contact sees: the main contact always sees all of
    /// the customer's tickets, so it is at least `Company`.
    pub fn effective(self, is_main: bool) -> PortalLevel {
        if is_main && self == PortalLevel::Standard {
            PortalLevel::Company
        } else {
            self
        }
    }

    /// Sees every ticket of the company, not only their own.
    pub fn sees_company_tickets(self) -> bool {
        self.rank() >= PortalLevel::Company.rank()
    }

    /// A portal manager may manage the customer's contacts, but never give anyone a level
    /// above their own.
    pub fn may_grant(self, level: PortalLevel) -> bool {
        self == PortalLevel::Manager && level.rank() <= self.rank()
    }
}

/// The billing info and invoice settings form, as typed. Every field may be left blank
/// and saved: what is missing is reported by [`BillingInfo::missing`], not refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BillingInfoDraft {
    /// The "attention" line: who invoices are addressed to.
    pub attention: String,
    pub email: String,
    pub address: AddressDraft,
    pub tax_region: String,
    pub tax_id: String,
    pub tax_treatment: String,
    pub currency: String,
    pub payment_terms_days: String,
    pub invoice_template: String,
    pub invoice_language: String,
    pub delivery: String,
    /// The customer's bank account for direct debit (optional).
    pub iban: String,
}

/// Billing info as stored: each part valid or absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BillingInfo {
    pub attention: Option<Label>,
    pub email: Option<Email>,
    pub address: Option<PostalAddress>,
    pub tax_region: Option<TaxRegion>,
    pub tax_id: Option<VatId>,
    pub tax_treatment: TaxTreatment,
    pub currency: Option<Currency>,
    pub payment_terms_days: Option<u32>,
    pub invoice_template: InvoiceTemplate,
    pub invoice_language: Option<Locale>,
    pub delivery: InvoiceDelivery,
    pub iban: Option<Iban>,
}

// `choice!` generates the enum and cannot mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for TaxTreatment {
    fn default() -> Self {
        TaxTreatment::Standard
    }
}

// `choice!` generates the enum and cannot mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for InvoiceTemplate {
    fn default() -> Self {
        InvoiceTemplate::Standard
    }
}

// `choice!` generates the enum and cannot mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for InvoiceDelivery {
    fn default() -> Self {
        InvoiceDelivery::Email
    }
}

/// A part of the billing info that is required before the customer can be billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingGap {
    Attention,
    Email,
    Address,
    TaxRegion,
    TaxId,
    Currency,
    PaymentTerms,
}

impl BillingGap {
    /// The form field this gap belongs to.
    pub fn field(self) -> &'static str {
        match self {
            BillingGap::Attention => "attention",
            BillingGap::Email => "email",
            BillingGap::Address => "address",
            BillingGap::TaxRegion => "tax_region",
            BillingGap::TaxId => "tax_id",
            BillingGap::Currency => "currency",
            BillingGap::PaymentTerms => "payment_terms_days",
        }
    }
}

impl BillingInfo {
    /// What is still missing before the customer can be billed; empty when complete.
    ///
    /// Required: attention line, billing address, tax region, currency and payment terms;
    /// the tax id when the customer is an EU business or billed with reverse charge (the
    /// invoice must show it); the billing e-mail when invoices go out by e-mail.
    pub fn missing(&self) -> Vec<BillingGap> {
        let mut gaps = Vec::new();
        let mut need = |ok: bool, gap| {
            if !ok {
                gaps.push(gap)
            }
        };
        need(self.attention.is_some(), BillingGap::Attention);
        need(
            self.email.is_some() || self.delivery != InvoiceDelivery::Email,
            BillingGap::Email,
        );
        need(self.address.is_some(), BillingGap::Address);
        need(self.tax_region.is_some(), BillingGap::TaxRegion);
        let tax_id_needed = self.tax_region == Some(TaxRegion::Eu) || self.tax_treatment == TaxTreatment::ReverseCharge;
        need(self.tax_id.is_some() || !tax_id_needed, BillingGap::TaxId);
        need(self.currency.is_some(), BillingGap::Currency);
        need(self.payment_terms_days.is_some(), BillingGap::PaymentTerms);
        gaps
    }

    /// The one "billing info complete" rule.
    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }
}

impl BillingInfoDraft {
    /// `home` is the customer's country, for tax ids typed without their prefix.
    pub fn validate(&self, home: Option<Country>) -> Result<BillingInfo, Vec<FieldError>> {
        let mut e = Errors::new("");
        let attention = e.optional("attention", &self.attention, Label::parse);
        let email = e.optional("email", &self.email, Email::parse);
        let address = if self.address.is_blank() {
            Some(None)
        } else {
            e.nested("address", self.address.validate()).map(Some)
        };
        let home = Country::parse(&self.address.country).ok().or(home);
        let tax_region = e.optional("tax_region", &self.tax_region, TaxRegion::parse);
        let tax_id = e.optional("tax_id", &self.tax_id, |s| VatId::parse_with_default(s, home));
        let tax_treatment = e.optional("tax_treatment", &self.tax_treatment, TaxTreatment::parse);
        let currency = e.optional("currency", &self.currency, Currency::parse);
        let payment_terms_days = e.optional("payment_terms_days", &self.payment_terms_days, |s| {
            parse_integer(s, 0, 365)
        });
        let invoice_template = e.optional("invoice_template", &self.invoice_template, InvoiceTemplate::parse);
        let invoice_language = e.optional("invoice_language", &self.invoice_language, |s| {
            Locale::from_tag(s.trim()).ok_or_else(|| {
                FieldError::new(Code::ChoiceInvalid).with(
                    "allowed",
                    Locale::ALL.iter().map(|l| l.tag()).collect::<Vec<_>>().join(", "),
                )
            })
        });
        let delivery = e.optional("delivery", &self.delivery, InvoiceDelivery::parse);
        let iban = e.optional("iban", &self.iban, Iban::parse);
        let info = Some(()).and_then(|()| {
            Some(BillingInfo {
                attention: attention?,
                email: email?,
                address: address?,
                tax_region: tax_region?,
                tax_id: tax_id?,
                tax_treatment: tax_treatment?.unwrap_or_default(),
                currency: currency?,
                payment_terms_days: payment_terms_days?,
                invoice_template: invoice_template?.unwrap_or_default(),
                invoice_language: invoice_language?,
                delivery: delivery?.unwrap_or_default(),
                iban: iban?,
            })
        });
        e.finish(info)
    }
}

impl From<&BillingInfo> for BillingInfoDraft {
    fn from(b: &BillingInfo) -> Self {
        fn s<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        BillingInfoDraft {
            attention: s(&b.attention),
            email: s(&b.email),
            address: b.address.clone().map(AddressDraft::from).unwrap_or_default(),
            tax_region: s(&b.tax_region),
            tax_id: s(&b.tax_id),
            tax_treatment: b.tax_treatment.to_string(),
            currency: s(&b.currency),
            payment_terms_days: s(&b.payment_terms_days),
            invoice_template: b.invoice_template.to_string(),
            invoice_language: b.invoice_language.map(|l| l.tag().to_string()).unwrap_or_default(),
            delivery: b.delivery.to_string(),
            iban: s(&b.iban),
        }
    }
}

/// A contact as the customer page edits it: the person, their notifications and their
/// portal access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactFormDraft {
    #[serde(flatten)]
    pub person: ContactDraft,
    /// Speaks for the company (shown with a self-managed customer profile).
    pub company_contact: bool,
    pub notification_preference: String,
    pub portal_access: bool,
    pub portal_level: String,
}

impl Default for ContactFormDraft {
    fn default() -> Self {
        ContactFormDraft {
            person: ContactDraft::default(),
            company_contact: false,
            notification_preference: NotificationPreference::All.to_string(),
            portal_access: false,
            portal_level: PortalLevel::Standard.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactForm {
    pub person: Contact,
    pub company_contact: bool,
    pub notification_preference: NotificationPreference,
    pub portal_access: bool,
    pub portal_level: PortalLevel,
}

impl ContactFormDraft {
    /// `home` is the customer's country, for phone numbers typed without `+`.
    pub fn validate(&self, home: Option<Country>) -> Result<ContactForm, Vec<FieldError>> {
        let mut e = Errors::new("");
        let person = match self.person.validate(home) {
            Ok(p) => Some(p),
            Err(list) => {
                list.into_iter().for_each(|err| e.push(err));
                None
            }
        };
        let notification_preference = e.check(
            "notification_preference",
            NotificationPreference::parse(&self.notification_preference),
        );
        let portal_level = e.check("portal_level", PortalLevel::parse(&self.portal_level));
        let form = Some(()).and_then(|()| {
            Some(ContactForm {
                person: person?,
                company_contact: self.company_contact,
                notification_preference: notification_preference?,
                portal_access: self.portal_access,
                portal_level: portal_level?,
            })
        });
        e.finish(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> BillingInfoDraft {
        BillingInfoDraft {
            attention: "Buchhaltung".into(),
            email: "rechnung@example.de".into(),
            address: AddressDraft {
                street: "Hauptstraße 1".into(),
                postal_code: "10115".into(),
                city: "Berlin".into(),
                region: String::new(),
                country: "DE".into(),
            },
            tax_region: "domestic".into(),
            tax_id: String::new(),
            tax_treatment: "standard".into(),
            currency: "EUR".into(),
            payment_terms_days: "14".into(),
            invoice_template: "standard".into(),
            invoice_language: "de".into(),
            delivery: "email".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
        }
    }

    #[test]
    fn a_full_domestic_form_is_complete() {
        let info = complete().validate(None).unwrap();
        assert!(info.is_complete(), "{:?}", info.missing());
        assert_eq!(BillingInfoDraft::from(&info).validate(None).unwrap(), info);
        assert_eq!(info.iban.unwrap().to_string(), "DE89370400440532013000");
    }

    #[test]
    fn the_iban_is_optional_but_checked() {
        let no_iban = BillingInfoDraft {
            iban: String::new(),
            ..complete()
        };
        assert_eq!(no_iban.validate(None).unwrap().iban, None);
        let wrong = BillingInfoDraft {
            iban: "DE89 3704 0044 0532 0130 01".into(),
            ..complete()
        };
        let errors = wrong.validate(None).unwrap_err();
        assert_eq!((errors[0].field.as_str(), errors[0].code), ("iban", Code::IbanChecksum));
    }

    #[test]
    fn a_blank_form_saves_and_lists_every_gap() {
        let info = BillingInfoDraft::default().validate(None).unwrap();
        assert_eq!(
            info.missing(),
            vec![
                BillingGap::Attention,
                BillingGap::Email,
                BillingGap::Address,
                BillingGap::TaxRegion,
                BillingGap::Currency,
                BillingGap::PaymentTerms
            ]
        );
    }

    #[test]
    fn tax_id_is_required_for_eu_and_reverse_charge() {
        let mut d = complete();
        d.tax_region = "eu".into();
        assert_eq!(d.validate(None).unwrap().missing(), vec![BillingGap::TaxId]);
        d.tax_region = "domestic".into();
        d.tax_treatment = "reverse_charge".into();
        assert_eq!(d.validate(None).unwrap().missing(), vec![BillingGap::TaxId]);
        d.tax_id = "DE 136 695 976".into();
        assert!(d.validate(None).unwrap().is_complete());
    }

    #[test]
    fn email_is_required_only_for_delivery_by_email() {
        let mut d = complete();
        d.email.clear();
        assert_eq!(d.validate(None).unwrap().missing(), vec![BillingGap::Email]);
        d.delivery = "post".into();
        assert!(d.validate(None).unwrap().is_complete());
    }

    #[test]
    fn invalid_values_are_refused_with_their_fields() {
        let mut d = complete();
        d.email = "nope".into();
        d.tax_id = "DE123".into();
        d.currency = "EURO".into();
        d.payment_terms_days = "400".into();
        d.invoice_language = "fr".into();
        d.address.postal_code = "1011".into();
        let fields: Vec<String> = d
            .validate(None)
            .unwrap_err()
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                "email:email.format",
                "address.postal_code:postal_code.format",
                "tax_id:vat.format",
                "currency:currency.unknown",
                "payment_terms_days:number.max",
                "invoice_language:choice.invalid"
            ]
        );
    }

    #[test]
    fn contact_form_reports_person_and_access_fields() {
        let mut d = ContactFormDraft::default();
        d.person.email = "x".into();
        d.portal_level = "owner".into();
        let fields: Vec<String> = d
            .validate(None)
            .unwrap_err()
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                "first_name:required",
                "last_name:required",
                "email:email.format",
                "portal_level:choice.invalid"
            ]
        );
        d.person.first_name = "Ana".into();
        d.person.last_name = "Núñez".into();
        d.person.email = "ana@example.es".into();
        d.portal_level = "manager".into();
        assert_eq!(d.validate(None).unwrap().portal_level, PortalLevel::Manager);
    }

    #[test]
    fn portal_levels() {
        use PortalLevel::*;
        assert_eq!(Standard.effective(true), Company);
        assert_eq!(Standard.effective(false), Standard);
        assert_eq!(Manager.effective(true), Manager);
        assert!(!Standard.sees_company_tickets());
        assert!(Company.sees_company_tickets() && Manager.sees_company_tickets());
        assert!(Manager.may_grant(Manager) && Manager.may_grant(Standard));
        assert!(!Company.may_grant(Standard), "only managers manage contacts");
    }
}
