/**
 * Knex's `knex.raw(…)` builds a query that is sent only when awaited, returned or `.then`-ed. Kutt's
 * 20200510140704_domains migration calls it as a statement of its own, so PostgreSQL never sees the ALTER TABLE;
 * migralint linted it as run (require-lock-timeout). The fixture (fixtures/history/knex-unawaited-raw) is that file.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { cliJson } from '../helpers/cli-json.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'knex-unawaited-raw');

describe('Knex: a knex.raw nothing awaits is never sent', () => {
  it('Kutt: the ALTER TABLE is not linted, and a note says why', async () => {
    const { results } = await cliJson(['.', '--no-cache'], FIXTURE);
    const found = results.flatMap((r) => r.messages.map((m) => `${m.line} ${m.ruleId}: ${m.message.slice(0, 40)}`));
    // The column the alterTable adds is read: `knex.fn.uuid()` is gen_random_uuid(), volatile, so every row is rewritten.
    expect(found).toEqual([
      '16 unsupported-framework-construct: knex.raw(…) is neither awaited nor retur',
      '26 adding-field-with-default: Adding column uuid to domains with a vol',
      '26 require-lock-timeout: No lock_timeout is set before 1 statemen',
    ]);
  });

  it('awaited, returned or chained, the same call is linted', async () => {
    const sql = "knex.raw('ALTER TABLE domains DROP CONSTRAINT IF EXISTS domains_user_id_unique')";
    for (const body of [`await ${sql};`, `return ${sql};`, `${sql}.then(() => undefined);`]) {
      const r = await lintText(`exports.up = async (knex) => {\n  ${body}\n};\n`, {
        filename: path.join(FIXTURE, 'server', 'migrations', '20200601000000_x.js'),
      });
      expect(
        r.findings.map((f) => f.ruleId),
        body,
      ).toContain('require-lock-timeout');
    }
  });
});
