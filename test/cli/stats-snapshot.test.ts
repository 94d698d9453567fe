/**
 * Table sizes from a stats snapshot, end to end through the CLI (`--stats FILE`, the format `migralint stats`
 * writes): a Diesel migration shaped like Lemmy's, where local_site is a one-row settings table and post is large.
 * The size-aware findings on the small table go, the large table's become errors naming its size, and what does not
 * depend on size (no lock_timeout: the queue behind a waiting lock) stays.
 */
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { tempDirs, write } from '../helpers/repo.js';

const tempDir = tempDirs('migralint-stats-');

const MIGRATION = [
  '-- Index the settings lookups and the community feed',
  'CREATE INDEX idx_local_site_site_id ON local_site (site_id);',
  '',
  "UPDATE local_site SET registration_mode = 'RequireApplication' WHERE require_application;",
  '',
  'UPDATE local_site SET federation_enabled = true;',
  '',
  'CREATE INDEX idx_post_community_published ON post (community_id, published DESC);',
  '',
].join('\n');

/** `migralint stats` output for a production database (a hand-written copy of its shape). */
const SNAPSHOT = {
  version: 1,
  serverVersion: '16.4',
  generatedAt: '2026-11-30T09:12:44.000Z',
  tables: [
    { schema: 'public', name: 'local_site', rows: 1, bytes: 16384 },
    { schema: 'public', name: 'post', rows: 3_120_455, bytes: 1_870_000_000 },
  ],
  invalidIndexes: [],
};

async function lint(args: string[]): Promise<string[]> {
  const dir = tempDir();
  write(dir, 'migrations/2025-01-10-120000_feed_indexes/up.sql', MIGRATION);
  write(dir, 'migrations/2025-01-10-120000_feed_indexes/down.sql', 'DROP INDEX idx_post_community_published;\nDROP INDEX idx_local_site_site_id;\n');
  write(dir, 'migralint-stats.json', JSON.stringify(SNAPSHOT, null, 2));
  const { results } = await cliJson(['migrations', '--no-cache', ...args], dir);
  return results.flatMap((r) =>
    r.messages.filter((m) => m.severity > 0).map((m) => `${m.line} ${m.ruleId} ${m.severity}${/\(\S+ rows?,/.test(m.message) ? ' sized' : ''}`),
  );
}

describe('--stats: table sizes from a snapshot', () => {
  it('without sizes, every table is of unknown size', async () => {
    // The lock_timeout finding is info here: both strong locks are CREATE INDEXes whose own findings ask for
    // CONCURRENTLY. The first UPDATE runs in the transaction of the CREATE INDEX on its table.
    expect(await lint([])).toEqual([
      '2 require-concurrent-index-creation 2',
      '4 ban-unbatched-backfill 1',
      '6 ban-unbatched-backfill 1',
      '8 require-concurrent-index-creation 2',
    ]);
  });

  it('with the snapshot, the one-row table has no size finding, the large one an error with its size', async () => {
    // No index finding owns the one-row table's SHARE lock now: the missing lock_timeout is a warning again.
    expect(await lint(['--stats', 'migralint-stats.json'])).toEqual(['2 require-lock-timeout 1', '8 require-concurrent-index-creation 2 sized']);
  });
});
