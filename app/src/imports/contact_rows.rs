//! A contact row: its customer named by external id, domain or exact name; matched to an
//! existing contact by external id, then by e-mail within that customer; validated as the
//! contact form (`domain::ContactFormDraft`) validates it.
//!
//! Main contacts: a row marked as main becomes its customer's main contact (the previous
//! one is demoted, and recorded so undo restores it); a customer without a main contact
//! gets its first imported contact as main; two rows marking a main contact for one
//! customer, or a file that leaves a customer without one, are errors.

use std::collections::HashMap;

use domain::{Code, Domain, FieldError};
use uuid::Uuid;

use super::RowError;
use super::copy_rows::CopyRows;
use super::csv_file::Row;
use super::engine::{
    Mode, Recorded, Rows, RunCtx, Seen, classify, concurrent_change, diff, external_id_problem, json_row, json_values,
};
use crate::error::AppError;

/// The stored columns an import writes, in this order.
pub const DB_COLUMNS: [&str; 13] = [
    "external_id",
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "job_title",
    "is_main",
    "company_contact",
    "notification_preference",
    "portal_access",
    "portal_level",
];

/// `DB_COLUMNS` as the file names them, for the audit trail.
const NAMES: [&str; 13] = {
    let mut names = DB_COLUMNS;
    names[1] = "customer";
    names[8] = "main_contact";
    names
};

const EXTERNAL_ID: usize = 0;
const CUSTOMER: usize = 1;
const EMAIL: usize = 4;
const MAIN: usize = 8;

