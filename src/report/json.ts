import type { Edit, FileResult, Finding, Fix } from '../types.js';
import type { ReportContext } from './types.js';

/** ESLint's fix shape is one replacement: several edits become one range with the text between them kept. */
export function toEslintFix(fix: Fix, source: string): { range: [number, number]; text: string } {
  const edits = [...fix.edits].sort((a, b) => a.start - b.start);
  const first = edits[0]!;
  const last = edits.reduce((m: Edit, e) => (e.end > m.end ? e : m), first);
  let text = '';
  let at = first.start;
  for (const e of edits) {
    text += source.slice(at, e.start) + e.text;
    at = e.end;
  }
  return { range: [first.start, last.end], text };
}

export const SEVERITY_NUMBER = { info: 0, warn: 1, error: 2 } as const;

export function counts(findings: Finding[]) {
  let errorCount = 0;
  let warningCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  for (const f of findings) {
    if (f.severity === 'error') {
      errorCount++;
      if (f.fix?.edits.length) fixableErrorCount++;
    } else if (f.severity === 'warn') {
      warningCount++;
      if (f.fix?.edits.length) fixableWarningCount++;
    }
  }
  return { errorCount, warningCount, fixableErrorCount, fixableWarningCount };
}

/**
 * ESLint's JSON result format, plus migralint's `framework` on each result and `data.lock` / `data.table` on each
 * message. Severity 0 is migralint's `info` (not counted as a warning or error).
 */
export function format(results: FileResult[], ctx?: ReportContext): string {
  // Files a walk left out follow the linted ones: no messages, and `skipped` says why.
  const skipped = (ctx?.skipped ?? []).map((s) => ({
    filePath: s.filePath,
    framework: null,
    skipped: s.reason,
    messages: [],
    errorCount: 0,
    fatalErrorCount: 0,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
  }));
  return JSON.stringify(
    [
      ...results.map((r) => {
        const source = r.source ?? '';
        const messages = r.fatal
          ? [{ ruleId: null, fatal: true, severity: 2, message: r.fatal, line: 0, column: 0 }]
          : r.findings.map((f) => ({
              ruleId: f.ruleId,
              severity: SEVERITY_NUMBER[f.severity],
              message: f.message,
              line: f.loc.line,
              column: f.loc.column,
              endLine: f.loc.endLine,
              endColumn: f.loc.endColumn,
              // ESLint's shape edits this file only: a fix that just writes another file is left to --fix.
              ...(f.fix?.edits.length ? { fix: toEslintFix(f.fix, source) } : {}),
              ...(f.suggestions?.some((s) => s.edits.length)
                ? { suggestions: f.suggestions.filter((s) => s.edits.length).map((s) => ({ desc: s.description, fix: toEslintFix(s, source) })) }
                : {}),
              ...(f.help ? { help: f.help } : {}),
              ...(f.data && (f.data.lock || f.data.table) ? { data: f.data } : {}),
            }));
        const c = counts(r.findings);
        return {
          filePath: r.filePath,
          framework: r.framework ?? null,
          messages,
          errorCount: c.errorCount + (r.fatal ? 1 : 0),
          fatalErrorCount: r.fatal ? 1 : 0,
          warningCount: c.warningCount,
          fixableErrorCount: c.fixableErrorCount,
          fixableWarningCount: c.fixableWarningCount,
          ...(r.coverage ? { coverage: { statements: r.coverage.statements, unreadable: r.coverage.unreadable, parseErrors: r.syntaxErrors ?? 0 } } : {}),
        };
      }),
      ...skipped,
    ],
    null,
    2,
  );
}
