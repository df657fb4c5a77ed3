-- Services in use (dated usage readings) and the API tokens their senders authenticate with.

-- API tokens: a principal of the gate for automation. The secret (`onb_` + 64 hex digits)
-- is shown once; only its SHA-256 is kept, and its first characters to recognise it by.
create table api_tokens (
    id            uuid primary key default gen_random_uuid(),
    name          text not null,
    scopes        text[] not null,
    prefix        text not null,
    secret_hash   bytea not null unique,
    created_by    uuid references users (id),
    created_at    timestamptz not null default now(),
    -- written at most once a minute per token, not on every request
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    revoked_by    uuid references users (id)
);
-- A reading sent with a token records `api:<name>` as its source: one active token per name.
create unique index api_tokens_active_name_key on api_tokens (lower(name)) where revoked_at is null;

-- A reading: how much of a catalogue service a customer used on a date, from a source
-- (`manual`, `csv`, `api:<token name>`, each optionally `:<sender's label>`). The same
-- customer, service, date and source is one reading: sent again with the same quantity
-- it changes nothing, with another quantity it replaces the stored one (the previous
-- state goes to `usage_reading_replacements`).
create table usage_readings (
    id            uuid primary key default gen_random_uuid(),
    customer_id   uuid not null references customers (id) on delete cascade,
    service_id    uuid not null references services (id),
    reading_date  date not null,
    source        text not null,
    quantity      numeric(20, 2) not null check (quantity >= 0),
    external_ref  text,
    api_token_id  uuid references api_tokens (id),
    recorded_by   uuid references users (id),
    -- when the current quantity was recorded (a replacement moves it)
    recorded_at   timestamptz not null default now(),
    created_at    timestamptz not null default now(),
    -- also the index for "latest reading per service of a customer"
    constraint usage_readings_key unique (customer_id, service_id, reading_date, source)
);
create index usage_readings_service_idx on usage_readings (service_id);

create table usage_reading_replacements (
    reading_id    uuid not null references usage_readings (id) on delete cascade,
    quantity      numeric(20, 2) not null,
    external_ref  text,
    api_token_id  uuid,
    recorded_by   uuid,
    recorded_at   timestamptz not null,
    replaced_at   timestamptz not null default now()
);
create index usage_reading_replacements_reading_idx on usage_reading_replacements (reading_id, replaced_at);

-- Every code path that replaces a reading keeps its history, whoever wrote the update.
create function usage_reading_replaced() returns trigger language plpgsql as $$
begin
    insert into usage_reading_replacements (reading_id, quantity, external_ref, api_token_id, recorded_by, recorded_at)
    values (old.id, old.quantity, old.external_ref, old.api_token_id, old.recorded_by, old.recorded_at);
    return new;
end
$$;
create trigger usage_readings_history before update on usage_readings
    for each row when (old.quantity is distinct from new.quantity or old.external_ref is distinct from new.external_ref)
    execute function usage_reading_replaced();
