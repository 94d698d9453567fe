import { describe, expect, it } from 'vitest';
import { extractFixture, fx, lined, lintFixture, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

const M = 'sqlx/migrations';

describe('sqlx', () => {
  it('runs each migration in a transaction, as one query', async () => {
    const { unit } = extractFixture(`${M}/20240301120000_todos.sql`);
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: true, reason: 'sqlx runs each migration in a transaction', oneQuery: true }]);
    // No lock finding (type style is in the strict preset).
    expect(lined(await lintFixture(`${M}/20240301120000_todos.sql`))).toEqual([]);
  });

  it('a file starting with -- no-transaction opts out', async () => {
    expect(extractFixture(`${M}/20240305090000_todos_done_index.sql`).unit.items[0]!.exec.wrapped).toBe(false);
    expect((await lintFixture(`${M}/20240305090000_todos_done_index.sql`)).findings).toEqual([]);
  });

  it('a lone CONCURRENTLY is fixed by starting the file with -- no-transaction', async () => {
    const rel = `${M}/20240310090000_todos_description_index.sql`;
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([[1, 'ban-concurrent-index-creation-in-transaction']]);
    const text = read(rel);
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(rel) })).toBe(`-- no-transaction\n${text}`);
  });

  it('with another statement in the file there is no fix: -- no-transaction still sends one query', async () => {
    const r = await lintFixture(`${M}/20240312090000_todos_trgm.up.sql`);
    expect(lined(r)).toEqual([[3, 'ban-concurrent-index-creation-in-transaction']]);
    expect(r.findings[0]!.fix).toBeUndefined();
    expect(r.findings[0]!.help).toContain('works only for a migration of one statement');
  });

  it('.down.sql is linted only with includeDown', async () => {
    expect((await lintFixture(`${M}/20240312090000_todos_trgm.down.sql`)).findings).toEqual([]);
    const r = await lintFixture(`${M}/20240312090000_todos_trgm.down.sql`, { settings: { includeDown: true } });
    expect(r.findings.map((f) => f.ruleId)).toContain('require-concurrent-index-deletion');
  });
});

describe('sqlx: require-concurrent-index-creation', () => {
  it('a lone blocking CREATE INDEX gets CONCURRENTLY and -- no-transaction together', async () => {
    const text = 'CREATE INDEX todos_done_desc_idx ON todos (done, id DESC);\n';
    const filename = fx(`${M}/20240320090000_todos_done_desc_index.sql`);
    expect(await tester.fix('require-concurrent-index-creation', text, { filename, largeTables: ['todos'] })).toBe(
      `-- no-transaction\nCREATE INDEX CONCURRENTLY todos_done_desc_idx ON todos (done, id DESC);\n`,
    );
  });
});
