// Issue 11, "Deployed migrations are left alone" without a database: --changed-since, --staged and a baseline
// narrow what --fix touches to the change; otherwise --fix says how many fixed files look deployed; `migralint
// init` writes a baseline at the newest migration.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { newestMigration } from '../../src/cli/init.js';
import { git, tempDirs, write } from '../helpers/repo.js';

/** The CLI in this process (test/helpers/cli.ts). */
function run(args: string[], cwd: string) {
  return runCli(args, { cwd });
}

const tmp = tempDirs('migralint-deployed-');

const OLD = {
  'db/migrations/20240105093000_create_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);\n',
  'db/migrations/20240212110000_orders_note.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
  'db/migrations/20240320154500_orders_tag.sql': 'ALTER TABLE orders ADD COLUMN tag text;\n',
};
const NEW = ['db/migrations/20240402120000_orders_ref.sql', 'ALTER TABLE orders ADD COLUMN ref text;\n'] as const;

/** dbmate-style project: three migrations merged on main (each with a fixable lock_timeout), one new on a branch. */
function project(): string {
  const dir = tmp();
  git(dir, 'init', '-q', '-b', 'main');
  for (const [f, text] of Object.entries(OLD)) write(dir, f, text);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'orders');
  git(dir, 'checkout', '-q', '-b', 'feature/ref');
  write(dir, NEW[0], NEW[1]);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'orders.ref');
  return dir;
}

const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('--fix touches only the migrations of the change', () => {
  it('--changed-since main: the merged migrations stay byte for byte', async () => {
    const dir = project();
    const r = await run(['--fix', '--changed-since', 'main', 'db/migrations'], dir);
    for (const [f, text] of Object.entries(OLD)) expect(read(dir, f), f).toBe(text);
    expect(read(dir, NEW[0])).toBe(`SET lock_timeout = '2s';\n${NEW[1]}`);
    expect(r.stdout).toContain('migralint: fixed 1 problem in 1 file');
    expect(r.stdout).not.toContain('look deployed');
  });

  it('a config baseline: only migrations after it are fixed', async () => {
    const dir = project();
    write(dir, '.migralintrc.json', JSON.stringify({ baseline: '20240212110000_orders_note' }));
    await run(['--fix', 'db/migrations'], dir);
    expect(read(dir, 'db/migrations/20240105093000_create_orders.sql')).toBe(OLD['db/migrations/20240105093000_create_orders.sql']);
    expect(read(dir, 'db/migrations/20240212110000_orders_note.sql')).toBe(OLD['db/migrations/20240212110000_orders_note.sql']);
    expect(read(dir, 'db/migrations/20240320154500_orders_tag.sql')).toBe(`SET lock_timeout = '2s';\n${OLD['db/migrations/20240320154500_orders_tag.sql']}`);
    expect(read(dir, NEW[0])).toBe(`SET lock_timeout = '2s';\n${NEW[1]}`);
  });

  it('nothing said: every file is fixed, and --fix says how many look deployed (in the newest commit of main)', async () => {
    const dir = project();
    const r = await run(['--fix', 'db/migrations'], dir);
    expect(read(dir, NEW[0])).toBe(`SET lock_timeout = '2s';\n${NEW[1]}`);
    expect(read(dir, 'db/migrations/20240212110000_orders_note.sql')).toBe(`SET lock_timeout = '2s';\n${OLD['db/migrations/20240212110000_orders_note.sql']}`);
    expect(r.stdout).toContain('migralint: fixed 3 problems in 3 files');
    expect(r.stdout).toContain('migralint: 2 of the 3 files fixed look deployed: they are already in the newest commit of main.');
    expect(r.stdout).toContain('--changed-since main');
  });
});

describe('migralint init writes a baseline at the newest migration', () => {
  it('then --fix leaves every migration there at init alone and fixes the next one', async () => {
    const dir = project();
    const r = await run(['init'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(read(dir, '.migralintrc.json'))).toMatchObject({ baseline: '20240402120000_orders_ref' });
    expect(r.stderr).toContain('migralint: baseline: 20240402120000_orders_ref');
    write(dir, 'db/migrations/20240501080000_orders_due.sql', 'ALTER TABLE orders ADD COLUMN due date;\n');
    await run(['--fix'], dir);
    for (const [f, text] of Object.entries(OLD)) expect(read(dir, f), f).toBe(text);
    expect(read(dir, NEW[0])).toBe(NEW[1]);
    expect(read(dir, 'db/migrations/20240501080000_orders_due.sql')).toBe("SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN due date;\n");
  });

  it('no single newest migration (revision ids, several apps): no baseline, and why', () => {
    expect(newestMigration(['alembic/versions/8d0f6a3e1c57_create_word_lists.py', 'alembic/versions/a41b7c9e2d10_messages.py']).why).toMatch(
      /has no version in its name/,
    );
    expect(newestMigration(['shop/orders/migrations/0001_initial.py', 'shop/billing/migrations/0003_invoice.py']).why).toMatch(/2 folders/);
    expect(newestMigration(['prisma/migrations/20240301120000_init/migration.sql', 'prisma/migrations/20240315093000_idx/migration.sql'])).toEqual({
      name: '20240315093000_idx',
    });
    expect(newestMigration(['db/migration/V1__init.sql', 'db/migration/V1_10__b.sql', 'db/migration/V1_9__a.sql'])).toEqual({ name: 'V1_10__b' });
  });
});
