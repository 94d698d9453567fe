/**
 * The one rule tester, shaped like ESLint's RuleTester: `valid` and `invalid` cases per rule, each invalid case
 * with its findings (`messageId`, `data`, exact location), the fixed text (`output`) and each finding's
 * `suggestions`. Every fix is proven: applied as `--fix` applies it (to a fixed point, for this rule only), the
 * result parses in its host language (SQL, Python, JS/TS) and as SQL, and the rule is clean on it. Every finding a
 * rule makes through the tester is checked for unfilled `{{placeholders}}`, for a message id the rule declares,
 * and for edits from a rule that declares it has no fix. Doc examples and fixtures run through the same tester.
 */
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';
import { ALL_RULE_META, ENGINE_RULE_IDS } from '../../rules/index.js';
import { applyEdits, type FixOutcome, type FixType } from '../../src/engine/apply.js';
import { fixText, lintText, loadParsers, type LintTextOptions } from '../../src/engine/lint-text.js';
import type { DocExample, RuleMeta } from '../../src/engine/rule.js';
import { hasError, parsePython } from '../../src/sources/python/tree.js';
import type { FileResult, Finding, SeverityName } from '../../src/types.js';

/** How a case is linted: the file it is linted as, table sizes, settings, severities, sibling files. */
export type CaseOptions = LintTextOptions;

/** One finding an invalid case expects; every field given must match, and findings match in order. */
export interface ExpectedFinding {
  messageId?: string;
  /** The whole message, or a pattern it must match. */
  message?: string | RegExp;
  /** The data filled into the message's placeholders, exactly. */
  data?: Record<string, string | number>;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  severity?: Exclude<SeverityName, 'off'>;
  /** The finding's suggestions, in order: each one's description (optional) and the text it gives. `[]`: none. */
  suggestions?: Array<{ desc?: string | RegExp; output: string }>;
}

export interface ValidCase extends CaseOptions {
  code: string;
  name?: string;
}

export interface InvalidCase extends ValidCase {
  /** The rule's findings, exactly: their count, or each one's fields in order. */
  errors: number | ExpectedFinding[];
  /** The text after `--fix` for this rule (proven), or `null` when nothing may be fixed. Omitted: not checked. */
  output?: string | null;
  /** Which fixes `output` applies: `['fix']` (plain --fix) unless given. */
  fixTypes?: FixType[];
}

export interface TesterDefaults extends CaseOptions {
  /** The severity the tested rule is switched on at (a rule off in the preset is tested at its full scope). */
  ruleSeverity?: Exclude<SeverityName, 'off'>;
}

const META = new Map<string, RuleMeta>(ALL_RULE_META.map((m) => [m.id, m]));
const ENGINE = new Set(ENGINE_RULE_IDS);
const PLACEHOLDER = /\{\{\s*\w+\s*\}\}/;

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Whether a text parses in its host language (Python, JS/TS); SQL files are checked through the lint. */
export function hostLanguageErrors(filename: string, text: string): string[] {
  const body = stripBom(text);
  if (/\.py$/i.test(filename)) return hasError(parsePython(body)) ? ['the Python does not parse'] : [];
  if (/\.(c|m)?(j|t)sx?$/i.test(filename)) return parseSync(filename, body).errors.map((e) => e.message);
  return [];
}

function sqlOrHostErrors(filename: string, text: string, result: FileResult, before?: FileResult): string[] {
  const out = hostLanguageErrors(filename, text);
  const parseErrors = result.findings.filter((f) => f.ruleId === 'parse-error');
  if (parseErrors.length && !(before && before.findings.some((f) => f.ruleId === 'parse-error'))) out.push(...parseErrors.map((f) => f.message));
  if ((result.syntaxErrors ?? 0) > (before?.syntaxErrors ?? 0)) out.push(`${result.syntaxErrors} syntax error(s)`);
  return out;
}

export class RuleTester {
  constructor(private readonly defaults: TesterDefaults = {}) {}

