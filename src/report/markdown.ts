import path from 'node:path';
import { LOCK_MODES, lockLabel } from '../analysis/locks.js';
import { formatBytes, formatRows } from '../engine/describe.js';
import { adapterFor } from '../sources/index.js';
import type { FileResult, Finding, FrameworkId, LockMode } from '../types.js';
import { RULES_BY_ID } from '../../rules/index.js';
import { ruleExampleLink } from '../example-link.js';
import type { TracedFile } from '../trace/trace.js';
import { lockPicture, strength, type ObservedCell, type PictureCell, type PictureColumn, type PictureRow, type Strength } from './lock-picture.js';
import { coverageLines, reportPath, ruleDocsUrl, sortedFindings, type ReportContext } from './common.js';
import { ms, TRACE_ISSUES_URL } from './trace.js';

/**
 * A review comment for a pull request (GitHub) or merge request (GitLab): a verdict, then per migration its
 * framework and transaction model, a table of findings, and a lock picture (statements in order against the
 * tables they touch, each cell the lock mode, marked by what it blocks), a footer with how to reproduce.
 * Plain GitHub/GitLab-flavoured markdown: tables, emoji, <details>. It stays under the comment size limit by
 * summarising whole sections, never by cutting one.
 */
export const MARKDOWN_LIMIT = 65_536;
/** Room left for what a poster adds around the report (a hidden marker, a heading). */
const BUDGET = MARKDOWN_LIMIT - 1_536;

/** Findings that mean the migration fails when it runs, not that it blocks. */
const FAILS_AT_DEPLOY = new Set([
  'parse-error',
  'ban-concurrent-index-creation-in-transaction',
  'ban-non-transactional-statement-in-transaction',
  'transaction-nesting',
  'ban-uncommitted-transaction',
  'adding-required-field',
]);

const MARK: Record<Strength, string> = { reads: '🟥', writes: '🟧', weak: '🟩', new: '⬜' };

const TRACE_LEGEND = `Traced: ✓ the lock migralint claims, as PostgreSQL granted it · ≠ not the lock claimed (a migralint bug) · held: from the statement's start to its end, or, in a transaction, to the COMMIT or ROLLBACK that released it, on the trace's server (its tables are empty unless --seed-rows: compare the times with each other) · ↺ rolled back by a later failure · 💥 where the deploy fails`;

const LEGEND = `${MARK.reads} blocks reads and writes (ACCESS EXCLUSIVE) · ${MARK.writes} blocks writes (SHARE-class) · ${MARK.weak} blocks only schema changes and VACUUM · ${MARK.new} a table new in this migration (empty: nobody waits) · 🔒 held until the transaction commits`;

/** Text safe inside a table cell: no pipes or line breaks, HTML-significant characters escaped. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `<code>${cell(text)}</code>`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a migration will do, worst first, for the verdict. */
interface Outcome {
  failsAtDeploy: boolean;
  blocksLarge: 'reads' | 'writes' | undefined;
  blocksUnknown: boolean;
}

function outcome(result: FileResult): Outcome {
  let failsAtDeploy = !!result.fatal;
  let blocksLarge: Outcome['blocksLarge'];
  let blocksUnknown = false;
  for (const f of result.findings) {
    if (f.severity !== 'error') continue;
    if (FAILS_AT_DEPLOY.has(f.ruleId)) failsAtDeploy = true;
    const mode = lockModeOf(f);
    if (!mode || !f.data?.table) continue;
    const s = strength(mode);
    if (s === 'weak') continue;
    if (f.data.table.sizeClass === 'large') blocksLarge = blocksLarge === 'reads' || s === 'reads' ? 'reads' : 'writes';
    else if (f.data.table.sizeClass === 'unknown') blocksUnknown = true;
  }
  return { failsAtDeploy, blocksLarge, blocksUnknown };
}

const LABEL_TO_MODE = new Map<string, LockMode>(LOCK_MODES.map((m) => [lockLabel(m), m]));

