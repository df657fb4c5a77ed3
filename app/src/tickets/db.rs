//! Queries of tickets. Changes lock the ticket row, check its version, write the change
//! with an event for the history, and recompute the SLA due times in the same transaction.

use chrono::{DateTime, Utc};
use domain::{NewTicket, Priority, TicketStatus, ticket::ClockState};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::sla::{self, TicketSla};
use super::{
    AttachmentRef, MessageKind, PAGE_SIZE, Queue, SlaAlert, TicketCursor, TicketDetail, TicketMessage, TicketPageRows,
    TicketQuery, TicketRow,
};
use crate::auth::UserInfo;
use crate::error::{AppError, FieldProblem};
use crate::mail::outbox::TicketEvent;
use crate::server::{Ctx, idempotency};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    number: String,
    version: i32,
    customer_id: Uuid,
    customer_name: String,
    contact_id: Option<Uuid>,
    contact_name: Option<String>,
    title: String,
    priority: String,
    category: Option<String>,
    status: String,
    source: String,
    assignee_id: Option<Uuid>,
    assignee_name: Option<String>,
    next_due: Option<DateTime<Utc>>,
    first_response_due: Option<DateTime<Utc>>,
    first_response_at: Option<DateTime<Utc>>,
    resolution_due: Option<DateTime<Utc>>,
    merged_into: Option<String>,
    sla_alert: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: Uuid,
    kind: String,
    staff: Option<String>,
    contact: Option<String>,
    sender: Option<String>,
    body: String,
    created_at: DateTime<Utc>,
    dropped_attachments: Vec<String>,
}

const SELECT: &str = "select tk.id, tk.number, tk.version, tk.customer_id, c.name as customer_name, tk.contact_id,
        p.first_name || ' ' || p.last_name as contact_name, tk.title, tk.priority, tk.category, tk.status,
        tk.source, tk.assignee_id, u.name as assignee_name, tk.next_due, tk.first_response_due,
        tk.first_response_at, tk.resolution_due, m.number as merged_into,
        case when tk.first_response_breached_at is not null or tk.resolution_breached_at is not null then 'breached'
             when tk.first_response_warned_at is not null or tk.resolution_warned_at is not null then 'warning'
        end as sla_alert,
        tk.created_at, tk.updated_at
   from tickets tk join customers c on c.id = tk.customer_id
   left join contacts p on p.id = tk.contact_id
   left join users u on u.id = tk.assignee_id
   left join tickets m on m.id = tk.merged_into";

/// Statuses the queues other than "all" show.
const ACTIVE: &str = " and tk.status not in ('resolved', 'closed')";

