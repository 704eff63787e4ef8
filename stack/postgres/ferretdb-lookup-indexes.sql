-- FerretDB 1.24 (PostgreSQL backend) pushes an equality filter down as
--   (_jsonb -> 'field') @> '<value>'
-- which its own btree indexes on (_jsonb -> 'field') cannot serve: every lookup, even by _id,
-- scans the whole table. A GIN index on the same expression serves `@>`. This event trigger
-- gives every collection table FerretDB creates such indexes for the fields we look up by
-- equality (blockExpires: the block-expiry sweeper's query). Idempotent; installed by
-- stack/stack.sh in the `ferretdb` database.

CREATE OR REPLACE FUNCTION switchboard_lookup_indexes() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  created record;
  field text;
BEGIN
  FOR created IN
    SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' AND object_type = 'table'
  LOOP
    IF EXISTS (
      SELECT 1 FROM pg_attribute
      WHERE attrelid = created.objid AND attname = '_jsonb' AND NOT attisdropped
    ) THEN
      FOREACH field IN ARRAY ARRAY['_id', 'tenantId', 'contactId', 'tagIds', 'nameKey', 'blockExpires'] LOOP
        EXECUTE format(
          'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L))',
          'switchboard_' || created.objid || '_' || lower(field),
          created.object_identity,
          field
        );
      END LOOP;
    END IF;
  END LOOP;
END;
$$;

DROP EVENT TRIGGER IF EXISTS switchboard_lookup_indexes;
CREATE EVENT TRIGGER switchboard_lookup_indexes ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION switchboard_lookup_indexes();

-- Tables created before the trigger existed.
DO $$
DECLARE
  existing record;
  field text;
BEGIN
  FOR existing IN
    SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS identity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped
    WHERE c.relkind = 'r'
  LOOP
    FOREACH field IN ARRAY ARRAY['_id', 'tenantId', 'contactId', 'tagIds', 'nameKey', 'blockExpires'] LOOP
      EXECUTE format(
        'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L))',
        'switchboard_' || existing.oid || '_' || lower(field),
        existing.identity,
        field
      );
    END LOOP;
  END LOOP;
END;
$$;
