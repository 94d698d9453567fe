// The rule tester must be able to fail: each check it makes is shown failing on a case that breaks it.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/types.js';
import { checkFinding, hostLanguageErrors, RuleTester } from './helpers/rule-tester.js';

const tester = new RuleTester({ settings: { preset: 'all' } });
const INDEX = 'CREATE INDEX orders_created_idx ON orders (created_at);\n';
const TABLES = { orders: { rows: 5_000_000, partitioned: false } };

describe('RuleTester', () => {
  it('passes a case that holds: message id, data, location, output', async () => {
    await tester.invalid('ban-drop-database', {
      code: 'DROP DATABASE shop_test;\n',
      errors: [{ messageId: 'drop', data: { database: 'shop_test' }, line: 1, column: 1, endLine: 1, endColumn: 24 }],
    });
    await tester.invalid('require-concurrent-index-creation', {
      code: INDEX,
      tables: TABLES,
      errors: [{ messageId: 'blocking', line: 1 }],
      output: 'CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n',
    });
    await tester.valid('ban-drop-database', { code: 'DROP SCHEMA staging CASCADE;\n' });
  });

  it('fails on a wrong message id, data, location or count', async () => {
    const code = 'DROP DATABASE shop_test;\n';
    await expect(tester.invalid('ban-drop-database', { code, errors: [{ messageId: 'dorp' }] })).rejects.toThrow(/messageId/);
    await expect(tester.invalid('ban-drop-database', { code, errors: [{ data: { database: 'shop' } }] })).rejects.toThrow();
    await expect(tester.invalid('ban-drop-database', { code, errors: [{ column: 2 }] })).rejects.toThrow();
    await expect(tester.invalid('ban-drop-database', { code, errors: 2 })).rejects.toThrow();
    await expect(tester.valid('ban-drop-database', { code })).rejects.toThrow();
  });

  it('fails on a wrong output, and on an output where nothing may be fixed', async () => {
    await expect(tester.invalid('require-concurrent-index-creation', { code: INDEX, tables: TABLES, errors: 1, output: INDEX })).rejects.toThrow();
    await expect(tester.invalid('require-concurrent-index-creation', { code: INDEX, tables: TABLES, errors: 1, output: null })).rejects.toThrow(
      /nothing is fixed/,
    );
  });

  it('fails a fix proof when the rule is not raised', async () => {
    await expect(tester.fix('require-concurrent-index-creation', 'SELECT 1;\n')).rejects.toThrow(/raises/);
  });

  it('fails on an input that does not parse', async () => {
    await expect(tester.findings('ban-drop-database', 'DROP DATABSE x;\n')).rejects.toThrow(/does not parse/);
  });

  it('fails on an unfilled placeholder, an undeclared message id, and edits from a rule that declares no fix', () => {
    const base: Finding = {
      ruleId: 'ban-drop-database',
      severity: 'error',
      message: 'DROP DATABASE x deletes',
      messageId: 'drop',
      span: { start: 0, end: 1 },
      loc: { line: 1, column: 1, endLine: 1, endColumn: 2 },
    };
    expect(() => checkFinding('ban-drop-database', base)).not.toThrow();
    expect(() => checkFinding('ban-drop-database', { ...base, message: 'DROP DATABASE {{database}} deletes' })).toThrow(/placeholder/);
    expect(() => checkFinding('ban-drop-database', { ...base, messageId: 'dropp' })).toThrow(/message id/);
    const edit = { description: 'x', edits: [{ start: 0, end: 0, text: '-- ' }] };
    expect(() => checkFinding('ban-drop-database', { ...base, suggestions: [edit] })).toThrow(/declares no fix/);
    expect(() => checkFinding('ban-drop-database', { ...base, fix: edit })).toThrow(/declares no fix/);
    expect(() => checkFinding('prefer-identity', { ...base, ruleId: 'prefer-identity', messageId: 'type', fix: edit })).toThrow(/safe fix/);
  });

  it('checks the host language: Python and JS/TS that do not parse', () => {
    expect(hostLanguageErrors('alembic/versions/a.py', 'def upgrade():\n    op.execute("SELECT 1")\n')).toEqual([]);
    expect(hostLanguageErrors('alembic/versions/a.py', 'def upgrade(:\n    pass\n')).not.toEqual([]);
    expect(hostLanguageErrors('migrations/1_a.js', "exports.up = (knex) => knex.raw('SELECT 1');\n")).toEqual([]);
    expect(hostLanguageErrors('migrations/1_a.ts', 'export async function up(: Knex) {}\n')).not.toEqual([]);
  });
});
