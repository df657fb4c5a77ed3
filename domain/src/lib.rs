//! Onboard's shared rules. Pure: no leptos, sqlx or tokio anywhere in this crate's
//! dependency tree, so the same code runs in the browser (WASM) and on the server.

pub mod address;
pub mod bank;
pub mod billing_period;
pub mod catalogue;
pub mod charges;
pub mod check;
pub mod company;
pub mod contract;
pub mod contract_change;
pub mod country;
pub mod customer;
pub mod domain_name;
pub mod email;
pub mod error;
pub mod format;
pub mod invoice_draft;
pub mod locale;
pub mod mail_route;
pub mod mail_text;
pub mod money;
pub mod number;
pub mod numbering;
pub mod onboarding;
pub mod period;
pub mod phone;
pub mod prefill;
pub mod prepaid;
pub mod rules;
pub mod sales;
pub mod settlement;
pub mod sla;
pub mod sla_clock;
pub mod tax;
pub mod text;
pub mod ticket;
pub mod time_entry;
pub mod usage;
mod value;
pub mod vat;

pub use address::{AddressDraft, PostalAddress, PostalCode};
pub use bank::{Bic, Iban, MandateReference};
pub use catalogue::{RevenueAccount, Service, ServiceCode, ServiceDraft, ServiceKind, ServiceMeasure, TaxCategory};
pub use contract::{
    BackupUnit, Contract, ContractDraft, ContractHeader, ContractPart, ContractPartDraft, ContractTerms, ContractType,
    DeviceCategory, PaymentMethod, PaymentMethodKind,
};
pub use contract_change::{ContractStatus, PartVersion, PartVersionDraft, RoundingRule};
pub use country::Country;
pub use customer::{
    BillingGap, BillingInfo, BillingInfoDraft, ContactForm, ContactFormDraft, InvoiceDelivery, InvoiceTemplate,
    NotificationPreference, PortalLevel, TaxRegion, TaxTreatment,
};
pub use domain_name::Domain;
pub use email::Email;
pub use error::{Code, Errors, FieldError, FieldErrors};
pub use format::{format_date, format_decimal, format_money};
pub use locale::Locale;
pub use money::{Currency, Money, Percentage, Quantity, UnitPrice};
pub use onboarding::{
    AlertProfileChoice, AlertProfileChoiceDraft, Contact, ContactDraft, Customer, CustomerDraft, NewCustomer,
    NewCustomerDraft, RecordId, SlaChoice, SlaChoiceDraft, WizardStep,
};
pub use period::{BillingCycle, BillingTiming, DateRange, parse_date};
pub use phone::Phone;
pub use sales::{SalesItem, SalesItemDraft, SalesItemKind};
pub use sla::{
    AlertProfile, AlertProfileDraft, AlertThreshold, AlertThresholdDraft, BusinessHours, DaySpan, DaySpanDraft,
    Holidays, Metric, NationalHolidays, Operator, Priority, ResponseTarget, ResponseTargetDraft, Severity, Sla,
    SlaDraft, SlaTargets, SlaTargetsDraft, TimeOfDay, TimeZoneName, Weekday,
};
pub use text::{AddressLine, CustomerName, Label, Notes, PersonName};
pub use ticket::{NewTicket, TicketDraft, TicketSource, TicketStatus};
pub use time_entry::{TimeCoverage, TimeEntry, TimeEntryDraft, TimeEntryStatus, WorkType};
pub use usage::{CustomerRef, CustomerRefDraft, SourceLabel, UsageQuantity, UsageReading, UsageReadingDraft};
pub use vat::{TaxIdKind, VatId};
