//! Saving a form over a record that others may be editing too, and writing down who
//! changed what.
//!
//! Every editor sends the record's `version` as it loaded it, the form as it loaded it
//! (`base`) and the form as the user left it (`mine`). When the version moved on, the
//! fields someone else changed since (`theirs` ≠ `base`) are a conflict the user sees with
//! both values; a concurrent edit that touched none of this form's fields is no conflict.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::audit::AuditChange;
use crate::error::{AppError, ConflictField};

/// A form as (field path, text) pairs: nested objects dotted, lists joined with ", ".
pub fn flatten<T: Serialize>(form: &T) -> BTreeMap<String, String> {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
        use serde_json::Value::*;
        match v {
            Object(map) => {
                for (k, v) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            Array(items) => {
                let texts: Vec<std::string::String> = items
                    .iter()
                    .map(|i| match i {
                        String(s) => s.trim().to_string(),
                        other => other.to_string(),
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                out.insert(prefix.to_string(), texts.join(", "));
            }
            String(s) => {
                out.insert(prefix.to_string(), s.trim().to_string());
            }
            Null => {
                out.insert(prefix.to_string(), std::string::String::new());
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(v) = serde_json::to_value(form) {
        walk("", &v, &mut out);
    }
    out
}

/// The fields whose text differs between `before` and `after`.
pub fn changes<T: Serialize>(before: &T, after: &T) -> Vec<AuditChange> {
    let (a, b) = (flatten(before), flatten(after));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (
                a.get(k).cloned().unwrap_or_default(),
                b.get(k).cloned().unwrap_or_default(),
            );
            (x != y).then(|| AuditChange {
                field: k.clone(),
                before: x,
                after: y,
            })
        })
        .collect()
}

/// Refuses the save when someone else changed a field of this form since `base` was loaded.
pub async fn check_version<T: Serialize>(
    tx: &mut PgConnection,
    entity_id: Uuid,
    loaded_version: i32,
    current_version: i32,
    base: &T,
    theirs: &T,
    mine: &T,
) -> Result<(), AppError> {
    if loaded_version == current_version {
        return Ok(());
    }
    let mine = flatten(mine);
    let fields: Vec<ConflictField> = changes(base, theirs)
        .into_iter()
        .map(|c| ConflictField {
            yours: mine.get(&c.field).cloned().unwrap_or_default(),
            field: c.field,
            theirs: c.after,
        })
        .collect();
    if fields.is_empty() {
        return Ok(());
    }
    let last: Option<(Option<String>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "select u.name, a.at from audit_log a left join users u on u.id = a.actor_id
          where a.entity_id = $1 order by a.id desc limit 1",
    )
    .bind(entity_id)
    .fetch_optional(&mut *tx)
    .await?;
    Err(AppError::EditConflict {
        version: current_version,
        by: last.as_ref().and_then(|l| l.0.clone()),
        at: last.map(|l| l.1),
        fields,
    })
}

/// Writes one audit entry with the fields that changed (nothing when none did).
pub async fn audit<T: Serialize>(
    tx: &mut PgConnection,
    entry: AuditEntry<'_>,
    before: &T,
    after: &T,
) -> Result<(), AppError> {
    let changes = changes(before, after);
    if changes.is_empty() {
        return Ok(());
    }
    record(tx, entry, &changes).await
}

/// What an audit entry is about.
pub struct AuditEntry<'a> {
    pub customer: Uuid,
    pub entity: &'a str,
    pub entity_id: Uuid,
    pub action: &'a str,
    pub actor: Uuid,
}

/// Writes one audit entry as given.
pub async fn record(tx: &mut PgConnection, entry: AuditEntry<'_>, changes: &[AuditChange]) -> Result<(), AppError> {
    sqlx::query(
        "insert into audit_log (customer_id, entity, entity_id, action, actor_id, changes)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.customer)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.action)
    .bind(entry.actor)
    .bind(serde_json::to_value(changes).map_err(|e| crate::server::internal("audit changes", e))?)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Moves the customer's version on; returns the new one.
pub async fn bump_customer(tx: &mut PgConnection, customer: Uuid) -> Result<i32, AppError> {
    Ok(sqlx::query_scalar(
        "update customers set version = version + 1, updated_at = now() where id = $1 returning version",
    )
    .bind(customer)
    .fetch_one(&mut *tx)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Form {
        name: String,
        domains: Vec<String>,
        address: Address,
        on: bool,
    }

    #[derive(Serialize)]
    struct Address {
        city: String,
    }

    fn form(name: &str, city: &str, on: bool) -> Form {
        Form {
            name: name.into(),
            domains: vec!["a.de".into(), " ".into()],
            address: Address { city: city.into() },
            on,
        }
    }

    #[test]
    fn changes_name_nested_fields_and_ignore_blank_list_rows() {
        let c = changes(&form("A", "Köln", false), &form("A ", "Bonn", true));
        let got: Vec<(&str, &str, &str)> = c
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(got, [("address.city", "Köln", "Bonn"), ("on", "false", "true")]);
        assert_eq!(flatten(&form("A", "B", false))["domains"], "a.de");
    }
}
