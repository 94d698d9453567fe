/**
 * require-concurrent-index-deletion reports the DROP INDEX that takes the table's ACCESS EXCLUSIVE lock, not every
 * later drop in the same transaction: those wait for nothing and block no one not already blocked. The fixture
 * (fixtures/history/diesel-index-swap) is a Diesel history in the shape of Lemmy's 2024-04-23 add_post_id_index:
 * the first migration creates post_aggregates and two indexes, the second drops and rebuilds both in one up.sql
 * (Diesel runs it in one transaction), so the history knows both indexes are on post_aggregates.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { fixtureVariant, tempDirs } from '../helpers/repo.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'diesel-index-swap');
const SWAP = path.join('migrations', '2024-04-23-020604_add_post_id_index', 'up.sql');
const tempDir = tempDirs('migralint-index-swap-');

/** The lines of require-concurrent-index-deletion's findings in the swap migration, linted with its history. */
async function drops(dir: string): Promise<number[]> {
  const { results } = await cliJson(['.', '--no-cache'], dir);
  const swap = results.find((r) => r.filePath.endsWith(SWAP))!;
  return swap.messages.filter((m) => m.ruleId === 'require-concurrent-index-deletion').map((m) => m.line);
}

const variant = (change: (text: string) => string): string => fixtureVariant(tempDir(), FIXTURE, SWAP, change);

describe('require-concurrent-index-deletion: one finding per lock taken', () => {
  it('the first DROP INDEX takes ACCESS EXCLUSIVE on post_aggregates; the second, in the same transaction, finds it held', async () => {
    expect(await drops(FIXTURE)).toEqual([2]);
  });

  it('in separate transactions each drop waits for the lock again: both are reported', async () => {
    const dir = variant((t) =>
      t.replace('DROP INDEX idx_post_aggregates_community_score;', 'COMMIT;\n\nBEGIN;\n\nDROP INDEX idx_post_aggregates_community_score;'),
    );
    expect(await drops(dir)).toEqual([2, 8]);
  });

  it('a drop whose table the history does not know (it may be another table) is reported too', async () => {
    const other = variant((t) => t.replace('DROP INDEX idx_post_aggregates_community_score;', 'DROP INDEX idx_comment_published;'));
    expect(await drops(other)).toEqual([2, 4]);
  });
});
