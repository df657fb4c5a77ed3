//! The invoice run's batch side (BILLING.md; issue #17): start → preview → approve →
//! finalise. Every step works a batch of bill-to customers claimed `FOR UPDATE SKIP LOCKED`
//! and commits it, so any number of processes (the server's worker, `onboard invoice-run`,
//! several servers on one database) share a run, and a process killed mid-batch leaves
//! its batch unclaimed for the next one. Preview and finalisation compute with the same
//! `domain::charges::compute`; finalisation takes a lock on each customer first, so two
//! runs for the same cutoff cannot bill a charge twice: the second finds it settled.

use chrono::NaiveDate;
use domain::charges::compute;
use domain::invoice_draft::{CustomerDraft, assemble};
use domain::tax::TaxArea;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::inputs::{self, Loaded};
use super::issue;
use crate::error::AppError;
use crate::server::internal;

/// Bill-to customers per batch (one transaction each).
pub const BATCH: i64 = 50;

/// Starts a run for `cutoff`: the run and one pending row per bill-to customer with
/// anything that may be due. Refuses while the company or the numbering review is missing.
pub async fn start(pool: &PgPool, cutoff: NaiveDate, user: Option<Uuid>) -> Result<Uuid, AppError> {
    let ready = crate::invoicing::db::readiness(pool).await?;
    if !ready.company_ready() {
        return Err(AppError::from(vec![
            domain::FieldError::new(domain::Code::InvoicingCompanyMissing).at("company"),
        ]));
    }
    if ready.numbering_confirmed.is_none() {
        return Err(AppError::from(vec![
            domain::FieldError::new(domain::Code::NumberingNotReviewed).at("numbering"),
        ]));
    }
    let mut tx = pool.begin().await?;
    let (run,): (Uuid,) = sqlx::query_as("insert into invoice_runs (cutoff, created_by) values ($1, $2) returning id")
        .bind(cutoff)
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "insert into invoice_run_customers (run_id, customer_id)
         select $1, b from (
           select case when c.bill_to_parent and c.parent_id is not null then c.parent_id else c.id end as b
             from customers c
            where exists (select 1 from contracts k where k.customer_id = c.id and k.active and k.start_date <= $2)
               or exists (select 1 from sales_items s where s.customer_id = c.id and s.invoice_id is null and s.item_date <= $2)
               or exists (select 1 from time_entries t where t.customer_id = c.id and t.status = 'approved' and t.work_date <= $2)
         ) x group by b",
    )
    .bind(run)
    .bind(cutoff)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(%run, %cutoff, "invoice run started");
    Ok(run)
}

pub(super) async fn tax_area_of(conn: &mut PgConnection) -> Result<TaxArea, AppError> {
    let (area,): (String,) = sqlx::query_as("select tax_area from company")
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    TaxArea::parse(&area).map_err(|e| internal("tax area", format!("{e:?}")))
}

/// What the preview shows for one customer: its state, why it is parked, its draft.
pub fn verdict(loaded: &Loaded, draft: &CustomerDraft) -> (&'static str, Option<serde_json::Value>) {
    if !loaded.buyer.complete {
        return ("parked", Some(serde_json::json!({ "billing_info": true })));
    }
    if !draft.blockers.is_empty() {
        return ("parked", Some(serde_json::json!({ "blockers": draft.blockers })));
    }
    if draft.documents.is_empty() {
        return ("empty", None);
    }
    ("ready", None)
}

pub fn draft_of(loaded: &Loaded, area: TaxArea, cutoff: NaiveDate) -> CustomerDraft {
    assemble(&loaded.buyer.bill_to, area, compute(&loaded.inputs, cutoff))
}

