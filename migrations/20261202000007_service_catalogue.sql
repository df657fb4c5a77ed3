-- The service catalogue (domain::ServiceDraft). `services` holds each service's current
-- state; every save also writes the state it saved to `service_versions`, which is what a
-- contract part will point at: a price change is a new version, never a rewrite of one a
-- contract was agreed on.
create table services (
    id              uuid primary key default gen_random_uuid(),
    code            text not null,
    name            text not null,
    kind            text not null,
    archived        boolean not null default false,
    definition      jsonb not null,
    version         integer not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
-- Codes are unique whatever the case they were typed in (the domain upper-cases them).
create unique index services_code_key on services (code);
create index services_name_idx on services (lower(name));

create table service_versions (
    service_id  uuid not null references services (id),
    version     integer not null,
    definition  jsonb not null,
    saved_by    uuid references users (id),
    saved_at    timestamptz not null default now(),
    primary key (service_id, version)
);
