/**
 * The whole-unit passes (src/analysis/unit-facts.ts): facts about a statement that depend on statements after it as
 * well as before it, computed with real parsing and the real analysis.
 */
import { describe, expect, it } from 'vitest';
import { analyzeUnit } from '../src/analysis/analyze.js';
import { Catalog } from '../src/catalog/catalog.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { psqlAdapter } from '../src/sources/psql.js';
import { parseUnit } from '../src/sql/statements.js';
import { loadParsers } from '../src/engine/lint-text.js';

async function facts(sql: string) {
  await loadParsers();
  const unit = psqlAdapter.extract({ path: 'm.sql', text: sql, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => {} });
  return analyzeUnit(unit, parseUnit(unit).statements, new Catalog(), DEFAULT_SETTINGS).map((s) => ({ sql: s.sql, ...s.facts }));
}

describe('the whole-unit passes', () => {
  it('names the schemas, types and views a drop or rename acts on that the unit creates before or after it', async () => {
    const f = await facts(
      [
        'DROP SCHEMA IF EXISTS app, legacy CASCADE;',
        'CREATE SCHEMA app;',
        "CREATE TYPE status AS ENUM ('a', 'b');",
        "ALTER TYPE status RENAME VALUE 'a' TO 'c';",
        'ALTER TYPE mood RENAME TO mood_old;',
        "CREATE TYPE mood AS ENUM ('x');",
        'ALTER VIEW app.report RENAME TO report_old;',
        'DROP SCHEMA app;',
      ].join('\n'),
    );
    expect(f[0]).toMatchObject({ createdLater: ['app'] });
    expect(f[0]!.createdEarlier).toBeUndefined();
    expect(f[3]).toMatchObject({ createdEarlier: ['status'] });
    expect(f[4]).toMatchObject({ createdLater: ['mood'] });
    expect(f[4]!.createdEarlier).toBeUndefined();
    // A view of that name was never created; the schema app was, before the DROP SCHEMA.
    expect(f[6]!.createdEarlier).toBeUndefined();
    expect(f[7]).toMatchObject({ createdEarlier: ['app'] });
  });

  it('knows a REFRESH of a materialized view the unit created earlier, by its name as written', async () => {
    const f = await facts(
      [
        'REFRESH MATERIALIZED VIEW stats.daily;',
        'CREATE MATERIALIZED VIEW stats.daily AS SELECT 1 AS one WITH NO DATA;',
        'REFRESH MATERIALIZED VIEW stats.daily;',
        'REFRESH MATERIALIZED VIEW daily;',
      ].join('\n'),
    );
    expect(f.map((s) => s.viewCreatedEarlier ?? false)).toEqual([false, false, true, false]);
  });

  it('names the schema change an UPDATE runs under in its transaction, or the one after it', async () => {
    const f = await facts(
      [
        'BEGIN;',
        "UPDATE orders SET state = 'x' WHERE id < 10;",
        'ALTER TABLE orders ADD COLUMN note text;',
        "UPDATE orders SET note = '' WHERE id < 10;",
        'COMMIT;',
        "UPDATE orders SET note = 'y' WHERE id < 10;",
      ].join('\n'),
    );
    expect(f[1]!.schemaChangeInTransaction).toMatchObject({
      statement: { kind: 'AlterTableStmt', line: 3 },
      lock: { mode: 'AccessExclusiveLock' },
      earlier: false,
    });
    expect(f[3]!.schemaChangeInTransaction).toMatchObject({ statement: { line: 3 }, earlier: true });
    expect(f[5]!.schemaChangeInTransaction).toBeUndefined();
  });

  it('records, at the first ACCESS EXCLUSIVE statement of a transaction, the tables held and the slow work while they are', async () => {
    const f = await facts(
      [
        'BEGIN;',
        'ALTER TABLE orders ADD COLUMN status text;',
        "UPDATE orders SET status = 'x' WHERE id < 100;",
        'ALTER TABLE customers ADD COLUMN tier int;',
        'CREATE INDEX payments_at ON payments (at);',
        'COMMIT;',
      ].join('\n'),
    );
    const held = f[1]!.accessExclusiveHeld!;
    expect(held.tables.map((t) => [t.table.name, t.takenHere])).toEqual([
      ['orders', true],
      ['customers', false],
    ]);
    // The backfill after the schema change on its table, the lock on customers waited for with no lock_timeout, the index build.
    expect(held.through.map((t) => [t.statement.line, t.work?.kind, t.wait?.relation.name, t.afterSchemaChange])).toEqual([
      [3, 'rows', undefined, true],
      [4, undefined, 'customers', false],
      [5, 'index', undefined, false],
    ]);
    expect(f.filter((s) => s.accessExclusiveHeld)).toHaveLength(1);
  });

  it('gives a nested BEGIN and a COMMIT in a DO block the transaction already open around them', async () => {
    const f = await facts(['BEGIN;', 'ALTER TABLE t ADD COLUMN a int;', 'BEGIN;', 'COMMIT;', 'BEGIN;', 'DO $$ BEGIN COMMIT; END $$;', 'COMMIT;'].join('\n'));
    const nested = f.find((s) => s.txProblem === 'begin-nested')!;
    expect(nested.outerTransaction).toMatchObject({ kind: 'explicit', beganAt: 0 });
    const body = f.find((s) => s.txProblem === 'body-commit-in-transaction')!;
    expect(body.outerTransaction).toMatchObject({ kind: 'explicit', reason: expect.stringContaining('line 5') });
  });
});
