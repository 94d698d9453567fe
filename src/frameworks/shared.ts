import path from 'node:path';
import { eolOf } from '../engine/fixer.js';
import type { Edit } from '../types.js';
import type { DetectInput } from './types.js';

/** Pieces several framework modules use. */

/** A SQL file (as detection has always judged it: on the path as given). */
export const isSql = (f: DetectInput): boolean => /\.sql$/i.test(f.path);

/** A Python file. */
export const isPython = (f: DetectInput): boolean => /\.py$/i.test(f.path);

/** A JS/TS file. */
export const isJs = (f: DetectInput): boolean => /\.(c|m)?(j|t)sx?$/i.test(f.path);

/** Files named by their folder (Diesel's up.sql, Prisma's and Drizzle v1's migration.sql). */
export function folderNamed(file: string): boolean {
  return /^(up|migration)\.sql$/.test(path.basename(file));
}

/** The folder a migration's history lives in: its own, or the one above for folder-named files. */
export function historyRoot(file: string): string {
  return folderNamed(file) ? path.dirname(path.dirname(file)) : path.dirname(file);
}

/** The version a name leads with (dates with dashes as one number); none → undefined. */
export function leadingVersion(name: string): bigint[] | undefined {
  const m = /^(\d[\d-]*)/.exec(name);
  if (!m) return undefined;
  const digits = m[1]!.replace(/-/g, '');
  return digits ? [BigInt(digits)] : undefined;
}

/** The folder above `dir` (up to `levels` parents) holding `file`. */
export function ancestorHas(f: DetectInput, file: string, levels: number): boolean {
  let d = f.dir;
  for (let i = 0; i <= levels; i++) {
    if (f.fs.exists(path.join(d, file))) return true;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return false;
}

/** The default ordering for SQL-file tools whose version leads the file name. */
export const VERSION_ORDER = 'by the version (number or timestamp) that leads the file name';

/**
 * `execute "<sql>"` on a line of its own before the line `at` is on, at its indentation: Rails' and Ecto's call,
 * whose double-quoted literal is written alike in Ruby and Elixir (`\\`, `"` and the `#{` of interpolation
 * escaped). Null when other code stands before `at` on its line.
 */
export function executeLineBefore(src: string, at: number, sql: string): Edit[] | null {
  const lineStart = src.lastIndexOf('\n', at - 1) + 1;
  const indent = src.slice(lineStart, at);
  if (!/^[ \t]*$/.test(indent)) return null;
  const literal = `"${sql.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/#\{/g, '\\#{')}"`;
  return [{ start: lineStart, end: lineStart, text: `${indent}execute ${literal}${eolOf(src)}` }];
}
