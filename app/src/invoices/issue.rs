//! Issuing documents (BILLING.md, "Invoices", "Numbers"): a batch of approved customers'
//! documents written in one transaction — documents, lines, the time entries and sales
//! items they settle — and numbered last, by locking each series once, right before the
//! commit. A customer whose inputs changed since the approved preview gets nothing and is
//! marked `changed` with what it would be now. `cancel` issues the full credit note.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use domain::charges::LineKind;
use domain::invoice_draft::{CustomerDraft, DocumentKind, DraftDocument};
use domain::settlement::ChargeKey;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use super::inputs;
use super::run::{draft_of, verdict};
use crate::error::AppError;
use crate::server::internal;

fn text_of<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The default series of a kind of document.
async fn series_of(conn: &mut PgConnection, kind: DocumentKind) -> Result<Uuid, AppError> {
    let (id,): (Uuid,) = sqlx::query_as("select id from invoice_series where kind = $1 and is_default")
        .bind(kind.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| internal("series", format!("no default series for {}", kind.as_str())))?;
    Ok(id)
}

/// What one document is written with besides its draft.
pub struct Header<'a> {
    pub run: Option<Uuid>,
    pub customer: Uuid,
    pub issue_date: NaiveDate,
    pub payment_terms_days: i32,
    pub seller: &'a serde_json::Value,
    pub buyer: &'a serde_json::Value,
    pub language: &'a str,
    pub corrects: Option<Uuid>,
    pub user: Option<Uuid>,
}

