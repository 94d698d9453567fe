/**
 * What migralint claims about PL/pgSQL bodies, checked on a real PostgreSQL: the locks a DO block's statements
 * take (read from pg_locks while the transaction is open), that CONCURRENTLY is refused in a body even outside
 * any transaction block, and when a procedure's own COMMIT works.
 */
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadParsers } from '../src/engine/lint-text.js';
import type { FileResult } from '../src/types.js';
import { connectedClient } from './helpers/pg-client.js';
import { strongestPerRelation } from './helpers/pg-locks.js';
import { TEST_PG_MAJORS } from './helpers/postgres.js';

let client: pg.Client;

const SCHEMA = `
CREATE TABLE person (id bigint PRIMARY KEY);
CREATE TABLE post (id bigint PRIMARY KEY, creator_id bigint, score int);
CREATE TABLE event_log (id bigint, actor_id bigint, created_at timestamptz) PARTITION BY RANGE (created_at);
CREATE TABLE event_log_2024_01 PARTITION OF event_log FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE event_log_2024_02 PARTITION OF event_log FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
INSERT INTO post SELECT g, NULL, NULL FROM generate_series(1, 20) g;
`;

/** The strongest lock held per relation by this session, after running `sql` in an open transaction. */
async function locksOf(sql: string): Promise<Record<string, string>> {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    const { rows } = await client.query(
      `SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
       WHERE l.pid = pg_backend_pid() AND c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace`,
    );
    return strongestPerRelation(rows);
  } finally {
    await client.query('ROLLBACK');
  }
}

/** The locks migralint claims for the statements inside the body (the ones it reports at a line in the body). */
function claimed(r: FileResult, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of r.statements ?? []) if (s.line === line) for (const l of s.locks) if (l.on === 'table') out[l.relation] = l.mode;
  return out;
}

async function error(sql: string): Promise<string | null> {
  try {
    await client.query(sql);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

// Every claim is checked on PostgreSQL 15 (migralint's default --pg-version) and 18: one server per version.
for (const major of TEST_PG_MAJORS) {
  describe(`PostgreSQL ${major}`, () => {
    beforeAll(() => loadParsers());
    connectedClient(major, async (c) => {
      client = c;
      await client.query(SCHEMA);
    });

    describe('PL/pgSQL bodies on a real PostgreSQL', () => {
      it('a foreign key added under an IF NOT EXISTS guard in a DO block takes SHARE ROW EXCLUSIVE on both tables, as claimed', async () => {
        const sql =
          "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'post_creator_fk') THEN\n    ALTER TABLE post ADD CONSTRAINT post_creator_fk FOREIGN KEY (creator_id) REFERENCES person (id);\n  END IF;\nEND\n$$;\n";
        const real = await locksOf(sql);
        const r = await lintText(sql, { settings: { pgVersion: major } });
        expect(claimed(r, 4)).toEqual({ post: 'ShareRowExclusiveLock', person: 'ShareRowExclusiveLock' });
        expect(real).toMatchObject(claimed(r, 4));
        expect(r.findings.map((f) => `${f.ruleId}:${f.loc.line}`)).toContain('adding-foreign-key-constraint:4');
      });

      it('a per-partition EXECUTE format(CREATE INDEX … ON %I) loop takes SHARE on each partition (migralint: SHARE on a table it cannot name)', async () => {
        const sql =
          "DO $$\nDECLARE part record;\nBEGIN\n  FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'event_log'::regclass LOOP\n    EXECUTE format('CREATE INDEX ON %I (actor_id)', part.relname);\n  END LOOP;\nEND\n$$;\n";
        const real = await locksOf(sql);
        expect(real).toMatchObject({ event_log_2024_01: 'ShareLock', event_log_2024_02: 'ShareLock' });
        const r = await lintText(sql, { settings: { pgVersion: major } });
        expect(claimed(r, 5)).toEqual({ '"<part.relname>"': 'ShareLock' });
      });

      it('CREATE INDEX CONCURRENTLY in a DO block fails even outside any transaction block; migralint reports it', async () => {
        const sql = "DO $$\nBEGIN\n  EXECUTE 'CREATE INDEX CONCURRENTLY post_score_idx ON post (score)';\nEND\n$$;\n";
        expect(await error(sql)).toMatch(/cannot be executed from a function/);
        const r = await lintText(sql, { settings: { pgVersion: major } });
        expect(r.findings.map((f) => `${f.ruleId}:${f.loc.line}`)).toEqual(['ban-concurrent-index-creation-in-transaction:3']);
      });

      it("a procedure's COMMIT works when CALL runs on its own, and fails inside a multi-statement query; migralint tells them apart", async () => {
        const proc =
          'CREATE OR REPLACE PROCEDURE backfill_score()\nLANGUAGE plpgsql\nAS $$\nBEGIN\n  UPDATE post SET score = 0 WHERE score IS NULL;\n  COMMIT;\nEND\n$$;\n';
        await client.query(proc);
        expect(await error('CALL backfill_score();')).toBeNull();
        // pg sends a text without parameters as one simple query: the golang-migrate way.
        expect(await error(`${proc}CALL backfill_score();`)).toMatch(/invalid transaction termination/);
        const psql = await lintText(`${proc}CALL backfill_score();\n`);
        expect(psql.findings.filter((f) => f.ruleId === 'transaction-nesting')).toEqual([]);
        const gm = await lintText(`${proc}CALL backfill_score();\n`, { filename: 'db/migrations/000031_backfill_score.up.sql', framework: 'golang-migrate' });
        expect(gm.findings.filter((f) => f.ruleId === 'transaction-nesting').map((f) => f.loc.line)).toEqual([6]);
      });

      it('a COMMIT in a DO block inside BEGIN … COMMIT fails, outside it works', async () => {
        const body = 'DO $$\nBEGIN\n  UPDATE post SET score = 1 WHERE id = 1;\n  COMMIT;\nEND\n$$;\n';
        expect(await error(body)).toBeNull();
        expect(await error(`BEGIN;\n${body}COMMIT;\n`)).toMatch(/invalid transaction termination/);
        await client.query('ROLLBACK').catch(() => undefined);
        expect((await lintText(body)).findings.filter((f) => f.ruleId === 'transaction-nesting')).toEqual([]);
        const inTx = await lintText(`BEGIN;\n${body}COMMIT;\n`);
        expect(inTx.findings.filter((f) => f.ruleId === 'transaction-nesting').map((f) => f.loc.line)).toEqual([5]);
      });
    });
  });
}
