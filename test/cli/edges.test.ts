/** What a user hits first on the command line: the version, pipes, option values, exit codes. */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDirs, write } from '../helpers/repo.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'migralint.js');
const tmp = tempDirs('migralint-edges-');
const version = (await import(path.join(root, 'package.json'), { with: { type: 'json' } })).default.version as string;

/** The built binary, for what only the process shows: its own version, exit codes. */
function runBin(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', MIGRALINT_DATABASE_URL: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI in this process (test/helpers/cli.ts): what it does with options and input. */
function run(args: string[], cwd = root) {
  return runCli(args, { cwd });
}

const LOCKING = 'CREATE INDEX idx_orders_created ON orders (created_at);\n';
const CLEAN = "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY idx_orders_created ON orders (created_at);\n";

describe('--version', () => {
  it("prints migralint's own version, not the host project's", () => {
    const dir = tmp();
    write(dir, 'package.json', JSON.stringify({ name: 'shop', version: '9.9.9' }));
    const r = runBin(['--version'], dir);
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.code).toBe(0);
  });
});

describe('output piped into a reader that stops early', () => {
  it('exits quietly, without an EPIPE stack trace', async () => {
    const dir = tmp();
    let text = '';
    for (let i = 0; i < 3000; i++) text += `CREATE INDEX idx_orders_c${i} ON orders (c${i});\n`;
    const file = write(dir, 'db/migrations/20240401000000_indexes.sql', text);
    // The reader takes the first chunk and closes the pipe, as `head -1` does.
    const child = spawn(process.execPath, [bin, file], { env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});

describe('options', () => {
  it('--rule takes one value per flag: a path after it stays a path', async () => {
    const dir = tmp();
    const file = write(dir, 'db/migrations/20240401000000_index.sql', LOCKING);
    const r = await run(['--rule', 'require-lock-timeout:off', file, '--format', 'compact']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${file}:1:1: error require-concurrent-index-creation `)).toBe(true);
    expect(r.code).toBe(1);
    // Two flags, two rules.
    const two = await run(['--rule', 'require-lock-timeout:off', '--rule', 'require-concurrent-index-creation:off', file]);
    expect(two.code).toBe(0);
  });

  it.each([
    [['--pg-version', 'abc'], "--pg-version expects a whole number from 9 to 19, got 'abc'"],
    [['--pg-version', '-3'], "--pg-version expects a whole number from 9 to 19, got '-3'"],
    [['--pg-version', '99'], "--pg-version expects a whole number from 9 to 19, got '99'"],
    [['--pg-version', '15.5'], "--pg-version expects a whole number from 9 to 19, got '15.5'"],
    [['--max-warnings', 'abc'], "--max-warnings expects a whole number, -1 or more, got 'abc'"],
    [['--max-warnings', '-2'], "--max-warnings expects a whole number, -1 or more, got '-2'"],
  ])('%j is refused with one line, exit 2', async (args, message) => {
    const dir = tmp();
    const file = write(dir, 'db/migrations/20240401000000_index.sql', CLEAN);
    const r = await run([file, ...args]);
    expect(r.stderr).toBe(`migralint: ${message}\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('accepts good values: --pg-version 12 and --max-warnings 0', async () => {
    const dir = tmp();
    const file = write(dir, 'db/migrations/20240401000000_index.sql', LOCKING);
    const r = await run([file, '--pg-version', '12', '--max-warnings', '0', '--rule', 'require-concurrent-index-creation:off']);
    expect(r.stderr).toBe('migralint: too many warnings (1); maximum allowed is 0.\n');
    expect(r.code).toBe(1);
  });

  it('`rules --no-color` and `explain --no-color` work', async () => {
    const rules = await run(['rules', '--no-color']);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/^require-concurrent-index-creation +recommended +error/m);
    expect(rules.stdout).not.toContain('\u001b[');
    const explain = await run(['explain', 'require-lock-timeout', '--no-color']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('require-lock-timeout');
  });
});

describe('exit codes, as ESLint', () => {
  it('a missing path is exit 2 even when another file is clean', () => {
    const dir = tmp();
    const file = write(dir, 'db/migrations/20240401000000_index.sql', CLEAN);
    const r = runBin([file, path.join(dir, 'db/migrations/20240402000000_typo.sql')]);
    expect(r.stderr).toBe(`migralint: ${path.join(dir, 'db/migrations/20240402000000_typo.sql')}: no such file or directory\n`);
    expect(r.code).toBe(2);
  });

  it('a glob matching nothing is exit 2 even when another file is clean', () => {
    const dir = tmp();
    write(dir, 'db/migrations/20240401000000_index.sql', CLEAN);
    const r = runBin(['db/migrations/20240401000000_index.sql', 'db/migrate/*.sql'], dir);
    expect(r.stderr).toBe('migralint: db/migrate/*.sql: no files match\n');
    expect(r.code).toBe(2);
  });

  it('one unreadable file among others is reported as a fatal error for that file and exits 1; the others are linted', () => {
    const dir = tmp();
    write(dir, 'db/migrations/20240401000000_index.sql', CLEAN);
    const unreadable = path.join(dir, 'db/migrations/20240402000000_secret.sql');
    if (process.getuid?.() === 0) {
      // root reads any file whatever its mode; /proc/self/mem cannot be read from its start by anyone.
      symlinkSync('/proc/self/mem', unreadable);
    } else {
      write(dir, 'db/migrations/20240402000000_secret.sql', LOCKING);
      chmodSync(unreadable, 0o000);
    }
    const r = runBin(['db/migrations', '--format', 'json'], dir);
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ fatal?: boolean; message: string }> }>;
    expect(results.map((x) => path.basename(x.filePath)).sort()).toEqual(['20240401000000_index.sql', '20240402000000_secret.sql']);
    const secret = results.find((x) => x.filePath.endsWith('_secret.sql'))!;
    expect(secret.messages).toHaveLength(1);
    expect(secret.messages[0]).toMatchObject({ fatal: true, message: expect.stringMatching(/^cannot read: /) });
    expect(r.code).toBe(1);
  });
});

describe('input the user did not expect', () => {
  it('UTF-16 and UTF-32 files with a byte order mark are named as what they are, with how to convert them', async () => {
    const dir = tmp();
    const sql = "SET lock_timeout = '2s';\nSELECT 1;\n";
    write(dir, 'db/migrations/20240401000000_le.sql', '');
    writeFileSync(path.join(dir, 'db/migrations/20240401000000_le.sql'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sql, 'utf16le')]));
    const be = Buffer.from(sql, 'utf16le').swap16();
    writeFileSync(path.join(dir, 'db/migrations/20240402000000_be.sql'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    const r = await run(['db/migrations', '--format', 'json'], dir);
    const fatal = Object.fromEntries(
      (JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ message: string }> }>).map((x) => [
        path.basename(x.filePath),
        x.messages[0]!.message,
      ]),
    );
    expect(fatal['20240401000000_le.sql']).toBe(
      'UTF-16LE (little-endian, with a byte order mark) text, not linted (convert it to UTF-8: iconv -f UTF-16LE -t UTF-8)',
    );
    expect(fatal['20240402000000_be.sql']).toBe(
      'UTF-16BE (big-endian, with a byte order mark) text, not linted (convert it to UTF-8: iconv -f UTF-16BE -t UTF-8)',
    );
    expect(r.code).toBe(1);
  });

  it('a NUL byte after the first 8 KB does not hide the rest of the file: the file is named binary, with the line', async () => {
    const dir = tmp();
    let text = '';
    for (let i = 0; text.length < 10_000; i++) text += `ALTER TABLE orders ADD COLUMN IF NOT EXISTS note_${i} text;\n`;
    const line = text.split('\n').length;
    const file = write(dir, 'db/migrations/20240401000000_notes.sql', `${text}\0CREATE INDEX idx_orders_created ON orders (created_at);\n`);
    const r = await run([file, '--format', 'json']);
    const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ fatal?: boolean; message: string }> }>;
    expect(result!.messages).toEqual([expect.objectContaining({ fatal: true, message: `binary file (a NUL byte on line ${line}), not linted` })]);
    expect(r.code).toBe(1);
  });

  it('an Alembic migration with CR-only line endings is linted like any other', async () => {
    const dir = tmp();
    const py = [
      '"""index orders.created_at"""',
      'from alembic import op',
      '',
      'revision = "3f1a9c2b7d10"',
      'down_revision = None',
      '',
      '',
      'def upgrade():',
      '    op.create_index("ix_orders_created_at", "orders", ["created_at"])',
      '',
      '',
      'def downgrade():',
      '    op.drop_index("ix_orders_created_at", table_name="orders")',
      '',
    ];
    write(dir, 'alembic/versions/3f1a9c2b7d10_index_orders_created.py', py.join('\r'));
    const r = await run(['alembic/versions', '--format', 'compact', '--rule', 'require-lock-timeout:off'], dir);
    expect(r.stdout).toBe(
      `alembic/versions/3f1a9c2b7d10_index_orders_created.py:9:5: error require-concurrent-index-creation ${r.stdout.split(' require-concurrent-index-creation ')[1]}`,
    );
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(1);
  });

  it.each([
    ['an unterminated string', "SELECT 'it''s open;\n", 'unterminated quoted string'],
    ['an unterminated $$ body', 'DO $$ BEGIN\n  PERFORM 1;\n', 'unterminated dollar-quoted string'],
    ['an unterminated /* comment', '/* left open\n', 'unterminated /* comment'],
  ])('%s does not hide the findings before it', async (_what, tail, message) => {
    const dir = tmp();
    const file = write(dir, 'db/migrations/20240401000000_index.sql', `CREATE INDEX idx_orders_created ON orders (created_at);\n${tail}`);
    const r = await run([file, '--format', 'json', '--rule', 'require-lock-timeout:off']);
    const [result] = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string; line: number; message: string }> }>;
    expect(result!.messages.map((m) => [m.ruleId, m.line])).toEqual([
      ['require-concurrent-index-creation', 1],
      ['parse-error', 2],
    ]);
    expect(result!.messages[1]!.message).toContain(message);
  });

  it('a long one-line file gives a short report: the excerpt and the fix are cut to a window around the finding', async () => {
    const dir = tmp();
    let text = "SET lock_timeout = '2s'; ";
    for (let i = 0; text.length < 1024 * 1024; i++) text += `ALTER TABLE orders ADD COLUMN IF NOT EXISTS note_${i} text; `;
    text += 'CREATE INDEX idx_orders_created ON orders (created_at);';
    const file = write(dir, 'db/schema.sql', text);
    const r = await run([file]);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(3000);
    expect(r.stdout).toMatch(/\n {4}1 \| …[^\n]{100,170}CREATE INDEX idx_orders_created ON orders \(created_at\);\n/);
    expect(r.stdout).toMatch(/\n {6}\+ …[^\n]*CREATE INDEX CONCURRENTLY idx_orders_created ON orders \(created_at\);\n/);
  });
});
