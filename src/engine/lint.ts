import { analyzeUnit, rangeVarName } from '../analysis/analyze.js';
import { LOCK_STRENGTH, lockLabel } from '../analysis/locks.js';
import { Catalog, displayName } from '../catalog/catalog.js';
import { NO_FILES, overlay, type FileSystem } from '../fs.js';
import { adapterFor, recognise } from '../sources/index.js';
import { frameworkModule } from '../frameworks/index.js';
import { countFailures, parseUnit } from '../sql/statements.js';
import { LineIndex } from '../sql/text.js';
import { compareRuleIds } from '../rule-order.js';
import type { AnalyzedStatement, Edit, FileResult, Finding, Fix, FrameworkId, SeverityName, SourceFile, StatementSummary } from '../types.js';
import { statementHead } from './ast.js';
import { applyEdits } from './apply.js';
import { ENGINE_RULE_IDS, RULES_BY_ID } from '../../rules/index.js';
import { Fixer } from './fixer.js';
import { presetSeverity, type PresetName } from './presets.js';
import { emptyModel, type SchemaDelta, type SchemaModel } from '../project/model.js';
import { Replay } from '../project/replay.js';
import { silentBySize, type LintSettings, type Report, type Rule, type RuleContext } from './rule.js';
import { applySuppressions } from './suppress.js';

export interface LintOptions {
  /** Forced framework (CLI --framework or config `frameworks`); detected when absent. */
  framework?: FrameworkId;
  settings: LintSettings;
  /** Rule id → severity from config and --rule; rules not named use their default. */
  severities?: Record<string, SeverityName>;
  catalog?: Catalog;
  /**
   * The files next to a migration that tell how it runs (Drizzle's journal, Alembic's env.py, a Flyway .conf …):
   * the only way the pipeline reads a file. The CLI gives the disk, the ESLint plugin the disk under the editor's
   * text, tests an in-memory tree; none when absent.
   */
  fs?: FileSystem;
  /** Files supplied over `fs` (a fix's pending writes, a test's files): they hide the same path in `fs`. */
  readFile?: (path: string) => string | undefined;
  /** The host file's AST when the caller already parsed it (the ESLint plugin); adapters parse otherwise. */
  hostAst?: unknown;
  /** The schema this migration meets, replayed from the migrations before it (src/project/). */
  model?: ModelOptions;
}

export interface ModelOptions {
  /** The catalog as the migrations before this one left it. */
  schema: SchemaModel;
  /** The files of the change being linted: tables they created are new at deploy time. */
  change?: ReadonlySet<string>;
  /** The tool only ever runs this migration on a new database (history.newDatabaseOnly): no lock it takes waits. */
  newDatabaseOnly?: true;
  /** Migrations came before this one: DDL on objects they never created is worth a warning. */
  hasHistory?: boolean;
  /** Problems ordering the history, about this file. */
  notes?: string[];
  /** Receives what this migration changed in the catalog. */
  onDelta?: (delta: SchemaDelta) => void;
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

/** A rule's severity: as configured (config `rules`, --rule), else its severity in the preset. */
export function severityOf(rule: Pick<Rule, 'meta'>, severities: Record<string, SeverityName> | undefined, preset?: PresetName): SeverityName {
  return severities?.[rule.meta.id] ?? presetSeverity(rule.meta, preset);
}

/** Each message template split at its placeholders: text, then a placeholder's name, then text … (built once). */
const templateParts = new Map<string, string[]>();

function format(template: string, data: Record<string, string | number> | undefined): string {
  let parts = templateParts.get(template);
  if (!parts) templateParts.set(template, (parts = template.split(/\{\{\s*(\w+)\s*\}\}/)));
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i]!;
    out += (data && key in data ? String(data[key]) : `{{${key}}}`) + parts[i + 1]!;
  }
  return out;
}

interface ActiveRules {
  /** The rules on, in the order they run, each at its severity. */
  rules: Array<{ rule: Rule; severity: Exclude<SeverityName, 'off'> }>;
  /** Their ids. */
  on: Set<string>;
}