async fn run_row(conn: &mut PgConnection, run: Uuid) -> Result<(NaiveDate, String, Option<NaiveDate>), AppError> {
    sqlx::query_as("select cutoff, status, issue_date from invoice_runs where id = $1")
        .bind(run)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Writes the preview of `customers` (rows of `run`) in `conn`'s transaction.
async fn write_previews(
    conn: &mut PgConnection,
    run: Uuid,
    customers: &[Uuid],
    cutoff: NaiveDate,
) -> Result<(), AppError> {
    let area = tax_area_of(conn).await?;
    for loaded in inputs::load(conn, customers, cutoff).await? {
        let draft = draft_of(&loaded, area, cutoff);
        let (state, reason) = verdict(&loaded, &draft);
        let net: serde_json::Map<String, serde_json::Value> = draft
            .net_by_currency()
            .into_iter()
            .map(|(c, n)| (c.as_str().to_owned(), serde_json::Value::String(n.to_string())))
            .collect();
        sqlx::query(
            "update invoice_run_customers
                set state = $3, reason = $4, draft = $5, draft_now = null, documents = $6, lines = $7, net = $8,
                    updated_at = now()
              where run_id = $1 and customer_id = $2",
        )
        .bind(run)
        .bind(loaded.buyer.bill_to.id)
        .bind(state)
        .bind(reason)
        .bind(serde_json::to_value(&draft).map_err(|e| internal("draft", e))?)
        .bind(draft.documents.len() as i32)
        .bind(draft.documents.iter().map(|d| d.lines.len() as i32).sum::<i32>())
        .bind(serde_json::Value::Object(net))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Claims up to `BATCH` of the run's rows in `state` that no other process holds.
async fn claim(conn: &mut PgConnection, run: Uuid, state: &str) -> Result<Vec<Uuid>, AppError> {
    let ids: Vec<(Uuid,)> = sqlx::query_as(
        "select customer_id from invoice_run_customers where run_id = $1 and state = $2
          order by customer_id limit $3 for update skip locked",
    )
    .bind(run)
    .bind(state)
    .bind(BATCH)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(|r| r.0).collect())
}

/// Computes one batch of a previewing run's drafts. Returns how many it did; 0 when the
/// preview is complete (the run is then `previewed`).
pub async fn preview_batch(pool: &PgPool, run: Uuid) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let (cutoff, status, _) = run_row(&mut tx, run).await?;
    if status != "previewing" {
        return Ok(0);
    }
    let ids = claim(&mut tx, run, "pending").await?;
    if ids.is_empty() {
        // only once nobody holds a pending row any more
        sqlx::query(
            "update invoice_runs set status = 'previewed' where id = $1 and status = 'previewing'
               and not exists (select 1 from invoice_run_customers where run_id = $1 and state = 'pending')",
        )
        .bind(run)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(0);
    }
    write_previews(&mut tx, run, &ids, cutoff).await?;
    tx.commit().await?;
    Ok(ids.len())
}

/// Recomputes one customer's preview — after its billing info was added from the preview,
/// or a blocker was fixed. Only before the run is approved.
pub async fn recompute(pool: &PgPool, run: Uuid, customer: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (cutoff, status, _) = run_row(&mut tx, run).await?;
    if status != "previewed" && status != "previewing" {
        return Err(AppError::Conflict);
    }
    let held: Option<(Uuid,)> = sqlx::query_as(
        "select customer_id from invoice_run_customers where run_id = $1 and customer_id = $2 for update",
    )
    .bind(run)
    .bind(customer)
    .fetch_optional(&mut *tx)
    .await?;
    if held.is_none() {
        return Err(AppError::NotFound);
    }
    // a customer parked for its billing info: the gate's refusal, which the preview turns
    // into "add it now" and then sends this again
    crate::server::billing_gate::require_billing_info(&mut tx, customer).await?;
    write_previews(&mut tx, run, &[customer], cutoff).await?;
    tx.commit().await?;
    Ok(())
}

/// Approves a previewed run: from now on its ready customers are finalised, each with the
/// documents the user saw, dated `issue_date`.
pub async fn approve(pool: &PgPool, run: Uuid, user: Option<Uuid>, issue_date: NaiveDate) -> Result<(), AppError> {
    let done = sqlx::query(
        "update invoice_runs set status = 'finalising', approved_by = $2, approved_at = now(), issue_date = $3
          where id = $1 and status = 'previewed'",
    )
    .bind(run)
    .bind(user)
    .bind(issue_date)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict);
    }
    tracing::info!(%run, "invoice run approved");
    Ok(())
}

