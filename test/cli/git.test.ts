import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, tempDirs, write } from '../helpers/repo.js';
import { applyBaseline, migrationName, migrationVersion } from '../../src/cli/baseline.js';
import { changedSince, GitError, stagedFiles } from '../../src/cli/git.js';

const tempDir = tempDirs('migralint-git-');

let repo: string;
beforeAll(() => {
  repo = tempDir();
  git(repo, 'init', '-q', '-b', 'main');
  write(repo, 'db/migrations/20240101000000_create_users.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);\n');
  write(repo, 'db/migrations/20240201000000_create_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY);\n');
  write(repo, 'README.md', '# shop\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'initial schema');
  git(repo, 'checkout', '-q', '-b', 'feature/order-index');
  write(repo, 'db/migrations/20240301000000_index_orders.sql', 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
  write(repo, 'db/migrations/20240201000000_create_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz);\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'index orders');
  // main moves on after the branch point: its new files are not "changed since the merge base" on this branch.
  git(repo, 'checkout', '-q', 'main');
  write(repo, 'db/migrations/20240215000000_add_sku.sql', 'ALTER TABLE orders ADD COLUMN sku text;\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'sku');
  git(repo, 'checkout', '-q', 'feature/order-index');
  git(repo, 'rm', '-q', 'README.md');
  git(repo, 'commit', '-q', '-m', 'drop readme');
});

describe('changedSince', () => {
  it('lists files added or modified since the merge base, not deleted ones nor those new on the ref', async () => {
    write(repo, 'db/migrations/20240302000000_wip.sql', 'SELECT 1;\n'); // untracked, still new work
    try {
      expect(await changedSince('main', path.join(repo, 'db'))).toEqual([
        path.join(repo, 'db/migrations/20240201000000_create_orders.sql'),
        path.join(repo, 'db/migrations/20240301000000_index_orders.sql'),
        path.join(repo, 'db/migrations/20240302000000_wip.sql'),
      ]);
    } finally {
      rmSync(path.join(repo, 'db/migrations/20240302000000_wip.sql'));
    }
  });

  it('names an unknown ref', async () => {
    await expect(changedSince('origin/develop', repo)).rejects.toThrow(new GitError("unknown git ref 'origin/develop' for --changed-since."));
    await expect(changedSince('develop', repo)).rejects.toThrow(
      /unknown git ref 'develop' for --changed-since\. If it is a remote branch, fetch it \(git fetch origin develop\) or name it origin\/develop\./,
    );
    await expect(changedSince('--output=x', repo)).rejects.toThrow("unknown git ref '--output=x'");
  });

  it('gives a shallow-clone hint when the ref was not fetched', async () => {
    const clone = tempDir();
    git(clone, 'clone', '-q', '--depth=1', '--branch', 'feature/order-index', `file://${repo}`, 'work');
    const work = path.join(clone, 'work');
    await expect(changedSince('origin/main', work)).rejects.toThrow(
      /unknown git ref 'origin\/main' for --changed-since\. This is a shallow clone: fetch the ref first \(git fetch --depth=1 origin main\)/,
    );
    // With the ref fetched but history too shallow to reach the merge base:
    git(work, 'fetch', '-q', '--depth=1', 'origin', 'main:refs/remotes/origin/main');
    await expect(changedSince('origin/main', work)).rejects.toThrow(/no merge base between 'origin\/main' and HEAD\. This is a shallow clone/);
    // Deepened, it works.
    git(work, 'fetch', '-q', '--unshallow', 'origin');
    expect(await changedSince('origin/main', work)).toEqual([
      path.join(work, 'db/migrations/20240201000000_create_orders.sql'),
      path.join(work, 'db/migrations/20240301000000_index_orders.sql'),
    ]);
  });

  it('says when the directory is not a git repository', async () => {
    await expect(changedSince('main', tempDir())).rejects.toThrow(/is not inside a git repository/);
  });
});

describe('stagedFiles', () => {
  it('lists what is in the index', async () => {
    const r = tempDir();
    git(r, 'init', '-q');
    write(r, 'migrations/0001_init.sql', 'CREATE TABLE a (id int);\n');
    git(r, 'add', '.');
    git(r, 'commit', '-q', '-m', 'init');
    expect(await stagedFiles(r)).toEqual([]);
    write(r, 'migrations/0002_index.sql', 'CREATE INDEX a_id ON a (id);\n');
    write(r, 'migrations/0003_not_staged.sql', 'SELECT 1;\n');
    git(r, 'add', 'migrations/0002_index.sql');
    write(r, 'migrations/0002_index.sql', 'CREATE INDEX CONCURRENTLY a_id ON a (id);\n'); // unstaged edit on top
    expect(await stagedFiles(path.join(r, 'migrations'))).toEqual([path.join(r, 'migrations/0002_index.sql')]);
  });
});

describe('baseline', () => {
  it('names migrations by file or folder and reads their versions', () => {
    expect(migrationName('prisma/migrations/20240101120000_init/migration.sql')).toBe('20240101120000_init');
    expect(migrationName('migrations/2024-01-01-000000_create_users/up.sql')).toBe('2024-01-01-000000_create_users');
    expect(migrationName('db/migrations/000001_create_users.up.sql')).toBe('000001_create_users');
    expect(migrationVersion('V1_2__add_orders')).toEqual([1, 2]);
    expect(migrationVersion('0007_add_index')).toEqual([7]);
    expect(migrationVersion('2024-01-01-000000_create_users')).toEqual([20240101000000]);
    expect(migrationVersion('R__refresh_views')).toBeUndefined();
  });

  const files = ['db/migrate/0001_users.sql', 'db/migrate/0002_orders.sql', 'db/migrate/0010_index_orders.sql', 'db/migrate/0011_sku.sql'];
  it('skips migrations up to and including a version or a name', () => {
    expect(applyBaseline(files, '2')).toEqual({ skipped: files.slice(0, 2), keep: files.slice(2) });
    expect(applyBaseline(files, '0010_index_orders')).toEqual({ skipped: files.slice(0, 3), keep: files.slice(3) });
    expect(applyBaseline(['sql/V1__init.sql', 'sql/V1_1__users.sql', 'sql/V2__orders.sql'], 'V1.1')).toEqual({
      skipped: ['sql/V1__init.sql', 'sql/V1_1__users.sql'],
      keep: ['sql/V2__orders.sql'],
    });
  });

  it('rejects a baseline that is neither a version nor a known migration', () => {
    // A name that is no longer in the tree still gives its version.
    expect(applyBaseline(files, '0002_orders_old_name')).toEqual({ skipped: files.slice(0, 2), keep: files.slice(2) });
    expect(() => applyBaseline(files, 'add_orders')).toThrow("baseline 'add_orders' is neither a migration version nor the name of a migration found");
  });
});
