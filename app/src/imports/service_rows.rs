//! A service row: matched to the catalogue by code (the key usage readings and contract
//! parts name a service by), validated as the catalogue form validates it
//! (`domain::ServiceDraft`). A changed service gets a new version, as a save on the page
//! does, so a contract keeps what it was agreed at. The catalogue is small (tens to a few
//! thousand services): a run reads it whole once, locked when it writes.

use std::collections::HashMap;

use domain::{FieldError, ServiceCode, ServiceDraft, TaxCategory};
use sqlx::PgConnection;
use uuid::Uuid;

use super::RowError;
use super::contact_rows::parse_flag;
use super::csv_file::Row;
use super::engine::{Mode, Recorded, Rows, RunCtx, Seen, classify, concurrent_change};
use super::undo::refused;
use crate::error::AppError;

/// A stored service: its id, version and definition (a canonical `ServiceDraft`).
struct Stored {
    id: Uuid,
    version: i32,
    draft: ServiceDraft,
}

#[derive(Default)]
pub struct ServiceRows {
    /// The catalogue by code, read at the first chunk.
    existing: Option<HashMap<String, Stored>>,
    seen: Seen,
}

/// A service's cells as the export writes them, in `SERVICE_COLUMNS` order.
pub fn export_cells(d: &ServiceDraft) -> Vec<String> {
    vec![
        d.code.clone(),
        d.name.clone(),
        d.description.clone(),
        d.kind.clone(),
        d.device_category.clone(),
        d.usage_unit.clone(),
        d.unit_price.clone(),
        d.currency.clone(),
        d.tax_category.clone(),
        d.revenue_account.clone(),
        if d.archived { "yes" } else { "no" }.to_string(),
    ]
}

/// The draft a row gives: `base` (the stored service, or a new one's defaults) with each
/// cell the file has put over it. A new service without a currency or tax category gets
/// the form's defaults (EUR, standard rate), as the page's "New service" does.
fn overlay(base: &ServiceDraft, cells: &[Option<String>], creating: bool) -> Result<ServiceDraft, (usize, FieldError)> {
    let mut d = base.clone();
    let fields: [&mut String; 10] = [
        &mut d.code,
        &mut d.name,
        &mut d.description,
        &mut d.kind,
        &mut d.device_category,
        &mut d.usage_unit,
        &mut d.unit_price,
        &mut d.currency,
        &mut d.tax_category,
        &mut d.revenue_account,
    ];
    for (field, cell) in fields.into_iter().zip(cells) {
        if let Some(v) = cell {
            *field = v.clone();
        }
    }
    if let Some(Some(flag)) = cells.get(ARCHIVED) {
        d.archived = parse_flag(flag).map_err(|e| (ARCHIVED, e))?;
    }
    if creating {
        if d.currency.trim().is_empty() {
            d.currency = "EUR".into();
        }
        if d.tax_category.trim().is_empty() {
            d.tax_category = TaxCategory::Standard.as_str().into();
        }
    }
    Ok(d)
}

const CODE: usize = 0;
const ARCHIVED: usize = 10;

async fn lookup(conn: &mut PgConnection, mode: Mode) -> Result<HashMap<String, Stored>, AppError> {
    // A commit locks the catalogue: a save on the page waits for it, and the version
    // checked here is the one the update below replaces.
    let lock = if mode == Mode::Commit { " for update" } else { "" };
    let rows: Vec<(Uuid, i32, serde_json::Value)> = sqlx::query_as(&format!(
        "select id, version, definition from services order by id{lock}"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, version, json)| {
            let draft: ServiceDraft =
                serde_json::from_value(json).map_err(|e| crate::server::internal("stored service", e))?;
            Ok((draft.code.clone(), Stored { id, version, draft }))
        })
        .collect()
}

/// A row ready to write: a new service, or a stored one (id, the version it was read at,
/// its definition) and what it becomes.
struct Change {
    id: Uuid,
    stored: Option<(i32, ServiceDraft)>,
    after: ServiceDraft,
}

