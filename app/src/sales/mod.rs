//! Sales items (Sales & billing → Sales items, and a tab on the customer page): one-off
//! sales billed by the invoice run on their date. Admins and billing admins manage them.
//! Creating one for a customer, or moving one to another customer, passes the billing-info
//! gate first (`crate::server::billing_gate`); once invoiced an item is locked.

#[cfg(feature = "ssr")]
mod db;
mod form;
mod list;

pub use form::SalesItemPage;
pub use list::{SalesItemsList, SalesNav, SalesPage};

/// The page of the Sales & billing route: one sales item when the path names one.
#[component]
pub fn SalesSection() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    if params.with_untracked(|p| p.get("id").is_some()) {
        view! { <SalesItemPage /> }.into_any()
    } else {
        view! { <SalesPage /> }.into_any()
    }
}

use chrono::NaiveDate;
use domain::SalesItemDraft;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

/// One sales item as listed and edited: the form in canonical form and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SalesItemRow {
    pub id: Uuid,
    pub version: i32,
    pub customer: Uuid,
    pub customer_name: String,
    pub item: SalesItemDraft,
    /// On an issued invoice: read-only from now on.
    pub invoiced: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Which items a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesStatus {
    #[default]
    All,
    Open,
    Invoiced,
}

/// Where a page ends: keyset paging on (date, id), newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesCursor {
    pub date: NaiveDate,
    pub id: Uuid,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SalesQuery {
    pub customer: Option<Uuid>,
    pub status: SalesStatus,
    pub after: Option<SalesCursor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SalesPageRows {
    pub rows: Vec<SalesItemRow>,
    /// The cursor of the next page, when there is one.
    pub next: Option<SalesCursor>,
}

/// A block contract a prepaid item can top up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockContract {
    pub id: Uuid,
    pub name: String,
    /// `block_hours` or `block_money`.
    pub contract_type: String,
}

/// Sales items, newest first; a staff member restricted to their accounts sees only theirs.
#[server(prefix = "/api", endpoint = "sales/list", input = Json)]
pub async fn list_sales_items(query: SalesQuery) -> Result<SalesPageRows, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        if let Some(customer) = query.customer {
            crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        }
        db::page(&ctx.pool, &ctx.user, &query).await
    })
    .await
}

/// One sales item.
#[server(prefix = "/api", endpoint = "sales/get")]
pub async fn get_sales_item(id: Uuid) -> Result<SalesItemRow, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        let row = db::get(&ctx.pool, id).await?;
        crate::server::check_customer_scope(&ctx.pool, &ctx.user, row.customer).await?;
        Ok(row)
    })
    .await
}

/// Creates a sales item once per `idempotency_key`. Refused with `billing_info_required`
/// (nothing written) while the customer's billing info is incomplete.
#[server(prefix = "/api", endpoint = "sales/create", input = Json)]
pub async fn create_sales_item(
    idempotency_key: Uuid,
    customer: Uuid,
    item: SalesItemDraft,
) -> Result<SalesItemRow, AppError> {
    crate::server::gate_customer(Permission::ManageSales, customer, |ctx| async move {
        let valid = item.validate()?;
        db::create(&ctx.pool, ctx.user.id, idempotency_key, customer, &valid).await
    })
    .await
}

/// Changes a sales item loaded at `version`; a different `customer` moves it there, which
/// passes the billing-info gate for that customer. Invoiced items are locked.
#[server(prefix = "/api", endpoint = "sales/save", input = Json)]
pub async fn save_sales_item(
    id: Uuid,
    version: i32,
    customer: Uuid,
    item: SalesItemDraft,
) -> Result<SalesItemRow, AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
        let valid = item.validate()?;
        db::save(&ctx, id, version, customer, &valid).await
    })
    .await
}

/// Deletes a sales item that is not invoiced.
#[server(prefix = "/api", endpoint = "sales/delete", input = Json)]
pub async fn delete_sales_item(id: Uuid, version: i32) -> Result<(), AppError> {
    crate::server::gate(Permission::ManageSales, |ctx| async move {
        db::delete(&ctx, id, version).await
    })
    .await
}

/// The block contracts of `customer` a prepaid item can top up.
#[server(prefix = "/api", endpoint = "sales/block-contracts")]
pub async fn block_contracts(customer: Uuid) -> Result<Vec<BlockContract>, AppError> {
    crate::server::gate_customer(Permission::ManageSales, customer, |ctx| async move {
        db::block_contracts(&ctx.pool, customer).await
    })
    .await
}
