/**
 * The page's state lives in the URL hash; its form is shared with everything that links to the page
 * (src/playground-link.ts). What is left here is the page's own: the table-sizes field.
 */
export { decodeState, encodeState, PG_VERSIONS, type PlaygroundState } from '../src/playground-link.js';

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
