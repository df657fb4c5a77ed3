//! CSV out: the export of customers, contacts and services (the import's own columns, so an
//! exported file imports back without changes), the templates, and the error list of a
//! check. Files start with a UTF-8 BOM so spreadsheet programs read the umlauts right;
//! German and Spanish files use `;` as their Excel does.

use domain::Locale;
use futures_util::TryStreamExt;
use sqlx::{PgPool, Postgres, QueryBuilder};

use super::columns::ImportKind;
use super::contact_rows::{self, ContactRecord};
use super::{RowError, columns};
use super::{customer_rows, service_rows};
use crate::auth::UserInfo;
use crate::customers::db::{CustomerRecord, unicode};
use crate::error::AppError;
use crate::i18n::{k, text};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a file's header row is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    /// The stable English keys (`external_id`, `name`, …), for scripts.
    Keys,
    /// The column names in a language, for people.
    Labels(Locale),
}

pub fn delimiter(headers: Headers) -> u8 {
    match headers {
        Headers::Labels(Locale::De | Locale::Es) => b';',
        _ => b',',
    }
}

fn writer(headers: Headers) -> csv::Writer<Vec<u8>> {
    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(BOM);
    csv::WriterBuilder::new()
        .delimiter(delimiter(headers))
        .flexible(true)
        .from_writer(buf)
}

/// Where an export sends its pieces; false when the receiver is gone.
pub trait Sink: Send {
    fn send(&mut self, piece: Vec<u8>) -> impl Future<Output = bool> + Send;
}

fn header_row(kind: ImportKind, headers: Headers) -> Vec<String> {
    kind.columns()
        .iter()
        .map(|c| match headers {
            Headers::Keys => c.key.to_string(),
            Headers::Labels(l) => text(l, c.label).to_string(),
        })
        .collect()
}

fn csv_error(e: impl std::fmt::Display) -> AppError {
    crate::server::internal("writing CSV", e)
}

/// Takes what the writer holds so far (to send it on) and puts a fresh one in its place.
fn drain(w: &mut csv::Writer<Vec<u8>>, headers: Headers) -> Result<Vec<u8>, AppError> {
    let full = std::mem::replace(
        w,
        csv::WriterBuilder::new()
            .delimiter(delimiter(headers))
            .from_writer(Vec::with_capacity(1 << 16)),
    );
    full.into_inner().map_err(csv_error)
}

