// The SQL that Gust installs in a source database to capture a table's changes: a row trigger
// writes each change, once per mapping that captures the table, into gust_capture.changes (in
// the writer's own transaction, so a change exists exactly when it commits) and NOTIFYs the
// consumers. Works at wal_level=replica; see docs/event-sources.md for the choice.
export const CAPTURE_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS gust_capture;
CREATE TABLE IF NOT EXISTS gust_capture.subscriptions (
  id text PRIMARY KEY,
  table_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS gust_capture.changes (
  seq bigserial PRIMARY KEY,
  subscription text NOT NULL,
  table_name text NOT NULL,
  op text NOT NULL,
  keys jsonb NOT NULL,
  new_row jsonb,
  old_row jsonb,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS changes_by_subscription ON gust_capture.changes (subscription, seq);
CREATE TABLE IF NOT EXISTS gust_capture.checkpoints (
  subscription text PRIMARY KEY,
  sequence_number bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION gust_capture.capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tbl text := quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME);
  subject jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  change_keys jsonb := '{}';
  k text;
BEGIN
  IF coalesce(array_length(TG_ARGV, 1), 0) = 0 THEN
    change_keys := subject;
  ELSE
    FOREACH k IN ARRAY TG_ARGV LOOP
      change_keys := change_keys || jsonb_build_object(k, subject -> k);
    END LOOP;
  END IF;
  INSERT INTO gust_capture.changes (subscription, table_name, op, keys, new_row, old_row)
    SELECT s.id, tbl, TG_OP, change_keys,
           CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,
           CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END
    FROM gust_capture.subscriptions s WHERE s.table_name = tbl;
  PERFORM pg_notify('gust_capture', tbl);
  RETURN NULL;
END $$;
`;

/** The table's canonical quoted name (schema.table), or null when it does not exist. */
export const RESOLVE_TABLE_SQL = `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`;

/** The primary key's columns, in key order (a table without one is keyed by its whole row). */
export const PRIMARY_KEY_SQL = `SELECT a.attname AS name FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
  WHERE i.indrelid = to_regclass($1) AND i.indisprimary
  ORDER BY array_position(i.indkey::int2[], a.attnum)`;

/** Quotes an identifier for SQL text (a trigger's arguments cannot be bound parameters). */
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
