import { scanLineDirectives } from '../engine/directives.js';
import type { AnalyzedStatement, ExecutionContext, FrameworkId, MigrationUnit, SourceFile, SqlChunk } from '../types.js';
import type { ExtractContext } from './adapter.js';

/** Pieces the adapters of the SQL-file frameworks (src/frameworks/<id>/adapter.ts) share. */

/** A chunk that is the slice [start, end) of the file, verbatim. */
export function slice(file: SourceFile, start: number, end: number, exec: ExecutionContext): SqlChunk {
  return { kind: 'sql', text: file.text.slice(start, end), segments: [{ chunkStart: 0, fileStart: start, length: end - start, verbatim: true }], exec };
}

export function unit(file: SourceFile, framework: FrameworkId, items: SqlChunk[], assumption?: string): MigrationUnit {
  return { file, framework, items, directives: scanLineDirectives(file.text, '--'), notes: [], assumption };
}

/** A frameworkOptions value for this framework, checked against the allowed values (warns and falls back when not). */
export function option<T>(ctx: ExtractContext, framework: FrameworkId, key: string, allowed: (v: unknown) => v is T, describe: string): T | undefined {
  const value = ctx.settings.frameworkOptions?.[framework]?.[key];
  if (value === undefined) return undefined;
  if (allowed(value)) return value;
  ctx.warn(`frameworkOptions.${framework}.${key} must be ${describe}, not ${JSON.stringify(value)}; using the default.`);
  return undefined;
}

export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

/** Lines with their offsets; `end` excludes the line break, `next` is the start of the next line. */
export interface Line {
  text: string;
  start: number;
  end: number;
  next: number;
}

export function lines(text: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push({ text: text.slice(at, m.index), start: at, end: m.index, next: m.index + m[0].length });
    at = m.index + m[0].length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), start: at, end: text.length, next: text.length });
  return out;
}

export function inItem(stmt: AnalyzedStatement, statements: AnalyzedStatement[]): AnalyzedStatement[] {
  return statements.filter((s) => s.itemIndex === stmt.itemIndex);
}

/** Statements that lose nothing when they run outside a transaction: settings and other must-run-alone commands. */
export function harmlessOutside(s: AnalyzedStatement): boolean {
  return s.kind === 'VariableSetStmt' || s.facts.nonTransactional;
}

export const OWN_MIGRATION = 'Put this statement alone in a migration of its own';
