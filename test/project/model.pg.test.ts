/**
 * What the schema model lets migralint claim, proved on a real PostgreSQL: which ALTER COLUMN … TYPE changes
 * keep the table's file (relfilenode unchanged), and the locks taken on relations the statement does not name
 * (pg_locks), for the cases src/project/model-locks.ts claims.
 */
import { loadModule, parseSync } from 'libpg-query';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { statementEffect } from '../../src/analysis/locks.js';
import { binaryCoercible, plainConversion } from '../../src/project/coercion.js';
import { emptyModel } from '../../src/project/model.js';
import { modelLocks } from '../../src/project/model-locks.js';
import { columnType, Replay } from '../../src/project/replay.js';
import type { LockMode } from '../../src/types.js';
import { connectedClient } from '../helpers/pg-client.js';
import { strongestPerRelation } from '../helpers/pg-locks.js';
import { TEST_PG_MAJORS } from '../helpers/postgres.js';

let client: pg.Client;

const one = (sql: string): [string, any] => Object.entries(parseSync(sql).stmts![0]!.stmt as Record<string, any>)[0]!;

const TYPE_CASES: Array<[string, string]> = [
  ['varchar(10)', 'varchar(20)'],
  ['varchar(20)', 'varchar(10)'],
  ['varchar(10)', 'varchar'],
  ['varchar(10)', 'text'],
  ['text', 'varchar'],
  ['text', 'varchar(10)'],
  ['numeric(10,2)', 'numeric(12,2)'],
  ['numeric(10,2)', 'numeric(12,3)'],
  ['numeric(10,2)', 'numeric(8,2)'],
  ['numeric(10,2)', 'numeric'],
  ['numeric', 'numeric(10,2)'],
  ['integer', 'bigint'],
  ['bigint', 'integer'],
  ['cidr', 'inet'],
  ['xml', 'text'],
  ['timestamp(3)', 'timestamp(6)'],
  ['timestamp(6)', 'timestamp(3)'],
  ['time(2)', 'time'],
  ['varbit(5)', 'varbit(10)'],
  ['varchar(10)[]', 'text[]'],
  ['varchar(10)[]', 'varchar(20)[]'],
  ['varchar(10)', 'text[]'],
  ['integer', 'integer'],
];

const USING_CASES: Array<[string, string, string]> = [
  ['varchar(500)', 'text', 'v::text'],
  ['varchar(500)', 'text', 'v'],
  ['varchar(10)', 'varchar(20)', 'v::varchar(20)'],
  ['varchar(10)', 'varchar(20)', 'v::varchar(30)'],
  ['varchar(500)', 'text', "v || ''"],
  ['integer', 'bigint', 'v::bigint'],
  ['text', 'text', 'lower(v)'],
];

const SETUP = [
  'CREATE TABLE customers (id integer PRIMARY KEY, email text)',
  'CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))',
  'CREATE TABLE refunds (id integer, customer_id integer)',
  'ALTER TABLE refunds ADD CONSTRAINT refunds_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID',
  'CREATE INDEX orders_customer_idx ON orders (customer_id)',
  'CREATE DOMAIN quantity AS integer',
  'CREATE TABLE order_lines (id integer, qty quantity)',
  'CREATE TABLE returns (id integer, qty quantity)',
  'CREATE TABLE events (id bigint, happened_at date NOT NULL, kind text) PARTITION BY RANGE (happened_at)',
  "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
  "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
];

const PARTITIONS_AEL = { events_2025: 'AccessExclusiveLock', events_2026: 'AccessExclusiveLock' } as const;

const LOCK_CASES: Array<{ sql: string; others: Record<string, LockMode> }> = [
  { sql: 'ALTER TABLE orders DROP CONSTRAINT orders_customer_fk', others: { customers: 'AccessExclusiveLock' } },
  { sql: 'ALTER TABLE refunds VALIDATE CONSTRAINT refunds_customer_fk', others: { customers: 'RowShareLock' } },
  { sql: 'ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint', others: { customers: 'AccessExclusiveLock' } },
  { sql: 'ALTER TABLE customers ALTER COLUMN id TYPE bigint', others: { orders: 'AccessExclusiveLock', refunds: 'AccessExclusiveLock' } },
  { sql: 'DROP TABLE customers CASCADE', others: { orders: 'AccessExclusiveLock', refunds: 'AccessExclusiveLock' } },
  { sql: 'DROP INDEX orders_customer_idx', others: { orders: 'AccessExclusiveLock' } },
  { sql: 'ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0)', others: { order_lines: 'ShareLock', returns: 'ShareLock' } },
  { sql: 'ALTER DOMAIN quantity SET NOT NULL', others: { order_lines: 'ShareLock', returns: 'ShareLock' } },
  { sql: 'ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID', others: {} },
  // A partitioned table: PostgreSQL takes the table's lock on each partition too, unless ONLY.
  { sql: 'ALTER TABLE events ADD COLUMN source text', others: PARTITIONS_AEL },
  { sql: "ALTER TABLE events ADD CONSTRAINT events_kind_known CHECK (kind <> '')", others: PARTITIONS_AEL },
  { sql: 'ALTER TABLE events ALTER COLUMN kind SET NOT NULL', others: PARTITIONS_AEL },
  { sql: 'ALTER TABLE events ALTER COLUMN id TYPE numeric', others: PARTITIONS_AEL },
  { sql: 'CREATE INDEX events_kind_idx ON events (kind)', others: { events_2025: 'ShareLock', events_2026: 'ShareLock' } },
  { sql: 'CREATE INDEX events_kind_idx ON ONLY events (kind)', others: {} },
  { sql: 'TRUNCATE events', others: PARTITIONS_AEL },
  { sql: 'LOCK TABLE events IN SHARE MODE', others: { events_2025: 'ShareLock', events_2026: 'ShareLock' } },
  { sql: 'LOCK TABLE ONLY events IN SHARE MODE', others: {} },
  { sql: 'DROP TABLE events', others: PARTITIONS_AEL },
];

