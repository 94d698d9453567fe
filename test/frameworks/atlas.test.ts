import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

const M = 'atlas/migrations';

describe('Atlas', () => {
  it('runs each file in a transaction (--tx-mode file), statement by statement', async () => {
    const { unit } = extractFixture(`${M}/20240501100000_create_users.sql`);
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: true, reason: 'Atlas runs each migration file in a transaction', oneQuery: false }]);
    expect((await lintFixture(`${M}/20240501100000_create_users.sql`)).findings).toEqual([]);
  });

  it('-- atlas:txmode none in the header opts out', async () => {
    expect(extractFixture(`${M}/20240512100000_users_created_index.sql`).unit.items[0]!.exec.wrapped).toBe(false);
    expect((await lintFixture(`${M}/20240512100000_users_created_index.sql`)).findings).toEqual([]);
  });

  it('CONCURRENTLY in a transactional file: a suggestion adds -- atlas:txmode none (then atlas migrate hash)', async () => {
    const rel = `${M}/20240510100000_users_email_index.sql`;
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([[2, 'ban-concurrent-index-creation-in-transaction']]);
    const f = r.findings[0]!;
    expect(f.fix).toBeUndefined();
    expect(f.suggestions![0]!.description).toBe('Run the file without a transaction (-- atlas:txmode none), then re-hash with atlas migrate hash');
    const text = read(rel);
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(rel), fixTypes: ['suggestion'] })).toBe(
      `-- atlas:txmode none\n\n${text}`,
    );
  });

  it('an unknown txmode is a framework-config warning; the default is used', async () => {
    const text = '-- atlas:txmode sometimes\n\nCREATE INDEX CONCURRENTLY "u_idx" ON "public"."users" ("email");\n';
    const r = await lintText(text, { filename: fx(`${M}/20240520100000_x.sql`) });
    expect(only(r, 'framework-config')[0]!.message).toContain('-- atlas:txmode sometimes is not none, file or all');
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')).toHaveLength(1);
  });
});
