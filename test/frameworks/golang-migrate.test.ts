import { describe, expect, it } from 'vitest';
import { fixText, lintText } from '../../src/engine/lint-text.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

const M = 'golang-migrate/db/migrations';

describe('golang-migrate', () => {
  it('sends the whole file as one query, no wrapper', () => {
    const { unit } = extractFixture(`${M}/000002_users_email_index.up.sql`);
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: false, reason: 'golang-migrate sends this file as one query', oneQuery: true }]);
  });

  it("SET lock_timeout before CONCURRENTLY in one file: the message says why in golang-migrate's words", async () => {
    const r = await lintFixture(`${M}/000002_users_email_index.up.sql`);
    expect(lined(r)).toEqual([
      [2, 'ban-concurrent-index-creation-in-transaction'],
      [2, 'concurrent-index-invalid-leftover'],
    ]);
    const f = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(f.message).toBe(
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this one will: golang-migrate sends this file as one query, so its 2 statements run as one implicit transaction. The migration fails at deploy time.',
    );
    expect(f.fix).toBeUndefined();
    expect(f.help).toMatch(/^Put this statement alone in a migration of its own/);
  });

  it('one CONCURRENTLY statement alone in its file is fine', async () => {
    const r = await lintFixture(`${M}/000003_users_username_index.up.sql`);
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')).toEqual([]);
  });

  it('empty files (0-byte down and up files) lint clean', async () => {
    expect(read(`${M}/000004_placeholder.up.sql`)).toBe('');
    expect((await lintFixture(`${M}/000004_placeholder.up.sql`)).findings).toEqual([]);
    expect((await lintFixture(`${M}/000001_create_users_table.down.sql`)).findings).toEqual([]);
    expect((await lintFixture(`${M}/000001_create_users_table.down.sql`, { settings: { includeDown: true } })).findings).toEqual([]);
  });

  it('down files are linted only with includeDown', async () => {
    const down = `${M}/000002_users_email_index.down.sql`;
    expect(extractFixture(down).unit.items).toEqual([]);
    expect((await lintFixture(down)).findings).toEqual([]);
    const r = await lintFixture(down, { settings: { includeDown: true } });
    expect(lined(r)).toEqual([
      [1, 'require-concurrent-index-deletion'],
      [1, 'require-lock-timeout'],
    ]);
  });

  it('require-lock-timeout never puts SET lock_timeout into a one-query file holding CONCURRENTLY', async () => {
    const filename = fx(`${M}/000005_users_nickname.up.sql`);
    const text = 'ALTER TABLE users ADD COLUMN nickname text;\n';
    const both = `${text}CREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname);\n`;
    const r = await lintText(both, { filename });
    const lt = only(r, 'require-lock-timeout')[0]!;
    expect(lt.fix).toBeUndefined();
    const fixed = await fixText(both, { filename, rules: ['require-lock-timeout'] });
    expect(fixed.applied).toBe(0);
    // Without a must-run-alone statement the SET goes in.
    expect(await tester.fix('require-lock-timeout', text, { filename })).toBe(`SET lock_timeout = '2s';\n${text}`);
  });

  it('frameworkOptions["golang-migrate"].multiStatement runs statements one by one', async () => {
    const r = await lintFixture(`${M}/000002_users_email_index.up.sql`, { settings: { frameworkOptions: { 'golang-migrate': { multiStatement: true } } } });
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')).toEqual([]);
    expect(r.assumption).toContain('x-multi-statement');
  });
});
