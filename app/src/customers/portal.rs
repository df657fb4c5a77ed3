//! Portal & security settings of a customer.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    /// Tickets from e-mail are only accepted from the main contact (the portal is unaffected).
    pub tickets_only_via_main: bool,
    /// Phone numbers, job title and "company contact" are shown and editable, for staff
    /// and for the customer's portal users.
    pub self_managed_profile: bool,
}

/// Saves the portal settings; returns the customer's new version.
#[server(prefix = "/api", endpoint = "customers/portal", input = Json)]
pub async fn save_portal_settings(
    customer: Uuid,
    version: i32,
    base: PortalSettings,
    draft: PortalSettings,
) -> Result<i32, AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        let mut tx = ctx.pool.begin().await?;
        let current = super::db::load(&mut tx, customer, true).await?;
        let theirs = PortalSettings {
            tickets_only_via_main: current.tickets_only_via_main,
            self_managed_profile: current.self_managed_profile,
        };
        super::edit::check_version(&mut tx, customer, version, current.version, &base, &theirs, &draft).await?;
        sqlx::query("update customers set tickets_only_via_main = $2, self_managed_profile = $3 where id = $1")
            .bind(customer)
            .bind(draft.tickets_only_via_main)
            .bind(draft.self_managed_profile)
            .execute(&mut *tx)
            .await?;
        let new_version = super::edit::bump_customer(&mut tx, customer).await?;
        let entry = super::edit::AuditEntry {
            customer,
            entity: "portal",
            entity_id: customer,
            action: "updated",
            actor: ctx.user.id,
        };
        super::edit::audit(&mut tx, entry, &theirs, &draft).await?;
        tx.commit().await?;
        Ok(new_version)
    })
    .await
}
