//! The customer's general settings (name, rank, domains, tax id, phones, address) and
//! archiving.

use domain::CustomerDraft;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// Saves the general settings; returns the customer's new version.
#[server(prefix = "/api", endpoint = "customers/profile", input = Json)]
pub async fn save_profile(
    customer: Uuid,
    version: i32,
    base: CustomerDraft,
    draft: CustomerDraft,
) -> Result<i32, AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        let valid = draft.validate()?;
        let mut tx = ctx.pool.begin().await?;
        let current = super::db::load(&mut tx, customer, true).await?;
        let domains = super::db::domains(&mut tx, customer).await?;
        let theirs = current.profile(&domains);
        super::edit::check_version(&mut tx, customer, version, current.version, &base, &theirs, &draft).await?;
        let a = valid.address.as_ref();
        let text = |v: Option<String>| v.filter(|s| !s.is_empty());
        sqlx::query(
            "update customers set name = $2, rank = $3, tax_id = $4, phone = $5, fax = $6, street = $7,
                    postal_code = $8, city = $9, region = $10, country = $11 where id = $1",
        )
        .bind(customer)
        .bind(valid.name.to_string())
        .bind(text(valid.rank.as_ref().map(ToString::to_string)))
        .bind(valid.tax_id.as_ref().map(ToString::to_string))
        .bind(valid.phone.as_ref().map(ToString::to_string))
        .bind(valid.fax.as_ref().map(ToString::to_string))
        .bind(a.map(|a| a.street.to_string()))
        .bind(a.and_then(|a| a.postal_code.as_ref().map(ToString::to_string)))
        .bind(a.map(|a| a.city.to_string()))
        .bind(a.and_then(|a| a.region.as_ref().map(ToString::to_string)))
        .bind(a.map(|a| a.country).or(valid.country).map(|c| c.to_string()))
        .execute(&mut *tx)
        .await?;
        super::db::replace_domains(&mut tx, customer, &valid.domains, "").await?;
        let new_version = super::edit::bump_customer(&mut tx, customer).await?;
        let entry = super::edit::AuditEntry {
            customer,
            entity: "customer",
            entity_id: customer,
            action: "updated",
            actor: ctx.user.id,
        };
        // As stored (canonical forms), not as typed.
        let after = super::db::load(&mut tx, customer, false).await?;
        let after = after.profile(&super::db::domains(&mut tx, customer).await?);
        super::edit::audit(&mut tx, entry, &theirs, &after).await?;
        tx.commit().await?;
        Ok(new_version)
    })
    .await
}

/// Archives or restores the customer; returns its new version. Archived customers leave
/// the list (a filter shows them) and keep everything.
#[server(prefix = "/api", endpoint = "customers/archive")]
pub async fn set_customer_archived(customer: Uuid, archived: bool) -> Result<i32, AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        let mut tx = ctx.pool.begin().await?;
        let current = super::db::load(&mut tx, customer, true).await?;
        if current.archived_at.is_some() == archived {
            return Ok(current.version);
        }
        sqlx::query("update customers set archived_at = case when $2 then now() end where id = $1")
            .bind(customer)
            .bind(archived)
            .execute(&mut *tx)
            .await?;
        let version = super::edit::bump_customer(&mut tx, customer).await?;
        let entry = super::edit::AuditEntry {
            customer,
            entity: "customer",
            entity_id: customer,
            action: if archived { "archived" } else { "restored" },
            actor: ctx.user.id,
        };
        super::edit::record(&mut tx, entry, &[]).await?;
        tx.commit().await?;
        Ok(version)
    })
    .await
}
