//! A customer's contacts: create, edit, archive, restore, and the one main contact.
//!
//! "Exactly one main contact" is the database's rule (a partial unique index); switching
//! locks the customer row first, so concurrent switches queue instead of failing.

use domain::ContactFormDraft;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// What a save returns: the contact and its new version.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContactSaved {
    pub id: Uuid,
    pub version: i32,
}

/// Creates (`contact: None`) or updates a contact. A new contact of a customer without
/// one becomes its main contact. Phone numbers, job title and "company contact" are kept
/// as they are unless the customer's profile is self-managed (then they are shown and
/// editable). Creating with the same `idempotency_key` again returns the first contact.
#[server(prefix = "/api", endpoint = "contacts/save", input = Json)]
pub async fn save_contact(
    customer: Uuid,
    contact: Option<Uuid>,
    version: i32,
    base: ContactFormDraft,
    draft: ContactFormDraft,
    idempotency_key: Uuid,
) -> Result<ContactSaved, AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        db::save(
            &ctx.pool,
            ctx.user.id,
            customer,
            contact,
            version,
            &base,
            &draft,
            idempotency_key,
        )
        .await
    })
    .await
}

/// Makes `contact` the customer's main contact (the previous one stays a contact).
#[server(prefix = "/api", endpoint = "contacts/main")]
pub async fn set_main_contact(customer: Uuid, contact: Uuid) -> Result<(), AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        db::set_main(&ctx.pool, ctx.user.id, customer, contact).await
    })
    .await
}

