import path from 'node:path';
import { isAlias, isMap, isScalar, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { FileSystem } from '../../fs.js';
import type { RunnerSettings } from '../../types.js';
import { asRunner, fromUrl, parsedOnce, SESSION_SETTINGS, type FoundSetting } from '../session-settings.js';

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
  if (text === undefined) return {};
  return parsedOnce(fs, 'rails', file, text, () => fromDatabaseYml(file, text));
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

function fromDatabaseYml(file: string, text: string): RunnerSettings {
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
  return asRunner(file, text, found);
}
