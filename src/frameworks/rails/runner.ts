import path from 'node:path';
import { isAlias, isMap, isScalar, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { FileSystem } from '../../fs.js';
import type { RunnerSettings } from '../../types.js';
import type { DeployedBaseline } from '../types.js';
import { asRunner, fromUrl, merged, parsedOnce, SESSION_SETTINGS, type FoundSetting } from '../session-settings.js';

/**
 * The session settings Rails sets on every connection, as config/database.yml says for the environment migrations
 * run in (`production`, its `primary` database in a multi-database file; `default` when there is no production):
 * `variables:` (ActiveRecord runs `SET SESSION name TO value` on each new connection, so a RESET undoes it), and a
 * `url:` with `options=-c lock_timeout=…` (a connection option). Keys merged in with `<<: *default` count.
 */
export function railsRunnerSettings(migration: string, fs: FileSystem): RunnerSettings {
  // db/migrate/<file>.rb (or db/<name>_migrate/): the application root is two folders up.
  const root = path.dirname(path.dirname(path.dirname(path.resolve(migration))));
  const file = path.join(root, 'config', 'database.yml');
  const text = fs.readFile(file);
  const yml = text === undefined ? {} : parsedOnce(fs, 'rails', file, text, () => fromDatabaseYml(file, text, fs));
  const initializer = path.join(root, 'config', 'initializers', 'strong_migrations.rb');
  const rb = fs.readFile(initializer);
  const strong = rb === undefined ? {} : parsedOnce(fs, 'rails-strong-migrations', initializer, rb, () => fromStrongMigrations(initializer, rb, fs));
  // strong_migrations runs its SET after the connection's own variables, so its value is the one in force.
  return merged(strong, yml);
}

/**
 * config/initializers/strong_migrations.rb `StrongMigrations.start_after = 20230825182405` ("mark existing migrations as
 * safe", which the gem's installer writes): strong_migrations checks only the migrations after that version.
 */
export function railsStartAfter(migration: string, fs: FileSystem): DeployedBaseline | undefined {
  if (!/(^|[\\/])db[\\/]([a-z_]+_)?migrate[\\/][^\\/]+\.rb$/i.test(migration)) return undefined;
  const root = path.dirname(path.dirname(path.dirname(path.resolve(migration))));
  const initializer = path.join(root, 'config', 'initializers', 'strong_migrations.rb');
  const rb = fs.readFile(initializer);
  if (rb === undefined) return undefined;
  const m = /^[ \t]*StrongMigrations\.start_after[ \t]*=[ \t]*(\d[\d_]*)[ \t]*(?:#.*)?$/m.exec(rb);
  if (!m) return undefined;
  return { baseline: m[1]!.replace(/_/g, ''), file: initializer, line: rb.slice(0, m.index).split('\n').length, setting: 'StrongMigrations.start_after' };
}

/** PostgreSQL's unit for each ActiveSupport duration method (`10.seconds`, `1.minute`, `2.hours`). */
const DURATION_UNITS: Record<string, string> = { second: 's', seconds: 's', minute: 'min', minutes: 'min', hour: 'h', hours: 'h' };

/**
 * config/initializers/strong_migrations.rb: `StrongMigrations.lock_timeout = 10.seconds` (and statement_timeout), which
 * the gem's installer writes. Before a migration's first schema call (add_column, execute …) strong_migrations runs
 * `SET lock_timeout TO '10000ms'` on the migration's connection, for every migration (`start_after` and
 * `safety_assured` only skip its checks, not the timeouts). A number is seconds, a string is passed as written.
 */
function fromStrongMigrations(file: string, text: string, fs: FileSystem): RunnerSettings {
  const found: FoundSetting[] = [];
  const re =
    /^[ \t]*StrongMigrations\.(lock_timeout|statement_timeout)[ \t]*=[ \t]*(?:(\d+(?:\.\d+)?)(?:\.(seconds?|minutes?|hours?))?|"([^"\\]*)"|'([^'\\]*)')[ \t]*(?:#.*)?$/gm;
  for (const m of text.matchAll(re)) {
    const [, name, number, unit, double, single] = m;
    const value = number !== undefined ? `${number}${DURATION_UNITS[unit ?? 'seconds']}` : (double ?? single)!;
    found.push({ name: name as FoundSetting['name'], value, offset: m.index, how: `StrongMigrations.${name}`, option: false });
  }
  return asRunner(file, text, found, fs);
}

/** A key of a mapping, or of a mapping merged into it (`<<: *default`), with its node (for the line). */
function lookup(doc: Document, node: unknown, key: string, depth = 0): YamlNode | undefined {
  if (isAlias(node)) node = node.resolve(doc);
  if (!isMap(node) || depth > 5) return undefined;
  const own = node.get(key, true) as YamlNode | undefined;
  if (own !== undefined) return own;
  for (const pair of node.items) {
    const k = isScalar(pair.key) ? pair.key.value : pair.key;
    if (k !== '<<' && String(k) !== 'Symbol(<<)') continue;
    const value = pair.value as unknown;
    const sources = isAlias(value) || isMap(value) ? [value] : ((value as { items?: unknown[] } | null)?.items ?? []);
    for (const s of sources) {
      const hit = lookup(doc, s, key, depth + 1);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

function fromDatabaseYml(file: string, text: string, fs: FileSystem): RunnerSettings {
  let doc: Document;
  try {
    doc = parseDocument(text, { merge: true, prettyErrors: false, uniqueKeys: false });
  } catch {
    return {};
  }
  if (doc.errors.length) return {};
  let env: unknown = lookup(doc, doc.contents, 'production');
  const primary = lookup(doc, env, 'primary');
  if (isMap(primary)) env = primary;
  if (!isMap(env) && !isAlias(env)) env = lookup(doc, doc.contents, 'default');
  if (!isMap(env) && !isAlias(env)) return {};
  const found: FoundSetting[] = [];
  const variables = lookup(doc, env, 'variables');
  for (const name of SESSION_SETTINGS) {
    const v = lookup(doc, variables, name);
    if (isScalar(v) && v.value !== null && v.value !== undefined && String(v.value) !== ':default') {
      found.push({ name, value: String(v.value), offset: v.range?.[0] ?? 0, how: `variables: ${name}`, option: false });
    }
  }
  const url = lookup(doc, env, 'url');
  if (isScalar(url) && typeof url.value === 'string') {
    for (const f of fromUrl(url.value)) found.push({ ...f, offset: url.range?.[0] ?? 0, how: `url: options=-c ${f.name}`, option: true });
  }
  return asRunner(file, text, found, fs);
}
