//! The billing-info gate, server side: one check that every action billing a customer
//! (a sales item, moving one, a contract from the wizard, approving time, the invoice run)
//! runs inside its transaction before it writes anything. It refuses with
//! `AppError::BillingInfoRequired` (409, the customer and what is missing); the browser's
//! half (`crate::ui::billing_gate`) asks for the info on the spot and sends the same
//! request again.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

/// `Ok(())` when `customer`'s billing info is complete. The row is share-locked for the
/// rest of the transaction, so the info cannot be emptied between the check and the write.
pub async fn require_billing_info(conn: &mut PgConnection, customer: Uuid) -> Result<(), AppError> {
    let row: Option<(bool, String)> =
        sqlx::query_as("select billing_complete, name from customers where id = $1 for share")
            .bind(customer)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((complete, name)) = row else {
        return Err(AppError::NotFound);
    };
    if complete {
        return Ok(());
    }
    let record = crate::customers::db::load(conn, customer, false).await?;
    let missing = match record.billing().validate(record.home_country()) {
        Ok(info) => info.missing().into_iter().map(|g| g.field().to_owned()).collect(),
        // Stored values that no longer parse (a rule became stricter): the form shows
        // each field's own error, so name none here.
        Err(errors) => errors.into_iter().map(|e| e.field).collect(),
    };
    Err(AppError::BillingInfoRequired {
        customer,
        name,
        missing,
    })
}
