import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigError } from '../config/error.js';
import { validateConfig } from '../config/validate.js';
import type { Config } from '../config/schema.js';

export interface SyncConfig {
  config: Config;
  dir: string;
  file?: string;
  /** A problem to report once on the file: an invalid config, or a JS config ESLint cannot read synchronously. */
  problem?: string;
}

const JSON_PLACES = ['migralint.config.json', '.migralintrc.json'];
const JS_PLACES = ['migralint.config.js', 'migralint.config.mjs'];

const byDir = new Map<string, SyncConfig>();

/**
 * The migralint config for a file, found as the CLI finds it (upward from the file's directory: migralint.config.*,
 * .migralintrc.json, "migralint" in package.json) but read synchronously, because ESLint rules are synchronous.
 * JSON configs are read; a migralint.config.js / .mjs is NOT read here (it would need an async import) — the
 * plugin reports that once per file and lints with defaults. Cached per directory for the process.
 */
export function configForFile(filePath: string): SyncConfig {
  const start = path.dirname(path.resolve(filePath));
  const cached = byDir.get(start);
  if (cached) return cached;
  let dir = start;
  let found: SyncConfig | undefined;
  for (;;) {
    for (const name of JS_PLACES) {
      const f = path.join(dir, name);
      if (existsSync(f)) {
        found = { config: {}, dir, file: f, problem: `${name} is not read inside ESLint (JS configs load asynchronously); use migralint.config.json or .migralintrc.json for settings the ESLint plugin should see.` };
        break;
      }
    }
    if (found) break;
    for (const name of [...JSON_PLACES, 'package.json']) {
      const f = path.join(dir, name);
      if (!existsSync(f)) continue;
      try {
        const data = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
        if (name === 'package.json') {
          if (data.migralint === undefined) continue;
          found = { config: validateConfig(data.migralint, f), dir, file: f };
        } else found = { config: validateConfig(data, f), dir, file: f };
      } catch (error) {
        found = { config: {}, dir, file: f, problem: (error as ConfigError).message };
      }
      break;
    }
    if (found) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const result = found ?? { config: {}, dir: process.cwd() };
  byDir.set(start, result);
  return result;
}

/** Forget cached configs (tests that write config files). */
export function clearConfigCache(): void {
  byDir.clear();
}
