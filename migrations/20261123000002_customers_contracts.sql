-- Customers with their contacts, contracts, SLAs and alert threshold profiles: what the
-- new-customer wizard writes in one transaction.

-- SLAs: shared (customer_id null) or custom to one customer. `definition` is the SLA as
-- the form holds it (domain::SlaDraft, validated before it is stored), so the settings
-- page edits and clones it with the same form the wizard uses.
create table slas (
    id          uuid primary key default gen_random_uuid(),
    name        text not null,
    customer_id uuid,
    definition  jsonb not null,
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index slas_shared_idx on slas (lower(name)) where customer_id is null;

-- Alert threshold profiles, the same way (domain::AlertProfileDraft).
create table alert_profiles (
    id          uuid primary key default gen_random_uuid(),
    name        text not null,
    customer_id uuid,
    definition  jsonb not null,
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index alert_profiles_shared_idx on alert_profiles (lower(name)) where customer_id is null;

create table customers (
    id               uuid primary key default gen_random_uuid(),
    name             text not null,
    rank             text,
    tax_id           text,
    phone            text,
    fax              text,
    street           text,
    postal_code      text,
    city             text,
    region           text,
    country          text,
    sla_id           uuid references slas (id),
    alert_profile_id uuid references alert_profiles (id),
    version          integer not null default 1,
    created_by       uuid references users (id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    archived_at      timestamptz
);
create index customers_name_idx on customers (lower(name));
alter table slas add foreign key (customer_id) references customers (id) on delete cascade;
alter table alert_profiles add foreign key (customer_id) references customers (id) on delete cascade;

-- E-mail domains (punycode, lower case) that map incoming mail to one customer.
create table customer_domains (
    domain      text primary key,
    customer_id uuid not null references customers (id) on delete cascade
);
create index customer_domains_customer_idx on customer_domains (customer_id);

create table contacts (
    id          uuid primary key default gen_random_uuid(),
    customer_id uuid not null references customers (id) on delete cascade,
    first_name  text not null,
    last_name   text not null,
    email       text not null,
    phone       text,
    mobile      text,
    job_title   text,
    is_main     boolean not null default false,
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    archived_at timestamptz
);
create index contacts_customer_idx on contacts (customer_id);
-- Exactly one main contact per customer at most; the database enforces it.
create unique index contacts_one_main_idx on contacts (customer_id) where is_main;

create table contracts (
    id                 uuid primary key default gen_random_uuid(),
    customer_id        uuid not null references customers (id) on delete cascade,
    name               text not null,
    start_date         date not null,
    end_date           date check (end_date is null or end_date >= start_date),
    billing_cycle      text not null check (billing_cycle in ('monthly', 'quarterly', 'half_yearly', 'yearly')),
    billing_timing     text not null check (billing_timing in ('advance', 'arrears')),
    currency           char(3) not null,
    payment_terms_days integer not null check (payment_terms_days >= 0),
    payment_method     text not null check (payment_method in ('manual', 'sepa_direct_debit')),
    iban               text,
    bic                text,
    mandate_reference  text,
    notes              text,
    version            integer not null default 1,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    check (payment_method = 'manual' or (iban is not null and mandate_reference is not null))
);
create index contracts_customer_idx on contracts (customer_id);

-- One service line of a contract: its type and that type's terms (domain::ContractTerms,
-- money as decimal strings, never floats).
create table contract_parts (
    id            uuid primary key default gen_random_uuid(),
    contract_id   uuid not null references contracts (id) on delete cascade,
    position      integer not null,
    contract_type text not null,
    description   text,
    terms         jsonb not null,
    unique (contract_id, position)
);

-- Submissions that must happen once: a retried request with the same key gets the first
-- result back instead of creating a second record.
create table idempotency_keys (
    key        uuid primary key,
    user_id    uuid not null references users (id),
    endpoint   text not null,
    result     jsonb,
    created_at timestamptz not null default now()
);
