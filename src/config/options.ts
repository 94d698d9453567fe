import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Catalog, type StatsSnapshot } from '../catalog/catalog.js';
import { DEFAULT_SETTINGS, type LintOptions } from '../engine/lint.js';
import type { LintSettings } from '../engine/rule.js';
import { knownFrameworks } from '../sources/index.js';
import type { FrameworkId, SeverityName } from '../types.js';
import type { Config } from './schema.js';
import { resolveHere } from '../paths.js';

/** A glob (`**`, `*`, `?`, `{a,b}`) as a RegExp over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[' && glob.indexOf(']', i + 2) > i) {
      // A character class: [0-9], [!a-z] (negated as in globs).
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += body.startsWith('!') ? `[^/${body.slice(1)}]` : `[${body}]`;
      i = end;
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((p) => p.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else re += /[.+^$()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${re}$`);
}

/** The framework config `frameworks` (glob → id) names for a file, globs relative to the config's directory. */
export function frameworkFromConfig(config: Config, dir: string, filePath: string): FrameworkId | undefined {
  if (!config.frameworks) return undefined;
  const rel = path.relative(dir, resolveHere(filePath)).split(path.sep).join('/');
  const known = new Set<string>(knownFrameworks());
  for (const [glob, id] of Object.entries(config.frameworks)) {
    if (globToRegExp(glob).test(rel) && known.has(id)) return id as FrameworkId;
  }
  return undefined;
}

/** Config → the lint settings (PostgreSQL version, size threshold, framework options …). */
export function settingsFromConfig(config: Config): LintSettings {
  return {
    ...DEFAULT_SETTINGS,
    ...(config.pgVersion !== undefined ? { pgVersion: config.pgVersion } : {}),
    ...(config.largeTableRows !== undefined ? { largeTableRows: config.largeTableRows } : {}),
    ...(config.lockTimeoutMax !== undefined ? { lockTimeoutValue: config.lockTimeoutMax, lockTimeoutMax: config.lockTimeoutMax } : {}),
    ...(config.lockTimeout || config.statementTimeout
      ? {
          runner: {
            ...(config.lockTimeout ? { lock_timeout: { value: config.lockTimeout.value, where: 'config lockTimeout' } } : {}),
            ...(config.statementTimeout ? { statement_timeout: { value: config.statementTimeout.value, where: 'config statementTimeout' } } : {}),
          },
        }
      : {}),
    assumeInTransaction: config.assumeInTransaction,
    ...(config.preset !== undefined ? { preset: config.preset } : {}),
    frameworkOptions: config.frameworkOptions,
  };
}

/** Config `rules` → rule id → severity. */
export function severitiesFromConfig(config: Config): Record<string, SeverityName> {
  const severities: Record<string, SeverityName> = {};
  for (const [id, setting] of Object.entries(config.rules ?? {})) severities[id] = (Array.isArray(setting) ? setting[0] : setting) as SeverityName;
  return severities;
}

/**
 * Config → the options of lintSource for one file. Synchronous (the stats snapshot is read with readFileSync),
 * so the ESLint plugin uses it; the CLI uses the same pieces and reads sizes from a database too.
 */
export function lintOptionsFromConfig(config: Config, dir: string, filePath: string): LintOptions {
  const catalog = new Catalog();
  if (config.stats) {
    const statsPath = path.resolve(dir, config.stats);
    try {
      catalog.addSnapshot(JSON.parse(readFileSync(statsPath, 'utf8')) as StatsSnapshot, `stats snapshot ${config.stats}`);
    } catch {
      // An unreadable snapshot leaves sizes unknown; the CLI reports it as a config error.
    }
  }
  catalog.addConfig(config.tables, config.largeTables);
  return {
    framework: frameworkFromConfig(config, dir, filePath),
    settings: settingsFromConfig(config),
    severities: severitiesFromConfig(config),
    catalog,
  };
}
