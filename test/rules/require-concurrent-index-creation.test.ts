/**
 * require-concurrent-index-creation reports an index build, not a CREATE INDEX … IF NOT EXISTS whose index an earlier
 * migration already built: PostgreSQL takes the table's SHARE lock, finds the name taken and skips the build with a
 * NOTICE (proved in test/locks.pg.test.ts). The fixture (fixtures/history/golang-migrate-index-again) is a
 * golang-migrate history in the shape of Harbor's: 2.2.3 adds three indexes, 2.3.0 repeats them for installs that
 * skipped 2.2.3 and adds one more. The repeated statements still wait for their lock: require-lock-timeout lists them.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson, type JsonMessage } from '../helpers/cli-json.js';
import { fixtureVariant, tempDirs } from '../helpers/repo.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'golang-migrate-index-again');
const DIR = path.join('make', 'migrations', 'postgresql');
const AGAIN = path.join(DIR, '0060_2.3.0_schema.up.sql');
const tempDir = tempDirs('migralint-index-again-');

async function findings(dir: string, file: string, rule: string): Promise<JsonMessage[]> {
  const { results } = await cliJson(['.', '--no-cache'], dir);
  return results.find((r) => r.filePath.endsWith(file))!.messages.filter((m) => m.ruleId === rule);
}

describe('require-concurrent-index-creation: IF NOT EXISTS on an index the history built', () => {
  it('the first build of each index is reported; the repeat builds nothing, only the new index is reported', async () => {
    const first = await findings(FIXTURE, path.join(DIR, '0053_2.2.3_schema.up.sql'), 'require-concurrent-index-creation');
    expect(first.map((m) => m.line)).toEqual([1, 2, 3]);
    const again = await findings(FIXTURE, AGAIN, 'require-concurrent-index-creation');
    expect(again.map((m) => [m.line, m.severity])).toEqual([[5, 2]]);
  });

  it('the repeats still wait for their SHARE lock: require-lock-timeout names them, as a warning of its own', async () => {
    const [m, ...rest] = await findings(FIXTURE, AGAIN, 'require-lock-timeout');
    expect(rest).toEqual([]);
    expect(m!.severity).toBe(1);
    expect(m!.message).toContain('CREATE INDEX on artifact (line 2, SHARE); CREATE INDEX on tag (line 3, SHARE)');
  });

  it('without IF NOT EXISTS the statement fails on the name; a new name is a build: both are reported as before', async () => {
    const plain = fixtureVariant(tempDir(), FIXTURE, AGAIN, (t) => t.replace('CREATE INDEX IF NOT EXISTS idx_tag_push_time', 'CREATE INDEX idx_tag_push_time'));
    expect((await findings(plain, AGAIN, 'require-concurrent-index-creation')).map((m) => m.line)).toEqual([3, 5]);
    const renamed = fixtureVariant(tempDir(), FIXTURE, AGAIN, (t) => t.replace('IF NOT EXISTS idx_tag_artifact_id', 'IF NOT EXISTS idx_tag_artifact_id_v2'));
    expect((await findings(renamed, AGAIN, 'require-concurrent-index-creation')).map((m) => m.line)).toEqual([4, 5]);
  });
});
