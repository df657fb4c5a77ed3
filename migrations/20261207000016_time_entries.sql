-- Time entries (app/src/time/, domain::time_entry): staff time logged on a ticket or on a
-- customer, approved before the invoice run bills it (BILLING.md, "Time").

create table time_entries (
    id               uuid primary key default gen_random_uuid(),
    customer_id      uuid not null references customers (id),
    ticket_id        uuid references tickets (id),
    -- The technician whose work it is (they edit and submit it).
    user_id          uuid not null references users (id),
    work_date        date not null,
    start_time       time,
    -- Minutes worked, as logged; never rounded.
    minutes          integer not null check (minutes between 1 and 1440),
    work_type        text not null check (work_type in ('billable', 'no_charge', 'do_not_bill')),
    after_hours      boolean not null default false,
    notes            text,
    status           text not null default 'draft'
                         check (status in ('draft', 'submitted', 'approved', 'rejected', 'invoiced')),
    rejection_reason text,
    submitted_at     timestamptz,
    -- Frozen at approval: the contract that takes the entry (null: none could, a blocker
    -- for the invoice run), its rounding rule, the billable minutes under it, how the
    -- contract covers time and the hourly rate in the contract's currency.
    approved_by      uuid references users (id),
    approved_at      timestamptz,
    contract_id      uuid references contracts (id),
    rounding_minimum   integer,
    rounding_increment integer,
    billable_minutes integer check (billable_minutes >= 0),
    coverage         text check (coverage in ('billed', 'covered', 'block')),
    rate             numeric,
    currency         char(3),
    -- Set by the invoice run when an issued invoice bills the entry; locked from then on.
    invoiced_at      timestamptz,
    version          integer not null default 1,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check ((status in ('approved', 'invoiced')) = (approved_at is not null)),
    check (status <> 'rejected' or rejection_reason is not null)
);

-- A ticket's time, a technician's week, the approval page by week (and customer, staff).
create index time_entries_ticket_idx on time_entries (ticket_id, work_date, id) where ticket_id is not null;
create index time_entries_user_idx on time_entries (user_id, work_date desc, id desc);
create index time_entries_week_idx on time_entries (work_date desc, id desc);
create index time_entries_customer_idx on time_entries (customer_id, work_date desc, id desc);
-- What waits for approval, and what the invoice run will bill.
create index time_entries_status_idx on time_entries (status, work_date) where status in ('submitted', 'approved');