impl Rows for ServiceRows {
    async fn chunk(&mut self, ctx: &mut RunCtx<'_>, rows: Vec<Row>) -> Result<(), AppError> {
        if rows.is_empty() {
            return Ok(());
        }
        if self.existing.is_none() {
            self.existing = Some(lookup(&mut *ctx.conn, ctx.mode).await?);
        }
        let existing = self.existing.as_ref().expect("loaded above");
        let columns = super::ImportKind::Services.columns();
        let mut changes = Vec::new();
        for row in &rows {
            let cells = ctx.cells(row);
            let given = cells[CODE].clone().unwrap_or_default();
            let code = match ServiceCode::parse(&given) {
                Ok(c) => c,
                Err(e) => {
                    ctx.error(field_error(row.number, "code", &given, e));
                    continue;
                }
            };
            if let Some(first) = self.seen.claim(row.number, &[code.as_str().to_owned()]) {
                ctx.error(RowError::new(row.number, "code", &given, "import.duplicate_row").with("row", first));
                continue;
            }
            let stored = existing.get(code.as_str());
            let base = stored.map(|s| s.draft.clone()).unwrap_or_default();
            let draft = match overlay(&base, &cells, stored.is_none()) {
                Ok(d) => d,
                Err((i, e)) => {
                    let value = cells[i].clone().unwrap_or_default();
                    ctx.error(field_error(row.number, columns[i].key, &value, e));
                    continue;
                }
            };
            let service = match draft.validate() {
                Ok(s) => s,
                Err(errors) => {
                    for e in errors {
                        let value = columns
                            .iter()
                            .position(|c| c.key == e.field)
                            .and_then(|i| cells[i].clone())
                            .unwrap_or_default();
                        let column = e.field.clone();
                        ctx.error(field_error(row.number, &column, &value, e));
                    }
                    continue;
                }
            };
            let after = service.to_draft();
            let changed = stored.is_some_and(|s| s.draft != after);
            classify(&mut ctx.outcome, stored.is_none(), changed);
            if stored.is_none() || changed {
                changes.push(Change {
                    id: stored.map(|s| s.id).unwrap_or_else(Uuid::new_v4),
                    stored: stored.map(|s| (s.version, s.draft.clone())),
                    after,
                });
            }
        }
        if ctx.writing() && !changes.is_empty() {
            let recorded = write(&mut *ctx.conn, ctx.actor, &changes).await?;
            ctx.record("service", &recorded).await?;
            // A later chunk naming the same code is a duplicate row, so the versions read
            // at the start stay right for every row that reaches here.
        }
        Ok(())
    }

    async fn finish(&mut self, _ctx: &mut RunCtx<'_>) -> Result<(), AppError> {
        Ok(())
    }
}

fn field_error(row: u64, column: &str, value: &str, e: FieldError) -> RowError {
    let mut err = RowError::new(row, column, value, e.code.as_str());
    err.params = e.params.into_iter().collect();
    err
}

fn json(d: &ServiceDraft) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(d).map_err(|e| crate::server::internal("service", e))
}

/// Inserts the new services and updates the changed ones (each with its new version in
/// `service_versions`, saved by the importer).
async fn write(conn: &mut PgConnection, actor: Option<Uuid>, changes: &[Change]) -> Result<Vec<Recorded>, AppError> {
    let ids: Vec<Uuid> = changes.iter().map(|c| c.id).collect();
    let read_at: Vec<Option<i32>> = changes.iter().map(|c| c.stored.as_ref().map(|s| s.0)).collect();
    let codes: Vec<&str> = changes.iter().map(|c| c.after.code.as_str()).collect();
    let names: Vec<&str> = changes.iter().map(|c| c.after.name.as_str()).collect();
    let kinds: Vec<&str> = changes.iter().map(|c| c.after.kind.as_str()).collect();
    let archived: Vec<bool> = changes.iter().map(|c| c.after.archived).collect();
    let definitions: Vec<serde_json::Value> = changes.iter().map(|c| json(&c.after)).collect::<Result<_, _>>()?;
    // New services (no version read) are inserted; the others are updated where they
    // still have the version read (the catalogue is locked, so they do).
    let written: Vec<(Uuid, i32)> = sqlx::query_as(
        "with r as (
            select * from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::jsonb[])
                     as r(id, version, code, name, kind, archived, definition)),
         inserted as (
            insert into services (id, code, name, kind, archived, definition)
            select id, code, name, kind, archived, definition from r where version is null
            returning id, version),
         updated as (
            update services s set name = r.name, kind = r.kind, archived = r.archived, definition = r.definition,
                   version = s.version + 1, updated_at = now()
              from r where r.version is not null and s.id = r.id and s.version = r.version
            returning s.id, s.version)
         select id, version from inserted union all select id, version from updated",
    )
    .persistent(false)
    .bind(&ids)
    .bind(&read_at)
    .bind(&codes)
    .bind(&names)
    .bind(&kinds)
    .bind(&archived)
    .bind(&definitions)
    .fetch_all(&mut *conn)
    .await
    .map_err(concurrent_change)?;
    if written.len() != changes.len() {
        return Err(AppError::Conflict);
    }
    let versions: HashMap<Uuid, i32> = written.into_iter().collect();
    let new_versions: Vec<i32> = ids.iter().map(|id| versions[id]).collect();
    sqlx::query(
        "insert into service_versions (service_id, version, definition, saved_by)
         select id, version, definition, $4 from unnest($1::uuid[], $2::int[], $3::jsonb[]) as r(id, version, definition)",
    )
    .persistent(false)
    .bind(&ids)
    .bind(&new_versions)
    .bind(&definitions)
    .bind(actor)
    .execute(&mut *conn)
    .await?;
    changes
        .iter()
        .zip(new_versions)
        .map(|(c, version)| {
            Ok(Recorded {
                id: c.id,
                action: if c.stored.is_some() { "updated" } else { "created" },
                before: c.stored.as_ref().map(|s| json(&s.1)).transpose()?,
                version,
            })
        })
        .collect()
}

