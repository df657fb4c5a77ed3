//! `/customers`: the customer list — searched, filtered and paged on the server, so it
//! stays fast at 100,000 customers (keyset paging, never OFFSET).

#[cfg(feature = "ssr")]
pub(crate) mod db;
mod view;

#[cfg(feature = "ssr")]
pub use db::{USES_SERVICES, push_no_active_contract, push_scope};
pub use view::CustomersPage;
pub(crate) use view::urlencode;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListSort {
    #[default]
    Name,
    NameDesc,
    Newest,
    Oldest,
}

impl ListSort {
    pub const ALL: [ListSort; 4] = [ListSort::Name, ListSort::NameDesc, ListSort::Newest, ListSort::Oldest];

    pub fn as_str(self) -> &'static str {
        match self {
            ListSort::Name => "name",
            ListSort::NameDesc => "name_desc",
            ListSort::Newest => "newest",
            ListSort::Oldest => "oldest",
        }
    }

    pub fn parse(s: &str) -> ListSort {
        ListSort::ALL.into_iter().find(|v| v.as_str() == s).unwrap_or_default()
    }
}

/// Parent/child filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// Customers that have children.
    Parents,
    /// Customers that have a parent.
    Children,
}

/// What the list shows: search text, filters, sort and the page boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Matches name, domain, tax id, contact name and contact e-mail.
    pub q: String,
    pub missing_billing: bool,
    pub no_contract: bool,
    /// No contract that is active today (drafts and ended contracts do not count): the
    /// contract wizard's "only customers without a contract".
    pub no_active_contract: bool,
    /// At least one service in use (a latest reading above zero).
    pub uses_services: bool,
    pub structure: Option<Structure>,
    pub account_manager: Option<Uuid>,
    /// Archived customers instead of active ones.
    pub archived: bool,
    pub sort: ListSort,
    /// The page after this customer (its id), in `sort` order.
    pub after: Option<Uuid>,
    /// The page before this customer.
    pub before: Option<Uuid>,
}

/// One row of the customer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: Uuid,
    pub name: String,
    pub domains: Vec<String>,
    pub main_contact: Option<String>,
    pub contracts: i64,
    pub billing_complete: bool,
    pub account_manager: Option<String>,
    pub parent: Option<String>,
    pub children: i64,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    pub rows: Vec<CustomerRow>,
    pub has_prev: bool,
    pub has_next: bool,
}

/// One page of customers. A staff member restricted to their accounts sees only those.
#[server(prefix = "/api", endpoint = "customers/list", input = Json)]
pub async fn list_customers(query: ListQuery) -> Result<ListPage, AppError> {
    crate::server::gate(crate::auth::Permission::SeeCustomers, |ctx| async move {
        db::page(&ctx.pool, &ctx.user, &query).await
    })
    .await
}

/// How many active customers lack billing info (the list's banner).
#[server(prefix = "/api", endpoint = "customers/billing-gaps")]
pub async fn count_missing_billing() -> Result<i64, AppError> {
    crate::server::gate(crate::auth::Permission::SeeCustomers, |ctx| async move {
        db::count_missing_billing(&ctx.pool, &ctx.user).await
    })
    .await
}
