import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export class InitError extends Error {
  override name = 'InitError';
}

export const CONFIG_FILE = '.migralintrc.json';

/** The starter config: the schema for editors, the PostgreSQL version, and table sizes left to fill in. */
export function starterConfig(): string {
  const config = {
    $schema: './node_modules/migralint/schema/migralint.schema.json',
    pgVersion: 15,
    largeTableRows: 10000,
    largeTables: [] as string[],
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
}

/**
 * \`migralint init [--hook]\`: writes a starter config (never over an existing one) and, with \`hook\`, a git
 * pre-commit hook that lints staged migrations (never over an existing hook).
 */
export function runInit(cwd: string, options: { hook?: boolean } = {}): InitResult {
  const written: string[] = [];
  const configPath = path.join(cwd, CONFIG_FILE);
  let hookPath: string | undefined;
  if (options.hook) {
    let hooksDir: string;
    try {
      hooksDir = execFileSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch {
      throw new InitError(`${cwd} is not inside a git repository: cannot install a pre-commit hook`);
    }
    hookPath = path.resolve(cwd, hooksDir, 'pre-commit');
    if (existsSync(hookPath)) {
      throw new InitError(`${hookPath} already exists; not overwriting it. Add \`npx --no-install migralint --staged\` to it yourself, or use the pre-commit framework / husky (see the README's "pre-commit" section)`);
    }
  }
  if (!existsSync(configPath)) {
    writeFileSync(configPath, starterConfig(), { flag: 'wx' });
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
  return { written };
}
