/**
 * The playground's whole state, and its form in the URL hash:
 *   #framework=<id>&pg=<n>&sql=<base64url of the text>&tables=<base64url of JSON>&large=<a,b>
 * A shared link reproduces exactly what was seen.
 */
export interface PlaygroundState {
  framework: string;
  pgVersion: number;
  text: string;
  /** "table" or "schema.table" → rows. */
  tables: Record<string, number>;
  largeTables: string[];
}

export const PG_VERSIONS = [11, 12, 13, 14, 15, 16, 17, 18];

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

export function encodeState(state: PlaygroundState): string {
  const params = new URLSearchParams();
  params.set('framework', state.framework);
  params.set('pg', String(state.pgVersion));
  params.set('sql', toBase64Url(state.text));
  if (Object.keys(state.tables).length) params.set('tables', toBase64Url(JSON.stringify(state.tables)));
  if (state.largeTables.length) params.set('large', state.largeTables.join(','));
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
  const sql = params.get('sql');
  const text = sql === null ? undefined : fromBase64Url(sql);
  if (text !== undefined) state.text = text;
  const tables = params.get('tables');
  const tablesJson = tables === null ? undefined : fromBase64Url(tables);
  if (tablesJson !== undefined) {
    try {
      const parsed = JSON.parse(tablesJson) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        state.tables = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] >= 0));
      }
    } catch {
      // A link whose table sizes are not JSON keeps the defaults.
    }
  }
  const large = params.get('large');
  if (large !== null) state.largeTables = large.split(',').map((s) => s.trim()).filter(Boolean);
  return state;
}

/** "orders=48200000, public.docs=2310000" ↔ { orders: 48200000, "public.docs": 2310000 } */
export function parseTableSizes(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(/[,\n]/)) {
    const m = /^\s*([^=\s]+)\s*=\s*([\d_]+)\s*$/.exec(part);
    if (m) out[m[1]!] = Number(m[2]!.replace(/_/g, ''));
  }
  return out;
}

export function formatTableSizes(tables: Record<string, number>): string {
  return Object.entries(tables)
    .map(([name, rows]) => `${name}=${rows}`)
    .join(', ');
}
