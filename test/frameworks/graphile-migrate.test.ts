import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

describe('graphile-migrate', () => {
  it('runs each migration in a transaction, as one query; :PLACEHOLDERS parse', async () => {
    const { unit } = extractFixture('graphile-migrate/migrations/committed/000001.sql');
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: true, reason: 'graphile-migrate runs each migration in a transaction', oneQuery: true }]);
    // No parse error and no lock finding; only the 32-bit primary key (type style is in the strict preset).
    expect(lined(await lintFixture('graphile-migrate/migrations/committed/000001.sql'))).toEqual([[6, 'prefer-bigint-over-int']]);
  });

  it("--! no-transaction as the first line of a committed migration's body opts out", async () => {
    const { unit } = extractFixture('graphile-migrate/migrations/committed/000002.sql');
    expect(unit.items[0]!.exec).toEqual({ wrapped: false, reason: 'graphile-migrate sends the migration as one query', oneQuery: true });
    expect((await lintFixture('graphile-migrate/migrations/committed/000002.sql')).findings).toEqual([]);
  });

  it('current.sql: flagged, fixed with --! no-transaction on the first line', async () => {
    const rel = 'graphile-migrate/migrations/current.sql';
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([
      [1, 'ban-concurrent-index-creation-in-transaction'],
      [1, 'concurrent-index-invalid-leftover'],
    ]);
    const text = read(rel);
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(rel) })).toBe(`--! no-transaction\n${text}`);
  });

  it('with other statements --! no-transaction cannot help: manual, and the one-query reason', async () => {
    const text = "--! no-transaction\nset lock_timeout = '2s';\ncreate index concurrently posts_x_idx on app_public.posts (author_id);\n";
    const r = await lintText(text, { filename: fx('graphile-migrate/migrations/current.sql') });
    const f = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(f.loc.line).toBe(3);
    expect(f.message).toContain('graphile-migrate sends the migration as one query, so its 2 statements run as one implicit transaction');
    expect(f.fix).toBeUndefined();
    expect(f.help).toContain('exactly one statement');
  });

  it('a committed migration is not rewritten (its hash would change): manual', async () => {
    const text = '--! Previous: -\n--! Hash: sha1:00\n--! Message: idx\n\ncreate index concurrently posts_y_idx on app_public.posts (created_at);\n';
    const r = await lintText(text, { filename: fx('graphile-migrate/migrations/committed/000003.sql') });
    const f = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(f.loc.line).toBe(5);
    expect(f.fix).toBeUndefined();
    expect(f.help).toContain('graphile-migrate uncommit');
  });
});