  /** The lint options of a case for `rule`: the tester's defaults, the case's own, the rule switched on if asked. */
  options(rule: string, c: CaseOptions = {}): LintTextOptions {
    const { ruleSeverity, ...d } = this.defaults;
    const severities = { ...(ruleSeverity ? { [rule]: ruleSeverity } : {}), ...d.severities, ...c.severities };
    return { ...d, ...c, settings: { ...d.settings, ...c.settings }, tables: c.tables ?? d.tables, severities };
  }

  /**
   * Lints a case and checks what every rule must hold on every finding of `rule`: a declared message id, no unfilled
   * placeholder, no fix or suggestion from a rule that declares none. The input must parse (except for parse-error).
   */
  async lint(rule: string, code: string, c: CaseOptions = {}): Promise<FileResult> {
    const o = this.options(rule, c);
    const result = await lintText(code, o);
    if (rule !== 'parse-error') {
      const parseErrors = result.findings.filter((f) => f.ruleId === 'parse-error');
      if (parseErrors.length) throw new Error(`test input does not parse: ${parseErrors[0]!.message}`);
    }
    for (const f of result.findings) if (f.ruleId === rule) checkFinding(rule, f);
    return result;
  }

  /** The findings of `rule` on a case (after the checks of `lint`). */
  async findings(rule: string, code: string, c: CaseOptions = {}): Promise<Finding[]> {
    return (await this.lint(rule, code, c)).findings.filter((f) => f.ruleId === rule);
  }

  /** A valid case: no finding of the rule. */
  async valid(rule: string, c: ValidCase): Promise<void> {
    expect(await this.findings(rule, c.code, c), c.name).toEqual([]);
  }

  /** An invalid case: exactly the expected findings, each suggestion's text, and the proven `output`. */
  async invalid(rule: string, c: InvalidCase): Promise<Finding[]> {
    const before = await this.lint(rule, c.code, c);
    const found = before.findings.filter((f) => f.ruleId === rule);
    const label = c.name ?? c.filename ?? rule;
    if (typeof c.errors === 'number') {
      expect(found.length, `${label}: findings of ${rule}`).toBe(c.errors);
    } else {
      expect(
        found.map((f) => f.loc.line),
        `${label}: lines of ${rule}'s findings`,
      ).toHaveLength(c.errors.length);
      c.errors.forEach((e, i) => matchFinding(found[i]!, e, `${label}: finding ${i + 1}`));
      for (const [i, e] of c.errors.entries()) {
        if (!e.suggestions) continue;
        const got = (found[i]!.suggestions ?? []).filter((s) => s.edits.length);
        expect(got.length, `${label}: suggestions of finding ${i + 1}`).toBe(e.suggestions.length);
        for (const [j, s] of e.suggestions.entries()) {
          if (typeof s.desc === 'string') expect(got[j]!.description).toBe(s.desc);
          else if (s.desc) expect(got[j]!.description).toMatch(s.desc);
          const text = applyEdits(stripBom(c.code), got[j]!.edits);
          expect(text, `${label}: suggestion ${j + 1} has overlapping edits`).not.toBeNull();
          const output = c.code.charCodeAt(0) === 0xfeff ? `\ufeff${text}` : text!;
          expect(output).toBe(s.output);
          const after = await lintText(output, this.options(rule, c));
          expect(sqlOrHostErrors(c.filename ?? 'migration.sql', output, after, before), `${label}: suggestion ${j + 1} parses`).toEqual([]);
        }
      }
    }
    if (c.output === null) {
      const outcome = await fixText(c.code, { ...this.options(rule, c), rules: [rule], types: c.fixTypes });
      expect(outcome.text, `${label}: nothing is fixed`).toBe(c.code);
    } else if (c.output !== undefined) {
      const outcome = await this.fixOutcome(rule, c.code, { ...c, fixTypes: c.fixTypes });
      expect(outcome.text, `${label}: output`).toBe(c.output);
    }
    return found;
  }

