//! What the run reads for a batch of bill-to customers: their billing info, the children
//! billed via them, and everything `domain::charges::compute` needs — a few set-wise
//! queries per batch (`= any($1)`), not per customer, so a run of 10,000 customers reads
//! in chunks. Preview and finalisation both load through here.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveTime};
use domain::charges::{ContractInput, EntryInput, Inputs, PartInput, PartVersion, ReadingInput, SaleInput};
use domain::customer::{TaxRegion, TaxTreatment};
use domain::invoice_draft::BillTo;
use domain::settlement::{ChargeKey, ChargeKind};
use domain::time_entry::TimeCoverage;
use domain::{BillingCycle, BillingTiming, ContractTerms, Currency, DateRange, SalesItemKind, TaxCategory};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;
use crate::server::internal;

/// A bill-to customer as its documents name it.
#[derive(Debug, Clone)]
pub struct Buyer {
    pub bill_to: BillTo,
    pub name: String,
    pub complete: bool,
    pub language: String,
    pub payment_terms_days: i32,
    /// The buyer block frozen onto its documents.
    pub snapshot: serde_json::Value,
}

pub struct Loaded {
    pub buyer: Buyer,
    pub inputs: Inputs,
}

fn bad(what: &str, e: impl std::fmt::Display) -> AppError {
    internal(what, e)
}

type CustomerRow = (
    Uuid,
    String,
    bool,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i32>,
    serde_json::Value,
);

