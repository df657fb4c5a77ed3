//! The service catalogue (Settings → Services): what the MSP sells, by code. Every staff
//! member reads it (tickets, time and contracts name its services); admins and billing
//! admins write it. A save writes a new version, so what a contract was agreed on stays.

#[cfg(feature = "ssr")]
mod db;
mod page;

pub use page::ServicesPage;

use domain::ServiceDraft;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// A service as listed: its current state, in canonical form, and its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: Uuid,
    pub version: i32,
    pub service: ServiceDraft,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// One saved state of a service, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceVersion {
    pub version: i32,
    pub service: ServiceDraft,
    pub saved_by: Option<String>,
    pub saved_at: chrono::DateTime<chrono::Utc>,
}

/// The catalogue by name; archived services only when asked for.
#[server(prefix = "/api", endpoint = "catalogue/list")]
pub async fn list_services(include_archived: bool) -> Result<Vec<CatalogueEntry>, AppError> {
    crate::server::gate(crate::auth::Permission::ReadBilling, |ctx| async move {
        db::list(&ctx.pool, include_archived).await
    })
    .await
}

/// Creates (`id` empty) or changes a service. A change names the version it was loaded at;
/// a save over someone else's newer one is a conflict. A code another service has is a
/// field error on `code`. Archiving is a save with `archived` set.
#[server(prefix = "/api", endpoint = "catalogue/save", input = Json)]
pub async fn save_service(
    id: Option<Uuid>,
    version: Option<i32>,
    service: ServiceDraft,
) -> Result<CatalogueEntry, AppError> {
    crate::server::gate(crate::auth::Permission::ManageSales, |ctx| async move {
        let valid = service.validate()?;
        db::save(&ctx.pool, ctx.user.id, id, version, &valid).await
    })
    .await
}

/// Every saved state of one service, newest first.
#[server(prefix = "/api", endpoint = "catalogue/history")]
pub async fn service_history(id: Uuid) -> Result<Vec<ServiceVersion>, AppError> {
    crate::server::gate(crate::auth::Permission::ReadBilling, |ctx| async move {
        db::history(&ctx.pool, id).await
    })
    .await
}
