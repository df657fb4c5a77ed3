-- Customers after the wizard: billing info and invoice settings, account teams,
-- parent/child structure, portal settings, contacts' portal access, the audit trail,
-- and the indexes that keep the list and its search fast at 100,000 customers.

create extension if not exists pg_trgm;

-- "Restricted to my accounts": sees only customers where they are account manager or
-- on the team. Never applies to admins.
alter table users add column restricted boolean not null default false;

alter table customers
    add column external_id            text,
    add column parent_id              uuid references customers (id),
    add column bill_to_parent         boolean not null default false,
    add column account_manager_id     uuid references users (id),
    add column tickets_only_via_main  boolean not null default false,
    add column self_managed_profile   boolean not null default false,
    -- Billing info and invoice settings (domain::BillingInfo); each may be unset.
    add column billing_attention      text,
    add column billing_email          text,
    add column billing_street         text,
    add column billing_postal_code    text,
    add column billing_city           text,
    add column billing_region         text,
    add column billing_country        text,
    add column tax_region             text check (tax_region in ('domestic', 'eu', 'non_eu')),
    add column billing_tax_id         text,
    add column tax_treatment          text not null default 'standard'
        check (tax_treatment in ('standard', 'exempt', 'reverse_charge')),
    add column billing_currency       char(3),
    add column payment_terms_days     integer check (payment_terms_days between 0 and 365),
    add column invoice_template       text not null default 'standard'
        check (invoice_template in ('standard', 'detailed', 'compact')),
    add column invoice_language       text check (invoice_language in ('de', 'es', 'en')),
    add column invoice_delivery       text not null default 'email' check (invoice_delivery in ('email', 'post')),
    -- domain::BillingInfo::is_complete, stored on every save so the list can filter on it.
    add column billing_complete       boolean not null default false,
    add check (parent_id is null or parent_id <> id),
    add check (parent_id is not null or not bill_to_parent);

create unique index customers_external_id_key on customers (external_id) where external_id is not null;
-- Keyset paging by name and by creation, each with the id as tie-breaker.
drop index customers_name_idx;
create index customers_name_idx on customers (lower(name), id);
create index customers_created_idx on customers (created_at, id);
create index customers_name_trgm_idx on customers using gin (lower(name) gin_trgm_ops);
create index customers_tax_id_idx on customers (lower(replace(tax_id, ' ', '')) text_pattern_ops);
create index customers_parent_idx on customers (parent_id) where parent_id is not null;
create index customers_account_manager_idx on customers (account_manager_id);
create index customers_billing_gap_idx on customers (lower(name), id) where not billing_complete and archived_at is null;
create index customer_domains_trgm_idx on customer_domains using gin (domain gin_trgm_ops);

-- Staff with the account manager's rights on a customer.
create table customer_team (
    customer_id uuid not null references customers (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    primary key (customer_id, user_id)
);
create index customer_team_user_idx on customer_team (user_id, customer_id);

alter table contacts
    add column external_id             text,
    add column notification_preference text not null default 'all'
        check (notification_preference in ('all', 'own_tickets', 'none')),
    add column portal_access           boolean not null default false,
    add column portal_level            text not null default 'standard'
        check (portal_level in ('standard', 'company', 'manager')),
    -- Acronis' "Firmenkontakt": speaks for the company (shown with a self-managed profile).
    add column company_contact         boolean not null default false,
    -- An archived contact cannot be the main contact.
    add check (not (is_main and archived_at is not null));
create unique index contacts_external_id_key on contacts (external_id) where external_id is not null;
create index contacts_name_trgm_idx on contacts using gin (lower(first_name || ' ' || last_name) gin_trgm_ops);
create index contacts_email_trgm_idx on contacts using gin (lower(email) gin_trgm_ops);

-- Who changed what and when. `changes` is a list of {field, before, after}.
create table audit_log (
    id          bigint generated always as identity primary key,
    customer_id uuid not null references customers (id) on delete cascade,
    entity      text not null check (entity in ('customer', 'contact', 'billing', 'access', 'portal')),
    entity_id   uuid not null,
    action      text not null,
    actor_id    uuid references users (id),
    changes     jsonb not null default '[]',
    at          timestamptz not null default now()
);
create index audit_log_customer_idx on audit_log (customer_id, id desc);
