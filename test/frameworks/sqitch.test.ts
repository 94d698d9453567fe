import { describe, expect, it } from 'vitest';
import { extractFixture, fx, lined, lintFixture, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

describe('sqitch', () => {
  it("deploy scripts run with psql, statement by statement; the template's BEGIN/COMMIT is explicit SQL", async () => {
    const { unit } = extractFixture('sqitch/deploy/users.sql');
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: false, reason: 'sqitch runs the script with psql, statement by statement', oneQuery: false }]);
    expect((await lintFixture('sqitch/deploy/users.sql')).findings).toEqual([]);
    expect((await lintFixture('sqitch/deploy/appschema.sql')).findings).toEqual([]);
    expect((await lintFixture('sqitch/verify/users_nickname_idx.sql')).findings).toEqual([]);
  });

  it("CONCURRENTLY inside the template's BEGIN … COMMIT: flagged, and moved after the COMMIT", async () => {
    const rel = 'sqitch/deploy/users_nickname_idx.sql';
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([[6, 'ban-concurrent-index-creation-in-transaction']]);
    expect(r.findings[0]!.message).toContain('the BEGIN on line 4 opened a transaction');
    const text = read(rel);
    const expected = text
      .replace('CREATE INDEX CONCURRENTLY users_timestamp_idx ON flipr.users (timestamp);\n', '')
      .replace('COMMIT;', 'COMMIT;\n\nCREATE INDEX CONCURRENTLY users_timestamp_idx ON flipr.users (timestamp);');
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(rel) })).toBe(expected);
  });

  it('revert scripts are linted only with includeDown', async () => {
    expect((await lintFixture('sqitch/revert/users_nickname_idx.sql')).findings).toEqual([]);
    const r = await lintFixture('sqitch/revert/users_nickname_idx.sql', { settings: { includeDown: true } });
    expect(lined(r)).toEqual([
      [5, 'require-concurrent-index-deletion'],
      [5, 'require-lock-timeout'],
    ]);
  });
});
