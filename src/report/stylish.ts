import path from 'node:path';
import { createColors } from 'picocolors';
import { applyEdits } from '../engine/apply.js';
import { ADAPTERS } from '../sources/index.js';
import { LineIndex } from '../sql/text.js';
import type { FileResult, Finding, Fix, FrameworkId } from '../types.js';
import { coverageLines } from './common.js';
import type { ReportContext } from './types.js';

type Colors = ReturnType<typeof createColors>;

/** The widest excerpt line shown: a long line (generated SQL on one line) is cut to a window around the finding. */
const MAX_EXCERPT = 160;

function clip(text: string, from: number, to: number): { text: string; from: number; to: number } {
  if (text.length <= MAX_EXCERPT) return { text, from, to };
  const start = Math.max(0, Math.min(from - 20, text.length - MAX_EXCERPT));
  const end = Math.min(text.length, start + MAX_EXCERPT);
  const head = start > 0 ? '…' : '';
  const at = (i: number) => Math.max(0, Math.min(i, end) - start) + head.length;
  return { text: `${head}${text.slice(start, end)}${end < text.length ? '…' : ''}`, from: at(from), to: at(to) };
}

function snippet(f: Finding, lines: LineIndex, c: Colors): string[] {
  const out: string[] = [];
  const last = Math.min(f.loc.endLine, f.loc.line + 3);
  const width = String(last).length;
  for (let n = f.loc.line; n <= last; n++) {
    const full = lines.text.slice(lines.lineStart(n), lines.lineEnd(n)).replace(/\t/g, ' ');
    const { text, from, to } = clip(full, n === f.loc.line ? f.loc.column - 1 : full.search(/\S|$/), n === f.loc.endLine ? f.loc.endColumn - 1 : full.length);
    out.push(`    ${c.dim(`${String(n).padStart(width)} |`)} ${text}`);
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
  const after = applyEdits(
    before,
    fix.edits.map((e) => ({ start: e.start - from, end: e.end - from, text: e.text })),
  );
  if (after === null) return out;
  const col = start - from;
  for (const l of before.split(/\r?\n/)) out.push(`      ${c.red(`- ${clip(l, col, col).text}`)}`);
  for (const l of after.split(/\r?\n/)) out.push(`      ${c.green(`+ ${clip(l, col, col).text}`)}`);
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
    const framework =
      adapter && r.framework !== 'psql'
        ? ` ${c.dim(`(${adapter.name}${r.assumption ? `: ${r.assumption}` : ''})`)}`
        : r.assumption
          ? ` ${c.dim(`(${r.assumption})`)}`
          : '';
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
  // What was read, per framework, and what a walk skipped: whether migralint understood the project.
  for (const line of coverageLines(results, ctx.skipped, (id) => ADAPTERS[id as FrameworkId]?.name ?? id)) out.push(c.dim(`  ${line}`));
  return `${out.join('\n')}\n`;
}
