//! Queries of time entries. Every change locks the entry, then checks in order: it
//! exists, the customer is in the user's scope, whose entry it is (technicians change only
//! their own), its status, its version; nothing is written when any of them refuses.

use chrono::{NaiveDate, NaiveTime};
use domain::time_entry::{billable_at_approval, time_terms};
use domain::{Code, ContractTerms, FieldError, RoundingRule, TimeEntry, TimeEntryStatus, WorkType};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{EntryRef, PAGE_SIZE, TimeCursor, TimeEntryRow, TimePageRows, TimeQuery};
use crate::auth::UserInfo;
use crate::error::AppError;
use crate::server::{Ctx, billing_gate, check_customer_scope, idempotency, internal};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    version: i32,
    customer_id: Uuid,
    customer_name: String,
    ticket_id: Option<Uuid>,
    ticket_number: Option<String>,
    ticket_title: Option<String>,
    user_id: Uuid,
    user_name: String,
    work_date: NaiveDate,
    start_time: Option<NaiveTime>,
    minutes: i32,
    work_type: String,
    after_hours: bool,
    notes: Option<String>,
    status: String,
    rejection_reason: Option<String>,
    billable_minutes: Option<i32>,
    coverage: Option<String>,
    rate: Option<Decimal>,
    currency: Option<String>,
    contract_id: Option<Uuid>,
    contract_name: Option<String>,
    approved_by_name: Option<String>,
}

const SELECT: &str = "select e.id, e.version, e.customer_id, c.name as customer_name, e.ticket_id,
        t.number as ticket_number, t.title as ticket_title, e.user_id, u.name as user_name, e.work_date,
        e.start_time, e.minutes, e.work_type, e.after_hours, e.notes, e.status, e.rejection_reason,
        e.billable_minutes, e.coverage, e.rate, e.currency::text as currency, e.contract_id,
        k.name as contract_name, a.name as approved_by_name
   from time_entries e
   join customers c on c.id = e.customer_id
   join users u on u.id = e.user_id
   left join tickets t on t.id = e.ticket_id
   left join contracts k on k.id = e.contract_id
   left join users a on a.id = e.approved_by";

impl TryFrom<Row> for TimeEntryRow {
    type Error = AppError;

    fn try_from(r: Row) -> Result<Self, AppError> {
        let bad = |what: &str| internal("stored time entry", what);
        let entry = TimeEntry {
            work_date: r.work_date,
            start: r
                .start_time
                .map(|s| domain::sla::TimeOfDay::parse(&s.format("%H:%M").to_string()))
                .transpose()
                .map_err(|_| bad("start"))?,
            minutes: r.minutes as u32,
            work_type: WorkType::parse(&r.work_type).map_err(|_| bad("work_type"))?,
            after_hours: r.after_hours,
            notes: r.notes,
        };
        Ok(TimeEntryRow {
            id: r.id,
            version: r.version,
            customer: r.customer_id,
            customer_name: r.customer_name,
            ticket: r.ticket_id,
            ticket_number: r.ticket_number,
            ticket_title: r.ticket_title,
            user: r.user_id,
            user_name: r.user_name,
            entry: entry.to_draft(),
            minutes: entry.minutes,
            status: TimeEntryStatus::parse(&r.status).map_err(|_| bad("status"))?,
            rejection_reason: r.rejection_reason,
            billable_minutes: r.billable_minutes.map(|m| m as u32),
            coverage: r
                .coverage
                .map(|c| domain::TimeCoverage::parse(&c))
                .transpose()
                .map_err(|_| bad("coverage"))?,
            rate: r.rate.map(|d| d.normalize().to_string()),
            currency: r.currency,
            contract: r.contract_id,
            contract_name: r.contract_name,
            approved_by: r.approved_by_name,
        })
    }
}