/// Archives or restores a contact. The main contact cannot be archived: another contact
/// must become the main contact first.
#[server(prefix = "/api", endpoint = "contacts/archive")]
pub async fn set_contact_archived(customer: Uuid, contact: Uuid, archived: bool) -> Result<(), AppError> {
    crate::server::gate_customer(Permission::EditCustomers, customer, |ctx| async move {
        db::set_archived(&ctx.pool, ctx.user.id, customer, contact, archived).await
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod db {
    use domain::{ContactForm, ContactFormDraft};
    use sqlx::{PgConnection, PgPool};
    use uuid::Uuid;

    use super::ContactSaved;
    use crate::customers::ContactView;
    use crate::customers::edit::{self, AuditEntry};
    use crate::error::{AppError, FieldProblem};
    use crate::server::idempotency;

    type Row = (
        Uuid,
        i32,
        bool,
        bool,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
        String,
        bool,
        String,
    );

    const COLUMNS: &str = "select id, version, is_main, archived_at is not null, first_name, last_name, email, phone,
        mobile, job_title, company_contact, notification_preference, portal_access, portal_level from contacts";

    fn view(r: Row) -> ContactView {
        let (
            id,
            version,
            is_main,
            archived,
            first_name,
            last_name,
            email,
            phone,
            mobile,
            job_title,
            company,
            notify,
            portal,
            level,
        ) = r;
        ContactView {
            id,
            version,
            is_main,
            archived,
            form: ContactFormDraft {
                person: domain::ContactDraft {
                    first_name,
                    last_name,
                    email,
                    phone: phone.unwrap_or_default(),
                    mobile: mobile.unwrap_or_default(),
                    job_title: job_title.unwrap_or_default(),
                },
                company_contact: company,
                notification_preference: notify,
                portal_access: portal,
                portal_level: level,
            },
        }
    }

    /// The customer's contacts: active ones (main first, then by name), then archived ones.
    pub async fn list(conn: &mut PgConnection, customer: Uuid) -> Result<Vec<ContactView>, AppError> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{COLUMNS} where customer_id = $1
             order by archived_at is not null, is_main desc, lower(last_name), lower(first_name), id"
        ))
        .bind(customer)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().map(view).collect())
    }

    async fn one(conn: &mut PgConnection, customer: Uuid, contact: Uuid) -> Result<ContactView, AppError> {
        let row: Row = sqlx::query_as(&format!("{COLUMNS} where customer_id = $1 and id = $2 for update"))
            .bind(customer)
            .bind(contact)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(view(row))
    }

    /// Locks the customer row: contact changes of one customer happen one at a time.
    async fn lock_customer(
        conn: &mut PgConnection,
        customer: Uuid,
    ) -> Result<(bool, Option<domain::Country>), AppError> {
        let (self_managed, country): (bool, Option<String>) =
            sqlx::query_as("select self_managed_profile, country from customers where id = $1 for update")
                .bind(customer)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(AppError::NotFound)?;
        Ok((self_managed, country.and_then(|c| domain::Country::parse(&c).ok())))
    }

    fn text<T: ToString>(v: &Option<T>) -> Option<String> {
        v.as_ref().map(ToString::to_string)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn save(
        pool: &PgPool,
        actor: Uuid,
        customer: Uuid,
        contact: Option<Uuid>,
        version: i32,
        base: &ContactFormDraft,
        draft: &ContactFormDraft,
        key: Uuid,
    ) -> Result<ContactSaved, AppError> {
        let mut tx = pool.begin().await?;
        let (self_managed, home) = lock_customer(&mut tx, customer).await?;
        let existing = match contact {
            Some(id) => Some(one(&mut tx, customer, id).await?),
            None => None,
        };
        // Without a self-managed profile these fields are not shown, so they keep their values.
        let mut draft = draft.clone();
        if !self_managed {
            let kept = existing.as_ref().map(|c| c.form.clone()).unwrap_or_default();
            draft.person.phone = kept.person.phone;
            draft.person.mobile = kept.person.mobile;
            draft.person.job_title = kept.person.job_title;
            draft.company_contact = kept.company_contact;
        }
        let form = draft.validate(home)?;
        let saved = match existing {
            None => {
                if key.is_nil() {
                    return Err(AppError::validation(vec![FieldProblem::new(
                        "idempotency_key",
                        "required",
                    )]));
                }
                if let Some(done) = idempotency::claim::<ContactSaved>(&mut tx, key, actor, "contacts/save").await? {
                    return Ok(done);
                }
                let saved = insert(&mut tx, customer, &form).await?;
                idempotency::finish(&mut tx, key, &saved).await?;
                let entry = AuditEntry {
                    customer,
                    entity: "contact",
                    entity_id: saved.id,
                    action: "created",
                    actor,
                };
                edit::audit(&mut tx, entry, &ContactFormDraft::default(), &draft).await?;
                saved
            }
            Some(current) => {
                edit::check_version(
                    &mut tx,
                    current.id,
                    version,
                    current.version,
                    base,
                    &current.form,
                    &draft,
                )
                .await?;
                let saved = update(&mut tx, current.id, &form).await?;
                let entry = AuditEntry {
                    customer,
                    entity: "contact",
                    entity_id: current.id,
                    action: "updated",
                    actor,
                };
                edit::audit(&mut tx, entry, &current.form, &draft).await?;
                saved
            }
        };
        tx.commit().await?;
        Ok(saved)
    }

    /// Binds the form's ten columns as `$2`…`$11` (`$1` is the customer or the contact).
    fn bind_form<'q>(
        q: sqlx::query::QueryAs<'q, sqlx::Postgres, (Uuid, i32), sqlx::postgres::PgArguments>,
        f: &'q ContactForm,
    ) -> sqlx::query::QueryAs<'q, sqlx::Postgres, (Uuid, i32), sqlx::postgres::PgArguments> {
        let p = &f.person;
        q.bind(p.first_name.to_string())
            .bind(p.last_name.to_string())
            .bind(p.email.to_string())
            .bind(text(&p.phone))
            .bind(text(&p.mobile))
            .bind(text(&p.job_title))
            .bind(f.company_contact)
            .bind(f.notification_preference.as_str())
            .bind(f.portal_access)
            .bind(f.portal_level.as_str())
    }

    async fn insert(tx: &mut PgConnection, customer: Uuid, f: &ContactForm) -> Result<ContactSaved, AppError> {
        let q = sqlx::query_as(
            "insert into contacts (customer_id, first_name, last_name, email, phone, mobile, job_title,
                                   company_contact, notification_preference, portal_access, portal_level, is_main)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                     not exists (select 1 from contacts where customer_id = $1 and is_main))
             returning id, version",
        )
        .bind(customer);
        let (id, version) = bind_form(q, f).fetch_one(&mut *tx).await?;
        Ok(ContactSaved { id, version })
    }

    async fn update(tx: &mut PgConnection, id: Uuid, f: &ContactForm) -> Result<ContactSaved, AppError> {
        let q = sqlx::query_as(
            "update contacts set first_name = $2, last_name = $3, email = $4, phone = $5, mobile = $6, job_title = $7,
                    company_contact = $8, notification_preference = $9, portal_access = $10, portal_level = $11,
                    version = version + 1, updated_at = now()
              where id = $1 returning id, version",
        )
        .bind(id);
        let (id, version) = bind_form(q, f).fetch_one(&mut *tx).await?;
        Ok(ContactSaved { id, version })
    }

    pub async fn set_main(pool: &PgPool, actor: Uuid, customer: Uuid, contact: Uuid) -> Result<(), AppError> {
        let mut tx = pool.begin().await?;
        lock_customer(&mut tx, customer).await?;
        let target = one(&mut tx, customer, contact).await?;
        if target.is_main {
            return Ok(());
        }
        if target.archived {
            return Err(AppError::validation(vec![FieldProblem::new(
                "contact",
                "contact.archived",
            )]));
        }
        let previous: Option<Uuid> = sqlx::query_scalar(
            "update contacts set is_main = false, version = version + 1, updated_at = now()
              where customer_id = $1 and is_main returning id",
        )
        .bind(customer)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query("update contacts set is_main = true, version = version + 1, updated_at = now() where id = $1")
            .bind(contact)
            .execute(&mut *tx)
            .await?;
        let previous_name: Option<String> = match previous {
            Some(p) => {
                sqlx::query_scalar("select first_name || ' ' || last_name from contacts where id = $1")
                    .bind(p)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let entry = AuditEntry {
            customer,
            entity: "contact",
            entity_id: contact,
            action: "main_contact",
            actor,
        };
        let change = crate::customers::audit::AuditChange {
            field: "main_contact".into(),
            before: previous_name.unwrap_or_default(),
            after: target.full_name(),
        };
        edit::record(&mut tx, entry, &[change]).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_archived(
        pool: &PgPool,
        actor: Uuid,
        customer: Uuid,
        contact: Uuid,
        archived: bool,
    ) -> Result<(), AppError> {
        let mut tx = pool.begin().await?;
        lock_customer(&mut tx, customer).await?;
        let target = one(&mut tx, customer, contact).await?;
        if target.archived == archived {
            return Ok(());
        }
        if archived && target.is_main {
            return Err(AppError::validation(vec![FieldProblem::new(
                "contact",
                "contact.main_archive",
            )]));
        }
        sqlx::query(
            "update contacts set archived_at = case when $2 then now() end, version = version + 1,
                    updated_at = now(),
                    is_main = not $2 and not exists (select 1 from contacts o where o.customer_id = $3 and o.is_main)
              where id = $1",
        )
        .bind(contact)
        .bind(archived)
        .bind(customer)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            customer,
            entity: "contact",
            entity_id: contact,
            action: if archived { "archived" } else { "restored" },
            actor,
        };
        edit::record(&mut tx, entry, &[]).await?;
        tx.commit().await?;
        Ok(())
    }
}
