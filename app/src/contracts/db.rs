//! Queries of contracts. Every change locks the contract row, checks its version, writes,
//! and bumps the version in one transaction; a part's terms change only by a new row in
//! `contract_part_versions`, with `contract_parts` mirroring the latest version.

use chrono::{Duration, NaiveDate};
use domain::contract_change::{ContractStatus, PartVersion, check_end_date, default_change_date, part_to_draft};
use domain::{
    BillingCycle, Contract, ContractDraft, ContractHeader, ContractPart, ContractTerms, Currency, PartVersionDraft,
    PaymentMethod, RoundingRule,
};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{
    ContractCursor, ContractDetail, ContractListPage, ContractListRow, ContractQuery, ENDING_SOON_DAYS, PAGE_SIZE,
    PartDetail, PartVersionRow, Saved,
};
use crate::auth::UserInfo;
use crate::customers::db::text;
use crate::error::AppError;
use crate::server::{Ctx, billing_gate, idempotency};

fn internal(e: impl std::fmt::Display) -> AppError {
    crate::server::internal("contract terms", e)
}

/// The payment columns: (method, iban, bic, mandate reference).
fn payment_columns(m: &PaymentMethod) -> (&'static str, Option<String>, Option<String>, Option<String>) {
    match m {
        PaymentMethod::Manual => ("manual", None, None, None),
        PaymentMethod::SepaDirectDebit {
            iban,
            bic,
            mandate_reference,
        } => (
            "sepa_direct_debit",
            Some(iban.to_string()),
            text(bic),
            Some(mandate_reference.to_string()),
        ),
    }
}

type HeaderQuery<'q> = sqlx::query::QueryScalar<'q, Postgres, Uuid, sqlx::postgres::PgArguments>;

/// Binds the header's columns as `$1`–`$14` (name … rounding increment), in the order the
/// insert and the update name them.
fn bind_header<'q>(q: HeaderQuery<'q>, h: &ContractHeader) -> HeaderQuery<'q> {
    let (method, iban, bic, mandate) = payment_columns(&h.payment_method);
    q.bind(h.name.to_string())
        .bind(h.period.start())
        .bind(h.period.end())
        .bind(h.billing_cycle.as_str())
        .bind(h.billing_timing.as_str())
        .bind(h.currency.to_string())
        .bind(h.payment_terms_days as i32)
        .bind(method)
        .bind(iban)
        .bind(bic)
        .bind(mandate)
        .bind(text(&h.notes))
        .bind(h.rounding.map(|r: RoundingRule| r.minimum_minutes as i32))
        .bind(h.rounding.map(|r| r.increment_minutes as i32))
}

/// The catalogue service a part names, by code; unknown codes are field errors.
async fn service_id(conn: &mut PgConnection, part: &ContractPart, field: &str) -> Result<Option<Uuid>, AppError> {
    let Some(code) = &part.service else { return Ok(None) };
    let id: Option<Uuid> = sqlx::query_scalar("select id from services where code = $1 and not archived")
        .bind(code.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    match id {
        Some(id) => Ok(Some(id)),
        None => Err(vec![domain::FieldError::new(domain::Code::ServiceCodeUnknown).at(field)].into()),
    }
}

/// Inserts a contract with its parts, each part's first version from the contract start.
/// Shared by the new-customer wizard and the contracts feature.
pub async fn insert(
    tx: &mut PgConnection,
    customer: Uuid,
    contract: &Contract,
    active: bool,
    user: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let h = &contract.header;
    let insert = sqlx::query_scalar(
        "insert into contracts (name, start_date, end_date, billing_cycle, billing_timing, currency,
                                payment_terms_days, payment_method, iban, bic, mandate_reference, notes,
                                rounding_minimum, rounding_increment, customer_id, active, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) returning id",
    );
    let id: Uuid = bind_header(insert, h)
        .bind(customer)
        .bind(active)
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
    for (position, part) in contract.parts.iter().enumerate() {
        let field = format!("parts[{position}].service_code");
        let service = service_id(tx, part, &field).await?;
        insert_part(tx, id, position as i32, part, service, h.period.start(), user).await?;
    }
    Ok(id)
}

