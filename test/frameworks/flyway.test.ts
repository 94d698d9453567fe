import { describe, expect, it } from 'vitest';
import { fixText } from '../../src/engine/lint-text.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';

const M = 'flyway/src/main/resources/db/migration';

describe('Flyway', () => {
  it('runs each versioned migration in a transaction; ${placeholders} parse', async () => {
    const { unit } = extractFixture(`${M}/V2__orders_created_at_index.sql`);
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: true, reason: 'Flyway runs each migration in a transaction', oneQuery: false }]);
    expect(unit.assumption).toContain('frameworkOptions.flyway.detectNonTransactional');
    const r = await lintFixture(`${M}/V2__orders_created_at_index.sql`);
    expect(lined(r)).toEqual([[1, 'ban-concurrent-index-creation-in-transaction']]);
    const f = r.findings[0]!;
    expect(f.message).toContain('and this one will: Flyway runs each migration in a transaction.');
    expect(f.fix).toBeUndefined();
    // The .conf opt-out is a suggestion: the build also needs Flyway's transactional lock off.
    expect(f.suggestions).toEqual([
      {
        description:
          "Set executeInTransaction=false in V2__orders_created_at_index.sql.conf. With Flyway's transactional lock on (flyway.postgresql.transactional.lock, the default) a concurrent build waits for Flyway's own lock transaction: set it to false.",
        edits: [],
        files: [{ path: `${fx(`${M}/V2__orders_created_at_index.sql`)}.conf`, text: 'executeInTransaction=false\n' }],
      },
    ]);
    const fixed = await fixText(read(`${M}/V2__orders_created_at_index.sql`), { filename: fx(`${M}/V2__orders_created_at_index.sql`), types: ['suggestion'] });
    expect(fixed.files).toEqual(f.suggestions![0]!.files);
    expect(fixed.result.findings.filter((x) => x.ruleId === 'ban-concurrent-index-creation-in-transaction')).toEqual([]);
  });

  it('a table created in the same migration is new', async () => {
    // No lock finding (type style is in the strict preset).
    expect(lined(await lintFixture(`${M}/V1__create_orders.sql`))).toEqual([]);
  });

  it('<file>.conf with executeInTransaction=false opts out', async () => {
    const { unit } = extractFixture(`${M}/V3__orders_status_index.sql`);
    expect(unit.items[0]!.exec).toEqual({ wrapped: false, reason: 'V3__orders_status_index.sql.conf sets executeInTransaction=false', oneQuery: false });
    expect((await lintFixture(`${M}/V3__orders_status_index.sql`)).findings).toEqual([]);
  });

  it('a malformed .conf is a framework-config warning naming the file; the default (in a transaction) is used', async () => {
    const r = await lintFixture(`${M}/V4__orders_note_index.sql`);
    expect(lined(r)).toEqual([
      [1, 'ban-concurrent-index-creation-in-transaction'],
      [1, 'framework-config'],
    ]);
    expect(only(r, 'framework-config')[0]!.message).toBe(
      'Flyway script config V4__orders_note_index.sql.conf: executeInTransaction must be true or false, not "nope". Assuming Flyway\'s default: the migration runs in a transaction.',
    );
  });

  it('with detectNonTransactional, a migration with CONCURRENTLY runs outside a transaction (and says so)', async () => {
    const settings = { frameworkOptions: { flyway: { detectNonTransactional: true } } };
    const r = await lintFixture(`${M}/V2__orders_created_at_index.sql`, { settings });
    expect(r.findings).toEqual([]);
    expect(r.assumption).toBe('detects CONCURRENTLY and runs this migration without a transaction (frameworkOptions.flyway.detectNonTransactional = true)');
  });

  it('undo migrations (U<n>__) are linted only with includeDown', async () => {
    expect((await lintFixture(`${M}/U3__orders_status_index.sql`)).findings).toEqual([]);
    const r = await lintFixture(`${M}/U3__orders_status_index.sql`, { settings: { includeDown: true } });
    expect(lined(r)).toEqual([
      [1, 'require-concurrent-index-deletion'],
      [1, 'require-lock-timeout'],
    ]);
  });
});

describe('Flyway: explicit BEGIN … COMMIT inside the migration', () => {
  it("does not advise moving after the COMMIT: Flyway's transaction is still around it", async () => {
    const { lintText } = await import('../../src/engine/lint-text.js');
    const text = 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\nCOMMIT;\n';
    const r = await lintText(text, { filename: '/srv/shop/src/main/resources/db/migration/V7__orders_note.sql' });
    const f = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(f.loc.line).toBe(3);
    expect(f.fix).toBeUndefined();
    expect(f.help).toMatch(
      /^Moving it after the COMMIT is not enough: Flyway runs each migration in a transaction\. Remove the BEGIN and COMMIT\. Put this statement alone in a migration of its own, then create V7__orders_note\.sql\.conf beside it with executeInTransaction=false\./,
    );
    expect(only(r, 'transaction-nesting')).toHaveLength(1);
  });
});
