import path from 'node:path';
import { createColors } from 'picocolors';
import { applyEdits } from '../engine/apply.js';
import { ADAPTERS } from '../sources/index.js';
import { LineIndex } from '../sql/text.js';
import type { FileResult, Finding, Fix } from '../types.js';
import type { ReportContext } from './types.js';

type Colors = ReturnType<typeof createColors>;

function snippet(f: Finding, lines: LineIndex, c: Colors): string[] {
  const out: string[] = [];
  const last = Math.min(f.loc.endLine, f.loc.line + 3);
  const width = String(last).length;
  for (let n = f.loc.line; n <= last; n++) {
    const text = lines.text.slice(lines.lineStart(n), lines.lineEnd(n)).replace(/\t/g, ' ');
    out.push(`    ${c.dim(`${String(n).padStart(width)} |`)} ${text}`);
    const from = n === f.loc.line ? f.loc.column - 1 : text.search(/\S|$/);
    const to = n === f.loc.endLine ? f.loc.endColumn - 1 : text.length;
    if (to > from) out.push(`    ${c.dim(`${' '.repeat(width)} |`)} ${' '.repeat(from)}${c.red('^'.repeat(to - from))}`);
  }
  if (f.loc.endLine > last) out.push(`    ${c.dim(`${' '.repeat(width)} |`)} …`);
  return out;
}

function diff(fix: Fix, lines: LineIndex, c: Colors, cwd: string): string[] {
  const out: string[] = [];
  for (const f of fix.files ?? []) {
    out.push(`      ${c.dim(`writes ${path.isAbsolute(f.path) ? path.relative(cwd, f.path) : f.path}:`)}`);
    for (const l of f.text.replace(/\n$/, '').split(/\r?\n/)) out.push(`      ${c.green(`+ ${l}`)}`);
  }
  if (fix.edits.length === 0) return out;
  const start = Math.min(...fix.edits.map((e) => e.start));
  const end = Math.max(...fix.edits.map((e) => e.end));
  const first = lines.position(start).line;
  const lastLine = lines.position(end).line;
  const from = lines.lineStart(first);
  const to = lines.lineEnd(lastLine);
  const before = lines.text.slice(from, to);
  const after = applyEdits(before, fix.edits.map((e) => ({ start: e.start - from, end: e.end - from, text: e.text })));
  if (after === null) return out;
  for (const l of before.split(/\r?\n/)) out.push(`      ${c.red(`- ${l}`)}`);
  for (const l of after.split(/\r?\n/)) out.push(`      ${c.green(`+ ${l}`)}`);
  return out;
}

/** For people: each finding with the statement underlined, its lock, the help and the fix as a diff. */
export function format(results: FileResult[], ctx: ReportContext): string {
  const c = createColors(ctx.color);
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let fixable = 0;
  for (const r of results) {
    if (!r.fatal && r.findings.length === 0) continue;
    const rel = path.relative(ctx.cwd, r.filePath) || r.filePath;
    const adapter = r.framework ? ADAPTERS[r.framework] : undefined;
    const framework = adapter && r.framework !== 'psql' ? ` ${c.dim(`(${adapter.name}${r.assumption ? `: ${r.assumption}` : ''})`)}` : r.assumption ? ` ${c.dim(`(${r.assumption})`)}` : '';
    out.push(`${c.underline(rel)}${framework}`);
    if (r.fatal) {
      out.push(`  ${c.red('error')}  ${r.fatal}`, '');
      errors++;
      continue;
    }
    const lines = new LineIndex(r.source ?? '');
    for (const f of r.findings) {
      const sev = f.severity === 'error' ? c.red('error') : f.severity === 'warn' ? c.yellow('warning') : c.blue('info');
      out.push(`  ${c.dim(`${f.loc.line}:${f.loc.column}`)}  ${sev}  ${c.bold(f.ruleId)}`);
      out.push(`    ${f.message}`);
      if (r.source !== undefined && f.loc.line > 0) out.push(...snippet(f, lines, c));
      const lock = f.data?.lock;
      if (lock) out.push(`    ${c.cyan('lock')}: ${lock.mode} on ${lock.relation}${lock.blocks.length ? ` — blocks ${lock.blocks.join(', ')}` : ''}`);
      if (f.help) out.push(`    ${c.cyan('help')}: ${f.help}`);
      if (f.fix) {
        out.push(`    ${c.green('fix')} (--fix): ${f.fix.description}`);
        out.push(...diff(f.fix, lines, c, ctx.cwd));
      }
      for (const s of f.suggestions ?? []) {
        out.push(`    ${c.yellow('suggestion')} (--fix-type suggestion): ${s.description}`);
        out.push(...diff(s, lines, c, ctx.cwd));
      }
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warn') warnings++;
      else infos++;
      if (f.fix) fixable++;
    }
    out.push('');
  }
  const total = errors + warnings;
  if (total === 0 && infos === 0) return '';
  const summary = `${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${infos ? `, ${infos} info` : ''})`;
  out.push(errors ? c.red(c.bold(`✖ ${summary}`)) : c.yellow(c.bold(`⚠ ${summary}`)));
  if (fixable) out.push(c.dim(`  ${fixable} fixable with --fix`));
  return `${out.join('\n')}\n`;
}
