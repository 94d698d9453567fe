import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FileResult, Finding } from '../types.js';
import type { ReportContext as BaseContext } from './types.js';

/** What the CI formatters read of the report context (they never colour). */
export type ReportContext = Pick<BaseContext, 'cwd' | 'rules'> & { version?: string };

export { ruleDocsUrl } from '../docs-url.js';

/** A report path: relative to cwd with forward slashes when the file is under it, else absolute. */
export function reportPath(filePath: string, cwd: string): string {
  const abs = path.resolve(cwd, filePath);
  const rel = path.relative(cwd, abs);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
  return shown.split(path.sep).join('/');
}

/** Findings of a result in report order: by position, then rule. */
export function sortedFindings(result: FileResult): Finding[] {
  return [...result.findings].sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column || a.ruleId.localeCompare(b.ruleId));
}

/** The message with the finding's help on the next line, when there is one. */
export function fullMessage(f: Finding): string {
  return f.help ? `${f.message}\n${f.help}` : f.message;
}

/**
 * Stable fingerprints for one file's findings: file, rule, the flagged text (whitespace folded) and which
 * occurrence of that same text it is — no line numbers, so adding lines above a finding keeps its fingerprint.
 */
export function fingerprinter(file: string, source: string | undefined): (ruleId: string, span?: { start: number; end: number }) => string {
  const seen = new Map<string, number>();
  return (ruleId, span) => {
    const flagged = span && source ? source.slice(span.start, span.end) : '';
    const key = `${file}\0${ruleId}\0${flagged.replace(/\s+/g, ' ').trim()}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
  };
}
