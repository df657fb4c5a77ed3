-- The service catalogue comes in and goes out through the import engine too: an import
-- of kind `services` records the services it created or changed (entity `service`, the
-- stored definition before as `before`), so it can be undone like the others.
alter table imports drop constraint imports_kind_check;
alter table imports add constraint imports_kind_check check (kind in ('customers', 'contacts', 'services'));
alter table import_records drop constraint import_records_entity_check;
alter table import_records add constraint import_records_entity_check
    check (entity in ('customer', 'contact', 'service'));
