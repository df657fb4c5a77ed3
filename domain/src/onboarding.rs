//! The new-customer wizard's payload: what the browser keeps in localStorage and posts
//! (`NewCustomerDraft`, strings as typed), and what validation turns it into (`NewCustomer`).
//! The browser and the server run the same `validate`, so they give the same verdict.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::address::{AddressDraft, PostalAddress};
use crate::contract::{Contract, ContractDraft};
use crate::country::Country;
use crate::domain_name::Domain;
use crate::email::Email;
use crate::error::{Code, Errors, FieldError, indexed};
use crate::period::choice;
use crate::phone::Phone;
use crate::sla::{AlertProfile, AlertProfileDraft, Sla, SlaDraft};
use crate::text::{CustomerName, Label, PersonName};
use crate::value::string_value;
use crate::vat::VatId;

choice!(
    /// The wizard's four steps, in order.
    WizardStep {
        Customer => "customer",
        Contract => "contract",
        SlaAndAlerts => "sla_and_alerts",
        Contact => "contact",
    }
);

/// The id of an existing record (shared SLA, threshold profile): opaque to this crate,
/// a bigint or a UUID in its text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecordId(String);

impl RecordId {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        if s.len() > 64 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(FieldError::new(Code::IdFormat));
        }
        Ok(RecordId(s.to_owned()))
    }
}

