/**
 * TypeORM migrations written in plain JS (Misskey and its forks: `packages/backend/migration/*.js`) import nothing
 * from typeorm and implement no `MigrationInterface`; the class's `async up(queryRunner)` is what TypeORM's
 * MigrationExecutor calls. They were read as an unknown runner (`js`: no transaction), so a backfill after an
 * ALTER TABLE was not seen running under the ALTER's ACCESS EXCLUSIVE lock, and fixes assumed no transaction. The fixture (fixtures/history/typeorm-plain-js) is two of CherryPick's files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { loadParsers } from '../../src/engine/lint-text.js';
import { detectFramework } from '../../src/sources/index.js';
import { planUnit, unitOf } from '../../src/trace/execute.js';
import { cliJson } from '../helpers/cli-json.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'typeorm-plain-js');
const CLEAN_UP = path.join(FIXTURE, 'migration', '1696405744672-clean-up.js');
const USER_LIST = path.join(FIXTURE, 'migration', '1696807733453-userListUserId.js');

describe('TypeORM: plain-JS migration classes', () => {
  beforeAll(loadParsers);

  it('a class whose up takes a queryRunner is a TypeORM migration', () => {
    for (const f of [CLEAN_UP, USER_LIST]) expect(detectFramework(f, readFileSync(f, 'utf8'))).toBe('typeorm');
  });

  it('another JS file with a queryRunner but no migration class stays an unknown runner', () => {
    const text = 'export async function up(queryRunner) {\n  await queryRunner.query(`CREATE INDEX i ON t (a)`);\n}\n';
    expect(detectFramework(path.join(FIXTURE, 'migration', '1700000000000-fn.js'), text)).toBe('js');
  });

  it('runs the history in one transaction, as migrationsTransactionMode "all" does', async () => {
    const { results } = await cliJson(['.', '--no-cache'], FIXTURE);
    const found = results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}:${m.line} ${m.ruleId}`)).sort();
    expect(found).toEqual([
      '1652859567549-uniform-themecolor.js:32 ban-unbatched-backfill',
      // the indexes come from before the excerpt: their table is unknown, so each DROP INDEX is reported
      '1696405744672-clean-up.js:1 schema-history',
      '1696405744672-clean-up.js:10 require-concurrent-index-deletion',
      '1696405744672-clean-up.js:10 require-lock-timeout',
      '1696405744672-clean-up.js:11 require-concurrent-index-deletion',
      '1696807733453-userListUserId.js:1 schema-history',
      // the backfill runs under the ALTER TABLE's lock, which the transaction keeps until it commits
      '1696807733453-userListUserId.js:10 hold-access-exclusive-lock',
      '1696807733453-userListUserId.js:10 require-lock-timeout',
      '1696807733453-userListUserId.js:11 ban-unbatched-backfill',
    ]);
  });

  it('a history run skips a migration whose SQL takes bind parameters: their values come from the code', () => {
    const file = path.join(FIXTURE, 'migration', '1652859567549-uniform-themecolor.js');
    const plan = planUnit(unitOf({ path: file, text: readFileSync(file, 'utf8'), bom: false }, DEFAULT_SETTINGS));
    expect(plan.notRunnable).toMatch(/bind parameters/);
    expect(planUnit(unitOf({ path: CLEAN_UP, text: readFileSync(CLEAN_UP, 'utf8'), bom: false }, DEFAULT_SETTINGS)).notRunnable).toBeUndefined();
  });
});
