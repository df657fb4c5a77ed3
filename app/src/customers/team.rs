//! Account manager and account team: staff with the account manager's rights on a
//! customer. Staff "restricted to my accounts" reach only such customers (see
//! `server::gate_customer`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::auth::Role;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::FieldProblem;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDraft {
    pub account_manager: Option<Uuid>,
    pub members: Vec<Uuid>,
}

/// A staff member to pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffOption {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub restricted: bool,
}

/// Active staff members, by name.
#[server(prefix = "/api", endpoint = "staff/options")]
pub async fn staff_options() -> Result<Vec<StaffOption>, AppError> {
    crate::server::gate(Permission::SeeCustomers, |ctx| async move {
        let rows: Vec<(Uuid, String, String, bool)> =
            sqlx::query_as("select id, name, role, restricted from users where active order by lower(name), id")
                .fetch_all(&ctx.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, role, restricted)| StaffOption {
                id,
                name,
                role: Role::parse(&role).unwrap_or(Role::Technician),
                restricted,
            })
            .collect())
    })
    .await
}

/// Sets the account manager and team; returns the customer's new version. Staff
/// restricted to their accounts cannot change who has access.
#[server(prefix = "/api", endpoint = "customers/team", input = Json)]
pub async fn save_team(customer: Uuid, version: i32, base: TeamDraft, draft: TeamDraft) -> Result<i32, AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        if ctx.user.restricted {
            return Err(AppError::Forbidden);
        }
        let mut members = draft.members.clone();
        members.sort();
        members.dedup();
        let mut tx = ctx.pool.begin().await?;
        let current = super::db::load(&mut tx, customer, true).await?;
        let mut wanted = members.clone();
        wanted.extend(draft.account_manager);
        let known = staff_names(&mut tx, &wanted).await?;
        if let Some(unknown) = wanted.iter().find(|id| !known.iter().any(|(k, _)| k == *id)) {
            let field = if Some(*unknown) == draft.account_manager {
                "account_manager"
            } else {
                "members"
            };
            return Err(AppError::validation(vec![FieldProblem::new(
                field,
                "team.unknown_user",
            )]));
        }
        let old_members: Vec<Uuid> =
            sqlx::query_scalar("select user_id from customer_team where customer_id = $1 order by user_id")
                .bind(customer)
                .fetch_all(&mut *tx)
                .await?;
        let theirs = TeamDraft {
            account_manager: current.account_manager_id,
            members: old_members.clone(),
        };
        let mut base = base;
        base.members.sort();
        let mine = TeamDraft {
            account_manager: draft.account_manager,
            members: members.clone(),
        };
        super::edit::check_version(&mut tx, customer, version, current.version, &base, &theirs, &mine).await?;
        sqlx::query("update customers set account_manager_id = $2 where id = $1")
            .bind(customer)
            .bind(draft.account_manager)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from customer_team where customer_id = $1")
            .bind(customer)
            .execute(&mut *tx)
            .await?;
        sqlx::query("insert into customer_team (customer_id, user_id) select $1, unnest($2::uuid[])")
            .bind(customer)
            .bind(&members)
            .execute(&mut *tx)
            .await?;
        let new_version = super::edit::bump_customer(&mut tx, customer).await?;
        // The trail shows names, not ids.
        let mut all = old_members;
        all.extend(current.account_manager_id);
        all.extend(wanted);
        let everyone = staff_names(&mut tx, &all).await?;
        let named = |t: &TeamDraft| TeamNames {
            account_manager: t
                .account_manager
                .and_then(|id| everyone.iter().find(|(k, _)| *k == id).map(|(_, n)| n.clone()))
                .unwrap_or_default(),
            members: t
                .members
                .iter()
                .filter_map(|id| everyone.iter().find(|(k, _)| k == id).map(|(_, n)| n.clone()))
                .collect(),
        };
        let entry = super::edit::AuditEntry {
            customer,
            entity: "access",
            entity_id: customer,
            action: "updated",
            actor: ctx.user.id,
        };
        super::edit::audit(&mut tx, entry, &named(&theirs), &named(&mine)).await?;
        tx.commit().await?;
        Ok(new_version)
    })
    .await
}

/// Active staff among `ids`, with their names (in the save's transaction: a second
/// connection per request would let concurrent saves starve the pool).
#[cfg(feature = "ssr")]
async fn staff_names(tx: &mut sqlx::PgConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(
        sqlx::query_as("select id, name from users where active and id = any($1)")
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?,
    )
}

#[cfg(feature = "ssr")]
#[derive(Serialize)]
struct TeamNames {
    account_manager: String,
    members: Vec<String>,
}
