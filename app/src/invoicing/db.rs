//! Storage of Settings → Invoicing: the company row, the series, the numbering review.

use chrono::Datelike;
use domain::AddressDraft;
use domain::company::{Company, CompanyDraft};
use domain::numbering::{Series, SeriesDraft};
use sqlx::PgPool;
use uuid::Uuid;

use super::{CompanyForm, Readiness, SeriesRow};
use crate::error::{AppError, FieldProblem};

#[derive(sqlx::FromRow)]
struct CompanyRow {
    legal_name: String,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    region: Option<String>,
    country: Option<String>,
    vat_id: Option<String>,
    tax_number: Option<String>,
    commercial_register: Option<String>,
    managing_directors: Option<String>,
    email: Option<String>,
    bank_name: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    tax_area: String,
    time_zone: String,
    version: i32,
}

impl CompanyRow {
    fn draft(self) -> (CompanyDraft, i32) {
        let s = |v: Option<String>| v.unwrap_or_default();
        (
            CompanyDraft {
                legal_name: self.legal_name,
                address: AddressDraft {
                    street: s(self.street),
                    postal_code: s(self.postal_code),
                    city: s(self.city),
                    region: s(self.region),
                    country: s(self.country),
                },
                vat_id: s(self.vat_id),
                tax_number: s(self.tax_number),
                commercial_register: s(self.commercial_register),
                managing_directors: s(self.managing_directors),
                email: s(self.email),
                bank_name: s(self.bank_name),
                iban: s(self.iban),
                bic: s(self.bic),
                tax_area: self.tax_area,
                time_zone: self.time_zone,
            },
            self.version,
        )
    }
}

/// The stored company, checked again by the domain's rules.
pub async fn load_company(pool: &PgPool) -> Result<Option<(Company, i32)>, AppError> {
    let row: Option<CompanyRow> = sqlx::query_as("select * from company").fetch_optional(pool).await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let (draft, version) = r.draft();
            let company = draft
                .validate()
                .map_err(|e| crate::server::internal("stored company no longer valid", format!("{e:?}")))?;
            Ok(Some((company, version)))
        }
    }
}

pub async fn company(pool: &PgPool) -> Result<CompanyForm, AppError> {
    Ok(match load_company(pool).await? {
        None => CompanyForm {
            draft: CompanyDraft::default(),
            version: None,
            missing: Vec::new(),
        },
        Some((c, version)) => CompanyForm {
            draft: CompanyDraft::from(&c),
            version: Some(version),
            missing: c.missing(),
        },
    })
}

pub async fn save_company(
    pool: &PgPool,
    user: Uuid,
    version: Option<i32>,
    c: &Company,
) -> Result<CompanyForm, AppError> {
    let a = c.address.as_ref();
    let written = sqlx::query(
        "insert into company (legal_name, street, postal_code, city, region, country, vat_id, tax_number,
                              commercial_register, managing_directors, email, bank_name, iban, bic, tax_area,
                              time_zone, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         on conflict (id) do update set
             legal_name = excluded.legal_name, street = excluded.street, postal_code = excluded.postal_code,
             city = excluded.city, region = excluded.region, country = excluded.country, vat_id = excluded.vat_id,
             tax_number = excluded.tax_number, commercial_register = excluded.commercial_register,
             managing_directors = excluded.managing_directors, email = excluded.email,
             bank_name = excluded.bank_name, iban = excluded.iban, bic = excluded.bic,
             tax_area = excluded.tax_area, time_zone = excluded.time_zone, updated_by = excluded.updated_by,
             version = company.version + 1, updated_at = now()
           where company.version = $18",
    )
    .bind(c.legal_name.to_string())
    .bind(a.map(|a| a.street.to_string()))
    .bind(a.and_then(|a| a.postal_code.as_ref().map(ToString::to_string)))
    .bind(a.map(|a| a.city.to_string()))
    .bind(a.and_then(|a| a.region.as_ref().map(ToString::to_string)))
    .bind(a.map(|a| a.country.to_string()))
    .bind(c.vat_id.as_ref().map(ToString::to_string))
    .bind(c.tax_number.as_ref().map(|t| t.as_str().to_owned()))
    .bind(c.commercial_register.as_ref().map(ToString::to_string))
    .bind(c.managing_directors.as_ref().map(ToString::to_string))
    .bind(c.email.as_ref().map(ToString::to_string))
    .bind(c.bank_name.as_ref().map(ToString::to_string))
    .bind(c.iban.as_ref().map(ToString::to_string))
    .bind(c.bic.as_ref().map(ToString::to_string))
    .bind(c.tax_area.as_str())
    .bind(c.time_zone.to_string())
    .bind(user)
    // a first save (no version) may only create the row, never overwrite one
    .bind(version.unwrap_or(-1))
    .execute(pool)
    .await?;
    if written.rows_affected() == 0 {
        return Err(AppError::Conflict);
    }
    company(pool).await
}

