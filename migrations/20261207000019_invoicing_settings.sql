-- Settings → Invoicing (app/src/invoicing/): the MSP's own company, the seller on every
-- invoice, and the numbering series. Numbers are taken from a series only at
-- finalisation, inside the invoice's transaction, by locking the series row last
-- (invoicing/numbers.rs), so they are gapless and strictly increasing.

create table company (
    -- One row: the company running Onboard.
    id                  boolean primary key default true check (id),
    legal_name          text not null,
    street              text,
    postal_code         text,
    city                text,
    region              text,
    country             text,
    vat_id              text,
    tax_number          text,
    commercial_register text,
    managing_directors  text,
    email               text,
    bank_name           text,
    iban                text,
    bic                 text,
    tax_area            text not null check (tax_area in ('de', 'es', 'es_cn')),
    time_zone           text not null,
    version             integer not null default 1,
    updated_at          timestamptz not null default now(),
    updated_by          uuid references users (id)
);

create table invoice_series (
    id            uuid primary key default gen_random_uuid(),
    kind          text not null check (kind in ('invoice', 'credit_note')),
    name          text not null,
    -- domain::numbering::NumberFormat, e.g. RE-{YYYY}-{N:5}
    format        text not null,
    -- The counter the next number gets, and the year the counter counts in.
    next_number   bigint not null check (next_number >= 1),
    counter_year  integer,
    yearly_reset  boolean not null default true,
    -- The series a kind of document uses unless another is chosen.
    is_default    boolean not null default false,
    -- Numbers given so far. Once one is, format and counter are fixed: changing them could
    -- repeat a number or leave a gap.
    issued        bigint not null default 0,
    version       integer not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create unique index invoice_series_default_key on invoice_series (kind) where is_default;
create unique index invoice_series_name_key on invoice_series (lower(name));

-- Defaults as German accounting software expects them; the first invoice run asks to
-- review them before any number is given.
insert into invoice_series (kind, name, format, next_number, yearly_reset, is_default) values
    ('invoice', 'Rechnungen', 'RE-{YYYY}-{N:5}', 1, true, true),
    ('credit_note', 'Rechnungskorrekturen', 'RK-{YYYY}-{N:5}', 1, true, true);

-- The first run's review of the numbering: who confirmed the series, and when.
create table numbering_review (
    id           boolean primary key default true check (id),
    confirmed_at timestamptz not null,
    confirmed_by uuid references users (id)
);