/** activeRules() of each severities object (a run lints every file of a config with one), per preset. */
const activeBySeverities = new WeakMap<object, Map<PresetName | undefined, ActiveRules>>();
const NO_SEVERITIES = {};

/**
 * The rules a lint runs, at their severities (severityOf for each rule): worked out once per severities object and
 * preset, not once per file. The object is read when first seen: severities are not changed in place.
 */
function activeRules(severities: Record<string, SeverityName> | undefined, preset: PresetName | undefined): ActiveRules {
  const key = severities ?? NO_SEVERITIES;
  let byPreset = activeBySeverities.get(key);
  if (!byPreset) activeBySeverities.set(key, (byPreset = new Map()));
  let active = byPreset.get(preset);
  if (!active) {
    active = { rules: [], on: new Set() };
    for (const rule of Object.values(RULES_BY_ID)) {
      const severity = severityOf(rule, severities, preset);
      if (severity === 'off') continue;
      active.rules.push({ rule, severity });
      active.on.add(rule.meta.id);
    }
    byPreset.set(preset, active);
  }
  return active;
}

/** Every rule id a directive may name (built once). */
let knownIds: Set<string> | undefined;

/**
 * The whole pipeline for one file: extract → parse → analyze → rules → suppress. Pure: reads files only through
 * `options.fs`.
 */
