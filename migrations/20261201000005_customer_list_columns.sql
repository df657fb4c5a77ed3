-- What the customer list shows of a customer's domains, contracts and children, kept on
-- the customer row itself. Looking them up for each of the 50 rows of a page (three
-- correlated subqueries per row) was most of the list's cost in PostgreSQL; triggers
-- keep the copies right whichever code path writes the source tables.

alter table customers
    add column list_domains   text[]  not null default '{}',
    add column contract_count integer not null default 0,
    add column child_count    integer not null default 0;

update customers c
   set list_domains = coalesce((select array_agg(d.domain order by d.domain collate "C")
                                  from customer_domains d where d.customer_id = c.id), '{}'),
       contract_count = (select count(*) from contracts t where t.customer_id = c.id),
       child_count = (select count(*) from customers ch where ch.parent_id = c.id);

-- Domains: statement-level, so an import's 100,000 domain rows cost one set-based
-- update (and none at all when the importer already wrote `list_domains`, as it does).
-- The customers are locked first: a second transaction changing the same customer's
-- domains then waits, and computes the list afresh (a new snapshot per statement) from
-- what the first committed. Sorted byte-wise ("C"), as the importer sorts.
create function refresh_list_domains(ids uuid[]) returns void language sql as $$
    select 1 from customers where id = any(ids) order by id for update;
    with agg as (
        select d.customer_id as id, array_agg(d.domain order by d.domain collate "C") as domains
          from customer_domains d where d.customer_id = any(ids) group by d.customer_id),
    wanted as (
        select x.id, coalesce(agg.domains, '{}') as domains
          from unnest(ids) x(id) left join agg on agg.id = x.id)
    update customers c set list_domains = w.domains
      from wanted w
     where c.id = w.id and c.list_domains is distinct from w.domains;
$$;

-- One function for the three triggers: each names only the transition tables its event has.
create function customer_domains_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform refresh_list_domains(array(select distinct customer_id from new_rows));
    elsif tg_op = 'DELETE' then
        perform refresh_list_domains(array(select distinct customer_id from old_rows));
    else
        perform refresh_list_domains(array(select customer_id from old_rows union select customer_id from new_rows));
    end if;
    return null;
end $$;

create trigger customer_domains_list_insert after insert on customer_domains
    referencing new table as new_rows for each statement execute function customer_domains_changed();
create trigger customer_domains_list_delete after delete on customer_domains
    referencing old table as old_rows for each statement execute function customer_domains_changed();
create trigger customer_domains_list_update after update on customer_domains
    referencing old table as old_rows new table as new_rows for each statement
    execute function customer_domains_changed();

-- Contracts and children change one at a time (wizard, customer page): row-level
-- triggers that fire only when the counted relation changes.
create function contracts_counted() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        update customers set contract_count = contract_count - 1 where id = old.customer_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        update customers set contract_count = contract_count + 1 where id = new.customer_id;
    end if;
    return null;
end $$;

create trigger contracts_count_insert after insert on contracts
    for each row execute function contracts_counted();
create trigger contracts_count_delete after delete on contracts
    for each row execute function contracts_counted();
create trigger contracts_count_update after update of customer_id on contracts
    for each row when (old.customer_id is distinct from new.customer_id) execute function contracts_counted();

create function children_counted() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') and old.parent_id is not null then
        update customers set child_count = child_count - 1 where id = old.parent_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.parent_id is not null then
        update customers set child_count = child_count + 1 where id = new.parent_id;
    end if;
    return null;
end $$;

create trigger customers_child_count_insert after insert on customers
    for each row when (new.parent_id is not null) execute function children_counted();
create trigger customers_child_count_delete after delete on customers
    for each row when (old.parent_id is not null) execute function children_counted();
create trigger customers_child_count_update after update of parent_id on customers
    for each row when (old.parent_id is distinct from new.parent_id) execute function children_counted();

-- The one remaining per-row lookup of the list, the main contact's name, answered from
-- the index alone (`is_main` is included too: PostgreSQL 15 does not use an index-only
-- scan when the query names a column that only the index's predicate mentions).
drop index contacts_one_main_idx;
create unique index contacts_one_main_idx on contacts (customer_id) include (first_name, last_name, is_main)
    where is_main;
