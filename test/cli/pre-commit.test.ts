/**
 * The pre-commit hook, run by the real `pre-commit` tool: it installs migralint from this repository as a node
 * hook (npm install, npm pack with the build, npm install -g) and runs it on the staged migration files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDebianTool } from '../helpers/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com', NO_COLOR: '1', GITHUB_ACTIONS: '', MIGRALINT_DATABASE_URL: '' };
let work: string;
let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env });
}
function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  writeFileSync(path.join(repo, rel), text);
}
function preCommit(...args: string[]) {
  const r = spawnSync('pre-commit', args, { cwd: repo, encoding: 'utf8', env: { ...env, PRE_COMMIT_HOME: path.join(work, 'cache') }, timeout: 540_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  ensureDebianTool('pre-commit');
  work = mkdtempSync(path.join(os.tmpdir(), 'migralint-pre-commit-'));
  repo = path.join(work, 'shop');
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  // The hook is taken from this repository's committed HEAD, as pre-commit would from a tag.
  const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  write('.pre-commit-config.yaml', `repos:\n  - repo: ${root}\n    rev: ${rev}\n    hooks:\n      - id: migralint\n`);
  write('db/migrations/20240105093000_create_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);\n');
  write('app/models.py', 'class Order:\n    pass\n');
  git('add', '.');
  git('commit', '-q', '-m', 'orders');
  // Installing the hook's environment takes about a minute (npm install, build, pack, global install).
  const installed = preCommit('install-hooks');
  if (installed.code !== 0) throw new Error(`pre-commit install-hooks failed:\n${installed.out}`);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('pre-commit hook', () => {
  it('is declared for node with a files pattern for migrations', () => {
    const hooks = readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8');
    expect(hooks).toMatch(/^- id: migralint$/m);
    expect(hooks).toMatch(/^ {2}language: node$/m);
    expect(hooks).toMatch(/^ {2}entry: migralint$/m);
    const files = new RegExp(/^ {2}files: '(.*)'$/m.exec(hooks)![1]!);
    for (const f of ['db/migrations/20240402_index.sql', 'schema.sql', 'alembic/versions/3f1a_add_index.py', 'app/migrations/0042_orders_index.py', 'migrations/20240101_init.ts']) expect(files.test(f)).toBe(true);
    for (const f of ['app/models.py', 'src/index.ts', 'README.md']) expect(files.test(f)).toBe(false);
  });

  it('fails on a staged migration that would lock a table, and passes once it is fixed', () => {
    write('db/migrations/20240402120000_index_orders_created.sql', 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
    write('db/migrations/20240403120000_not_staged.sql', 'CREATE INDEX idx_orders_customer ON orders (customer_id);\n');
    write('app/models.py', 'class Order:\n    total = 0\n');
    git('add', 'db/migrations/20240402120000_index_orders_created.sql', 'app/models.py');

    const failed = preCommit('run');
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/migralint\.+Failed/);
    expect(failed.out).toContain('db/migrations/20240402120000_index_orders_created.sql');
    expect(failed.out).toMatch(/1:1 {2}error {2}require-concurrent-index-creation/);
    // Only what is staged is handed over: neither the unstaged migration nor the committed one.
    expect(failed.out).not.toContain('20240403120000_not_staged.sql');
    expect(failed.out).not.toContain('20240105093000_create_orders.sql');

    write('db/migrations/20240402120000_index_orders_created.sql', "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY idx_orders_created ON orders (created_at);\n");
    git('add', 'db/migrations/20240402120000_index_orders_created.sql');
    const passed = preCommit('run');
    expect(passed.out).toMatch(/migralint\.+Passed/);
    expect(passed.code).toBe(0);
  });

  it('is skipped when no migration is staged', () => {
    git('commit', '-q', '--no-verify', '-m', 'index');
    write('app/models.py', 'class Order:\n    total = 1\n');
    git('add', 'app/models.py');
    const r = preCommit('run');
    expect(r.out).toMatch(/migralint\.+\(no files to check\)Skipped/);
    expect(r.code).toBe(0);
  });
});
