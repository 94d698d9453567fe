import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { extractFixture, fx, lined, lintFixture, only } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

const WEB = 'drizzle/web/drizzle';

describe('Drizzle', () => {
  it('splits on --> statement-breakpoint, every chunk one query inside the run-wide transaction', () => {
    const { unit, warnings } = extractFixture(`${WEB}/0000_init.sql`);
    expect(warnings).toEqual([]);
    expect(unit.framework).toBe('drizzle');
    expect(unit.items).toHaveLength(3);
    for (const item of unit.items)
      expect(item.exec).toEqual({ wrapped: true, reason: 'Drizzle runs all pending migrations in one transaction', oneQuery: true });
    expect(unit.items[1]!.kind === 'sql' && unit.items[1]!.text.trim().startsWith('CREATE TABLE "orders"')).toBe(true);
  });

  it('flags CONCURRENTLY in the run transaction, and IF NOT EXISTS + CONCURRENTLY as a leftover trap, with lines', async () => {
    const r = await lintFixture(`${WEB}/0001_performance_indexes_concurrent.sql`);
    expect(lined(r)).toEqual([
      [1, 'ban-concurrent-index-creation-in-transaction'],
      [1, 'concurrent-index-invalid-leftover'],
      [2, 'ban-concurrent-index-creation-in-transaction'],
      [2, 'concurrent-index-invalid-leftover'],
    ]);
    const ban = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(ban.message).toBe(
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this one will: Drizzle runs all pending migrations in one transaction. The migration fails at deploy time.',
    );
  });

  it('offers no fix, only the manual procedure — never the COMMIT hack', async () => {
    const r = await lintFixture(`${WEB}/0001_performance_indexes_concurrent.sql`);
    for (const f of only(r, 'ban-concurrent-index-creation-in-transaction')) {
      expect(f.fix).toBeUndefined();
      expect(f.suggestions ?? []).toEqual([]);
      expect(f.help).toContain('run it outside the migrator (psql "$DATABASE_URL" -f');
      expect(f.help).toContain('drizzle.__drizzle_migrations');
      expect(f.help).toContain('Do not add COMMIT;');
    }
    const idx = await lintFixture(`${WEB}/0002_add_order_status.sql`);
    const blocking = only(idx, 'require-concurrent-index-creation')[0]!;
    expect(blocking.loc.line).toBe(2);
    expect(blocking.fix).toBeUndefined();
    expect(blocking.help).toMatch(/^Drizzle runs all pending migrations in one transaction and has no way/);
  });

  it('a table created earlier in the same migration is new: CONCURRENTLY is dropped', async () => {
    const text =
      'CREATE TABLE "audit" ("id" serial PRIMARY KEY, "at" timestamp);\n--> statement-breakpoint\nCREATE INDEX CONCURRENTLY "audit_at_idx" ON "audit" ("at");\n';
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(`${WEB}/0003_audit.sql`) })).toBe(
      text.replace('INDEX CONCURRENTLY', 'INDEX'),
    );
  });

  it('Drizzle v1 folders (<ts>_<name>/migration.sql) run the same way', async () => {
    const r = await lintFixture('drizzle/api-v1/drizzle/20250611093015_add_orders_customer_idx/migration.sql');
    expect(r.framework).toBe('drizzle');
    expect(lined(r)).toEqual([[1, 'ban-concurrent-index-creation-in-transaction']]);
    const init = await lintFixture('drizzle/api-v1/drizzle/20250601080000_init/migration.sql');
    // No lock finding; only the 32-bit primary key (type style is in the strict preset).
    expect(lined(init)).toEqual([[2, 'prefer-bigint-over-int']]);
  });

  it('a malformed _journal.json is a framework-config warning naming the file; the default model is used', async () => {
    const r = await lintFixture('drizzle/broken-journal/drizzle/0000_add_index.sql');
    const warn = only(r, 'framework-config');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.severity).toBe('warn');
    expect(warn[0]!.message).toMatch(/^Drizzle journal .*drizzle\/broken-journal\/drizzle\/meta\/_journal\.json could not be read: it is not valid JSON/);
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')[0]!.message).toContain('Drizzle runs all pending migrations in one transaction');
  });

  it('require-lock-timeout inserts SET lock_timeout into the first chunk', async () => {
    const text = 'ALTER TABLE "orders" ADD COLUMN "note" text;--> statement-breakpoint\nALTER TABLE "orders" ADD COLUMN "tag" text;\n';
    expect(await tester.fix('require-lock-timeout', text, { filename: fx(`${WEB}/0004_note.sql`) })).toBe(`SET lock_timeout = '2s';\n${text}`);
    const r = await lintText(text, { filename: fx(`${WEB}/0004_note.sql`) });
    expect(r.framework).toBe('drizzle');
  });
});