/// Writes one unnumbered document and its lines; returns its id. Numbered by `number_all`.
pub async fn write_document(conn: &mut PgConnection, h: &Header<'_>, doc: &DraftDocument) -> Result<Uuid, AppError> {
    let series = series_of(conn, doc.kind).await?;
    let from = doc.lines.iter().map(|l| l.charge.from).min();
    let to = doc.lines.iter().map(|l| l.charge.to).max();
    let (id,): (Uuid,) = sqlx::query_as(
        "insert into invoices (run_id, kind, series_id, issue_date, due_date, customer_id, currency, net, tax, gross,
                               vat, seller, buyer, language, service_from, service_to, corrects_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) returning id",
    )
    .bind(h.run)
    .bind(doc.kind.as_str())
    .bind(series)
    .bind(h.issue_date)
    .bind(h.issue_date + Duration::days(i64::from(h.payment_terms_days)))
    .bind(h.customer)
    .bind(doc.currency.as_str())
    .bind(doc.net)
    .bind(doc.tax)
    .bind(doc.gross)
    .bind(serde_json::to_value(&doc.vat).map_err(|e| internal("vat", e))?)
    .bind(h.seller)
    .bind(h.buyer)
    .bind(h.language)
    .bind(from)
    .bind(to)
    .bind(h.corrects)
    .bind(h.user)
    .fetch_one(&mut *conn)
    .await?;

    let mut cols = Lines::default();
    for (i, l) in doc.lines.iter().enumerate() {
        let c = &l.charge;
        let (key_period, key_kind) = match c.key {
            Some(ChargeKey::Part { period_start, kind, .. }) => (Some(period_start), Some(text_of(kind))),
            _ => (None, None),
        };
        cols.position.push(i as i32 + 1);
        cols.customer.push(c.customer);
        cols.contract.push(c.contract);
        cols.part.push(c.part);
        cols.kind.push(text_of(c.kind));
        cols.key_period.push(key_period);
        cols.key_kind.push(key_kind);
        cols.correction.push(c.correction);
        cols.description.push(c.description.clone());
        cols.from.push(c.from);
        cols.to.push(c.to);
        cols.quantity.push(c.quantity);
        cols.unit_price.push(c.unit_price);
        cols.amount.push(c.amount);
        cols.vat_category.push(l.vat.category.code().to_owned());
        cols.vat_percent.push(l.vat.percent);
        cols.sales_item.push(c.sales_item);
        cols.reading_date.push(c.reading.map(|r| r.0));
        cols.reading_quantity.push(c.reading.map(|r| r.1));
    }
    sqlx::query(
        "insert into invoice_lines (invoice_id, position, customer_id, contract_id, part_id, kind, key_period, key_kind,
                correction, description, service_from, service_to, quantity, unit_price, amount, vat_category,
                vat_percent, sales_item_id, reading_date, reading_quantity)
         select $1, * from unnest($2::int[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::date[], $8::text[],
                $9::bool[], $10::text[], $11::date[], $12::date[], $13::numeric[], $14::numeric[], $15::numeric[],
                $16::text[], $17::numeric[], $18::uuid[], $19::date[], $20::numeric[])",
    )
    .bind(id)
    .bind(&cols.position)
    .bind(&cols.customer)
    .bind(&cols.contract)
    .bind(&cols.part)
    .bind(&cols.kind)
    .bind(&cols.key_period)
    .bind(&cols.key_kind)
    .bind(&cols.correction)
    .bind(&cols.description)
    .bind(&cols.from)
    .bind(&cols.to)
    .bind(&cols.quantity)
    .bind(&cols.unit_price)
    .bind(&cols.amount)
    .bind(&cols.vat_category)
    .bind(&cols.vat_percent)
    .bind(&cols.sales_item)
    .bind(&cols.reading_date)
    .bind(&cols.reading_quantity)
    .execute(&mut *conn)
    .await?;

    // the time it lists, on a line or in the appendix, is invoiced and locked from now on
    let mut entries: Vec<(Uuid, Option<i32>)> = Vec::new();
    for (i, l) in doc.lines.iter().enumerate() {
        entries.extend(l.charge.entries.iter().map(|e| (*e, Some(i as i32 + 1))));
    }
    entries.extend(doc.appendix.iter().map(|e| (*e, None)));
    if !entries.is_empty() {
        let (ids, lines): (Vec<Uuid>, Vec<Option<i32>>) = entries.into_iter().unzip();
        sqlx::query(
            "insert into invoice_entries (invoice_id, entry_id, line) select $1, * from unnest($2::uuid[], $3::int[])",
        )
        .bind(id)
        .bind(&ids)
        .bind(&lines)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "update time_entries set status = 'invoiced', invoiced_at = now(), invoice_id = $1, version = version + 1,
                    updated_at = now()
              where id = any($2) and status = 'approved'",
        )
        .bind(id)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    }
    let items: Vec<Uuid> = doc.lines.iter().filter_map(|l| l.charge.sales_item).collect();
    if !items.is_empty() {
        sqlx::query(
            "update sales_items set invoice_id = $1, invoiced_at = now() where id = any($2) and invoice_id is null",
        )
        .bind(id)
        .bind(&items)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// The line columns of one document, for one `unnest` insert.
#[derive(Default)]
struct Lines {
    position: Vec<i32>,
    customer: Vec<Uuid>,
    contract: Vec<Option<Uuid>>,
    part: Vec<Option<Uuid>>,
    kind: Vec<String>,
    key_period: Vec<Option<NaiveDate>>,
    key_kind: Vec<Option<String>>,
    correction: Vec<bool>,
    description: Vec<String>,
    from: Vec<NaiveDate>,
    to: Vec<NaiveDate>,
    quantity: Vec<Decimal>,
    unit_price: Vec<Decimal>,
    amount: Vec<Decimal>,
    vat_category: Vec<String>,
    vat_percent: Vec<Decimal>,
    sales_item: Vec<Option<Uuid>>,
    reading_date: Vec<Option<NaiveDate>>,
    reading_quantity: Vec<Option<Decimal>>,
}

/// Numbers the documents written in this transaction, per series in the order written:
/// the series rows are locked here, last, and stay locked until the commit right after.
pub async fn number_all(
    conn: &mut PgConnection,
    docs: &[(Uuid, DocumentKind)],
    issue_date: NaiveDate,
) -> Result<(), AppError> {
    use chrono::Datelike;
    for kind in [DocumentKind::Invoice, DocumentKind::CreditNote] {
        let ids: Vec<Uuid> = docs.iter().filter(|(_, k)| *k == kind).map(|(id, _)| *id).collect();
        if ids.is_empty() {
            continue;
        }
        let series = series_of(conn, kind).await?;
        let numbers = crate::invoicing::numbers::take_many(conn, series, issue_date.year(), ids.len()).await?;
        sqlx::query(
            "update invoices set number = x.n from unnest($1::uuid[], $2::text[]) x(id, n) where invoices.id = x.id",
        )
        .bind(&ids)
        .bind(&numbers)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn seller(conn: &mut PgConnection) -> Result<serde_json::Value, AppError> {
    let (seller,): (serde_json::Value,) =
        sqlx::query_as("select to_jsonb(c) - 'id' - 'version' - 'updated_at' - 'updated_by' from company c")
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
    Ok(seller)
}

/// The invoice that last billed one of a credit note's keys: the one it corrects.
async fn corrected(conn: &mut PgConnection, doc: &DraftDocument) -> Result<Option<Uuid>, AppError> {
    let parts: Vec<Uuid> = doc.lines.iter().filter_map(|l| l.charge.part).collect();
    let found: Option<(Uuid,)> = sqlx::query_as(
        "select i.id from invoice_lines l join invoices i on i.id = l.invoice_id
          where l.part_id = any($1) and i.kind = 'invoice' and l.key_kind is not null
          order by i.issue_date desc, i.created_at desc limit 1",
    )
    .bind(&parts)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.map(|r| r.0))
}

/// Finalises `customers` of `run` in the caller's transaction (their run rows held).
pub async fn finalise(
    conn: &mut PgConnection,
    run: Uuid,
    customers: &[Uuid],
    cutoff: NaiveDate,
    issue_date: NaiveDate,
) -> Result<(), AppError> {
    // one run at a time per customer: a second run for the same cutoff waits here, then
    // finds the charges settled
    sqlx::query("select id from customers where id = any($1) order by id for update")
        .bind(customers)
        .execute(&mut *conn)
        .await?;
    let stored: Vec<(Uuid, serde_json::Value)> = sqlx::query_as(
        "select customer_id, draft from invoice_run_customers where run_id = $1 and customer_id = any($2)",
    )
    .bind(run)
    .bind(customers)
    .fetch_all(&mut *conn)
    .await?;
    let mut approved: HashMap<Uuid, CustomerDraft> = HashMap::new();
    for (id, draft) in stored {
        approved.insert(
            id,
            serde_json::from_value(draft).map_err(|e| internal("stored draft", e))?,
        );
    }
    let area = super::run::tax_area_of(conn).await?;
    let seller = seller(conn).await?;
    let mut numbered: Vec<(Uuid, DocumentKind)> = Vec::new();
    for loaded in inputs::load(conn, customers, cutoff).await? {
        let id = loaded.buyer.bill_to.id;
        let now = draft_of(&loaded, area, cutoff);
        let (state, _) = verdict(&loaded, &now);
        if state != "ready" || approved.get(&id) != Some(&now) {
            // not what the user approved: nothing is issued for this customer
            let state = if now.documents.is_empty() && now.blockers.is_empty() && loaded.buyer.complete {
                "empty"
            } else {
                "changed"
            };
            sqlx::query(
                "update invoice_run_customers set state = $3, draft_now = $4, updated_at = now()
                  where run_id = $1 and customer_id = $2",
            )
            .bind(run)
            .bind(id)
            .bind(state)
            .bind(serde_json::to_value(&now).map_err(|e| internal("draft", e))?)
            .execute(&mut *conn)
            .await?;
            continue;
        }
        let mut ids = Vec::new();
        for doc in &now.documents {
            let corrects = if doc.kind == DocumentKind::CreditNote {
                corrected(conn, doc).await?
            } else {
                None
            };
            let header = Header {
                run: Some(run),
                customer: id,
                issue_date,
                payment_terms_days: loaded.buyer.payment_terms_days,
                seller: &seller,
                buyer: &loaded.buyer.snapshot,
                language: &loaded.buyer.language,
                corrects,
                user: None,
            };
            let doc_id = write_document(conn, &header, doc).await?;
            numbered.push((doc_id, doc.kind));
            ids.push(doc_id);
        }
        sqlx::query(
            "update invoice_run_customers set state = 'done', invoice_ids = $3, updated_at = now()
              where run_id = $1 and customer_id = $2",
        )
        .bind(run)
        .bind(id)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    }
    number_all(conn, &numbered, issue_date).await
}

type CancelRow = (
    String,
    String,
    Uuid,
    serde_json::Value,
    serde_json::Value,
    String,
    NaiveDate,
    NaiveDate,
);

/// Cancels issued invoice `id` with a full credit note in the credit-note series, dated
/// `issue_date`; its time and sales items become billable again. Returns the credit note.
pub async fn cancel(conn: &mut PgConnection, id: Uuid, issue_date: NaiveDate, user: Uuid) -> Result<Uuid, AppError> {
    let row: Option<CancelRow> = sqlx::query_as(
        "select kind, status, customer_id, seller, buyer, language, issue_date, due_date from invoices where id = $1 for update",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((kind, status, customer, seller, buyer, language, issued, due)) = row else {
        return Err(AppError::NotFound);
    };
    if kind != "invoice" || status != "issued" {
        return Err(AppError::from(vec![
            domain::FieldError::new(domain::Code::InvoiceNotCancellable).at("invoice"),
        ]));
    }
    let doc = super::db::document_of(conn, id).await?;
    let negated = doc.negated();
    let header = Header {
        run: None,
        customer,
        issue_date,
        payment_terms_days: (due - issued).num_days() as i32,
        seller: &seller,
        buyer: &buyer,
        language: &language,
        corrects: Some(id),
        user: Some(user),
    };
    // the credit note lists no time of its own: the entries go back to approved below
    let credit = write_document(conn, &header, &negated).await?;
    sqlx::query("update invoices set status = 'cancelled', cancelled_by = $2 where id = $1")
        .bind(id)
        .bind(credit)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "update time_entries set status = 'approved', invoiced_at = null, invoice_id = null, version = version + 1,
                updated_at = now()
          where invoice_id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("update sales_items set invoice_id = null, invoiced_at = null where invoice_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    number_all(conn, &[(credit, DocumentKind::CreditNote)], issue_date).await?;
    tracing::info!(invoice = %id, %credit, "invoice cancelled by a credit note");
    Ok(credit)
}

/// A stored line kind back as the domain's (reading documents back).
pub fn kind_of(text: &str) -> Option<LineKind> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}
