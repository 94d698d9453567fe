import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadParsers } from '../src/engine/lint-text.js';
import { maskSql, placeholderStyle } from '../src/sql/mask.js';
import { parseChunk } from '../src/sql/parse.js';
import type { FileResult } from '../src/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/placeholders/', import.meta.url));

beforeAll(loadParsers);

/** Masked text: same length, same lines, and it parses. */
function masked(sql: string, framework: string): string {
  const out = maskSql(sql, placeholderStyle(framework));
  expect(out).toHaveLength(sql.length);
  expect(out.split('\n').map((l) => l.length)).toEqual(sql.split('\n').map((l) => l.length));
  expect(parseChunk(out).errors, out).toEqual([]);
  return out;
}

describe('one placeholder mechanism, per framework', () => {
  it('Knex: ? values, ?? and :name: identifiers, :name values, \\? the jsonb operator', () => {
    expect(masked('UPDATE ?? SET status = ? WHERE id IN (?)', 'knex')).toBe('UPDATE __ SET status = 0 WHERE id IN (0)');
    expect(masked('UPDATE :table: SET a = :now WHERE data \\? :key', 'knex')).toBe('UPDATE _______ SET a = $1   WHERE data  ? $1  ');
    expect(masked('UPDATE :orders: SET a = 1', 'knex')).toBe('UPDATE  orders  SET a = 1');
    // Casts, strings and comments are not placeholders.
    expect(masked("SELECT a::text, '?', ':x' FROM t -- ?\n", 'knex')).toBe("SELECT a::text, '?', ':x' FROM t -- ?\n");
  });

  it('Sequelize: :name replacements, $name and $1 binds; dollar quotes are left alone', () => {
    expect(masked('UPDATE t SET a = :value, b = $updatedAt, c = $1', 'sequelize')).toBe('UPDATE t SET a = $1    , b = $1        , c = $1');
    expect(masked('DO $$ BEGIN PERFORM 1; END $$', 'sequelize')).toBe('DO $$ BEGIN PERFORM 1; END $$');
    expect(masked('SELECT $body$ :x $body$', 'sequelize')).toBe('SELECT $body$ :x $body$');
  });

  it('SQLAlchemy text(): :name binds and \\: a literal colon; psycopg %s, %(name)s and %%', () => {
    expect(masked("UPDATE t SET a = :name WHERE b = %(b)s AND c = %s AND d LIKE 'x%%'", 'alembic')).toBe(
      "UPDATE t SET a = $1    WHERE b = $1    AND c = $1 AND d LIKE 'x%%'",
    );
    expect(masked("UPDATE t SET a = 'x' WHERE b = %s AND c LIKE 'a' || %(p)s", 'django')).toBe("UPDATE t SET a = 'x' WHERE b = $1 AND c LIKE 'a' || $1   ");
  });

  it('psql variables stand for names, and a reserved word is not what they become', () => {
    expect(masked('CREATE INDEX :idx ON :user (a)', 'psql')).toBe('CREATE INDEX  idx ON _____ (a)');
  });

  it('frameworks that send SQL as written get nothing masked', () => {
    expect(maskSql('SELECT :a, ?', placeholderStyle('golang-migrate'))).toBe('SELECT :a, ?');
  });
});

const lines = (r: FileResult, id: string): number[] => r.findings.filter((f) => f.ruleId === id).map((f) => f.loc.line);

async function lintFixture(rel: string): Promise<FileResult> {
  const path = `${FIXTURES}${rel}`;
  return lintText(readFileSync(path, 'utf8'), { filename: path });
}

describe('placeholders in real-shaped migrations: read, with findings at their lines', () => {
  it('Knex raw with ?, ??, :name: and :name bindings', async () => {
    const r = await lintFixture('knex/migrations/20250305084512_backfill_order_status.js');
    expect(r.framework).toBe('knex');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'unsupported-framework-construct')).toEqual([]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([7]);
    expect(r.findings.find((f) => f.ruleId === 'require-lock-timeout')!.message).toContain('ALTER TABLE on orders (line 13');
  });

  it('Sequelize query() with :name replacements and $name binds', async () => {
    const r = await lintFixture('sequelize/migrations/20250306101522-backfill-team-domains.js');
    expect(r.framework).toBe('sequelize');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'unsupported-framework-construct')).toEqual([]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([15]);
  });

  it('Alembic: sa.text(":name"), .bindparams(); a %-formatted string is one note', async () => {
    const r = await lintFixture('alembic/versions/2d4f6a8b0c1e_backfill_plan_names.py');
    expect(r.framework).toBe('alembic');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'ban-unbatched-backfill')).toEqual([21]);
    expect(lines(r, 'unsupported-framework-construct')).toEqual([24]);
    expect(lines(r, 'hold-access-exclusive-lock')).toEqual([25]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([26]);
  });

  it('Django RunSQL with psycopg %s, %(name)s and %%', async () => {
    const r = await lintFixture('shop/catalog/migrations/0012_backfill_product_slugs.py');
    expect(r.framework).toBe('django');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'ban-unbatched-backfill')).toEqual([15, 16, 17]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([18]);
  });

  it('Kysely sql`…` binds ${value}; sql.raw(`… ${table} …`) pastes text: read when a const, else one note', async () => {
    const r = await lintFixture('kysely/migrations/2025_03_09_add_invoice_totals.ts');
    expect(r.framework).toBe('kysely');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'ban-unbatched-backfill')).toEqual([5]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([6]);
    // The loop over a constant list runs the statement once per table: both are read, at the call.
    expect(lines(r, 'unsupported-framework-construct')).toEqual([]);
    expect(r.findings.find((f) => f.ruleId === 'require-lock-timeout')!.message).toContain('ALTER TABLE on invoices (line 8');
    expect(r.findings.find((f) => f.ruleId === 'require-lock-timeout')!.message).toContain('ALTER TABLE on credit_notes (line 8');
    expect(r.coverage).toEqual({ statements: 5, unreadable: 0 });
    // The const is pasted as the runtime would: ALTER TABLE ledger_entries is read.
    expect(r.findings.find((f) => f.ruleId === 'require-lock-timeout')!.message).toContain('ALTER TABLE on ledger_entries (line 11');
  });
});
