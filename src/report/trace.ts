/**
 * The reports of `migralint trace`. Stylish: per migration a timeline, statements down and tables across, each cell
 * the lock mode PostgreSQL granted and how long it was held. JSON: one record per statement (file, line,
 * observed.locks[] { relation, mode, heldMs }, rewrite, durationMs, error, status).
 */
import { createColors } from 'picocolors';
import { lockLabel } from '../analysis/locks.js';
import type { LockMode } from '../types.js';
import type { FixProof, TraceReport, TracedStatement } from '../trace/trace.js';

export const TRACE_ISSUES_URL = 'https://github.com/migralint/migralint/issues/new';

const MARK: Record<TracedStatement['status'], string> = {
  confirmed: '✓',
  mismatch: '≠',
  'trace-only': '+',
  failed: '✗',
  'rolled-back': '↺',
};

/** A duration as the trace reports show it: 4.2ms, 121ms, 1.9s. */
export const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}s` : `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`);

/** The statement's first line, shortened. */
function head(sql: string, width: number): string {
  const line = sql
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('--'))
    .join(' ')
    .replace(/\s+/g, ' ');
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

export function formatTrace(report: TraceReport, options: { format: 'stylish' | 'json'; color: boolean }): string {
  if (options.format === 'json') return `${JSON.stringify(jsonRecords(report), null, 2)}\n`;
  return stylish(report, options.color);
}

function jsonRecords(report: TraceReport): unknown[] {
  const out: unknown[] = [];
  for (const p of report.projects) {
    for (const f of p.files) {
      if (f.status === 'not-traced' || f.status === 'not-run') {
        out.push({
          file: f.file,
          line: null,
          framework: f.framework,
          observed: { locks: [] },
          rewrite: false,
          durationMs: null,
          error: null,
          status: f.status,
          reason: f.reason,
        });
        continue;
      }
      for (const s of f.statements) {
        out.push({
          file: s.file,
          line: s.line,
          framework: f.framework,
          sql: s.sql,
          transaction: s.transaction,
          ...(s.txId !== undefined ? { txId: s.txId } : {}),
          observed: { locks: s.observed.locks.map((l) => ({ relation: l.relation, mode: l.mode, heldMs: l.heldMs, heldUntil: l.until, kind: l.kind })) },
          expected: { locks: s.expected.locks },
          rewrite: s.rewrite,
          rewritten: s.rewritten,
          durationMs: s.durationMs,
          error: s.error ?? null,
          status: s.status,
        });
      }
    }
  }
  return out;
}

function stylish(report: TraceReport, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [c.dim(`Traced on ${report.server}`), ''];
  let failed = 0;
  let mismatches = 0;
  let statements = 0;
  let notTraced = 0;
  for (const p of report.projects) {
    out.push(c.bold(`${p.framework} project ${p.root || '.'}`));
    if (p.standIns.length) {
      out.push(c.dim(`  stand-in tables (acted on, never created by the history; pass --schema with a schema dump for the real ones):`));
      for (const s of p.standIns) out.push(c.dim(`    ${s}`));
    }
    for (const f of p.files) {
      const state =
        f.status === 'applied'
          ? c.green('applied')
          : f.status === 'failed'
            ? c.red(c.bold('FAILED'))
            : f.status === 'rolled-back'
              ? c.yellow('rolled back')
              : c.yellow(f.status === 'not-traced' ? 'not traced' : 'not run');
      out.push('');
      out.push(`  ${c.underline(f.file)}  ${state}${f.status === 'applied' || f.status === 'failed' ? c.dim(` ${ms(f.durationMs)}`) : ''}`);
      if (f.transaction && f.statements.length) out.push(c.dim(`  ${f.transaction}`));
      if (f.status === 'not-traced') {
        notTraced++;
        out.push(`  ${c.yellow('not traced:')} ${f.reason}`);
        continue;
      }
      if (f.status === 'not-run') continue;
      if (f.status === 'rolled-back') out.push(`  ${c.yellow(f.reason ?? '')}`);
      // Tables across: every table or partitioned table a statement of the file locked.
      const tables: string[] = [];
      for (const s of f.statements) {
        for (const t of s.stillHeld) if (!tables.includes(t)) tables.push(t);
        for (const l of s.observed.locks) if ((l.kind === 'r' || l.kind === 'p') && !tables.includes(l.relation)) tables.push(l.relation);
      }
      const cell = (s: TracedStatement, t: string) => {
        const l = s.observed.locks.find((x) => x.relation === t);
        return l ? `${lockLabel(l.mode)} ${ms(l.heldMs)}` : s.stillHeld.includes(t) ? '│' : '·';
      };
      const widths = tables.map((t) => Math.max(t.length, ...f.statements.map((s) => cell(s, t).length)));
      const lineW = Math.max(4, ...f.statements.map((s) => String(s.line).length));
      const stmtW = 44;
      const header = `  ${'line'.padStart(lineW)}  ${'statement'.padEnd(stmtW)} ${'took'.padStart(7)}  ${tables.map((t, i) => t.padEnd(widths[i]!)).join('  ')}`;
      out.push(c.dim(header.trimEnd()));
      for (const s of f.statements) {
        statements++;
        const cells = tables.map((t, i) => {
          const text = cell(s, t).padEnd(widths[i]!);
          const l = s.observed.locks.find((x) => x.relation === t);
          if (!l && s.stillHeld.includes(t)) return c.yellow(text);
          return l && (l.mode === 'AccessExclusiveLock' || l.mode === 'ExclusiveLock' || l.mode === 'ShareRowExclusiveLock' || l.mode === 'ShareLock')
            ? c.red(text)
            : l
              ? c.yellow(text)
              : c.dim(text);
        });
        const mark =
          s.status === 'confirmed'
            ? c.green(MARK[s.status])
            : s.status === 'failed' || s.status === 'mismatch'
              ? c.red(MARK[s.status])
              : c.yellow(MARK[s.status]);
        const extra = [s.rewrite ? c.red(`rewrote ${s.rewritten.join(', ')}`) : '', s.transaction === 'none' ? c.dim('no transaction') : '']
          .filter(Boolean)
          .join(c.dim(', '));
        out.push(
          `${mark} ${String(s.line).padStart(lineW)}  ${head(s.sql, stmtW).padEnd(stmtW)} ${ms(s.durationMs).padStart(7)}  ${cells.join('  ')}${extra ? `  ${extra}` : ''}`.trimEnd(),
        );
        if (s.error) {
          failed++;
          const where = s.error.line !== undefined ? `line ${s.error.line}${s.error.column !== undefined ? `:${s.error.column}` : ''}` : '';
          out.push(
            `  ${' '.repeat(lineW)}  ${c.red(`ERROR${s.error.code ? ` ${s.error.code}` : ''}: ${s.error.message}`)}${where ? c.dim(` (${f.file} ${where})`) : ''}`,
          );
          if (s.error.detail) out.push(`  ${' '.repeat(lineW)}  ${c.dim(`DETAIL: ${s.error.detail}`)}`);
          if (s.error.hint) out.push(`  ${' '.repeat(lineW)}  ${c.dim(`HINT: ${s.error.hint}`)}`);
        }
        if (s.status === 'mismatch') {
          mismatches++;
          const show = (locks: Array<{ relation: string; mode: LockMode }>) =>
            locks.length ? locks.map((l) => `${lockLabel(l.mode)} on ${l.relation}`).join(', ') : 'no lock';
          const tableLocks = s.observed.locks.filter((l) => l.kind === 'r' || l.kind === 'p');
          out.push(`  ${' '.repeat(lineW)}  ${c.red('mismatch:')} migralint claims ${show(s.expected.locks)}; PostgreSQL took ${show(tableLocks)}`);
          out.push(
            `  ${' '.repeat(lineW)}  ${c.dim(`This is a migralint bug: please report it at ${TRACE_ISSUES_URL} with this statement and the --format json record.`)}`,
          );
        }
      }
    }
    out.push('');
  }
  out.push(
    c.dim(
      `${MARK.confirmed} confirmed (the locks migralint claims)  ${MARK.mismatch} mismatch  ${MARK['trace-only']} trace-only (no static claim)  ${MARK.failed} failed  ${MARK['rolled-back']} rolled back`,
    ),
  );
  const summary = `${statements} statement${statements === 1 ? '' : 's'} traced, ${failed} failed, ${mismatches} mismatch${mismatches === 1 ? '' : 'es'}${notTraced ? `, ${notTraced} file${notTraced === 1 ? '' : 's'} not traced` : ''}`;
  out.push(failed || mismatches ? c.red(c.bold(summary)) : c.green(summary));
  return `${out.join('\n')}\n`;
}

/** `trace --fix`: per project, whether the fixed history is proven. */
export function formatFixProofs(proofs: FixProof[], color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  for (const p of proofs) {
    out.push(
      c.bold(`${p.framework} project ${p.root || '.'}`) + c.dim(`: ${p.fixedFiles.length} file${p.fixedFiles.length === 1 ? '' : 's'} changed by --fix`),
    );
    for (const f of p.fixedFiles) out.push(c.dim(`  fixed ${f}`));
    out.push(`  original: ${p.original.applied} of ${p.original.files} migrations apply; fixed: ${p.fixed.applied} of ${p.fixed.files}`);
    for (const r of p.repaired) out.push(`  ${c.green('repaired')} ${r}`);
    const check = (ok: boolean, text: string) => `  ${ok ? c.green('✓') : c.red('✗')} ${text}`;
    out.push(check(p.broken.length === 0, 'every migration that applied before still applies'));
    for (const b of p.broken) out.push(`      ${c.red(b)}`);
    out.push(check(p.schemaDiff.length === 0, 'the final catalogs are identical'));
    for (const d of p.schemaDiff) out.push(`      ${c.red(d)}`);
    out.push(check(p.strongerLocks.length === 0, 'no fixed migration holds a stronger lock than the original'));
    for (const l of p.strongerLocks) out.push(`      ${c.red(l)}`);
    out.push('');
  }
  const proven = proofs.filter((p) => p.proven).length;
  const summary = `${proven} of ${proofs.length} project${proofs.length === 1 ? '' : 's'}: fixes proven`;
  out.push(proven === proofs.length ? c.green(summary) : c.red(c.bold(summary)));
  if (proven < proofs.length) out.push(c.dim(`A fix that is not proven is a migralint bug: please report it at ${TRACE_ISSUES_URL} with this output.`));
  return `${out.join('\n')}\n`;
}
