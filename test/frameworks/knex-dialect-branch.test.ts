/**
 * Multi-database projects keep each database's SQL in a branch on the database type. Wiki.js's 2.2.17 migration
 * switches on `WIKI.config.db.type`: its MySQL/MariaDB case (`SHOW COLUMNS FROM pageHistory`, a DROP COLUMN) never
 * runs on PostgreSQL, yet migralint read it: a parse error, and a ban-drop-column of a column PostgreSQL never
 * dropped. The fixture (fixtures/history/knex-dialect-branch) is that file.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { cliJson } from '../helpers/cli-json.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'knex-dialect-branch');

async function rules(text: string): Promise<string[]> {
  const r = await lintText(text, { filename: path.join(FIXTURE, 'server', 'db', 'migrations', '2.9.0.js') });
  return r.findings.filter((f) => f.ruleId !== 'schema-history').map((f) => `${f.loc.line} ${f.ruleId}`);
}

describe('JS migrations: code for other databases only', () => {
  it("Wiki.js: the MySQL case of a switch on the database type is not read; the PostgreSQL one's SQL still counts", async () => {
    const { results } = await cliJson(['.', '--no-cache'], FIXTURE);
    const found = results.flatMap((r) => r.messages.map((m) => `${m.line} ${m.ruleId}`));
    // The `.raw(sqlVersionDate)` at the end takes the SQL a case chose: not statically readable, and said so. The
    // column the alterTable adds is read: an ALTER TABLE with no lock_timeout.
    expect(found).toEqual(['32 require-lock-timeout', '34 unsupported-framework-construct']);
  });

  it('reads an `if` on the client: its branch for another database is skipped, the else of a PostgreSQL test too', async () => {
    const file = (body: string) =>
      ['exports.up = async (knex) => {', body, '  await knex.raw(\'ALTER TABLE "pageHistory" DROP COLUMN "legacy"\')', '}', ''].join('\n');
    const other = [
      "  if (knex.client.config.client === 'mysql' || knex.client.config.client === 'mariadb') {",
      "    await knex.raw('ALTER TABLE pageHistory DROP COLUMN versionDate')",
      '  }',
    ].join('\n');
    const pgElse = [
      "  if (knex.client.config.client === 'pg') {",
      '    await knex.raw(\'ALTER TABLE "pageHistory" ALTER COLUMN "versionDate" TYPE timestamptz\')',
      '  } else {',
      "    await knex.raw('ALTER TABLE pageHistory DROP COLUMN versionDate')",
      '  }',
    ].join('\n');
    expect(await rules(file(other))).toEqual(['5 ban-drop-column', '5 require-lock-timeout']);
    expect((await rules(file(pgElse))).filter((r) => r.endsWith('ban-drop-column'))).toEqual(['7 ban-drop-column']);
    // A test of the same value against PostgreSQL: that branch is read.
    expect(await rules(file(other.replace("=== 'mysql' || knex.client.config.client === 'mariadb'", "=== 'pg'")))).toContain('3 ban-drop-column');
  });
});