function lockModeOf(f: Finding): LockMode | undefined {
  return f.data?.lock ? LABEL_TO_MODE.get(f.data.lock.mode) : undefined;
}

function verdict(results: FileResult[]): string {
  const outcomes = results.map(outcome);
  const parts: string[] = [];
  const blockReads = outcomes.filter((o) => o.blocksLarge === 'reads').length;
  const blockWrites = outcomes.filter((o) => o.blocksLarge === 'writes').length;
  const fail = outcomes.filter((o) => o.failsAtDeploy).length;
  const unknown = outcomes.filter((o) => !o.blocksLarge && o.blocksUnknown).length;
  // "2 migrations will block writes …; 1 will fail at deploy": the noun once, on the first part.
  const counted: Array<[number, string]> = [];
  if (blockReads) counted.push([blockReads, 'will block reads and writes on large tables']);
  if (blockWrites) counted.push([blockWrites, 'will block writes on large tables']);
  if (fail) counted.push([fail, 'will fail at deploy']);
  if (unknown) counted.push([unknown, 'may block a table of unknown size']);
  counted.forEach(([n, text], i) => parts.push(i === 0 ? `${plural(n, 'migration')} ${text}` : `${n} ${text}`));
  const errors = results.filter((r) => r.fatal || r.findings.some((f) => f.severity === 'error')).length;
  const warned = results.filter((r) => !r.fatal && !r.findings.some((f) => f.severity === 'error') && r.findings.some((f) => f.severity === 'warn')).length;
  if (!parts.length && errors) parts.push(`${plural(errors, 'migration')} with errors`);
  if (!parts.length && warned) parts.push(`${plural(warned, 'migration')} with warnings only`);
  if (!results.length) return '### ✅ migralint: no migrations to check.';
  if (!parts.length) return `### ✅ migralint: no problems found in ${plural(results.length, 'migration')}.`;
  const icon = errors ? '❌' : '⚠️';
  const sentence = parts.join('; ');
  return `### ${icon} migralint: ${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
}

/** The trace's file for a linted file (same path as the report shows it). */
function traceOf(result: FileResult, ctx: ReportContext): TracedFile | undefined {
  if (!ctx.trace) return undefined;
  const shown = reportPath(result.filePath, ctx.cwd);
  for (const p of ctx.trace.projects) for (const f of p.files) if (reportPath(f.file, ctx.cwd) === shown) return f;
  return undefined;
}

const errorText = (e: { code?: string; message: string }) => `ERROR${e.code ? ` ${e.code}` : ''}: ${e.message}`;

/** Under the verdict: where the trace ran and what it found, in one line. */
function traceSummary(ctx: ReportContext): string[] {
  const report = ctx.trace;
  if (!report) return [];
  const files = report.projects.flatMap((p) => p.files);
  const statements = files.flatMap((f) => f.statements);
  const failed = files.filter((f) => f.status === 'failed');
  const mismatches = statements.filter((s) => s.status === 'mismatch').length;
  const server = report.server.replace(/ \(temporary, [^)]*\)$/, '');
  const parts = [`${plural(statements.length, 'statement')} ran`];
  // Where each failing migration fails, as at deploy: its folder and name, the line, PostgreSQL's error code.
  const where = failed.map((f) => {
    const s = f.statements.find((x) => x.error);
    const short = reportPath(f.file, ctx.cwd).split('/').slice(-2).join('/');
    return `${code(`${short}:${s?.error?.line ?? s?.line ?? ''}`)}${s?.error?.code ? ` ERROR ${s.error.code}` : ''}`;
  });
  if (failed.length) parts.push(`💥 ${plural(failed.length, 'migration')} failed: ${where.join(', ')}`);
  const rolledBack = files.filter((f) => f.status === 'rolled-back').length;
  const notRun = files.filter((f) => f.status === 'not-run').length;
  const notTraced = files.filter((f) => f.status === 'not-traced').length;
  if (rolledBack) parts.push(`${plural(rolledBack, 'migration')} rolled back with a failure`);
  if (notRun) parts.push(`${plural(notRun, 'migration')} not run after a failure`);
  if (notTraced) parts.push(`${plural(notTraced, 'migration')} not traced`);
  parts.push(mismatches ? `**${plural(mismatches, 'mismatch', 'mismatches')}** with the static analysis` : 'every lock as migralint claims');
  return [`**Traced on ${cell(server)}:** ${parts.join(' · ')}.`, ''];
}

/** How the trace ran the file, in one line. */
function traceLine(trace: TracedFile | undefined): string[] {
  if (!trace) return [];
  const failure = trace.statements.find((s) => s.error);
  const text: Record<TracedFile['status'], string> = {
    applied: `✅ applied in ${ms(trace.durationMs)}`,
    failed: `💥 **failed** after ${ms(trace.durationMs)}${failure?.error ? `: line ${failure.error.line ?? failure.line}: ${code(errorText(failure.error))}` : ''}`,
    'rolled-back': `↺ ${cell(trace.reason ?? 'rolled back')}`,
    'not-run': `⏭ not run: ${cell(trace.reason ?? 'after the failed migration')}`,
    'not-traced': `not traced: ${cell(trace.reason ?? '')}`,
  };
  return [`Trace: ${text[trace.status]}`, ''];
}

function frameworkName(result: FileResult): string {
  return !result.framework || result.framework === 'psql' ? 'Plain SQL (psql)' : adapterFor(result.framework).name;
}

/** The framework and how it runs this migration, in one line. */
function transactionLine(result: FileResult): string {
  const reasons = [...new Set((result.statements ?? []).map((s) => s.transaction).filter((r): r is string => !!r))];
  const model = reasons.length ? `runs in a transaction: ${reasons.join('; ')}` : 'runs statement by statement, outside any transaction';
  return `**${frameworkName(result)}** — ${cell(model)}${result.assumption ? ` (assumed: ${cell(result.assumption)})` : ''}`;
}

function rowsOf(f: Finding): string {
  const t = f.data?.table;
  if (!t) return '';
  if (t.sizeClass === 'new') return 'new';
  const parts = [t.rows !== undefined ? formatRows(t.rows).replace(/ rows?$/, '') : undefined, t.bytes !== undefined ? formatBytes(t.bytes) : undefined].filter(
    Boolean,
  );
  return parts.length ? parts.join(', ') : t.sizeClass === 'unknown' ? '?' : t.sizeClass;
}

function fixOf(f: Finding): string {
  if (f.fix) return `✅ \`--fix\`: ${cell(f.fix.description)}`;
  if (f.suggestions?.length) return `💡 suggestion: ${cell(f.suggestions[0]!.description)}`;
  if (f.help) return cell(firstSentence(f.help));
  return '';
}

