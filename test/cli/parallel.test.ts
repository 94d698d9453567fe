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

  it('lints whole histories in worker threads as one thread does: each file over the catalog the files before it left', { timeout: 300_000 }, () => {
    // Five real projects' histories (goose, Flyway, Prisma …): each project is one unit of work, in its tool's order.
    const all = ['bench/real', '--format', 'json', '--no-cache'];
    const one = run(all, 1);
    expect(one.code).toBe(1);
    const results = JSON.parse(one.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
    expect(results.length).toBe(110);
    // Findings that need the catalog the history left: a table the migrations created earlier, in another file.
    expect(results.some((r) => r.messages.some((m) => m.ruleId === 'adding-not-nullable-field' || m.ruleId === 'require-index-on-foreign-key'))).toBe(true);
    expect(run(all, 2)).toEqual(one);
    expect(run(all, 3)).toEqual(one);
    // Files named in the middle of their histories: the migrations before them are only replayed, in the worker too.
    const named = [
      'bench/real/goharbor+harbor/make/migrations/postgresql/0004_1.8.0_schema.up.sql',
      'bench/real/umami-software+umami/prisma/migrations/03_metric_performance_index/migration.sql',
      '--format',
      'json',
      '--no-cache',
    ];
    const namedOne = run(named, 1);
    expect((JSON.parse(namedOne.stdout) as unknown[]).length).toBe(2);
    expect(run(named, 2)).toEqual(namedOne);
  });

  it('fills the lint cache the same way: a warm single-thread run reads what the workers stored', { timeout: 300_000 }, () => {
    const cache = path.join(root, 'node_modules', '.cache', `migralint-parallel-test-${process.pid}`);
    const args = ['fixtures/frameworks', '--format', 'json', '--cache-location', cache];
    const cold = run(args, 2);
    const warm = run(args, 0);
    expect(warm).toEqual(cold);
    expect(run(['fixtures/frameworks', '--format', 'json', '--no-cache'], 0)).toEqual(cold);
    rmSync(cache, { recursive: true, force: true });
    // Histories: the workers' catalogs and replays are cached as this thread's walk caches them.
    const real = ['bench/real', '--format', 'json', '--cache-location', cache];
    const realCold = run(real, 2);
    expect(run(real, 0)).toEqual(realCold);
    expect(run(['bench/real', '--format', 'json', '--no-cache'], 0)).toEqual(realCold);
    rmSync(cache, { recursive: true, force: true });
  });
});
