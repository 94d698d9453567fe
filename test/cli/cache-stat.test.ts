// The run's record lists each file with its stat (device, inode, size, modification and status-change times) and its
// hash: a file whose stat is the same is not read again. These tests show that an edit is noticed whatever the
// stat looks like, and that a file whose stat alone changed (a fresh clone, a checkout) is still a hit.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDirs, write } from '../helpers/repo.js';

const tmp = tempDirs('migralint-cache-stat-');

const runFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /^lint-run-[0-9a-f]+\.json$/.test(f)) : []).map((f) => path.join(dir, f));

/** The files the run's record lists, by path: their stat and hash. */
function listed(cache: string): Map<string, string> {
  const [record] = runFiles(cache);
  const head = JSON.parse(readFileSync(record!, 'utf8').split('\n')[0]!) as { files?: Array<[string, string, string]> };
  return new Map((head.files ?? []).map(([file, sig]) => [file, sig]));
}

const INDEX = 'CREATE INDEX orders_created_idx ON orders (created_at);\n-- the dashboard sorts orders by date\n';
// The same number of bytes, and no longer a blocking index build.
const CONCURRENT = 'CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n-- dashboards sort on it\n';

/** A small goose-style history: a table, an index on it, a column. */
function project(): string {
  const dir = tmp();
  write(dir, 'migrations/0001_create_orders.sql', 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  created_at timestamptz NOT NULL DEFAULT now()\n);\n');
  write(dir, 'migrations/0002_orders_created_idx.sql', INDEX);
  write(dir, 'migrations/0003_orders_note.sql', 'ALTER TABLE orders ADD COLUMN note text;\n');
  return dir;
}

/** Sets the modification time of every migration to `seconds` (whole seconds since the epoch). */
function setMtimes(dir: string, seconds: number): void {
  const folder = path.join(dir, 'migrations');
  for (const f of readdirSync(folder)) utimesSync(path.join(folder, f), seconds, seconds);
}

const ruleIds = (stdout: string) => (JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string }> }>).flatMap((r) => r.messages.map((m) => m.ruleId));

describe('the run record and the files’ stats', () => {
  for (const racy of [true, false])
    it(`a file edited in place with the same size and the same mtime is linted again (${racy ? 'modified just before the run' : 'modified long before'})`, async () => {
      const dir = project();
      const cache = path.join(dir, 'cache');
      const file = path.join(dir, 'migrations/0002_orders_created_idx.sql');
      // Long before: listed in the record with its stat. Just before (now): not listed, read and hashed again.
      const second = racy ? Math.floor(statSync(file).mtimeMs / 1000) : Math.floor(Date.now() / 1000) - 3600;
      setMtimes(dir, second);
      const lint = () => runCli(['migrations', '--format', 'json', '--cache-location', cache], { cwd: dir });
      const before = await lint();
      expect(ruleIds(before.stdout)).toContain('require-concurrent-index-creation');
      expect(listed(cache).has(file)).toBe(!racy);
      expect(await lint()).toEqual(before);
      writeFileSync(file, CONCURRENT);
      utimesSync(file, second, second);
      expect(statSync(file).size).toBe(Buffer.byteLength(INDEX));
      expect(Buffer.byteLength(CONCURRENT)).toBe(Buffer.byteLength(INDEX));
      expect(Math.floor(statSync(file).mtimeMs / 1000)).toBe(second);
      const after = await lint();
      expect(ruleIds(after.stdout)).not.toContain('require-concurrent-index-creation');
      expect(after).toEqual(await runCli(['migrations', '--format', 'json', '--no-cache'], { cwd: dir }));
    });

  it('files whose stat changed and content did not (a fresh clone, a checkout) are still printed from the record, which then lists their new stats', async () => {
    const dir = project();
    const cache = path.join(dir, 'cache');
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    setMtimes(dir, hourAgo);
    const lint = () => runCli(['migrations', '--format', 'json', '--cache-location', cache], { cwd: dir });
    const cold = await lint();
    const stats = listed(cache);
    expect(stats.size).toBe(3);
    // Proof the report is printed from the record: altered there (the same length), it shows.
    const [record] = runFiles(cache);
    writeFileSync(record!, readFileSync(record!, 'utf8').replace(/("ruleId": ")require-/g, '$1REQUIRE-'));
    const altered = (await lint()).stdout;
    expect(altered).toContain('"ruleId": "REQUIRE-');
    // Every file's modification time moved, the bytes the same: still the record's report.
    setMtimes(dir, hourAgo + 60);
    expect((await lint()).stdout).toBe(altered);
    const restated = listed(cache);
    expect([...restated.keys()].sort()).toEqual([...stats.keys()].sort());
    for (const [file, sig] of restated) expect(sig).not.toBe(stats.get(file));
    expect((await lint()).stdout).toBe(altered);
    expect(cold.stdout).not.toContain('REQUIRE-');
  });

  it('a file added, removed or renamed is noticed, however old the files’ stats', async () => {
    const dir = project();
    const cache = path.join(dir, 'cache');
    setMtimes(dir, Math.floor(Date.now() / 1000) - 3600);
    const lint = () => runCli(['migrations', '--format', 'json', '--cache-location', cache], { cwd: dir });
    const uncached = () => runCli(['migrations', '--format', 'json', '--no-cache'], { cwd: dir });
    expect(await lint()).toEqual(await uncached());
    const files = (stdout: string) => (JSON.parse(stdout) as Array<{ filePath: string }>).map((r) => path.basename(r.filePath));
    // Renamed: the report names the new file.
    renameSync(path.join(dir, 'migrations/0002_orders_created_idx.sql'), path.join(dir, 'migrations/0002_orders_index.sql'));
    const renamed = await lint();
    expect(files(renamed.stdout)).toContain('0002_orders_index.sql');
    expect(files(renamed.stdout)).not.toContain('0002_orders_created_idx.sql');
    expect(renamed).toEqual(await uncached());
    // Removed.
    rmSync(path.join(dir, 'migrations/0003_orders_note.sql'));
    const removed = await lint();
    expect(files(removed.stdout)).not.toContain('0003_orders_note.sql');
    expect(removed).toEqual(await uncached());
    // Added, with an old modification time.
    const added = write(dir, 'migrations/0004_orders_total.sql', 'ALTER TABLE orders ADD COLUMN total numeric(12,2) NOT NULL DEFAULT 0;\n');
    utimesSync(added, 1_600_000_000, 1_600_000_000);
    const withAdded = await lint();
    expect(files(withAdded.stdout)).toContain('0004_orders_total.sql');
    expect(withAdded).toEqual(await uncached());
  });
});