/** The first sentence of a help text: the rest is on the rule's page and in the CLI's report. */
function firstSentence(text: string): string {
  const m = /^(.{20,}?\.)\s/s.exec(text);
  const first = m ? m[1]! : text;
  return first.length > 200 ? `${first.slice(0, 199).replace(/\s+\S*$/, '')} …` : first;
}

const SEVERITY_ICON: Record<Finding['severity'], string> = { error: '❌', warn: '⚠️', info: 'ℹ️' };

function findingsTable(findings: Finding[]): string[] {
  const out = ['| line | rule | lock and table | rows | fix |', '|---:|---|---|---|---|'];
  for (const f of findings) {
    const lock = f.data?.lock;
    const mode = lockModeOf(f);
    const lockCell = lock ? `${mode ? MARK[strength(mode)] : ''} ${lock.mode} on ${code(lock.relation)}` : '';
    out.push(
      `| ${f.loc.line} | ${SEVERITY_ICON[f.severity]} [${f.ruleId}](${ruleDocsUrl(f.ruleId)})<br>${cell(f.message)} | ${lockCell.trim()} | ${rowsOf(f)} | ${fixOf(f)} |`,
    );
  }
  return out;
}

const MAX_COLUMNS = 8;

const UNTIL: Record<ObservedCell['until'], string> = { statement: "to the statement's end", commit: 'to COMMIT', rollback: 'to ROLLBACK' };

