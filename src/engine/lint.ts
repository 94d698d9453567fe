import { analyzeUnit } from '../analysis/analyze.js';
import { lockLabel } from '../analysis/locks.js';
import { Catalog, displayName } from '../catalog/catalog.js';
import { adapterFor, detectFramework, unrecognised } from '../sources/index.js';
import { parseUnit } from '../sql/statements.js';
import { LineIndex } from '../sql/text.js';
import type { Edit, FileResult, Finding, FrameworkId, SeverityName, SourceFile } from '../types.js';
import { applyEdits } from './apply.js';
import { ENGINE_RULE_IDS, RULES_BY_ID } from '../../rules/index.js';
import { Fixer } from './fixer.js';
import type { LintSettings, Report, Rule, RuleContext } from './rule.js';
import { applySuppressions } from './suppress.js';

export interface LintOptions {
  /** Forced framework (CLI --framework or config `frameworks`); detected when absent. */
  framework?: FrameworkId;
  settings: LintSettings;
  /** Rule id → severity from config and --rule; rules not named use their default. */
  severities?: Record<string, SeverityName>;
  catalog?: Catalog;
  /** Reads files next to a migration that tell how it runs (Alembic's env.py …); adapters fall back to disk. */
  readFile?: (path: string) => string | undefined;
  /** The host file's AST when the caller already parsed it (the ESLint plugin); adapters parse otherwise. */
  hostAst?: unknown;
}

/**
 * A migration tool's layout: a numbered folder per migration holding up.sql / down.sql (Diesel, refinery …) or
 * migration.sql (Prisma). Linted as plain psql, the file's real runner is only guessed.
 */
const RUNNER_LAYOUT = /(?:^|[\\/])\d[^\\/]*[\\/](?:up|down|migration)\.sql$/i;

export const DEFAULT_SETTINGS: LintSettings = { pgVersion: 15, largeTableRows: 10_000, lockTimeoutValue: '2s' };

/** Options whose file reads first see the writes pending from fixes (see fixToFixedPoint). */
export function withPending(options: LintOptions, readPending: (path: string) => string | undefined): LintOptions {
  return { ...options, readFile: (p) => readPending(p) ?? options.readFile?.(p) };
}

export function severityOf(rule: Pick<Rule, 'meta'>, severities: Record<string, SeverityName> | undefined): SeverityName {
  return severities?.[rule.meta.id] ?? rule.meta.defaultSeverity;
}

function format(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => (data && key in data ? String(data[key]) : `{{${key}}}`));
}

/**
 * The whole pipeline for one file: extract → parse → analyze → rules → suppress. Pure: reads nothing from disk.
 */
