-- The service desk's tickets (app/src/tickets/, domain::ticket): a number people quote,
-- the customer and contact, where it stands, who works on it, and its SLA clocks.

-- One sequence for all years: the number is the year of creation and this value
-- (`T-2026-000123`), unique without a yearly reset to coordinate.
create sequence ticket_number_seq;

create table tickets (
    id                  uuid primary key default gen_random_uuid(),
    number              text not null unique,
    customer_id         uuid not null references customers (id),
    contact_id          uuid references contacts (id) on delete set null,
    title               text not null,
    priority            text not null check (priority in ('low', 'medium', 'high', 'critical')),
    category            text,
    status              text not null default 'new' check (status in
                            ('new', 'open', 'waiting_on_customer', 'waiting_on_third_party', 'resolved', 'closed')),
    source              text not null check (source in ('staff', 'phone', 'email', 'portal')),
    assignee_id         uuid references users (id),
    created_by          uuid references users (id),
    -- SLA: the due times as computed at the last change (null: no target for the priority,
    -- or the clock is paused / stopped), when the first public reply went out, and the
    -- resolution clock (business time counted so far; running since, null while paused).
    sla_id              uuid references slas (id) on delete set null,
    first_response_due  timestamptz,
    first_response_at   timestamptz,
    resolution_due      timestamptz,
    clock_counted_secs  bigint not null default 0 check (clock_counted_secs >= 0),
    clock_running_since timestamptz,
    -- The next due time that matters: first response until it happened, then resolution;
    -- nothing once resolved or closed.
    next_due            timestamptz generated always as (case when status in ('resolved', 'closed') then null
                            else least(case when first_response_at is null then first_response_due end, resolution_due) end) stored,
    -- When 80 % of each target is used up (the warning), and when each warning and breach
    -- was raised: once each, by `tickets::alerts`.
    first_response_warn        timestamptz,
    resolution_warn            timestamptz,
    first_response_warned_at   timestamptz,
    first_response_breached_at timestamptz,
    resolution_warned_at       timestamptz,
    resolution_breached_at     timestamptz,
    -- The next alert still to raise (the job's work list).
    next_alert          timestamptz generated always as (case when status in ('resolved', 'closed') then null
                            else least(
                                case when first_response_at is null and first_response_warned_at is null then first_response_warn end,
                                case when first_response_at is null and first_response_breached_at is null then first_response_due end,
                                case when resolution_warned_at is null then resolution_warn end,
                                case when resolution_breached_at is null then resolution_due end) end) stored,
    resolved_at         timestamptz,
    closed_at           timestamptz,
    -- A duplicate merged into another ticket (it is closed then).
    merged_into         uuid references tickets (id),
    version             integer not null default 1,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);

-- The queues page by (updated_at desc, id desc): all, mine, unassigned, one customer's.
create index tickets_updated_idx on tickets (updated_at desc, id desc);
create index tickets_assignee_idx on tickets (assignee_id, updated_at desc, id desc) where status not in ('resolved', 'closed');
create index tickets_unassigned_idx on tickets (updated_at desc, id desc) where assignee_id is null and status not in ('resolved', 'closed');
create index tickets_customer_idx on tickets (customer_id, updated_at desc, id desc);
-- "Breaching soon": the next due time of active tickets.
create index tickets_due_idx on tickets (next_due, id) where next_due is not null and status not in ('resolved', 'closed');
create index tickets_alert_idx on tickets (next_alert) where next_alert is not null;
create index tickets_title_trgm_idx on tickets using gin (lower(title) gin_trgm_ops);

-- Further addresses that receive a ticket's public replies (Cc).
create table ticket_watchers (
    ticket_id uuid not null references tickets (id) on delete cascade,
    email     text not null,
    primary key (ticket_id, email)
);

-- The conversation: public replies (sent to the contact and watchers) and internal notes,
-- by a staff member or, for mail and portal messages, by a contact.
create table ticket_messages (
    id                uuid primary key default gen_random_uuid(),
    ticket_id         uuid not null references tickets (id) on delete cascade,
    kind              text not null check (kind in ('reply', 'note')),
    author_user_id    uuid references users (id),
    author_contact_id uuid references contacts (id) on delete set null,
    body              text not null,
    created_at        timestamptz not null default now()
);
create index ticket_messages_ticket_idx on ticket_messages (ticket_id, created_at, id);

-- What happened to a ticket (status, assignee, priority, merge), for its history.
create table ticket_events (
    id         bigint generated always as identity primary key,
    ticket_id  uuid not null references tickets (id) on delete cascade,
    user_id    uuid references users (id),
    kind       text not null,
    detail     jsonb not null default '{}',
    created_at timestamptz not null default now()
);
create index ticket_events_ticket_idx on ticket_events (ticket_id, id);
