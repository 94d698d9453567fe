import { describe, expect, it } from 'vitest';
import { extractFixture, lined, lintFixture, only } from './helpers.js';

const M = 'supabase/supabase/migrations';

describe('Supabase CLI', () => {
  it('assumes a CLI before 2.109 (one batch per file) by default and says so', () => {
    const { unit } = extractFixture(`${M}/20240415120000_profiles_username_index.sql`);
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: false, reason: 'Supabase CLI sends each migration file as one batch', oneQuery: true }]);
    expect(unit.assumption).toMatch(/before 2\.109.*frameworkOptions\.supabase\.cliVersion/);
  });

  it('flags CONCURRENTLY with another statement in the file, at its line', async () => {
    const r = await lintFixture(`${M}/20240415120000_profiles_username_index.sql`);
    expect(lined(r)).toEqual([
      [2, 'ban-concurrent-index-creation-in-transaction'],
      [2, 'concurrent-index-invalid-leftover'],
    ]);
    const f = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(f.message).toContain('Supabase CLI sends each migration file as one batch, so its 2 statements run as one implicit transaction');
    expect(f.fix).toBeUndefined();
    expect(f.help).toContain('supabase migration new');
  });

  it('alone in its file it passes', async () => {
    expect((await lintFixture(`${M}/20240420120000_profiles_lower_username.sql`)).findings).toEqual([]);
  });

  it('with cliVersion 2.109 or later CONCURRENTLY runs on its own', async () => {
    const r = await lintFixture(`${M}/20240415120000_profiles_username_index.sql`, { settings: { frameworkOptions: { supabase: { cliVersion: '2.110.1' } } } });
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')).toEqual([]);
    expect(r.assumption).toBe('CLI 2.110.1 runs CONCURRENTLY statements on their own (frameworkOptions.supabase.cliVersion)');
    const old = await lintFixture(`${M}/20240415120000_profiles_username_index.sql`, {
      settings: { frameworkOptions: { supabase: { cliVersion: '2.108.4' } } },
    });
    expect(only(old, 'ban-concurrent-index-creation-in-transaction')).toHaveLength(1);
  });
});