export function lintSource(file: SourceFile, options: LintOptions): FileResult {
  const settings = options.settings;
  const catalog = options.catalog ?? Catalog.empty();
  const lines = new LineIndex(file.text);
  const readFile = options.readFile;
  const fs = readFile ? overlay(readFile, options.fs ?? NO_FILES) : (options.fs ?? NO_FILES);
  const recognised = options.framework ? { framework: options.framework } : recognise(file.path, file.text, fs);
  if ('unrecognised' in recognised) {
    const span = { start: 0, end: 0 };
    return {
      filePath: file.path,
      findings: [{ ruleId: 'unsupported-framework-construct', severity: 'warn', message: recognised.unrecognised, span, loc: lines.loc(span) }],
      source: file.text,
    };
  }
  const framework = recognised.framework;
  const adapter = adapterFor(framework);
  const warnings: string[] = [];
  const unit = adapter.extract(file, { settings, warn: (m) => warnings.push(m), fs, hostAst: options.hostAst, state: options.model?.schema.framework });
  if (!options.framework && framework === 'psql' && RUNNER_LAYOUT.test(file.path)) {
    unit.runnerUnknown = `${file.path.split(/[\\/]/).pop()} is laid out like a migration tool's file but no tool was recognised (it is linted as plain psql); set \`frameworks\` in the config`;
  }
  // The chunks that parse without an error, for the parse guard below: a fix's re-extracted file mostly has the same.
  const cleanChunks = new Set<string>();
  const parsed = parseUnit(unit, lines, cleanChunks);
  const replay = new Replay(options.model?.schema ?? emptyModel(), file.path);
  // The session settings the runner makes on every migration connection: found in the project's files (read
  // through `fs`, each file parsed once), config `lockTimeout` / `statementTimeout` winning.
  const found = frameworkModule(framework).runnerSettings?.(file.path, fs);
  const runner = found || settings.runner ? { ...found, ...settings.runner } : undefined;
  const statements = analyzeUnit(unit, parsed.statements, catalog, runner ? { ...settings, runner } : settings, {
    replay,
    change: options.model?.change,
    newDatabaseOnly: options.model?.newDatabaseOnly,
  });
  const delta = replay.delta();
  if (unit.state !== undefined) delta.framework = unit.state;
  options.model?.onDelta?.(delta);
  const fixer = new Fixer(unit, statements, adapter, fs);
  const findings: Finding[] = [];
  /** Findings made info because other rules' findings on the same statements say it (Report.infoWhenOn). */
  const owned = new Map<Finding, { severity: Finding['severity']; rules: string[]; at: number[] }>();
  const engineSeverity = (id: string, fallback: Exclude<SeverityName, 'off'>): SeverityName => options.severities?.[id] ?? fallback;

  for (const failure of parsed.failures) {
    const sev = engineSeverity('parse-error', 'error');
    if (sev !== 'off')
      findings.push({ ruleId: 'parse-error', severity: sev, message: `Could not parse: ${failure.message}`, span: failure.span, loc: failure.loc });
  }
  for (const stmt of statements) {
    if (!stmt.facts.internalError) continue;
    const sev = engineSeverity('internal-error', 'error');
    if (sev !== 'off') {
      const message = `Internal error: ${stmt.facts.internalError}. Lock rules cannot judge this statement; please report it.`;
      findings.push({ ruleId: 'internal-error', severity: sev, message, span: stmt.span, loc: stmt.loc, statementIndex: stmt.index });
    }
  }
  for (const note of [...unit.notes, ...parsed.notes]) {
    const sev = engineSeverity(note.ruleId, note.severity ?? 'info');
    if (sev !== 'off') findings.push({ ruleId: note.ruleId, severity: sev, message: note.message, span: note.span, loc: lines.loc(note.span) });
  }
  for (const message of warnings) {
    findings.push({ ruleId: 'framework-config', severity: 'warn', message, span: { start: 0, end: 0 }, loc: lines.loc({ start: 0, end: 0 }) });
  }

  const historySeverity = engineSeverity('schema-history', 'warn');
  if (historySeverity !== 'off') {
    const at = { start: 0, end: 0 };
    for (const note of options.model?.notes ?? [])
      findings.push({ ruleId: 'schema-history', severity: historySeverity, message: note, span: at, loc: lines.loc(at) });
    if (options.model?.hasHistory && replay.unknown.length) {
      const shown = replay.unknown.slice(0, 5).join('; ') + (replay.unknown.length > 5 ? ` and ${replay.unknown.length - 5} more` : '');
      // What migralint does not know is no hazard in the migration: always info (on the corpus of real histories it
      // was 133 warnings, none a problem to fix). A history that cannot be ordered (the notes above) stays a warning.
      findings.push({
        ruleId: 'schema-history',
        severity: 'info',
        message: `This migration acts on objects no earlier migration created (${shown}): migralint treats what it does not know about them as unknown.`,
        span: at,
        loc: lines.loc(at),
      });
    }
  }

  const active = activeRules(options.severities, settings.preset);
  const isOn = (id: string): boolean => active.on.has(id);
  // One context for every rule of the file: `report` files each finding under the rule running now.
  let running = active.rules[0];
  const ctx: RuleContext = {
    unit,
    framework,
    frameworkName: adapter.name,
    statements,
    settings,
    catalog,
    fixer,
    report: (r: Report) => {
      const finding = toFinding(running!.rule, running!.severity, r, lines, isOn);
      if (finding) findings.push(finding.finding);
      if (finding?.demoted) {
        owned.set(finding.finding, { ...finding.demoted, rules: r.infoWhenOn ?? [], at: r.ownersAt ?? [] });
      }
    },
  };
  for (running of active.rules) running.rule.check(ctx);

  // In a host-language file (Python, JS/TS), a fix or suggestion whose text would not parse (host language or SQL)
  // is never offered, so no caller — the CLI, the ESLint plugin, the JSON report — can write it or count it as
  // fixable. Each check re-extracts the file, so plain .sql files (whose edits are SQL written by the rules, and
  // whose --fix result is re-parsed as a whole before it is written) are not checked fix by fix: that would make a
  // large migration's lint quadratic.
  const hostLanguage = !/\.sql$/i.test(file.path);
  const parseable = (edits: Edit[]): boolean => {
    const text = applyEdits(file.text, edits);
    return text !== null && syntaxErrorsOf({ ...file, text }, framework, options, cleanChunks) <= syntaxErrors;
  };
  const syntaxErrors = parsed.failures.length + unit.notes.filter((n) => n.ruleId === 'parse-error').length;
  for (const f of hostLanguage ? findings : []) {
    if (f.fix && f.fix.edits.length && !parseable(f.fix.edits)) {
      f.help = `${f.help ? `${f.help} ` : ''}(A fix was withheld: the fixed file would not parse.)`;
      f.fix = undefined;
    }
    if (f.suggestions?.length) f.suggestions = f.suggestions.filter((x) => !x.edits.length || parseable(x.edits));
  }

  knownIds ??= new Set([...Object.keys(RULES_BY_ID), ...ENGINE_RULE_IDS]);
  const kept = applySuppressions(findings, unit.directives, lines, knownIds, (id) => engineSeverity(id, 'warn'));
  // A finding that only added to others' is reported at its own severity again when a directive suppressed one of
  // those: nothing else reports that statement's cost now.
  for (const [f, o] of owned) {
    const reported = (at: number) => kept.some((k) => k.statementIndex === at && o.rules.includes(k.ruleId));
    if (kept.includes(f) && o.at.some((at) => !reported(at))) f.severity = o.severity;
  }
  kept.sort((a, b) => a.span.start - b.span.start || compareRuleIds(a.ruleId, b.ruleId));
  // syntaxErrors is counted from the parsers' own output, before severities and suppressions: the parse guard.
  // Coverage: what was read, whatever rules are on. An adapter note about SQL built at run time is one statement unread.
  const unreadable = unit.notes.filter((n) => n.ruleId === 'unsupported-framework-construct').length;
  const coverage = { statements: statements.length, unreadable };
  return {
    filePath: file.path,
    framework,
    assumption: unit.assumption,
    findings: kept,
    source: file.text,
    statements: statements.map(summarize),
    syntaxErrors,
    coverage,
  };
}

