-- Records an import creates carry the import's id instead of two bookkeeping rows each
-- (an `import_records` row for undo, an `audit_log` row for the history). Those rows were
-- about a third of a large import's commit. Undo deletes by this column, the customer's
-- history shows an "imported" entry from it, and `import_records` keeps only what an
-- import changed (with the values before) plus created records it changed again later
-- in the same commit (a main contact demoted by a later chunk).
--
-- No foreign key: it would cost a lookup per imported row, and committed imports are
-- never deleted (only uploads that were never committed are, and nothing points at those).
-- No index either: undo is the one query by import, and it reads the table once.

alter table customers add column import_id uuid;
alter table contacts add column import_id uuid;

-- Imports committed before this: their created records get the id from their
-- `import_records` rows (which stay: a `created` row's version is what undo checks), and
-- their one-per-record "imported" audit rows go, as the history now shows that entry
-- from the import itself.
update customers c set import_id = r.import_id
  from import_records r where r.entity = 'customer' and r.action = 'created' and r.record_id = c.id;
update contacts k set import_id = r.import_id
  from import_records r where r.entity = 'contact' and r.action = 'created' and r.record_id = k.id;
delete from audit_log a
 using import_records r
 where r.action = 'created' and a.entity = r.entity and a.entity_id = r.record_id
   and a.action = 'imported' and a.changes = '[]'::jsonb;

-- Imported customers rarely have an account manager or a tax id: index only the rows
-- that have one (every query of these indexes names a value, so the planner still uses them).
drop index customers_account_manager_idx;
create index customers_account_manager_idx on customers (account_manager_id) where account_manager_id is not null;
drop index customers_tax_id_idx;
create index customers_tax_id_idx on customers (lower(replace(tax_id, ' ', '')) text_pattern_ops)
    where tax_id is not null;

-- Inserted domains that the customer's list already has need no refresh (and no lock):
-- with the list right before the statement, a new domain can only be in it when the
-- writer put it there with the row, as the importer does for the customers it creates.
-- That check was half of an import's domain insert (locking 100,000 new rows to find
-- nothing to update). Each new row looks its customer up by id (a subquery, not a join:
-- as a join, the planner scanned the whole table for each chunk of an import, which made
-- every chunk slower than the one before), and the query is planned each time
-- (`execute`): a plan kept from when the table was small would be the wrong one later.
create or replace function customer_domains_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        execute 'select refresh_list_domains(array(
            select distinct n.customer_id from new_rows n
             where not coalesce((select n.domain = any(c.list_domains) from customers c
                                  where c.id = n.customer_id), false)))';
    elsif tg_op = 'DELETE' then
        perform refresh_list_domains(array(select distinct customer_id from old_rows));
    else
        perform refresh_list_domains(array(select customer_id from old_rows union select customer_id from new_rows));
    end if;
    return null;
end $$;