pub async fn page(pool: &PgPool, user: &UserInfo, query: &TimeQuery) -> Result<TimePageRows, AppError> {
    if let Some(ticket) = query.ticket {
        let customer: Uuid = sqlx::query_scalar("select customer_id from tickets where id = $1")
            .bind(ticket)
            .fetch_optional(pool)
            .await?
            .ok_or(AppError::NotFound)?;
        check_customer_scope(pool, user, customer).await?;
    }
    let mut b = QueryBuilder::<Postgres>::new(SELECT);
    b.push(" where true");
    if let Some(ticket) = query.ticket {
        b.push(" and e.ticket_id = ").push_bind(ticket);
    }
    if let Some(customer) = query.customer {
        b.push(" and e.customer_id = ").push_bind(customer);
    }
    if query.mine {
        b.push(" and e.user_id = ").push_bind(user.id);
    } else if let Some(u) = query.user {
        b.push(" and e.user_id = ").push_bind(u);
    }
    if let Some(status) = query.status {
        b.push(" and e.status = ").push_bind(status.as_str());
    }
    if let Some(week) = query.week {
        let monday = super::week_of(week);
        b.push(" and e.work_date between ")
            .push_bind(monday)
            .push(" and ")
            .push_bind(monday + chrono::Duration::days(6));
    }
    if let Some(after) = query.after {
        b.push(" and (e.work_date, e.id) < (")
            .push_bind(after.date)
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    crate::customers::list::push_scope(&mut b, user);
    b.push(" order by e.work_date desc, e.id desc limit ")
        .push_bind(PAGE_SIZE as i64 + 1);
    let mut rows: Vec<Row> = b.build_query_as().fetch_all(pool).await?;
    let next = crate::server::next_page(&mut rows, PAGE_SIZE, |r| TimeCursor {
        date: r.work_date,
        id: r.id,
    });
    Ok(TimePageRows {
        rows: rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?,
        next,
    })
}

async fn get_in(conn: &mut PgConnection, id: Uuid) -> Result<TimeEntryRow, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} where e.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    row.try_into()
}

fn start_time(entry: &TimeEntry) -> Option<NaiveTime> {
    entry
        .start
        .and_then(|s| NaiveTime::from_hms_opt(u32::from(s.minutes() / 60), u32::from(s.minutes() % 60), 0))
}