/// Loads `bill_to` (ids of customers not billed via a parent) with their inputs up to `cutoff`.
pub async fn load(conn: &mut PgConnection, bill_to: &[Uuid], cutoff: NaiveDate) -> Result<Vec<Loaded>, AppError> {
    let customers: Vec<CustomerRow> = sqlx::query_as(
        "select id, name, billing_complete, tax_region, tax_treatment, billing_tax_id, invoice_language,
                payment_terms_days,
                jsonb_build_object('name', name, 'attention', billing_attention, 'street', billing_street,
                    'postal_code', billing_postal_code, 'city', billing_city, 'region', billing_region,
                    'country', coalesce(billing_country, country), 'tax_id', billing_tax_id, 'email', billing_email)
           from customers where id = any($1)",
    )
    .bind(bill_to)
    .fetch_all(&mut *conn)
    .await?;
    // whose inputs go to which bill-to: itself, and its children billed via it
    let mut owner: HashMap<Uuid, Uuid> = bill_to.iter().map(|id| (*id, *id)).collect();
    let children: Vec<(Uuid, Uuid)> =
        sqlx::query_as("select id, parent_id from customers where parent_id = any($1) and bill_to_parent")
            .bind(bill_to)
            .fetch_all(&mut *conn)
            .await?;
    owner.extend(children);
    let everyone: Vec<Uuid> = owner.keys().copied().collect();

    let mut inputs: HashMap<Uuid, Inputs> = bill_to.iter().map(|id| (*id, Inputs::default())).collect();
    let contracts = contracts(conn, &everyone, cutoff).await?;
    let parts: Vec<Uuid> = contracts.iter().flat_map(|c| c.parts.iter().map(|p| p.id)).collect();
    for (k, amount) in billed(conn, &parts).await? {
        let ChargeKey::Part { part, .. } = k else { continue };
        if let Some(c) = contracts.iter().find(|c| c.parts.iter().any(|p| p.id == part))
            && let Some(i) = owner.get(&c.customer).and_then(|o| inputs.get_mut(o))
        {
            i.billed.insert(k, amount);
        }
    }
    for c in contracts {
        if let Some(i) = owner.get(&c.customer).and_then(|o| inputs.get_mut(o)) {
            i.contracts.push(c);
        }
    }
    for e in entries(conn, &everyone, cutoff).await? {
        if let Some(i) = owner.get(&e.customer).and_then(|o| inputs.get_mut(o)) {
            i.entries.push(e);
        }
    }
    for s in sales(conn, &everyone, cutoff).await? {
        if let Some(i) = owner.get(&s.customer).and_then(|o| inputs.get_mut(o)) {
            i.sales.push(s);
        }
    }
    for r in readings(conn, &everyone, cutoff).await? {
        if let Some(i) = owner.get(&r.customer).and_then(|o| inputs.get_mut(o)) {
            i.readings.push(r);
        }
    }

    let mut out = Vec::with_capacity(customers.len());
    for (id, name, complete, region, treatment, tax_id, language, terms, snapshot) in customers {
        let bill_to = BillTo {
            id,
            region: region
                .as_deref()
                .map_or(Ok(TaxRegion::Domestic), TaxRegion::parse)
                .map_err(|e| bad("tax region", format!("{e:?}")))?,
            treatment: TaxTreatment::parse(&treatment).map_err(|e| bad("tax treatment", format!("{e:?}")))?,
            has_vat_id: tax_id.is_some_and(|t| !t.trim().is_empty()),
        };
        out.push(Loaded {
            buyer: Buyer {
                bill_to,
                name,
                complete,
                language: language.unwrap_or_else(|| "de".into()),
                payment_terms_days: terms.unwrap_or(14),
                snapshot,
            },
            inputs: inputs.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}

type ContractRow = (Uuid, Uuid, String, NaiveDate, Option<NaiveDate>, String, String, String);
type PartRow = (
    Uuid,
    Uuid,
    Option<String>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    NaiveDate,
    serde_json::Value,
    Option<Decimal>,
);

async fn contracts(
    conn: &mut PgConnection,
    customers: &[Uuid],
    cutoff: NaiveDate,
) -> Result<Vec<ContractInput>, AppError> {
    let rows: Vec<ContractRow> = sqlx::query_as(
        "select id, customer_id, name, start_date, end_date, billing_cycle, billing_timing, currency
           from contracts where customer_id = any($1) and active and start_date <= $2 order by id",
    )
    .bind(customers)
    .bind(cutoff)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let part_rows: Vec<PartRow> = sqlx::query_as(
        "select p.contract_id, p.id, v.description, p.service_id, s.name, s.definition->>'tax_category',
                v.valid_from, v.terms, v.min_quantity
           from contract_parts p
           join contract_part_versions v on v.part_id = p.id
           left join services s on s.id = p.service_id
          where p.contract_id = any($1)
          order by p.contract_id, p.position, v.valid_from",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut parts: BTreeMap<Uuid, Vec<PartInput>> = BTreeMap::new();
    for (contract, part, description, service, service_name, tax, valid_from, terms, min_quantity) in part_rows {
        let terms: ContractTerms = serde_json::from_value(terms).map_err(|e| bad("stored terms", e))?;
        let list = parts.entry(contract).or_default();
        let version = PartVersion {
            valid_from,
            terms,
            min_quantity,
        };
        match list.last_mut() {
            Some(p) if p.id == part => {
                if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
                    p.description = d;
                }
                p.versions.push(version);
            }
            _ => list.push(PartInput {
                id: part,
                description: description
                    .filter(|d| !d.trim().is_empty())
                    .or(service_name)
                    .unwrap_or_default(),
                versions: vec![version],
                service,
                tax_category: tax
                    .as_deref()
                    .and_then(|t| TaxCategory::parse(t).ok())
                    .unwrap_or(TaxCategory::Standard),
            }),
        }
    }
    rows.into_iter()
        .map(|(id, customer, name, start, end, cycle, timing, currency)| {
            let mut parts = parts.remove(&id).unwrap_or_default();
            for p in parts.iter_mut().filter(|p| p.description.is_empty()) {
                p.description = name.clone();
            }
            Ok(ContractInput {
                id,
                customer,
                period: DateRange::new(start, end).map_err(|e| bad("contract period", format!("{e:?}")))?,
                cycle: BillingCycle::parse(&cycle).map_err(|e| bad("billing cycle", format!("{e:?}")))?,
                timing: BillingTiming::parse(&timing).map_err(|e| bad("billing timing", format!("{e:?}")))?,
                currency: Currency::parse(&currency).map_err(|e| bad("currency", format!("{e:?}")))?,
                name,
                parts,
            })
        })
        .collect()
}

/// Σ amount per part key over every issued document (credit notes are negative, so a
/// cancelled invoice and its credit note net to zero).
async fn billed(conn: &mut PgConnection, parts: &[Uuid]) -> Result<Vec<(ChargeKey, Decimal)>, AppError> {
    let rows: Vec<(Uuid, NaiveDate, String, Decimal)> = sqlx::query_as(
        "select part_id, key_period, key_kind, sum(amount) from invoice_lines
          where part_id = any($1) and key_kind is not null group by 1, 2, 3",
    )
    .bind(parts)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(part, period_start, kind, amount)| {
            let kind: ChargeKind =
                serde_json::from_value(serde_json::Value::String(kind)).map_err(|e| bad("key kind", e))?;
            Ok((
                ChargeKey::Part {
                    part,
                    period_start,
                    kind,
                },
                amount,
            ))
        })
        .collect()
}

type EntryRow = (
    Uuid,
    Uuid,
    Option<Uuid>,
    NaiveDate,
    Option<NaiveTime>,
    Option<i32>,
    Option<String>,
    Option<Decimal>,
    bool,
);

/// Approved entries not yet invoiced, and block time already invoiced (it still draws).
async fn entries(conn: &mut PgConnection, customers: &[Uuid], cutoff: NaiveDate) -> Result<Vec<EntryInput>, AppError> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "select id, customer_id, contract_id, work_date, start_time, billable_minutes, coverage, rate,
                status = 'invoiced'
           from time_entries
          where customer_id = any($1) and work_date <= $2
            and (status = 'approved' or (status = 'invoiced' and coverage = 'block'))
          order by work_date, start_time, id",
    )
    .bind(customers)
    .bind(cutoff)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, customer, contract, work_date, start, minutes, coverage, rate, invoiced)| EntryInput {
                id,
                customer,
                contract,
                work_date,
                start,
                billable_minutes: i64::from(minutes.unwrap_or(0)),
                coverage: coverage.as_deref().and_then(|c| TimeCoverage::parse(c).ok()),
                rate: rate.unwrap_or_default(),
                invoiced,
            },
        )
        .collect())
}