/// Finalises one batch of an approved run. Returns how many customers it settled; 0 when
/// the run is finished. A batch that fails is retried customer by customer, and a customer
/// that still fails is parked with the reason while the rest go on.
pub async fn finalise_batch(pool: &PgPool, run: Uuid) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let (cutoff, status, issue_date) = run_row(&mut tx, run).await?;
    let Some(issue_date) = issue_date.filter(|_| status == "finalising") else {
        return Ok(0);
    };
    let ids = claim(&mut tx, run, "ready").await?;
    if ids.is_empty() {
        sqlx::query(
            "update invoice_runs set status = 'finished', finished_at = now() where id = $1 and status = 'finalising'
               and not exists (select 1 from invoice_run_customers where run_id = $1 and state = 'ready')",
        )
        .bind(run)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(0);
    }
    match issue::finalise(&mut tx, run, &ids, cutoff, issue_date).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(ids.len())
        }
        Err(e) if ids.len() > 1 => {
            tracing::warn!(%run, error = %e, "a finalising batch failed; trying its customers one by one");
            tx.rollback().await?;
            for id in &ids {
                finalise_one(pool, run, *id, cutoff, issue_date).await?;
            }
            Ok(ids.len())
        }
        Err(e) => {
            tx.rollback().await?;
            park_failed(pool, run, ids[0], &e).await?;
            Ok(1)
        }
    }
}

async fn finalise_one(
    pool: &PgPool,
    run: Uuid,
    id: Uuid,
    cutoff: NaiveDate,
    issue_date: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let held: Option<(Uuid,)> = sqlx::query_as(
        "select customer_id from invoice_run_customers where run_id = $1 and customer_id = $2 and state = 'ready'
            for update skip locked",
    )
    .bind(run)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if held.is_none() {
        return Ok(());
    }
    match issue::finalise(&mut tx, run, &[id], cutoff, issue_date).await {
        Ok(()) => Ok(tx.commit().await?),
        Err(e) => {
            tx.rollback().await?;
            park_failed(pool, run, id, &e).await
        }
    }
}

async fn park_failed(pool: &PgPool, run: Uuid, customer: Uuid, e: &AppError) -> Result<(), AppError> {
    tracing::error!(%run, %customer, error = %e, "a customer could not be finalised; parked");
    let reason = match e {
        AppError::Validation { fields } => serde_json::json!({ "error": fields.first().map(|f| f.code.clone()) }),
        _ => serde_json::json!({ "error": "internal" }),
    };
    sqlx::query("update invoice_run_customers set state = 'parked', reason = $3, updated_at = now() where run_id = $1 and customer_id = $2")
        .bind(run)
        .bind(customer)
        .bind(reason)
        .execute(pool)
        .await?;
    Ok(())
}

/// Works `run` to its next resting point: the preview complete, or the run finished.
/// `progress` hears (done, total) after each batch.
pub async fn work(pool: &PgPool, run: Uuid, mut progress: impl FnMut(i64, i64)) -> Result<(), AppError> {
    loop {
        let did = preview_batch(pool, run).await? + finalise_batch(pool, run).await?;
        let (status, computed, settled, total): (String, i64, i64, i64) = sqlx::query_as(
            "select r.status, count(c.*) filter (where c.state <> 'pending'), count(c.*) filter (where c.state <> 'ready'),
                    count(c.*)
               from invoice_runs r left join invoice_run_customers c on c.run_id = r.id
              where r.id = $1 group by r.status",
        )
        .bind(run)
        .fetch_one(pool)
        .await?;
        let done = if status == "finalising" || status == "finished" {
            settled
        } else {
            computed
        };
        progress(done, total);
        if did == 0 {
            return Ok(());
        }
    }
}

/// Runs that have work: previewing or finalising, oldest first (the server's worker).
pub async fn runs_with_work(pool: &PgPool) -> Result<Vec<Uuid>, AppError> {
    let rows: Vec<(Uuid,)> =
        sqlx::query_as("select id from invoice_runs where status in ('previewing', 'finalising') order by created_at")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
