import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixText } from '../../src/engine/lint-text.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';

const M = 'diesel/migrations';

describe('Diesel', () => {
  it('runs each up.sql in a transaction, as one query; the initial setup function parses', async () => {
    const { unit } = extractFixture(`${M}/00000000000000_diesel_initial_setup/up.sql`);
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: true, reason: 'Diesel runs each migration in a transaction', oneQuery: true }]);
    expect((await lintFixture(`${M}/00000000000000_diesel_initial_setup/up.sql`)).findings).toEqual([]);
    // No lock finding; only the 32-bit primary key (type style is in the strict preset).
    expect(lined(await lintFixture(`${M}/2024-02-01-101500_create_posts/up.sql`))).toEqual([[2, 'prefer-bigint-over-int']]);
  });

  it('metadata.toml run_in_transaction = false opts out', async () => {
    const { unit } = extractFixture(`${M}/2024-02-10-083000_posts_published_index/up.sql`);
    expect(unit.items[0]!.exec).toEqual({ wrapped: false, reason: 'Diesel sends the migration as one query (batch_execute)', oneQuery: true });
    expect((await lintFixture(`${M}/2024-02-10-083000_posts_published_index/up.sql`)).findings).toEqual([]);
  });

  it('without it, CONCURRENTLY is flagged; the fix writes run_in_transaction = false into metadata.toml', async () => {
    const file = `${M}/2024-02-12-090000_posts_title_index/up.sql`;
    const r = await lintFixture(file);
    expect(lined(r)).toEqual([[1, 'ban-concurrent-index-creation-in-transaction']]);
    expect(r.findings[0]!.message).toContain('Diesel runs each migration in a transaction');
    const metadata = path.join(path.dirname(fx(file)), 'metadata.toml');
    expect(r.findings[0]!.fix).toEqual({
      description: 'Set run_in_transaction = false in 2024-02-12-090000_posts_title_index/metadata.toml',
      edits: [],
      files: [{ path: metadata, text: 'run_in_transaction = false\n' }],
    });
    // Applied as --fix does: the re-lint reads the pending metadata.toml and the migration is clean.
    const text = read(file);
    const fixed = await fixText(text, { filename: fx(file) });
    expect(fixed.text).toBe(text);
    expect(fixed.files).toEqual([{ path: metadata, text: 'run_in_transaction = false\n' }]);
    expect(fixed.result.findings.filter((f) => f.ruleId === 'ban-concurrent-index-creation-in-transaction')).toEqual([]);
  });

  it('a malformed metadata.toml is a framework-config warning naming the file; the default is used', async () => {
    const r = await lintFixture(`${M}/2024-02-15-120000_posts_author_index/up.sql`);
    expect(lined(r)).toEqual([
      [1, 'ban-concurrent-index-creation-in-transaction'],
      [1, 'framework-config'],
    ]);
    expect(only(r, 'framework-config')[0]!.message).toBe(
      "Diesel 2024-02-15-120000_posts_author_index/metadata.toml: run_in_transaction must be true or false, not nope. Assuming Diesel's default: the migration runs in a transaction.",
    );
  });

  it('down.sql is linted only with includeDown', async () => {
    expect(extractFixture(`${M}/2024-02-10-083000_posts_published_index/down.sql`).unit.items).toEqual([]);
    expect((await lintFixture(`${M}/2024-02-12-090000_posts_title_index/down.sql`)).findings).toEqual([]);
    const r = await lintFixture(`${M}/2024-02-12-090000_posts_title_index/down.sql`, { settings: { includeDown: true } });
    expect(r.findings.map((f) => f.ruleId)).toContain('require-concurrent-index-deletion');
  });
});
