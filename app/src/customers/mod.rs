//! Customers: the new-customer wizard, the customer list and the customer page with its
//! tabs. Each editable part of a customer (profile, billing info, contacts, team, portal
//! settings, parent/child structure) has its server functions in its own module here and
//! its view under `page/`.

pub mod audit;
pub mod billing;
pub mod contacts;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod edit;
pub mod list;
mod page;
pub mod portal;
pub mod profile;
pub mod service_level;
pub mod structure;
pub mod team;
pub mod wizard;

pub use list::CustomersPage;
pub use page::{BillingForm, CustomerPage, billing_field_label};
pub use wizard::NewCustomerPage;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{BillingGap, BillingInfoDraft, ContactFormDraft, CustomerDraft, NewCustomerDraft};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// A shared SLA or alert threshold profile, offered in the wizard's third step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedOption {
    pub id: Uuid,
    pub name: String,
}

/// An existing customer that looks like the one being created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    pub id: Uuid,
    pub name: String,
    /// `name` or the (Unicode) domain both share.
    pub reason: DuplicateReason,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DuplicateReason {
    SameName,
    SameDomain(String),
}

/// Everything the customer page shows, and what its editors start from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: Uuid,
    pub name: String,
    /// The customer row's version; every editor of the row sends it back.
    pub version: i32,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub profile: CustomerDraft,
    pub billing: BillingInfoDraft,
    /// What billing info still lacks (empty: complete).
    pub billing_gaps: Vec<BillingGap>,
    pub portal: portal::PortalSettings,
    pub structure: structure::StructureDraft,
    pub parent: Option<NamedRef>,
    pub children: Vec<structure::ChildRef>,
    pub team: team::TeamDraft,
    /// Names of the account manager and team members, by id.
    pub staff_names: Vec<(Uuid, String)>,
    pub sla: Option<NamedRef>,
    pub alert_profile: Option<NamedRef>,
    pub contracts: Vec<ContractView>,
    /// Active contacts first (main contact first), then archived ones.
    pub contacts: Vec<ContactView>,
}

impl CustomerDetail {
    pub fn staff_name(&self, id: Uuid) -> String {
        self.staff_names
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedRef {
    pub id: Uuid,
    pub name: String,
    /// Shared by many customers, or custom to this one.
    pub shared: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractView {
    pub id: Uuid,
    pub name: String,
    /// Active and not ended today (what "has a contract" means for billing).
    pub in_force: bool,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub billing_cycle: String,
    pub billing_timing: String,
    pub currency: String,
    pub payment_terms_days: i32,
    pub payment_method: String,
    pub iban: Option<String>,
    pub parts: Vec<PartView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartView {
    pub contract_type: String,
    pub description: Option<String>,
    /// The type's terms as (field, value) pairs, values in their canonical form.
    pub terms: Vec<(String, TermValue)>,
}

/// One value of a contract part's terms, as stored (`domain::ContractTerms` as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TermValue {
    /// A price or amount: a decimal string and its currency.
    Money {
        amount: String,
        currency: String,
    },
    Text {
        value: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactView {
    pub id: Uuid,
    pub version: i32,
    pub is_main: bool,
    pub archived: bool,
    pub form: ContactFormDraft,
}

impl ContactView {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.form.person.first_name, self.form.person.last_name)
    }
}

/// Creates a customer with its contract, SLA and alert profile choices and first (main)
/// contact, all or nothing. The same `idempotency_key` sent again returns the first
/// result instead of creating a second customer. Admins only.
#[server(prefix = "/api", endpoint = "customers/create", input = Json)]
pub async fn create_customer(draft: NewCustomerDraft, idempotency_key: Uuid) -> Result<Uuid, AppError> {
    crate::server::gate(crate::auth::Permission::CreateCustomer, |ctx| async move {
        let new = draft.validate()?;
        db::create(&ctx.pool, ctx.user.id, idempotency_key, &draft, new).await
    })
    .await
}

/// Existing customers with the same name or one of the same domains (a warning before
/// creating, not a refusal: two customers may share a name).
#[server(prefix = "/api", endpoint = "customers/duplicates", input = Json)]
pub async fn find_duplicates(name: String, domains: Vec<String>) -> Result<Vec<Duplicate>, AppError> {
    crate::server::gate(crate::auth::Permission::SeeCustomers, |ctx| async move {
        let domains: Vec<String> = domains
            .iter()
            .filter_map(|d| domain::Domain::parse(d).ok())
            .map(|d| d.to_string())
            .collect();
        db::duplicates(&ctx.pool, name.trim(), &domains).await
    })
    .await
}

/// The customer page's data. A restricted staff member off the customer's team gets
/// `not_on_team` (403), which the page explains.
#[server(prefix = "/api", endpoint = "customers/get")]
pub async fn get_customer(id: Uuid) -> Result<CustomerDetail, AppError> {
    crate::server::gate_customer(crate::auth::Permission::SeeCustomers, id, |ctx| async move {
        db::detail(&ctx.pool, id).await
    })
    .await
}

/// The shared SLAs and alert threshold profiles to pick from.
#[server(prefix = "/api", endpoint = "customers/shared-options")]
pub async fn shared_options() -> Result<(Vec<SharedOption>, Vec<SharedOption>), AppError> {
    crate::server::gate(crate::auth::Permission::SeeCustomers, |ctx| async move {
        Ok((
            db::shared(&ctx.pool, "slas").await?,
            db::shared(&ctx.pool, "alert_profiles").await?,
        ))
    })
    .await
}