/** A statement's facts as reports show them (FileResult.statements). */
function summarize(s: AnalyzedStatement): StatementSummary {
  const strongest = new Map<string, StatementSummary['locks'][number]>();
  for (const lock of s.facts.locks) {
    const relation = displayName(lock.relation);
    const seen = strongest.get(relation);
    if (!seen || LOCK_STRENGTH[lock.mode] > LOCK_STRENGTH[seen.mode]) strongest.set(relation, { mode: lock.mode, relation, on: lock.on });
  }
  const head = statementHead(s);
  const created = s.kind === 'CreateStmt' ? rangeVarName(s.node.relation) : s.kind === 'CreateTableAsStmt' ? rangeVarName(s.node.into?.rel) : undefined;
  return {
    line: s.loc.line,
    // "DROP" and the like name the object too: "DROP INDEX".
    // The first two words, read without splitting the whole statement (a function's body can be most of a file).
    head: /^(CREATE|ALTER|DROP)$/.test(head) ? (/^\s*(\S+(?:\s+\S+)?)/.exec(s.sql)?.[1] ?? '').replace(/\s+/, ' ').toUpperCase() : head,
    locks: [...strongest.values()],
    tables: s.facts.tables.map((t) => ({ name: displayName(t), rows: t.rows, bytes: t.bytes, sizeClass: t.sizeClass })),
    ...(created ? { creates: displayName(created) } : {}),
    ...(s.facts.inTransaction ? { transaction: s.facts.inTransaction.reason } : {}),
  };
}

/**
 * How many syntax errors the parsers find in a file (the host language's, from extraction, and PostgreSQL's):
 * the extract and parse stages alone, independent of rules, severities and suppressions. `cleanChunks`: texts of SQL
 * chunks known to parse without an error (see countFailures).
 */
export function syntaxErrorsOf(file: SourceFile, framework: FrameworkId, options: LintOptions, cleanChunks: ReadonlySet<string> = new Set()): number {
  const adapter = adapterFor(framework);
  const unit = adapter.extract(file, { settings: options.settings, warn: () => {}, fs: options.fs });
  return countFailures(unit, cleanChunks) + unit.notes.filter((n) => n.ruleId === 'parse-error').length;
}

/**
 * Fixes for a statement inside a PL/pgSQL body. One that rewrites the statement in place is a suggestion at
 * most. The fixers write top-level SQL, so other edits that reach into the body (a SET before the statement,
 * a VALIDATE after it, moving it after a COMMIT) would land in its control flow; CONCURRENTLY cannot run in a
 * body; text read from EXECUTE is a string literal whose escaping the fixers do not write: none of those are
 * offered. A fix whose edits all lie outside the DO / CREATE FUNCTION (a SET lock_timeout at the top of the
 * file) is not inside the body and keeps its kind.
 */
