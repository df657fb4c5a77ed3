//! Queries for customers and everything the wizard writes with them.

use domain::{AlertProfileChoice, AlertProfileChoiceDraft, NewCustomer, NewCustomerDraft, SlaChoice, SlaChoiceDraft};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    ContactView, ContractView, CustomerDetail, CustomerRow, Duplicate, DuplicateReason, NamedRef, PartView,
    SharedOption, TermValue,
};
use crate::error::{AppError, FieldProblem};

const ENDPOINT_CREATE: &str = "customers/create";

fn text<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

/// Writes the whole new customer in one transaction, once per idempotency key.
pub async fn create(
    pool: &PgPool,
    user: Uuid,
    key: Uuid,
    draft: &NewCustomerDraft,
    new: NewCustomer,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    // Claim the key. A second request with the same key blocks here until the first
    // commits (then finds its result) or rolls back (then claims the key itself).
    let claimed = sqlx::query(
        "insert into idempotency_keys (key, user_id, endpoint) values ($1, $2, $3) on conflict (key) do nothing",
    )
    .bind(key)
    .bind(user)
    .bind(ENDPOINT_CREATE)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !claimed {
        let (owner, endpoint, result): (Uuid, String, Option<serde_json::Value>) =
            sqlx::query_as("select user_id, endpoint, result from idempotency_keys where key = $1")
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
        if owner != user || endpoint != ENDPOINT_CREATE {
            return Err(AppError::Conflict);
        }
        let id = result.and_then(|r| {
            r.get("customer_id")
                .and_then(|v| v.as_str())
                .and_then(|s| s.parse().ok())
        });
        return id.ok_or(AppError::Conflict);
    }

    let id = insert_customer(&mut tx, user, &new).await?;
    insert_domains(&mut tx, id, &new).await?;
    let sla_id = match (&new.sla, &draft.sla) {
        (Some(SlaChoice::Shared { id: shared }), _) => {
            Some(shared_ref(&mut tx, "slas", shared.as_str(), "sla.id").await?)
        }
        (Some(SlaChoice::Custom(sla)), SlaChoiceDraft::Custom(definition)) => {
            Some(insert_definition(&mut tx, "slas", id, sla.name.as_ref(), definition).await?)
        }
        _ => None,
    };
    let profile_id = match (&new.alert_profile, &draft.alert_profile) {
        (Some(AlertProfileChoice::Shared { id: shared }), _) => {
            Some(shared_ref(&mut tx, "alert_profiles", shared.as_str(), "alert_profile.id").await?)
        }
        (Some(AlertProfileChoice::Custom(profile)), AlertProfileChoiceDraft::Custom(definition)) => {
            Some(insert_definition(&mut tx, "alert_profiles", id, profile.name.as_ref(), definition).await?)
        }
        _ => None,
    };
    sqlx::query("update customers set sla_id = $2, alert_profile_id = $3 where id = $1")
        .bind(id)
        .bind(sla_id)
        .bind(profile_id)
        .execute(&mut *tx)
        .await?;
    if let Some(contract) = &new.contract {
        insert_contract(&mut tx, id, contract).await?;
    }
    insert_main_contact(&mut tx, id, &new).await?;
    sqlx::query("update idempotency_keys set result = jsonb_build_object('customer_id', $2::text) where key = $1")
        .bind(key)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(customer = %id, user = %user, "customer created");
    Ok(id)
}

async fn insert_customer(tx: &mut PgConnection, user: Uuid, new: &NewCustomer) -> Result<Uuid, AppError> {
    let c = &new.customer;
    let a = c.address.as_ref();
    let country = a.map(|a| a.country).or(c.country).map(|c| c.as_str().to_string());
    Ok(sqlx::query_scalar(
        "insert into customers (name, rank, tax_id, phone, fax, street, postal_code, city, region, country, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id",
    )
    .bind(c.name.to_string())
    .bind(text(&c.rank))
    .bind(text(&c.tax_id))
    .bind(text(&c.phone))
    .bind(text(&c.fax))
    .bind(a.map(|a| a.street.to_string()))
    .bind(a.and_then(|a| text(&a.postal_code)))
    .bind(a.map(|a| a.city.to_string()))
    .bind(a.and_then(|a| text(&a.region)))
    .bind(country)
    .bind(user)
    .fetch_one(&mut *tx)
    .await?)
}

