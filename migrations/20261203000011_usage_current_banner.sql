-- The latest reading of every service a customer has readings of, kept by triggers on
-- `usage_readings`: what "uses services" means for the Sales & billing banner, the
-- customer list's filter and the contract wizard's prefill, without a DISTINCT ON over
-- the whole reading history per customer. "Latest" is the newest reading date, then the
-- newest recording, then the source (as `usage::db::latest_quantities` orders them, so
-- two sources read on one day in one batch give the same answer everywhere). A reading
-- dated tomorrow (ingestion allows a day of time-zone slack) counts from when it arrives.
create table usage_current (
    customer_id   uuid not null references customers (id) on delete cascade,
    service_id    uuid not null references services (id),
    quantity      numeric(20, 2) not null,
    reading_date  date not null,
    recorded_at   timestamptz not null,
    primary key (customer_id, service_id)
);
-- "customers that use at least one service": an index-only probe per customer
create index usage_current_in_use_idx on usage_current (customer_id) where quantity > 0;

insert into usage_current (customer_id, service_id, quantity, reading_date, recorded_at)
select distinct on (customer_id, service_id) customer_id, service_id, quantity, reading_date, recorded_at
  from usage_readings
 order by customer_id, service_id, reading_date desc, recorded_at desc, source desc;

-- Statement-level, with the statement's rows as a transition table: an ingestion batch of
-- 1,000 readings runs the upsert once, not 1,000 times. PostgreSQL allows a transition
-- table only on a single-event trigger, hence one trigger for inserts and one for updates
-- (an ON CONFLICT DO UPDATE batch fires both).
create function usage_current_refresh() returns trigger language plpgsql as $$
begin
    insert into usage_current as u (customer_id, service_id, quantity, reading_date, recorded_at)
    select distinct on (customer_id, service_id) customer_id, service_id, quantity, reading_date, recorded_at
      from changed
     order by customer_id, service_id, reading_date desc, recorded_at desc, source desc
    on conflict (customer_id, service_id) do update
       set quantity = excluded.quantity, reading_date = excluded.reading_date, recorded_at = excluded.recorded_at
     where (excluded.reading_date, excluded.recorded_at) >= (u.reading_date, u.recorded_at);
    return null;
end $$;

create trigger usage_current_on_insert after insert on usage_readings
    referencing new table as changed for each statement execute function usage_current_refresh();
create trigger usage_current_on_update after update on usage_readings
    referencing new table as changed for each statement execute function usage_current_refresh();

-- "Active contract" for the banner and the wizard's filter: active and not ended.
create index contracts_customer_active_idx on contracts (customer_id, end_date) where active;

-- A banner a user closed, with the count it showed then: it comes back when the count
-- grows past that.
create table banner_dismissals (
    user_id       uuid not null references users (id) on delete cascade,
    banner        text not null,
    count_at      bigint not null,
    dismissed_at  timestamptz not null default now(),
    primary key (user_id, banner)
);
