//! The list query. Paging is by keyset: the page after customer X starts at X's sort key
//! (looked up by id), so page 2,000 costs what page 1 costs. Search collects matching ids
//! from each trigram-indexed source first instead of testing every customer. A row's
//! domains and its counts of contracts and children are read from the customer row,
//! where triggers keep them (migration `…_customer_list_columns`).

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{CustomerRow, ListPage, ListQuery, ListSort, PAGE_SIZE, Structure};
use crate::auth::UserInfo;
use crate::error::AppError;

/// `restricted` users: only customers they manage or are on the team of.
///
/// The ids are gathered first (two small index lookups) and the customers fetched by id:
/// testing each customer in name order instead ("manages it or is on its team?") read
/// most of a 100,000-customer table to fill a page for someone with 60 customers.
pub fn push_scope(b: &mut QueryBuilder<'_, Postgres>, user: &UserInfo) {
    if user.restricted {
        b.push(" and c.id = any(array(select t.customer_id from customer_team t where t.user_id = ")
            .push_bind(user.id)
            .push(" union all select m.id from customers m where m.account_manager_id = ")
            .push_bind(user.id)
            .push("))");
    }
}

/// "Uses services": a latest reading above zero (`usage_current`, kept by triggers).
pub const USES_SERVICES: &str =
    " and exists (select 1 from usage_current u where u.customer_id = c.id and u.quantity > 0)";

/// No contract of `c` that is active on `today` (a draft or an ended one does not count).
pub fn push_no_active_contract(b: &mut QueryBuilder<'_, Postgres>, today: chrono::NaiveDate) {
    b.push(" and not exists (select 1 from contracts k where k.customer_id = c.id and ");
    crate::contracts::push_in_force(b, "k", today);
    b.push(")");
}

/// `text` with LIKE's own wildcards escaped.
fn escape_like(text: &str) -> String {
    let mut p = String::new();
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p
}

/// `%text%` for LIKE.
fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

fn push_search(b: &mut QueryBuilder<'_, Postgres>, q: &str) {
    let lower = q.to_lowercase();
    let pattern = contains_pattern(&lower);
    // A domain typed in Unicode is stored as punycode.
    let domain_pattern = domain::Domain::parse(q)
        .map(|d| contains_pattern(d.as_ref()))
        .unwrap_or_else(|_| pattern.clone());
    let tax_prefix = format!("{}%", escape_like(&lower.replace(' ', "")));
    b.push(" and c.id in (select id from customers where lower(name) like ")
        .push_bind(pattern.clone())
        .push(" union select customer_id from customer_domains where domain like ")
        .push_bind(domain_pattern)
        .push(" union select id from customers where lower(replace(tax_id, ' ', '')) like ")
        .push_bind(tax_prefix)
        .push(" union select customer_id from contacts where lower(first_name || ' ' || last_name) like ")
        .push_bind(pattern.clone())
        .push(" or lower(email) like ")
        .push_bind(pattern)
        .push(")");
}

/// The sort key expression and whether it ascends, for `sort`.
fn key(sort: ListSort) -> (&'static str, bool) {
    match sort {
        ListSort::Name => ("lower(c.name)", true),
        ListSort::NameDesc => ("lower(c.name)", false),
        ListSort::Newest => ("c.created_at", false),
        ListSort::Oldest => ("c.created_at", true),
    }
}

pub async fn page(pool: &PgPool, user: &UserInfo, query: &ListQuery) -> Result<ListPage, AppError> {
    let (key_expr, ascending) = key(query.sort);
    let cursor_key = key_expr.replace("c.", "x.");
    // Going back reads the rows before the cursor in reverse order, then flips them.
    let backwards = query.before.is_some() && query.after.is_none();
    let forward = ascending != backwards;
    let (cmp, dir) = if forward { (">", "asc") } else { ("<", "desc") };

    let mut b = QueryBuilder::<Postgres>::new(
        "select c.id, c.name,
                c.list_domains,
                (select k.first_name || ' ' || k.last_name from contacts k where k.customer_id = c.id and k.is_main),
                c.contract_count::bigint,
                c.billing_complete,
                case when c.account_manager_id is not null
                     then (select u.name from users u where u.id = c.account_manager_id) end,
                case when c.parent_id is not null then (select p.name from customers p where p.id = c.parent_id) end,
                c.child_count::bigint,
                c.archived_at is not null,
                c.created_at
           from customers c where ",
    );
    b.push(if query.archived {
        "c.archived_at is not null"
    } else {
        "c.archived_at is null"
    });
    push_scope(&mut b, user);
    let q = query.q.trim();
    if !q.is_empty() {
        push_search(&mut b, q);
    }
    if query.missing_billing {
        b.push(" and not c.billing_complete");
    }
    if query.no_contract {
        b.push(" and c.contract_count = 0");
    }
    if query.no_active_contract {
        push_no_active_contract(&mut b, crate::server::today());
    }
    if query.uses_services {
        b.push(USES_SERVICES);
    }
    match query.structure {
        Some(Structure::Parents) => {
            b.push(" and c.child_count > 0");
        }
        Some(Structure::Children) => {
            b.push(" and c.parent_id is not null");
        }
        None => {}
    }
    if let Some(manager) = query.account_manager {
        b.push(" and c.account_manager_id = ").push_bind(manager);
    }
    if let Some(cursor) = if backwards { query.before } else { query.after } {
        b.push(format!(
            " and ({key_expr}, c.id) {cmp} (select {cursor_key}, x.id from customers x where x.id = "
        ))
        .push_bind(cursor)
        .push(")");
    }
    // The limit is part of the text, not a parameter: with `limit $n` PostgreSQL's generic
    // plan assumes a tenth of the table and sorts it, so every call was planned afresh
    // (about as costly as running it). With the literal, the prepared statement's plan is
    // reused.
    b.push(format!(
        " order by {key_expr} {dir}, c.id {dir} limit {}",
        PAGE_SIZE + 1
    ));

    type Row = (
        Uuid,
        String,
        Vec<String>,
        Option<String>,
        i64,
        bool,
        Option<String>,
        Option<String>,
        i64,
        bool,
        chrono::DateTime<chrono::Utc>,
    );
    let mut rows: Vec<Row> = b.build_query_as().fetch_all(pool).await?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    if backwards {
        rows.reverse();
    }
    Ok(ListPage {
        // Going back, there is a next page (where we came from); going forward, a previous one
        // exactly when we started after a cursor.
        has_prev: if backwards { more } else { query.after.is_some() },
        has_next: backwards || more,
        rows: rows
            .into_iter()
            .map(
                |(
                    id,
                    name,
                    domains,
                    main_contact,
                    contracts,
                    billing_complete,
                    account_manager,
                    parent,
                    children,
                    archived,
                    created_at,
                )| {
                    CustomerRow {
                        id,
                        name,
                        domains: domains.iter().map(|d| super::super::db::unicode(d)).collect(),
                        main_contact,
                        contracts,
                        billing_complete,
                        account_manager,
                        parent,
                        children,
                        archived,
                        created_at,
                    }
                },
            )
            .collect(),
    })
}

pub async fn count_missing_billing(pool: &PgPool, user: &UserInfo) -> Result<i64, AppError> {
    let mut b = QueryBuilder::<Postgres>::new(
        "select count(*) from customers c where not c.billing_complete and c.archived_at is null",
    );
    push_scope(&mut b, user);
    Ok(b.build_query_scalar().fetch_one(pool).await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