type SaleRow = (
    Uuid,
    Uuid,
    String,
    String,
    Option<Uuid>,
    Decimal,
    Decimal,
    String,
    NaiveDate,
    String,
    bool,
);

/// Sales items not yet invoiced, and top-ups already invoiced (they still grant).
async fn sales(conn: &mut PgConnection, customers: &[Uuid], cutoff: NaiveDate) -> Result<Vec<SaleInput>, AppError> {
    let rows: Vec<SaleRow> = sqlx::query_as(
        "select id, customer_id, description, kind, contract_id, quantity, unit_price, currency, item_date,
                tax_category, invoice_id is not null
           from sales_items
          where customer_id = any($1) and item_date <= $2 and (invoice_id is null or kind <> 'sale')
          order by item_date, id",
    )
    .bind(customers)
    .bind(cutoff)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(
            |(id, customer, description, kind, contract, quantity, unit_price, currency, date, tax, invoiced)| {
                Ok(SaleInput {
                    id,
                    customer,
                    description,
                    kind: SalesItemKind::parse(&kind).map_err(|e| bad("sales kind", format!("{e:?}")))?,
                    contract,
                    quantity,
                    unit_price,
                    currency: Currency::parse(currency.trim()).map_err(|e| bad("currency", format!("{e:?}")))?,
                    date,
                    tax_category: TaxCategory::parse(&tax).unwrap_or(TaxCategory::Standard),
                    invoiced,
                })
            },
        )
        .collect()
}

/// Readings up to the cutoff, oldest first; among one day's, the last recorded last (the
/// one `compute` takes).
async fn readings(
    conn: &mut PgConnection,
    customers: &[Uuid],
    cutoff: NaiveDate,
) -> Result<Vec<ReadingInput>, AppError> {
    let rows: Vec<(Uuid, Uuid, NaiveDate, Decimal)> = sqlx::query_as(
        "select customer_id, service_id, reading_date, quantity from usage_readings
          where customer_id = any($1) and reading_date <= $2
          order by reading_date, recorded_at, id",
    )
    .bind(customers)
    .bind(cutoff)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(customer, service, date, quantity)| ReadingInput {
            customer,
            service,
            date,
            quantity,
        })
        .collect())
}
