import { createHash } from 'node:crypto';
import path from 'node:path';
import { compareRuleIds } from '../rule-order.js';
import type { FileResult, Finding, SkippedFile } from '../types.js';
import type { ReportContext as BaseContext } from './types.js';

/** What the CI formatters read of the report context (they never colour). */
export type ReportContext = Pick<BaseContext, 'cwd' | 'rules'> & { version?: string; skipped?: BaseContext['skipped']; trace?: BaseContext['trace'] };

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
  return [...result.findings].sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column || compareRuleIds(a.ruleId, b.ruleId));
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

/** Coverage of one framework in a run: files linted, statements read and not read, files skipped. */
export interface CoverageRow {
  /** The framework id, or null for skipped files no framework claimed. */
  framework: string | null;
  files: number;
  statements: number;
  unreadable: number;
  parseErrors: number;
}

/** What a run read, per framework (in order of files linted), and the files a walk skipped by reason. */
export function coverageSummary(results: FileResult[], skipped: SkippedFile[] = []): { rows: CoverageRow[]; skipped: Record<SkippedFile['reason'], number> } {
  const rows = new Map<string, CoverageRow>();
  for (const r of results) {
    if (r.fatal || !r.coverage) continue;
    const key = r.framework ?? 'psql';
    const row = rows.get(key) ?? { framework: key, files: 0, statements: 0, unreadable: 0, parseErrors: 0 };
    row.files++;
    row.statements += r.coverage.statements;
    row.unreadable += r.coverage.unreadable;
    row.parseErrors += r.syntaxErrors ?? 0;
    rows.set(key, row);
  }
  const bySkip = { 'outside-migrations': 0, 'not-a-migration': 0, 'other-database': 0 };
  for (const s of skipped) bySkip[s.reason]++;
  return { rows: [...rows.values()].sort((a, b) => b.files - a.files || String(a.framework).localeCompare(String(b.framework))), skipped: bySkip };
}

/** Share of statements read statically, as "99.2%" (100% when nothing was unreadable). */
export function readShare(row: Pick<CoverageRow, 'statements' | 'unreadable'>): string {
  const total = row.statements + row.unreadable;
  if (total === 0 || row.unreadable === 0) return '100%';
  return `${Math.min(99.9, Math.floor((1000 * row.statements) / total) / 10)}%`;
}

/** One line per framework and one for skipped files, in words: the coverage a human reads. */
export function coverageLines(results: FileResult[], skipped: SkippedFile[] | undefined, name: (framework: string) => string): string[] {
  const { rows, skipped: bySkip } = coverageSummary(results, skipped);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const out = rows.map((r) => {
    const parts = [`${plural(r.files, 'file')}, ${plural(r.statements, 'statement')} read`];
    if (r.unreadable) parts.push(`${r.unreadable} not statically readable (${readShare(r)} read)`);
    if (r.parseErrors) parts.push(`${plural(r.parseErrors, 'parse error')}`);
    return `${name(r.framework ?? 'psql')}: ${parts.join(', ')}`;
  });
  const skips: string[] = [];
  if (bySkip['outside-migrations']) skips.push(`${bySkip['outside-migrations']} .sql outside migration folders`);
  if (bySkip['not-a-migration']) skips.push(`${bySkip['not-a-migration']} not migrations in migration folders`);
  if (bySkip['other-database']) skips.push(`${bySkip['other-database']} for other databases`);
  if (skips.length) out.push(`skipped: ${skips.join(', ')}`);
  return out;
}