/** What the trace saw in a cell, under the claim. */
function observedText(c: PictureCell, row: PictureRow): string {
  const o = c.observed;
  if (o) {
    const held = `held ${ms(o.heldMs)} ${UNTIL[o.until]}`;
    if (c.mismatch) return `<b>≠ seen ${MARK[o.strength]} ${o.label}</b>, ${held}`;
    if (!c.label) return `+ seen ${MARK[o.strength]} ${o.label}, ${held}`;
    return `✓ ${held}`;
  }
  if (row.observed?.status === 'failed') return '✗ not granted: the statement failed';
  if (c.mismatch) return '<b>≠ no lock seen</b>';
  if (c.stillHeld) return '│ held since an earlier statement';
  return '';
}

/** How the statement ran, for the trace's column. */
function ranText(row: PictureRow): string {
  const o = row.observed;
  if (!o) return '';
  if (o.inQueryOf !== undefined) return `in the query of line ${o.inQueryOf}`;
  const took = o.durationMs !== undefined ? ` ${ms(o.durationMs)}` : '';
  const rewrote = o.rewritten?.length ? `<br>rewrote ${o.rewritten.map(code).join(', ')}` : '';
  switch (o.status) {
    case 'confirmed':
      return `✓${took}${rewrote}`;
    case 'mismatch':
      return `<b>≠</b>${took}${rewrote}`;
    case 'trace-only':
      return `+${took}${rewrote}`;
    case 'failed':
      return `💥 <b>failed</b>${took}`;
    case 'rolled-back':
      return `↺${took}`;
    case 'not-run':
      return '⏭ not run';
    case 'not-traced':
      return 'not traced';
  }
}

/**
 * Statements in order against the relations they lock; each cell the lock mode, marked by what it blocks. With a
 * trace, a column says how each statement ran and each cell what PostgreSQL granted and how long it was held.
 */
function pictureTable(result: FileResult, trace?: TracedFile): string[] | undefined {
  const picture = lockPicture(result, MAX_COLUMNS, trace);
  if (!picture) return undefined;
  const traced = picture.rows.some((r) => r.observed);
  const heading = (c: PictureColumn) => `${code(c.relation)}${c.kind ? ` (${c.kind})` : ''}${c.isNew ? ' ✨new' : ''}`;
  const head = ['line', 'statement', ...(traced ? ['ran'] : []), ...picture.columns.map(heading), ...(picture.hasOthers ? ['other relations'] : [])];
  const fixed = traced ? 3 : 2;
  const out = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---:' : i < fixed ? '---' : ':---:')).join('|')}|`];
  const claim = (c: PictureCell) => (c.label ? `${MARK[c.strength]} ${c.label}${c.held ? ' 🔒' : ''}` : '');
  const mark = (c: PictureCell, r: PictureRow) => {
    const seen = traced ? observedText(c, r) : '';
    return [claim(c), seen ? `<sub>${seen}</sub>` : ''].filter(Boolean).join('<br>');
  };
  for (const r of picture.rows) {
    const flag = r.severity ? `**${r.line}** ${SEVERITY_ICON[r.severity]}` : String(r.line);
    const rest = r.others.map((o) => `${claim(o)} ${code(o.relation)}`);
    const error = r.observed?.error ? `<br>💥 <b>${cell(errorText(r.observed.error))}</b>` : '';
    const row = [
      flag,
      `${code(r.head)}${error}`,
      ...(traced ? [ranText(r)] : []),
      ...r.cells.map((c) => (c ? mark(c, r) : '')),
      ...(picture.hasOthers ? [rest.join('<br>')] : []),
    ];
    out.push(`| ${row.join(' | ')} |`);
  }
  return out;
}

