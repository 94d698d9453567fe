/**
 * Statements with the locks PostgreSQL takes for them: the data behind the lock table's tests
^ * (test/locks.pg.test.ts runs every case on a real PostgreSQL and reads pg_locks) and, later, the docs.
 *
 * Every case runs in a fresh schema holding BASE_SETUP plus its own extra setup, with search_path set to it.
 * `expect` lists the claims statementEffect makes, strongest mode per relation, as written in the SQL
 * ("orders", or "app.orders" when qualified). The test asserts both that the claims equal `expect` and that
 * PostgreSQL takes exactly those modes.
 */
import type { LockMode } from '../src/types.js';

export interface LockCase {
  name: string;
  setup: string[];
  sql: string;
  expect?: { relation: string; mode: LockMode }[];
  /** The claims on servers older than `version`, when they differ there. */
  expectBelow?: { version: number; expect: { relation: string; mode: LockMode }[] };
  /**
   * For a statement that commits in phases (DETACH PARTITION … CONCURRENTLY): every lock request it makes that a
   * blocker can make wait, in order. Each is proved by holding the weakest conflicting mode on the relation and
   * watching the statement wait for exactly this mode there.
   */
  phases?: { relation: string; mode: LockMode }[];
  /**
   * Relations PostgreSQL locks that the SQL does not name, so statementEffect cannot claim them: the other side of
   * a foreign key (the schema model claims it: src/project/model-locks.ts, test/project/model.pg.test.ts), the
   * tables a materialized view's query reads. Each is proved held in exactly this mode.
   */
  unnamed?: { relation: string; mode: LockMode }[];
  /** PostgreSQL refuses the statement inside a transaction block. */
  nonTransactional?: true;
  /** Oldest PostgreSQL major version that accepts the statement. */
  pgMin?: number;
}

/** The schema the tests create for each case (cases may qualify names with it). */
export const LOCK_SCHEMA = 'app';

/** A tablespace the tests create once, for SET TABLESPACE cases. */
export const LOCK_TABLESPACE = 'lock_scratch_space';

export const BASE_SETUP: string[] = [
  'CREATE TABLE customers (id bigint PRIMARY KEY, email text)',
  'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, quantity integer, total numeric, note text)',
  'CREATE INDEX orders_customer_idx ON orders (customer_id)',
  "INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 100) g",
  'INSERT INTO orders SELECT g, 1 + g % 100, 1, g * 1.5, NULL FROM generate_series(1, 1000) g',
  'ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID',
  'CREATE TABLE events (id bigint NOT NULL, happened_at date NOT NULL, kind text) PARTITION BY RANGE (happened_at)',
  "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
  "INSERT INTO events SELECT g, date '2024-01-01' + g % 300, 'click' FROM generate_series(1, 500) g",
  'CREATE MATERIALIZED VIEW customer_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id',
  'CREATE UNIQUE INDEX customer_totals_customer_idx ON customer_totals (customer_id)',
];

const TRIGGER_FN = 'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$';
const TRIGGER = 'CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()';
const FK_NOT_VALID = 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID';
const EVENTS_2025 = 'CREATE TABLE events_2025 (id bigint NOT NULL, happened_at date NOT NULL, kind text)';
/** A table shaped like the partitions of events, not yet attached. */
export const EVENTS_2025_SETUP = EVENTS_2025;

function base(...extra: string[]): string[] {
  return [...BASE_SETUP, ...extra];
}

