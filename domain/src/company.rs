//! The MSP's own company (Settings → Invoicing): the seller on every invoice. What an
//! invoice must show of its issuer in Germany (§14 Abs. 4 UStG: full name and address, the
//! tax number or the VAT id; §35a GmbHG: register court and number, managing directors) and
//! in Spain (RD 1619/2012 art. 6: name, NIF, address) — plus the bank account customers pay
//! to, the tax area whose rates apply and the time zone "today" is counted in.
//! [`Company::missing`] says what keeps the invoice run from starting.

use serde::{Deserialize, Serialize};

use crate::address::{AddressDraft, PostalAddress};
use crate::bank::{Bic, Iban};
use crate::country::Country;
use crate::email::Email;
use crate::error::{Code, Errors, FieldError};
use crate::sla::TimeZoneName;
use crate::tax::TaxArea;
use crate::text::{CustomerName, Label};
use crate::value::string_value;
use crate::vat::VatId;

/// A German tax number (Steuernummer) as the tax office writes it: 10 to 13 digits,
/// grouped by `/` or spaces (`12/345/67890`, `2893081508152`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxNumber(String);

impl TaxNumber {
    pub fn parse(input: &str) -> Result<TaxNumber, FieldError> {
        let s = input.trim();
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if !s.chars().all(|c| c.is_ascii_digit() || c == '/' || c == ' ') || !(10..=13).contains(&digits) {
            return Err(FieldError::new(Code::TaxNumberFormat));
        }
        Ok(TaxNumber(s.split_whitespace().collect::<Vec<_>>().join(" ")))
    }
}

string_value!(TaxNumber);

/// The form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompanyDraft {
    pub legal_name: String,
    pub address: AddressDraft,
    pub vat_id: String,
    pub tax_number: String,
    /// Register court and number, e.g. "Amtsgericht München, HRB 123456".
    pub commercial_register: String,
    pub managing_directors: String,
    pub email: String,
    pub bank_name: String,
    pub iban: String,
    pub bic: String,
    pub tax_area: String,
    pub time_zone: String,
}

