import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'migralint.js');

function run(args: string[], opts: { cwd?: string; input?: string | Buffer } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? root,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'migralint-cli-'));
}

describe('migralint CLI (the built binary)', () => {
  it("lints the demo: findings with lines, locks, sizes, in each framework's terms, exit 1", () => {
    const r = run(['fixtures/demo']);
    expect(r.code).toBe(1);
    const section = (name: string): string => {
      const start = r.stdout.indexOf(name);
      expect(start).toBeGreaterThanOrEqual(0);
      const next = r.stdout.indexOf('\nfixtures/', start + 1);
      return r.stdout.slice(start, next < 0 ? undefined : next);
    };
    // The Drizzle seed: blocking builds on big tables, and no mechanical way out of Drizzle's transaction.
    const d63 = section('fixtures/demo/drizzle/0063_performance_optimization_indexes.sql (Drizzle)');
    expect(d63).toMatch(/3:1 {2}error {2}require-concurrent-index-creation/);
    expect(d63).toContain('CREATE INDEX on mcp_activity (48.2M rows, 9.1 GB) holds a SHARE lock for the whole build: INSERT, UPDATE and DELETE wait.');
    expect(d63).toContain('Drizzle runs all pending migrations in one transaction');
    expect(d63).not.toContain('fix (--fix)');
    // mcp_servers has 412 rows: small, so its plain CREATE INDEX is not an error.
    expect(d63).not.toMatch(/CREATE INDEX on mcp_servers.* holds/);
    const d64 = section('fixtures/demo/drizzle/0064_performance_indexes_concurrent.sql (Drizzle)');
    expect(d64).toContain(
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this one will: Drizzle runs all pending migrations in one transaction',
    );
    expect(d64).toContain('concurrent-index-invalid-leftover');
    // The Alembic seed: CONCURRENTLY in Alembic's transaction; the fix writes the autocommit_block.
    const alembic = section('fixtures/demo/alembic/versions/20251207_add_performance_indexes.py (Alembic)');
    expect(alembic).toMatch(/23:9 {2}error {2}ban-concurrent-index-creation-in-transaction/);
    expect(alembic).toContain('+     with op.get_context().autocommit_block():');
    expect(alembic).toContain('CREATE INDEX on saved_words (3.4M rows, 581.7 MB)');
    // psql -f with an explicit transaction: the fix moves the build after the COMMIT.
    const psql = section('fixtures/demo/psql/0064_performance_indexes_concurrent.sql');
    expect(psql).toContain('fix (--fix): Move the statement after the COMMIT on line 8');
  });

  it('prints ESLint-shaped JSON with migralint data', () => {
    const file = 'fixtures/demo/drizzle/0063_performance_optimization_indexes.sql';
    const r = run([file, '--format', 'json']);
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout);
    expect(results).toHaveLength(1);
    const [res] = results;
    expect(res.filePath).toBe(path.join(root, file));
    expect(res.framework).toBe('drizzle');
    expect(res.errorCount).toBe(3);
    expect(res.warningCount).toBe(1);
    expect(res.fixableErrorCount).toBe(0);
    const first = res.messages.find((m: any) => m.ruleId === 'require-concurrent-index-creation');
    expect(first).toMatchObject({ severity: 2, line: 3, column: 1, endLine: 3, endColumn: 182 });
    expect(first.data.lock).toEqual({ mode: 'SHARE', relation: 'mcp_activity', blocks: expect.arrayContaining(['INSERT', 'UPDATE', 'DELETE']) });
    expect(first.data.table).toEqual({ name: 'mcp_activity', rows: 48200000, bytes: 9771000000, sizeClass: 'large' });
    expect(first.fix).toBeUndefined();
    expect(first.help).toContain('drizzle.__drizzle_migrations');
  });

  it('JSON fixes are ESLint fixes: one range and its text', () => {
    const r = run(['fixtures/demo/psql/0065_messages_user_created.sql', '--format', 'json']);
    const fk = JSON.parse(r.stdout)[0].messages.find((m: any) => m.ruleId === 'adding-foreign-key-constraint');
    expect(fk.fix).toEqual({
      range: [expect.any(Number), expect.any(Number)],
      text: ' NOT VALID;\nALTER TABLE messages VALIDATE CONSTRAINT messages_user_fk;',
    });
  });

  it('--fix rewrites files atomically, keeping CRLF line endings and the BOM, and the result lints clean for the fixed rules', () => {
    const dir = tmp();
    const file = path.join(dir, '002_orders_index.sql');
    writeFileSync(
      file,
      '\ufeffBEGIN;\r\nALTER TABLE orders ADD COLUMN note text;\r\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\r\nCOMMIT;\r\n',
    );
    const r = run([file, '--fix', '--format', 'json', '--rule', 'require-lock-timeout:off']);
    const fixed = readFileSync(file, 'utf8');
    expect(fixed).toBe(
      '\ufeffBEGIN;\r\nALTER TABLE orders ADD COLUMN note text;\r\nCOMMIT;\r\n\r\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\r\n',
    );
    expect(JSON.parse(r.stdout)[0].messages).toEqual([]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['002_orders_index.sql']);
  });

  it('--fix writes a framework setting that lives beside the migration (Diesel metadata.toml)', () => {
    const dir = tmp();
    const mig = path.join(dir, 'migrations', '2024-02-12-090000_posts_title_index');
    mkdirSync(mig, { recursive: true });
    writeFileSync(path.join(mig, 'up.sql'), 'CREATE INDEX CONCURRENTLY posts_title_idx ON posts (title);\n');
    writeFileSync(path.join(mig, 'down.sql'), 'DROP INDEX posts_title_idx;\n');
    const dry = run(['migrations', '--fix-dry-run'], { cwd: dir });
    expect(dry.stdout).toContain('+++ migrations/2024-02-12-090000_posts_title_index/metadata.toml');
    expect(dry.stdout).toContain('+run_in_transaction = false');
    expect(readdirSync(mig).sort()).toEqual(['down.sql', 'up.sql']);
    const r = run(['migrations', '--fix', '--format', 'json'], { cwd: dir });
    expect(readFileSync(path.join(mig, 'metadata.toml'), 'utf8')).toBe('run_in_transaction = false\n');
    expect(readFileSync(path.join(mig, 'up.sql'), 'utf8')).toBe('CREATE INDEX CONCURRENTLY posts_title_idx ON posts (title);\n');
    expect(JSON.parse(r.stdout)[0].messages).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('--fix-dry-run prints a unified diff and writes nothing', () => {
    const dir = tmp();
    const file = path.join(dir, 'add_index.sql');
    const text = 'CREATE INDEX orders_created_idx ON orders (created_at);\n';
    writeFileSync(file, text);
    // CONCURRENTLY is a safe fix only on a table known not to be partitioned.
    writeFileSync(path.join(dir, 'migralint.config.json'), JSON.stringify({ tables: { orders: { partitioned: false } } }));
    const r = run([file, '--fix-dry-run', '--rule', 'require-lock-timeout:off']);
    expect(r.stdout).toContain('-CREATE INDEX orders_created_idx ON orders (created_at);');
    expect(r.stdout).toContain('+CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('bad input: each file gets one clear message, the others are still linted', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '001_ok.sql'), 'CREATE INDEX orders_created_idx ON orders (created_at);\n');
    writeFileSync(path.join(dir, '002_binary.sql'), Buffer.from([0x43, 0x52, 0x00, 0x01, 0x02]));
    writeFileSync(path.join(dir, '003_latin1.sql'), Buffer.from('-- caf\xe9\nSELECT 1;\n', 'latin1'));
    writeFileSync(path.join(dir, '004_broken.sql'), 'CREATE INDEX ON;\nALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0);\n');
    const r = run([dir, path.join(dir, 'missing.sql'), '--format', 'json']);
    // A path that names nothing is exit 2, as ESLint's; the rest is still linted and reported.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.sql: no such file or directory');
    const results = JSON.parse(r.stdout);
    const byName = Object.fromEntries(results.map((x: any) => [path.basename(x.filePath), x]));
    expect(byName['001_ok.sql'].messages.map((m: any) => m.ruleId)).toContain('require-concurrent-index-creation');
    expect(byName['002_binary.sql'].messages[0]).toMatchObject({ fatal: true, message: expect.stringContaining('binary file') });
    expect(byName['003_latin1.sql'].messages[0]).toMatchObject({ fatal: true, message: expect.stringContaining('not valid UTF-8') });
    const broken = byName['004_broken.sql'].messages;
    expect(broken.find((m: any) => m.ruleId === 'parse-error')).toMatchObject({ line: 1, column: 16 });
    expect(broken.find((m: any) => m.ruleId === 'constraint-missing-not-valid')).toMatchObject({ line: 2 });
  });

  it('exit 2 when nothing could be linted, or the arguments or config are wrong', () => {
    const empty = tmp();
    mkdirSync(path.join(empty, 'docs'));
    expect(run([path.join(empty, 'docs')]).code).toBe(2);
    expect(run(['fixtures/demo', '--format', 'xml']).stderr).toContain("unknown format 'xml'");
    expect(run(['fixtures/demo', '--rule', 'no-such-rule:error']).code).toBe(2);
    const dir = tmp();
    writeFileSync(path.join(dir, '.migralintrc.json'), JSON.stringify({ largeTableRows: 'many', rules: { 'require-lock-timeout': 'loud' } }));
    writeFileSync(path.join(dir, 'a.sql'), 'SELECT 1;\n');
    const bad = run([path.join(dir, 'a.sql')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('.migralintrc.json: invalid config');
    expect(bad.stderr).toContain('largeTableRows');
    expect(bad.stderr).toContain('rules.require-lock-timeout');
  });

  it("a broken config in a subfolder stops only the files it governs: a file named above it still lints, and it's said", () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'legacy'));
    writeFileSync(path.join(dir, 'legacy', '.migralintrc.json'), JSON.stringify({ rules: 5 }));
    writeFileSync(path.join(dir, 'legacy', '001_orders.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY);\n');
    writeFileSync(path.join(dir, '002_orders_created.sql'), 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
    const r = run([path.join(dir, '002_orders_created.sql'), '-f', 'json', '--no-cache']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].messages.map((m: { ruleId: string }) => m.ruleId)).toContain('require-concurrent-index-creation');
    expect(r.stderr).toContain(`${path.join(dir, 'legacy', '.migralintrc.json')}: invalid config`);
    expect(r.stderr).toContain('left out of the history');
    // The file it governs, asked for, still stops the run with the config's message.
    const own = run([path.join(dir, 'legacy', '001_orders.sql'), '--no-cache']);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('invalid config');
  });

  it('reads config found upward from the file: table sizes decide severity', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'db', 'migrations'), { recursive: true });
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'app', migralint: { tables: { orders: { rows: 120 } }, rules: { 'require-lock-timeout': 'off' } } }),
    );
    writeFileSync(path.join(dir, 'db', 'migrations', '20240101_orders_idx.sql'), 'CREATE INDEX orders_created_idx ON orders (created_at);\n');
    const r = run(['db/migrations', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].messages).toEqual([]);
  });

  it("walking a framework's own folder finds its migrations (alembic/versions, an app's migrations/)", () => {
    const dir = tmp();
    const alembic = path.join(dir, 'alembic', 'versions');
    const django = path.join(dir, 'shop', 'orders', 'migrations');
    mkdirSync(alembic, { recursive: true });
    mkdirSync(django, { recursive: true });
    writeFileSync(
      path.join(alembic, '1a2b3c4d5e6f_orders_created_idx.py'),
      'from alembic import op\n\nrevision = "1a2b3c4d5e6f"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_index("orders_created_idx", "orders", ["created_at"])\n\n\ndef downgrade():\n    op.drop_index("orders_created_idx", table_name="orders")\n',
    );
    writeFileSync(path.join(django, '__init__.py'), '');
    writeFileSync(
      path.join(django, '0002_order_created_idx.py'),
      'from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("orders", "0001_initial")]\n\n    operations = [\n        migrations.AddIndex(model_name="order", index=models.Index(fields=["created"], name="orders_created_idx")),\n    ]\n',
    );
    for (const folder of [alembic, django]) {
      const r = run([folder, '--format', 'json']);
      expect(r.stderr).toBe('');
      const results = JSON.parse(r.stdout);
      expect(results.map((x: any) => path.basename(x.filePath))).toEqual([
        folder === alembic ? '1a2b3c4d5e6f_orders_created_idx.py' : '0002_order_created_idx.py',
      ]);
      expect(results[0].messages.map((m: any) => m.ruleId)).toContain('require-concurrent-index-creation');
    }
  });

  it('config include / exclude decide which walked files are linted', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'db', 'migrations'), { recursive: true });
    mkdirSync(path.join(dir, 'db', 'seeds'), { recursive: true });
    mkdirSync(path.join(dir, 'db', 'migrations', 'archive'), { recursive: true });
    writeFileSync(path.join(dir, '.migralintrc.json'), JSON.stringify({ include: ['db/**/*.sql'], exclude: ['db/migrations/archive/**'] }));
    writeFileSync(path.join(dir, 'db', 'migrations', '20240101_orders_idx.sql'), 'CREATE INDEX orders_created_idx ON orders (created_at);\n');
    writeFileSync(path.join(dir, 'db', 'migrations', 'archive', '20190101_reindex.sql'), 'REINDEX TABLE orders;\n');
    writeFileSync(path.join(dir, '0001_scratch.sql'), 'DROP INDEX orders_old_idx;\n');
    // A seed outside migration folders is not a migration: discovery skips it before include / exclude.
    writeFileSync(path.join(dir, 'db', 'seeds', 'reindex.sql'), 'REINDEX TABLE orders;\n');
    const r = run(['.', '--format', 'json'], { cwd: dir });
    const results = JSON.parse(r.stdout);
    const linted = results.filter((x: any) => !x.skipped).map((x: any) => path.relative(dir, x.filePath));
    expect(linted).toEqual([path.join('db', 'migrations', '20240101_orders_idx.sql')]);
    expect(r.stderr).toContain('2 files left out by config include / exclude');
    expect(results.filter((x: any) => x.skipped).map((x: any) => [path.relative(dir, x.filePath), x.skipped])).toEqual([
      [path.join('db', 'seeds', 'reindex.sql'), 'outside-migrations'],
    ]);
  });

  it('lints standard input as the named file', () => {
    const r = run(['--stdin', '--stdin-filename', 'migrations/x.sql', '--format', 'json'], {
      input: 'BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n',
    });
    expect(r.code).toBe(1);
    const [res] = JSON.parse(r.stdout);
    expect(res.messages.map((m: any) => m.ruleId)).toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('explains a rule and lists the rules', () => {
    const e = run(['explain', 'require-concurrent-index-creation']);
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('Why is this bad?');
    expect(e.stdout).toContain('SHARE lock');
    expect(run(['explain', 'nope']).code).toBe(2);
    const l = run(['rules']);
    expect(l.stdout).toContain('ban-concurrent-index-creation-in-transaction');
  });

  // About 17 s of CPU today; on a shared 2-core machine the wall time is several times that.
  it('lints a 10 MB file', { timeout: 300_000 }, () => {
    const dir = tmp();
    const stmt = 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS note_{{i}} text;\n';
    let text = "SET lock_timeout = '2s';\n";
    for (let i = 0; text.length < 10 * 1024 * 1024; i++) text += stmt.replace('{{i}}', String(i));
    writeFileSync(path.join(dir, 'big.sql'), text);
    const r = run([path.join(dir, 'big.sql'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].messages).toEqual([]);
  });
});
