//! Queries of sales items. Every write runs in one transaction that checks, in order:
//! the record's version and lock, the billing-info gate for a new customer, the catalogue
//! service and the block contract; nothing is written when any of them refuses.

use chrono::NaiveDate;
use domain::{Code, FieldError, SalesItem, SalesItemDraft};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{BlockContract, PAGE_SIZE, SalesCursor, SalesItemRow, SalesPageRows, SalesQuery, SalesStatus};
use crate::auth::UserInfo;
use crate::error::AppError;
use crate::server::{Ctx, billing_gate, idempotency};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    version: i32,
    customer_id: Uuid,
    customer_name: String,
    service_code: Option<String>,
    description: String,
    kind: String,
    contract_id: Option<Uuid>,
    quantity: Decimal,
    unit_price: Decimal,
    currency: String,
    item_date: NaiveDate,
    tax_category: String,
    notes: Option<String>,
    invoiced: bool,
    created_at: chrono::DateTime<chrono::Utc>,
}

const SELECT: &str = "select s.id, s.version, s.customer_id, c.name as customer_name, v.code as service_code,
        s.description, s.kind, s.contract_id, s.quantity, s.unit_price, s.currency::text as currency,
        s.item_date, s.tax_category, s.notes, s.invoice_id is not null as invoiced, s.created_at
   from sales_items s join customers c on c.id = s.customer_id left join services v on v.id = s.service_id";

impl From<Row> for SalesItemRow {
    fn from(r: Row) -> Self {
        SalesItemRow {
            id: r.id,
            version: r.version,
            customer: r.customer_id,
            customer_name: r.customer_name,
            item: SalesItemDraft {
                service_code: r.service_code.unwrap_or_default(),
                description: r.description,
                kind: r.kind,
                contract: r.contract_id.map(|c| c.to_string()).unwrap_or_default(),
                quantity: r.quantity.normalize().to_string(),
                unit_price: r.unit_price.normalize().to_string(),
                currency: r.currency,
                date: r.item_date.to_string(),
                tax_category: r.tax_category,
                notes: r.notes.unwrap_or_default(),
            },
            invoiced: r.invoiced,
            created_at: r.created_at,
        }
    }
}

pub async fn page(pool: &PgPool, user: &UserInfo, query: &SalesQuery) -> Result<SalesPageRows, AppError> {
    let mut b = QueryBuilder::<Postgres>::new(SELECT);
    b.push(" where true");
    if let Some(customer) = query.customer {
        b.push(" and s.customer_id = ").push_bind(customer);
    }
    match query.status {
        SalesStatus::All => {}
        SalesStatus::Open => {
            b.push(" and s.invoice_id is null");
        }
        SalesStatus::Invoiced => {
            b.push(" and s.invoice_id is not null");
        }
    }
    if let Some(after) = query.after {
        b.push(" and (s.item_date, s.id) < (")
            .push_bind(after.date)
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    crate::customers::list::push_scope(&mut b, user);
    b.push(" order by s.item_date desc, s.id desc limit ")
        .push_bind(PAGE_SIZE as i64 + 1);
    let mut rows: Vec<Row> = b.build_query_as().fetch_all(pool).await?;
    let next = crate::server::next_page(&mut rows, PAGE_SIZE, |r| SalesCursor {
        date: r.item_date,
        id: r.id,
    });
    Ok(SalesPageRows {
        rows: rows.into_iter().map(Into::into).collect(),
        next,
    })
}

pub async fn get(pool: &PgPool, id: Uuid) -> Result<SalesItemRow, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} where s.id = $1"))
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(row.into())
}

async fn get_in(conn: &mut PgConnection, id: Uuid) -> Result<SalesItemRow, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} where s.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.into())
}

/// The catalogue service and block contract the item names, checked for `customer`:
/// `(service id, service version, contract id)`, or the field errors.
async fn references(
    conn: &mut PgConnection,
    customer: Uuid,
    item: &SalesItem,
) -> Result<(Option<Uuid>, Option<i32>, Option<Uuid>), AppError> {
    let mut errors = Vec::new();
    let mut service = (None, None);
    if let Some(code) = &item.service_code {
        let found: Option<(Uuid, i32)> =
            sqlx::query_as("select id, version from services where code = $1 and not archived")
                .bind(code.as_str())
                .fetch_optional(&mut *conn)
                .await?;
        match found {
            Some((id, version)) => service = (Some(id), Some(version)),
            None => errors.push(FieldError::new(Code::ServiceCodeUnknown).at("service_code")),
        }
    }
    let mut contract = None;
    if let Some(text) = &item.contract {
        let wanted = match item.kind {
            domain::SalesItemKind::PrepaidMoney => "block_money",
            _ => "block_hours",
        };
        let id = Uuid::parse_str(text).ok();
        let ok: bool = match id {
            Some(id) => {
                sqlx::query_scalar(
                    "select exists (select 1 from contracts k join contract_parts p on p.contract_id = k.id
                      where k.id = $1 and k.customer_id = $2 and p.contract_type = $3)",
                )
                .bind(id)
                .bind(customer)
                .bind(wanted)
                .fetch_one(&mut *conn)
                .await?
            }
            None => false,
        };
        if ok {
            contract = id;
        } else {
            errors.push(FieldError::new(Code::SalesItemContract).at("contract"));
        }
    }
    if errors.is_empty() {
        Ok((service.0, service.1, contract))
    } else {
        Err(errors.into())
    }
}

