// How --fix writes (issue 11, "Writing"): through symlinks, keeping mode, refusing read-only files, never over an
// edit made meanwhile, keeping CR-only line endings, one message per file that cannot be written, and a summary.
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { WriteRefused, writeFixed } from '../../src/cli/write.js';

/** The CLI in this process (test/helpers/cli.ts). */
function run(args: string[], cwd: string) {
  return runCli(args, { cwd });
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'migralint-write-'));
const ADD = 'ALTER TABLE orders ADD COLUMN note text;\n';
const FIXED = "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n";

describe('--fix writes safely', () => {
  it('edits the target of a symlink, keeps the link and the mode, and says what it fixed', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'shared'));
    const target = path.join(dir, 'shared', '20240105_add_note.sql');
    writeFileSync(target, ADD);
    chmodSync(target, 0o640);
    mkdirSync(path.join(dir, 'migrations'));
    symlinkSync(target, path.join(dir, 'migrations', '20240105_add_note.sql'));
    const r = await run(['--fix', 'migrations'], dir);
    expect(lstatSync(path.join(dir, 'migrations', '20240105_add_note.sql')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(FIXED);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(r.stdout).toContain('migralint: fixed 1 problem in migrations/20240105_add_note.sql');
    expect(r.stdout).toContain('migralint: fixed 1 problem in 1 file');
  });

  it('refuses a read-only file with one message, fixes the others, and the exit code says so', async () => {
    const dir = tmp();
    const ro = path.join(dir, '20240105_a.sql');
    const rw = path.join(dir, '20240106_b.sql');
    writeFileSync(ro, ADD);
    writeFileSync(rw, ADD);
    chmodSync(ro, 0o444);
    const r = await run(['--fix', '.'], dir);
    expect(readFileSync(ro, 'utf8')).toBe(ADD);
    expect(statSync(ro).mode & 0o777).toBe(0o444);
    expect(readFileSync(rw, 'utf8')).toBe(FIXED);
    expect(r.stderr).toContain('20240105_a.sql: --fix: the file is read-only; not fixed');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('1 file could not be written');
    // The file not written is reported with its problems as they are.
    expect(r.stdout).toMatch(/20240105_a\.sql[\s\S]*require-lock-timeout/);
  });

  it('keeps CR-only line endings', async () => {
    const dir = tmp();
    const file = path.join(dir, '20240105_cr.sql');
    writeFileSync(file, '-- old Mac file\rALTER TABLE orders ADD COLUMN note text;\r');
    await run(['--fix', file], dir);
    const out = readFileSync(file, 'utf8');
    expect(out).not.toContain('\n');
    expect(out).toContain("SET lock_timeout = '2s';\r");
  });

  it('with a machine format on stdout, the summary goes to stderr', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '20240105_add_note.sql'), ADD);
    const r = await run(['--fix', '--format', 'json', '.'], dir);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toContain('migralint: fixed 1 problem in 1 file');
  });
});

describe('writeFixed', () => {
  it('never overwrites an edit made after the file was read', () => {
    const dir = tmp();
    const file = path.join(dir, 'V3__orders.sql');
    writeFileSync(file, 'ALTER TABLE orders ADD COLUMN note text; -- edited meanwhile\n');
    expect(() => writeFixed(file, ADD, FIXED)).toThrow(WriteRefused);
    expect(readFileSync(file, 'utf8')).toBe('ALTER TABLE orders ADD COLUMN note text; -- edited meanwhile\n');
  });

  it('keeps hard links pointing at the fixed text', () => {
    const dir = tmp();
    const file = path.join(dir, 'V3__orders.sql');
    writeFileSync(file, ADD);
    linkSync(file, path.join(dir, 'copy.sql'));
    writeFixed(file, ADD, FIXED);
    expect(readFileSync(path.join(dir, 'copy.sql'), 'utf8')).toBe(FIXED);
    expect(statSync(file).nlink).toBe(2);
  });
});
