-- Bulk import from CSV: each import is a row (who, when, file, counts, state); what it
-- created or changed is listed in `import_records`, with the values before, so it can be
-- undone while nothing it touched has changed since.

-- The customer's bank account for direct debit, part of the billing info.
alter table customers add column billing_iban text;

create table imports (
    id              uuid primary key default gen_random_uuid(),
    kind            text not null check (kind in ('customers', 'contacts')),
    file_name       text not null,
    -- The uploaded file, kept until it is imported or discarded (any process can run it).
    content         bytea,
    -- Column index -> field key, as last chosen by the user.
    mapping         jsonb not null default '[]',
    -- The problems the last check found (shown and downloadable as CSV).
    errors          jsonb not null default '[]',
    status          text not null default 'uploaded' check (status in ('uploaded', 'committed', 'undone')),
    rows_total      integer not null default 0,
    created_count   integer not null default 0,
    updated_count   integer not null default 0,
    unchanged_count integer not null default 0,
    created_by      uuid references users (id),
    created_at      timestamptz not null default now(),
    committed_by    uuid references users (id),
    committed_at    timestamptz,
    undone_by       uuid references users (id),
    undone_at       timestamptz
);
create index imports_created_idx on imports (created_at desc);

create table import_records (
    import_id uuid not null references imports (id) on delete cascade,
    entity    text not null check (entity in ('customer', 'contact')),
    record_id uuid not null,
    action    text not null check (action in ('created', 'updated')),
    -- The record's importable columns before the import (updates only).
    before    jsonb,
    -- The record's version right after the import: undo needs it unchanged.
    version   integer not null,
    primary key (import_id, entity, record_id)
);
create index import_records_record_idx on import_records (entity, record_id);