impl Default for CompanyDraft {
    fn default() -> Self {
        CompanyDraft {
            legal_name: String::new(),
            address: AddressDraft::default(),
            vat_id: String::new(),
            tax_number: String::new(),
            commercial_register: String::new(),
            managing_directors: String::new(),
            email: String::new(),
            bank_name: String::new(),
            iban: String::new(),
            bic: String::new(),
            tax_area: TaxArea::Germany.to_string(),
            time_zone: "Europe/Berlin".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Company {
    pub legal_name: CustomerName,
    pub address: Option<PostalAddress>,
    pub vat_id: Option<VatId>,
    pub tax_number: Option<TaxNumber>,
    pub commercial_register: Option<Label>,
    pub managing_directors: Option<Label>,
    pub email: Option<Email>,
    pub bank_name: Option<Label>,
    pub iban: Option<Iban>,
    pub bic: Option<Bic>,
    pub tax_area: TaxArea,
    pub time_zone: TimeZoneName,
}

/// What keeps the company from issuing invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyGap {
    Address,
    /// Germany: the tax number or the VAT id; Spain: the NIF (as VAT id).
    TaxId,
    /// The account customers pay to.
    BankAccount,
}

impl CompanyGap {
    pub fn field(self) -> &'static str {
        match self {
            CompanyGap::Address => "address",
            CompanyGap::TaxId => "vat_id",
            CompanyGap::BankAccount => "iban",
        }
    }
}

impl Company {
    /// What is missing before invoices can be issued; empty when complete.
    pub fn missing(&self) -> Vec<CompanyGap> {
        let mut gaps = Vec::new();
        if self.address.is_none() {
            gaps.push(CompanyGap::Address);
        }
        let tax_id = match self.tax_area {
            TaxArea::Germany => self.vat_id.is_some() || self.tax_number.is_some(),
            TaxArea::Spain | TaxArea::CanaryIslands => self.vat_id.is_some(),
        };
        if !tax_id {
            gaps.push(CompanyGap::TaxId);
        }
        if self.iban.is_none() {
            gaps.push(CompanyGap::BankAccount);
        }
        gaps
    }
}

impl CompanyDraft {
    pub fn validate(&self) -> Result<Company, Vec<FieldError>> {
        let mut e = Errors::new("");
        let legal_name = e.check("legal_name", CustomerName::parse(&self.legal_name));
        let address = if self.address.is_blank() {
            Some(None)
        } else {
            e.nested("address", self.address.validate()).map(Some)
        };
        let home = Country::parse(&self.address.country).ok();
        let vat_id = e.optional("vat_id", &self.vat_id, |s| VatId::parse_with_default(s, home));
        let tax_number = e.optional("tax_number", &self.tax_number, TaxNumber::parse);
        let commercial_register = e.optional("commercial_register", &self.commercial_register, Label::parse);
        let managing_directors = e.optional("managing_directors", &self.managing_directors, Label::parse);
        let email = e.optional("email", &self.email, Email::parse);
        let bank_name = e.optional("bank_name", &self.bank_name, Label::parse);
        let iban = e.optional("iban", &self.iban, Iban::parse);
        let bic = e.optional("bic", &self.bic, Bic::parse);
        let tax_area = e.check("tax_area", TaxArea::parse(&self.tax_area));
        let time_zone = e.check("time_zone", TimeZoneName::parse(&self.time_zone));
        let company = Some(()).and_then(|()| {
            Some(Company {
                legal_name: legal_name?,
                address: address?,
                vat_id: vat_id?,
                tax_number: tax_number?,
                commercial_register: commercial_register?,
                managing_directors: managing_directors?,
                email: email?,
                bank_name: bank_name?,
                iban: iban?,
                bic: bic?,
                tax_area: tax_area?,
                time_zone: time_zone?,
            })
        });
        e.finish(company)
    }
}

impl From<&Company> for CompanyDraft {
    fn from(c: &Company) -> Self {
        fn s<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        CompanyDraft {
            legal_name: c.legal_name.to_string(),
            address: c.address.clone().map(AddressDraft::from).unwrap_or_default(),
            vat_id: s(&c.vat_id),
            tax_number: c.tax_number.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default(),
            commercial_register: s(&c.commercial_register),
            managing_directors: s(&c.managing_directors),
            email: s(&c.email),
            bank_name: s(&c.bank_name),
            iban: s(&c.iban),
            bic: s(&c.bic),
            tax_area: c.tax_area.to_string(),
            time_zone: c.time_zone.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> CompanyDraft {
        CompanyDraft {
            legal_name: "Muster IT GmbH".into(),
            address: AddressDraft {
                street: "Hauptstraße 1".into(),
                postal_code: "80331".into(),
                city: "München".into(),
                region: String::new(),
                country: "DE".into(),
            },
            tax_number: "143/123/45678".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            ..CompanyDraft::default()
        }
    }

    #[test]
    fn a_complete_german_company_may_invoice() {
        let c = draft().validate().unwrap();
        assert!(c.missing().is_empty(), "{:?}", c.missing());
        assert_eq!(CompanyDraft::from(&c).validate().unwrap(), c, "round trip");
    }

    #[test]
    fn what_is_missing_is_named() {
        let c = CompanyDraft {
            legal_name: "Muster SL".into(),
            tax_area: "es".into(),
            time_zone: "Europe/Madrid".into(),
            ..CompanyDraft::default()
        }
        .validate()
        .unwrap();
        assert_eq!(
            c.missing(),
            [CompanyGap::Address, CompanyGap::TaxId, CompanyGap::BankAccount]
        );
        // a Spanish company needs its NIF: a German tax number does not do
        let mut spanish = draft();
        spanish.tax_area = "es".into();
        assert_eq!(spanish.validate().unwrap().missing(), [CompanyGap::TaxId]);
    }

    #[test]
    fn bad_input_names_its_field() {
        let mut d = draft();
        d.legal_name = " ".into();
        d.tax_number = "12/34".into();
        d.tax_area = "fr".into();
        d.time_zone = "Berlin".into();
        let fields: Vec<(String, Code)> = d
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("legal_name".to_string(), Code::Required),
                ("tax_number".to_string(), Code::TaxNumberFormat),
                ("tax_area".to_string(), Code::ChoiceInvalid),
                ("time_zone".to_string(), Code::TimeZoneFormat),
            ]
        );
        assert_eq!(TaxNumber::parse(" 2893081508152 ").unwrap().as_str(), "2893081508152");
    }
}
