import { conflicts, lockLabel } from '../analysis/locks.js';
import { displayName } from '../catalog/catalog.js';
import type { AnalyzedStatement, EscapePlan, LockMode, TableInfo } from '../types.js';
import type { Report } from './rule.js';

export function formatRows(rows: number): string {
  if (rows >= 1e9) return `${(rows / 1e9).toFixed(1)}B rows`;
  if (rows >= 1e6) return `${(rows / 1e6).toFixed(1)}M rows`;
  if (rows >= 1e4) return `${(rows / 1e3).toFixed(1)}k rows`;
  return `${rows} row${rows === 1 ? '' : 's'}`;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/** "page_views (48.0M rows, 9.1 GB)", "orders (new in this migration)", or just the name when size is unknown. */
export function tableLabel(t: TableInfo): string {
  const name = displayName(t);
  const parts: string[] = [];
  if (t.emptiedBy !== undefined) parts.push(`no rows after the TRUNCATE on line ${t.emptiedBy}`);
  else if (t.rows !== undefined) parts.push(formatRows(t.rows));
  if (t.bytes !== undefined) parts.push(formatBytes(t.bytes));
  if (parts.length === 0 && t.sizeClass === 'large') parts.push('large');
  return parts.length ? `${name} (${parts.join(', ')})` : name;
}

/** What a lock does to the application's traffic, in words: reads and writes first, schema changes after. */
export function trafficBlocked(mode: LockMode): string {
  if (conflicts(mode, 'AccessShareLock')) return 'every SELECT, INSERT, UPDATE and DELETE waits';
  if (conflicts(mode, 'RowExclusiveLock')) return 'INSERT, UPDATE and DELETE wait';
  if (conflicts(mode, 'ShareUpdateExclusiveLock')) return 'reads and writes go on; VACUUM, ANALYZE and other schema changes wait';
  return 'only conflicting schema changes wait';
}

/** The statement's main lock in words: { lock: 'SHARE', blocks: 'INSERT, UPDATE and DELETE wait' }. */
export function lockWords(stmt: AnalyzedStatement): { lock: string; blocks: string } {
  const lock = stmt.facts.mainLock;
  if (!lock) return { lock: 'no', blocks: 'nothing waits' };
  return { lock: lockLabel(lock.mode), blocks: trafficBlocked(lock.mode) };
}

export const SIZE_HINT = 'Table size unknown: give migralint --stats, --database-url or config `tables` to judge it.';

/** Turns an escape plan into the fix / suggestion / help of a report. */
export function planToReport(plan: EscapePlan): Pick<Report, 'fix' | 'suggestions' | 'help'> {
  if (plan.kind === 'manual') return { help: plan.help };
  const fix = { description: plan.description, edits: plan.edits, ...(plan.files?.length ? { files: plan.files } : {}) };
  return plan.kind === 'fix' ? { fix } : { suggestions: [fix] };
}

/** help text joined with the size hint when the table's size is unknown. */
export function withSizeHint(help: string | undefined, table: TableInfo | undefined): string | undefined {
  if (table?.sizeClass !== 'unknown') return help;
  // A database or snapshot was read and has no such table: say so, rather than ask for one.
  const hint = table.notFoundIn ? `Table ${table.name} was not found in the ${table.notFoundIn}; treated as unknown or new.` : SIZE_HINT;
  return help ? `${help} ${hint}` : hint;
}

/** Names as a list in a message: "", "a", "a and b", "a, b and c". */
export function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
