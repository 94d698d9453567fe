import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/repo.js';
import { once } from '../helpers/once.js';

// bin/migralint.js keeps V8's compiled code of the CLI bundle (dist/cli.cjs) in the cache folder: these runs go
// through the built bin, as users run it.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'migralint.js');
const tmp = tempDirs('migralint-code-cache-');

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Real migrations (goharbor/harbor's, with their licence in bench/real), an Alembic project (Python: tree-sitter is
 * loaded) and a config written as an ES module (imported by the bundle through the bin's import()).
 */
function project(): string {
  const dir = tmp();
  cpSync(path.join(root, 'bench', 'real', 'goharbor+harbor'), path.join(dir, 'migrations', 'harbor'), { recursive: true });
  cpSync(path.join(root, 'fixtures', 'frameworks', 'alembic'), path.join(dir, 'migrations', 'alembic'), { recursive: true });
  writeFileSync(path.join(dir, 'migralint.config.mjs'), "export default { rules: { 'require-lock-timeout': 'warn' } };\n");
  return dir;
}

/**
 * One project for both runs over it (each test with a cache folder of its own; neither changes the project's files),
 * and its report without any cache: what every run on stored compiled code must print.
 */
const sharedProject = once(() => {
  const dir = project();
  return { dir, expected: run(['migrations', '--format', 'json', '--no-cache'], dir) };
});

const codeFiles = (cache: string) => readdirSync(cache).filter((f) => /^cli-code-[0-9a-f]+\.v8$/.test(f));

/** The stored data is intact: its first 32 bytes are the SHA-256 of the rest (what the bin checks before use). */
function intact(file: string): boolean {
  const b = readFileSync(file);
  return b.length > 32 && createHash('sha256').update(b.subarray(32)).digest().equals(b.subarray(0, 32));
}

/** Everything but the compiled code: lint results, replays and the run's record (which would print its report as it is). */
function dropResults(cache: string): void {
  for (const f of readdirSync(cache)) if (!f.endsWith('.v8')) rmSync(path.join(cache, f));
}

describe('the code cache of the CLI', () => {
  it('the bundle is ASCII: one non-ASCII character makes V8 hold and decode all of its text two bytes a character', () => {
    const text = readFileSync(path.join(root, 'dist', 'cli.cjs'));
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text.findIndex((b) => b > 0x7f)).toBe(-1);
  });

  it('the bundle names its text on its last line (the SHA-256 of all before it), so a run need not hash 2.7 MB to key its compiled code', () => {
    const text = readFileSync(path.join(root, 'dist', 'cli.cjs'), 'latin1');
    const line = /\/\/# migralintBuild=([0-9a-f]{64})\n$/.exec(text);
    expect(line).not.toBeNull();
    expect(createHash('sha256').update(text.slice(0, line!.index), 'latin1').digest('hex')).toBe(line![1]);
  });

  it('a run on stored compiled code prints exactly what a run without it prints, exit code included', { timeout: 300_000 }, () => {
    const { dir, expected } = sharedProject();
    const cache = path.join(dir, 'cache-stored');
    expect(expected.code).toBe(1);
    expect(JSON.parse(expected.stdout).length).toBeGreaterThan(40);
    // --no-cache keeps nothing, compiled code included.
    expect(() => readdirSync(cache)).toThrow();

    const first = run(['migrations', '--format', 'json', '--cache-location', cache], dir);
    expect(first).toEqual(expected);
    const [file] = codeFiles(cache);
    expect(file).toBeDefined();
    const stored = path.join(cache, file!);
    expect(intact(stored)).toBe(true);
    const written = statSync(stored).mtimeMs;

    // Lint results and the run's record dropped, compiled code kept: the whole pipeline runs on the stored code. The data is used as it
    // is (a run rewrites it only when it had none, or V8 refused it).
    for (const format of ['json', 'stylish']) {
      dropResults(cache);
      const plain = format === 'json' ? expected : run(['migrations', '--format', format, '--no-cache'], dir);
      expect(run(['migrations', '--format', format, '--cache-location', cache], dir)).toEqual(plain);
      // That run linted (nothing answered it from the cache): it stored the results again.
      expect(statSync(path.join(cache, 'lint-cache.json')).size).toBeGreaterThan(1000);
      // Warm on both: lint results and compiled code from the cache.
      expect(run(['migrations', '--format', format, '--cache-location', cache], dir)).toEqual(plain);
    }
    expect(statSync(stored).mtimeMs).toBe(written);
    expect(codeFiles(cache)).toEqual([file]);
    // The files loaded on first use have theirs too: zod (the config's validator, a chunk of the bundle) and the
    // JavaScript of PostgreSQL's parser; each intact, one each.
    const others = readdirSync(cache)
      .filter((f) => f.endsWith('.v8') && !codeFiles(cache).includes(f))
      .map((f) => f.replace(/-[0-9a-f]+\.v8$/, ''))
      .sort();
    expect(others).toEqual(['libpg-query.index-code', 'libpg-query.libpg-query-code', 'zod-code']);
    for (const f of readdirSync(cache).filter((f) => f.endsWith('.v8'))) expect(intact(path.join(cache, f))).toBe(true);
  });

  it('a worker thread loads its bundle through the same folder: its compiled code is stored once, then used as it is', { timeout: 300_000 }, () => {
    const { dir, expected } = sharedProject();
    const cache = path.join(dir, 'cache-workers');
    // Two units of work (Harbor's history, the Alembic project): one goes to a worker thread.
    const two = { MIGRALINT_WORKERS: '2' };
    expect(run(['migrations', '--format', 'json', '--cache-location', cache], dir, two)).toEqual(expected);
    const workerCode = readdirSync(cache).filter((f) => /^worker-code-[0-9a-f]+\.v8$/.test(f));
    expect(workerCode).toHaveLength(1);
    const stored = path.join(cache, workerCode[0]!);
    expect(intact(stored)).toBe(true);
    const written = statSync(stored).mtimeMs;
    // Lint results dropped, compiled code kept: the worker runs on its stored code (rewritten only when V8 refuses it).
    for (let i = 0; i < 2; i++) {
      dropResults(cache);
      expect(run(['migrations', '--format', 'json', '--cache-location', cache], dir, two)).toEqual(expected);
    }
    expect(statSync(stored).mtimeMs).toBe(written);
    expect(readdirSync(cache).filter((f) => f.startsWith('worker-code-'))).toEqual(workerCode);
    // Those runs did start a worker: without its stored code, the next one stores it again.
    rmSync(stored);
    dropResults(cache);
    expect(run(['migrations', '--format', 'json', '--cache-location', cache], dir, two)).toEqual(expected);
    expect(intact(stored)).toBe(true);
    // --no-cache: nothing kept by the workers either.
    const none = path.join(dir, 'cache-none');
    expect(run(['migrations', '--format', 'json', '--no-cache', '--cache-location', none], dir, two)).toEqual(expected);
    expect(() => readdirSync(none)).toThrow();
  });

  it('ignores and rewrites corrupt or truncated compiled code, and drops that of other builds', { timeout: 300_000 }, () => {
    const { dir, expected } = sharedProject();
    const cache = path.join(dir, 'cache-corrupt');
    run(['migrations', '--format', 'json', '--cache-location', cache], dir);
    const [file] = codeFiles(cache);
    const stored = path.join(cache, file!);
    const good = readFileSync(stored);
    const flipped = Buffer.from(good);
    // A changed byte inside V8's data: V8 itself would take it (it checks its header, not the data).
    flipped[flipped.length >> 1] ^= 0x55;
    const bad = [flipped, good.subarray(0, good.length >> 1), Buffer.from('not compiled code'), Buffer.alloc(0)];
    for (const content of bad) {
      writeFileSync(stored, content);
      writeFileSync(path.join(cache, 'cli-code-0123456789abcdef.v8'), good);
      dropResults(cache);
      expect(run(['migrations', '--format', 'json', '--cache-location', cache], dir)).toEqual(expected);
      expect(intact(stored)).toBe(true);
      expect(codeFiles(cache)).toEqual([file]);
    }
  });
});

