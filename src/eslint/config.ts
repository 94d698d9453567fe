import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
/** JS configs imported ahead of time (at plugin import, where awaiting is possible), by file. */
const preloaded = new Map<string, SyncConfig>();

/**
 * Imports the migralint.config.js / .mjs files in the current folder and its parents, so the synchronous
 * lookup below can use them: ESLint runs from the project root, where a project's config usually is. Called
 * by the plugin entry with top-level await.
 */
export async function preloadJsConfigs(from = process.cwd()): Promise<void> {
  let dir = path.resolve(from);
  for (;;) {
    for (const name of JS_PLACES) {
      const f = path.join(dir, name);
      if (!existsSync(f) || preloaded.has(f)) continue;
      try {
        const mod = (await import(pathToFileURL(f).href)) as { default?: unknown };
        preloaded.set(f, { config: validateConfig(mod.default ?? mod, f), dir, file: f });
      } catch (error) {
        preloaded.set(f, { config: {}, dir, file: f, problem: (error as Error).message });
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

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
        found = preloaded.get(f) ?? {
          config: {},
          dir,
          file: f,
          problem: `${name} is not read inside ESLint: the plugin reads JS configs in the folder ESLint runs from and its parents only (they load asynchronously, at plugin import); use migralint.config.json or .migralintrc.json here.`,
        };
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
