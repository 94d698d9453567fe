/**
 * Liquibase skips a changeSet whose preConditions fail when `onFail` is MARK_RAN or CONTINUE; projects that support
 * several databases keep each one's SQL behind a `<dbms type="…"/>` precondition so. Traccar's changelog-4.1 is
 * T-SQL for SQL Server alone: migralint read it as PostgreSQL and reported four parse errors. The fixture
 * (fixtures/history/liquibase-dbms-precondition) is that changelog beside one guarded for PostgreSQL.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadParsers } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { pgType } from '../../src/frameworks/liquibase/changes.js';
import { orderHistory, planUnit, unitOf } from '../../src/trace/execute.js';
import { cliJson } from '../helpers/cli-json.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'liquibase-dbms-precondition');

const changelog = (changeSet: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n${changeSet}\n</databaseChangeLog>\n`;

async function rules(file: string, text: string): Promise<string[]> {
  const r = await lintText(text, { filename: path.join(FIXTURE, 'schema', file) });
  return r.findings.map((f) => `${f.loc.line} ${f.ruleId}`);
}

describe('Liquibase: a changeSet whose dbms precondition excludes PostgreSQL', () => {
  beforeAll(loadParsers);

  it('is not read (no parse errors of T-SQL); the PostgreSQL one beside it is', async () => {
    const { results } = await cliJson(['.', '--no-cache'], FIXTURE);
    const found = results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}:${m.line} ${m.ruleId}`)).sort();
    expect(found.filter((f) => f.startsWith('changelog-4.1.xml'))).toEqual([]);
    expect(found).toContain('changelog-6.8.0.xml:23 require-concurrent-index-deletion');
    expect(found).toContain('changelog-6.8.0.xml:42 require-concurrent-index-creation');
  });

  it('only when onFail skips the changeSet: HALT (the default) and WARN run or stop, so the SQL is still read', async () => {
    const text = readFileSync(path.join(FIXTURE, 'schema', 'changelog-4.1.xml'), 'utf8');
    for (const onFail of ['HALT', 'WARN']) {
      const changed = text.replace('onFail="MARK_RAN"', `onFail="${onFail}"`);
      expect(await rules('changelog-4.1.xml', changed), onFail).toContain('16 parse-error');
    }
    expect(await rules('changelog-4.1.xml', text.replace('onFail="MARK_RAN"', 'onFail="CONTINUE"'))).toEqual([]);
  });

  it('reads and / or / not of dbms, and leaves conditions on the data (sqlCheck, tableExists) to run time', async () => {
    const drop = (pre: string) =>
      changelog(
        `  <changeSet author="author" id="drop-index">\n    <preConditions onFail="MARK_RAN">\n${pre}\n    </preConditions>\n    <dropIndex tableName="tc_positions" indexName="position_deviceid_fixtime"/>\n  </changeSet>`,
      );
    const skipped = [
      '      <dbms type="mysql,mariadb"/>',
      '      <dbms type="!postgresql"/>',
      '      <or><dbms type="h2"/><dbms type="mssql"/></or>',
      '      <not><dbms type="postgresql"/></not>',
      '      <tableExists tableName="tc_positions"/>\n      <dbms type="oracle"/>',
    ];
    for (const pre of skipped) expect(await rules('c.xml', drop(pre)), pre).toEqual([]);
    const read = [
      '      <dbms type="postgresql"/>',
      '      <or><dbms type="h2"/><tableExists tableName="tc_positions"/></or>',
      '      <not><dbms type="mssql"/></not>',
      '      <sqlCheck expectedResult="1">SELECT 1</sqlCheck>',
    ];
    for (const pre of read) {
      const found = (await rules('c.xml', drop(pre))).map((r) => r.replace(/^\d+ /, ''));
      expect(found, pre).toContain('require-concurrent-index-deletion');
    }
  });

  it('YAML: an `- onFail: MARK_RAN` item and a `- dbms:` item', async () => {
    const yaml = (type: string) =>
      [
        'databaseChangeLog:',
        '  - changeSet:',
        '      id: drop-index',
        '      author: author',
        '      preConditions:',
        '        - onFail: MARK_RAN',
        '        - dbms:',
        `            type: ${type}`,
        '      changes:',
        '        - dropIndex:',
        '            tableName: tc_positions',
        '            indexName: position_deviceid_fixtime',
        '',
      ].join('\n');
    expect(await rules('c.yaml', yaml('mssql'))).toEqual([]);
    expect(await rules('c.yaml', yaml('postgresql'))).toContain('10 require-concurrent-index-deletion');
  });
});

/**
 * Column types as liquibase-core's BlobType and ClobType give them to PostgreSQL: Traccar's first changelog creates
 * tc_calendars with `data MEDIUMBLOB`, which Liquibase sends as BYTEA (migralint sent MEDIUMBLOB, and a history run
 * failed on it: every later changelog with it). BLOB itself is OID.
 */
describe('Liquibase: binary and text type aliases', () => {
  it('maps each alias as Liquibase does for PostgreSQL', () => {
    const types = ['MEDIUMBLOB', 'TINYBLOB', 'LONGBLOB', 'VARBINARY(255)', 'BLOB', 'java.sql.Types.BLOB', 'TINYTEXT', 'NTEXT', 'CLOB', 'LONG VARCHAR'];
    expect(types.map((t) => pgType(t))).toEqual(['bytea', 'bytea', 'bytea', 'bytea', 'oid', 'oid', 'text', 'text', 'text', 'text']);
  });

  it("Traccar's tc_calendars is created with a bytea column", async () => {
    await loadParsers();
    const file = path.join(FIXTURE, 'schema', 'changelog-4.0-clean.xml');
    const plan = planUnit(unitOf({ path: file, text: readFileSync(file, 'utf8'), bom: false }, DEFAULT_SETTINGS));
    expect(plan.steps.map((s) => s.sql).join('\n')).toMatch(/\bdata bytea NOT NULL\b/);
  });
});

describe('History runs (trace, fix proof) order a Liquibase history as the linter does', () => {
  it('from the master changelog: 4.9 (an index on servertime) before 4.13 (which renames servertime)', () => {
    const dir = path.join(FIXTURE, 'schema');
    const names = ['changelog-6.8.0.xml', 'changelog-4.9.xml', 'changelog-4.13.xml', 'changelog-4.1.xml', 'changelog-master.xml', 'changelog-4.0-clean.xml'];
    const files = names.map((n) => ({ path: n, text: readFileSync(path.join(dir, n), 'utf8') }));
    const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
    expect(orderHistory(files, dir, read).map((f) => f.path)).toEqual([
      'changelog-master.xml',
      'changelog-4.0-clean.xml',
      'changelog-4.1.xml',
      'changelog-4.9.xml',
      'changelog-4.13.xml',
      'changelog-6.8.0.xml',
    ]);
  });
});
