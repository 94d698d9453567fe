import type { FileResult, Finding } from '../types.js';
import { fullMessage, reportPath, sortedFindings, type ReportContext } from './common.js';

/**
 * GitHub Actions workflow commands: one `::error|warning|notice file=…::message` per finding, shown as
 * annotations on the pull request's diff.
 */
export function format(results: FileResult[], ctx: ReportContext): string {
  const out: string[] = [];
  for (const result of results) {
    const file = reportPath(result.filePath, ctx.cwd);
    if (result.fatal) out.push(command('error', { file, title: 'migralint' }, result.fatal));
    for (const f of sortedFindings(result)) out.push(annotation(file, f));
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

const LEVEL: Record<Finding['severity'], string> = { error: 'error', warn: 'warning', info: 'notice' };

function annotation(file: string, f: Finding): string {
  const { line, column, endLine, endColumn } = f.loc;
  // Our end column is exclusive; GitHub's is the last column of the annotation.
  const lastColumn = Math.max(column, endColumn - 1);
  return command(
    LEVEL[f.severity],
    { file, line, col: column, endLine, endColumn: endLine === line ? lastColumn : endColumn, title: `migralint(${f.ruleId})` },
    fullMessage(f),
  );
}

/** `::name key=value,…::message`, escaped as the Actions runner unescapes them. */
export function command(name: string, props: Record<string, string | number>, message: string): string {
  const p = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name} ${p}::${escapeData(message)}`;
}

/** Message text: `%`, CR and LF are percent-encoded. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally encode `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