/// A domain that already belongs to a customer is a field error on that domain.
async fn insert_domains(tx: &mut PgConnection, id: Uuid, new: &NewCustomer) -> Result<(), AppError> {
    for (i, d) in new.customer.domains.iter().enumerate() {
        let owner: Option<String> = sqlx::query_scalar(
            "select c.name from customer_domains d join customers c on c.id = d.customer_id where d.domain = $1",
        )
        .bind(d.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(owner) = owner {
            return Err(AppError::validation(vec![
                FieldProblem::new(&format!("customer.domains[{i}]"), "domain.taken").with("customer", owner),
            ]));
        }
        sqlx::query("insert into customer_domains (domain, customer_id) values ($1, $2)")
            .bind(d.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// The id of an existing shared SLA or profile, or a field error when there is none.
async fn shared_ref(tx: &mut PgConnection, table: &str, id: &str, field: &str) -> Result<Uuid, AppError> {
    let unknown = || AppError::validation(vec![FieldProblem::new(field, "record.unknown")]);
    let id: Uuid = id.parse().map_err(|_| unknown())?;
    let found: Option<Uuid> =
        sqlx::query_scalar(&format!("select id from {table} where id = $1 and customer_id is null"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    found.ok_or_else(unknown)
}

async fn insert_definition<T: serde::Serialize>(
    tx: &mut PgConnection,
    table: &str,
    customer: Uuid,
    name: &str,
    definition: &T,
) -> Result<Uuid, AppError> {
    let json = serde_json::to_value(definition).map_err(|e| crate::server::internal("definition", e))?;
    Ok(sqlx::query_scalar(&format!(
        "insert into {table} (name, customer_id, definition) values ($1, $2, $3) returning id"
    ))
    .bind(name)
    .bind(customer)
    .bind(json)
    .fetch_one(&mut *tx)
    .await?)
}

async fn insert_contract(tx: &mut PgConnection, customer: Uuid, contract: &domain::Contract) -> Result<(), AppError> {
    let h = &contract.header;
    let (method, iban, bic, mandate) = match &h.payment_method {
        domain::PaymentMethod::Manual => ("manual", None, None, None),
        domain::PaymentMethod::SepaDirectDebit {
            iban,
            bic,
            mandate_reference,
        } => (
            "sepa_direct_debit",
            Some(iban.to_string()),
            text(bic),
            Some(mandate_reference.to_string()),
        ),
    };
    let contract_id: Uuid = sqlx::query_scalar(
        "insert into contracts (customer_id, name, start_date, end_date, billing_cycle, billing_timing, currency,
                                payment_terms_days, payment_method, iban, bic, mandate_reference, notes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id",
    )
    .bind(customer)
    .bind(h.name.to_string())
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
    .fetch_one(&mut *tx)
    .await?;
    for (position, part) in contract.parts.iter().enumerate() {
        let terms = serde_json::to_value(&part.terms).map_err(|e| crate::server::internal("terms", e))?;
        sqlx::query(
            "insert into contract_parts (contract_id, position, contract_type, description, terms)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(contract_id)
        .bind(position as i32)
        .bind(part.terms.contract_type().as_str())
        .bind(text(&part.description))
        .bind(terms)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn insert_main_contact(tx: &mut PgConnection, customer: Uuid, new: &NewCustomer) -> Result<(), AppError> {
    let c = &new.contact;
    sqlx::query(
        "insert into contacts (customer_id, first_name, last_name, email, phone, mobile, job_title, is_main)
         values ($1, $2, $3, $4, $5, $6, $7, true)",
    )
    .bind(customer)
    .bind(c.first_name.to_string())
    .bind(c.last_name.to_string())
    .bind(c.email.to_string())
    .bind(text(&c.phone))
    .bind(text(&c.mobile))
    .bind(text(&c.job_title))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn duplicates(pool: &PgPool, name: &str, domains: &[String]) -> Result<Vec<Duplicate>, AppError> {
    let rows: Vec<(Uuid, String, Option<String>)> = sqlx::query_as(
        "select c.id, c.name, null::text from customers c where lower(c.name) = lower($1) and c.archived_at is null
         union all
         select c.id, c.name, d.domain from customer_domains d join customers c on c.id = d.customer_id
         where d.domain = any($2) and c.archived_at is null
         limit 20",
    )
    .bind(name)
    .bind(domains)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, domain)| Duplicate {
            id,
            name,
            reason: match domain {
                None => DuplicateReason::SameName,
                Some(d) => DuplicateReason::SameDomain(unicode(&d)),
            },
        })
        .collect())
}

/// A stored (punycode) domain as people read it.
fn unicode(domain: &str) -> String {
    domain::Domain::parse(domain)
        .map(|d| d.to_unicode())
        .unwrap_or_else(|_| domain.to_string())
}

pub async fn list(pool: &PgPool) -> Result<Vec<CustomerRow>, AppError> {
    type Row = (
        Uuid,
        String,
        Vec<String>,
        Option<String>,
        i64,
        chrono::DateTime<chrono::Utc>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "select c.id, c.name,
                coalesce((select array_agg(d.domain order by d.domain) from customer_domains d where d.customer_id = c.id), '{}'),
                (select k.first_name || ' ' || k.last_name from contacts k where k.customer_id = c.id and k.is_main),
                (select count(*) from contracts t where t.customer_id = c.id),
                c.created_at
         from customers c where c.archived_at is null
         order by lower(c.name), c.id limit 500",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, domains, main_contact, contracts, created_at)| CustomerRow {
            id,
            name,
            domains: domains.iter().map(|d| unicode(d)).collect(),
            main_contact,
            contracts,
            created_at,
        })
        .collect())
}

pub async fn shared(pool: &PgPool, table: &str) -> Result<Vec<SharedOption>, AppError> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(&format!(
        "select id, name from {table} where customer_id is null order by lower(name)"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| SharedOption { id, name }).collect())
}

#[derive(sqlx::FromRow)]
struct CustomerRecord {
    id: Uuid,
    name: String,
    rank: Option<String>,
    tax_id: Option<String>,
    phone: Option<String>,
    fax: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    region: Option<String>,
    country: Option<String>,
    sla_id: Option<Uuid>,
    alert_profile_id: Option<Uuid>,
    created_at: chrono::DateTime<chrono::Utc>,
}

pub async fn detail(pool: &PgPool, id: Uuid) -> Result<CustomerDetail, AppError> {
    let c: CustomerRecord = sqlx::query_as(
        "select id, name, rank, tax_id, phone, fax, street, postal_code, city, region, country, sla_id,
                alert_profile_id, created_at from customers where id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let domains: Vec<String> =
        sqlx::query_scalar("select domain from customer_domains where customer_id = $1 order by domain")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let named = |table: &'static str, ref_id: Option<Uuid>| async move {
        let Some(ref_id) = ref_id else {
            return Ok::<_, AppError>(None);
        };
        let row: Option<(Uuid, String, Option<Uuid>)> =
            sqlx::query_as(&format!("select id, name, customer_id from {table} where id = $1"))
                .bind(ref_id)
                .fetch_optional(pool)
                .await?;
        Ok(row.map(|(id, name, owner)| NamedRef {
            id,
            name,
            shared: owner.is_none(),
        }))
    };
    let sla = named("slas", c.sla_id).await?;
    let alert_profile = named("alert_profiles", c.alert_profile_id).await?;
    let contacts = sqlx::query_as::<
        _,
        (
            Uuid,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            bool,
        ),
    >(
        "select id, first_name, last_name, email, phone, mobile, job_title, is_main from contacts
         where customer_id = $1 and archived_at is null order by is_main desc, lower(last_name), lower(first_name)",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(
        |(id, first_name, last_name, email, phone, mobile, job_title, is_main)| ContactView {
            id,
            first_name,
            last_name,
            email,
            phone,
            mobile,
            job_title,
            is_main,
        },
    )
    .collect();
    let address = [
        c.street,
        match (c.postal_code, c.city) {
            (Some(p), Some(city)) => Some(format!("{p} {city}")),
            (None, city) => city,
            (p, None) => p,
        },
        c.region,
        c.country.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(CustomerDetail {
        id: c.id,
        name: c.name,
        rank: c.rank,
        tax_id: c.tax_id,
        phone: c.phone,
        fax: c.fax,
        address,
        domains: domains.iter().map(|d| unicode(d)).collect(),
        sla,
        alert_profile,
        contracts: contracts(pool, id).await?,
        contacts,
        created_at: c.created_at,
    })
}

/// A stored term: money is `{"amount", "currency"}`, everything else a plain value.
fn term_value(v: &serde_json::Value) -> TermValue {
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
    match (v.get("amount"), v.get("currency")) {
        (Some(amount), Some(currency)) => TermValue::Money {
            amount: text(amount),
            currency: text(currency),
        },
        _ => TermValue::Text { value: text(v) },
    }
}

#[derive(sqlx::FromRow)]
struct ContractRecord {
    id: Uuid,
    name: String,
    start_date: chrono::NaiveDate,
    end_date: Option<chrono::NaiveDate>,
    billing_cycle: String,
    billing_timing: String,
    currency: String,
    payment_terms_days: i32,
    payment_method: String,
    iban: Option<String>,
}

/// The customer's contracts with their parts: two queries, however many contracts.
async fn contracts(pool: &PgPool, customer: Uuid) -> Result<Vec<ContractView>, AppError> {
    let rows: Vec<ContractRecord> = sqlx::query_as(
        "select id, name, start_date, end_date, billing_cycle, billing_timing, currency, payment_terms_days,
                payment_method, iban from contracts where customer_id = $1 order by start_date, name",
    )
    .bind(customer)
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let parts: Vec<(Uuid, String, Option<String>, serde_json::Value)> = sqlx::query_as(
        "select contract_id, contract_type, description, terms from contract_parts
         where contract_id = any($1) order by contract_id, position",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| ContractView {
            parts: parts
                .iter()
                .filter(|(contract, ..)| *contract == c.id)
                .map(|(_, contract_type, description, terms)| PartView {
                    contract_type: contract_type.clone(),
                    description: description.clone(),
                    terms: terms
                        .as_object()
                        .map(|o| {
                            o.iter()
                                .filter(|(k, v)| k.as_str() != "kind" && !v.is_null())
                                .map(|(k, v)| (k.clone(), term_value(v)))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            id: c.id,
            name: c.name,
            start_date: c.start_date,
            end_date: c.end_date,
            billing_cycle: c.billing_cycle,
            billing_timing: c.billing_timing,
            currency: c.currency,
            payment_terms_days: c.payment_terms_days,
            payment_method: c.payment_method,
            iban: c.iban,
        })
        .collect())
}
