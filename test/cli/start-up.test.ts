import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

  it('the YAML package is in the bundle, and runs only from its stand-in, on first use', () => {
    const text = readFileSync(path.join(root, 'dist', 'cli.cjs'), 'latin1');
    const module = /^var (require_\w+) = __commonJS\(\{\n {2}"node_modules\/yaml\/dist\/index\.js"/m.exec(text);
    expect(module).not.toBeNull();
    const calls = text.split(`${module![1]}()`).length - 1;
    expect(calls).toBe(1);
    expect(text).toMatch(new RegExp(`=> \\w+ \\?\\?= ${module![1]}\\(\\);\\n`));
  });
});
