//! Reading runs and documents back for the pages and the API.

use chrono::{DateTime, NaiveDate, Utc};
use domain::charges::Charge;
use domain::invoice_draft::{CustomerDraft, DocumentKind, DraftDocument, DraftLine};
use domain::settlement::ChargeKey;
use domain::tax::{VatCategory, VatRate};
use domain::{Currency, TaxCategory};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    AppendixEntry, InvoiceDetail, InvoiceFilter, InvoiceRow, ParkReason, RunCounts, RunCustomerDetail, RunCustomerRow,
    RunStatus,
};
use crate::error::AppError;
use crate::server::internal;

pub const PAGE: i64 = 50;

type RunRow = (Uuid, NaiveDate, String, Option<NaiveDate>, DateTime<Utc>);

pub async fn status(pool: &PgPool, run: Uuid) -> Result<RunStatus, AppError> {
    let row: RunRow =
        sqlx::query_as("select id, cutoff, status, issue_date, created_at from invoice_runs where id = $1")
            .bind(run)
            .fetch_optional(pool)
            .await?
            .ok_or(AppError::NotFound)?;
    with_counts(pool, row).await
}

pub async fn runs(pool: &PgPool) -> Result<Vec<RunStatus>, AppError> {
    let rows: Vec<RunRow> = sqlx::query_as(
        "select id, cutoff, status, issue_date, created_at from invoice_runs order by created_at desc limit 20",
    )
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(with_counts(pool, row).await?);
    }
    Ok(out)
}

async fn with_counts(
    pool: &PgPool,
    (id, cutoff, status, issue_date, created_at): RunRow,
) -> Result<RunStatus, AppError> {
    let counts: Vec<(String, i64)> =
        sqlx::query_as("select state, count(*) from invoice_run_customers where run_id = $1 group by state")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let mut c = RunCounts::default();
    for (state, n) in counts {
        match state.as_str() {
            "pending" => c.pending = n,
            "ready" => c.ready = n,
            "empty" => c.empty = n,
            "parked" => c.parked = n,
            "done" => c.done = n,
            "changed" => c.changed = n,
            _ => {}
        }
        c.total += n;
    }
    // net per currency of what is (to be) issued
    let totals: Vec<(String, Decimal)> = sqlx::query_as(
        "select n.key, sum(n.value::numeric) from invoice_run_customers r, jsonb_each_text(r.net) n
          where r.run_id = $1 and r.state in ('ready', 'done') group by 1 order by 1",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let (documents,): (i64,) = sqlx::query_as("select count(*) from invoices where run_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(RunStatus {
        id,
        cutoff,
        status,
        issue_date,
        created_at,
        counts: c,
        totals,
        documents,
    })
}

fn reason_of(v: Option<serde_json::Value>) -> Option<ParkReason> {
    let v = v?;
    if v.get("billing_info").is_some() {
        return Some(ParkReason::BillingInfo);
    }
    if let Some(b) = v.get("blockers") {
        return Some(ParkReason::Blockers(
            serde_json::from_value(b.clone()).unwrap_or_default(),
        ));
    }
    Some(ParkReason::Error(
        v.get("error").and_then(|e| e.as_str()).map(str::to_owned),
    ))
}

type CustomerRow = (
    Uuid,
    String,
    String,
    Option<serde_json::Value>,
    i32,
    i32,
    serde_json::Value,
    Vec<Uuid>,
);

fn row_of((customer, name, state, reason, documents, lines, net, invoice_ids): CustomerRow) -> RunCustomerRow {
    let net = net
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(c, v)| Some((c.clone(), v.as_str()?.parse::<Decimal>().ok()?)))
                .collect()
        })
        .unwrap_or_default();
    RunCustomerRow {
        customer,
        name,
        state,
        reason: reason_of(reason),
        documents,
        lines,
        net,
        invoice_ids,
    }
}

const CUSTOMER_COLUMNS: &str = "r.customer_id, c.name, r.state, r.reason, r.documents, r.lines, r.net, r.invoice_ids";

/// A page of a run's customers: parked and changed first (they need the user), then by name.
pub async fn customers(
    pool: &PgPool,
    run: Uuid,
    state: Option<&str>,
    page: u32,
) -> Result<Vec<RunCustomerRow>, AppError> {
    let rows: Vec<CustomerRow> = sqlx::query_as(&format!(
        "select {CUSTOMER_COLUMNS} from invoice_run_customers r join customers c on c.id = r.customer_id
          where r.run_id = $1 and ($2::text is null or r.state = $2)
          order by case r.state when 'parked' then 0 when 'changed' then 1 else 2 end, lower(c.name), c.id
          limit $3 offset $4"
    ))
    .bind(run)
    .bind(state)
    .bind(PAGE + 1)
    .bind(i64::from(page) * PAGE)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(row_of).collect())
}

