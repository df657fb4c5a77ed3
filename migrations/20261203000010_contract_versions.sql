-- Contracts as their own feature (#15): a draft/active state, how far the invoice run has
-- billed, the time-rounding rule, parts linked to catalogue services, and part versions
-- from a date (a change of quantity or price never rewrites what was agreed before it).

alter table contracts
    add column active             boolean not null default true,
    -- The last day of the last period the invoice run billed; null: nothing billed yet.
    add column billed_through     date,
    add column rounding_minimum   integer check (rounding_minimum between 0 and 480),
    add column rounding_increment integer check (rounding_increment between 1 and 480),
    add column created_by         uuid references users (id),
    add check ((rounding_minimum is null) = (rounding_increment is null));

-- The contract list sorts by name and filters by end date ("ending soon", "ended").
create index contracts_name_idx on contracts (lower(name), id);
create index contracts_end_idx on contracts (end_date) where end_date is not null;

alter table contract_parts
    add column service_id          uuid references services (id),
    add column min_quantity        numeric check (min_quantity >= 0),
    add column quantity_from_usage boolean not null default false,
    add check (not quantity_from_usage or service_id is not null);
create index contract_parts_type_idx on contract_parts (contract_type, contract_id);

-- `contract_parts.terms` (and description, min_quantity) mirror the part's latest version;
-- the invoice run reads the version in force for each period from here.
create table contract_part_versions (
    part_id      uuid not null references contract_parts (id) on delete cascade,
    valid_from   date not null,
    description  text,
    terms        jsonb not null,
    min_quantity numeric check (min_quantity >= 0),
    saved_by     uuid references users (id),
    saved_at     timestamptz not null default now(),
    primary key (part_id, valid_from)
);

insert into contract_part_versions (part_id, valid_from, description, terms)
select p.id, c.start_date, p.description, p.terms
  from contract_parts p join contracts c on c.id = p.contract_id;