/// Binds the item's own columns, in the order both writes list them ($5 to $13).
fn bind_item<'q, Q: Bindable<'q>>(q: Q, item: &SalesItem, contract: Option<Uuid>) -> Q {
    q.bind_value(item.description.to_string())
        .bind_value(item.kind.as_str().to_owned())
        .bind_value(contract)
        .bind_value(item.quantity.value())
        .bind_value(item.unit_price.amount())
        .bind_value(item.unit_price.currency().as_str().to_owned())
        .bind_value(item.date)
        .bind_value(item.tax_category.as_str().to_owned())
        .bind_value(item.notes.as_ref().map(ToString::to_string))
}

/// `bind` of sqlx's `query` and `query_scalar`, which share no trait.
trait Bindable<'q>: Sized {
    fn bind_value<T: 'q + sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>>(self, value: T) -> Self;
}

impl<'q> Bindable<'q> for sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    fn bind_value<T: 'q + sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>>(self, value: T) -> Self {
        self.bind(value)
    }
}

impl<'q, O> Bindable<'q> for sqlx::query::QueryScalar<'q, Postgres, O, sqlx::postgres::PgArguments> {
    fn bind_value<T: 'q + sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>>(self, value: T) -> Self {
        self.bind(value)
    }
}

pub async fn create(
    pool: &PgPool,
    user: Uuid,
    key: Uuid,
    customer: Uuid,
    item: &SalesItem,
) -> Result<SalesItemRow, AppError> {
    let mut tx = pool.begin().await?;
    if let Some(done) = idempotency::claim::<Uuid>(&mut tx, key, user, "sales/create").await? {
        tx.rollback().await?;
        return get(pool, done).await;
    }
    billing_gate::require_billing_info(&mut tx, customer).await?;
    let (service, service_version, contract) = references(&mut tx, customer, item).await?;
    let insert = sqlx::query_scalar(
        "insert into sales_items (customer_id, service_id, service_version, created_by, description, kind, contract_id,
                                  quantity, unit_price, currency, item_date, tax_category, notes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id",
    )
    .bind(customer)
    .bind(service)
    .bind(service_version)
    .bind(user);
    let id: Uuid = bind_item(insert, item, contract).fetch_one(&mut *tx).await?;
    idempotency::finish(&mut tx, key, &id).await?;
    let row = get_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Locks the item and checks it may still change: it exists, the caller may reach its
/// customer, it is at `version` and not invoiced. Returns its current customer.
async fn lock_for_change(ctx: &Ctx, conn: &mut PgConnection, id: Uuid, version: i32) -> Result<Uuid, AppError> {
    let (customer, current, invoiced): (Uuid, i32, bool) =
        sqlx::query_as("select customer_id, version, invoice_id is not null from sales_items where id = $1 for update")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await?;
    if invoiced {
        return Err(AppError::Locked);
    }
    if current != version {
        return Err(AppError::Conflict);
    }
    Ok(customer)
}

pub async fn save(
    ctx: &Ctx,
    id: Uuid,
    version: i32,
    customer: Uuid,
    item: &SalesItem,
) -> Result<SalesItemRow, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let from = lock_for_change(ctx, &mut tx, id, version).await?;
    if from != customer {
        billing_gate::require_billing_info(&mut tx, customer).await?;
    }
    let (service, service_version, contract) = references(&mut tx, customer, item).await?;
    let update = sqlx::query(
        "update sales_items set customer_id = $2, service_id = $3,
                service_version = case when service_id is not distinct from $3 then service_version else $4 end,
                description = $5, kind = $6, contract_id = $7, quantity = $8, unit_price = $9, currency = $10,
                item_date = $11, tax_category = $12, notes = $13, version = version + 1, updated_at = now()
          where id = $1",
    )
    .bind(id)
    .bind(customer)
    .bind(service)
    .bind(service_version);
    bind_item(update, item, contract).execute(&mut *tx).await?;
    let row = get_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn delete(ctx: &Ctx, id: Uuid, version: i32) -> Result<(), AppError> {
    let mut tx = ctx.pool.begin().await?;
    lock_for_change(ctx, &mut tx, id, version).await?;
    sqlx::query("delete from sales_items where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn block_contracts(pool: &PgPool, customer: Uuid) -> Result<Vec<BlockContract>, AppError> {
    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(&format!(
        "select distinct on (k.id) k.id, k.name, p.contract_type from contracts k
           join contract_parts p on p.contract_id = k.id
          where k.customer_id = $1 and p.contract_type in ('block_hours', 'block_money') and {}
          order by k.id, p.position",
        crate::contracts::in_force_sql("k", "$2")
    ))
    .bind(customer)
    .bind(crate::server::today())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, contract_type)| BlockContract {
            id,
            name,
            contract_type,
        })
        .collect())
}
