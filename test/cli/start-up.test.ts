import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/repo.js';

// What a one-file lint (the pre-commit case) loads before it is done, through the built bin as users run it.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'migralint.js');
const tmp = tempDirs('migralint-start-up-');

/** The built-in modules of node a run loaded (process.moduleLoadList, written when it exits). */
function builtinsLoaded(args: string[], cwd: string): { code: number | null; stdout: string; modules: string[] } {
  const list = path.join(cwd, 'modules.json');
  const preload = path.join(cwd, 'preload.cjs');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, modules: JSON.parse(readFileSync(list, 'utf8')) as string[] };
}

describe('start-up of a one-file lint', () => {
  it("finds the config without node's fs/promises (its module costs every run start-up time)", { timeout: 60_000 }, () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', migralint: { rules: { 'require-concurrent-index-creation': 'warn' } } }));
    writeFileSync(path.join(dir, '001_orders.sql'), 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
    const r = builtinsLoaded(['001_orders.sql', '--format', 'json', '--no-cache'], dir);
    expect(r.code).toBe(0);
    const found = JSON.parse(r.stdout) as { messages: { ruleId: string; severity: number }[] }[];
    expect(found[0]!.messages).toContainEqual(expect.objectContaining({ ruleId: 'require-concurrent-index-creation', severity: 1 }));
    expect(r.modules).toContain('NativeModule fs');
    expect(r.modules.filter((m) => m.includes('fs/promises'))).toEqual([]);
  });

  it('zod, YAML, diff and tinyglobby are files of their own beside the bundle, each loaded by its stand-in on first use', () => {
    const text = readFileSync(path.join(root, 'dist', 'cli.cjs'), 'latin1');
    expect(text).not.toMatch(/^\/\/ node_modules\/(zod|yaml|diff|tinyglobby|fdir|picomatch)\//m);
    for (const name of ['zod', 'yaml', 'diff', 'tinyglobby']) {
      const loads = text.split(`join(__dirname, "${name}.cjs")`).length - 1;
      expect(loads, name).toBe(1);
    }
    // yaml's stand-in keeps what it loaded (`lib ??= …`); zod's module is a CommonJS module of the bundle, run once.
    expect(text).toMatch(
      /\?\?= \(globalThis\[[^\]]*Symbol\.for\("migralint\.require"\)\] \?\? require\)\(require\("node:path"\)\.join\(__dirname, "yaml\.cjs"\)\)/,
    );
    expect(readFileSync(path.join(root, 'dist', 'yaml.cjs'), 'latin1')).toMatch(/^\/\/ node_modules\/yaml\/dist\/index\.js$/m);
    expect(readFileSync(path.join(root, 'dist', 'zod.cjs'), 'latin1')).toMatch(/^\/\/ node_modules\/zod\/v4\/classic\/external\.js$/m);
  });

  it('a one-file SQL lint with no config file loads neither zod nor YAML; a config file loads zod', { timeout: 60_000 }, () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '001_orders.sql'), 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
    // The code cache keeps the compiled code of each file a run loaded, named after it (bin/migralint.js).
    const loaded = (cache: string) =>
      readdirSync(cache)
        .filter((f) => f.endsWith('.v8'))
        .map((f) => f.replace(/-code-[0-9a-f]+\.v8$/, ''))
        .sort();
    const bare = path.join(dir, 'cache-bare');
    const r = spawnSync(process.execPath, [bin, '001_orders.sql', '--format', 'json', '--cache-location', bare], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { messages: unknown[] }[])[0]!.messages.length).toBeGreaterThan(0);
    expect(loaded(bare)).toEqual(['cli', 'libpg-query.index', 'libpg-query.libpg-query']);

    writeFileSync(path.join(dir, '.migralintrc.json'), JSON.stringify({ rules: { 'require-concurrent-index-creation': 'warn' } }));
    const configured = path.join(dir, 'cache-config');
    const c = spawnSync(process.execPath, [bin, '001_orders.sql', '--format', 'json', '--cache-location', configured], { cwd: dir, encoding: 'utf8' });
    expect(c.status).toBe(0);
    expect(loaded(configured)).toEqual(['cli', 'libpg-query.index', 'libpg-query.libpg-query', 'zod']);
  });
});
