//! The customer's service level after creation: which SLA (response and resolution
//! targets) and which alert threshold profile apply — a shared one, the customer's own
//! custom one from the wizard, or none. Saved like every other editor of the customer row
//! (three-way merge on the row's version, audited).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// The form: the chosen ids, empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceLevelDraft {
    pub sla: String,
    pub alert_profile: String,
}

/// Saves the SLA and alert profile; returns the customer's new version.
#[server(prefix = "/api", endpoint = "customers/service-level", input = Json)]
pub async fn save_service_level(
    customer: Uuid,
    version: i32,
    base: ServiceLevelDraft,
    draft: ServiceLevelDraft,
) -> Result<i32, AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        let mut tx = ctx.pool.begin().await?;
        let (current, sla, profile): (i32, Option<Uuid>, Option<Uuid>) =
            sqlx::query_as("select version, sla_id, alert_profile_id from customers where id = $1 for update")
                .bind(customer)
                .fetch_one(&mut *tx)
                .await?;
        let id_text = |id: Option<Uuid>| id.map(|i| i.to_string()).unwrap_or_default();
        let theirs = ServiceLevelDraft {
            sla: id_text(sla),
            alert_profile: id_text(profile),
        };
        super::edit::check_version(&mut tx, customer, version, current, &base, &theirs, &draft).await?;
        let sla = db::choice(&mut tx, "slas", customer, &draft.sla, "sla").await?;
        let profile = db::choice(
            &mut tx,
            "alert_profiles",
            customer,
            &draft.alert_profile,
            "alert_profile",
        )
        .await?;
        sqlx::query("update customers set sla_id = $2, alert_profile_id = $3 where id = $1")
            .bind(customer)
            .bind(sla)
            .bind(profile)
            .execute(&mut *tx)
            .await?;
        let new_version = super::edit::bump_customer(&mut tx, customer).await?;
        let entry = super::edit::AuditEntry {
            customer,
            entity: "customer",
            entity_id: customer,
            action: "updated",
            actor: ctx.user.id,
        };
        // The trail shows names, not ids.
        let before = db::names(&mut tx, &theirs).await?;
        let after = db::names(
            &mut tx,
            &ServiceLevelDraft {
                sla: id_text(sla),
                alert_profile: id_text(profile),
            },
        )
        .await?;
        super::edit::audit(&mut tx, entry, &before, &after).await?;
        tx.commit().await?;
        Ok(new_version)
    })
    .await
}

#[cfg(feature = "ssr")]
mod db {
    use sqlx::PgConnection;
    use uuid::Uuid;

    use super::ServiceLevelDraft;
    use crate::error::AppError;

    /// The same choice with the rows' names in place of their ids.
    pub async fn names(tx: &mut PgConnection, ids: &ServiceLevelDraft) -> Result<ServiceLevelDraft, AppError> {
        let (sla, profile): (Option<String>, Option<String>) = sqlx::query_as(
            "select (select name from slas where id::text = $1), (select name from alert_profiles where id::text = $2)",
        )
        .bind(&ids.sla)
        .bind(&ids.alert_profile)
        .fetch_one(&mut *tx)
        .await?;
        Ok(ServiceLevelDraft {
            sla: sla.unwrap_or_default(),
            alert_profile: profile.unwrap_or_default(),
        })
    }

    /// `id` as a shared row of `table` or this customer's own; empty is none.
    pub async fn choice(
        tx: &mut PgConnection,
        table: &str,
        customer: Uuid,
        id: &str,
        field: &str,
    ) -> Result<Option<Uuid>, AppError> {
        if id.trim().is_empty() {
            return Ok(None);
        }
        crate::customers::db::definition_ref(tx, table, id, field, Some(customer))
            .await
            .map(Some)
    }
}