#[derive(sqlx::FromRow)]
struct SeriesDb {
    id: Uuid,
    version: i32,
    kind: String,
    name: String,
    format: String,
    next_number: i64,
    counter_year: Option<i32>,
    yearly_reset: bool,
    is_default: bool,
    issued: i64,
}

fn row(s: SeriesDb, year: i32) -> SeriesRow {
    let draft = SeriesDraft {
        kind: s.kind,
        name: s.name,
        format: s.format,
        next_number: s.next_number.to_string(),
        yearly_reset: s.yearly_reset,
    };
    SeriesRow {
        id: s.id,
        version: s.version,
        next_example: draft.next_example(s.counter_year, year).unwrap_or_default(),
        draft,
        counter_year: s.counter_year,
        is_default: s.is_default,
        issued: s.issued,
    }
}

pub async fn series(pool: &PgPool) -> Result<Vec<SeriesRow>, AppError> {
    let year = crate::server::today().year();
    let rows: Vec<SeriesDb> = sqlx::query_as(
        "select id, version, kind, name, format, next_number, counter_year, yearly_reset, is_default, issued
           from invoice_series order by kind = 'credit_note', not is_default, lower(name)",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| row(r, year)).collect())
}

pub async fn save_series(
    pool: &PgPool,
    id: Option<Uuid>,
    version: Option<i32>,
    s: &Series,
) -> Result<SeriesRow, AppError> {
    let mut tx = pool.begin().await?;
    let id = match id {
        None => sqlx::query_scalar(
            "insert into invoice_series (kind, name, format, next_number, yearly_reset, is_default)
             values ($1, $2, $3, $4, $5, not exists (select 1 from invoice_series where kind = $1 and is_default))
             returning id",
        )
        .bind(s.kind.as_str())
        .bind(s.name.as_str())
        .bind(s.format.as_str())
        .bind(s.next_number as i64)
        .bind(s.yearly_reset)
        .fetch_one(&mut *tx)
        .await
        .map_err(name_taken)?,
        Some(id) => {
            let current: Option<(i32, String, String, i64, bool, i64)> = sqlx::query_as(
                "select version, kind, format, next_number, yearly_reset, issued from invoice_series where id = $1 for update",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let (v, kind, format, next, reset, issued) = current.ok_or(AppError::NotFound)?;
            if Some(v) != version {
                return Err(AppError::Conflict);
            }
            let changed_numbers = kind != s.kind.as_str()
                || format != s.format.as_str()
                || next != s.next_number as i64
                || reset != s.yearly_reset;
            if issued > 0 && changed_numbers {
                return Err(AppError::validation(vec![FieldProblem::new(
                    "format",
                    "numbering.series_used",
                )]));
            }
            sqlx::query(
                "update invoice_series set kind = $2, name = $3, format = $4, next_number = $5, yearly_reset = $6,
                        version = version + 1, updated_at = now()
                  where id = $1",
            )
            .bind(id)
            .bind(s.kind.as_str())
            .bind(s.name.as_str())
            .bind(s.format.as_str())
            .bind(s.next_number as i64)
            .bind(s.yearly_reset)
            .execute(&mut *tx)
            .await
            .map_err(name_taken)?;
            id
        }
    };
    tx.commit().await?;
    series(pool)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)
}

/// The unique name index refusing is a field error on `name`; anything else stays itself.
fn name_taken(e: sqlx::Error) -> AppError {
    match &e {
        sqlx::Error::Database(d) if d.constraint() == Some("invoice_series_name_key") => {
            AppError::validation(vec![FieldProblem::new("name", "numbering.name_taken")])
        }
        _ => e.into(),
    }
}

pub async fn confirm_numbering(pool: &PgPool, user: Uuid) -> Result<(), AppError> {
    sqlx::query(
        "insert into numbering_review (confirmed_at, confirmed_by) values (now(), $1)
         on conflict (id) do update set confirmed_at = now(), confirmed_by = $1",
    )
    .bind(user)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn readiness(pool: &PgPool) -> Result<Readiness, AppError> {
    let company = load_company(pool).await?;
    let confirmed: Option<(chrono::DateTime<chrono::Utc>, Option<String>)> = sqlx::query_as(
        "select r.confirmed_at, u.name from numbering_review r left join users u on u.id = r.confirmed_by",
    )
    .fetch_optional(pool)
    .await?;
    Ok(Readiness {
        company_missing: company.is_none(),
        company_gaps: company.map(|(c, _)| c.missing()).unwrap_or_default(),
        numbering_confirmed: confirmed,
    })
}
