import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { migrationName, migrationVersion } from './baseline.js';

/** node:child_process, loaded only when `init --hook` asks git: every other run of the CLI starts no process. */
const childProcess = () => createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');

export class InitError extends Error {
  override name = 'InitError';
}

export const CONFIG_FILE = '.migralintrc.json';

/** The starter config: the schema for editors, the PostgreSQL version, and table sizes left to fill in. */
export function starterConfig(baseline?: string): string {
  const config = {
    $schema: './node_modules/migralint/schema/migralint.schema.json',
    pgVersion: 15,
    largeTableRows: 10000,
    largeTables: [] as string[],
    // The newest migration when migralint was adopted: it and everything before it are deployed, never linted or fixed.
    ...(baseline ? { baseline } : {}),
    rules: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export const HOOK_SCRIPT = `#!/bin/sh
# migralint: lint the migrations staged for this commit (written by \`migralint init --hook\`).
# Skip once with: git commit --no-verify
if command -v npx >/dev/null 2>&1; then
  exec npx --no-install migralint --staged
fi
echo "migralint: npx not found; install Node.js or remove .git/hooks/pre-commit" >&2
exit 1
`;

export interface InitResult {
  written: string[];
  /** The baseline written into the config, or why none was. */
  baseline?: string;
  noBaseline?: string;
}

/**
 * The baseline for adopting migralint on an existing project: the name of the newest migration, when the
 * migrations form one versioned sequence (one folder, each name starting with its version). Otherwise why not:
 * names without versions (Alembic's revision ids) or several folders (Django apps) have no single "newest".
 */
export function newestMigration(files: string[]): { name?: string; why?: string } {
  const migrations = files.filter((f) => !/\.down\.sql$/i.test(f) && !/(^|[\\/])down\.sql$/i.test(f));
  if (migrations.length === 0) return { why: 'no migrations found' };
  const unversioned = migrations.filter((f) => !migrationVersion(migrationName(f)));
  if (unversioned.length)
    return { why: `${path.basename(unversioned[0]!)} has no version in its name, so there is no single newest migration; set \`baseline\` yourself` };
  const folders = new Set(migrations.map((f) => (migrationName(f) === path.basename(path.dirname(f)) ? path.dirname(path.dirname(f)) : path.dirname(f))));
  if (folders.size > 1) return { why: `migrations in ${folders.size} folders have separate histories; set \`baseline\` per folder yourself` };
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const newest = migrations.map(migrationName).reduce((m, n) => (cmp(migrationVersion(n)!, migrationVersion(m)!) > 0 ? n : m));
  return { name: newest };
}

/**
 * \`migralint init [--hook]\`: writes a starter config (never over an existing one) and, with \`hook\`, a git
 * pre-commit hook that lints staged migrations (never over an existing hook).
 */
export function runInit(cwd: string, options: { hook?: boolean; migrations?: string[] } = {}): InitResult {
  const written: string[] = [];
  const newest = options.migrations ? newestMigration(options.migrations) : {};
  const configPath = path.join(cwd, CONFIG_FILE);
  let hookPath: string | undefined;
  if (options.hook) {
    let hooksDir: string;
    try {
      hooksDir = childProcess()
        .execFileSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim();
    } catch {
      throw new InitError(`${cwd} is not inside a git repository: cannot install a pre-commit hook`);
    }
    hookPath = path.resolve(cwd, hooksDir, 'pre-commit');
    if (existsSync(hookPath)) {
      throw new InitError(
        `${hookPath} already exists; not overwriting it. Add \`npx --no-install migralint --staged\` to it yourself, or use the pre-commit framework / husky (see the README's "pre-commit" section)`,
      );
    }
  }
  if (!existsSync(configPath)) {
    writeFileSync(configPath, starterConfig(newest.name), { flag: 'wx' });
    written.push(configPath);
  } else if (!options.hook) {
    throw new InitError(`${configPath} already exists; not overwriting it`);
  }
  if (hookPath) {
    mkdirSync(path.dirname(hookPath), { recursive: true });
    writeFileSync(hookPath, HOOK_SCRIPT, { flag: 'wx' });
    chmodSync(hookPath, 0o755);
    written.push(hookPath);
  }
  return { written, ...(newest.name ? { baseline: newest.name } : newest.why ? { noBaseline: newest.why } : {}) };
}