async fn insert_part(
    tx: &mut PgConnection,
    contract: Uuid,
    position: i32,
    part: &ContractPart,
    service: Option<Uuid>,
    valid_from: NaiveDate,
    user: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let terms = serde_json::to_value(&part.terms).map_err(internal)?;
    let part_id: Uuid = sqlx::query_scalar(
        "insert into contract_parts (contract_id, position, contract_type, description, terms, service_id,
                                     min_quantity, quantity_from_usage)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(contract)
    .bind(position)
    .bind(part.terms.contract_type().as_str())
    .bind(text(&part.description))
    .bind(&terms)
    .bind(service)
    .bind(part.min_quantity.map(|q| q.value()))
    .bind(part.quantity_from_usage)
    .fetch_one(&mut *tx)
    .await?;
    insert_version(tx, part_id, valid_from, part, &terms, user).await?;
    Ok(part_id)
}

async fn insert_version(
    tx: &mut PgConnection,
    part: Uuid,
    valid_from: NaiveDate,
    p: &ContractPart,
    terms: &serde_json::Value,
    user: Option<Uuid>,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into contract_part_versions (part_id, valid_from, description, terms, min_quantity, saved_by)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(part)
    .bind(valid_from)
    .bind(text(&p.description))
    .bind(terms)
    .bind(p.min_quantity.map(|q| q.value()))
    .bind(user)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn create(
    ctx: &Ctx,
    key: Uuid,
    customer: Uuid,
    contract: &Contract,
    active: bool,
    unless_covered: bool,
) -> Result<Saved, AppError> {
    let mut tx = ctx.pool.begin().await?;
    if let Some(done) = idempotency::claim::<Saved>(&mut tx, key, ctx.user.id, "contracts/create").await? {
        tx.rollback().await?;
        return Ok(done);
    }
    if unless_covered {
        // Two wizards (two tabs, two colleagues) that chose the same customer hold
        // different keys: the row lock makes the second wait for the first, and then see
        // its contract. Taken before the gate's share lock, which could not be upgraded
        // without a deadlock between the two.
        sqlx::query("select 1 from customers where id = $1 for no key update")
            .bind(customer)
            .execute(&mut *tx)
            .await?;
        let covered: bool = sqlx::query_scalar(&format!(
            "select exists (select 1 from contracts k where k.customer_id = $1 and {})",
            super::in_force_sql("k", "$2")
        ))
        .bind(customer)
        .bind(crate::server::today())
        .fetch_one(&mut *tx)
        .await?;
        if covered {
            return Err(AppError::validation(vec![crate::error::FieldProblem::new(
                "contract",
                "contract.customer_covered",
            )]));
        }
    }
    billing_gate::require_billing_info(&mut tx, customer).await?;
    let id = insert(&mut tx, customer, contract, active, Some(ctx.user.id)).await?;
    let saved = Saved { id, version: 1 };
    idempotency::finish(&mut tx, key, &saved).await?;
    tx.commit().await?;
    super::uncovered::invalidate();
    Ok(saved)
}

pub async fn customer_of(pool: &PgPool, id: Uuid) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar("select customer_id from contracts where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?)
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: Uuid,
    customer_id: Uuid,
    customer_name: String,
    name: String,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    billing_cycle: String,
    currency: String,
    active: bool,
    types: Vec<String>,
}

pub async fn page(
    pool: &PgPool,
    user: &UserInfo,
    q: &ContractQuery,
    today: NaiveDate,
) -> Result<ContractListPage, AppError> {
    let mut b = QueryBuilder::<Postgres>::new(
        "select k.id, k.customer_id, c.name as customer_name, k.name, k.start_date, k.end_date, k.billing_cycle,
                k.currency::text as currency, k.active, k.part_types as types
           from contracts k join customers c on c.id = k.customer_id where true",
    );
    if let Some(customer) = q.customer {
        b.push(" and k.customer_id = ").push_bind(customer);
    }
    if let Some(kind) = &q.contract_type {
        // `part_types` is kept by triggers on `contract_parts` (migration 13).
        b.push(" and ").push_bind(kind.clone()).push(" = any(k.part_types)");
    }
    match q.status {
        None => {}
        Some(ContractStatus::Draft) => {
            b.push(" and not k.active");
        }
        Some(ContractStatus::Active) => {
            b.push(" and ");
            super::push_in_force(&mut b, "k", today);
        }
        Some(ContractStatus::Ended) => {
            b.push(" and k.active and k.end_date < ").push_bind(today);
        }
    }
    if q.ending_soon {
        b.push(" and k.active and k.end_date between ")
            .push_bind(today)
            .push(" and ")
            .push_bind(today + Duration::days(ENDING_SOON_DAYS));
    }
    if let Some(after) = &q.after {
        b.push(" and (lower(k.name), k.id) > (")
            .push_bind(after.name.clone())
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    crate::customers::list::push_scope(&mut b, user);
    // The limit in the text, not a parameter: with `limit $n` the prepared statement's
    // generic plan is no good and every call is planned afresh (as the customer list found).
    b.push(format!(" order by lower(k.name), k.id limit {}", PAGE_SIZE + 1));
    let mut rows: Vec<ListRow> = b.build_query_as().fetch_all(pool).await?;
    let next = if rows.len() > PAGE_SIZE {
        rows.truncate(PAGE_SIZE);
        rows.last().map(|r| ContractCursor {
            name: r.name.to_lowercase(),
            id: r.id,
        })
    } else {
        None
    };
    let rows = rows
        .into_iter()
        .map(|r| ContractListRow {
            id: r.id,
            customer: r.customer_id,
            customer_name: r.customer_name,
            status: ContractStatus::on(r.active, r.end_date, today),
            name: r.name,
            start: r.start_date,
            end: r.end_date,
            billing_cycle: r.billing_cycle,
            currency: r.currency,
            types: r.types,
        })
        .collect();
    Ok(ContractListPage { rows, next })
}

#[derive(sqlx::FromRow)]
struct HeaderRow {
    id: Uuid,
    version: i32,
    customer_id: Uuid,
    customer_name: String,
    name: String,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    billing_cycle: String,
    billing_timing: String,
    currency: String,
    payment_terms_days: i32,
    payment_method: String,
    iban: Option<String>,
    bic: Option<String>,
    mandate_reference: Option<String>,
    notes: Option<String>,
    active: bool,
    billed_through: Option<NaiveDate>,
    rounding_minimum: Option<i32>,
    rounding_increment: Option<i32>,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    part_id: Uuid,
    valid_from: NaiveDate,
    description: Option<String>,
    terms: serde_json::Value,
    min_quantity: Option<Decimal>,
    service_code: Option<String>,
    quantity_from_usage: bool,
    saved_by: Option<String>,
    saved_at: chrono::DateTime<chrono::Utc>,
}

fn version_draft(v: &VersionRow) -> Result<domain::ContractPartDraft, AppError> {
    let terms: ContractTerms = serde_json::from_value(v.terms.clone()).map_err(internal)?;
    let part = ContractPart {
        description: None,
        terms,
        service: None,
        min_quantity: None,
        quantity_from_usage: v.quantity_from_usage,
    };
    let mut d = part_to_draft(&part);
    d.description = v.description.clone().unwrap_or_default();
    d.service_code = v.service_code.clone().unwrap_or_default();
    d.min_quantity = v.min_quantity.map(|q| q.normalize().to_string()).unwrap_or_default();
    Ok(d)
}

pub async fn detail(pool: &PgPool, id: Uuid, today: NaiveDate) -> Result<ContractDetail, AppError> {
    let h: HeaderRow = sqlx::query_as(
        "select k.id, k.version, k.customer_id, c.name as customer_name, k.name, k.start_date, k.end_date,
                k.billing_cycle, k.billing_timing, k.currency::text as currency, k.payment_terms_days,
                k.payment_method, k.iban, k.bic, k.mandate_reference, k.notes, k.active, k.billed_through,
                k.rounding_minimum, k.rounding_increment
           from contracts k join customers c on c.id = k.customer_id where k.id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    let versions: Vec<VersionRow> = sqlx::query_as(
        "select v.part_id, v.valid_from, v.description, v.terms, v.min_quantity, s.code as service_code,
                p.quantity_from_usage, u.name as saved_by, v.saved_at
           from contract_part_versions v
           join contract_parts p on p.id = v.part_id
           left join services s on s.id = p.service_id
           left join users u on u.id = v.saved_by
          where p.contract_id = $1
          order by p.position, v.valid_from desc",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let readings = crate::usage::db::latest_quantities(pool, &[h.customer_id]).await?;
    let mut parts: Vec<PartDetail> = Vec::new();
    for v in &versions {
        let row = PartVersionRow {
            valid_from: v.valid_from,
            part: version_draft(v)?,
            saved_by: v.saved_by.clone(),
            saved_at: v.saved_at,
        };
        match parts.last_mut() {
            Some(p) if p.id == v.part_id => p.versions.push(row),
            _ => {
                let latest_reading = v
                    .service_code
                    .as_ref()
                    .and_then(|code| readings.get(&(h.customer_id, code.clone())))
                    .map(|(q, d)| (q.normalize().to_string(), *d));
                parts.push(PartDetail {
                    id: v.part_id,
                    versions: vec![row],
                    latest_reading,
                })
            }
        }
    }
    let cycle = BillingCycle::parse(&h.billing_cycle).unwrap_or(BillingCycle::Monthly);
    let draft = ContractDraft {
        name: h.name,
        start_date: h.start_date.to_string(),
        end_date: h.end_date.map(|d| d.to_string()).unwrap_or_default(),
        billing_cycle: h.billing_cycle,
        billing_timing: h.billing_timing,
        currency: h.currency,
        payment_terms_days: h.payment_terms_days.to_string(),
        payment_method: h.payment_method,
        iban: h.iban.unwrap_or_default(),
        bic: h.bic.unwrap_or_default(),
        mandate_reference: h.mandate_reference.unwrap_or_default(),
        notes: h.notes.unwrap_or_default(),
        rounding_minimum: h.rounding_minimum.map(|m| m.to_string()).unwrap_or_default(),
        rounding_increment: h.rounding_increment.map(|m| m.to_string()).unwrap_or_default(),
        parts: parts.iter().map(|p| p.versions[0].part.clone()).collect(),
    };
    Ok(ContractDetail {
        id: h.id,
        version: h.version,
        customer: h.customer_id,
        customer_name: h.customer_name,
        status: ContractStatus::on(h.active, h.end_date, today),
        billed_through: h.billed_through,
        change_from: default_change_date(h.start_date, h.billed_through, today, cycle),
        draft,
        parts,
    })
}

/// What a change checks against, read under the contract's row lock.
struct Locked {
    customer: Uuid,
    start: NaiveDate,
    end: Option<NaiveDate>,
    billed_through: Option<NaiveDate>,
    currency: Currency,
}

/// Locks the contract, checks the caller may reach its customer and that it is still at
/// `version`.
async fn lock(ctx: &Ctx, conn: &mut PgConnection, id: Uuid, version: i32) -> Result<Locked, AppError> {
    let (customer, current, start, end, billed_through, currency): (
        Uuid,
        i32,
        NaiveDate,
        Option<NaiveDate>,
        Option<NaiveDate>,
        String,
    ) = sqlx::query_as(
        "select customer_id, version, start_date, end_date, billed_through, currency::text
           from contracts where id = $1 for update",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
    if current != version {
        return Err(vec![domain::FieldError::new(domain::Code::ContractChanged)].into());
    }
    let currency = Currency::parse(&currency).map_err(|_| AppError::Internal)?;
    Ok(Locked {
        customer,
        start,
        end,
        billed_through,
        currency,
    })
}

async fn bump(conn: &mut PgConnection, id: Uuid) -> Result<Saved, AppError> {
    let version: i32 = sqlx::query_scalar(
        "update contracts set version = version + 1, updated_at = now() where id = $1 returning version",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Saved { id, version })
}

pub async fn save_header(ctx: &Ctx, id: Uuid, version: i32, h: &ContractHeader) -> Result<Saved, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let locked = lock(ctx, &mut tx, id, version).await?;
    let mut errors = Vec::new();
    // Once billed, the start and the currency are what the invoices say.
    if locked.billed_through.is_some() {
        if h.period.start() != locked.start {
            errors.push(domain::FieldError::new(domain::Code::ContractBilledFixed).at("start_date"));
        }
        if h.currency != locked.currency {
            errors.push(domain::FieldError::new(domain::Code::ContractBilledFixed).at("currency"));
        }
    }
    if let (Some(end), Some(billed)) = (h.period.end(), locked.billed_through)
        && end < billed
    {
        errors.push(
            domain::FieldError::new(domain::Code::EndBeforeBilled)
                .at("end_date")
                .with("date", billed.format("%Y-%m-%d")),
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let update = sqlx::query_scalar(
        "update contracts set name = $1, start_date = $2, end_date = $3, billing_cycle = $4, billing_timing = $5,
                currency = $6, payment_terms_days = $7, payment_method = $8, iban = $9, bic = $10,
                mandate_reference = $11, notes = $12, rounding_minimum = $13, rounding_increment = $14
          where id = $15 returning id",
    );
    let _: Uuid = bind_header(update, h).bind(id).fetch_one(&mut *tx).await?;
    let saved = bump(&mut tx, id).await?;
    tx.commit().await?;
    super::uncovered::invalidate();
    Ok(saved)
}

/// A new version of `part` (or, with `None`, a new part) from the change's date.
pub async fn change_part(
    ctx: &Ctx,
    id: Uuid,
    version: i32,
    part: Option<Uuid>,
    change: &PartVersionDraft,
) -> Result<Saved, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let locked = lock(ctx, &mut tx, id, version).await?;
    let latest: Option<(NaiveDate, String)> = match part {
        None => None,
        Some(part) => Some(
            sqlx::query_as(
                "select max(v.valid_from), p.contract_type from contract_parts p
                   join contract_part_versions v on v.part_id = p.id
                  where p.id = $1 and p.contract_id = $2 group by p.contract_type",
            )
            .bind(part)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?,
        ),
    };
    let valid: PartVersion = change.validate(
        locked.currency,
        (locked.start, locked.end),
        latest.as_ref().map(|(d, t)| (*d, t.as_str())),
    )?;
    let service = service_id(&mut tx, &valid.part, "part.service_code").await?;
    let user = Some(ctx.user.id);
    match part {
        None => {
            let position: i32 =
                sqlx::query_scalar("select coalesce(max(position) + 1, 0) from contract_parts where contract_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            insert_part(&mut tx, id, position, &valid.part, service, valid.valid_from, user).await?;
        }
        Some(part) => {
            let terms = serde_json::to_value(&valid.part.terms).map_err(internal)?;
            insert_version(&mut tx, part, valid.valid_from, &valid.part, &terms, user).await?;
            sqlx::query(
                "update contract_parts set description = $2, terms = $3, service_id = $4, min_quantity = $5,
                        quantity_from_usage = $6 where id = $1",
            )
            .bind(part)
            .bind(text(&valid.part.description))
            .bind(&terms)
            .bind(service)
            .bind(valid.part.min_quantity.map(|q| q.value()))
            .bind(valid.part.quantity_from_usage)
            .execute(&mut *tx)
            .await?;
        }
    }
    let saved = bump(&mut tx, id).await?;
    tx.commit().await?;
    super::uncovered::invalidate();
    Ok(saved)
}

pub async fn end(ctx: &Ctx, id: Uuid, version: i32, end_date: &str, allow_credit: bool) -> Result<Saved, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let locked = lock(ctx, &mut tx, id, version).await?;
    let end = check_end_date(end_date, locked.start, locked.billed_through, allow_credit).map_err(|e| vec![e])?;
    sqlx::query("update contracts set end_date = $2 where id = $1")
        .bind(id)
        .bind(end)
        .execute(&mut *tx)
        .await?;
    let saved = bump(&mut tx, id).await?;
    tx.commit().await?;
    super::uncovered::invalidate();
    Ok(saved)
}

pub async fn activate(ctx: &Ctx, id: Uuid, version: i32) -> Result<Saved, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let locked = lock(ctx, &mut tx, id, version).await?;
    // An active contract bills its customer: the same gate as creating one.
    billing_gate::require_billing_info(&mut tx, locked.customer).await?;
    sqlx::query("update contracts set active = true where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let saved = bump(&mut tx, id).await?;
    tx.commit().await?;
    super::uncovered::invalidate();
    Ok(saved)
}
