//! Writing readings, whoever sends them: parse every row, resolve customers and services
//! in one query, refuse the batch if any row has a problem, then upsert all rows in one
//! statement (`unnest` arrays, `on conflict`), which is atomic by itself.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{Code, CustomerRef, FieldError, UsageReading, UsageReadingDraft};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use super::Outcome;
use crate::auth::UserInfo;
use crate::error::AppError;

/// Who sends the readings: the source they are recorded under (`manual`, `csv`,
/// `api:<token name>`; a row's own label is appended as `:<label>`) and the principal.
pub struct Origin {
    pub source: String,
    pub api_token: Option<Uuid>,
    pub user: Option<Uuid>,
}

/// A row ready to write.
#[derive(Debug, Clone)]
pub struct Valid {
    pub customer: Uuid,
    pub service: Uuid,
    pub date: NaiveDate,
    pub source: String,
    pub quantity: Decimal,
    pub external_ref: Option<String>,
}

type Key = (Uuid, Uuid, NaiveDate, String);

/// A row's index in the batch and its problem (the field path is the row's own:
/// `quantity`, `customer.domain`).
pub type Problem = (usize, FieldError);

/// "Today" for the future-date check (a day of slack is in the rule itself).
pub use crate::server::today;

/// Checks every row; `Ok(Err(problems))` when any row has one (sorted by row). `scope`: a
/// staff member restricted to their accounts finds only those customers (any other is
/// unknown to them).
pub async fn prepare(
    pool: &PgPool,
    drafts: &[UsageReadingDraft],
    origin: &Origin,
    scope: Option<&UserInfo>,
) -> Result<Result<Vec<Valid>, Vec<Problem>>, AppError> {
    let today = today();
    let mut problems: Vec<Problem> = Vec::new();
    let mut parsed: Vec<(usize, UsageReading)> = Vec::with_capacity(drafts.len());
    for (i, draft) in drafts.iter().enumerate() {
        match draft.parse(today) {
            Ok(r) => parsed.push((i, r)),
            Err(errors) => problems.extend(errors.into_iter().map(|e| (i, e))),
        }
    }
    let found = resolve(pool, &parsed, scope).await?;
    let mut rows = Vec::with_capacity(parsed.len());
    let mut seen: HashMap<Key, usize> = HashMap::with_capacity(parsed.len());
    for (i, r) in parsed {
        let customer = found.get(&customer_key(&r.customer)).copied();
        let service = found.get(&('s', r.service.to_string())).copied();
        if customer.is_none() {
            let field = match r.customer {
                CustomerRef::Id(_) => "customer.id",
                CustomerRef::ExternalId(_) => "customer.external_id",
                CustomerRef::Domain(_) => "customer.domain",
            };
            problems.push((i, FieldError::new(Code::UsageCustomerUnknown).at(field)));
        }
        if service.is_none() {
            problems.push((i, FieldError::new(Code::UsageServiceUnknown).at("service_code")));
        }
        let (Some(customer), Some(service)) = (customer, service) else {
            continue;
        };
        let source = match &r.source_label {
            Some(label) => format!("{}:{label}", origin.source),
            None => origin.source.clone(),
        };
        // Twice in one batch is a mistake the sender should see (which one is right?).
        if seen.insert((customer, service, r.date, source.clone()), i).is_some() {
            problems.push((i, FieldError::new(Code::Duplicate).at("reading_date")));
            continue;
        }
        rows.push(Valid {
            customer,
            service,
            date: r.date,
            source,
            quantity: r.quantity.value(),
            external_ref: r.external_ref,
        });
    }
    if problems.is_empty() {
        Ok(Ok(rows))
    } else {
        problems.sort_by_key(|(i, _)| *i);
        Ok(Err(problems))
    }
}

fn customer_key(c: &CustomerRef) -> (char, String) {
    match c {
        CustomerRef::Id(id) => ('i', id.to_string()),
        CustomerRef::ExternalId(e) => ('e', e.clone()),
        CustomerRef::Domain(d) => ('d', d.to_string()),
    }
}

