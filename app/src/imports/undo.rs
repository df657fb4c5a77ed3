//! Undoing an import: delete what it created, put back what it changed, in one
//! transaction, and only while every record it touched still has the version the import
//! left (nobody edited it since) and nothing new hangs off a customer it created.

use sqlx::PgPool;
use uuid::Uuid;

use super::engine::concurrent_change;
use super::{ImportKind, contact_rows, customer_rows, service_rows};
use crate::auth::UserInfo;
use crate::error::{AppError, FieldProblem};

pub(super) fn refused(code: &str, count: i64) -> AppError {
    AppError::validation(vec![FieldProblem::new("import", code).with("count", count)])
}

/// Undoes `import` for `user`, who needs the permission its kind asks for.
pub async fn undo(pool: &PgPool, import: Uuid, user: &UserInfo) -> Result<(), AppError> {
    let actor = Some(user.id);
    let mut tx = pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock(hashtext('onboard.import'))")
        .execute(&mut *tx)
        .await?;
    let stored: Option<(String, String)> = sqlx::query_as("select kind, status from imports where id = $1 for update")
        .bind(import)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((kind, status)) = stored else {
        return Err(AppError::NotFound);
    };
    let kind = ImportKind::parse(&kind).ok_or(AppError::NotFound)?;
    if !user.can(kind.permission()) {
        return Err(AppError::Forbidden);
    }
    if status != "committed" {
        return Err(AppError::Conflict);
    }
    if kind == ImportKind::Services {
        service_rows::undo(&mut tx, import, actor).await?;
        return finish(tx, import, actor).await;
    }

    // Lock what the import created and changed (an edit saved meanwhile then waits for
    // this transaction, and finds the record gone or restored), then check nothing changed
    // since. Created
    // records carry the import's id and version 1, unless a later chunk of the same commit
    // changed them again (a main contact demoted): then `import_records` has their version.
    // A created record that is gone (deleted since) counts as changed too.
    for (table, entity) in [("customers", "customer"), ("contacts", "contact")] {
        sqlx::query(&format!(
            "select 1 from {table} where id in
                (select record_id from import_records where import_id = $1 and entity = '{entity}')
              order by id for update"
        ))
        .bind(import)
        .execute(&mut *tx)
        .await?;
    }
    let changed: i64 = sqlx::query_scalar(
        "with created_customers as (
            select c.id, c.version from customers c where c.import_id = $1 order by c.id for update),
         created_contacts as (
            select k.id, k.version from contacts k where k.import_id = $1 order by k.id for update),
         touched as (
            select r.record_id, r.action, r.version, c.version as now
              from import_records r left join customers c on c.id = r.record_id
             where r.import_id = $1 and r.entity = 'customer'
            union all
            select r.record_id, r.action, r.version, k.version
              from import_records r left join contacts k on k.id = r.record_id
             where r.import_id = $1 and r.entity = 'contact'),
         created as (
            select id, version from created_customers union all select id, version from created_contacts)
         select (select count(*) from touched where action = 'updated' and now is distinct from version)
              + (select count(*) from created x
                  where x.version <> coalesce((select t.version from touched t
                                                where t.action = 'created' and t.record_id = x.id), 1))
              + abs((select created_count from imports where id = $1) - (select count(*) from created))",
    )
    .bind(import)
    .fetch_one(&mut *tx)
    .await?;
    if changed > 0 {
        return Err(refused("import.undo_changed", changed));
    }
    let attached: i64 = sqlx::query_scalar(
        "with created as (select id from customers where import_id = $1)
         select (select count(*) from contacts k join created on created.id = k.customer_id
                  where k.import_id is distinct from $1)
              + (select count(*) from contracts t join created on created.id = t.customer_id)
              + (select count(*) from customers ch join created on created.id = ch.parent_id)",
    )
    .bind(import)
    .fetch_one(&mut *tx)
    .await?;
    if attached > 0 {
        return Err(refused("import.undo_attached", attached));
    }

    let updated = |entity: &str| {
        format!(
            "from import_records r, jsonb_populate_record(null::{entity}, r.before) b
                where r.import_id = $1 and r.entity = '{}' and r.action = 'updated'",
            &entity[..entity.len() - 1]
        )
    };

    // Contacts: created ones go (the history of a customer that stays says so, with the
    // contact's name); changed ones get their values back (main flags first).
    sqlx::query(
        "insert into audit_log (customer_id, entity, entity_id, action, actor_id, changes)
         select k.customer_id, 'contact', k.id, 'import_undone', $2,
                jsonb_build_array(jsonb_build_object('field', 'first_name', 'before', k.first_name, 'after', ''),
                                  jsonb_build_object('field', 'last_name', 'before', k.last_name, 'after', ''),
                                  jsonb_build_object('field', 'email', 'before', k.email, 'after', ''))
           from contacts k join customers c on c.id = k.customer_id
          where k.import_id = $1 and c.import_id is distinct from $1",
    )
    .bind(import)
    .bind(actor)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from contacts where import_id = $1")
        .bind(import)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update contacts set is_main = false where id in
            (select record_id from import_records where import_id = $1 and entity = 'contact' and action = 'updated')",
    )
    .bind(import)
    .execute(&mut *tx)
    .await?;
    let set = contact_rows::DB_COLUMNS.map(|c| format!("{c} = b.{c}")).join(", ");
    sqlx::query(&format!(
        "update contacts c set {set}, version = c.version + 1, updated_at = now() {} and c.id = r.record_id",
        updated("contacts")
    ))
    .bind(import)
    .execute(&mut *tx)
    .await
    .map_err(concurrent_change)?;

    // Customers: the same, and their domains.
    sqlx::query("delete from customers where import_id = $1")
        .bind(import)
        .execute(&mut *tx)
        .await?;
    let set = customer_rows::DB_COLUMNS.map(|c| format!("{c} = b.{c}")).join(", ");
    sqlx::query(&format!(
        "update customers c set {set}, version = c.version + 1, updated_at = now() {} and c.id = r.record_id",
        updated("customers")
    ))
    .bind(import)
    .execute(&mut *tx)
    .await
    .map_err(concurrent_change)?;
    sqlx::query(
        "delete from customer_domains where customer_id in
            (select record_id from import_records where import_id = $1 and entity = 'customer' and action = 'updated')",
    )
    .bind(import)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into customer_domains (domain, customer_id)
         select d, r.record_id from import_records r, jsonb_array_elements_text(r.before -> 'domains') d
          where r.import_id = $1 and r.entity = 'customer' and r.action = 'updated'",
    )
    .bind(import)
    .execute(&mut *tx)
    .await
    .map_err(concurrent_change)?;

    sqlx::query(
        "insert into audit_log (customer_id, entity, entity_id, action, actor_id)
         select coalesce(k.customer_id, r.record_id), r.entity, r.record_id, 'import_undone', $2
           from import_records r left join contacts k on r.entity = 'contact' and k.id = r.record_id
          where r.import_id = $1 and r.action = 'updated'",
    )
    .bind(import)
    .bind(actor)
    .execute(&mut *tx)
    .await?;
    finish(tx, import, actor).await
}

async fn finish(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    import: Uuid,
    actor: Option<Uuid>,
) -> Result<(), AppError> {
    sqlx::query("update imports set status = 'undone', undone_by = $2, undone_at = now() where id = $1")
        .bind(import)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(%import, "import undone");
    Ok(())
}