function inBody(s: AnalyzedStatement, fix: Fix | undefined, suggestions: Report['suggestions']): { fix: Fix | undefined; suggestions: Report['suggestions'] } {
  const body = s.body!;
  const outside = (f: NonNullable<Report['fix']>): boolean => f.edits.every((e) => e.end <= body.container.start || e.start >= body.container.end);
  const inPlace = (f: NonNullable<Report['fix']>): boolean =>
    !body.dynamic && !f.files?.length && f.edits.every((e) => e.start >= s.span.start && e.end <= s.span.end && !/\bconcurrently\b/i.test(e.text));
  const kept = [...(fix && !outside(fix) ? [fix] : []), ...(suggestions ?? [])].filter((f) => outside(f) || inPlace(f));
  return { fix: fix && outside(fix) ? fix : undefined, suggestions: kept.length ? kept : undefined };
}

/**
 * The finding a report makes, at its severity; `demoted`: the severity it has of its own, when it was made info
 * only because other rules' findings say the same (Report.infoWhenOn with ownersAt).
 */
function toFinding(
  rule: Rule,
  configured: Exclude<SeverityName, 'off'>,
  r: Report,
  lines: LineIndex,
  isOn: (id: string) => boolean,
): { finding: Finding; demoted?: { severity: Finding['severity'] } } | null {
  const table = r.table;
  let severity = configured;
  if (rule.meta.sizeAware && table) {
    if (silentBySize(table)) return null;
    if (table.sizeClass === 'large') severity = 'error';
  }
  const atMost = (s: Finding['severity']): Finding['severity'] => (r.atMost && (s === 'error' || (s === 'warn' && r.atMost === 'info')) ? r.atMost : s);
  const own = atMost(severity);
  if (r.info || (r.infoWhenOn?.length && r.infoWhenOn.every(isOn))) severity = 'info';
  severity = atMost(severity);
  const demoted = !r.info && severity !== own && r.ownersAt?.length ? { severity: own } : undefined;
  const template = rule.meta.messages[r.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} has no message '${r.messageId}'`);
  const span = r.span ?? r.statement?.span;
  if (!span) throw new Error(`rule ${rule.meta.id} reported without a location`);
  const lock = r.statement?.facts.mainLock;
  // Fix safety is declared where each fix is made: `fix` is safe (plain --fix applies it), `suggestions` are not,
  // a display-only fix is words in `help`. The rule's meta only summarises the best kind it offers, so a safe fix
  // from a rule that declares none is a bug in the rule, not something to demote silently.
  let fix: Fix | undefined = r.fix ?? undefined;
  let suggestions = r.suggestions;
  if (fix && rule.meta.fix !== 'safe') throw new Error(`rule ${rule.meta.id} offers a safe fix but declares fix: '${rule.meta.fix}'`);
  if (r.statement?.body) ({ fix, suggestions } = inBody(r.statement, fix, suggestions));
  const finding: Finding = {
    ruleId: rule.meta.id,
    severity,
    message: format(template, r.data),
    messageId: r.messageId,
    ...(r.data ? { messageData: r.data } : {}),
    span,
    loc: lines.loc(span),
    statementIndex: r.statement?.index,
    fix: fix && (fix.edits.length > 0 || fix.files?.length) ? fix : undefined,
    suggestions: suggestions?.filter((s) => s.edits.length > 0 || s.files?.length),
    help: r.help,
    data: {
      ...(lock ? { lock: { mode: lockLabel(lock.mode), relation: displayName(lock.relation), blocks: lock.blocks } } : {}),
      ...(table ? { table: { name: displayName(table), rows: table.rows, bytes: table.bytes, sizeClass: table.sizeClass } } : {}),
      ...(r.foreignKey ? { foreignKey: r.foreignKey } : {}),
    },
  };
  return demoted ? { finding, demoted } : { finding };
}