  /**
   * The fix proof: the rule flags the case, its fixes apply (to a fixed point, nothing rejected, something applied),
   * the result parses in its host language and as SQL, and the rule is clean on it. Returns the outcome.
   */
  async fixOutcome(rule: string, code: string, c: CaseOptions & { fixTypes?: FixType[] } = {}): Promise<FixOutcome> {
    const { fixTypes, ...rest } = c;
    const o = this.options(rule, rest);
    const before = await this.lint(rule, code, rest);
    const label = rest.filename ?? rule;
    expect(
      before.findings.map((f) => f.ruleId),
      `${label}: the case raises ${rule}`,
    ).toContain(rule);
    const outcome = await fixText(code, { ...o, rules: [rule], types: fixTypes });
    expect(outcome.rejected, `${label}: the fix was rejected`).toBeUndefined();
    expect(outcome.applied, `${label}: nothing was fixed`).toBeGreaterThan(0);
    expect(outcome.text, `${label}: nothing was fixed`).not.toBe(code);
    const after = await lintText(outcome.text, o);
    expect(sqlOrHostErrors(rest.filename ?? 'migration.sql', outcome.text, after, before), `${label}: the fixed file parses`).toEqual([]);
    const left = after.findings.filter((f) => f.ruleId === rule);
    expect(
      left.map((f) => `${f.loc.line}:${f.loc.column} ${f.message}`),
      `${label}: ${rule} after the fix`,
    ).toEqual([]);
    return outcome;
  }

  /** The fix proof, returning the fixed text for an exact assertion. */
  async fix(rule: string, code: string, c: CaseOptions & { fixTypes?: FixType[] } = {}): Promise<string> {
    return (await this.fixOutcome(rule, code, c)).text;
  }

  /** ESLint's `run`: one test per case. */
  run(rule: string, cases: { valid?: ValidCase[]; invalid?: InvalidCase[] }): void {
    describe(rule, () => {
      for (const [i, c] of (cases.valid ?? []).entries()) it(`valid ${c.name ?? i}`, () => this.valid(rule, c));
      for (const [i, c] of (cases.invalid ?? []).entries()) it(`invalid ${c.name ?? i}`, async () => void (await this.invalid(rule, c)));
    });
  }
}

/** The invariants of every finding of `rule`. */
export function checkFinding(rule: string, f: Finding): void {
  expect(f.message, `${rule}: unfilled placeholder in "${f.message}"`).not.toMatch(PLACEHOLDER);
  const meta = META.get(rule);
  if (!meta) throw new Error(`no rule ${rule}`);
  if (!ENGINE.has(rule)) {
    expect(f.messageId && f.messageId in meta.messages, `${rule}: message id ${f.messageId} is one the rule declares`).toBe(true);
  }
  if (meta.fix === 'none') {
    expect(f.fix?.edits ?? [], `${rule} declares no fix but made one`).toEqual([]);
    expect(
      (f.suggestions ?? []).flatMap((s) => s.edits),
      `${rule} declares no fix but suggested edits`,
    ).toEqual([]);
  }
  if (meta.fix !== 'safe') expect(f.fix?.edits ?? [], `${rule} declares fix: '${meta.fix}' but made a safe fix`).toEqual([]);
}

function matchFinding(f: Finding | undefined, e: ExpectedFinding, label: string): void {
  expect(f, label).toBeDefined();
  const got: Record<string, unknown> = {};
  const want: Record<string, unknown> = {};
  const pick = (key: string, actual: unknown, expected: unknown) => {
    if (expected === undefined) return;
    got[key] = actual;
    want[key] = expected;
  };
  pick('messageId', f!.messageId, e.messageId);
  pick('data', f!.messageData ?? {}, e.data);
  pick('line', f!.loc.line, e.line);
  pick('column', f!.loc.column, e.column);
  pick('endLine', f!.loc.endLine, e.endLine);
  pick('endColumn', f!.loc.endColumn, e.endColumn);
  pick('severity', f!.severity, e.severity);
  if (typeof e.message === 'string') pick('message', f!.message, e.message);
  expect(got, label).toEqual(want);
  if (e.message instanceof RegExp) expect(f!.message, label).toMatch(e.message);
}

/** The lint options of a doc example: the `all` preset unless it names one, its tables, PostgreSQL version and file. */
export function docExampleOptions(ex: DocExample): CaseOptions {
  return { filename: ex.filename, tables: ex.tables, settings: { preset: ex.preset ?? 'all', ...(ex.pgVersion ? { pgVersion: ex.pgVersion } : {}) } };
}

export { loadParsers };
