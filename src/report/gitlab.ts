import type { FileResult, Finding } from '../types.js';
import { fingerprinter, fullMessage, reportPath, sortedFindings, type ReportContext } from './common.js';

/** One issue of a GitLab Code Quality report (the Code Climate subset GitLab reads). */
export interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  content?: { body: string };
  categories: string[];
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

const SEVERITY: Record<Finding['severity'], CodeQualityIssue['severity']> = { error: 'major', warn: 'minor', info: 'info' };

/**
 * GitLab Code Quality report (a JSON array, uploaded as `artifacts:reports:codequality`).
 * Fingerprints do not depend on line numbers: file, rule, the flagged text (whitespace folded) and which
 * occurrence of that same text it is. A finding keeps its fingerprint when lines are added above it, so GitLab's
 * merge-request widget shows it as unchanged rather than fixed-and-new.
 */
export function format(results: FileResult[], ctx: ReportContext): string {
  const issues: CodeQualityIssue[] = [];
  for (const result of results) {
    const file = reportPath(result.filePath, ctx.cwd);
    const fingerprint = fingerprinter(file, result.source);
    if (result.fatal) {
      issues.push({
        type: 'issue',
        check_name: 'migralint/fatal',
        description: result.fatal,
        categories: ['Bug Risk'],
        severity: 'critical',
        fingerprint: fingerprint('fatal'),
        location: { path: file, lines: { begin: 1, end: 1 } },
      });
    }
    for (const f of sortedFindings(result)) {
      issues.push({
        type: 'issue',
        check_name: f.ruleId,
        description: f.message,
        ...(f.help ? { content: { body: fullMessage(f) } } : {}),
        categories: ['Bug Risk'],
        severity: SEVERITY[f.severity],
        fingerprint: fingerprint(f.ruleId, f.span),
        location: { path: file, lines: { begin: f.loc.line, end: f.loc.endLine } },
      });
    }
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}
