/**
 * ban-drop-not-null reports a change of contract, not a DROP NOT NULL of a column the history made nullable already:
 * PostgreSQL takes the lock and changes nothing. The fixture (fixtures/history/alembic-nullable-again) is an Alembic
 * history in the shape of Redash's: 640888ce445d re-adds queries.schedule NOT NULL, 73beceabb948 drops that NOT NULL,
 * and 7205816877ec retypes the column to jsonb with `nullable=True` again (Alembic sends DROP NOT NULL for it). The
 * queries table itself comes from before the history, so its other columns (options) are unknown and still reported.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { fixtureVariant, tempDirs } from '../helpers/repo.js';
import { RuleTester } from '../helpers/rule-tester.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'alembic-nullable-again');
const VERSIONS = path.join('migrations', 'versions');
const BACK = path.join(VERSIONS, '73beceabb948_bring_back_null_schedule.py');
const tempDir = tempDirs('migralint-nullable-again-');

async function drops(dir: string): Promise<string[]> {
  const { results } = await cliJson(['.', '--no-cache'], dir);
  return results.flatMap((r) =>
    r.messages.filter((m) => m.ruleId === 'ban-drop-not-null').map((m) => `${path.basename(r.filePath)}:${m.line} ${m.message.split(' DROP NOT NULL')[0]}`),
  );
}

describe('ban-drop-not-null: a column the history made nullable already', () => {
  it('the first DROP NOT NULL of schedule is reported; the repeat, and nothing about schedule after it, is not', async () => {
    expect((await drops(FIXTURE)).sort()).toEqual([
      '7205816877ec_change_type_of_json_fields_from_varchar_.py:22 ALTER COLUMN options',
      '73beceabb948_bring_back_null_schedule.py:19 ALTER COLUMN schedule',
    ]);
  });

  it('a SET NOT NULL in between makes the column NOT NULL again: the later DROP NOT NULL changes the contract', async () => {
    const again = fixtureVariant(tempDir(), FIXTURE, BACK, (t) =>
      t.replace(
        '    op.alter_column("queries", "schedule", nullable=True, server_default=None)\n',
        '    op.alter_column("queries", "schedule", nullable=True, server_default=None)\n    op.alter_column("queries", "schedule", nullable=False)\n',
      ),
    );
    expect((await drops(again)).sort()).toEqual([
      '7205816877ec_change_type_of_json_fields_from_varchar_.py:22 ALTER COLUMN options',
      '7205816877ec_change_type_of_json_fields_from_varchar_.py:28 ALTER COLUMN schedule',
      '73beceabb948_bring_back_null_schedule.py:19 ALTER COLUMN schedule',
    ]);
  });

  it('an explicit NULL in the column definition says nullable; a column defined with neither is unknown (a DSL may leave NOT NULL out)', async () => {
    const tester = new RuleTester();
    const add = (def: string) => `ALTER TABLE "shop_product" ADD COLUMN "note" text${def};\nALTER TABLE "shop_product" ALTER COLUMN "note" DROP NOT NULL;\n`;
    expect(await tester.findings('ban-drop-not-null', add(' NULL'))).toEqual([]);
    expect(await tester.findings('ban-drop-not-null', add(''))).toHaveLength(1);
    expect(await tester.findings('ban-drop-not-null', add(" NOT NULL DEFAULT ''"))).toHaveLength(1);
  });
});