pub async fn create(
    ctx: &Ctx,
    key: Uuid,
    customer: Uuid,
    ticket: Option<Uuid>,
    entry: &TimeEntry,
    submit: bool,
) -> Result<TimeEntryRow, AppError> {
    let mut tx = ctx.pool.begin().await?;
    if let Some(done) = idempotency::claim(&mut tx, key, ctx.user.id, "time/create").await? {
        return Ok(done);
    }
    if let Some(ticket) = ticket {
        let of: Option<Uuid> = sqlx::query_scalar("select customer_id from tickets where id = $1")
            .bind(ticket)
            .fetch_optional(&mut *tx)
            .await?;
        if of != Some(customer) {
            return Err(AppError::from(vec![FieldError::new(Code::ChoiceInvalid).at("ticket")]));
        }
    }
    let id: Uuid = sqlx::query_scalar(
        "insert into time_entries (customer_id, ticket_id, user_id, work_date, start_time, minutes, work_type,
                                   after_hours, notes, status, submitted_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, case when $10 then 'submitted' else 'draft' end,
                 case when $10 then now() end)
         returning id",
    )
    .bind(customer)
    .bind(ticket)
    .bind(ctx.user.id)
    .bind(entry.work_date)
    .bind(start_time(entry))
    .bind(entry.minutes as i32)
    .bind(entry.work_type.as_str())
    .bind(entry.after_hours)
    .bind(&entry.notes)
    .bind(submit)
    .fetch_one(&mut *tx)
    .await?;
    let row = get_in(&mut tx, id).await?;
    idempotency::finish(&mut tx, key, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// The entry locked for a change, after the scope and version checks.
struct Locked {
    user_id: Uuid,
    customer_id: Uuid,
    status: TimeEntryStatus,
}

async fn lock(ctx: &Ctx, tx: &mut PgConnection, id: Uuid, version: i32) -> Result<Locked, AppError> {
    let row: Option<(Uuid, Uuid, String, i32)> =
        sqlx::query_as("select user_id, customer_id, status, version from time_entries where id = $1 for update")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (user_id, customer_id, status, stored) = row.ok_or(AppError::NotFound)?;
    check_customer_scope(&ctx.pool, &ctx.user, customer_id).await?;
    let status = TimeEntryStatus::parse(&status).map_err(|e| internal("stored status", e))?;
    if status == TimeEntryStatus::Invoiced {
        return Err(AppError::Locked);
    }
    if stored != version {
        return Err(AppError::Conflict);
    }
    Ok(Locked {
        user_id,
        customer_id,
        status,
    })
}

/// Technicians change only their own entries, and only while they are theirs to change.
async fn lock_own(ctx: &Ctx, tx: &mut PgConnection, id: Uuid, version: i32) -> Result<Locked, AppError> {
    let locked = lock(ctx, tx, id, version).await?;
    if locked.user_id != ctx.user.id {
        return Err(AppError::Forbidden);
    }
    if !locked.status.is_editable() {
        return Err(AppError::Locked);
    }
    Ok(locked)
}

pub async fn save(
    ctx: &Ctx,
    id: Uuid,
    version: i32,
    entry: &TimeEntry,
    submit: bool,
) -> Result<TimeEntryRow, AppError> {
    let mut tx = ctx.pool.begin().await?;
    lock_own(ctx, &mut tx, id, version).await?;
    sqlx::query(
        "update time_entries set work_date = $2, start_time = $3, minutes = $4, work_type = $5, after_hours = $6,
                notes = $7, status = case when $8 then 'submitted' else 'draft' end,
                submitted_at = case when $8 then now() end, rejection_reason = null,
                version = version + 1, updated_at = now()
          where id = $1",
    )
    .bind(id)
    .bind(entry.work_date)
    .bind(start_time(entry))
    .bind(entry.minutes as i32)
    .bind(entry.work_type.as_str())
    .bind(entry.after_hours)
    .bind(&entry.notes)
    .bind(submit)
    .execute(&mut *tx)
    .await?;
    let row = get_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn delete(ctx: &Ctx, id: Uuid, version: i32) -> Result<(), AppError> {
    let mut tx = ctx.pool.begin().await?;
    lock_own(ctx, &mut tx, id, version).await?;
    sqlx::query("delete from time_entries where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn submit(ctx: &Ctx, entries: &[EntryRef]) -> Result<u32, AppError> {
    let mut tx = ctx.pool.begin().await?;
    for e in sorted(entries) {
        lock_own(ctx, &mut tx, e.id, e.version).await?;
        sqlx::query(
            "update time_entries set status = 'submitted', submitted_at = now(), rejection_reason = null,
                    version = version + 1, updated_at = now()
              where id = $1",
        )
        .bind(e.id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(entries.len() as u32)
}

/// Locks in id order, so two bulk actions over overlapping entries cannot deadlock.
fn sorted(entries: &[EntryRef]) -> Vec<EntryRef> {
    let mut v = entries.to_vec();
    v.sort_by_key(|e| e.id);
    v.dedup_by_key(|e| e.id);
    v
}

/// What approval freezes into an entry.
struct Frozen {
    contract: Option<(Uuid, Option<RoundingRule>, String)>,
    coverage: Option<(domain::TimeCoverage, Decimal)>,
}

/// A part of a contract in force, with the terms of its version on the work date.
#[derive(sqlx::FromRow)]
struct PartTerms {
    id: Uuid,
    currency: String,
    rounding_minimum: Option<i32>,
    rounding_increment: Option<i32>,
    terms: serde_json::Value,
}

/// The one contract of `customer` in force on `day` that takes time (BILLING.md: "the
/// customer's only matching one"), with the way its first time-taking part covers time.
/// None, or several, leave the entry without a contract: the invoice run's blocker.
async fn contract_for(
    conn: &mut PgConnection,
    customer: Uuid,
    day: NaiveDate,
    after_hours: bool,
) -> Result<Frozen, AppError> {
    let parts: Vec<PartTerms> = sqlx::query_as(
        "select k.id, k.currency::text as currency, k.rounding_minimum, k.rounding_increment, v.terms
           from contracts k
           join contract_parts p on p.contract_id = k.id
           join lateral (select terms from contract_part_versions v
                          where v.part_id = p.id and v.valid_from <= $2
                          order by v.valid_from desc limit 1) v on true
          where k.customer_id = $1 and k.active and k.start_date <= $2 and (k.end_date is null or k.end_date >= $2)
          order by k.id, p.position",
    )
    .bind(customer)
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    let mut taking: Vec<(Uuid, Option<RoundingRule>, String, domain::TimeCoverage, Decimal)> = Vec::new();
    for PartTerms {
        id: contract,
        currency,
        rounding_minimum: minimum,
        rounding_increment: increment,
        terms,
    } in parts
    {
        if taking.last().is_some_and(|t| t.0 == contract) {
            continue;
        }
        let terms: ContractTerms = serde_json::from_value(terms).map_err(|e| internal("stored terms", e))?;
        if let Some((coverage, rate)) = time_terms(&terms, after_hours) {
            let rule = minimum.zip(increment).map(|(m, i)| RoundingRule {
                minimum_minutes: m as u32,
                increment_minutes: i as u32,
            });
            taking.push((contract, rule, currency, coverage, rate));
        }
    }
    Ok(match taking.as_slice() {
        [(id, rule, currency, coverage, rate)] => Frozen {
            contract: Some((*id, *rule, currency.clone())),
            coverage: Some((*coverage, *rate)),
        },
        _ => Frozen {
            contract: None,
            coverage: None,
        },
    })
}

pub async fn approve(ctx: &Ctx, entries: &[EntryRef]) -> Result<Vec<TimeEntryRow>, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let mut locked = Vec::new();
    for e in sorted(entries) {
        let l = lock(ctx, &mut tx, e.id, e.version).await?;
        if l.status != TimeEntryStatus::Submitted {
            return Err(AppError::Conflict);
        }
        locked.push((e.id, l.customer_id));
    }
    // The gate, for every customer, before anything is written.
    let mut customers: Vec<Uuid> = locked.iter().map(|l| l.1).collect();
    customers.sort();
    customers.dedup();
    for customer in customers {
        billing_gate::require_billing_info(&mut tx, customer).await?;
    }
    // A bulk approval is mostly the same customers on the same days: one contract
    // look-up for each (customer, day, after hours).
    let mut contracts: std::collections::HashMap<(Uuid, NaiveDate, bool), std::sync::Arc<Frozen>> = Default::default();
    for (id, customer) in &locked {
        let (day, minutes, work_type, after_hours): (NaiveDate, i32, String, bool) =
            sqlx::query_as("select work_date, minutes, work_type, after_hours from time_entries where id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let work_type = WorkType::parse(&work_type).map_err(|e| internal("stored work type", e))?;
        let key = (*customer, day, after_hours);
        let frozen = match contracts.get(&key) {
            Some(f) => f.clone(),
            None => {
                let f = std::sync::Arc::new(contract_for(&mut tx, *customer, day, after_hours).await?);
                contracts.insert(key, f.clone());
                f
            }
        };
        let rule = frozen.contract.as_ref().and_then(|c| c.1);
        let billable = billable_at_approval(work_type, rule, minutes as u32);
        sqlx::query(
            "update time_entries set status = 'approved', approved_by = $2, approved_at = now(), contract_id = $3,
                    rounding_minimum = $4, rounding_increment = $5, billable_minutes = $6, coverage = $7,
                    rate = $8, currency = $9, rejection_reason = null, version = version + 1, updated_at = now()
              where id = $1",
        )
        .bind(id)
        .bind(ctx.user.id)
        .bind(frozen.contract.as_ref().map(|c| c.0))
        .bind(rule.map(|r| r.minimum_minutes as i32))
        .bind(rule.map(|r| r.increment_minutes as i32))
        .bind(billable as i32)
        .bind(frozen.coverage.map(|c| c.0.as_str()))
        .bind(frozen.coverage.map(|c| c.1))
        .bind(frozen.contract.as_ref().map(|c| c.2.clone()))
        .execute(&mut *tx)
        .await?;
    }
    let mut rows = Vec::with_capacity(locked.len());
    for (id, _) in &locked {
        rows.push(get_in(&mut tx, *id).await?);
    }
    tx.commit().await?;
    Ok(rows)
}

pub async fn reject(ctx: &Ctx, id: Uuid, version: i32, reason: &str) -> Result<TimeEntryRow, AppError> {
    let mut tx = ctx.pool.begin().await?;
    if lock(ctx, &mut tx, id, version).await?.status != TimeEntryStatus::Submitted {
        return Err(AppError::Conflict);
    }
    sqlx::query(
        "update time_entries set status = 'rejected', rejection_reason = $2, version = version + 1, updated_at = now()
          where id = $1",
    )
    .bind(id)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    let row = get_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn unapprove(ctx: &Ctx, id: Uuid, version: i32) -> Result<TimeEntryRow, AppError> {
    let mut tx = ctx.pool.begin().await?;
    if lock(ctx, &mut tx, id, version).await?.status != TimeEntryStatus::Approved {
        return Err(AppError::Conflict);
    }
    sqlx::query(
        "update time_entries set status = 'submitted', approved_by = null, approved_at = null, contract_id = null,
                rounding_minimum = null, rounding_increment = null, billable_minutes = null, coverage = null,
                rate = null, currency = null, version = version + 1, updated_at = now()
          where id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let row = get_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}
