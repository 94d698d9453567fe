import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'migralint.js');

function run(args: string[], workers: number) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', MIGRALINT_WORKERS: String(workers) },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('parallel lint (worker threads)', () => {
  it('prints exactly what one thread prints, in the same order, for every framework', { timeout: 300_000 }, () => {
    // SQL, Python (tree-sitter) and JS/TS (oxc) migrations, sibling files (journals, env.py), a config with sizes.
    const args = ['fixtures/frameworks', 'fixtures/demo', '--format', 'json', '--no-cache'];
    const one = run(args, 0);
    const three = run(args, 3);
    expect(one.code).toBe(1);
    const results = JSON.parse(one.stdout) as Array<{ filePath: string; messages: unknown[] }>;
    expect(results.length).toBeGreaterThan(50);
    expect(results.filter((r) => r.messages.length > 0).length).toBeGreaterThan(20);
    expect(three).toEqual(one);
  });

  it('fills the lint cache the same way: a warm single-thread run reads what the workers stored', { timeout: 300_000 }, () => {
    const cache = path.join(root, 'node_modules', '.cache', `migralint-parallel-test-${process.pid}`);
    const args = ['fixtures/frameworks', '--format', 'json', '--cache-location', cache];
    const cold = run(args, 2);
    const warm = run(args, 0);
    expect(warm).toEqual(cold);
    expect(run(['fixtures/frameworks', '--format', 'json', '--no-cache'], 0)).toEqual(cold);
    rmSync(cache, { recursive: true, force: true });
  });
});
