import path from 'node:path';
import { lintOptionsFromConfig } from '../config/options.js';
import { diskFileSystem } from '../disk.js';
import { ruleDocsUrl } from '../docs-url.js';
import { lintSource } from '../engine/lint.js';
import { overlay } from '../fs.js';
import { PRESETS, presetOf, presetSeverity, type PresetName } from '../engine/presets.js';
import type { RuleMeta } from '../engine/rule.js';
import type { Edit, FileResult, Finding } from '../types.js';
import { ALL_RULE_META } from '../../rules/index.js';
import { configForFile } from './config.js';

/** The parts of ESLint's rule context the plugin uses (ESLint 9.15 – 10). */
export interface Context {
  filename: string;
  physicalFilename?: string;
  sourceCode: { text: string; ast: any };
  /** ESLint's shared settings: `settings.migralint.preset` is set by the plugin's configs. */
  settings?: { migralint?: { preset?: unknown } };
  report(descriptor: Record<string, unknown>): void;
}

export interface Fixer {
  replaceTextRange(range: [number, number], text: string): unknown;
}

const results = new WeakMap<object, FileResult>();

/**
 * Size-aware escalation, as in the CLI: a size-aware rule's finding on a large table is an error whatever
 * severity the rule is configured at. ESLint rules cannot set a message's severity, so the plugin's processor
 * (`migralint/size-aware`, in every preset config) raises those messages after the rules have run. Keyed by the
 * file ESLint lints; each entry is taken by the processor's postprocess of that file.
 */
const escalated = new Map<string, Set<string>>();

function messageKey(ruleId: string, line: number, column: number, message: string): string {
  return `${ruleId}\u0000${line}\u0000${column}\u0000${message}`;
}

function recordEscalations(filePath: string, result: FileResult): void {
  const keys = new Set<string>();
  for (const f of result.findings) {
    if (f.severity === 'error' && f.data?.table?.sizeClass === 'large' && SIZE_AWARE.has(f.ruleId))
      keys.add(messageKey(`migralint/${f.ruleId}`, f.loc.line, f.loc.column, f.message));
  }
  if (keys.size) escalated.set(path.resolve(filePath), keys);
  else escalated.delete(path.resolve(filePath));
}

const SIZE_AWARE = new Set(ALL_RULE_META.filter((m) => m.sizeAware).map((m) => m.id));

/** The messages ESLint reports for one file, with size-aware findings on large tables raised to errors. */
export function escalateBySize(messages: Array<{ ruleId: string | null; line: number; column: number; message: string; severity: number }>, filename: string) {
  const keys = escalated.get(path.resolve(filename));
  escalated.delete(path.resolve(filename));
  if (!keys) return messages;
  return messages.map((m) => (m.ruleId && m.severity === 1 && keys.has(messageKey(m.ruleId, m.line, m.column, m.message)) ? { ...m, severity: 2 } : m));
}

/**
 * The migralint result for the file ESLint is linting: the core pipeline run ONCE per SourceCode (every
 * migralint/* rule reads the same result), with the migralint config found for the file. For JS/TS the AST
 * ESLint already has goes to the extractor; `.sql` files are read by the adapters as in the CLI.
 */
export function resultFor(context: Context): FileResult {
  const sourceCode = context.sourceCode;
  const cached = results.get(sourceCode);
  if (cached) return cached;
  const filePath = context.physicalFilename ?? context.filename;
  const found = configForFile(filePath);
  const options = lintOptionsFromConfig(found.config, found.dir, filePath);
  // The ESLint config decides which rules show; its preset (set by configs.recommended / strict / all) also
  // decides the scope of rules that differ between presets, over the migralint config's.
  const preset = context.settings?.migralint?.preset;
  if (typeof preset === 'string' && (PRESETS as readonly string[]).includes(preset)) options.settings = { ...options.settings, preset: preset as PresetName };
  const ast = sourceCode.ast;
  const hostAst = ast && ast.type === 'Program' && !ast.migralintSql ? ast : undefined;
  // The disk under the editor's text of this file, read afresh for each lint: a journal or .conf added since the
  // last lint is seen.
  const abs = path.resolve(filePath);
  const fs = overlay((p) => (path.resolve(p) === abs ? sourceCode.text : undefined), diskFileSystem());
  const result = lintSource({ path: abs, text: sourceCode.text, bom: false }, { ...options, hostAst, fs });
  // A live database is read by the CLI only (ESLint rules are synchronous): say so rather than ignore it.
  if (found.config.databaseUrl && !found.config.stats) {
    result.findings.unshift({
      ruleId: 'framework-config',
      severity: 'warn',
      message: `${path.basename(found.file ?? 'config')}: databaseUrl is read by the migralint CLI only; in ESLint, table sizes come from a \`stats\` snapshot (write one with \`migralint stats\`) or config \`tables\`.`,
      span: { start: 0, end: 0 },
      loc: { line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
  }
  if (found.problem) {
    result.findings.unshift({
      ruleId: 'framework-config',
      severity: 'warn',
      message: found.problem,
      span: { start: 0, end: 0 },
      loc: { line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
  }
  results.set(sourceCode, result);
  recordEscalations(filePath, result);
  return result;
}

function toFix(edits: Edit[]) {
  return (fixer: Fixer) => edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.text));
}

function report(context: Context, f: Finding): void {
  context.report({
    loc: { start: { line: f.loc.line, column: f.loc.column - 1 }, end: { line: f.loc.endLine, column: f.loc.endColumn - 1 } },
    message: f.message,
    // ESLint edits one file: a fix that only writes another file (Diesel's metadata.toml) stays the CLI's.
    fix: f.fix?.edits.length ? toFix(f.fix.edits) : null,
    suggest: (f.suggestions ?? []).filter((s) => s.edits.length).map((s) => ({ desc: s.description, fix: toFix(s.edits) })),
  });
}

/** One ESLint rule per migralint rule (engine findings included): it reports that rule's findings from the shared result. */
export function eslintRule(meta: RuleMeta) {
  return {
    meta: {
      type: meta.category === 'engine' ? ('problem' as const) : ('problem' as const),
      docs: { description: meta.description, recommended: presetOf(meta) === 'recommended', url: ruleDocsUrl(meta.id) },
      ...(meta.fix === 'safe' ? { fixable: 'code' as const } : {}),
      hasSuggestions: meta.fix === 'safe' || meta.fix === 'suggestion',
      schema: [],
    },
    create(context: Context) {
      const run = () => {
        for (const f of resultFor(context).findings) if (f.ruleId === meta.id) report(context, f);
      };
      // The root is `Program` in JS/TS (ESLint's own AST) and `MigrationFile` in the SQL and Python languages.
      return { Program: run, MigrationFile: run };
    },
  };
}

export const eslintRules = Object.fromEntries(ALL_RULE_META.map((m) => [m.id, eslintRule(m)]));

/** ESLint severities for a preset's config: migralint's severities in that preset (info shows as a warning). */
export function presetRules(preset: PresetName): Record<string, 'error' | 'warn' | 'off'> {
  return Object.fromEntries(
    ALL_RULE_META.map((m) => {
      const severity = presetSeverity(m, preset);
      return [`migralint/${m.id}`, severity === 'error' ? 'error' : severity === 'off' ? 'off' : 'warn'];
    }),
  );
}

/** ESLint severities for `configs.recommended`. */
export const recommendedRules = presetRules('recommended');