pub async fn customer(pool: &PgPool, run: Uuid, customer: Uuid) -> Result<RunCustomerDetail, AppError> {
    let mut conn = pool.acquire().await?;
    let row: CustomerRow = sqlx::query_as(&format!(
        "select {CUSTOMER_COLUMNS} from invoice_run_customers r join customers c on c.id = r.customer_id
          where r.run_id = $1 and r.customer_id = $2"
    ))
    .bind(run)
    .bind(customer)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let (draft, now): (Option<serde_json::Value>, Option<serde_json::Value>) =
        sqlx::query_as("select draft, draft_now from invoice_run_customers where run_id = $1 and customer_id = $2")
            .bind(run)
            .bind(customer)
            .fetch_one(&mut *conn)
            .await?;
    let parse = |v: Option<serde_json::Value>| -> Result<Option<CustomerDraft>, AppError> {
        v.map(|v| serde_json::from_value(v).map_err(|e| internal("draft", e)))
            .transpose()
    };
    let draft = parse(draft)?.unwrap_or_default();
    let draft_now = parse(now)?;
    let mut ids: Vec<Uuid> = draft
        .documents
        .iter()
        .flat_map(|d| d.lines.iter().map(|l| l.charge.customer))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(RunCustomerDetail {
        row: row_of(row),
        draft,
        draft_now,
        names: names(&mut conn, &ids).await?,
    })
}

async fn names(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(sqlx::query_as("select id, name from customers where id = any($1)")
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?)
}

type InvoiceSqlRow = (
    Uuid,
    Option<String>,
    String,
    String,
    NaiveDate,
    Uuid,
    String,
    String,
    Decimal,
    Decimal,
    Option<Uuid>,
);

const INVOICE_COLUMNS: &str =
    "i.id, i.number, i.kind, i.status, i.issue_date, i.customer_id, c.name, i.currency, i.net, i.gross, i.run_id";

fn invoice_row(
    (id, number, kind, status, issue_date, customer, customer_name, currency, net, gross, run): InvoiceSqlRow,
) -> InvoiceRow {
    InvoiceRow {
        id,
        number: number.unwrap_or_default(),
        kind,
        status,
        issue_date,
        customer,
        customer_name,
        currency: currency.trim().to_owned(),
        net,
        gross,
        run,
    }
}

/// Issued documents, newest first, filtered; one more than a page (the page knows there is more).
pub async fn list(pool: &PgPool, f: &InvoiceFilter) -> Result<Vec<InvoiceRow>, AppError> {
    let rows: Vec<InvoiceSqlRow> = sqlx::query_as(&format!(
        "select {INVOICE_COLUMNS} from invoices i join customers c on c.id = i.customer_id
          where i.number is not null
            and ($1::text is null or i.status = $1) and ($2::text is null or i.kind = $2)
            and ($3::uuid is null or i.run_id = $3) and ($4::uuid is null or i.customer_id = $4)
            and ($5::date is null or i.issue_date >= $5) and ($6::date is null or i.issue_date <= $6)
          order by i.issue_date desc, i.number desc limit $7 offset $8"
    ))
    .bind(f.status.as_deref().filter(|s| !s.is_empty()))
    .bind(f.kind.as_deref().filter(|s| !s.is_empty()))
    .bind(f.run)
    .bind(f.customer)
    .bind(f.from)
    .bind(f.to)
    .bind(PAGE + 1)
    .bind(i64::from(f.page) * PAGE)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(invoice_row).collect())
}

#[derive(sqlx::FromRow)]
struct LineRow {
    customer_id: Uuid,
    contract_id: Option<Uuid>,
    part_id: Option<Uuid>,
    kind: String,
    key_period: Option<NaiveDate>,
    key_kind: Option<String>,
    correction: bool,
    description: String,
    service_from: NaiveDate,
    service_to: NaiveDate,
    quantity: Decimal,
    unit_price: Decimal,
    amount: Decimal,
    vat_category: String,
    vat_percent: Decimal,
    sales_item_id: Option<Uuid>,
    reading_date: Option<NaiveDate>,
    reading_quantity: Option<Decimal>,
    entries: Vec<Uuid>,
}

fn category_of(code: &str) -> VatCategory {
    [
        VatCategory::Standard,
        VatCategory::Zero,
        VatCategory::Exempt,
        VatCategory::ReverseCharge,
        VatCategory::OutsideScope,
        VatCategory::Igic,
    ]
    .into_iter()
    .find(|c| c.code() == code)
    .unwrap_or(VatCategory::Standard)
}