impl From<Row> for TicketRow {
    fn from(r: Row) -> Self {
        TicketRow {
            id: r.id,
            number: r.number,
            version: r.version,
            customer: r.customer_id,
            customer_name: r.customer_name,
            contact: r.contact_id,
            contact_name: r.contact_name,
            title: r.title,
            // Both columns have CHECK constraints on these names.
            priority: Priority::parse(&r.priority).unwrap_or(Priority::Medium),
            category: r.category,
            status: TicketStatus::parse(&r.status).unwrap_or(TicketStatus::Open),
            source: r.source,
            assignee: r.assignee_id,
            assignee_name: r.assignee_name,
            next_due: r.next_due,
            first_response_due: r.first_response_due,
            first_response_at: r.first_response_at,
            resolution_due: r.resolution_due,
            merged_into: r.merged_into,
            sla_alert: match r.sla_alert.as_deref() {
                Some("breached") => Some(SlaAlert::Breached),
                Some("warning") => Some(SlaAlert::Warning),
                _ => None,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub async fn page(pool: &PgPool, user: &UserInfo, query: &TicketQuery) -> Result<TicketPageRows, AppError> {
    let mut b = QueryBuilder::<Postgres>::new(SELECT);
    b.push(" where true");
    let by_due = query.queue == Queue::BreachingSoon;
    match query.queue {
        Queue::Mine => {
            b.push(ACTIVE).push(" and tk.assignee_id = ").push_bind(user.id);
        }
        Queue::Unassigned => {
            b.push(ACTIVE).push(" and tk.assignee_id is null");
        }
        Queue::All => {}
        Queue::BreachingSoon => {
            b.push(ACTIVE)
                .push(" and tk.next_due is not null and tk.next_due < now() + interval '4 hours'");
        }
    }
    if let Some(customer) = query.customer {
        b.push(" and tk.customer_id = ").push_bind(customer);
    }
    if let Some(status) = query.status {
        b.push(" and tk.status = ").push_bind(status.as_str());
    }
    let search = query.search.trim();
    // A whole ticket number is looked up by number alone (its unique index), not also in
    // every title: that OR made the trigram index work for each search by number.
    let by_number = domain::ticket::is_ticket_number(search);
    if by_number {
        b.push(" and tk.number = ").push_bind(search.to_uppercase());
    } else if !search.is_empty() {
        let pattern = format!("%{}%", search.to_lowercase().replace(['%', '_', '\\'], ""));
        b.push(" and lower(tk.title) like ").push_bind(pattern);
    }
    if let Some(after) = query.after {
        let (column, op) = if by_due {
            ("tk.next_due", ">")
        } else {
            ("tk.updated_at", "<")
        };
        b.push(format!(" and ({column}, tk.id) {op} ("))
            .push_bind(after.at)
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    crate::customers::list::push_scope(&mut b, user);
    b.push(if by_due {
        " order by tk.next_due, tk.id"
    } else {
        " order by tk.updated_at desc, tk.id desc"
    });
    // In the SQL text, not bound: a bound limit made PostgreSQL's generic plan sort
    // everything (docs/ARCHITECTURE.md, the customer list).
    b.push(format!(" limit {}", PAGE_SIZE + 1));
    // A search is planned with its pattern each time (an unnamed statement): a cached
    // generic plan cannot use the trigram index for a `like` pattern it does not know,
    // and scanned every ticket (seconds at 1,000,000 tickets, against 6 ms planned).
    let mut rows: Vec<Row> = b
        .build_query_as()
        .persistent(search.is_empty() || by_number)
        .fetch_all(pool)
        .await?;
    let next = if rows.len() > PAGE_SIZE {
        rows.truncate(PAGE_SIZE);
        rows.last().and_then(|r| {
            Some(TicketCursor {
                at: if by_due { r.next_due? } else { r.updated_at },
                id: r.id,
            })
        })
    } else {
        None
    };
    Ok(TicketPageRows {
        rows: rows.into_iter().map(Into::into).collect(),
        next,
    })
}

pub async fn detail(pool: &PgPool, id: Uuid) -> Result<TicketDetail, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} where tk.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let watchers: Vec<String> =
        sqlx::query_scalar("select email from ticket_watchers where ticket_id = $1 order by email")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let messages: Vec<MessageRow> = sqlx::query_as(
        "select g.id, g.kind, u.name as staff, p.first_name || ' ' || p.last_name as contact, i.from_address as sender,
                g.body, g.created_at, g.dropped_attachments
           from ticket_messages g
           left join users u on u.id = g.author_user_id
           left join contacts p on p.id = g.author_contact_id
           left join inbound_messages i on i.id = g.inbound_id
          where g.ticket_id = $1 order by g.created_at, g.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let files: Vec<(Uuid, i32, String, String, i64)> = sqlx::query_as(
        "select a.message_id, a.position, a.file_name, a.content_type, a.size
           from ticket_attachments a join ticket_messages g on g.id = a.message_id
          where g.ticket_id = $1 order by a.message_id, a.position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let outbound = crate::mail::outbox::of_ticket(pool, id).await?;
    Ok(TicketDetail {
        ticket: row.into(),
        watchers,
        outbound,
        messages: messages
            .into_iter()
            .map(|m| TicketMessage {
                id: m.id,
                kind: if m.kind == "note" {
                    MessageKind::Note
                } else {
                    MessageKind::Reply
                },
                from_contact: m.staff.is_none() && (m.contact.is_some() || m.sender.is_some()),
                by_email: m.sender.is_some(),
                author: m.staff.or(m.contact).or(m.sender).unwrap_or_default(),
                body: m.body,
                created_at: m.created_at,
                attachments: files
                    .iter()
                    .filter(|f| f.0 == m.id)
                    .map(|f| AttachmentRef {
                        position: f.1,
                        file_name: f.2.clone(),
                        content_type: f.3.clone(),
                        size: f.4,
                    })
                    .collect(),
                dropped_attachments: m.dropped_attachments,
            })
            .collect(),
    })
}

/// Whether the user may reach the ticket (its customer's scope); not found otherwise.
pub async fn scope(ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
    let customer: Uuid = sqlx::query_scalar("select customer_id from tickets where id = $1")
        .bind(id)
        .fetch_optional(&ctx.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::server::check_customer_scope(&ctx.pool, &ctx.user, customer).await
}

pub async fn create(
    pool: &PgPool,
    user: Uuid,
    key: Uuid,
    customer: Uuid,
    ticket: &NewTicket,
) -> Result<TicketRow, AppError> {
    let mut tx = pool.begin().await?;
    if let Some(done) = idempotency::claim::<TicketRow>(&mut tx, key, user, "tickets/create").await? {
        return Ok(done);
    }
    let contact = match &ticket.contact {
        None => None,
        Some(raw) => Some(contact_of(&mut tx, customer, raw).await?),
    };
    let id = insert_ticket(&mut tx, Some(user), customer, contact, ticket).await?;
    crate::mail::outbox::ticket(&mut tx, id, TicketEvent::Created, None).await?;
    let row = get_in(&mut tx, id).await?;
    idempotency::finish(&mut tx, key, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Opens a ticket inside the caller's transaction: its number, the due times from the
/// customer's SLA, watchers, the description as the conversation's first message (in the
/// contact's name when there is one, else `created_by`'s) and the "created" event.
/// Staff (`create`) and the mail intake (`created_by: None`) share it.
pub(crate) async fn insert_ticket(
    conn: &mut PgConnection,
    created_by: Option<Uuid>,
    customer: Uuid,
    contact: Option<Uuid>,
    ticket: &NewTicket,
) -> Result<Uuid, AppError> {
    let user = created_by;
    let sla = sla::for_customer(&mut *conn, customer, ticket.priority).await?;
    let now = Utc::now();
    let clock = domain::sla_clock::Clock::start(now);
    let dues = sla::due_times(sla.as_ref(), now, &clock);
    let (id, number): (Uuid, String) = sqlx::query_as(
        "insert into tickets (number, customer_id, contact_id, title, priority, category, source, created_by,
                              sla_id, first_response_due, resolution_due, clock_running_since, created_at, updated_at,
                              first_response_warn, resolution_warn)
         values ((select 'T-' || extract(year from $11::timestamptz)::int || '-'
                         -- at least six digits; lpad alone would cut the millionth ticket's
                         || lpad(n::text, greatest(6, length(n::text)), '0')
                    from nextval('ticket_number_seq') n),
                 $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11, $12, $13)
         returning id, number",
    )
    .bind(customer)
    .bind(contact)
    .bind(ticket.title.as_str())
    .bind(ticket.priority.as_str())
    .bind(ticket.category.as_ref().map(|c| c.as_str()))
    .bind(ticket.source.as_str())
    .bind(user)
    .bind(sla.as_ref().map(|s| s.sla))
    .bind(dues.first_response)
    .bind(dues.resolution)
    .bind(now)
    .bind(dues.first_response_warn)
    .bind(dues.resolution_warn)
    .fetch_one(&mut *conn)
    .await?;
    tracing::info!(%id, %number, "ticket created");
    for watcher in &ticket.watchers {
        sqlx::query("insert into ticket_watchers (ticket_id, email) values ($1, $2) on conflict do nothing")
            .bind(id)
            .bind(watcher.as_str())
            .execute(&mut *conn)
            .await?;
    }
    if let Some(description) = &ticket.description {
        // The description opens the conversation, in the contact's name when there is one
        // (they reported it), otherwise in the staff member's.
        sqlx::query(
            "insert into ticket_messages (ticket_id, kind, author_user_id, author_contact_id, body, created_at)
             values ($1, 'reply', case when $3::uuid is null then $2 end, $3, $4, $5)",
        )
        .bind(id)
        .bind(user)
        .bind(contact)
        .bind(description)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    event(&mut *conn, id, user, "created", serde_json::json!({ "number": number })).await?;
    Ok(id)
}

/// The contact `raw` (an id) if it is one of the customer's active contacts.
async fn contact_of(conn: &mut PgConnection, customer: Uuid, raw: &str) -> Result<Uuid, AppError> {
    let refused = || AppError::validation(vec![FieldProblem::new("contact", "ticket.contact_unknown")]);
    let id: Uuid = raw.parse().map_err(|_| refused())?;
    let found: Option<Uuid> =
        sqlx::query_scalar("select id from contacts where id = $1 and customer_id = $2 and archived_at is null")
            .bind(id)
            .bind(customer)
            .fetch_optional(&mut *conn)
            .await?;
    found.ok_or_else(refused)
}

async fn get_in(conn: &mut PgConnection, id: Uuid) -> Result<TicketRow, AppError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} where tk.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.into())
}

pub(crate) async fn event(
    conn: &mut PgConnection,
    ticket: Uuid,
    user: impl Into<Option<Uuid>>,
    kind: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    sqlx::query("insert into ticket_events (ticket_id, user_id, kind, detail) values ($1, $2, $3, $4)")
        .bind(ticket)
        .bind(user.into())
        .bind(kind)
        .bind(detail)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What a change needs of the ticket, read under its row lock.
#[derive(sqlx::FromRow)]
pub(crate) struct Locked {
    customer_id: Uuid,
    version: i32,
    status: String,
    priority: String,
    created_at: DateTime<Utc>,
    clock_counted_secs: i64,
    clock_running_since: Option<DateTime<Utc>>,
}

impl Locked {
    pub(crate) fn status(&self) -> TicketStatus {
        TicketStatus::parse(&self.status).unwrap_or(TicketStatus::Open)
    }

    pub(crate) fn priority(&self) -> Priority {
        Priority::parse(&self.priority).unwrap_or(Priority::Medium)
    }
}

/// Locks the ticket; `Conflict` when it changed since `version` (`None`: any version).
pub(crate) async fn lock(conn: &mut PgConnection, id: Uuid, version: Option<i32>) -> Result<Locked, AppError> {
    let row: Locked = sqlx::query_as(
        "select customer_id, version, status, priority, created_at, clock_counted_secs, clock_running_since
           from tickets where id = $1 for update",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict);
    }
    Ok(row)
}

/// Writes the clock and due times for the ticket's new `status` and `priority` (`at`: now).
pub(crate) async fn write_clock(
    conn: &mut PgConnection,
    id: Uuid,
    t: &Locked,
    status: TicketStatus,
    priority: Priority,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let ticket_sla: Option<TicketSla> = sla::for_customer(&mut *conn, t.customer_id, priority).await?;
    let mut clock = sla::clock(t.clock_counted_secs, t.clock_running_since);
    let running = status.clock() == ClockState::Running;
    clock = match (&ticket_sla, running) {
        (Some(s), false) => clock.pause(&s.calendar, at),
        (None, false) => domain::sla_clock::Clock {
            running_since: None,
            ..clock
        },
        (_, true) => clock.resume(at),
    };
    let dues = sla::due_times(ticket_sla.as_ref(), t.created_at, &clock);
    let active = status.is_active();
    sqlx::query(
        "update tickets set status = $2, priority = $3, clock_counted_secs = $4, clock_running_since = $5,
                first_response_due = $6, resolution_due = $7, sla_id = $8,
                first_response_warn = $10, resolution_warn = $11,
                resolved_at = case when $2 = 'resolved' then $9 when $2 in ('new', 'open', 'waiting_on_customer', 'waiting_on_third_party') then null else resolved_at end,
                closed_at = case when $2 = 'closed' then $9 else null end,
                version = version + 1, updated_at = $9
          where id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(priority.as_str())
    .bind(clock.counted.num_seconds())
    .bind(clock.running_since)
    .bind(dues.first_response)
    .bind(dues.resolution.filter(|_| active))
    .bind(ticket_sla.as_ref().map(|s| s.sla))
    .bind(at)
    .bind(dues.first_response_warn)
    .bind(dues.resolution_warn.filter(|_| active))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_status(
    pool: &PgPool,
    user: Uuid,
    id: Uuid,
    version: i32,
    status: TicketStatus,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let t = lock(&mut tx, id, Some(version)).await?;
    let from = t.status();
    if !from.may_become(status) {
        return Err(AppError::validation(vec![
            FieldProblem::new("status", "ticket.status_not_allowed").with("from", from.as_str()),
        ]));
    }
    write_clock(&mut tx, id, &t, status, t.priority(), Utc::now()).await?;
    event(
        &mut tx,
        id,
        user,
        "status",
        serde_json::json!({ "from": from.as_str(), "to": status.as_str() }),
    )
    .await?;
    if status == TicketStatus::Resolved {
        crate::mail::outbox::ticket(&mut tx, id, TicketEvent::Resolved, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn set_priority(
    pool: &PgPool,
    user: Uuid,
    id: Uuid,
    version: i32,
    priority: Priority,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let t = lock(&mut tx, id, Some(version)).await?;
    write_clock(&mut tx, id, &t, t.status(), priority, Utc::now()).await?;
    event(
        &mut tx,
        id,
        user,
        "priority",
        serde_json::json!({ "from": t.priority, "to": priority.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn assign(pool: &PgPool, user: Uuid, id: Uuid, version: i32, assignee: Option<Uuid>) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, id, Some(version)).await?;
    if let Some(a) = assignee {
        let active: Option<bool> = sqlx::query_scalar("select active from users where id = $1")
            .bind(a)
            .fetch_optional(&mut *tx)
            .await?;
        if active != Some(true) {
            return Err(AppError::validation(vec![FieldProblem::new(
                "assignee",
                "ticket.assignee_unknown",
            )]));
        }
    }
    sqlx::query("update tickets set assignee_id = $2, version = version + 1, updated_at = now() where id = $1")
        .bind(id)
        .bind(assignee)
        .execute(&mut *tx)
        .await?;
    event(&mut tx, id, user, "assigned", serde_json::json!({ "to": assignee })).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_message(
    pool: &PgPool,
    user: Uuid,
    key: Uuid,
    id: Uuid,
    kind: MessageKind,
    body: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    if idempotency::claim::<bool>(&mut tx, key, user, "tickets/message")
        .await?
        .is_some()
    {
        return Ok(());
    }
    // Locked: a status change running at the same time sees the reply or waits for it.
    lock(&mut tx, id, None).await?;
    let now = Utc::now();
    let (message, author): (Uuid, String) = sqlx::query_as(
        "insert into ticket_messages (ticket_id, kind, author_user_id, body, created_at) values ($1, $2, $3, $4, $5)
         returning id, (select name from users where id = $3)",
    )
    .bind(id)
    .bind(if kind == MessageKind::Note { "note" } else { "reply" })
    .bind(user)
    .bind(body)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if kind == MessageKind::Reply {
        crate::mail::outbox::ticket(&mut tx, id, TicketEvent::Reply { message, body }, Some(&author)).await?;
    }
    // A public answer: the first meets the first-response target, and answering a new
    // ticket means someone works on it.
    sqlx::query(
        "update tickets set version = version + 1, updated_at = $2,
                first_response_at = case when $3 then coalesce(first_response_at, $2) else first_response_at end,
                status = case when $3 and status = 'new' then 'open' else status end
          where id = $1",
    )
    .bind(id)
    .bind(now)
    .bind(kind == MessageKind::Reply)
    .execute(&mut *tx)
    .await?;
    idempotency::finish(&mut tx, key, &true).await?;
    tx.commit().await?;
    Ok(())
}

/// Merges ticket `id` into the ticket numbered `into`; returns the target's id.
pub async fn merge(ctx: &Ctx, id: Uuid, version: i32, into: &str) -> Result<Uuid, AppError> {
    let mut tx = ctx.pool.begin().await?;
    let unknown = || AppError::validation(vec![FieldProblem::new("into", "ticket.merge_target_unknown")]);
    let target: Option<(Uuid, Uuid)> = sqlx::query_as("select id, customer_id from tickets where number = $1")
        .bind(into.to_uppercase())
        .fetch_optional(&mut *tx)
        .await?;
    let (target, target_customer) = target.ok_or_else(unknown)?;
    if target == id {
        return Err(AppError::validation(vec![FieldProblem::new(
            "into",
            "ticket.merge_into_itself",
        )]));
    }
    // Lock both in id order, so two merges of the same pair cannot deadlock.
    let (first, second) = if id < target { (id, target) } else { (target, id) };
    let a = lock(&mut tx, first, None).await?;
    let b = lock(&mut tx, second, None).await?;
    let (dup, other) = if first == id { (a, b) } else { (b, a) };
    if dup.version != version {
        return Err(AppError::Conflict);
    }
    if target_customer != dup.customer_id {
        return Err(AppError::validation(vec![FieldProblem::new(
            "into",
            "ticket.merge_other_customer",
        )]));
    }
    if other.status() == TicketStatus::Closed {
        return Err(AppError::validation(vec![FieldProblem::new(
            "into",
            "ticket.merge_target_closed",
        )]));
    }
    crate::server::check_customer_scope(&ctx.pool, &ctx.user, target_customer).await?;
    let number: String = sqlx::query_scalar("select number from tickets where id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("update ticket_messages set ticket_id = $2 where ticket_id = $1")
        .bind(id)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into ticket_watchers (ticket_id, email) select $2, email from ticket_watchers where ticket_id = $1
         on conflict do nothing",
    )
    .bind(id)
    .bind(target)
    .execute(&mut *tx)
    .await?;
    write_clock(&mut tx, id, &dup, TicketStatus::Closed, dup.priority(), Utc::now()).await?;
    sqlx::query("update tickets set merged_into = $2 where id = $1")
        .bind(id)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update tickets set version = version + 1, updated_at = now() where id = $1")
        .bind(target)
        .execute(&mut *tx)
        .await?;
    event(&mut tx, id, ctx.user.id, "merged", serde_json::json!({ "into": into })).await?;
    event(
        &mut tx,
        target,
        ctx.user.id,
        "merged_in",
        serde_json::json!({ "from": number }),
    )
    .await?;
    tx.commit().await?;
    Ok(target)
}