/// The template: the header row, one example row and a legend (lines starting with `#`,
/// which the importer skips).
pub fn template(kind: ImportKind, locale: Locale) -> Result<Vec<u8>, AppError> {
    let headers = Headers::Labels(locale);
    let mut w = writer(headers);
    w.write_record(header_row(kind, headers)).map_err(csv_error)?;
    let example: &[&str] = match kind {
        ImportKind::Customers => &[
            "K-1001",
            "Müller IT GmbH",
            "mueller-it.de",
            "",
            "DE136695976",
            "+49 221 1234567",
            "",
            "Hauptstraße 1",
            "50667",
            "Köln",
            "",
            "DE",
            "Buchhaltung",
            "rechnung@mueller-it.de",
            "Hauptstraße 1",
            "50667",
            "Köln",
            "",
            "DE",
            "domestic",
            "DE136695976",
            "standard",
            "EUR",
            "14",
            "standard",
            "de",
            "email",
            "DE89 3704 0044 0532 0130 00",
        ],
        ImportKind::Contacts => &[
            "P-2001",
            "K-1001",
            "Jürgen",
            "Müller",
            "juergen@mueller-it.de",
            "+49 221 1234568",
            "",
            "Geschäftsführer",
            "yes",
            "yes",
            "all",
            "yes",
            "company",
        ],
        ImportKind::Services => &[
            "RMM-SERVER",
            "RMM Server",
            "Überwachung und Patches je Server",
            "per_device",
            "server",
            "",
            "12.50",
            "EUR",
            "standard",
            "8400",
            "no",
        ],
    };
    w.write_record(example).map_err(csv_error)?;
    let legend = match kind {
        ImportKind::Customers => [
            k::IMPORT_LEGEND_CUSTOMERS_1,
            k::IMPORT_LEGEND_CUSTOMERS_2,
            k::IMPORT_LEGEND_CUSTOMERS_3,
        ],
        ImportKind::Contacts => [
            k::IMPORT_LEGEND_CONTACTS_1,
            k::IMPORT_LEGEND_CONTACTS_2,
            k::IMPORT_LEGEND_CONTACTS_3,
        ],
        ImportKind::Services => [
            k::IMPORT_LEGEND_SERVICES_1,
            k::IMPORT_LEGEND_SERVICES_2,
            k::IMPORT_LEGEND_SERVICES_3,
        ],
    };
    let keys = kind.columns().iter().map(|c| c.key).collect::<Vec<_>>().join(", ");
    for line in legend
        .iter()
        .map(|key| format!("# {}", text(locale, *key)))
        .chain([format!(
            "# {}",
            crate::i18n::text_with(locale, k::IMPORT_LEGEND_KEYS, &[("keys", &keys)])
        )])
    {
        w.write_record([line]).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// A check's problems as a CSV file: row, column, value, message.
pub fn errors_csv(kind: ImportKind, errors: &[RowError], locale: Locale) -> Result<Vec<u8>, AppError> {
    let headers = Headers::Labels(locale);
    let mut w = writer(headers);
    w.write_record([
        text(locale, k::IMPORT_ERROR_ROW),
        text(locale, k::IMPORT_ERROR_COLUMN),
        text(locale, k::IMPORT_ERROR_VALUE),
        text(locale, k::IMPORT_ERROR_MESSAGE),
    ])
    .map_err(csv_error)?;
    for e in errors {
        let column = if e.column.is_empty() {
            String::new()
        } else {
            columns::label(kind, &e.column, locale)
        };
        w.write_record([e.row.to_string(), column, e.value.clone(), e.message(locale)])
            .map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// Rows per piece handed to `send`.
const PIECE: usize = 1000;

/// Writes the export of `kind` (the customers `user` may see, not archived, and their
/// contacts; or the whole catalogue, archived services marked) piece by piece to `sink`.
pub async fn export(
    pool: &PgPool,
    user: &UserInfo,
    kind: ImportKind,
    headers: Headers,
    sink: &mut impl Sink,
) -> Result<(), AppError> {
    let mut w = writer(headers);
    w.write_record(header_row(kind, headers)).map_err(csv_error)?;
    let mut count = 0usize;
    match kind {
        ImportKind::Customers => {
            #[derive(sqlx::FromRow)]
            struct Row {
                #[sqlx(flatten)]
                record: CustomerRecord,
                domains: Vec<String>,
            }
            let mut b = QueryBuilder::<Postgres>::new(
                "select c.*, c.list_domains as domains from customers c where c.archived_at is null",
            );
            crate::customers::list::db::push_scope(&mut b, user);
            b.push(" order by lower(c.name), c.id");
            let mut rows = b.build_query_as::<Row>().fetch(pool);
            while let Some(r) = rows.try_next().await? {
                w.write_record(customer_rows::export_cells(&r.record, &r.domains))
                    .map_err(csv_error)?;
                count += 1;
                if count.is_multiple_of(PIECE) && !sink.send(drain(&mut w, headers)?).await {
                    return Ok(());
                }
            }
        }
        ImportKind::Contacts => {
            #[derive(sqlx::FromRow)]
            struct Row {
                #[sqlx(flatten)]
                record: ContactRecord,
                customer_external_id: Option<String>,
                customer_domain: Option<String>,
                customer_name: String,
            }
            let mut b = QueryBuilder::<Postgres>::new(
                "select k.id, k.customer_id, k.external_id, k.first_name, k.last_name, k.email, k.phone, k.mobile,
                        k.job_title, k.is_main, k.company_contact, k.notification_preference, k.portal_access,
                        k.portal_level, k.version, false as archived, k.import_id, c.external_id as customer_external_id,
                        (select min(d.domain) from customer_domains d where d.customer_id = c.id) as customer_domain,
                        c.name as customer_name
                   from contacts k join customers c on c.id = k.customer_id
                  where k.archived_at is null and c.archived_at is null",
            );
            crate::customers::list::db::push_scope(&mut b, user);
            b.push(" order by lower(c.name), c.id, lower(k.last_name), lower(k.first_name), k.id");
            let mut rows = b.build_query_as::<Row>().fetch(pool);
            while let Some(r) = rows.try_next().await? {
                let customer = r
                    .customer_external_id
                    .clone()
                    .or_else(|| r.customer_domain.as_deref().map(unicode))
                    .unwrap_or_else(|| r.customer_name.clone());
                w.write_record(contact_rows::export_cells(&r.record, &customer))
                    .map_err(csv_error)?;
                count += 1;
                if count.is_multiple_of(PIECE) && !sink.send(drain(&mut w, headers)?).await {
                    return Ok(());
                }
            }
        }
        ImportKind::Services => {
            let definitions: Vec<serde_json::Value> =
                sqlx::query_scalar("select definition from services order by code")
                    .fetch_all(pool)
                    .await?;
            for json in definitions {
                let draft: domain::ServiceDraft =
                    serde_json::from_value(json).map_err(|e| crate::server::internal("stored service", e))?;
                w.write_record(service_rows::export_cells(&draft)).map_err(csv_error)?;
            }
        }
    }
    let rest = w.into_inner().map_err(csv_error)?;
    sink.send(rest).await;
    Ok(())
}