export const LOCK_CASES: LockCase[] = [
  // ── indexes ────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'CREATE INDEX',
    setup: base(),
    sql: 'CREATE INDEX orders_note_idx ON orders (note)',
    expect: [{ relation: 'orders', mode: 'ShareLock' }],
  },
  {
    name: 'CREATE INDEX on a schema-qualified table',
    setup: base(),
    sql: 'CREATE INDEX orders_total_idx ON app.orders (total)',
    expect: [{ relation: 'app.orders', mode: 'ShareLock' }],
  },
  {
    name: 'CREATE UNIQUE INDEX',
    setup: base(),
    sql: 'CREATE UNIQUE INDEX orders_id_note_idx ON orders (id, note)',
    expect: [{ relation: 'orders', mode: 'ShareLock' }],
  },
  {
    name: 'CREATE INDEX on a partitioned table',
    setup: base(),
    sql: 'CREATE INDEX events_kind_idx ON events (kind)',
    expect: [{ relation: 'events', mode: 'ShareLock' }],
  },
  {
    name: 'CREATE INDEX CONCURRENTLY',
    setup: base(),
    sql: 'CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note)',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
    nonTransactional: true,
  },
  {
    name: 'CREATE UNIQUE INDEX CONCURRENTLY',
    setup: base(),
    sql: 'CREATE UNIQUE INDEX CONCURRENTLY orders_id_note_idx ON orders (id, note)',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
    nonTransactional: true,
  },
  {
    name: 'DROP INDEX',
    setup: base(),
    sql: 'DROP INDEX orders_customer_idx',
    expect: [{ relation: 'orders_customer_idx', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'DROP INDEX CONCURRENTLY',
    setup: base(),
    sql: 'DROP INDEX CONCURRENTLY orders_customer_idx',
    expect: [{ relation: 'orders_customer_idx', mode: 'ShareUpdateExclusiveLock' }],
    nonTransactional: true,
  },
  {
    name: 'REINDEX INDEX',
    setup: base(),
    sql: 'REINDEX INDEX orders_customer_idx',
    expect: [{ relation: 'orders_customer_idx', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'REINDEX TABLE',
    setup: base(),
    sql: 'REINDEX TABLE orders',
    expect: [{ relation: 'orders', mode: 'ShareLock' }],
  },
  {
    name: 'REINDEX INDEX CONCURRENTLY',
    setup: base(),
    sql: 'REINDEX INDEX CONCURRENTLY orders_customer_idx',
    expect: [{ relation: 'orders_customer_idx', mode: 'ShareUpdateExclusiveLock' }],
    nonTransactional: true,
    pgMin: 12,
  },
  {
    name: 'REINDEX TABLE CONCURRENTLY',
    setup: base(),
    sql: 'REINDEX TABLE CONCURRENTLY orders',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
    nonTransactional: true,
    pgMin: 12,
  },
  {
    name: 'ALTER INDEX RENAME',
    setup: base(),
    sql: 'ALTER INDEX orders_customer_idx RENAME TO orders_customer_id_idx',
    expect: [{ relation: 'orders_customer_idx', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'ALTER INDEX SET TABLESPACE',
    setup: base(),
    sql: `ALTER INDEX orders_customer_idx SET TABLESPACE ${LOCK_TABLESPACE}`,
    expect: [{ relation: 'orders_customer_idx', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER INDEX ATTACH PARTITION',
    setup: base('CREATE INDEX events_kind_idx ON ONLY events (kind)', 'CREATE INDEX events_2024_kind_idx ON events_2024 (kind)'),
    sql: 'ALTER INDEX events_kind_idx ATTACH PARTITION events_2024_kind_idx',
    expect: [
      { relation: 'events_kind_idx', mode: 'ShareUpdateExclusiveLock' },
      { relation: 'events_2024_kind_idx', mode: 'AccessExclusiveLock' },
    ],
  },

  // ── ALTER TABLE: columns ───────────────────────────────────────────────────────────────────────
  {
    name: 'ALTER TABLE ADD COLUMN',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN shipped_at timestamptz',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN NOT NULL DEFAULT constant',
    setup: base(),
    sql: "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'",
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN DEFAULT now() (stable: no rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN with a volatile default (rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid()',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN GENERATED ALWAYS AS IDENTITY (rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN GENERATED ... STORED (rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN total_cents numeric GENERATED ALWAYS AS (total * 100) STORED',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN GENERATED ... VIRTUAL',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN total_double numeric GENERATED ALWAYS AS (total * 2) VIRTUAL',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
    pgMin: 18,
  },
  {
    name: 'ALTER TABLE DROP COLUMN',
    setup: base(),
    sql: 'ALTER TABLE orders DROP COLUMN note',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ALTER COLUMN TYPE (rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ALTER COLUMN SET NOT NULL',
    setup: base(),
    sql: 'ALTER TABLE orders ALTER COLUMN total SET NOT NULL',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ALTER COLUMN DROP NOT NULL',
    setup: base('ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL'),
    sql: 'ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ALTER COLUMN SET DEFAULT',
    setup: base(),
    sql: "ALTER TABLE orders ALTER COLUMN note SET DEFAULT ''",
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ALTER COLUMN SET STATISTICS',
    setup: base(),
    sql: 'ALTER TABLE orders ALTER COLUMN note SET STATISTICS 500',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE RENAME COLUMN',
    setup: base(),
    sql: 'ALTER TABLE orders RENAME COLUMN note TO remark',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },

  // ── ALTER TABLE: constraints ───────────────────────────────────────────────────────────────────
  {
    name: 'ALTER TABLE ADD FOREIGN KEY',
    setup: base(),
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
    expect: [
      { relation: 'orders', mode: 'ShareRowExclusiveLock' },
      { relation: 'customers', mode: 'ShareRowExclusiveLock' },
    ],
  },
  {
    name: 'ALTER TABLE ADD FOREIGN KEY NOT VALID',
    setup: base(),
    sql: FK_NOT_VALID,
    expect: [
      { relation: 'orders', mode: 'ShareRowExclusiveLock' },
      { relation: 'customers', mode: 'ShareRowExclusiveLock' },
    ],
  },
  {
    name: 'ALTER TABLE VALIDATE CONSTRAINT (foreign key)',
    setup: base(FK_NOT_VALID),
    sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
    unnamed: [{ relation: 'customers', mode: 'RowShareLock' }],
  },
  {
    name: 'ALTER TABLE ADD CHECK',
    setup: base(),
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_note_length CHECK (length(note) < 1000)',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD CHECK NOT VALID',
    setup: base(),
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_note_length CHECK (length(note) < 1000) NOT VALID',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE VALIDATE CONSTRAINT (check)',
    setup: base(),
    sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD CONSTRAINT NOT NULL NOT VALID',
    setup: base(),
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_note_not_null NOT NULL note NOT VALID',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
    pgMin: 18,
  },
  {
    name: 'ALTER TABLE ADD UNIQUE',
    setup: base(),
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_note_key UNIQUE (note)',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD PRIMARY KEY',
    setup: base('CREATE TABLE audit_log (id bigint, message text)', 'INSERT INTO audit_log SELECT g, NULL FROM generate_series(1, 100) g'),
    sql: 'ALTER TABLE audit_log ADD PRIMARY KEY (id)',
    expect: [{ relation: 'audit_log', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD UNIQUE USING INDEX',
    setup: base('CREATE UNIQUE INDEX orders_id_note_key ON orders (id, note)'),
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_id_note_key UNIQUE USING INDEX orders_id_note_key',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD EXCLUDE',
    setup: base(),
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_id_excl EXCLUDE USING btree (id WITH =)',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE DROP CONSTRAINT (check)',
    setup: base(),
    sql: 'ALTER TABLE orders DROP CONSTRAINT orders_total_nonnegative',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },

  // ── ALTER TABLE: table-level ───────────────────────────────────────────────────────────────────
  {
    name: 'ALTER TABLE RENAME TO',
    setup: base(),
    sql: 'ALTER TABLE orders RENAME TO purchase_orders',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE SET TABLESPACE (rewrite)',
    setup: base(),
    sql: `ALTER TABLE orders SET TABLESPACE ${LOCK_TABLESPACE}`,
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE SET (fillfactor)',
    setup: base(),
    sql: 'ALTER TABLE orders SET (fillfactor = 70)',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE SET (autovacuum_vacuum_scale_factor)',
    setup: base(),
    sql: 'ALTER TABLE orders SET (autovacuum_vacuum_scale_factor = 0.01)',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE SET UNLOGGED (rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders SET UNLOGGED',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE SET ACCESS METHOD heap (its own method: no rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders SET ACCESS METHOD heap',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
    pgMin: 15,
  },
  {
    name: 'ALTER TABLE SET LOGGED (rewrite)',
    setup: base('CREATE UNLOGGED TABLE scratch (id bigint)', 'INSERT INTO scratch SELECT generate_series(1, 100)'),
    sql: 'ALTER TABLE scratch SET LOGGED',
    expect: [{ relation: 'scratch', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE CLUSTER ON',
    setup: base(),
    sql: 'ALTER TABLE orders CLUSTER ON orders_pkey',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE DISABLE TRIGGER',
    setup: base(TRIGGER_FN, TRIGGER),
    sql: 'ALTER TABLE orders DISABLE TRIGGER orders_touch',
    expect: [{ relation: 'orders', mode: 'ShareRowExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ENABLE TRIGGER',
    setup: base(TRIGGER_FN, TRIGGER, 'ALTER TABLE orders DISABLE TRIGGER orders_touch'),
    sql: 'ALTER TABLE orders ENABLE TRIGGER orders_touch',
    expect: [{ relation: 'orders', mode: 'ShareRowExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE with several subcommands (strongest wins)',
    setup: base(),
    sql: 'ALTER TABLE orders SET (fillfactor = 80), VALIDATE CONSTRAINT orders_total_nonnegative, ADD COLUMN flag boolean',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE with several weak subcommands',
    setup: base(),
    sql: 'ALTER TABLE orders SET (fillfactor = 80), VALIDATE CONSTRAINT orders_total_nonnegative',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },

  {
    name: 'ALTER TABLE ADD COLUMN REFERENCES',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN referrer_id bigint REFERENCES customers (id)',
    expect: [
      { relation: 'orders', mode: 'AccessExclusiveLock' },
      { relation: 'customers', mode: 'ShareRowExclusiveLock' },
    ],
  },
  {
    name: 'ALTER TABLE ADD COLUMN bigserial (rewrite)',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN seq bigserial',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN with an inline CHECK',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN discount numeric DEFAULT 0 CHECK (discount >= 0)',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    // Django's AddField of a nullable PositiveSmallIntegerField: the column is all NULL, yet PostgreSQL still reads
    // every row to check the constraint (constraint-missing-not-valid's message).
    name: 'ALTER TABLE ADD COLUMN with an inline CHECK, nullable, no default',
    setup: base(),
    sql: 'ALTER TABLE orders ADD COLUMN position smallint NULL CHECK (position >= 0)',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ALTER COLUMN SET (n_distinct)',
    setup: base(),
    sql: 'ALTER TABLE orders ALTER COLUMN customer_id SET (n_distinct = 100)',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ALTER COLUMN SET EXPRESSION (rewrite)',
    setup: base('ALTER TABLE orders ADD COLUMN total_cents numeric GENERATED ALWAYS AS (total * 100) STORED'),
    sql: 'ALTER TABLE orders ALTER COLUMN total_cents SET EXPRESSION AS (total * 1000)',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
    pgMin: 17,
  },
  {
    name: 'ALTER TABLE ALTER CONSTRAINT (foreign key) DEFERRABLE',
    setup: base(FK_NOT_VALID),
    sql: 'ALTER TABLE orders ALTER CONSTRAINT orders_customer_fk DEFERRABLE',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ENABLE ROW LEVEL SECURITY',
    setup: base(),
    sql: 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE REPLICA IDENTITY FULL',
    setup: base(),
    sql: 'ALTER TABLE orders REPLICA IDENTITY FULL',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE OWNER TO',
    setup: base(),
    sql: 'ALTER TABLE orders OWNER TO CURRENT_USER',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE SET SCHEMA',
    setup: base('CREATE SCHEMA IF NOT EXISTS lock_archive'),
    sql: 'ALTER TABLE customers SET SCHEMA lock_archive',
    expect: [{ relation: 'customers', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE INHERIT',
    setup: base('CREATE TABLE old_orders (LIKE orders INCLUDING CONSTRAINTS)'),
    sql: 'ALTER TABLE old_orders INHERIT orders',
    expect: [
      { relation: 'old_orders', mode: 'AccessExclusiveLock' },
      { relation: 'orders', mode: 'ShareUpdateExclusiveLock' },
    ],
  },
  {
    name: 'ALTER INDEX SET (fillfactor)',
    setup: base(),
    sql: 'ALTER INDEX orders_customer_idx SET (fillfactor = 70)',
    expect: [{ relation: 'orders_customer_idx', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'DROP INDEX (two indexes)',
    setup: base(),
    sql: 'DROP INDEX orders_customer_idx, customer_totals_customer_idx',
    expect: [
      { relation: 'orders_customer_idx', mode: 'AccessExclusiveLock' },
      { relation: 'customer_totals_customer_idx', mode: 'AccessExclusiveLock' },
    ],
  },

  // ── partitions ─────────────────────────────────────────────────────────────────────────────────
  {
    name: 'ALTER TABLE ATTACH PARTITION',
    setup: base(EVENTS_2025),
    sql: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    expect: [
      { relation: 'events', mode: 'ShareUpdateExclusiveLock' },
      { relation: 'events_2025', mode: 'AccessExclusiveLock' },
    ],
  },
  {
    name: 'ALTER TABLE DETACH PARTITION',
    setup: base(),
    sql: 'ALTER TABLE events DETACH PARTITION events_2024',
    expect: [
      { relation: 'events', mode: 'AccessExclusiveLock' },
      { relation: 'events_2024', mode: 'AccessExclusiveLock' },
    ],
  },
  {
    name: 'ALTER TABLE DETACH PARTITION CONCURRENTLY',
    setup: base(),
    sql: 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY',
    expect: [
      { relation: 'events', mode: 'ShareUpdateExclusiveLock' },
      { relation: 'events_2024', mode: 'AccessExclusiveLock' },
    ],
    // First transaction: SHARE UPDATE EXCLUSIVE on both; second: ACCESS EXCLUSIVE on the partition.
    phases: [
      { relation: 'events', mode: 'ShareUpdateExclusiveLock' },
      { relation: 'events_2024', mode: 'ShareUpdateExclusiveLock' },
      { relation: 'events_2024', mode: 'AccessExclusiveLock' },
    ],
    nonTransactional: true,
    pgMin: 14,
  },
  {
    name: 'CREATE TABLE ... PARTITION OF',
    setup: base(),
    sql: "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    expect: [{ relation: 'events', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER TABLE ADD COLUMN on a partitioned table',
    setup: base(),
    sql: 'ALTER TABLE events ADD COLUMN source text',
    expect: [{ relation: 'events', mode: 'AccessExclusiveLock' }],
  },

  // ── tables, views, triggers ────────────────────────────────────────────────────────────────────
  {
    name: 'CREATE TABLE',
    setup: base(),
    sql: 'CREATE TABLE notes (id bigint PRIMARY KEY, body text)',
    expect: [],
  },
  {
    name: 'CREATE TABLE with REFERENCES',
    setup: base(),
    sql: 'CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id))',
    expect: [{ relation: 'orders', mode: 'ShareRowExclusiveLock' }],
  },
  {
    name: 'CREATE TABLE with a table-level FOREIGN KEY',
    setup: base(),
    sql: 'CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint, FOREIGN KEY (order_id) REFERENCES orders (id))',
    expect: [{ relation: 'orders', mode: 'ShareRowExclusiveLock' }],
  },
  {
    name: 'CREATE TABLE AS',
    setup: base(),
    sql: 'CREATE TABLE orders_copy AS SELECT * FROM orders',
    expect: [{ relation: 'orders', mode: 'AccessShareLock' }],
  },
  {
    name: 'DROP TABLE',
    setup: base(),
    sql: 'DROP TABLE customers',
    expect: [{ relation: 'customers', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'TRUNCATE',
    setup: base(),
    sql: 'TRUNCATE orders',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'TRUNCATE a partitioned table',
    setup: base(),
    sql: 'TRUNCATE events',
    expect: [{ relation: 'events', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'CREATE VIEW',
    setup: base(),
    sql: 'CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100',
    expect: [{ relation: 'orders', mode: 'AccessShareLock' }],
  },
  {
    name: 'CREATE OR REPLACE VIEW (existing view)',
    setup: base('CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100'),
    sql: 'CREATE OR REPLACE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 200',
    expect: [
      { relation: 'big_orders', mode: 'AccessExclusiveLock' },
      { relation: 'orders', mode: 'AccessShareLock' },
    ],
  },
  {
    name: 'ALTER VIEW RENAME',
    setup: base('CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100'),
    sql: 'ALTER VIEW big_orders RENAME TO large_orders',
    expect: [{ relation: 'big_orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'DROP MATERIALIZED VIEW',
    setup: base(),
    sql: 'DROP MATERIALIZED VIEW customer_totals',
    expect: [{ relation: 'customer_totals', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'REFRESH MATERIALIZED VIEW',
    setup: base(),
    sql: 'REFRESH MATERIALIZED VIEW customer_totals',
    expect: [{ relation: 'customer_totals', mode: 'AccessExclusiveLock' }],
    unnamed: [{ relation: 'orders', mode: 'AccessShareLock' }], // the view's query reads it
  },
  {
    name: 'REFRESH MATERIALIZED VIEW CONCURRENTLY',
    setup: base(),
    sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY customer_totals',
    expect: [{ relation: 'customer_totals', mode: 'ExclusiveLock' }],
    unnamed: [{ relation: 'orders', mode: 'AccessShareLock' }], // the view's query reads it
  },
  {
    name: 'CREATE TRIGGER',
    setup: base(TRIGGER_FN),
    sql: 'CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()',
    expect: [{ relation: 'orders', mode: 'ShareRowExclusiveLock' }],
  },
  {
    name: 'DROP TRIGGER',
    setup: base(TRIGGER_FN, TRIGGER),
    sql: 'DROP TRIGGER orders_touch ON orders',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'CREATE STATISTICS',
    setup: base(),
    sql: 'CREATE STATISTICS orders_customer_total ON customer_id, total FROM orders',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'COMMENT ON TABLE',
    setup: base(),
    sql: "COMMENT ON TABLE orders IS 'customer orders'",
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'COMMENT ON COLUMN',
    setup: base(),
    sql: "COMMENT ON COLUMN orders.note IS 'free text'",
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'GRANT',
    setup: base(),
    sql: 'GRANT SELECT ON orders TO PUBLIC',
    expect: [{ relation: 'orders', mode: 'AccessShareLock' }],
    expectBelow: { version: 18, expect: [] }, // before 18 GRANT locks no relation
  },
  {
    name: 'ALTER TYPE ... ADD VALUE',
    setup: base("CREATE TYPE order_status AS ENUM ('new', 'paid')"),
    sql: "ALTER TYPE order_status ADD VALUE 'refunded'",
    expect: [],
  },

  {
    name: 'CREATE TABLE ... INHERITS',
    setup: base(),
    sql: 'CREATE TABLE special_orders (reason text) INHERITS (orders)',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'CREATE TABLE ... LIKE',
    setup: base(),
    sql: 'CREATE TABLE orders_archive (LIKE orders INCLUDING ALL)',
    expect: [{ relation: 'orders', mode: 'AccessShareLock' }],
  },
  {
    name: 'DROP VIEW',
    setup: base('CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100'),
    sql: 'DROP VIEW big_orders',
    expect: [{ relation: 'big_orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER MATERIALIZED VIEW RENAME',
    setup: base(),
    sql: 'ALTER MATERIALIZED VIEW customer_totals RENAME TO customer_sums',
    expect: [{ relation: 'customer_totals', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'ALTER SEQUENCE',
    setup: base('CREATE SEQUENCE order_numbers'),
    sql: 'ALTER SEQUENCE order_numbers RESTART WITH 1000',
    expect: [{ relation: 'order_numbers', mode: 'ShareRowExclusiveLock' }],
  },
  {
    name: 'DROP SEQUENCE',
    setup: base('CREATE SEQUENCE order_numbers'),
    sql: 'DROP SEQUENCE order_numbers',
    expect: [{ relation: 'order_numbers', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'CREATE POLICY',
    setup: base(),
    sql: 'CREATE POLICY orders_visible ON orders USING (total > 0)',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'COMMENT ON INDEX',
    setup: base(),
    sql: "COMMENT ON INDEX orders_customer_idx IS 'lookups by customer'",
    expect: [{ relation: 'orders_customer_idx', mode: 'ShareUpdateExclusiveLock' }],
  },

  // ── maintenance ────────────────────────────────────────────────────────────────────────────────
  {
    name: 'VACUUM',
    setup: base(),
    sql: 'VACUUM orders',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
    nonTransactional: true,
  },
  {
    name: 'VACUUM FULL (rewrite)',
    setup: base(),
    sql: 'VACUUM FULL orders',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
    nonTransactional: true,
  },
  {
    name: 'ANALYZE',
    setup: base(),
    sql: 'ANALYZE orders',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'CLUSTER (rewrite)',
    setup: base(),
    sql: 'CLUSTER orders USING orders_pkey',
    expect: [{ relation: 'orders', mode: 'AccessExclusiveLock' }],
  },

  {
    name: 'VACUUM ANALYZE',
    setup: base(),
    sql: 'VACUUM (ANALYZE) orders',
    expect: [{ relation: 'orders', mode: 'ShareUpdateExclusiveLock' }],
    nonTransactional: true,
  },
  {
    name: 'ANALYZE a partitioned table',
    setup: base(),
    sql: 'ANALYZE events',
    expect: [{ relation: 'events', mode: 'ShareUpdateExclusiveLock' }],
  },
  {
    name: 'CLUSTER (every clustered table)',
    setup: base('ALTER TABLE orders CLUSTER ON orders_pkey'),
    sql: 'CLUSTER',
    expect: [],
    nonTransactional: true,
  },
  {
    name: 'REINDEX SCHEMA',
    setup: base(),
    sql: `REINDEX SCHEMA ${LOCK_SCHEMA}`,
    expect: [],
    nonTransactional: true,
  },

  // ── data ───────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'SELECT',
    setup: base(),
    sql: 'SELECT count(*) FROM orders',
    expect: [{ relation: 'orders', mode: 'AccessShareLock' }],
  },
  {
    name: 'SELECT ... FOR UPDATE',
    setup: base(),
    sql: 'SELECT * FROM orders WHERE id = 1 FOR UPDATE',
    expect: [{ relation: 'orders', mode: 'RowShareLock' }],
  },
  {
    name: 'INSERT',
    setup: base(),
    sql: "INSERT INTO customers (id, email) VALUES (1000, 'new@example.com')",
    expect: [{ relation: 'customers', mode: 'RowExclusiveLock' }],
  },
  {
    name: 'INSERT ... SELECT',
    setup: base(),
    sql: 'INSERT INTO orders (id, customer_id, total) SELECT id + 10000, id, 0 FROM customers',
    expect: [
      { relation: 'orders', mode: 'RowExclusiveLock' },
      { relation: 'customers', mode: 'AccessShareLock' },
    ],
  },
  {
    name: 'UPDATE',
    setup: base(),
    sql: "UPDATE orders SET note = 'checked' WHERE total > 100",
    expect: [{ relation: 'orders', mode: 'RowExclusiveLock' }],
  },
  {
    name: 'DELETE',
    setup: base(),
    sql: 'DELETE FROM orders WHERE total > 1000',
    expect: [{ relation: 'orders', mode: 'RowExclusiveLock' }],
  },
  {
    name: 'MERGE',
    setup: base(),
    sql: 'MERGE INTO orders o USING customers c ON o.id = c.id WHEN MATCHED THEN UPDATE SET note = c.email',
    expect: [
      { relation: 'orders', mode: 'RowExclusiveLock' },
      { relation: 'customers', mode: 'AccessShareLock' },
    ],
    pgMin: 15,
  },
  {
    name: 'LOCK TABLE IN SHARE MODE',
    setup: base(),
    sql: 'LOCK TABLE orders IN SHARE MODE',
    expect: [{ relation: 'orders', mode: 'ShareLock' }],
  },
  {
    name: 'LOCK TABLE (default mode)',
    setup: base(),
    sql: 'LOCK TABLE customers',
    expect: [{ relation: 'customers', mode: 'AccessExclusiveLock' }],
  },
  {
    name: 'LOCK TABLE several tables IN ROW EXCLUSIVE MODE',
    setup: base(),
    sql: 'LOCK TABLE orders, customers IN ROW EXCLUSIVE MODE',
    expect: [
      { relation: 'orders', mode: 'RowExclusiveLock' },
      { relation: 'customers', mode: 'RowExclusiveLock' },
    ],
  },

  {
    name: 'SELECT ... FOR UPDATE OF one side of a join',
    setup: base(),
    sql: 'SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 1 FOR UPDATE OF o',
    expect: [
      { relation: 'orders', mode: 'RowShareLock' },
      { relation: 'customers', mode: 'AccessShareLock' },
    ],
  },
  {
    name: 'SELECT from a CTE',
    setup: base(),
    sql: 'WITH big AS (SELECT * FROM orders WHERE total > 100) SELECT count(*) FROM big',
    expect: [{ relation: 'orders', mode: 'AccessShareLock' }],
  },
  {
    name: 'EXPLAIN ANALYZE UPDATE',
    setup: base(),
    sql: "EXPLAIN ANALYZE UPDATE orders SET note = 'x' WHERE id = 1",
    expect: [{ relation: 'orders', mode: 'RowExclusiveLock' }],
  },
  {
    name: 'TRUNCATE several tables',
    setup: base(),
    sql: 'TRUNCATE orders, customers',
    expect: [
      { relation: 'orders', mode: 'AccessExclusiveLock' },
      { relation: 'customers', mode: 'AccessExclusiveLock' },
    ],
  },

  // ── cluster-wide statements that refuse transaction blocks ───────────────────────────────────
  {
    name: 'CREATE DATABASE',
    setup: base(),
    sql: 'CREATE DATABASE lock_scratch_db',
    expect: [],
    nonTransactional: true,
  },
  {
    name: 'DROP DATABASE',
    setup: base(),
    sql: 'DROP DATABASE IF EXISTS lock_scratch_db',
    expect: [],
    nonTransactional: true,
  },
  {
    name: 'ALTER SYSTEM',
    setup: base(),
    sql: "ALTER SYSTEM SET work_mem = '8MB'",
    expect: [],
    nonTransactional: true,
  },
  {
    name: 'CREATE TABLESPACE',
    setup: base(),
    sql: "CREATE TABLESPACE lock_other_space LOCATION '/nonexistent/lock_other_space'",
    expect: [],
    nonTransactional: true,
  },
  {
    name: 'DROP TABLESPACE',
    setup: base(),
    sql: 'DROP TABLESPACE IF EXISTS lock_other_space',
    expect: [],
    nonTransactional: true,
  },
  {
    name: 'ALTER DATABASE SET TABLESPACE',
    setup: base(),
    sql: `ALTER DATABASE lock_scratch_db SET TABLESPACE ${LOCK_TABLESPACE}`,
    expect: [],
    nonTransactional: true,
  },
  {
    name: 'CREATE SUBSCRIPTION (creates a slot)',
    setup: base(),
    sql: "CREATE SUBSCRIPTION lock_sub CONNECTION 'dbname=nowhere' PUBLICATION lock_pub",
    expect: [],
    nonTransactional: true,
  },
];