string_value!(RecordId);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerDraft {
    pub name: String,
    /// Internal only; has no effect anywhere.
    pub rank: String,
    /// E-mail domains, one per input; blank rows are ignored.
    pub domains: Vec<String>,
    pub tax_id: String,
    pub phone: String,
    pub fax: String,
    pub address: AddressDraft,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactDraft {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub mobile: String,
    pub job_title: String,
}

/// Pick a shared SLA / profile, define one just for this customer, or leave it for later.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
// One per form: boxing would only make the UI's pattern matches noisier.
#[allow(clippy::large_enum_variant)]
pub enum SlaChoiceDraft {
    #[default]
    None,
    Shared {
        id: String,
    },
    Custom(SlaDraft),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum AlertProfileChoiceDraft {
    #[default]
    None,
    Shared {
        id: String,
    },
    Custom(AlertProfileDraft),
}

/// The whole wizard. `contract: None` means the contract step was skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewCustomerDraft {
    pub customer: CustomerDraft,
    pub contract: Option<ContractDraft>,
    pub sla: SlaChoiceDraft,
    pub alert_profile: AlertProfileChoiceDraft,
    pub contact: ContactDraft,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    pub name: CustomerName,
    pub rank: Option<Label>,
    pub domains: Vec<Domain>,
    pub tax_id: Option<VatId>,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    /// The home country, also when no full address was given.
    pub country: Option<Country>,
    pub address: Option<PostalAddress>,
}

/// The customer's first contact, who becomes its main contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub phone: Option<Phone>,
    pub mobile: Option<Phone>,
    pub job_title: Option<Label>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum SlaChoice {
    Shared { id: RecordId },
    Custom(Sla),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum AlertProfileChoice {
    Shared { id: RecordId },
    Custom(AlertProfile),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCustomer {
    pub customer: Customer,
    pub contract: Option<Contract>,
    pub sla: Option<SlaChoice>,
    pub alert_profile: Option<AlertProfileChoice>,
    pub contact: Contact,
}

impl CustomerDraft {
    /// The country phone numbers and tax ids without prefix are read in, if one is chosen.
    pub fn home_country(&self) -> Option<Country> {
        Country::parse(&self.address.country).ok()
    }

    pub fn validate(&self) -> Result<Customer, Vec<FieldError>> {
        let mut e = Errors::new("");
        let name = e.check("name", CustomerName::parse(&self.name));
        let rank = e.optional("rank", &self.rank, Label::parse);
        let mut seen = BTreeSet::new();
        let mut domains = Some(Vec::new());
        for (i, raw) in self.domains.iter().enumerate().filter(|(_, d)| !d.trim().is_empty()) {
            let path = indexed("domains", i);
            match e.check(&path, Domain::parse_customer_domain(raw)) {
                Some(d) if !seen.insert(d.clone()) => {
                    e.push(FieldError::new(Code::Duplicate).at(&path));
                    domains = None;
                }
                Some(d) => domains.iter_mut().for_each(|list| list.push(d.clone())),
                None => domains = None,
            }
        }
        let country_field = self.address.country.trim();
        let country = if country_field.is_empty() {
            Some(None)
        } else {
            e.check("address.country", Country::parse(country_field)).map(Some)
        };
        let home = country.flatten();
        let tax_id = e.optional("tax_id", &self.tax_id, |s| VatId::parse_with_default(s, home));
        let phone = e.optional("phone", &self.phone, |s| Phone::parse_with_default(s, home));
        let fax = e.optional("fax", &self.fax, |s| Phone::parse_with_default(s, home));
        let address = if self.address.is_blank() {
            Some(None)
        } else {
            let mut result = self.address.validate();
            // The country's own error is already reported above.
            if let Err(list) = &mut result {
                list.retain(|err| !(err.field == "country" && err.code == Code::CountryUnknown));
            }
            e.nested("address", result).map(Some)
        };
        let customer = Some(()).and_then(|()| {
            Some(Customer {
                name: name?,
                rank: rank?,
                domains: domains?,
                tax_id: tax_id?,
                phone: phone?,
                fax: fax?,
                country: country?,
                address: address?,
            })
        });
        e.finish(customer)
    }
}

impl ContactDraft {
    /// `home` is the customer's country, for phone numbers typed without `+`.
    pub fn validate(&self, home: Option<Country>) -> Result<Contact, Vec<FieldError>> {
        let mut e = Errors::new("");
        let first_name = e.check("first_name", PersonName::parse(&self.first_name));
        let last_name = e.check("last_name", PersonName::parse(&self.last_name));
        let email = e.check("email", Email::parse(&self.email));
        let phone = e.optional("phone", &self.phone, |s| Phone::parse_with_default(s, home));
        let mobile = e.optional("mobile", &self.mobile, |s| Phone::parse_with_default(s, home));
        let job_title = e.optional("job_title", &self.job_title, Label::parse);
        let contact = Some(()).and_then(|()| {
            Some(Contact {
                first_name: first_name?,
                last_name: last_name?,
                email: email?,
                phone: phone?,
                mobile: mobile?,
                job_title: job_title?,
            })
        });
        e.finish(contact)
    }
}

impl SlaChoiceDraft {
    pub fn validate(&self) -> Result<Option<SlaChoice>, Vec<FieldError>> {
        match self {
            SlaChoiceDraft::None => Ok(None),
            SlaChoiceDraft::Shared { id } => RecordId::parse(id)
                .map(|id| Some(SlaChoice::Shared { id }))
                .map_err(|e| vec![e.at("id")]),
            SlaChoiceDraft::Custom(d) => d.validate().map(|s| Some(SlaChoice::Custom(s))),
        }
    }
}

impl AlertProfileChoiceDraft {
    pub fn validate(&self) -> Result<Option<AlertProfileChoice>, Vec<FieldError>> {
        match self {
            AlertProfileChoiceDraft::None => Ok(None),
            AlertProfileChoiceDraft::Shared { id } => RecordId::parse(id)
                .map(|id| Some(AlertProfileChoice::Shared { id }))
                .map_err(|e| vec![e.at("id")]),
            AlertProfileChoiceDraft::Custom(d) => d.validate().map(|p| Some(AlertProfileChoice::Custom(p))),
        }
    }
}

impl NewCustomerDraft {
    /// Every field's error at once, with full paths (`customer.name`,
    /// `contract.parts[1].rate`, `sla.targets.high.resolution_minutes`, `contact.email`).
    pub fn validate(&self) -> Result<NewCustomer, Vec<FieldError>> {
        let mut e = Errors::new("");
        let customer = e.nested("customer", self.customer.validate());
        let contract = match &self.contract {
            None => Some(None),
            Some(c) => e.nested("contract", c.validate()).map(Some),
        };
        let sla = e.nested("sla", self.sla.validate());
        let alert_profile = e.nested("alert_profile", self.alert_profile.validate());
        let contact = e.nested("contact", self.contact.validate(self.customer.home_country()));
        let all = Some(()).and_then(|()| {
            Some(NewCustomer {
                customer: customer?,
                contract: contract?,
                sla: sla?,
                alert_profile: alert_profile?,
                contact: contact?,
            })
        });
        e.finish(all)
    }

    /// The errors of one step only (what "Next" shows), with the same full paths.
    pub fn validate_step(&self, step: WizardStep) -> Vec<FieldError> {
        let mut e = Errors::new("");
        match step {
            WizardStep::Customer => {
                e.nested("customer", self.customer.validate());
            }
            WizardStep::Contract => {
                if let Some(c) = &self.contract {
                    e.nested("contract", c.validate());
                }
            }
            WizardStep::SlaAndAlerts => {
                e.nested("sla", self.sla.validate());
                e.nested("alert_profile", self.alert_profile.validate());
            }
            WizardStep::Contact => {
                e.nested("contact", self.contact.validate(self.customer.home_country()));
            }
        }
        e.into_vec()
    }

    /// The step a field path belongs to, to send the user to the first server-side error.
    pub fn step_of(field: &str) -> Option<WizardStep> {
        let head = field.split(['.', '[']).next()?;
        match head {
            "customer" => Some(WizardStep::Customer),
            "contract" => Some(WizardStep::Contract),
            "sla" | "alert_profile" => Some(WizardStep::SlaAndAlerts),
            "contact" => Some(WizardStep::Contact),
            _ => None,
        }
    }
}