type Detail = 'full' | 'no-picture' | 'summary';

function fileSection(result: FileResult, ctx: ReportContext, detail: Detail): string[] {
  const file = reportPath(result.filePath, ctx.cwd);
  const findings = sortedFindings(result);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const icon = result.fatal || errors ? '❌' : findings.some((f) => f.severity === 'warn') ? '⚠️' : findings.length ? 'ℹ️' : '✅';
  const out = [`#### ${icon} \`${file}\``, ''];
  if (result.fatal) return [...out, `Could not be linted: ${cell(result.fatal)}`, ''];
  out.push(transactionLine(result), '');
  const trace = traceOf(result, ctx);
  out.push(...traceLine(trace));
  const counts = `${plural(errors, 'error')}, ${plural(findings.filter((f) => f.severity === 'warn').length, 'warning')}`;
  if (detail === 'summary')
    return [...out, `${counts}; rules: ${[...new Set(findings.map((f) => `[${f.ruleId}](${ruleDocsUrl(f.ruleId)})`))].join(', ') || 'none'}.`, ''];
  // The picture first: what the migration locks, statement by statement; then what to do about it.
  const picture = detail === 'full' ? pictureTable(result, trace) : undefined;
  if (picture) {
    const n = picture.length - 2;
    const open = (errors > 0 || trace?.status === 'failed') && n <= 15 ? ' open' : '';
    const what = trace && trace.status !== 'not-run' && trace.status !== 'not-traced' ? ' — claimed, and seen on PostgreSQL' : '';
    const legend = trace ? `${LEGEND}<br>${TRACE_LEGEND}` : LEGEND;
    out.push(
      `<details${open}><summary>Lock picture: ${plural(n, 'statement')} that lock something${what}</summary>`,
      '',
      ...picture,
      '',
      `<sub>${legend}</sub>`,
      '',
      '</details>',
      '',
    );
  }
  if (findings.length) {
    const table = findingsTable(findings);
    // A long list of findings folds.
    if (findings.length > 6) out.push(`<details><summary>${counts}</summary>`, '', ...table, '', '</details>', '');
    else out.push(...table, '');
  } else out.push('No findings.', '');
  return out;
}

function commonDir(paths: string[]): string {
  if (!paths.length) return '.';
  const split = paths.map((p) => path.posix.dirname(p).split('/'));
  const first = split[0]!;
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join('/') || '.';
}

function footer(results: FileResult[], ctx: ReportContext): string {
  const all = results.flatMap((r) => r.findings);
  const errors = all.filter((f) => f.severity === 'error').length + results.filter((r) => r.fatal).length;
  const warnings = all.filter((f) => f.severity === 'warn').length;
  const fixable = all.filter((f) => f.fix).length;
  const files = results.map((r) => reportPath(r.filePath, ctx.cwd));
  const target = files.length <= 3 ? files.join(' ') : commonDir(files);
  const version = ctx.version ? `migralint ${ctx.version}` : 'migralint';
  const mismatches = ctx.trace?.projects.some((p) => p.files.some((f) => f.statements.some((s) => s.status === 'mismatch')));
  const report = mismatches
    ? `<br>\n<sub>A mismatch between the claimed and the seen lock is a migralint bug: please report it at ${TRACE_ISSUES_URL} with the statement and its \`migralint trace --format json\` record.</sub>`
    : '';
  const reproduce = ctx.trace ? `\`npx migralint trace ${target} --format markdown\`` : `\`npx migralint ${target}\` (\`--fix-dry-run\` shows the fixes)`;
  // Coverage: what was read per framework, and what a walk skipped.
  const read = coverageLines(results, ctx.skipped, (id) => adapterFor(id as FrameworkId).name);
  return `<sub>${version} · ${plural(results.length, 'migration')} · ${plural(errors, 'error')} · ${plural(warnings, 'warning')}${fixable ? ` · ${fixable} fixable with \`--fix\`` : ''} · reproduce locally: ${reproduce}</sub>${read.length ? `<br>\n<sub>read: ${read.join(' · ')}</sub>` : ''}${report}`;
}

/** Each rule found, once, with a link to its flagged example in the playground. */
function examples(results: FileResult[]): string[] {
  const ids = [...new Set(results.flatMap((r) => r.findings.map((f) => f.ruleId)))].sort();
  const links = ids.flatMap((id) => {
    const rule = RULES_BY_ID[id];
    const link = rule ? ruleExampleLink(rule.meta) : undefined;
    return link ? [`- [\`${id}\`](${link})`] : [];
  });
  if (!links.length) return [];
  return ['<details><summary>Try these rules in the playground</summary>', '', ...links, '', '</details>', ''];
}