export function lintSource(file: SourceFile, options: LintOptions): FileResult {
  const settings = options.settings;
  const catalog = options.catalog ?? Catalog.empty();
  const lines = new LineIndex(file.text);
  const notMigration = options.framework ? null : unrecognised(file.path, file.text);
  if (notMigration) {
    const span = { start: 0, end: 0 };
    return { filePath: file.path, findings: [{ ruleId: 'unsupported-framework-construct', severity: 'warn', message: notMigration, span, loc: lines.loc(span) }], source: file.text };
  }
  const framework = options.framework ?? detectFramework(file.path, file.text);
  const adapter = adapterFor(framework);
  const warnings: string[] = [];
  const unit = adapter.extract(file, { settings, warn: (m) => warnings.push(m), readFile: options.readFile, hostAst: options.hostAst });
  if (!options.framework && framework === 'psql' && RUNNER_LAYOUT.test(file.path)) {
    unit.runnerUnknown = `${file.path.split(/[\\/]/).pop()} is laid out like a migration tool's file but no tool was recognised (it is linted as plain psql); set \`frameworks\` in the config`;
  }
  const parsed = parseUnit(unit, lines);
  const statements = analyzeUnit(unit, parsed.statements, catalog, settings);
  const fixer = new Fixer(unit, statements, adapter);
  const findings: Finding[] = [];
  const engineSeverity = (id: string, fallback: Exclude<SeverityName, 'off'>): SeverityName => options.severities?.[id] ?? fallback;

  for (const failure of parsed.failures) {
    const sev = engineSeverity('parse-error', 'error');
    if (sev !== 'off') findings.push({ ruleId: 'parse-error', severity: sev, message: `Could not parse: ${failure.message}`, span: failure.span, loc: failure.loc });
  }
  for (const note of unit.notes) {
    const sev = engineSeverity(note.ruleId, note.severity ?? 'info');
    if (sev !== 'off') findings.push({ ruleId: note.ruleId, severity: sev, message: note.message, span: note.span, loc: lines.loc(note.span) });
  }
  for (const message of warnings) {
    findings.push({ ruleId: 'framework-config', severity: 'warn', message, span: { start: 0, end: 0 }, loc: lines.loc({ start: 0, end: 0 }) });
  }

  for (const rule of Object.values(RULES_BY_ID)) {
    const severity = severityOf(rule, options.severities);
    if (severity === 'off') continue;
    const ctx: RuleContext = {
      unit,
      framework,
      adapter,
      statements,
      settings,
      catalog,
      fixer,
      report: (r: Report) => {
        const finding = toFinding(rule, severity, r, lines);
        if (finding) findings.push(finding);
      },
    };
    rule.check(ctx);
  }

  // A fix or suggestion whose text would not parse (host language or SQL) is never offered, so no caller — the CLI,
  // the ESLint plugin, the JSON report — can write it or count it as fixable.
  const parseable = (edits: Edit[]): boolean => {
    const text = applyEdits(file.text, edits);
    return text !== null && syntaxErrorsOf({ ...file, text }, framework, options) <= syntaxErrors;
  };
  const syntaxErrors = parsed.failures.length + unit.notes.filter((n) => n.ruleId === 'parse-error').length;
  for (const f of findings) {
    if (f.fix && f.fix.edits.length && !parseable(f.fix.edits)) {
      f.help = `${f.help ? `${f.help} ` : ''}(A fix was withheld: the fixed file would not parse.)`;
      f.fix = undefined;
    }
    if (f.suggestions?.length) f.suggestions = f.suggestions.filter((x) => !x.edits.length || parseable(x.edits));
  }

  const kept = applySuppressions(findings, unit.directives, lines, new Set([...Object.keys(RULES_BY_ID), ...ENGINE_RULE_IDS]), (id) => engineSeverity(id, 'warn'));
  kept.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  // syntaxErrors is counted from the parsers' own output, before severities and suppressions: the parse guard.
  return { filePath: file.path, framework, assumption: unit.assumption, findings: kept, source: file.text, syntaxErrors };
}

/**
 * How many syntax errors the parsers find in a file (the host language's, from extraction, and PostgreSQL's):
 * the extract and parse stages alone, independent of rules, severities and suppressions.
 */
export function syntaxErrorsOf(file: SourceFile, framework: FrameworkId, options: LintOptions): number {
  const adapter = adapterFor(framework);
  const unit = adapter.extract(file, { settings: options.settings, warn: () => {}, readFile: options.readFile });
  const parsed = parseUnit(unit);
  return parsed.failures.length + unit.notes.filter((n) => n.ruleId === 'parse-error').length;
}

function toFinding(rule: Rule, configured: Exclude<SeverityName, 'off'>, r: Report, lines: LineIndex): Finding | null {
  const table = r.table;
  let severity = configured;
  if (rule.meta.sizeAware && table) {
    if (table.sizeClass === 'new' || table.sizeClass === 'small') return null;
    if (table.sizeClass === 'large') severity = 'error';
  }
  const template = rule.meta.messages[r.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} has no message '${r.messageId}'`);
  const span = r.span ?? r.statement?.span;
  if (!span) throw new Error(`rule ${rule.meta.id} reported without a location`);
  const lock = r.statement?.facts.mainLock;
  // Fix safety is declared where each fix is made: `fix` is safe (plain --fix applies it), `suggestions` are not,
  // a display-only fix is words in `help`. The rule's meta only summarises the best kind it offers, so a safe fix
  // from a rule that declares none is a bug in the rule, not something to demote silently.
  const fix = r.fix ?? undefined;
  const suggestions = r.suggestions;
  if (fix && rule.meta.fix !== 'safe') throw new Error(`rule ${rule.meta.id} offers a safe fix but declares fix: '${rule.meta.fix}'`);
  return {
    ruleId: rule.meta.id,
    severity,
    message: format(template, r.data),
    span,
    loc: lines.loc(span),
    statementIndex: r.statement?.index,
    fix: fix && (fix.edits.length > 0 || fix.files?.length) ? fix : undefined,
    suggestions: suggestions?.filter((s) => s.edits.length > 0 || s.files?.length),
    help: r.help,
    data: {
      ...(lock ? { lock: { mode: lockLabel(lock.mode), relation: displayName(lock.relation), blocks: lock.blocks } } : {}),
      ...(table ? { table: { name: displayName(table), rows: table.rows, bytes: table.bytes, sizeClass: table.sizeClass } } : {}),
    },
  };
}
