/**
 * require-index-on-foreign-key's claim, proved on a real PostgreSQL: when the rule flags a foreign key, a DELETE
 * of a referenced row scans the referencing table sequentially (pg_stat_xact_user_tables.seq_scan), and when it
 * stays silent, the check uses an index. Each schema is linted with migralint and run on the server.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { connectedClient } from '../helpers/pg-client.js';
import { TEST_PG_MAJORS } from '../helpers/postgres.js';

let client: pg.Client;

const PARENTS = 'CREATE TABLE customers (tenant_id bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (tenant_id, id));\n';
const CHILD = 'CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, customer_id bigint, placed_at timestamptz NOT NULL DEFAULT now());\n';
const KEY = 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id);\n';

const CASES: Array<{ title: string; index: string; flagged: boolean }> = [
  { title: 'no index', index: '', flagged: true },
  { title: 'an index on the key columns and more', index: 'CREATE INDEX orders_key_idx ON orders (tenant_id, customer_id, placed_at);\n', flagged: false },
  { title: 'an index on the key columns in another order', index: 'CREATE INDEX orders_key_idx ON orders (customer_id, tenant_id);\n', flagged: false },
  { title: 'an index on the first key column only', index: 'CREATE INDEX orders_key_idx ON orders (tenant_id);\n', flagged: true },
  { title: 'an index whose key columns come second', index: 'CREATE INDEX orders_key_idx ON orders (placed_at, tenant_id, customer_id);\n', flagged: true },
  {
    title: 'a partial index on the key columns',
    index: "CREATE INDEX orders_key_idx ON orders (tenant_id, customer_id) WHERE placed_at > '2024-01-01';\n",
    flagged: true,
  },
  // The check's `customer_id = $1` implies the predicate (the Django pattern: AddIndexConcurrently with condition=Q(fk__isnull=False)).
  {
    title: 'a partial index on the key columns WHERE a key column IS NOT NULL',
    index: 'CREATE INDEX orders_key_idx ON orders (tenant_id, customer_id) WHERE customer_id IS NOT NULL;\n',
    flagged: false,
  },
  {
    title: 'a partial index on the key columns WHERE another column IS NOT NULL',
    index: 'CREATE INDEX orders_key_idx ON orders (tenant_id, customer_id) WHERE placed_at IS NOT NULL;\n',
    flagged: true,
  },
];

// Proved on PostgreSQL 15 (migralint's default --pg-version) and 18: one server per version.
for (const major of TEST_PG_MAJORS) {
  describe(`PostgreSQL ${major}`, () => {
    connectedClient(major, (c) => {
      client = c;
    });

    describe("a DELETE on the referenced table and the referencing table's indexes", () => {
      it.each(CASES)('$title', async ({ index, flagged }) => {
        const migration = PARENTS + CHILD + KEY + index;
        const result = await lintText(migration, { filename: 'migration.sql', settings: { preset: 'all' } });
        expect(result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
        expect(result.findings.some((f) => f.ruleId === 'require-index-on-foreign-key')).toBe(flagged);

        await client.query('DROP TABLE IF EXISTS orders, customers');
        await client.query(migration);
        // Enough rows that the planner prefers an index it can use; tenant 1 holds most of them.
        await client.query('INSERT INTO customers SELECT 1 + (g % 50 = 0)::int, g FROM generate_series(1, 20000) g');
        await client.query(
          "INSERT INTO orders SELECT g, 1 + (g % 50 = 0)::int, g, '2023-06-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 20000) g",
        );
        await client.query('ANALYZE customers');
        await client.query('ANALYZE orders');
        await client.query('BEGIN');
        // The counts are read as a difference around the DELETE: since PostgreSQL 15 a backend's not-yet-flushed counts
        // (the migration's own scans a moment ago) also show in pg_stat_xact_user_tables.
        const counts = async () => {
          const stats = await client.query("SELECT seq_scan, coalesce(idx_scan, 0) AS idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'orders'");
          const row = stats.rows[0] as { seq_scan: string; idx_scan: string };
          return { seq: Number(row.seq_scan), idx: Number(row.idx_scan) };
        };
        try {
          // A customer of the big tenant that no order references: the check finds nothing, after reading orders one
          // way or the other. An index on tenant_id alone does not narrow the search for the big tenant.
          await client.query('INSERT INTO customers VALUES (1, 999999)');
          const before = await counts();
          await client.query('DELETE FROM customers WHERE tenant_id = 1 AND id = 999999');
          const after = await counts();
          const seq_scan = after.seq - before.seq;
          const idx_scan = after.idx - before.idx;
          if (flagged) expect(seq_scan).toBeGreaterThan(0);
          else {
            expect(seq_scan).toBe(0);
            expect(idx_scan).toBeGreaterThan(0);
          }
        } finally {
          await client.query('ROLLBACK');
        }
      });
    });
  });
}
