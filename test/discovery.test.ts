import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discover } from '../src/cli/discover.js';
import { diskFileSystem } from '../src/disk.js';
import { detectSqlFramework } from '../src/sources/detect.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(root, 'fixtures', 'discovery');
const bin = path.join(root, 'bin', 'migralint.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('discovery', () => {
  it("Diesel's current folder names (YYYY-MM-DD-HHMMSS-0000_name) are Diesel; a walk skips their down.sql", async () => {
    const dir = path.join(FIXTURES, 'diesel-new');
    expect(detectSqlFramework(path.join(dir, 'migrations/2025-10-08-084508-0000_multi_comm_index_lower/up.sql'), 'CREATE INDEX i ON t (a);', diskFileSystem())).toBe('diesel');
    const found = await discover(['migrations'], dir);
    expect(found.problems).toEqual([]);
    expect(found.files).toEqual([path.normalize('migrations/00000000000000_diesel_initial_setup/up.sql'), path.normalize('migrations/2025-10-08-084508-0000_multi_comm_index_lower/up.sql')]);
    // Named explicitly, a down.sql is still linted.
    expect((await discover(['migrations/2025-10-08-084508-0000_multi_comm_index_lower/down.sql'], dir)).files).toHaveLength(1);
  });

  it('no paths in a Django project root: manage.py leads to <app>/migrations/, and __init__.py is skipped silently', async () => {
    const dir = path.join(FIXTURES, 'django-root');
    const found = await discover([], dir);
    expect(found.problems).toEqual([]);
    expect(found.files).toEqual([path.normalize('blog/migrations/0002_post_title_idx.py')]);
    const r = run(['--format', 'json'], dir);
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; framework?: string; messages: Array<{ ruleId: string; line: number }> }>;
    expect(results.map((x) => [path.relative(dir, x.filePath), x.framework])).toEqual([[path.normalize('blog/migrations/0002_post_title_idx.py'), 'django']]);
    expect(results[0]!.messages.map((m) => `${m.ruleId}@${m.line}`)).toContain('require-concurrent-index-creation@13');
  });

  it('a named file no adapter reads (.go) is one clear message, exit 2 when nothing else was linted', () => {
    const dir = path.join(FIXTURES, 'go');
    const r = run(['migrations/20250101000000_add_index_to_users.go'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('migralint: migrations/20250101000000_add_index_to_users.go: not a migration migralint reads (it reads SQL files, Alembic and Django migrations in Python, Rails migrations in Ruby, and JS/TS migrations); nothing in it was linted\n');
    expect(r.stdout).toBe('');
  });

  it('a Rails migration named on the command line is read (db/migrate/*.rb), and a walk of db/ finds it', async () => {
    const dir = path.join(FIXTURES, 'rails');
    const r = run(['db/migrate/20250101000000_add_index_to_users.rb', '--format', 'json'], dir);
    const results = JSON.parse(r.stdout) as Array<{ framework: string; messages: Array<{ ruleId: string; line: number }> }>;
    expect(results.map((x) => x.framework)).toEqual(['rails']);
    expect(results[0]!.messages.map((m) => `${m.ruleId}@${m.line}`)).toContain('require-concurrent-index-creation@3');
    expect((await discover(['db'], dir)).files).toEqual([path.join('db', 'migrate', '20250101000000_add_index_to_users.rb')]);
  });

  it("a walk of a Rails project's db/ skips the schema dumps (structure.sql, schema.rb); named, structure.sql is reported, not linted", async () => {
    const dir = path.join(root, 'fixtures', 'frameworks', 'rails');
    const found = (await discover(['db'], dir)).files;
    expect(found.length).toBe(18);
    expect(found.every((f) => f.startsWith(path.join('db', 'migrate')) && f.endsWith('.rb'))).toBe(true);
    const r = run(['db/structure.sql', '--format', 'json'], dir);
    const results = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
    expect(results[0]!.messages.map((m) => m.ruleId)).toEqual(['unsupported-framework-construct']);
    expect(results[0]!.messages[0]!.message).toMatch(/^structure\.sql is Rails' schema dump/);
  });
});
