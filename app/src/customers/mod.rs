//! Customers: the new-customer wizard, the customer list and the customer page.

#[cfg(feature = "ssr")]
pub mod db;
mod list;
mod page;
pub mod wizard;

pub use list::CustomersPage;
pub use page::CustomerPage;
pub use wizard::NewCustomerPage;

use chrono::{DateTime, NaiveDate, Utc};
use domain::NewCustomerDraft;
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

/// One row of the customer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: Uuid,
    pub name: String,
    pub domains: Vec<String>,
    pub main_contact: Option<String>,
    pub contracts: i64,
    pub created_at: DateTime<Utc>,
}

/// Everything the customer page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: Uuid,
    pub name: String,
    pub rank: Option<String>,
    pub tax_id: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub address: Vec<String>,
    pub domains: Vec<String>,
    pub sla: Option<NamedRef>,
    pub alert_profile: Option<NamedRef>,
    pub contracts: Vec<ContractView>,
    pub contacts: Vec<ContactView>,
    pub created_at: DateTime<Utc>,
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
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub job_title: Option<String>,
    pub is_main: bool,
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

#[server(prefix = "/api", endpoint = "customers/list")]
pub async fn list_customers() -> Result<Vec<CustomerRow>, AppError> {
    crate::server::gate(crate::auth::Permission::SeeCustomers, |ctx| async move {
        db::list(&ctx.pool).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "customers/get")]
pub async fn get_customer(id: Uuid) -> Result<CustomerDetail, AppError> {
    crate::server::gate(crate::auth::Permission::SeeCustomers, |ctx| async move {
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
