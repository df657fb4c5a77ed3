//! Parent / child customers: a child may be billed via its parent; parent and children
//! are reported together. Cycles are refused (a customer cannot be its own ancestor).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::FieldProblem;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureDraft {
    pub parent: Option<Uuid>,
    pub bill_to_parent: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildRef {
    pub id: Uuid,
    pub name: String,
    pub bill_to_parent: bool,
}

/// One customer's line in the group report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupLine {
    pub id: Uuid,
    pub name: String,
    /// 0 for the customer the report is about, 1 for its children, …
    pub depth: i32,
    pub bill_to_parent: bool,
    pub billing_complete: bool,
    pub contacts: i64,
    pub contracts: i64,
    /// Fixed fees of its contracts per month, by currency (decimal strings).
    pub monthly_fees: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    pub lines: Vec<GroupLine>,
    pub contacts: i64,
    pub contracts: i64,
    pub monthly_fees: Vec<(String, String)>,
}

/// Sets the parent and "bill to parent"; returns the customer's new version. Changing
/// "bill to parent" is a billing setting and needs billing rights.
#[server(prefix = "/api", endpoint = "customers/structure", input = Json)]
pub async fn save_structure(
    customer: Uuid,
    version: i32,
    base: StructureDraft,
    draft: StructureDraft,
) -> Result<i32, AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        if let Some(parent) = draft.parent {
            crate::server::check_customer_scope(&ctx.pool, &ctx.user, parent)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => AppError::validation(vec![FieldProblem::new("parent", "record.unknown")]),
                    other => other,
                })?;
        }
        let mut tx = ctx.pool.begin().await?;
        // One structure change at a time: two concurrent changes could each be acyclic
        // alone and form a cycle together.
        sqlx::query("select pg_advisory_xact_lock(hashtext('customer_structure'))")
            .execute(&mut *tx)
            .await?;
        let current = super::db::load(&mut tx, customer, true).await?;
        let theirs = StructureDraft {
            parent: current.parent_id,
            bill_to_parent: current.bill_to_parent,
        };
        let draft = StructureDraft {
            bill_to_parent: draft.bill_to_parent && draft.parent.is_some(),
            ..draft
        };
        if draft.bill_to_parent != theirs.bill_to_parent && !ctx.user.can(Permission::EditBilling) {
            return Err(AppError::Forbidden);
        }
        super::edit::check_version(&mut tx, customer, version, current.version, &base, &theirs, &draft).await?;
        if let Some(parent) = draft.parent {
            let cycle: bool = sqlx::query_scalar(
                "with recursive up(id) as (
                     select $1::uuid
                     union
                     select c.parent_id from customers c join up on c.id = up.id where c.parent_id is not null
                 ) select exists (select 1 from up where id = $2)",
            )
            .bind(parent)
            .bind(customer)
            .fetch_one(&mut *tx)
            .await?;
            if cycle {
                return Err(AppError::validation(vec![FieldProblem::new("parent", "parent.cycle")]));
            }
        }
        sqlx::query("update customers set parent_id = $2, bill_to_parent = $3 where id = $1")
            .bind(customer)
            .bind(draft.parent)
            .bind(draft.bill_to_parent)
            .execute(&mut *tx)
            .await?;
        let new_version = super::edit::bump_customer(&mut tx, customer).await?;
        let shown = |parent: String, s: &StructureDraft| ShownStructure {
            parent,
            bill_to_parent: s.bill_to_parent,
        };
        let before = shown(customer_name(&mut tx, theirs.parent).await?, &theirs);
        let after = shown(customer_name(&mut tx, draft.parent).await?, &draft);
        let entry = super::edit::AuditEntry {
            customer,
            entity: "customer",
            entity_id: customer,
            action: "updated",
            actor: ctx.user.id,
        };
        super::edit::audit(&mut tx, entry, &before, &after).await?;
        tx.commit().await?;
        Ok(new_version)
    })
    .await
}

/// A customer's name, for the audit trail (on the save's own connection).
#[cfg(feature = "ssr")]
async fn customer_name(tx: &mut sqlx::PgConnection, id: Option<Uuid>) -> Result<String, AppError> {
    match id {
        Some(id) => Ok(
            sqlx::query_scalar::<_, String>("select name from customers where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .unwrap_or_default(),
        ),
        None => Ok(String::new()),
    }
}

#[cfg(feature = "ssr")]
#[derive(Serialize)]
struct ShownStructure {
    parent: String,
    bill_to_parent: bool,
}

/// Customers that may become `customer`'s parent, matching `q` (by name; at most 20).
#[server(prefix = "/api", endpoint = "customers/parent-options")]
pub async fn parent_options(customer: Uuid, q: String) -> Result<Vec<super::NamedRef>, AppError> {
    crate::server::gate_customer(Permission::SeeCustomers, customer, |ctx| async move {
        let mut b = sqlx::QueryBuilder::<sqlx::Postgres>::new(
            "select c.id, c.name from customers c where c.archived_at is null and c.id <> ",
        );
        b.push_bind(customer);
        b.push(" and lower(c.name) like ")
            .push_bind(format!("%{}%", q.trim().to_lowercase().replace(['%', '_'], "")));
        super::list::push_scope(&mut b, &ctx.user);
        b.push(" order by lower(c.name), c.id limit 20");
        let rows: Vec<(Uuid, String)> = b.build_query_as().fetch_all(&ctx.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| super::NamedRef {
                id,
                name,
                shared: false,
            })
            .collect())
    })
    .await
}

