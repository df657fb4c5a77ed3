//! Service desk → Tickets (queues: mine, unassigned, all, breaching soon; status filter
//! and search) and the customer page's Tickets tab. Keyset-paged, the cursor in the URL.

use chrono::{DateTime, Utc};
use domain::TicketStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::{Queue, SlaAlert, TicketCursor, TicketPageRows, TicketQuery, TicketRow, list_tickets};
use crate::i18n::{Key, choice_key, k, t, use_locale};
use crate::shell::format_instant;
use crate::ui::{DataTable, EmptyState, ErrorNotice, Loading, Pager, Th};

fn queue_key(q: Queue) -> Key {
    match q {
        Queue::Mine => k::TICKETS_QUEUE_MINE,
        Queue::Unassigned => k::TICKETS_QUEUE_UNASSIGNED,
        Queue::All => k::TICKETS_QUEUE_ALL,
        Queue::BreachingSoon => k::TICKETS_QUEUE_BREACHING,
    }
}

/// `<microseconds>_<uuid>`: the cursor as the URL carries it (no characters to escape).
fn cursor_text(c: TicketCursor) -> String {
    format!("{}_{}", c.at.timestamp_micros(), c.id)
}

fn parse_cursor(s: &str) -> Option<TicketCursor> {
    let (at, id) = s.split_once('_')?;
    Some(TicketCursor {
        at: DateTime::<Utc>::from_timestamp_micros(at.parse().ok()?)?,
        id: id.parse().ok()?,
    })
}

fn query_from_url(customer: Option<Uuid>) -> Memo<TicketQuery> {
    let q = use_query_map();
    Memo::new(move |_| {
        q.with(|m| TicketQuery {
            queue: m
                .get("queue")
                .as_deref()
                .and_then(Queue::parse)
                .unwrap_or(if customer.is_some() { Queue::All } else { Queue::Mine }),
            customer,
            status: m.get("status").as_deref().and_then(|s| TicketStatus::parse(s).ok()),
            search: m.get("q").unwrap_or_default(),
            after: m.get("after").as_deref().and_then(parse_cursor),
        })
    })
}

