import { describe, expect, it } from 'vitest';
import { findingsOf } from './helpers.js';

const id = 'hold-access-exclusive-lock';

describe(id, () => {
  it('counts the statements after an ACCESS EXCLUSIVE statement until COMMIT, SET and SAVEPOINT excluded', async () => {
    const sql = [
      'BEGIN;',
      'ALTER TABLE orders ADD COLUMN status text;',
      "SET LOCAL statement_timeout = '30s';",
      'SAVEPOINT before_backfill;',
      "UPDATE orders SET status = 'new' WHERE status IS NULL;",
      'CREATE INDEX orders_status_idx ON orders (status);',
      'COMMIT;',
      'ALTER TABLE customers ADD COLUMN tier text;',
      '',
    ].join('\n');
    const f = await findingsOf(id, sql);
    expect(f.map((x) => x.loc.line)).toEqual([2]);
    expect(f[0]!.message).toBe(
      'The ACCESS EXCLUSIVE lock ALTER TABLE takes on orders is held until the transaction ends, through 2 more statement(s): UPDATE on line 5, writes rows; CREATE INDEX on line 6, scans a table. Every SELECT, INSERT, UPDATE and DELETE on orders waits all that time.',
    );
  });

  it('is silent when the AEL statement is last, outside transactions, and on tables created in the unit', async () => {
    expect(await findingsOf(id, "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN status text;\nCOMMIT;\n")).toEqual([]);
    expect(await findingsOf(id, 'ALTER TABLE orders ADD COLUMN status text;\nALTER TABLE orders ADD COLUMN note text;\n')).toEqual([]);
    expect(await findingsOf(id, 'BEGIN;\nCREATE TABLE refunds (id bigint PRIMARY KEY);\nALTER TABLE refunds ADD COLUMN reason text;\nCREATE INDEX refunds_reason_idx ON refunds (reason);\nCOMMIT;\n')).toEqual([]);
  });

  it("applies to the runner's transaction: the whole file, when config says the runner wraps it", async () => {
    const f = await findingsOf(id, 'ALTER TABLE orders ADD COLUMN status text;\nALTER TABLE orders ADD COLUMN note text;\n', { settings: { assumeInTransaction: true } });
    expect(f.map((x) => x.loc.line)).toEqual([1]);
  });

  it('lists at most three statements and says how many there are', async () => {
    const lines = ['BEGIN;', 'ALTER TABLE orders RENAME COLUMN total TO total_cents;'];
    for (let i = 0; i < 5; i++) lines.push(`ALTER TABLE orders ADD COLUMN extra_${i} text;`);
    lines.push('COMMIT;', '');
    const f = await findingsOf(id, lines.join('\n'));
    expect(f[0]!.message).toContain('through 5 more statement(s): ALTER TABLE on line 3; ALTER TABLE on line 4; ALTER TABLE on line 5; …');
  });
});
