-- Sales items (domain::SalesItem): one-off sales billed by the invoice run on their date.
-- Typed columns rather than a JSON definition, because the run sums and groups them.
-- `invoice_id` is set by the run when the item is on an issued invoice; from then on the
-- item is locked (the server refuses edits, moves and deletes).
create table sales_items (
    id            uuid primary key default gen_random_uuid(),
    customer_id   uuid not null references customers (id),
    service_id    uuid references services (id),
    -- The catalogue version the item was sold from (the price it defaulted to).
    service_version integer,
    description   text not null,
    kind          text not null check (kind in ('sale', 'prepaid_hours', 'prepaid_money')),
    contract_id   uuid references contracts (id),
    quantity      numeric(12, 2) not null check (quantity > 0),
    unit_price    numeric(16, 4) not null check (unit_price >= 0),
    currency      char(3) not null,
    item_date     date not null,
    tax_category  text not null,
    notes         text,
    invoice_id    uuid,
    invoiced_at   timestamptz,
    version       integer not null default 1,
    created_by    uuid references users (id),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    check ((kind = 'sale') = (contract_id is null))
);
-- The list pages: newest first, all or per customer, keyset on (date, id).
create index sales_items_date_idx on sales_items (item_date desc, id desc);
create index sales_items_customer_idx on sales_items (customer_id, item_date desc, id desc);
-- What the invoice run will pick up.
create index sales_items_open_idx on sales_items (item_date) where invoice_id is null;