/// The URL of `query` on `base`, optionally at another page.
fn link(base: &str, query: &TicketQuery, default_queue: Queue, after: Option<TicketCursor>) -> String {
    let mut params = Vec::new();
    if query.queue != default_queue {
        params.push(format!("queue={}", query.queue.as_str()));
    }
    if let Some(s) = query.status {
        params.push(format!("status={}", s.as_str()));
    }
    if !query.search.is_empty() {
        params.push(format!("q={}", urlencode(&query.search)));
    }
    if let Some(c) = after {
        params.push(format!("after={}", cursor_text(c)));
    }
    if params.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

/// Percent-encodes a query value (what a GET form would send).
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `/tickets`.
#[component]
pub fn TicketsPage() -> impl IntoView {
    let query = query_from_url(None);
    let rows = Resource::new(move || query.get(), list_tickets);
    view! {
        <Title text=t(k::TICKETS_TITLE) />
        <header class="page-header with-actions">
            <h1>{t(k::TICKETS_TITLE)}</h1>
            <div class="actions">
                <a class="button" href="/tickets/review" id="review-link">{t(k::TICKETS_REVIEW_LINK)}</a>
                <a class="button" href="/time" id="time-link">{t(k::TIME_TITLE)}</a>
                <a class="button primary" href="/tickets/new" id="new-ticket">{t(k::TICKETS_NEW)}</a>
            </div>
        </header>
        <nav class="tabs" aria-label=t(k::TICKETS_QUEUES)>
            {Queue::ALL.into_iter().map(|q| {
                let href = link("/tickets", &TicketQuery { queue: q, ..TicketQuery::default() }, Queue::Mine, None);
                view! {
                    <a href=href id=format!("queue-{}", q.as_str())
                        aria-current=move || (query.with(|x| x.queue) == q).then_some("page")>{t(queue_key(q))}</a>
                }
            }).collect_view()}
        </nav>
        <Filters query=query />
        <Transition fallback=|| view! { <Loading /> }>
            {move || rows.get().map(|r| view! {
                <TicketsResult result=r query=query.get() base="/tickets".into() default_queue=Queue::Mine show_customer=true />
            })}
        </Transition>
    }
}

/// The status filter and search, as a GET form (works without JavaScript too).
#[component]
fn Filters(query: Memo<TicketQuery>) -> impl IntoView {
    use leptos_router::components::Form;
    view! {
        <Form method="GET" action="/tickets" attr:class="filters" attr:role="search">
            <input type="hidden" name="queue" value=move || query.with(|q| q.queue.as_str()) />
            <div class="field grow">
                <label for="ticket-search">{t(k::TICKETS_SEARCH)}</label>
                <input type="search" name="q" id="ticket-search" placeholder=t(k::TICKETS_SEARCH_HINT)
                    value=move || query.with(|q| q.search.clone()) />
            </div>
            <div class="field">
                <label for="ticket-status-filter">{t(k::TICKETS_STATUS)}</label>
                <select name="status" id="ticket-status-filter">
                    <option value="">{t(k::TICKETS_STATUS_ANY)}</option>
                    {TicketStatus::ALL.iter().map(|s| {
                        let s = *s;
                        view! {
                            <option value=s.as_str() selected=move || query.with(|q| q.status == Some(s))>
                                {t(choice_key("ticket_status", s.as_str()))}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{t(k::TICKETS_FILTER)}</button>
        </Form>
    }
}

/// The customer page's tab: this customer's tickets, all statuses.
#[component]
pub fn CustomerTickets(customer: Uuid) -> impl IntoView {
    let query = query_from_url(Some(customer));
    // Loaded in the browser into a signal: the tab renders inside the customer page's
    // resolved Transition, where a server resource breaks hydration and a LocalResource
    // under Suspense stayed at "Loading…" on a direct load.
    let rows = RwSignal::new(None::<Result<TicketPageRows, crate::error::AppError>>);
    Effect::new(move |_| {
        let q = query.get();
        leptos::task::spawn_local(async move { rows.set(Some(list_tickets(q).await)) });
    });
    let base = format!("/customers/{customer}/tickets");
    view! {
        <section class="card" aria-labelledby="tickets-tab-title">
            <header class="page-header with-actions">
                <h2 id="tickets-tab-title">{t(k::TICKETS_TITLE)}</h2>
                <a class="button primary" id="new-ticket" rel="external"
                    href=format!("/tickets/new?customer={customer}")>{t(k::TICKETS_NEW)}</a>
            </header>
            {move || match rows.get() {
                None => view! { <Loading /> }.into_any(),
                Some(r) => view! {
                    <TicketsResult result=r query=query.get_untracked() base=base.clone() default_queue=Queue::All show_customer=false />
                }.into_any(),
            }}
        </section>
    }
}

/// The status as a badge (shared with the ticket page).
pub fn status_badge(status: TicketStatus) -> impl IntoView {
    let class = match status {
        TicketStatus::New => "badge warn",
        TicketStatus::Resolved | TicketStatus::Closed => "badge muted",
        _ => "badge",
    };
    view! { <span class=class data-status=status.as_str()>{t(choice_key("ticket_status", status.as_str()))}</span> }
}

/// The next due time, and the SLA alert raised so far.
pub fn due_cell(row: &TicketRow, locale: domain::Locale) -> impl IntoView + use<> {
    let due = row.next_due.map(|due| {
        let overdue = due < Utc::now();
        view! { <time datetime=due.to_rfc3339() class:overdue=overdue>{format_instant(due, locale)}</time> }
    });
    let alert = row.sla_alert.map(|a| match a {
        SlaAlert::Breached => {
            view! { " " <span class="badge danger" data-sla="breached">{t(k::TICKETS_BREACHED)}</span> }.into_any()
        }
        SlaAlert::Warning => {
            view! { " " <span class="badge warn" data-sla="warning">{t(k::TICKETS_WARNING)}</span> }.into_any()
        }
    });
    view! { {due}{alert} }
}

#[component]
fn TicketsResult(
    result: Result<TicketPageRows, crate::error::AppError>,
    query: TicketQuery,
    base: String,
    default_queue: Queue,
    show_customer: bool,
) -> impl IntoView {
    let locale = use_locale();
    let page = match result {
        Err(e) => return view! { <ErrorNotice error=e /> }.into_any(),
        Ok(p) if p.rows.is_empty() => return view! { <EmptyState text=k::TICKETS_EMPTY /> }.into_any(),
        Ok(p) => p,
    };
    let first = query.after.is_some().then(|| link(&base, &query, default_queue, None));
    let next = page.next.map(|c| link(&base, &query, default_queue, Some(c)));
    let mut columns = vec![Th::text(k::TICKETS_NUMBER), Th::text(k::TICKETS_SUBJECT)];
    if show_customer {
        columns.push(Th::text(k::TICKETS_CUSTOMER));
    }
    columns.extend([
        Th::text(k::TICKETS_STATUS),
        Th::text(k::TICKETS_PRIORITY),
        Th::text(k::TICKETS_ASSIGNEE),
        Th::text(k::TICKETS_DUE),
    ]);
    view! {
        <DataTable id="tickets-table" columns=columns>
            {page.rows.into_iter().map(|row| {
                let href = format!("/tickets/{}", row.id);
                view! {
                    <tr data-ticket=row.number.clone()>
                        <td><a href=href.clone() rel=(!show_customer).then_some("external")><code>{row.number.clone()}</code></a></td>
                        <td><a href=href rel=(!show_customer).then_some("external")>{row.title.clone()}</a></td>
                        {show_customer.then(|| view! {
                            <td><a href=format!("/customers/{}", row.customer)>{row.customer_name.clone()}</a></td>
                        })}
                        <td>{status_badge(row.status)}</td>
                        <td>{t(choice_key("priority", row.priority.as_str()))}</td>
                        <td>{row.assignee_name.clone().unwrap_or_else(|| t(k::TICKETS_NOBODY).to_string())}</td>
                        <td>{due_cell(&row, locale)}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        <Pager first=first next=next />
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_and_links_survive_the_url() {
        let c = TicketCursor {
            at: DateTime::<Utc>::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
            id: Uuid::from_u128(7),
        };
        assert_eq!(parse_cursor(&cursor_text(c)), Some(c));
        let q = TicketQuery {
            queue: Queue::BreachingSoon,
            search: "Drucker & Fax".into(),
            status: Some(TicketStatus::Open),
            ..TicketQuery::default()
        };
        assert_eq!(
            link("/tickets", &q, Queue::Mine, None),
            "/tickets?queue=breaching_soon&status=open&q=Drucker+%26+Fax"
        );
    }
}
