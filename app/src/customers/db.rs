//! Queries for customers and everything the wizard writes with them.

use domain::{AlertProfileChoice, AlertProfileChoiceDraft, NewCustomer, NewCustomerDraft, SlaChoice, SlaChoiceDraft};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::edit::AuditEntry;
use super::{ContractView, CustomerDetail, Duplicate, DuplicateReason, NamedRef, PartView, SharedOption, TermValue};
use crate::error::{AppError, FieldProblem};
use crate::server::idempotency;

const ENDPOINT_CREATE: &str = "customers/create";

/// What a retried create gets back.
#[derive(serde::Serialize, serde::Deserialize)]
struct Created {
    customer_id: Uuid,
}

pub(crate) fn text<T: ToString>(v: &Option<T>) -> Option<String> {
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
    if let Some(done) = idempotency::claim::<Created>(&mut tx, key, user, ENDPOINT_CREATE).await? {
        return Ok(done.customer_id);
    }
    let id = insert_customer(&mut tx, user, &new).await?;
    replace_domains(&mut tx, id, &new.customer.domains, "customer").await?;
    let sla_id = match (&new.sla, &draft.sla) {
        (Some(SlaChoice::Shared { id: shared }), _) => {
            Some(definition_ref(&mut tx, "slas", shared.as_str(), "sla.id", None).await?)
        }
        (Some(SlaChoice::Custom(sla)), SlaChoiceDraft::Custom(definition)) => {
            Some(insert_definition(&mut tx, "slas", id, sla.name.as_ref(), definition).await?)
        }
        _ => None,
    };
    let profile_id = match (&new.alert_profile, &draft.alert_profile) {
        (Some(AlertProfileChoice::Shared { id: shared }), _) => {
            Some(definition_ref(&mut tx, "alert_profiles", shared.as_str(), "alert_profile.id", None).await?)
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
        // Field paths of the contract's errors are relative to the wizard's contract step.
        crate::contracts::db::insert(&mut tx, id, contract, true, Some(user))
            .await
            .map_err(|e| e.nested_at("contract"))?;
    }
    insert_main_contact(&mut tx, id, &new).await?;
    idempotency::finish(&mut tx, key, &Created { customer_id: id }).await?;
    let created = AuditEntry {
        customer: id,
        entity: "customer",
        entity_id: id,
        action: "created",
        actor: user,
    };
    super::edit::record(&mut tx, created, &[]).await?;
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

/// Sets the customer's domains to `domains`. A domain that belongs to another customer is
/// a field error on that domain (`{prefix}.domains[i]`).
pub async fn replace_domains(
    tx: &mut PgConnection,
    id: Uuid,
    domains: &[domain::Domain],
    prefix: &str,
) -> Result<(), AppError> {
    sqlx::query("delete from customer_domains where customer_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for (i, d) in domains.iter().enumerate() {
        let owner: Option<String> = sqlx::query_scalar(
            "select c.name from customer_domains d join customers c on c.id = d.customer_id where d.domain = $1",
        )
        .bind(d.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(owner) = owner {
            let field = if prefix.is_empty() {
                format!("domains[{i}]")
            } else {
                format!("{prefix}.domains[{i}]")
            };
            return Err(AppError::validation(vec![
                FieldProblem::new(&field, "domain.taken").with("customer", owner),
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
/// `id` as a row of `table` (SLAs, alert profiles) that is shared, or `customer`'s own
/// when one is given; anything else is `record.unknown` on `field`.
pub(crate) async fn definition_ref(
    tx: &mut PgConnection,
    table: &str,
    id: &str,
    field: &str,
    customer: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let unknown = || AppError::validation(vec![FieldProblem::new(field, "record.unknown")]);
    let id: Uuid = id.trim().parse().map_err(|_| unknown())?;
    let found: Option<Uuid> = sqlx::query_scalar(&format!(
        "select id from {table} where id = $1 and (customer_id is null or customer_id = $2)"
    ))
    .bind(id)
    .bind(customer)
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
pub fn unicode(domain: &str) -> String {
    // Stored domains are canonical (parsed on the way in): only punycode labels need the
    // IDNA conversion, which the list would otherwise run for every row it shows.
    if !domain.split('.').any(|label| label.starts_with("xn--")) {
        return domain.to_string();
    }
    domain::Domain::parse(domain)
        .map(|d| d.to_unicode())
        .unwrap_or_else(|_| domain.to_string())
}

pub async fn shared(pool: &PgPool, table: &str) -> Result<Vec<SharedOption>, AppError> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(&format!(
        "select id, name from {table} where customer_id is null order by lower(name)"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| SharedOption { id, name }).collect())
}

/// A customer row, as the editors and the page read it.
#[derive(sqlx::FromRow)]
pub struct CustomerRecord {
    pub id: Uuid,
    pub external_id: Option<String>,
    pub name: String,
    pub version: i32,
    pub rank: Option<String>,
    pub tax_id: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub sla_id: Option<Uuid>,
    pub alert_profile_id: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
    pub parent_id: Option<Uuid>,
    pub bill_to_parent: bool,
    pub account_manager_id: Option<Uuid>,
    pub tickets_only_via_main: bool,
    pub self_managed_profile: bool,
    pub billing_attention: Option<String>,
    pub billing_email: Option<String>,
    pub billing_street: Option<String>,
    pub billing_postal_code: Option<String>,
    pub billing_city: Option<String>,
    pub billing_region: Option<String>,
    pub billing_country: Option<String>,
    pub tax_region: Option<String>,
    pub billing_tax_id: Option<String>,
    pub tax_treatment: String,
    pub billing_currency: Option<String>,
    pub payment_terms_days: Option<i32>,
    pub invoice_template: String,
    pub invoice_language: Option<String>,
    pub invoice_delivery: String,
    pub billing_iban: Option<String>,
    pub billing_complete: bool,
}

impl CustomerRecord {
    /// The general settings form as stored.
    pub fn profile(&self, domains: &[String]) -> domain::CustomerDraft {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        domain::CustomerDraft {
            name: self.name.clone(),
            rank: s(&self.rank),
            domains: domains.iter().map(|d| unicode(d)).collect(),
            tax_id: s(&self.tax_id),
            phone: s(&self.phone),
            fax: s(&self.fax),
            address: domain::AddressDraft {
                street: s(&self.street),
                postal_code: s(&self.postal_code),
                city: s(&self.city),
                region: s(&self.region),
                country: s(&self.country),
            },
        }
    }

    /// The billing info form as stored.
    pub fn billing(&self) -> domain::BillingInfoDraft {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        domain::BillingInfoDraft {
            attention: s(&self.billing_attention),
            email: s(&self.billing_email),
            address: domain::AddressDraft {
                street: s(&self.billing_street),
                postal_code: s(&self.billing_postal_code),
                city: s(&self.billing_city),
                region: s(&self.billing_region),
                country: s(&self.billing_country),
            },
            tax_region: s(&self.tax_region),
            tax_id: s(&self.billing_tax_id),
            tax_treatment: self.tax_treatment.clone(),
            currency: s(&self.billing_currency).trim().to_string(),
            payment_terms_days: self.payment_terms_days.map(|d| d.to_string()).unwrap_or_default(),
            invoice_template: self.invoice_template.clone(),
            invoice_language: s(&self.invoice_language),
            delivery: self.invoice_delivery.clone(),
            iban: s(&self.billing_iban),
        }
    }

    pub fn home_country(&self) -> Option<domain::Country> {
        self.country.as_deref().and_then(|c| domain::Country::parse(c).ok())
    }
}

/// The customer row (locked for the rest of the transaction when `for_update`).
pub async fn load(conn: &mut PgConnection, id: Uuid, for_update: bool) -> Result<CustomerRecord, AppError> {
    sqlx::query_as(&format!(
        "select * from customers where id = $1{}",
        if for_update { " for update" } else { "" }
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)
}

pub async fn domains(conn: &mut PgConnection, id: Uuid) -> Result<Vec<String>, AppError> {
    Ok(
        sqlx::query_scalar("select domain from customer_domains where customer_id = $1 order by domain")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// A shared or custom SLA / alert profile by id.
async fn named(conn: &mut PgConnection, table: &str, id: Option<Uuid>) -> Result<Option<NamedRef>, AppError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let row: Option<(Uuid, String, Option<Uuid>)> =
        sqlx::query_as(&format!("select id, name, customer_id from {table} where id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(id, name, owner)| NamedRef {
        id,
        name,
        shared: owner.is_none(),
    }))
}

/// Everything the customer page shows, on one connection (a second one per request would
/// let concurrent requests starve the pool).
pub async fn detail(pool: &PgPool, id: Uuid) -> Result<CustomerDetail, AppError> {
    let mut conn = pool.acquire().await?;
    let c = load(&mut conn, id, false).await?;
    let domains = domains(&mut conn, id).await?;
    let sla = named(&mut conn, "slas", c.sla_id).await?;
    let alert_profile = named(&mut conn, "alert_profiles", c.alert_profile_id).await?;
    let parent: Option<NamedRef> = match c.parent_id {
        Some(p) => sqlx::query_as::<_, (Uuid, String)>("select id, name from customers where id = $1")
            .bind(p)
            .fetch_optional(&mut *conn)
            .await?
            .map(|(id, name)| NamedRef {
                id,
                name,
                shared: false,
            }),
        None => None,
    };
    let children = sqlx::query_as::<_, (Uuid, String, bool)>(
        "select id, name, bill_to_parent from customers where parent_id = $1 order by lower(name), id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, name, bill_to_parent)| super::structure::ChildRef {
        id,
        name,
        bill_to_parent,
    })
    .collect();
    let members: Vec<Uuid> = sqlx::query_scalar(
        "select t.user_id from customer_team t join users u on u.id = t.user_id
          where t.customer_id = $1 order by lower(u.name)",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let staff_names: Vec<(Uuid, String)> = sqlx::query_as("select id, name from users where id = any($1) or id = $2")
        .bind(&members)
        .bind(c.account_manager_id)
        .fetch_all(&mut *conn)
        .await?;
    let billing = c.billing();
    let billing_gaps = billing
        .validate(c.home_country())
        .map(|b| b.missing())
        .unwrap_or_default();
    Ok(CustomerDetail {
        id: c.id,
        name: c.name.clone(),
        version: c.version,
        archived: c.archived_at.is_some(),
        created_at: c.created_at,
        profile: c.profile(&domains),
        billing,
        billing_gaps,
        portal: super::portal::PortalSettings {
            tickets_only_via_main: c.tickets_only_via_main,
            self_managed_profile: c.self_managed_profile,
        },
        structure: super::structure::StructureDraft {
            parent: c.parent_id,
            bill_to_parent: c.bill_to_parent,
        },
        parent,
        children,
        team: super::team::TeamDraft {
            account_manager: c.account_manager_id,
            members,
        },
        staff_names,
        sla,
        alert_profile,
        contracts: contracts(&mut conn, id).await?,
        contacts: super::contacts::db::list(&mut conn, id).await?,
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
    in_force: bool,
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
async fn contracts(conn: &mut PgConnection, customer: Uuid) -> Result<Vec<ContractView>, AppError> {
    let rows: Vec<ContractRecord> = sqlx::query_as(&format!(
        "select id, name, {} as in_force, start_date, end_date,
                billing_cycle, billing_timing, currency, payment_terms_days, payment_method, iban
           from contracts k where customer_id = $1 order by start_date, name",
        crate::contracts::in_force_sql("k", "$2")
    ))
    .bind(customer)
    .bind(crate::server::today())
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let parts: Vec<(Uuid, String, Option<String>, serde_json::Value)> = sqlx::query_as(
        "select contract_id, contract_type, description, terms from contract_parts
         where contract_id = any($1) order by contract_id, position",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
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
            in_force: c.in_force,
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