/// Undoes a services import inside `conn`'s transaction (the caller holds the import
/// lock and has checked the import is committed): refused when a service it touched has
/// been saved since, or a service it created is in use; otherwise created services go
/// and changed ones get their definition back, as a new version saved by `actor`.
pub async fn undo(conn: &mut PgConnection, import: Uuid, actor: Option<Uuid>) -> Result<(), AppError> {
    // Lock what the import touched (a save on the page then waits), then compare; a
    // service deleted since counts as changed.
    sqlx::query(
        "select 1 from services where id in
            (select record_id from import_records where import_id = $1 and entity = 'service')
          order by id for update",
    )
    .bind(import)
    .execute(&mut *conn)
    .await?;
    let changed: i64 = sqlx::query_scalar(
        "select count(*) from import_records r left join services s on s.id = r.record_id
          where r.import_id = $1 and r.entity = 'service' and s.version is distinct from r.version",
    )
    .bind(import)
    .fetch_one(&mut *conn)
    .await?;
    if changed > 0 {
        return Err(refused("import.undo_changed", changed));
    }
    let used: i64 = sqlx::query_scalar(
        "select count(*) from import_records r
          where r.import_id = $1 and r.entity = 'service' and r.action = 'created'
            and (exists (select 1 from contract_parts p where p.service_id = r.record_id)
              or exists (select 1 from sales_items i where i.service_id = r.record_id)
              or exists (select 1 from usage_readings u where u.service_id = r.record_id)
              or exists (select 1 from usage_current u where u.service_id = r.record_id))",
    )
    .bind(import)
    .fetch_one(&mut *conn)
    .await?;
    if used > 0 {
        return Err(refused("import.undo_services_used", used));
    }
    sqlx::query(
        "delete from service_versions where service_id in
            (select record_id from import_records where import_id = $1 and entity = 'service' and action = 'created')",
    )
    .bind(import)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "delete from services where id in
            (select record_id from import_records where import_id = $1 and entity = 'service' and action = 'created')",
    )
    .bind(import)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "with restored as (
            update services s set code = r.before ->> 'code', name = r.before ->> 'name', kind = r.before ->> 'kind',
                   archived = (r.before ->> 'archived')::boolean, definition = r.before,
                   version = s.version + 1, updated_at = now()
              from import_records r
             where r.import_id = $1 and r.entity = 'service' and r.action = 'updated' and s.id = r.record_id
            returning s.id, s.version, s.definition)
         insert into service_versions (service_id, version, definition, saved_by)
         select id, version, definition, $2 from restored",
    )
    .bind(import)
    .bind(actor)
    .execute(&mut *conn)
    .await
    .map_err(concurrent_change)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[&str]) -> Vec<Option<String>> {
        values.iter().map(|v| Some(v.to_string())).collect()
    }

    #[test]
    fn the_cells_follow_the_columns() {
        let keys: Vec<&str> = super::super::ImportKind::Services
            .columns()
            .iter()
            .map(|c| c.key)
            .collect();
        assert_eq!(keys[CODE], "code");
        assert_eq!(keys[ARCHIVED], "archived");
        let d = ServiceDraft {
            code: "RMM-SERVER".into(),
            name: "RMM Server".into(),
            description: "Monitoring".into(),
            kind: "per_device".into(),
            device_category: "server".into(),
            usage_unit: String::new(),
            unit_price: "12.50".into(),
            currency: "EUR".into(),
            tax_category: "standard".into(),
            revenue_account: "8400".into(),
            archived: true,
        };
        let exported = export_cells(&d);
        assert_eq!(exported.len(), keys.len());
        let cells: Vec<Option<String>> = exported.into_iter().map(Some).collect();
        assert_eq!(overlay(&ServiceDraft::default(), &cells, false).unwrap(), d);
    }

    #[test]
    fn a_new_service_gets_the_forms_defaults_and_absent_columns_keep_the_stored_value() {
        let mut given = cells(&["rmm", "RMM", "", "flat_fee", "", "", "10"]);
        given.extend([None, None, None, None]);
        let d = overlay(&ServiceDraft::default(), &given, true).unwrap();
        assert_eq!((d.currency.as_str(), d.tax_category.as_str()), ("EUR", "standard"));
        let stored = ServiceDraft {
            revenue_account: "8400".into(),
            currency: "USD".into(),
            ..d.clone()
        };
        let d = overlay(&stored, &given, false).unwrap();
        assert_eq!((d.revenue_account.as_str(), d.currency.as_str()), ("8400", "USD"));
        let mut bad = given.clone();
        bad[ARCHIVED] = Some("vielleicht".into());
        assert_eq!(overlay(&stored, &bad, false).unwrap_err().0, ARCHIVED);
    }
}