/// The customer and all its descendants, with totals.
#[server(prefix = "/api", endpoint = "customers/group-report")]
pub async fn customer_group_report(customer: Uuid) -> Result<GroupReport, AppError> {
    crate::server::gate_customer(Permission::ReadBilling, customer, |ctx| async move {
        report::load(&ctx.pool, customer).await
    })
    .await
}

#[cfg(feature = "ssr")]
mod report {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use sqlx::PgPool;
    use uuid::Uuid;

    use super::{GroupLine, GroupReport};
    use crate::error::AppError;

    type Row = (Uuid, String, i32, bool, bool, i64, i64);

    pub async fn load(pool: &PgPool, customer: Uuid) -> Result<GroupReport, AppError> {
        let rows: Vec<Row> = sqlx::query_as(
            "with recursive tree(id, depth, path) as (
                 select $1::uuid, 0, array[lower(name)] from customers where id = $1
                 union all
                 select c.id, t.depth + 1, t.path || lower(c.name)
                   from customers c join tree t on c.parent_id = t.id where t.depth < 20
             )
             select c.id, c.name, t.depth, c.bill_to_parent, c.billing_complete,
                    (select count(*) from contacts k where k.customer_id = c.id and k.archived_at is null),
                    (select count(*) from contracts k where k.customer_id = c.id)
               from tree t join customers c on c.id = t.id order by t.path",
        )
        .bind(customer)
        .fetch_all(pool)
        .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
        let parts: Vec<(Uuid, String, String, serde_json::Value)> = sqlx::query_as(&format!(
            "select k.customer_id, k.currency, k.billing_cycle, p.terms
               from contracts k join contract_parts p on p.contract_id = k.id
              where k.customer_id = any($1) and {}",
            crate::contracts::in_force_sql("k", "$2")
        ))
        .bind(&ids)
        .bind(crate::server::today())
        .fetch_all(pool)
        .await?;
        let mut total: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut lines = Vec::new();
        for (id, name, depth, bill_to_parent, billing_complete, contacts, contracts) in rows {
            let mut fees: BTreeMap<String, Decimal> = BTreeMap::new();
            for (_, currency, cycle, terms) in parts.iter().filter(|p| p.0 == id) {
                if let Some(fee) = monthly_fee(cycle, terms) {
                    *fees.entry(currency.trim().to_string()).or_default() += fee;
                    *total.entry(currency.trim().to_string()).or_default() += fee;
                }
            }
            lines.push(GroupLine {
                id,
                name,
                depth,
                bill_to_parent,
                billing_complete,
                contacts,
                contracts,
                monthly_fees: shown(fees),
            });
        }
        Ok(GroupReport {
            contacts: lines.iter().map(|l| l.contacts).sum(),
            contracts: lines.iter().map(|l| l.contracts).sum(),
            lines,
            monthly_fees: shown(total),
        })
    }

    fn shown(m: BTreeMap<String, Decimal>) -> Vec<(String, String)> {
        m.into_iter().map(|(c, d)| (c, d.round_dp(2).to_string())).collect()
    }

    /// The fixed fee per month of a stored contract part (`domain::ContractTerms` as JSON):
    /// retainers, block hours and block money; usage-based types have none.
    pub fn monthly_fee(cycle: &str, terms: &serde_json::Value) -> Option<Decimal> {
        let num = |v: Option<&serde_json::Value>| -> Option<Decimal> {
            let v = v?;
            let v = v.get("amount").unwrap_or(v);
            match v {
                serde_json::Value::String(s) => s.parse().ok(),
                other => other.to_string().parse().ok(),
            }
        };
        let per_period = match terms.get("type")?.as_str()? {
            "retainer" => num(terms.get("quantity"))? * num(terms.get("rate"))?,
            "block_hours" => num(terms.get("hours_per_period"))? * num(terms.get("rate"))?,
            "block_money" => num(terms.get("amount"))?,
            _ => return None,
        };
        let months = domain::BillingCycle::parse(cycle).ok()?.months();
        Some(per_period / Decimal::from(months))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn fixed_fees_per_month() {
            let retainer = serde_json::json!({"type": "retainer", "quantity": "2", "rate": {"amount": "150.00", "currency": "EUR"}});
            assert_eq!(
                super::monthly_fee("quarterly", &retainer),
                Some(rust_decimal::Decimal::from(100))
            );
            let hourly = serde_json::json!({"type": "hourly", "rate": {"amount": "90", "currency": "EUR"}});
            assert_eq!(super::monthly_fee("monthly", &hourly), None);
        }
    }
}