// Every claim is proved on PostgreSQL 15 (migralint's default --pg-version) and 18: one server per version.
for (const major of TEST_PG_MAJORS) {
  describe(`PostgreSQL ${major}`, () => {
    beforeAll(() => loadModule());
    connectedClient(major, (c) => {
      client = c;
    });

    describe('binary-coercible ALTER COLUMN … TYPE', () => {
      it.each(TYPE_CASES)('%s → %s: the claim matches relfilenode', async (from, to) => {
        await client.query('DROP TABLE IF EXISTS coercion_probe');
        await client.query(`CREATE TABLE coercion_probe (v ${from})`);
        await client.query('INSERT INTO coercion_probe SELECT NULL FROM generate_series(1, 10)');
        const before = (await client.query("SELECT relfilenode::text AS f FROM pg_class WHERE relname = 'coercion_probe'")).rows[0].f;
        const using = to.endsWith('[]') && !from.endsWith('[]') ? ' USING ARRAY[v]' : '';
        await client.query(`ALTER TABLE coercion_probe ALTER COLUMN v TYPE ${to}${using}`);
        const after = (await client.query("SELECT relfilenode::text AS f FROM pg_class WHERE relname = 'coercion_probe'")).rows[0].f;
        const fromType = columnType(one(`CREATE TABLE x (v ${from})`)[1].tableElts[0].ColumnDef.typeName)!;
        const toType = columnType(one(`CREATE TABLE x (v ${to})`)[1].tableElts[0].ColumnDef.typeName)!;
        expect(binaryCoercible(fromType, toType), `PostgreSQL ${after === before ? 'kept' : 'rewrote'} the table`).toBe(after === before);
      });
    });

    describe('ALTER COLUMN … TYPE … USING: a plain cast of the column to the new type is no conversion of its own', () => {
      it.each(USING_CASES)('%s → %s USING %s: the claim matches relfilenode', async (from, to, expr) => {
        await client.query('DROP TABLE IF EXISTS coercion_probe');
        await client.query(`CREATE TABLE coercion_probe (v ${from})`);
        await client.query('INSERT INTO coercion_probe SELECT NULL FROM generate_series(1, 10)');
        const before = (await client.query("SELECT relfilenode::text AS f FROM pg_class WHERE relname = 'coercion_probe'")).rows[0].f;
        const sql = `ALTER TABLE coercion_probe ALTER COLUMN v TYPE ${to} USING ${expr}`;
        await client.query(sql);
        const after = (await client.query("SELECT relfilenode::text AS f FROM pg_class WHERE relname = 'coercion_probe'")).rows[0].f;
        const fromType = columnType(one(`CREATE TABLE x (v ${from})`)[1].tableElts[0].ColumnDef.typeName)!;
        const def = one(sql)[1].cmds[0].AlterTableCmd.def.ColumnDef;
        const claim = plainConversion(def, 'v') && binaryCoercible(fromType, columnType(def.typeName)!);
        expect(claim, `PostgreSQL ${after === before ? 'kept' : 'rewrote'} the table`).toBe(after === before);
      });
    });

    describe('locks on relations the statement does not name, known from the model', () => {
      it.each(LOCK_CASES)('$sql', async ({ sql, others }) => {
        await client.query('DROP SCHEMA IF EXISTS model_locks CASCADE');
        await client.query('CREATE SCHEMA model_locks');
        await client.query('SET search_path = model_locks');
        const replay = new Replay(emptyModel(), 'setup.sql');
        for (const s of SETUP) {
          await client.query(s);
          replay.apply(...one(s));
        }
        const [kind, node] = one(sql);
        const named = new Set(statementEffect({ [kind]: node }, { pgVersion: major }).locks.map((l) => l.relation.name));
        const claimed = Object.fromEntries(modelLocks(kind, node, replay).map((l) => [l.relation.name, l.mode]));
        expect(claimed).toEqual(others);
        // The tables by OID, read before the statement: a table it drops is gone from pg_class inside the transaction,
        // while its lock still shows in pg_locks.
        const tables = await client.query(
          `SELECT oid::text AS oid, relname FROM pg_class WHERE relnamespace = 'model_locks'::regnamespace AND relkind IN ('r', 'p')`,
        );
        const nameOf = new Map((tables.rows as Array<{ oid: string; relname: string }>).map((r) => [r.oid, r.relname]));
        await client.query('BEGIN');
        try {
          await client.query(sql);
          const locks = await client.query(`SELECT l.relation::text AS oid, l.mode FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation'`);
          const rows = (locks.rows as Array<{ oid: string; mode: string }>).flatMap((r) =>
            nameOf.has(r.oid) ? [{ relname: nameOf.get(r.oid)!, mode: r.mode }] : [],
          );
          const held = strongestPerRelation(rows);
          // Every relation PostgreSQL locked that the SQL does not name is claimed by the model, in its strongest mode.
          const unnamed = Object.fromEntries(Object.entries(held).filter(([rel]) => !named.has(rel)));
          expect(unnamed).toEqual(others);
        } finally {
          await client.query('ROLLBACK');
          await client.query('SET search_path = public');
        }
      });
    });
  });
}
