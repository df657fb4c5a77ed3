-- The invoice run (#17): runs with their per-customer work, and the documents they issue.
-- BILLING.md is the semantics; domain::charges and domain::invoice_draft compute, this
-- stores. Work is claimed per bill-to customer (`FOR UPDATE SKIP LOCKED`), so several
-- server processes finish one run together and a killed one leaves nothing half-done.

create table invoice_runs (
    id           uuid primary key default gen_random_uuid(),
    cutoff       date not null,
    -- previewing: drafts being computed; previewed: ready for approval;
    -- finalising: documents being issued; finished.
    status       text not null default 'previewing'
                     check (status in ('previewing', 'previewed', 'finalising', 'finished')),
    -- The date every document of the run carries (the approval's day in the MSP's zone).
    issue_date   date,
    created_by   uuid references users (id),
    created_at   timestamptz not null default now(),
    approved_by  uuid references users (id),
    approved_at  timestamptz,
    finished_at  timestamptz
);
create index invoice_runs_created_idx on invoice_runs (created_at desc);

create table invoice_run_customers (
    run_id       uuid not null references invoice_runs (id) on delete cascade,
    -- The bill-to customer (its children billed via it are in its draft).
    customer_id  uuid not null references customers (id),
    -- pending: not computed yet; ready: documents to issue; empty: nothing due;
    -- parked: missing billing info or a blocker (reason); done: issued;
    -- changed: its inputs changed after the preview was approved (draft_now holds the new one).
    state        text not null default 'pending'
                     check (state in ('pending', 'ready', 'empty', 'parked', 'done', 'changed')),
    reason       jsonb,
    -- domain::invoice_draft::CustomerDraft as previewed (and approved).
    draft        jsonb,
    draft_now    jsonb,
    -- For the preview's list without reading the drafts: documents, lines and net per currency.
    documents    integer not null default 0,
    lines        integer not null default 0,
    net          jsonb not null default '{}',
    invoice_ids  uuid[] not null default '{}',
    updated_at   timestamptz not null default now(),
    primary key (run_id, customer_id)
);
create index invoice_run_customers_state_idx on invoice_run_customers (run_id, state);

create table invoices (
    id           uuid primary key default gen_random_uuid(),
    run_id       uuid references invoice_runs (id),
    kind         text not null check (kind in ('invoice', 'credit_note')),
    series_id    uuid not null references invoice_series (id),
    -- Given last, in the same transaction, by locking the series row (app::invoicing::numbers):
    -- null only inside the transaction that issues the document.
    number       text,
    issue_date   date not null,
    due_date     date not null,
    -- The bill-to customer.
    customer_id  uuid not null references customers (id),
    currency     char(3) not null,
    net          numeric not null,
    tax          numeric not null,
    gross        numeric not null,
    -- domain::tax::VatGroup per rate.
    vat          jsonb not null,
    -- What the document shows of seller and buyer, frozen at issue: an issued document
    -- never changes, whatever happens to the company or the customer afterwards.
    seller       jsonb not null,
    buyer        jsonb not null,
    language     text not null,
    service_from date,
    service_to   date,
    -- A credit note names the invoice it corrects or cancels.
    corrects_id  uuid references invoices (id),
    status       text not null default 'issued' check (status in ('issued', 'cancelled')),
    cancelled_by uuid references invoices (id),
    created_by   uuid references users (id),
    created_at   timestamptz not null default now(),
    unique (series_id, number)
);
create index invoices_list_idx on invoices (issue_date desc, number desc);
create index invoices_customer_idx on invoices (customer_id, issue_date desc);
create index invoices_run_idx on invoices (run_id) where run_id is not null;

create table invoice_lines (
    invoice_id      uuid not null references invoices (id) on delete cascade,
    position        integer not null,
    -- Whose service the line is (a child's under its subtotal on the parent's invoice).
    customer_id     uuid not null references customers (id),
    contract_id     uuid references contracts (id),
    part_id         uuid references contract_parts (id) on delete set null,
    kind            text not null,
    -- The part key the amount settles (domain::settlement::ChargeKey::Part), if any.
    key_period      date,
    key_kind        text check (key_kind in ('fee', 'block_purchase', 'overage', 'metered')),
    correction      boolean not null default false,
    description     text not null,
    service_from    date not null,
    service_to      date not null,
    quantity        numeric not null,
    unit_price      numeric not null,
    -- Signed: credit-note lines are negative, so Σ amount per key is what is billed.
    amount          numeric not null,
    vat_category    text not null,
    vat_percent     numeric not null,
    sales_item_id   uuid references sales_items (id),
    reading_date    date,
    reading_quantity numeric,
    primary key (invoice_id, position),
    check ((key_period is null) = (key_kind is null))
);
-- "What was billed for these parts": the settlement's read.
create index invoice_lines_key_idx on invoice_lines (part_id, key_period, key_kind) where key_kind is not null;

-- Time entries a document lists: on a line (billed) or in the appendix at €0.
create table invoice_entries (
    invoice_id   uuid not null references invoices (id) on delete cascade,
    entry_id     uuid not null references time_entries (id),
    line         integer,
    primary key (invoice_id, entry_id)
);
create index invoice_entries_entry_idx on invoice_entries (entry_id);

alter table time_entries add column invoice_id uuid references invoices (id);
alter table sales_items add foreign key (invoice_id) references invoices (id);