/**
 * The order in which a run reads the CLI's bundle and requires PostgreSQL's parser, recorded by a module preloaded
 * into the bin's process (node -r).
 */
function loadOrder(args: string[], cwd: string): string[] {
  const probe = path.join(tmp(), 'probe.cjs');
  const out = path.join(path.dirname(probe), 'order.txt');
  writeFileSync(
    probe,
    [
      "const Module = require('node:module');",
      "const fs = require('node:fs');",
      'const order = [];',
      'const load = Module._load;',
      "Module._load = function (request, ...rest) { if (request === 'libpg-query' && !order.includes('parser')) order.push('parser'); return load.call(this, request, ...rest); };",
      'const read = fs.readFileSync;',
      // With a cache folder the bin reads the parser's JavaScript itself, to compile it with its kept code.
      "fs.readFileSync = function (file, ...rest) { if (typeof file === 'string' && /[\\\\/]libpg-query[\\\\/]/.test(file) && !order.includes('parser')) order.push('parser'); if (typeof file === 'string' && file.endsWith('cli.cjs') && !order.includes('cli')) order.push('cli'); return read.call(this, file, ...rest); };",
      `process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, order.join(',')));`,
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, ['-r', probe, bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  expect(r.status, r.stderr).toBe(1);
  return readFileSync(out, 'utf8').split(',');
}

describe("the parser's early start", () => {
  it('a few named files: the parser is required before the CLI loads, whatever folder an option names', { timeout: 120_000 }, () => {
    const dir = tmp();
    const file = path.join(dir, '0001_orders.sql');
    writeFileSync(file, 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
    const cache = path.join(dir, 'cache');
    mkdirSync(cache);
    expect(loadOrder([file, '--format', 'json', '--no-cache'], dir)).toEqual(['parser', 'cli']);
    // The folder named by --cache-location (as in bench/real-world.ts) is the option's, not a folder to lint.
    expect(loadOrder([file, '--format', 'json', '--cache-location', cache], dir)).toEqual(['parser', 'cli']);
    expect(loadOrder(['--cache-location', cache, file], dir)).toEqual(['parser', 'cli']);
    // A folder to lint: the run may find every file in the lint cache and need no parser (here it does: the file
    // was linted into that cache above).
    expect(loadOrder([dir, '--cache-location', cache], dir)).toEqual(['cli']);
  });
});
