import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { git, tempDirs, write } from '../helpers/repo.js';

/** The CLI in this process (test/helpers/cli.ts), from the project's folder. */
function run(args: string[], opts: { cwd: string; env?: Record<string, string> }) {
  return runCli(args, opts);
}

const tmp = tempDirs('migralint-ci-');

/** A Rails-like project: three deployed migrations on main, one new on a feature branch. */
function project(): string {
  const dir = tmp();
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, 'db/migrations/20240105093000_create_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);\n');
  write(dir, 'db/migrations/20240212110000_index_orders_customer.sql', 'CREATE INDEX idx_orders_customer ON orders (customer_id);\n');
  write(dir, 'db/migrations/20240320154500_add_orders_note.sql', 'ALTER TABLE orders ADD COLUMN note text;\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'orders');
  git(dir, 'checkout', '-q', '-b', 'feature/created-index');
  write(dir, 'db/migrations/20240402120000_index_orders_created.sql', "SET lock_timeout = '2s';\nCREATE INDEX idx_orders_created ON orders (created_at);\n");
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'index created_at');
  return dir;
}

describe('machine formats keep stdout clean', () => {
  it('sarif on stdout is one JSON document, even with --fix-dry-run diffs and warnings', async () => {
    const dir = project();
    const r = await run(['db/migrations', 'missing-dir', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(2);
    const log = JSON.parse(r.stdout);
    expect(log.runs[0].tool.driver.name).toBe('migralint');
    expect(log.runs[0].tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(
      log.runs[0].results.map(
        (x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    ).toContain('db/migrations/20240212110000_index_orders_customer.sql');
    expect(r.stderr).toBe('migralint: missing-dir: no such file or directory\n');
    const dry = await run(['db/migrations', '--format', 'sarif', '--fix-dry-run'], { cwd: dir });
    expect(JSON.parse(dry.stdout).version).toBe('2.1.0');
    expect(dry.stderr).toContain('migralint: would fix');
  });

  it.each(['compact', 'github', 'gitlab', 'junit'])('--format %s', async (format) => {
    const dir = project();
    const r = await run(['db/migrations/20240212110000_index_orders_customer.sql', '--format', format, '--rule', 'require-lock-timeout:off'], { cwd: dir });
    expect(r.code).toBe(1);
    const expected = {
      compact: 'db/migrations/20240212110000_index_orders_customer.sql:1:1: error require-concurrent-index-creation ',
      github:
        '::error file=db/migrations/20240212110000_index_orders_customer.sql,line=1,col=1,endLine=1,endColumn=56,title=migralint(require-concurrent-index-creation)::',
      gitlab: '"check_name": "require-concurrent-index-creation"',
      junit: '<testcase name="require-concurrent-index-creation at 1:1" classname="db/migrations/20240212110000_index_orders_customer.sql">',
    }[format]!;
    expect(r.stdout).toContain(expected);
  });

  it('inside GitHub Actions the default report adds annotations; json stays pure', async () => {
    const dir = project();
    const file = 'db/migrations/20240212110000_index_orders_customer.sql';
    const stylish = await run([file], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
    expect(stylish.stdout).toContain('require-concurrent-index-creation');
    expect(stylish.stdout).toMatch(
      /^::error file=db\/migrations\/20240212110000_index_orders_customer\.sql,line=1,col=1,.*title=migralint\(require-concurrent-index-creation\)::/m,
    );
    // info, so a notice: the CREATE INDEX has its own error, whose CONCURRENTLY fix takes no strong lock (one finding per cost).
    expect(stylish.stdout).toMatch(/^::notice file=.*title=migralint\(require-lock-timeout\)::/m);
    const json = await run([file, '--format', 'json'], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
    expect(JSON.parse(json.stdout)).toHaveLength(1);
    expect(json.stdout).not.toContain('::error');
    expect((await run([file], { cwd: dir })).stdout).not.toContain('::error');
  });
});

describe('lint only what is new', () => {
  it('--changed-since lints the migrations added or modified on the branch', async () => {
    const dir = project();
    const r = await run(['--changed-since', 'main', '--format', 'compact'], { cwd: dir });
    expect(r.stdout).toMatch(
      /^db\/migrations\/20240402120000_index_orders_created\.sql:2:1: error require-concurrent-index-creation CREATE INDEX on orders holds/,
    );
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('migralint: 1 of 4 migration files changed since main\n');
    write(dir, 'db/migrations/20240212110000_index_orders_customer.sql', 'CREATE INDEX idx_orders_customer ON orders (customer_id, created_at);\n');
    const modified = await run(['db/migrations', '--changed-since', 'main', '--format', 'compact'], { cwd: dir });
    expect(modified.code).toBe(1);
    expect(
      new Set(
        modified.stdout
          .trim()
          .split('\n')
          .map((l) => l.split(':')[0]),
      ),
    ).toEqual(new Set(['db/migrations/20240212110000_index_orders_customer.sql', 'db/migrations/20240402120000_index_orders_created.sql']));
  });

  it('nothing changed is a success; an unknown ref is exit 2 naming it', async () => {
    const dir = project();
    git(dir, 'checkout', '-q', 'main');
    const none = await run(['--changed-since', 'main'], { cwd: dir });
    expect(none.code).toBe(0);
    expect(none.stderr).toBe('migralint: no migration files changed since main\n');
    const unknown = await run(['--changed-since', 'origin/mian'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("migralint: unknown git ref 'origin/mian' for --changed-since.\n");
    expect(unknown.stdout).toBe('');
  });

  it('--staged lints what is in the index', async () => {
    const dir = project();
    write(dir, 'db/migrations/20240415080000_index_orders_note.sql', 'CREATE INDEX idx_orders_note ON orders (note);\n');
    write(dir, 'db/migrations/20240416080000_unstaged.sql', 'CREATE INDEX idx_orders_x ON orders (id);\n');
    git(dir, 'add', 'db/migrations/20240415080000_index_orders_note.sql');
    const r = await run(['--staged', '--format', 'compact', '--rule', 'require-lock-timeout:off'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^db\/migrations\/20240415080000_index_orders_note\.sql:1:1: error require-concurrent-index-creation /);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('--staged lints the staged content, not the working tree, with positions in it', async () => {
    const dir = project();
    const file = 'db/migrations/20240415080000_index_orders_note.sql';
    // Staged: the locking index on line 3. In the working tree: fixed, on line 1.
    write(dir, file, '-- Index for the notes search.\n\nCREATE INDEX idx_orders_note ON orders (note);\n');
    git(dir, 'add', file);
    write(dir, file, 'CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);\n');
    const bad = await run(['--staged', '--format', 'compact', '--rule', 'require-lock-timeout:off'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^db\/migrations\/20240415080000_index_orders_note\.sql:3:1: error require-concurrent-index-creation /);
    // Staged clean, working tree bad: the commit is fine.
    git(dir, 'add', file);
    write(dir, file, 'CREATE INDEX idx_orders_note ON orders (note);\n');
    const clean = await run(['--staged', '--format', 'compact', '--rule', 'require-lock-timeout:off'], { cwd: dir });
    expect(clean.stdout).toBe('');
    expect(clean.code).toBe(0);
    const fix = await run(['--staged', '--fix'], { cwd: dir });
    expect(fix.code).toBe(2);
    expect(fix.stderr).toBe('migralint: --fix and --fix-dry-run lint the working tree; they cannot be combined with --staged\n');
  });

  it('config baseline skips deployed migrations; an unknown baseline is a config error', async () => {
    const dir = project();
    write(dir, '.migralintrc.json', JSON.stringify({ baseline: '20240320154500' }));
    const r = await run(['db/migrations', '--format', 'compact'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('migralint: 3 migrations at or before the baseline not linted\n');
    expect(
      new Set(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => l.split(':')[0]),
      ),
    ).toEqual(new Set(['db/migrations/20240402120000_index_orders_created.sql']));
    write(dir, '.migralintrc.json', JSON.stringify({ startAfter: 'add_orders_note' }));
    const bad = await run(['db/migrations'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `migralint: ${path.join(dir, '.migralintrc.json')}: baseline 'add_orders_note' is neither a migration version nor the name of a migration found\n`,
    );
  });

  it('the migrations after a baseline ran one deploy at a time; the ones changed on a branch deploy together', async () => {
    const dir = project();
    write(dir, '.migralintrc.json', JSON.stringify({ baseline: '20240320154500', rules: { 'require-lock-timeout': 'off' } }));
    write(dir, 'db/migrations/20240410080000_create_refunds.sql', 'CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint NOT NULL);\n');
    write(dir, 'db/migrations/20240415090000_index_refunds_order.sql', 'CREATE INDEX idx_refunds_order ON refunds (order_id);\n');
    // Both are after the baseline, but nothing says they deploy together: by the time the index is built, refunds
    // has been live since the deploy before and holds rows.
    const after = await run(['db/migrations', '--format', 'compact'], { cwd: dir });
    const index = (out: string) => out.split('\n').filter((l) => l.startsWith('db/migrations/20240415090000_index_refunds_order.sql'));
    expect(index(after.stdout).join('\n')).toContain('require-concurrent-index-creation');
    // The same two files new on the branch: one deploy creates the table and indexes it while it is still empty.
    const branch = await run(['db/migrations', '--changed-since', 'main', '--format', 'compact'], { cwd: dir });
    expect(branch.stdout).toContain('db/migrations/20240402120000_index_orders_created.sql');
    expect(index(branch.stdout)).toEqual([]);
  });

  it("strong_migrations' start_after is the baseline when the config sets none; config baseline overrides it", async () => {
    const dir = tmp();
    write(
      dir,
      'config/initializers/strong_migrations.rb',
      '# Mark existing migrations as safe\nStrongMigrations.start_after = 2024_02_12_110000\n\n# Set timeouts for migrations\nStrongMigrations.lock_timeout = 10.seconds\n',
    );
    const migration = (cls: string, body: string) => `class ${cls} < ActiveRecord::Migration[7.1]\n  def change\n    ${body}\n  end\nend\n`;
    write(dir, 'db/migrate/20240105093000_add_note_to_orders.rb', migration('AddNoteToOrders', 'add_index :orders, :customer_id'));
    write(dir, 'db/migrate/20240212110000_remove_legacy_from_orders.rb', migration('RemoveLegacyFromOrders', 'remove_column :orders, :legacy, :string'));
    write(dir, 'db/migrate/20240320154500_add_status_index_to_orders.rb', migration('AddStatusIndexToOrders', 'add_index :orders, :status'));
    const r = await run(['db/migrate', '--format', 'compact'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'migralint: 2 migrations at or before StrongMigrations.start_after (config/initializers/strong_migrations.rb line 2) not linted (config `baseline` overrides it)\n',
    );
    const files = (out: string) =>
      new Set(
        out
          .trim()
          .split('\n')
          .map((l) => l.split(':')[0]),
      );
    expect(files(r.stdout)).toEqual(new Set(['db/migrate/20240320154500_add_status_index_to_orders.rb']));
    write(dir, '.migralintrc.json', JSON.stringify({ baseline: '20240105093000' }));
    const own = await run(['db/migrate', '--format', 'compact'], { cwd: dir });
    expect(own.stderr).toBe('migralint: 1 migration at or before the baseline not linted\n');
    expect(files(own.stdout)).toEqual(
      new Set(['db/migrate/20240212110000_remove_legacy_from_orders.rb', 'db/migrate/20240320154500_add_status_index_to_orders.rb']),
    );
  });
});

describe('init', () => {
  it('writes a starter config and a pre-commit hook, never over existing ones', async () => {
    const dir = project();
    const r = await run(['init', '--hook'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, '.migralintrc.json'), 'utf8'))).toMatchObject({ pgVersion: 15, largeTableRows: 10000 });
    const hook = path.join(dir, '.git/hooks/pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain('npx --no-install migralint --staged');
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    const again = await run(['init', '--hook'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${hook} already exists; not overwriting it`);
    expect((await run(['init'], { cwd: dir })).code).toBe(2);
  });
});

describe('table sizes from a database or a snapshot', () => {
  let db: TestPostgres;
  beforeAll(async () => {
    db = await startPostgres();
    await db.pg.createDatabase('shop');
    const c = db.pg.getPgClient('shop', '127.0.0.1');
    await c.connect();
    await c.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz, note text);
      INSERT INTO orders SELECT i, i % 500, now(), NULL FROM generate_series(1, 25000) i;
      CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      ANALYZE;`);
    await c.end();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('`stats` writes a snapshot that --stats reads; messages then give rows and size', async () => {
    const dir = project();
    const w = await run(['stats', '--database-url', db.url('shop')], { cwd: dir });
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(
      /^migralint: wrote migralint-stats\.json: 3 tables \(1 partitioned\), 0 invalid indexes, PostgreSQL 1\d\.\d+ at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shop\n$/,
    );
    expect(w.stderr + w.stdout).not.toContain(db.password);
    const snap = JSON.parse(readFileSync(path.join(dir, 'migralint-stats.json'), 'utf8'));
    expect(snap.tables.find((t: { name: string }) => t.name === 'orders')).toMatchObject({ schema: 'public', rows: 25000 });

    const file = 'db/migrations/20240402120000_index_orders_created.sql';
    const withStats = await run([file, '--stats', 'migralint-stats.json', '--format', 'compact'], { cwd: dir });
    expect(withStats.stdout).toMatch(/error require-concurrent-index-creation CREATE INDEX on orders \(25\.0k rows, [\d.]+ (kB|MB)\) holds a SHARE lock/);
    write(dir, '.migralintrc.json', JSON.stringify({ stats: 'migralint-stats.json' }));
    expect((await run([file, '--format', 'compact'], { cwd: dir })).stdout).toContain('(25.0k rows, ');
    write(dir, 'db/migrations/20240501000000_events_index.sql', 'CREATE INDEX CONCURRENTLY idx_events_at ON events (at);\n');
    expect((await run(['db/migrations/20240501000000_events_index.sql', '--format', 'compact'], { cwd: dir })).stdout).toContain(
      'error ban-concurrent-index-on-partitioned-table PostgreSQL cannot build an index CONCURRENTLY on the partitioned table events',
    );
  });

  it('--database-url and MIGRALINT_DATABASE_URL read sizes live', async () => {
    const dir = project();
    const file = 'db/migrations/20240402120000_index_orders_created.sql';
    expect((await run([file, '--database-url', db.url('shop'), '--format', 'compact'], { cwd: dir })).stdout).toContain('CREATE INDEX on orders (25.0k rows, ');
    expect((await run([file, '--format', 'compact'], { cwd: dir, env: { MIGRALINT_DATABASE_URL: db.url('shop') } })).stdout).toContain(
      'CREATE INDEX on orders (25.0k rows, ',
    );
  });

  it('a table the database does not have is said to be not found there, treated as unknown or new', async () => {
    const dir = project();
    write(dir, 'db/migrations/20240501000000_index_refunds.sql', "SET lock_timeout = '2s';\nCREATE INDEX idx_refunds_order ON refunds (order_id);\n");
    const r = await run(['db/migrations/20240501000000_index_refunds.sql', '--database-url', db.url('shop'), '--format', 'json'], { cwd: dir });
    const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string; help?: string }> }>;
    const help = result!.messages.find((m) => m.ruleId === 'require-concurrent-index-creation')!.help!;
    expect(help).toMatch(/Table refunds was not found in the database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shop; treated as unknown or new\.$/);
    expect(help).not.toContain('give migralint --stats');
  });

  it('a port that is not a number is one line with the password masked, exit 2', async () => {
    const dir = project();
    const r = await run(['db/migrations', '--database-url', 'postgres://shop:S3cret-pw@127.0.0.1:notaport/shop'], { cwd: dir });
    expect(r.stderr).toBe(
      'migralint: not a valid database URL: postgres://shop:***@127.0.0.1:notaport/shop (expected postgres://user:password@host:5432/dbname; is the port a number?)\n',
    );
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('bad credentials: exit 2 without the password, or a warning with --stats-optional', async () => {
    const dir = project();
    const file = 'db/migrations/20240402120000_index_orders_created.sql';
    const url = db.url('shop', { user: 'postgres', password: 'not-the-Passw0rd' });
    const r = await run([file, '--database-url', url], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^migralint: authentication failed for the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shop: password authentication failed for user "postgres"\n$/,
    );
    const optional = await run([file, '--database-url', url, '--stats-optional', '--format', 'compact'], { cwd: dir });
    expect(optional.code).toBe(1);
    expect(optional.stderr).toMatch(
      /^migralint: warning: authentication failed for the database at postgres:\/\/postgres:\*\*\*@.*; linting without table sizes \(--stats-optional\)\n$/,
    );
    expect(optional.stdout).toMatch(/error require-concurrent-index-creation CREATE INDEX on orders holds/);
    expect(optional.stderr + optional.stdout).not.toContain('not-the-Passw0rd');
    const stats = await run(['stats', '--database-url', url], { cwd: dir });
    expect(stats.code).toBe(2);
    expect(existsSync(path.join(dir, 'migralint-stats.json'))).toBe(false);
  });

  it('a stats file that is not valid: exit 2 naming the problem', async () => {
    const dir = project();
    write(dir, 'stats.json', JSON.stringify({ version: 1, tables: [{ schema: 'public', name: 'orders', rows: -5, bytes: 10 }] }));
    const r = await run(['db/migrations', '--stats', 'stats.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `migralint: ${path.join(dir, 'stats.json')}: not a valid migralint stats snapshot (write one with \`migralint stats\`):\n  tables.0.rows: Too small: expected number to be >=0\n`,
    );
  });
});
