import type { FileResult } from '../types.js';
import { reportPath, sortedFindings, type ReportContext } from './common.js';

/** One line per finding: `file:line:col: severity rule message` (for grep, editors' quickfix lists, CI logs). */
export function format(results: FileResult[], ctx: ReportContext): string {
  const lines: string[] = [];
  for (const result of results) {
    const file = reportPath(result.filePath, ctx.cwd);
    if (result.fatal) lines.push(`${file}:1:1: error fatal ${oneLine(result.fatal)}`);
    for (const f of sortedFindings(result)) {
      lines.push(`${file}:${f.loc.line}:${f.loc.column}: ${f.severity} ${f.ruleId} ${oneLine(f.message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ');
}
