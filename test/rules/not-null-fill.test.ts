/**
 * A fill of a column's NULLs under an ACCESS EXCLUSIVE lock the transaction holds, then SET NOT NULL of that column:
 * what Django sends for an AlterField from null=True to a not-null field with a default (recorded by real Django's
 * sqlmigrate for fixtures/frameworks/django-store orders/0005, `channel`): SET DEFAULT, UPDATE … WHERE channel IS NULL,
 * SET CONSTRAINTS ALL IMMEDIATE, SET NOT NULL, DROP DEFAULT. The lock is held from the fill to the end of the scan:
 * one hazard, one finding (adding-not-nullable-field's, at the SET NOT NULL), through the analysis facts
 * fillsForNotNull / nullsFilledBy.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();
const both = async (sql: string) => ({
  notNull: (await tester.findings('adding-not-nullable-field', sql)).map((f) => [f.loc.line, f.message]),
  backfill: (await tester.findings('ban-unbatched-backfill', sql)).map((f) => [f.loc.line, f.message]),
});

/** Django 5.2's SQL for the AlterField of orders/0005 (the sqlmigrate recording), on a table of the history. */
const DJANGO = `BEGIN;
ALTER TABLE "orders_order" ALTER COLUMN "channel" SET DEFAULT 'web';
UPDATE "orders_order" SET "channel" = 'web' WHERE "channel" IS NULL; SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE "orders_order" ALTER COLUMN "channel" SET NOT NULL;
ALTER TABLE "orders_order" ALTER COLUMN "channel" DROP DEFAULT;
COMMIT;
`;

describe('a fill of NULLs for SET NOT NULL under the lock already held: one finding', () => {
  it("Django's AlterField null → not null with a default: adding-not-nullable-field names the fill, ban-unbatched-backfill is silent", async () => {
    expect(await both(DJANGO)).toEqual({
      notNull: [
        [
          4,
          'The UPDATE on line 3 fills the NULLs of channel on orders_order under the ACCESS EXCLUSIVE lock ALTER TABLE on line 2 took, then ALTER COLUMN channel SET NOT NULL scans every row to check for NULLs under the same lock: all reads and writes wait for both.',
        ],
      ],
      backfill: [],
    });
  });

  it('a fill whose SET NOT NULL is proven by a validated CHECK (no scan) stays a backfill finding', async () => {
    const checked = DJANGO.replace(
      'BEGIN;\n',
      'ALTER TABLE orders_order ADD CONSTRAINT orders_order_channel_not_null CHECK (channel IS NOT NULL) NOT VALID;\nALTER TABLE orders_order VALIDATE CONSTRAINT orders_order_channel_not_null;\nBEGIN;\n',
    );
    const r = await both(checked);
    expect(r.notNull).toEqual([]);
    expect(r.backfill.map(([line]) => line)).toEqual([5]);
  });

  it('a fill of another column, a fill with a wider WHERE, or no lock held before the fill: both findings stay', async () => {
    const other = await both(DJANGO.replace(`WHERE "channel" IS NULL`, `WHERE "note" IS NULL`));
    expect([other.notNull.length, other.backfill.length]).toEqual([1, 1]);
    const wider = await both(DJANGO.replace(`WHERE "channel" IS NULL`, `WHERE "channel" IS NULL OR "channel" = ''`));
    expect([wider.notNull.length, wider.backfill.length]).toEqual([1, 1]);
    // The UPDATE first: its row locks are held while SET NOT NULL waits (ban-unbatched-backfill's own hazard).
    const first = await both(
      "BEGIN;\nUPDATE orders SET currency = 'EUR' WHERE currency IS NULL;\nALTER TABLE orders ALTER COLUMN currency SET NOT NULL;\nCOMMIT;\n",
    );
    expect([first.notNull.length, first.backfill.length]).toEqual([1, 1]);
  });

  it('on the Django project itself: the AlterField of orders/0005 gives one finding of the two rules', async () => {
    const project = path.join(import.meta.dirname, '..', '..', 'fixtures', 'frameworks', 'django-store');
    const { results } = await cliJson(['.', '--no-cache'], project);
    const file = results.find((r) => r.filePath.endsWith(path.join('orders', 'migrations', '0005_order_channel_and_more.py')))!;
    const found = file.messages.filter((m) => m.ruleId === 'adding-not-nullable-field' || m.ruleId === 'ban-unbatched-backfill');
    expect(found.map((m) => [m.ruleId, m.message.slice(0, 60)])).toEqual([
      ['adding-not-nullable-field', 'The UPDATE on line 19 fills the NULLs of channel on orders_o'],
    ]);
  });
});
