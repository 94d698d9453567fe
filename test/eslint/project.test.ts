/** The plugin as a project uses it: the real ESLint CLI run in a project folder, with the built plugin. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirs, write } from '../helpers/repo.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslintBin = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
const pluginUrl = pathToFileURL(path.join(root, 'dist', 'src', 'eslint', 'index.js')).href;
const tmp = tempDirs('migralint-eslint-project-');

function eslint(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [eslintBin, '--format', 'json', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return {
    code: r.status,
    results: r.stdout ? (JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; message: string }> }>) : [],
    stderr: r.stderr,
  };
}

describe('the ESLint plugin in a project', () => {
  it('reads migralint.config.mjs in the folder ESLint runs from, as the CLI does', () => {
    const dir = tmp();
    write(dir, 'package.json', JSON.stringify({ name: 'shop', private: true }));
    write(dir, 'eslint.config.mjs', `import migralint from ${JSON.stringify(pluginUrl)};\nexport default [...migralint.configs.recommended];\n`);
    write(
      dir,
      'migralint.config.mjs',
      "export default { tables: { orders: { rows: 12000000, bytes: 3400000000 } }, rules: { 'require-lock-timeout': 'off' } };\n",
    );
    write(dir, 'db/migrations/20240401000000_index.sql', 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
    const r = eslint(dir, 'db/migrations');
    expect(r.stderr).toBe('');
    const messages = r.results.flatMap((x) => x.messages);
    expect(messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation']);
    expect(messages[0]!.message).toContain('CREATE INDEX on orders (12.0M rows, 3.2 GB)');
    expect(r.code).toBe(1);
  });
});

describe("the ESLint plugin in a CommonJS package (npm's default)", () => {
  const project = () => {
    const dir = tmp();
    write(dir, 'package.json', JSON.stringify({ name: 'shop', private: true }));
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(root, path.join(dir, 'node_modules', 'migralint'));
    write(dir, 'db/migrations/20240401000000_index.sql', 'CREATE INDEX idx_orders_created ON orders (created_at);\n');
    return dir;
  };

  it('eslint.config.cjs exporting import("migralint/eslint") lints', () => {
    const dir = project();
    write(dir, 'eslint.config.cjs', 'module.exports = import("migralint/eslint").then(({ default: migralint }) => [...migralint.configs.recommended]);\n');
    const r = eslint(dir, 'db/migrations');
    expect(r.results.flatMap((x) => x.messages).map((m) => m.ruleId)).toEqual([
      'migralint/require-concurrent-index-creation',
      'migralint/require-lock-timeout',
    ]);
    expect(r.code).toBe(1);
  });

  it('require("migralint/eslint") fails with what to write instead', () => {
    const dir = project();
    write(dir, 'eslint.config.cjs', 'const migralint = require("migralint/eslint");\nmodule.exports = [...migralint.configs.recommended];\n');
    const r = eslint(dir, 'db/migrations');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'migralint/eslint is an ES module that loads its parsers with top-level await, which require() cannot wait for. Name your ESLint config eslint.config.mjs',
    );
  });
});

describe('table sizes in ESLint', () => {
  it('come from a `stats` snapshot in the config; a databaseUrl without one is said to be CLI-only', () => {
    const dir = tmp();
    write(dir, 'eslint.config.mjs', `import migralint from ${JSON.stringify(pluginUrl)};\nexport default [...migralint.configs.recommended];\n`);
    write(
      dir,
      'migralint-stats.json',
      JSON.stringify({
        version: 1,
        serverVersion: '16.4',
        tables: [{ schema: 'public', name: 'orders', rows: 12000000, bytes: 3400000000, partitioned: false }],
        invalidIndexes: [],
      }),
    );
    write(dir, '.migralintrc.json', JSON.stringify({ stats: 'migralint-stats.json' }));
    write(dir, 'db/migrations/20240401000000_index.sql', "SET lock_timeout = '2s';\nCREATE INDEX idx_orders_created ON orders (created_at);\n");
    const withStats = eslint(dir, 'db/migrations');
    expect(withStats.results.flatMap((x) => x.messages).map((m) => m.message)).toEqual([
      expect.stringContaining('CREATE INDEX on orders (12.0M rows, 3.2 GB)'),
    ]);
    write(dir, '.migralintrc.json', JSON.stringify({ databaseUrl: 'postgres://reader@db.internal:5432/shop' }));
    const live = eslint(dir, 'db/migrations');
    const messages = live.results.flatMap((x) => x.messages);
    expect(messages.map((m) => m.ruleId)).toEqual(['migralint/framework-config', 'migralint/require-concurrent-index-creation']);
    expect(messages[0]!.message).toBe(
      '.migralintrc.json: databaseUrl is read by the migralint CLI only; in ESLint, table sizes come from a `stats` snapshot (write one with `migralint stats`) or config `tables`.',
    );
  });
});
