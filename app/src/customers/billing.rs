//! Billing info and invoice settings: one form, reachable from the list's row menu and
//! the customer's Billing tab. "Complete" is `domain::BillingInfo::is_complete`, stored
//! with every save so the list can filter on it.

use domain::BillingInfoDraft;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingSaved {
    pub version: i32,
    /// What is still missing (empty: complete).
    pub gaps: Vec<domain::BillingGap>,
}

/// Saves billing info and invoice settings (incomplete is allowed; invalid is not).
#[server(prefix = "/api", endpoint = "customers/billing", input = Json)]
pub async fn save_billing(
    customer: Uuid,
    version: i32,
    base: BillingInfoDraft,
    draft: BillingInfoDraft,
) -> Result<BillingSaved, AppError> {
    crate::server::gate_customer(Permission::EditBilling, customer, |ctx| async move {
        let mut tx = ctx.pool.begin().await?;
        let current = super::db::load(&mut tx, customer, true).await?;
        let info = draft.validate(current.home_country())?;
        let theirs = current.billing();
        super::edit::check_version(&mut tx, customer, version, current.version, &base, &theirs, &draft).await?;
        let a = info.address.as_ref();
        sqlx::query(
            "update customers set billing_attention = $2, billing_email = $3, billing_street = $4,
                    billing_postal_code = $5, billing_city = $6, billing_region = $7, billing_country = $8,
                    tax_region = $9, billing_tax_id = $10, tax_treatment = $11, billing_currency = $12,
                    payment_terms_days = $13, invoice_template = $14, invoice_language = $15,
                    invoice_delivery = $16, billing_complete = $17, billing_iban = $18
              where id = $1",
        )
        .bind(customer)
        .bind(info.attention.as_ref().map(ToString::to_string))
        .bind(info.email.as_ref().map(ToString::to_string))
        .bind(a.map(|a| a.street.to_string()))
        .bind(a.and_then(|a| a.postal_code.as_ref().map(ToString::to_string)))
        .bind(a.map(|a| a.city.to_string()))
        .bind(a.and_then(|a| a.region.as_ref().map(ToString::to_string)))
        .bind(a.map(|a| a.country.to_string()))
        .bind(info.tax_region.map(|r| r.as_str()))
        .bind(info.tax_id.as_ref().map(ToString::to_string))
        .bind(info.tax_treatment.as_str())
        .bind(info.currency.map(|c| c.as_str()))
        .bind(info.payment_terms_days.map(|d| d as i32))
        .bind(info.invoice_template.as_str())
        .bind(info.invoice_language.map(|l| l.tag()))
        .bind(info.delivery.as_str())
        .bind(info.is_complete())
        .bind(info.iban.as_ref().map(ToString::to_string))
        .execute(&mut *tx)
        .await?;
        let new_version = super::edit::bump_customer(&mut tx, customer).await?;
        let entry = super::edit::AuditEntry {
            customer,
            entity: "billing",
            entity_id: customer,
            action: "updated",
            actor: ctx.user.id,
        };
        super::edit::audit(&mut tx, entry, &theirs, &BillingInfoDraft::from(&info)).await?;
        tx.commit().await?;
        Ok(BillingSaved {
            version: new_version,
            gaps: info.missing(),
        })
    })
    .await
}
