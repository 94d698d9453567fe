import { describe, expect, it } from 'vitest';
import { extractFixture, lined, lintFixture, only } from './helpers.js';

const M = 'prisma/prisma/migrations';

describe('Prisma', () => {
  it('by default assumes an engine that sends migration.sql as one query, and says so', () => {
    const { unit } = extractFixture(`${M}/20240301120000_init/migration.sql`);
    expect(unit.items).toHaveLength(1);
    expect(unit.items[0]!.exec).toEqual({ wrapped: false, reason: 'Prisma Migrate sends migration.sql as one query', oneQuery: true });
    expect(unit.assumption).toMatch(/one query.*frameworkOptions\.prisma\.engine/);
  });

  it('a SET lock_timeout in front makes the file one implicit transaction', async () => {
    const r = await lintFixture(`${M}/20240315093000_add_orders_customer_index/migration.sql`);
    expect(lined(r)).toEqual([[5, 'ban-concurrent-index-creation-in-transaction']]);
    const f = r.findings[0]!;
    expect(f.message).toContain('Prisma Migrate sends migration.sql as one query, so its 2 statements run as one implicit transaction');
    expect(f.fix).toBeUndefined();
    expect(f.help).toContain('prisma migrate resolve --applied');
    expect(r.assumption).toBeDefined();
  });

  it('the index alone in its migration passes; so does the generated init', async () => {
    expect((await lintFixture(`${M}/20240320101500_customer_index_alone/migration.sql`)).findings).toEqual([]);
    // The generated init has no lock finding; only the 32-bit primary key (type style is in the strict preset).
    expect(lined(await lintFixture(`${M}/20240301120000_init/migration.sql`))).toEqual([[3, 'prefer-bigint-over-int']]);
  });

  it('frameworkOptions.prisma.engine = "per-statement" runs statement by statement', async () => {
    const settings = { frameworkOptions: { prisma: { engine: 'per-statement' } } };
    const r = await lintFixture(`${M}/20240315093000_add_orders_customer_index/migration.sql`, { settings });
    expect(r.findings).toEqual([]);
    expect(r.assumption).toContain('statement by statement');
  });

  it('a bad option value is a framework-config warning, and the default is used', async () => {
    const r = await lintFixture(`${M}/20240315093000_add_orders_customer_index/migration.sql`, {
      settings: { frameworkOptions: { prisma: { engine: 'fast' } } },
    });
    expect(only(r, 'framework-config')[0]!.message).toBe(
      'frameworkOptions.prisma.engine must be "one-query" or "per-statement", not "fast"; using the default.',
    );
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')).toHaveLength(1);
  });
});
