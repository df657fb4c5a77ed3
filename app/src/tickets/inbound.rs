//! What the mail intake (`crate::mail::intake`) does to tickets, inside its transaction:
//! open one from an e-mail, and add a customer's e-mailed reply, which resumes a ticket
//! that waited on the customer and reopens a resolved or closed one.

use chrono::Utc;
use domain::{NewTicket, TicketStatus};
use sqlx::PgConnection;
use uuid::Uuid;

use super::db;
use crate::error::AppError;

/// Opens a ticket from an e-mail (no staff member created it); returns its id.
pub async fn open(
    conn: &mut PgConnection,
    customer: Uuid,
    contact: Option<Uuid>,
    ticket: &NewTicket,
    follows_up: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let id = db::insert_ticket(&mut *conn, None, customer, contact, ticket).await?;
    if follows_up.is_some() {
        sqlx::query("update tickets set follows_up = $2 where id = $1")
            .bind(id)
            .bind(follows_up)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// The conversation's message for an e-mail: a public reply in the contact's name (or
/// nobody's, for a sender who is no contact), linked to the stored message; returns its id.
pub async fn add_mail_message(
    conn: &mut PgConnection,
    ticket: Uuid,
    contact: Option<Uuid>,
    body: &str,
    inbound: Uuid,
    dropped: &[String],
) -> Result<Uuid, AppError> {
    let id: Uuid = sqlx::query_scalar(
        "insert into ticket_messages (ticket_id, kind, author_contact_id, body, inbound_id, dropped_attachments)
         values ($1, 'reply', $2, $3, $4, $5) returning id",
    )
    .bind(ticket)
    .bind(contact)
    .bind(body)
    .bind(inbound)
    .bind(dropped)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// A customer's reply by e-mail: the ticket is locked, and a ticket waiting on the
/// customer, resolved or closed is open again (its clock resumes); any other status stays.
pub async fn customer_replied(conn: &mut PgConnection, ticket: Uuid) -> Result<(), AppError> {
    let t = db::lock(&mut *conn, ticket, None).await?;
    let from = t.status();
    let reopen = matches!(
        from,
        TicketStatus::WaitingOnCustomer | TicketStatus::Resolved | TicketStatus::Closed
    );
    if reopen {
        db::write_clock(&mut *conn, ticket, &t, TicketStatus::Open, t.priority(), Utc::now()).await?;
        db::event(
            &mut *conn,
            ticket,
            None,
            "status",
            serde_json::json!({ "from": from.as_str(), "to": "open", "by": "email" }),
        )
        .await?;
    } else {
        sqlx::query("update tickets set version = version + 1, updated_at = now() where id = $1")
            .bind(ticket)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