/// A stored document as the domain's document (what the page shows and cancelling negates).
pub async fn document_of(conn: &mut PgConnection, id: Uuid) -> Result<DraftDocument, AppError> {
    let (kind, currency, vat, net, tax, gross): (String, String, serde_json::Value, Decimal, Decimal, Decimal) =
        sqlx::query_as("select kind, currency, vat, net, tax, gross from invoices where id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
    let currency = Currency::parse(currency.trim()).map_err(|e| internal("currency", format!("{e:?}")))?;
    let rows: Vec<LineRow> = sqlx::query_as(
        "select l.customer_id, l.contract_id, l.part_id, l.kind, l.key_period, l.key_kind, l.correction, l.description,
                l.service_from, l.service_to, l.quantity, l.unit_price, l.amount, l.vat_category, l.vat_percent,
                l.sales_item_id, l.reading_date, l.reading_quantity,
                coalesce(array(select e.entry_id from invoice_entries e where e.invoice_id = l.invoice_id
                                  and e.line = l.position order by e.entry_id), '{}') as entries
           from invoice_lines l where l.invoice_id = $1 order by l.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let key = match (r.part_id, r.key_period, r.key_kind) {
            (Some(part), Some(period_start), Some(k)) => Some(ChargeKey::Part {
                part,
                period_start,
                kind: serde_json::from_value(serde_json::Value::String(k)).map_err(|e| internal("key kind", e))?,
            }),
            _ => r.sales_item_id.map(|item| ChargeKey::SalesItem { item }),
        };
        lines.push(DraftLine {
            charge: Charge {
                customer: r.customer_id,
                contract: r.contract_id,
                part: r.part_id,
                kind: super::issue::kind_of(&r.kind).ok_or_else(|| internal("line kind", &r.kind))?,
                key,
                correction: r.correction,
                description: r.description,
                from: r.service_from,
                to: r.service_to,
                quantity: r.quantity,
                unit_price: r.unit_price,
                amount: r.amount,
                currency,
                // the rate it was taxed at is stored; the category that chose it is not needed again
                tax_category: TaxCategory::Standard,
                entries: r.entries,
                sales_item: r.sales_item_id,
                reading: r.reading_date.zip(r.reading_quantity),
            },
            vat: VatRate {
                category: category_of(&r.vat_category),
                percent: r.vat_percent,
            },
        });
    }
    let appendix: Vec<(Uuid,)> =
        sqlx::query_as("select entry_id from invoice_entries where invoice_id = $1 and line is null order by entry_id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(DraftDocument {
        kind: if kind == "credit_note" {
            DocumentKind::CreditNote
        } else {
            DocumentKind::Invoice
        },
        currency,
        lines,
        vat: serde_json::from_value(vat).map_err(|e| internal("vat", e))?,
        net,
        tax,
        gross,
        appendix: appendix.into_iter().map(|r| r.0).collect(),
    })
}

type DetailRow = (
    NaiveDate,
    serde_json::Value,
    serde_json::Value,
    String,
    Option<Uuid>,
    Option<Uuid>,
);

type EntryRow = (Uuid, NaiveDate, i32, Option<i32>, String, Option<String>, Option<i32>);

pub async fn invoice(pool: &PgPool, id: Uuid) -> Result<InvoiceDetail, AppError> {
    let mut conn = pool.acquire().await?;
    let row: InvoiceSqlRow = sqlx::query_as(&format!(
        "select {INVOICE_COLUMNS} from invoices i join customers c on c.id = i.customer_id where i.id = $1 and i.number is not null"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let (due_date, seller, buyer, language, corrects, cancelled_by): DetailRow = sqlx::query_as(
        "select due_date, seller, buyer, language, corrects_id, cancelled_by from invoices where id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let document = document_of(&mut conn, id).await?;
    let mut ids: Vec<Uuid> = document.lines.iter().map(|l| l.charge.customer).collect();
    ids.sort();
    ids.dedup();
    let number_of = |id: Option<Uuid>| async move {
        match id {
            Some(id) => sqlx::query_as::<_, (Uuid, String)>(
                "select id, number from invoices where id = $1 and number is not null",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(AppError::from),
            None => Ok(None),
        }
    };
    let entries: Vec<EntryRow> = sqlx::query_as(
        "select t.id, t.work_date, t.minutes, t.billable_minutes, u.name, t.notes, e.line
           from invoice_entries e join time_entries t on t.id = e.entry_id join users u on u.id = t.user_id
          where e.invoice_id = $1 order by t.work_date, t.start_time, t.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(InvoiceDetail {
        row: invoice_row(row),
        due_date,
        seller,
        buyer,
        language,
        names: names(&mut conn, &ids).await?,
        corrects: number_of(corrects).await?,
        cancelled_by: number_of(cancelled_by).await?,
        entries: entries
            .into_iter()
            .map(|(id, work_date, minutes, billable, user, notes, line)| AppendixEntry {
                id,
                work_date,
                minutes,
                billable_minutes: billable.unwrap_or(0),
                user,
                notes: notes.unwrap_or_default(),
                line,
            })
            .collect(),
        document,
    })
}
