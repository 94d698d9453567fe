/**
 * Knex's column methods were not read: in Wiki.js only `t.index`/`t.unique`/`t.foreign` counted, so its 28
 * migrations came to 8 statements. `knex.schema.table('assets', t => t.string('hash').notNullable())` is an ADD
 * COLUMN NOT NULL without a default, which fails on a table with rows; the fixture (fixtures/history/
 * knex-schema-columns) is that migration and one whose column differs by database.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'knex-schema-columns');

describe('Knex: the schema builder columns are read', () => {
  it('Wiki.js: the NOT NULL column without a default and the dropped column are linted, each on its line', async () => {
    const { results } = await cliJson(['.', '--no-cache'], FIXTURE);
    const found = results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}:${m.line} ${m.ruleId}`));
    expect(found).toEqual([
      '2.0.0-beta.127.js:4 ban-drop-column',
      '2.0.0-beta.127.js:4 hold-access-exclusive-lock',
      '2.0.0-beta.127.js:4 require-lock-timeout',
      '2.0.0-beta.127.js:5 adding-required-field',
      '2.4.13.js:1 schema-history',
      // The else branch of `if (WIKI.config.db.type === 'mysql')` is the column PostgreSQL gets; the MySQL one is not read.
      '2.4.13.js:9 hold-access-exclusive-lock',
      '2.4.13.js:9 require-lock-timeout',
    ]);
  });
});