function render(
  results: FileResult[],
  ctx: ReportContext,
  detailOf: (r: FileResult) => Detail,
  listed: FileResult[],
  unlisted: FileResult[],
  withExamples = false,
): string {
  const out = [verdict(results), '', ...traceSummary(ctx)];
  for (const r of listed) out.push(...fileSection(r, ctx, detailOf(r)));
  if (unlisted.length) {
    out.push(
      `<details><summary>${plural(unlisted.length, 'more migration')} (summarised to fit the comment)</summary>`,
      '',
      '| migration | errors | warnings |',
      '|---|---:|---:|',
    );
    for (const r of unlisted)
      out.push(
        `| ${code(reportPath(r.filePath, ctx.cwd))} | ${r.findings.filter((f) => f.severity === 'error').length + (r.fatal ? 1 : 0)} | ${r.findings.filter((f) => f.severity === 'warn').length} |`,
      );
    out.push('', '</details>', '');
  }
  if (withExamples) out.push(...examples(results));
  out.push('---', footer(results, ctx), '');
  return out.join('\n');
}

export function format(results: FileResult[], ctx: ReportContext): string {
  // Files with findings first (errors before warnings), clean ones after; each keeps its path order within.
  const rank = (r: FileResult) => (r.fatal || r.findings.some((f) => f.severity === 'error') ? 0 : r.findings.length ? 1 : 2);
  const ordered = [...results].sort((a, b) => rank(a) - rank(b));
  const withFindings = ordered.filter((r) => rank(r) < 2);
  const clean = ordered.filter((r) => rank(r) === 2);
  // Clean migrations are listed in full only when few; otherwise in the summary table.
  const listedClean = clean.length <= 5 ? clean : [];
  const cleanUnlisted = clean.length <= 5 ? [] : clean;
  const attempts: Array<() => string> = [
    () => render(results, ctx, () => 'full', [...withFindings, ...listedClean], cleanUnlisted, true),
    () => render(results, ctx, (r) => (rank(r) === 0 ? 'full' : 'no-picture'), [...withFindings, ...listedClean], cleanUnlisted),
    () => render(results, ctx, (r) => (rank(r) === 0 ? 'no-picture' : 'summary'), withFindings, clean),
    () => render(results, ctx, () => 'summary', withFindings, clean),
  ];
  for (const attempt of attempts) {
    const text = attempt();
    if (text.length <= BUDGET) return text;
  }
  // Still too long: as many migrations in summary as fit, the rest in the table (whole rows only).
  let listed = withFindings.length;
  while (listed > 0) {
    listed = Math.floor(listed / 2);
    const text = render(results, ctx, () => 'summary', withFindings.slice(0, listed), [...withFindings.slice(listed), ...clean]);
    if (text.length <= BUDGET) return text;
  }
  // Only the table: drop whole rows from its end, saying how many.
  const table = [...withFindings, ...clean];
  let keep = table.length;
  for (;;) {
    keep = Math.floor(keep * 0.8);
    const text = render(results, ctx, () => 'summary', [], table.slice(0, keep));
    const note = `\n<sub>${plural(table.length - keep, 'more migration')} not shown: run migralint locally for the full report.</sub>\n`;
    if (text.length + note.length <= BUDGET || keep === 0) return text + note;
  }
}