/// Customers by id, external id and domain, and services by code, in one round trip.
async fn resolve(
    pool: &PgPool,
    rows: &[(usize, UsageReading)],
    scope: Option<&UserInfo>,
) -> Result<HashMap<(char, String), Uuid>, AppError> {
    let (mut ids, mut external, mut domains, mut codes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (_, r) in rows {
        match &r.customer {
            CustomerRef::Id(id) => ids.push(*id),
            CustomerRef::ExternalId(e) => external.push(e.clone()),
            CustomerRef::Domain(d) => domains.push(d.to_string()),
        }
        codes.push(r.service.to_string());
    }
    for list in [&mut external, &mut domains, &mut codes] {
        list.sort_unstable();
        list.dedup();
    }
    ids.sort_unstable();
    ids.dedup();
    let restricted = scope.is_some_and(|u| u.restricted);
    let user = scope.map(|u| u.id);
    let found: Vec<(String, String, Uuid)> = sqlx::query_as(
        "with named as (
             select 'i' as kind, c.id::text as key, c.id from customers c where c.id = any($1)
             union all select 'e', c.external_id, c.id from customers c where c.external_id = any($2)
             union all select 'd', d.domain, d.customer_id from customer_domains d where d.domain = any($3))
         select n.kind, n.key, n.id from named n
          where not $5
             or exists (select 1 from customers c where c.id = n.id and c.account_manager_id = $6)
             or exists (select 1 from customer_team t where t.customer_id = n.id and t.user_id = $6)
         union all select 's', s.code, s.id from services s where s.code = any($4)",
    )
    .bind(&ids)
    .bind(&external)
    .bind(&domains)
    .bind(&codes)
    .bind(restricted)
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(found
        .into_iter()
        .map(|(kind, key, id)| ((kind.chars().next().unwrap_or(' '), key), id))
        .collect())
}

/// Upserts the rows (in the order given) and says what each did. Unchanged rows are not
/// written at all; a replaced one keeps its history through the table's trigger.
pub async fn write(pool: &PgPool, rows: &[Valid], origin: &Origin) -> Result<Vec<Outcome>, AppError> {
    let n = rows.len();
    let (mut customers, mut services, mut dates) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut sources, mut quantities, mut refs) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for r in rows {
        customers.push(r.customer);
        services.push(r.service);
        dates.push(r.date);
        sources.push(r.source.as_str());
        quantities.push(r.quantity);
        refs.push(r.external_ref.as_deref());
    }
    let written: Vec<(Uuid, Uuid, NaiveDate, String, bool)> = sqlx::query_as(
        "insert into usage_readings as u
                (customer_id, service_id, reading_date, source, quantity, external_ref, api_token_id, recorded_by)
         select c, s, d, src, q, r, $7::uuid, $8::uuid
           from unnest($1::uuid[], $2::uuid[], $3::date[], $4::text[], $5::numeric[], $6::text[]) as t(c, s, d, src, q, r)
         on conflict on constraint usage_readings_key do update
            set quantity = excluded.quantity,
                external_ref = coalesce(excluded.external_ref, u.external_ref),
                api_token_id = excluded.api_token_id,
                recorded_by = excluded.recorded_by,
                recorded_at = now()
          where u.quantity <> excluded.quantity
             or (excluded.external_ref is not null and u.external_ref is distinct from excluded.external_ref)
         returning customer_id, service_id, reading_date, source, xmax = 0",
    )
    .bind(&customers)
    .bind(&services)
    .bind(&dates)
    .bind(&sources)
    .bind(&quantities)
    .bind(&refs)
    .bind(origin.api_token)
    .bind(origin.user)
    .fetch_all(pool)
    .await?;
    // The banner's count reads the latest readings.
    crate::contracts::uncovered::invalidate();
    let mut done: HashMap<Key, Outcome> = written
        .into_iter()
        .map(|(c, s, d, src, inserted)| {
            let outcome = if inserted { Outcome::Created } else { Outcome::Replaced };
            ((c, s, d, src), outcome)
        })
        .collect();
    Ok(rows
        .iter()
        .map(|r| {
            done.remove(&(r.customer, r.service, r.date, r.source.clone()))
                .unwrap_or(Outcome::Unchanged)
        })
        .collect())
}
