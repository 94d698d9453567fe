/**
 * The playground's state and its form in the URL hash, shared by the page (playground/) and by everything that
 * links to it (rule pages, `migralint explain`, the review comment):
 *   #framework=<id>&pg=<n>&preset=<name>&rules=<id:severity,…>&sql=<base64url of the text>&tables=<base64url of JSON>
 *   &large=<a,b>&partitioned=<a,b>
 * A link reproduces exactly what was seen. Plain functions, no Node or DOM APIs beyond TextEncoder and btoa.
 */
import { PLAYGROUND_URL } from './docs-url.js';
import type { DocExample, RuleMeta } from './engine/rule.js';
import { PRESETS } from './engine/presets.js';
import type { PresetName } from './types.js';

export type PlaygroundSeverity = 'off' | 'info' | 'warn' | 'error';

export interface PlaygroundState {
  framework: string;
  pgVersion: number;
  text: string;
  /** "table" or "schema.table" → rows. */
  tables: Record<string, number>;
  largeTables: string[];
  /** Tables known to be partitioned. */
  partitioned: string[];
  preset: PresetName;
  /** Rule id → severity, over the preset (as config `rules`). */
  rules: Record<string, PlaygroundSeverity>;
}

export const PG_VERSIONS = [11, 12, 13, 14, 15, 16, 17, 18];
const SEVERITIES: readonly PlaygroundSeverity[] = ['off', 'info', 'warn', 'error'];

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string | undefined {
  try {
    const b64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** The hash for a state; parts equal to the page's defaults (recommended preset, no rule overrides) are left out. */
export function encodeState(state: PlaygroundState): string {
  const params = new URLSearchParams();
  params.set('framework', state.framework);
  params.set('pg', String(state.pgVersion));
  if (state.preset !== 'recommended') params.set('preset', state.preset);
  const rules = Object.entries(state.rules);
  if (rules.length) params.set('rules', rules.map(([id, sev]) => `${id}:${sev}`).join(','));
  params.set('sql', toBase64Url(state.text));
  if (Object.keys(state.tables).length) params.set('tables', toBase64Url(JSON.stringify(state.tables)));
  if (state.largeTables.length) params.set('large', state.largeTables.join(','));
  if (state.partitioned.length) params.set('partitioned', state.partitioned.join(','));
  return `#${params.toString()}`;
}

/** Reads what the hash gives; missing or unreadable parts are left to the defaults. */
export function decodeState(hash: string, defaults: PlaygroundState): PlaygroundState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state = { ...defaults };
  const framework = params.get('framework');
  if (framework) state.framework = framework;
  const pg = Number(params.get('pg'));
  if (PG_VERSIONS.includes(pg)) state.pgVersion = pg;
  const preset = params.get('preset');
  if (preset && (PRESETS as readonly string[]).includes(preset)) state.preset = preset as PresetName;
  const rules = params.get('rules');
  if (rules !== null) {
    state.rules = {};
    for (const part of rules.split(',')) {
      const [id, sev] = part.split(':');
      if (id && sev && (SEVERITIES as readonly string[]).includes(sev)) state.rules[id] = sev as PlaygroundSeverity;
    }
  }
  const sql = params.get('sql');
  const text = sql === null ? undefined : fromBase64Url(sql);
  if (text !== undefined) state.text = text;
  const tables = params.get('tables');
  const tablesJson = tables === null ? undefined : fromBase64Url(tables);
  if (tablesJson !== undefined) {
    try {
      const parsed = JSON.parse(tablesJson) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        state.tables = Object.fromEntries(
          Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] >= 0),
        );
      }
    } catch {
      // A link whose table sizes are not JSON keeps the defaults.
    }
  }
  const large = params.get('large');
  if (large !== null)
    state.largeTables = large
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const partitioned = params.get('partitioned');
  if (partitioned !== null)
    state.partitioned = partitioned
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return state;
}

/**
 * The playground state that shows a rule's doc example: its text, the framework it is linted as, its server
 * version and table sizes, and the rule switched on when no preset holds it by default.
 */
export function exampleState(meta: Pick<RuleMeta, 'id' | 'defaultSeverity'>, ex: DocExample, framework: string): PlaygroundState {
  const tables = Object.fromEntries(Object.entries(ex.tables ?? {}).flatMap(([name, t]) => (t.rows !== undefined ? [[name, t.rows] as const] : [])));
  const largeTables = Object.entries(ex.tables ?? {}).flatMap(([name, t]) => (t.rows === undefined && t.bytes !== undefined ? [name] : []));
  return {
    framework,
    pgVersion: ex.pgVersion ?? 15,
    text: ex.code,
    tables,
    largeTables,
    partitioned: Object.entries(ex.tables ?? {}).flatMap(([name, t]) => (t.partitioned ? [name] : [])),
    preset: ex.preset ?? 'all',
    rules: meta.defaultSeverity === 'off' ? { [meta.id]: 'warn' } : {},
  };
}

/** The address of the published playground showing `state`. */
export function playgroundUrl(state: PlaygroundState, base = PLAYGROUND_URL): string {
  return `${base}${encodeState(state)}`;
}
