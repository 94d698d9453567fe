import { describe, expect, it } from 'vitest';
import { fixText, lintText } from '../../src/engine/lint-text.js';

describe('require-lock-timeout fix and one-query chunks', () => {
  it('does not put a SET into a knex.raw string whose index another fix makes CONCURRENTLY', async () => {
    const code = [
      "exports.config = { transaction: false };",
      '',
      'exports.up = async function (knex) {',
      "  await knex.raw('CREATE INDEX orders_created_idx ON orders (created_at)');",
      '};',
      '',
      'exports.down = async function (knex) {',
      "  await knex.raw('DROP INDEX orders_created_idx');",
      '};',
      '',
    ].join('\n');
    const filename = 'migrations/20240312101500_orders_created_idx.js';
    // orders is known not to be partitioned: CONCURRENTLY is then a safe fix.
    const tables = { orders: { partitioned: false } };
    const before = await lintText(code, { filename, tables });
    expect(before.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['require-concurrent-index-creation', 'require-lock-timeout']));
    const fixed = await fixText(code, { filename, tables });
    expect(fixed.text).toContain("knex.raw('CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at)')");
    expect(fixed.text).not.toContain('SET lock_timeout');
    const after = await lintText(fixed.text, { filename });
    expect(after.findings.filter((f) => f.ruleId === 'ban-concurrent-index-creation-in-transaction' || f.ruleId === 'parse-error')).toEqual([]);
  });

  it('puts the SET before the first statement of a psql file', async () => {
    const fixed = await fixText('-- add a note column\nALTER TABLE orders ADD COLUMN note text;\n', { rules: ['require-lock-timeout'] });
    expect(fixed.text).toBe("-- add a note column\nSET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n");
  });
});
