import { describe, expect, it } from 'vitest';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester({ settings: { preset: 'all' }, ruleSeverity: 'warn' });

const id = 'hold-access-exclusive-lock';

describe(id, () => {
  it('names the slow work that follows the lock in its transaction; SET, SAVEPOINT and quick statements are not counted', async () => {
    const sql = [
      'BEGIN;',
      'ALTER TABLE orders ADD COLUMN status text;',
      "SET LOCAL statement_timeout = '30s';",
      'SAVEPOINT before_backfill;',
      'ALTER TABLE orders ADD COLUMN note text;',
      "UPDATE orders SET status = 'new' WHERE status IS NULL;",
      'CREATE INDEX orders_status_idx ON orders (status);',
      'COMMIT;',
      'ALTER TABLE customers ADD COLUMN tier text;',
      '',
    ].join('\n');
    const f = await tester.findings(id, sql);
    expect(f.map((x) => x.loc.line)).toEqual([2]);
    expect(f[0]!.message).toBe(
      'The ACCESS EXCLUSIVE lock ALTER TABLE takes on orders is held until the transaction ends, through UPDATE on line 6, which writes rows; CREATE INDEX on line 7, which builds an index. Every SELECT, INSERT, UPDATE and DELETE on orders waits all that time.',
    );
    // The backfill (ban-unbatched-backfill) and the index build (require-concurrent-index-creation) have findings of
    // their own: this one only adds how long the lock is held.
    expect(f[0]!.severity).toBe('info');
  });

  it('is a warning when a slow statement has no finding of its own (INSERT … SELECT into a new table)', async () => {
    const sql =
      'BEGIN;\nALTER TABLE orders RENAME COLUMN total TO total_cents;\nCREATE TABLE order_totals (order_id bigint PRIMARY KEY, total bigint);\nINSERT INTO order_totals SELECT id, total_cents FROM orders;\nCOMMIT;\n';
    const f = await tester.findings(id, sql);
    expect(f.map((x) => [x.loc.line, x.severity])).toEqual([[2, 'warn']]);
    expect(f[0]!.message).toContain('INSERT on line 4, which copies rows from a query');
  });

  it('reports a lock on another table awaited with no lock_timeout as info (require-lock-timeout owns that wait), and nothing with one', async () => {
    const waits = await tester.findings(
      id,
      'BEGIN;\nALTER TABLE customers RENAME COLUMN mail TO email;\nALTER TABLE orders ADD COLUMN email_sent boolean;\nCOMMIT;\n',
    );
    expect(waits.map((x) => [x.loc.line, x.severity])).toEqual([[2, 'info']]);
    expect(
      (
        await tester.findings(
          'require-lock-timeout',
          'BEGIN;\nALTER TABLE customers RENAME COLUMN mail TO email;\nALTER TABLE orders ADD COLUMN email_sent boolean;\nCOMMIT;\n',
        )
      ).length,
    ).toBe(1);
    expect(waits[0]!.message).toContain('ALTER TABLE on line 3, which waits for its ACCESS EXCLUSIVE lock on orders with no lock_timeout');
    expect(
      await tester.findings(
        id,
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE customers RENAME COLUMN mail TO email;\nALTER TABLE orders ADD COLUMN email_sent boolean;\nCOMMIT;\n",
      ),
    ).toEqual([]);
  });

  it('counts rows copied only from a query that reads a table with rows', async () => {
    const fromNew =
      'BEGIN;\nCREATE TABLE refunds (id bigint PRIMARY KEY, reason text);\nALTER TABLE orders ADD COLUMN refund_id bigint;\nCREATE TABLE refund_reasons AS SELECT DISTINCT reason FROM refunds;\nINSERT INTO refund_reasons SELECT reason FROM refunds WHERE reason IS NOT NULL;\nCOMMIT;\n';
    expect(await tester.findings(id, fromNew)).toEqual([]);
    const fromExisting =
      'BEGIN;\nALTER TABLE orders ADD COLUMN refund_id bigint;\nWITH r AS (SELECT order_id, reason FROM legacy_refunds)\nINSERT INTO refund_reasons SELECT reason FROM r;\nCOMMIT;\n';
    expect((await tester.findings(id, fromExisting)).map((x) => [x.loc.line, x.severity])).toEqual([[2, 'warn']]);
  });

  it('is silent on quick statements after the lock: two ADD COLUMNs of one table, a lock on a new table', async () => {
    expect(await tester.findings(id, 'BEGIN;\nALTER TABLE orders ADD COLUMN status text;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n')).toEqual([]);
    expect(
      await tester.findings(
        id,
        'BEGIN;\nALTER TABLE orders ADD COLUMN refund_id bigint;\nCREATE TABLE refunds (id bigint PRIMARY KEY, reason text);\nCREATE INDEX refunds_reason_idx ON refunds (reason);\nCOMMIT;\n',
      ),
    ).toEqual([]);
  });

  it('is silent when the AEL statement is last, outside transactions, and on tables created in the unit', async () => {
    expect(await tester.findings(id, "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN status text;\nCOMMIT;\n")).toEqual([]);
    expect(await tester.findings(id, "ALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'new' WHERE id < 1000;\n")).toEqual([]);
    expect(
      await tester.findings(
        id,
        'BEGIN;\nCREATE TABLE refunds (id bigint PRIMARY KEY);\nALTER TABLE refunds ADD COLUMN reason text;\nCREATE INDEX refunds_reason_idx ON refunds (reason);\nCOMMIT;\n',
      ),
    ).toEqual([]);
  });

  it('reports once per transaction, at the first ACCESS EXCLUSIVE statement, naming every table held through the slow work', async () => {
    const sql = [
      'BEGIN;',
      'ALTER TABLE customers RENAME COLUMN mail TO email;',
      'ALTER TABLE orders RENAME COLUMN total TO total_cents;',
      "UPDATE order_notes SET body = 'migrated' WHERE body IS NULL;",
      'COMMIT;',
      '',
    ].join('\n');
    const f = await tester.findings(id, sql);
    expect(f.map((x) => [x.loc.line, x.severity])).toEqual([[2, 'warn']]);
    expect(f[0]!.message).toBe(
      'The ACCESS EXCLUSIVE lock ALTER … RENAME takes on customers is held until the transaction ends (as are the ones taken by later statements on orders), through ALTER … RENAME on line 3, which waits for its ACCESS EXCLUSIVE lock on orders with no lock_timeout; UPDATE on line 4, which writes rows. Every SELECT, INSERT, UPDATE and DELETE on customers and orders waits all that time.',
    );
  });

  it('says when the first statement itself locks the other tables', async () => {
    const sql = "BEGIN;\nLOCK TABLE orders, order_lines IN ACCESS EXCLUSIVE MODE;\nUPDATE order_notes SET body = 'x' WHERE body IS NULL;\nCOMMIT;\n";
    const f = await tester.findings(id, sql);
    expect(f[0]?.message).toMatch(
      /^The ACCESS EXCLUSIVE lock LOCK takes on orders is held until the transaction ends \(as are the ones taken by it on order_lines\), through UPDATE on line 3/,
    );
  });

  it('follows a table renamed in the transaction: its new name is locked already', async () => {
    const sql =
      "BEGIN;\nALTER TABLE comment_reply RENAME TO notification;\nALTER TABLE notification ADD COLUMN kind text;\nUPDATE order_notes SET body = 'x' WHERE body IS NULL;\nCOMMIT;\n";
    const f = await tester.findings(id, sql);
    expect(f.map((x) => x.message)).toEqual([
      'The ACCESS EXCLUSIVE lock ALTER … RENAME takes on comment_reply is held until the transaction ends, through UPDATE on line 4, which writes rows. Every SELECT, INSERT, UPDATE and DELETE on comment_reply waits all that time.',
    ]);
  });

  it('does not count a lock the transaction already holds as a wait', async () => {
    const sql =
      'BEGIN;\nALTER TABLE orders RENAME COLUMN total TO total_cents;\nALTER TABLE customers ADD COLUMN tier text;\nALTER TABLE orders DROP COLUMN legacy_total;\nALTER TABLE customers DROP COLUMN legacy_tier;\nCOMMIT;\n';
    const f = await tester.findings(id, sql);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('through ALTER TABLE on line 3, which waits for its ACCESS EXCLUSIVE lock on customers with no lock_timeout. Every');
  });

  it('counts no work on tables the stats call small', async () => {
    const sql = "BEGIN;\nALTER TABLE orders RENAME COLUMN total TO total_cents;\nUPDATE order_flags SET flag = 'x' WHERE flag IS NULL;\nCOMMIT;\n";
    expect(await tester.findings(id, sql, { tables: { order_flags: { rows: 40 } } })).toEqual([]);
    expect((await tester.findings(id, sql)).map((x) => x.severity)).toEqual(['warn']);
  });

  it('reports once per transaction and table, at the first statement that takes the lock', async () => {
    const sql =
      "BEGIN;\nALTER TABLE orders ADD COLUMN status text;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';\nINSERT INTO order_archive SELECT * FROM orders WHERE placed_at < '2020-01-01';\nCOMMIT;\n";
    expect((await tester.findings(id, sql)).map((x) => x.loc.line)).toEqual([2]);
  });

  it("applies to the runner's transaction: the whole file, when config says the runner wraps it", async () => {
    const sql = "ALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'new' WHERE id < 1000;\n";
    const f = await tester.findings(id, sql, { settings: { assumeInTransaction: true } });
    expect(f.map((x) => x.loc.line)).toEqual([1]);
  });

  it('lists at most three statements and says how many more there are', async () => {
    const lines = ['BEGIN;', 'ALTER TABLE orders RENAME COLUMN total TO total_cents;'];
    for (let i = 0; i < 5; i++) lines.push(`INSERT INTO order_archive_${i} SELECT * FROM orders;`);
    lines.push('COMMIT;', '');
    const f = await tester.findings(id, lines.join('\n'));
    expect(f[0]!.message).toContain(
      'through INSERT on line 3, which copies rows from a query; INSERT on line 4, which copies rows from a query; INSERT on line 5, which copies rows from a query; and 2 more.',
    );
  });
});