fn record_type() -> String {
    DB_COLUMNS
        .iter()
        .map(|c| match *c {
            "customer_id" => format!("{c} uuid"),
            "is_main" | "company_contact" | "portal_access" => format!("{c} boolean"),
            _ => format!("{c} text"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A contact as stored.
#[derive(sqlx::FromRow, Clone)]
pub struct ContactRecord {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub external_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub job_title: Option<String>,
    pub is_main: bool,
    pub company_contact: bool,
    pub notification_preference: String,
    pub portal_access: bool,
    pub portal_level: String,
    pub version: i32,
    pub archived: bool,
    /// The import that created it, if one did.
    pub import_id: Option<Uuid>,
}

/// Contacts as `ContactRecord`s, from `contacts k` (joins and conditions follow).
pub const SELECT_CONTACT: &str = "select k.id, k.customer_id, k.external_id, k.first_name, k.last_name, k.email,
        k.phone, k.mobile, k.job_title, k.is_main, k.company_contact, k.notification_preference, k.portal_access,
        k.portal_level, k.version, k.archived_at is not null as archived, k.import_id
   from contacts k";

fn yes_no(v: bool) -> String {
    if v { "yes" } else { "no" }.to_string()
}

/// `yes`/`no` in any of the three languages (and `true`/`false`, `1`/`0`, `x`); blank is no.
pub fn parse_flag(s: &str) -> Result<bool, FieldError> {
    match s.trim().to_lowercase().as_str() {
        "" | "no" | "nein" | "false" | "0" | "n" => Ok(false),
        "yes" | "ja" | "sí" | "si" | "true" | "1" | "x" | "y" | "j" | "s" => Ok(true),
        _ => Err(FieldError::new(Code::ChoiceInvalid).with("allowed", "yes, no")),
    }
}

/// A contact's cells as the export writes them (and an update starts from); `customer`
/// is how the file names its customer.
pub fn export_cells(r: &ContactRecord, customer: &str) -> Vec<String> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        s(&r.external_id),
        customer.to_string(),
        r.first_name.clone(),
        r.last_name.clone(),
        r.email.clone(),
        s(&r.phone),
        s(&r.mobile),
        s(&r.job_title),
        yes_no(r.is_main),
        yes_no(r.company_contact),
        r.notification_preference.clone(),
        yes_no(r.portal_access),
        r.portal_level.clone(),
    ]
}

fn stored(r: &ContactRecord) -> Vec<Option<String>> {
    vec![
        r.external_id.clone(),
        Some(r.customer_id.to_string()),
        Some(r.first_name.clone()),
        Some(r.last_name.clone()),
        Some(r.email.clone()),
        r.phone.clone(),
        r.mobile.clone(),
        r.job_title.clone(),
        Some(r.is_main.to_string()),
        Some(r.company_contact.to_string()),
        Some(r.notification_preference.clone()),
        Some(r.portal_access.to_string()),
        Some(r.portal_level.clone()),
    ]
}

/// A customer the file's contacts belong to, as far as this run knows it.
struct CustomerState {
    country: Option<domain::Country>,
    /// Its main contact now (after the rows so far).
    main: Option<Uuid>,
    /// The row that marked a main contact for it.
    marked_by: Option<u64>,
    /// The row that took the main contact away without naming another.
    demoted_by: Option<(u64, String)>,
    /// Whether a main contact is stored for it (when the run began, or written by an
    /// earlier chunk of this commit): only then can there be one to demote.
    main_stored: bool,
}

#[derive(Default)]
pub struct ContactRows {
    seen: Seen,
    customers: HashMap<Uuid, CustomerState>,
    refs: Option<CustomerRefs>,
    existing: Option<ContactKeys>,
}

/// Every customer's external id, domains and name, and its country and main contact, read
/// once per run (one pass over the tables is cheaper than a lookup per chunk).
struct CustomerRefs {
    ext: HashMap<String, Uuid>,
    dom: HashMap<String, Uuid>,
    names: HashMap<String, Vec<Uuid>>,
    states: HashMap<Uuid, (Option<String>, Option<Uuid>)>,
}

/// Every existing contact's external id and e-mail (within its customer), read once per
/// run before anything is written; a chunk then loads only the contacts its rows match.
/// A contact someone creates while a commit runs is not matched (the same was true before
/// for the chunks already done): its e-mail gives a second contact, its external id a
/// conflict that rolls the commit back.
/// Rows of the same file that share a key are caught as duplicates, so contacts a commit
/// wrote in an earlier chunk need not be found here (and a check, which writes nothing,
/// matches exactly as the commit does).
struct ContactKeys {
    by_ext: HashMap<String, Uuid>,
    by_email: HashMap<(Uuid, String), Vec<Uuid>>,
}

impl ContactKeys {
    async fn load(ctx: &mut RunCtx<'_>) -> Result<Self, AppError> {
        let rows: Vec<(Uuid, Uuid, Option<String>, String)> =
            sqlx::query_as("select id, customer_id, external_id, lower(email) from contacts")
                .fetch_all(&mut *ctx.conn)
                .await?;
        let mut keys = ContactKeys {
            by_ext: HashMap::new(),
            by_email: HashMap::with_capacity(rows.len()),
        };
        for (id, customer, external_id, email) in rows {
            if let Some(e) = external_id {
                keys.by_ext.insert(e, id);
            }
            keys.by_email.entry((customer, email)).or_default().push(id);
        }
        Ok(keys)
    }
}

impl CustomerRefs {
    async fn load(ctx: &mut RunCtx<'_>) -> Result<Self, AppError> {
        let by_ext: Vec<(String, Uuid)> =
            sqlx::query_as("select external_id, id from customers where external_id is not null")
                .fetch_all(&mut *ctx.conn)
                .await?;
        let by_domain: Vec<(String, Uuid)> = sqlx::query_as("select domain, customer_id from customer_domains")
            .fetch_all(&mut *ctx.conn)
            .await?;
        let by_name: Vec<(String, Uuid)> = sqlx::query_as("select lower(name), id from customers")
            .fetch_all(&mut *ctx.conn)
            .await?;
        let mut names: HashMap<String, Vec<Uuid>> = HashMap::new();
        for (n, id) in by_name {
            names.entry(n).or_default().push(id);
        }
        let states: Vec<(Uuid, Option<String>, Option<Uuid>)> = sqlx::query_as(
            "select c.id, c.country, k.id from customers c left join contacts k on k.customer_id = c.id and k.is_main",
        )
        .fetch_all(&mut *ctx.conn)
        .await?;
        Ok(CustomerRefs {
            ext: by_ext.into_iter().collect(),
            dom: by_domain.into_iter().collect(),
            names,
            states: states
                .into_iter()
                .map(|(id, country, main)| (id, (country, main)))
                .collect(),
        })
    }
}

/// A validated row waiting for the chunk's main-contact decisions.
struct Ready {
    id: Uuid,
    customer: Uuid,
    existing: Option<ContactRecord>,
    values: Vec<Option<String>>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl ContactRows {
    /// Resolves each row's customer reference: external id, then domain, then exact name.
    async fn customers_of(
        &mut self,
        ctx: &mut RunCtx<'_>,
        refs: &[String],
    ) -> Result<HashMap<String, Result<Uuid, usize>>, AppError> {
        if self.refs.is_none() {
            self.refs = Some(CustomerRefs::load(ctx).await?);
        }
        let CustomerRefs {
            ext,
            dom,
            names,
            states,
        } = self.refs.as_ref().expect("loaded above");
        let mut out = HashMap::new();
        for r in refs {
            let found = ext
                .get(r)
                .copied()
                .or_else(|| Domain::parse(r).ok().and_then(|d| dom.get(&d.to_string()).copied()))
                .map(Ok)
                .or_else(|| {
                    names.get(&r.to_lowercase()).map(|ids| match ids.as_slice() {
                        [one] => Ok(*one),
                        many => Err(many.len()),
                    })
                });
            if let Some(f) = found {
                out.insert(r.clone(), f);
            }
        }
        // What this run needs to know of each customer it meets for the first time.
        for id in out.values().filter_map(|r| r.ok()) {
            if let (std::collections::hash_map::Entry::Vacant(slot), Some((country, main))) =
                (self.customers.entry(id), states.get(&id))
            {
                slot.insert(CustomerState {
                    country: country.as_deref().and_then(|c| domain::Country::parse(c).ok()),
                    main: *main,
                    marked_by: None,
                    demoted_by: None,
                    main_stored: main.is_some(),
                });
            }
        }
        Ok(out)
    }
}

impl Rows for ContactRows {
    async fn chunk(&mut self, ctx: &mut RunCtx<'_>, rows: Vec<Row>) -> Result<(), AppError> {
        if rows.is_empty() {
            return Ok(());
        }
        let cells: Vec<(u64, Vec<Option<String>>)> = rows.iter().map(|r| (r.number, ctx.cells(r))).collect();
        drop(rows);
        let mut refs: Vec<String> = cells.iter().filter_map(|(_, c)| non_empty(&c[CUSTOMER])).collect();
        refs.sort();
        refs.dedup();
        let customers = self.customers_of(ctx, &refs).await?;

        // Existing contacts by external id, and by e-mail within their customer.
        if self.existing.is_none() {
            self.existing = Some(ContactKeys::load(ctx).await?);
        }
        let keys = self.existing.as_ref().expect("loaded above");
        let mut ids: Vec<Uuid> = Vec::new();
        for (_, c) in &cells {
            if let Some(id) = non_empty(&c[EXTERNAL_ID]).and_then(|e| keys.by_ext.get(&e)) {
                ids.push(*id);
            }
            if let (Some(Ok(customer)), Some(email)) = (
                non_empty(&c[CUSTOMER]).and_then(|r| customers.get(&r)),
                non_empty(&c[EMAIL]),
            ) && let Some(list) = keys.by_email.get(&(*customer, email.to_lowercase()))
            {
                ids.extend(list);
            }
        }
        ids.sort();
        ids.dedup();
        let lock = if ctx.mode == Mode::Commit {
            " for update of k"
        } else {
            ""
        };
        let found: Vec<ContactRecord> =
            sqlx::query_as(&format!("{SELECT_CONTACT} where k.id = any($1) order by k.id{lock}"))
                .persistent(false)
                .bind(&ids)
                .fetch_all(&mut *ctx.conn)
                .await?;
        let mut by_ext: HashMap<String, ContactRecord> = HashMap::new();
        let mut by_email: HashMap<(Uuid, String), Vec<ContactRecord>> = HashMap::new();
        for r in found {
            if let Some(e) = &r.external_id {
                by_ext.insert(e.clone(), r.clone());
            }
            by_email
                .entry((r.customer_id, r.email.to_lowercase()))
                .or_default()
                .push(r);
        }

        let mut ready: Vec<Ready> = Vec::with_capacity(cells.len());
        for (number, given) in cells {
            if let Some(e) = external_id_problem(number, given[EXTERNAL_ID].as_deref()) {
                ctx.error(e);
                continue;
            }
            let value = |i: usize| given[i].clone().unwrap_or_default();
            let reference = value(CUSTOMER);
            let customer = match customers.get(reference.trim()) {
                Some(Ok(id)) => *id,
                Some(Err(count)) => {
                    ctx.error(
                        RowError::new(number, "customer", &reference, "import.customer_ambiguous").with("count", count),
                    );
                    continue;
                }
                None if reference.trim().is_empty() => {
                    ctx.error(RowError::new(number, "customer", "", "required"));
                    continue;
                }
                None => {
                    ctx.error(RowError::new(number, "customer", &reference, "import.customer_unknown"));
                    continue;
                }
            };
            let external_id = non_empty(&given[EXTERNAL_ID]);
            let email_key = non_empty(&given[EMAIL]).map(|e| e.to_lowercase());
            let existing = match external_id.as_ref().and_then(|e| by_ext.get(e)) {
                Some(r) => Some(r.clone()),
                None => match email_key.as_ref().and_then(|e| by_email.get(&(customer, e.clone()))) {
                    Some(list) if list.len() > 1 => {
                        ctx.error(
                            RowError::new(number, "email", &value(EMAIL), "import.email_ambiguous")
                                .with("count", list.len()),
                        );
                        continue;
                    }
                    Some(list) => list.first().cloned(),
                    None => None,
                },
            };
            if let Some(r) = &existing {
                if r.customer_id != customer {
                    ctx.error(RowError::new(
                        number,
                        "customer",
                        &reference,
                        "import.contact_other_customer",
                    ));
                    continue;
                }
                if let (Some(old), Some(new)) = (&r.external_id, &external_id)
                    && old != new
                {
                    ctx.error(
                        RowError::new(number, "external_id", new, "import.external_id_differs")
                            .with("customer", format!("{} {}", r.first_name, r.last_name))
                            .with("external_id", old),
                    );
                    continue;
                }
            }
            let mut keys: Vec<String> = Vec::new();
            keys.extend(external_id.as_ref().map(|e| format!("x:{e}")));
            keys.extend(email_key.as_ref().map(|e| format!("e:{customer}:{e}")));
            keys.extend(existing.as_ref().map(|r| format!("id:{}", r.id)));
            if let Some(first) = self.seen.claim(number, &keys) {
                ctx.error(RowError::new(number, "email", &value(EMAIL), "import.duplicate_row").with("row", first));
                continue;
            }

            // The row over what is stored.
            let mut cells = match &existing {
                Some(r) => export_cells(r, &reference),
                None => vec![String::new(); given.len()],
            };
            for (cell, g) in cells.iter_mut().zip(&given) {
                if let Some(v) = g {
                    *cell = v.clone();
                }
            }
            let state = self
                .customers
                .get_mut(&customer)
                .expect("state loaded with the customer");
            let draft = domain::ContactFormDraft {
                person: domain::ContactDraft {
                    first_name: cells[2].clone(),
                    last_name: cells[3].clone(),
                    email: cells[4].clone(),
                    phone: cells[5].clone(),
                    mobile: cells[6].clone(),
                    job_title: cells[7].clone(),
                },
                company_contact: false,
                notification_preference: or_default(&cells[10], "all"),
                portal_access: false,
                portal_level: or_default(&cells[12], "standard"),
            };
            let mut errors: Vec<(String, FieldError)> = Vec::new();
            let mut flag = |i: usize, key: &str| match parse_flag(&cells[i]) {
                Ok(v) => v,
                Err(e) => {
                    errors.push((key.to_string(), e));
                    false
                }
            };
            let main_flag = flag(MAIN, "main_contact");
            let company_contact = flag(9, "company_contact");
            let portal_access = flag(11, "portal_access");
            let form = match draft.validate(state.country) {
                Ok(f) if errors.is_empty() => f,
                result => {
                    errors.extend(
                        result
                            .err()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|e| (e.field.clone(), e)),
                    );
                    for (column, e) in errors {
                        let i = super::ImportKind::Contacts.index(&column);
                        let v = i.map(|i| cells[i].clone()).unwrap_or_default();
                        let mut err = RowError::new(number, &column, &v, e.code.as_str());
                        err.params = e.params.into_iter().collect();
                        ctx.error(err);
                    }
                    continue;
                }
            };

            // The main contact, as this row leaves it.
            // New ids are time-ordered, as for customers (`customer_rows.rs`).
            let id = existing.as_ref().map(|r| r.id).unwrap_or_else(Uuid::now_v7);
            let main_given = given[MAIN].as_deref().is_some_and(|s| !s.trim().is_empty());
            if main_given && main_flag {
                if let Some(first) = state.marked_by {
                    ctx.error(
                        RowError::new(number, "main_contact", &cells[MAIN], "import.main_twice").with("row", first),
                    );
                    continue;
                }
                if existing.as_ref().is_some_and(|r| r.archived) {
                    ctx.error(RowError::new(
                        number,
                        "main_contact",
                        &cells[MAIN],
                        "import.main_archived",
                    ));
                    continue;
                }
                state.marked_by = Some(number);
                state.main = Some(id);
                state.demoted_by = None;
            } else if main_given && state.main == Some(id) {
                state.main = None;
                state.demoted_by = Some((number, cells[MAIN].clone()));
            } else if existing.is_none() && state.main.is_none() && state.demoted_by.is_none() {
                state.main = Some(id);
            }

            let p = &form.person;
            let values = vec![
                external_id.or_else(|| existing.as_ref().and_then(|r| r.external_id.clone())),
                Some(customer.to_string()),
                Some(p.first_name.to_string()),
                Some(p.last_name.to_string()),
                Some(p.email.to_string()),
                p.phone.as_ref().map(ToString::to_string),
                p.mobile.as_ref().map(ToString::to_string),
                p.job_title.as_ref().map(ToString::to_string),
                // Filled in once the chunk's main contacts are known.
                None,
                Some(company_contact.to_string()),
                Some(form.notification_preference.as_str().to_string()),
                Some(portal_access.to_string()),
                Some(form.portal_level.as_str().to_string()),
            ];
            ready.push(Ready {
                id,
                customer,
                existing,
                values,
            });
        }

        // Classify with the main contacts as the chunk leaves them.
        let mut inserts = CopyRows::default();
        let import_id = ctx.import_id.to_string();
        let (mut demote, mut promote_or_keep) = (Vec::new(), Vec::new());
        let mut recorded = Vec::new();
        let mut audit = Vec::new();
        let mut main_customers = Vec::new();
        let chunk_ids: Vec<Uuid> = ready.iter().map(|r| r.id).collect();
        for mut r in ready {
            let is_main = self.customers.get(&r.customer).and_then(|s| s.main) == Some(r.id);
            r.values[MAIN] = Some(is_main.to_string());
            if is_main {
                main_customers.push(r.customer);
            }
            match &r.existing {
                None => {
                    // Undo and the history know it by the import's id on the row.
                    classify(&mut ctx.outcome, true, true);
                    inserts.field(Some(&r.id.to_string())).field(Some(&import_id));
                    for v in &r.values {
                        inserts.field(v.as_deref());
                    }
                    inserts.end_row();
                }
                Some(old) => {
                    let before = stored(old);
                    let changes = diff(&NAMES, &before, &r.values);
                    classify(&mut ctx.outcome, false, !changes.is_empty());
                    if changes.is_empty() {
                        continue;
                    }
                    let row = json_row(r.id, &DB_COLUMNS, &r.values);
                    if is_main { &mut promote_or_keep } else { &mut demote }.push(row);
                    audit.push((r.customer, r.id, serde_json::Value::Array(changes)));
                    recorded.push(Recorded {
                        id: r.id,
                        action: "updated",
                        before: Some(serde_json::Value::Object(json_values(&DB_COLUMNS, &before))),
                        version: old.version + 1,
                    });
                }
            }
        }
        if !ctx.writing() {
            return Ok(());
        }
        // Order matters for the one-main-contact index: take the main flag away first.
        // Only customers with a main contact stored can have one to demote: a fresh import
        // skips the query (on a table growing inside the transaction it was a scan per
        // chunk). A main contact someone sets meanwhile for a customer that had none is not
        // demoted: the import's own main contact then meets the one-main index and the
        // commit ends as a conflict, writing nothing, rather than overriding that choice.
        let mut with_stored_main = Vec::new();
        for c in &main_customers {
            let state = self.customers.get_mut(c).expect("state loaded with the customer");
            if state.main_stored {
                with_stored_main.push(*c);
            }
            state.main_stored = true;
        }
        let demoted = demote_previous_mains(ctx, &with_stored_main, &chunk_ids).await?;
        ctx.record("contact", &demoted).await?;
        update(ctx, demote).await?;
        update(ctx, promote_or_keep).await?;
        inserts
            .send(
                &mut *ctx.conn,
                "contacts",
                &format!("id, import_id, {}", DB_COLUMNS.join(", ")),
            )
            .await?;
        ctx.record("contact", &recorded).await?;
        ctx.audit("contact", &audit).await
    }

    async fn finish(&mut self, ctx: &mut RunCtx<'_>) -> Result<(), AppError> {
        let mut left: Vec<(u64, String)> = self
            .customers
            .values()
            .filter(|s| s.main.is_none())
            .filter_map(|s| s.demoted_by.clone())
            .collect();
        left.sort();
        for (row, value) in left {
            ctx.error(RowError::new(row, "main_contact", &value, "import.main_needed"));
        }
        Ok(())
    }
}

fn or_default(cell: &str, default: &str) -> String {
    if cell.trim().is_empty() {
        default.to_string()
    } else {
        cell.to_string()
    }
}

/// Takes the main flag from contacts outside this chunk whose customer gets a new main
/// contact in it; returns them for the import's record (with their values before).
async fn demote_previous_mains(
    ctx: &mut RunCtx<'_>,
    customers: &[Uuid],
    chunk: &[Uuid],
) -> Result<Vec<Recorded>, AppError> {
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    let before: Vec<ContactRecord> = sqlx::query_as(&format!(
        "{SELECT_CONTACT} join unnest($1::uuid[]) x(c) on k.customer_id = x.c
          where k.is_main and not (k.id = any($2)) order by k.id for update of k"
    ))
    .persistent(false)
    .bind(customers)
    .bind(chunk)
    .fetch_all(&mut *ctx.conn)
    .await?;
    if before.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = before.iter().map(|r| r.id).collect();
    sqlx::query("update contacts set is_main = false, version = version + 1, updated_at = now() where id = any($1)")
        .persistent(false)
        .bind(&ids)
        .execute(&mut *ctx.conn)
        .await?;
    let mut audit = Vec::new();
    let recorded = before
        .iter()
        .map(|r| {
            // A contact an earlier chunk of this commit created: undo deletes it anyway and
            // only needs its version; its history is the import's entry.
            if r.import_id == Some(ctx.import_id) {
                return Recorded {
                    id: r.id,
                    action: "created",
                    before: None,
                    version: r.version + 1,
                };
            }
            audit.push((
                r.customer_id,
                r.id,
                serde_json::json!([{"field": "main_contact", "before": "true", "after": "false"}]),
            ));
            Recorded {
                id: r.id,
                action: "updated",
                before: Some(serde_json::Value::Object(json_values(&DB_COLUMNS, &stored(r)))),
                version: r.version + 1,
            }
        })
        .collect();
    ctx.audit("contact", &audit).await?;
    Ok(recorded)
}

async fn update(ctx: &mut RunCtx<'_>, rows: Vec<serde_json::Value>) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let set = DB_COLUMNS.map(|c| format!("{c} = r.{c}")).join(", ");
    sqlx::query(&format!(
        "update contacts c set {set}, version = c.version + 1, updated_at = now()
           from jsonb_to_recordset($1) as r(id uuid, {}) where c.id = r.id",
        record_type()
    ))
    .persistent(false)
    .bind(serde_json::Value::Array(rows))
    .execute(&mut *ctx.conn)
    .await
    .map_err(concurrent_change)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::ImportKind;

    #[test]
    fn the_cells_follow_the_columns() {
        let keys: Vec<&str> = ImportKind::Contacts.columns().iter().map(|c| c.key).collect();
        assert_eq!(
            [
                keys[EXTERNAL_ID],
                keys[CUSTOMER],
                keys[2],
                keys[3],
                keys[EMAIL],
                keys[7],
                keys[MAIN],
                keys[9]
            ],
            [
                "external_id",
                "customer",
                "first_name",
                "last_name",
                "email",
                "job_title",
                "main_contact",
                "company_contact"
            ]
        );
        assert_eq!(
            [keys[10], keys[11], keys[12]],
            ["notification_preference", "portal_access", "portal_level"]
        );
    }

    #[test]
    fn flags_in_three_languages() {
        for yes in ["yes", "Ja", "sí", "X", "1"] {
            assert_eq!(parse_flag(yes), Ok(true), "{yes}");
        }
        for no in ["", "no", "Nein", "0"] {
            assert_eq!(parse_flag(no), Ok(false), "{no}");
        }
        assert_eq!(parse_flag("maybe").unwrap_err().code, Code::ChoiceInvalid);
    }
}
