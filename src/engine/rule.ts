import type { Catalog } from '../catalog/catalog.js';
import type { AnalyzedStatement, Fix, FrameworkId, LintSettings, MigrationUnit, SeverityName, Span, TableInfo } from '../types.js';
import type { Fixer } from './fixer.js';
import type { PresetName } from './presets.js';

export type { LintSettings } from '../types.js';

export type RuleCategory = 'locking' | 'constraints' | 'columns' | 'transactions' | 'hygiene' | 'engine';

/** A documentation example. Doc examples are tests: invalid ones must show exactly their findings, valid ones none. */
export interface DocExample {
  /** The file's text, in the framework's language. */
  code: string;
  /** What this example shows, in one line. */
  title?: string;
  /** The file name it is linted as (decides the framework); default `migration.sql` (plain psql). */
  filename?: string;
  /** Table sizes known for this example, as config `tables`. */
  tables?: Record<string, { rows?: number; bytes?: number; partitioned?: boolean }>;
  pgVersion?: number;
  /** The preset the example is linted under; default `all`, so a rule's examples show its whole scope. */
  preset?: PresetName;
  /** For invalid examples with a fix: the text after `--fix`, asserted by the doc tests. */
  fixed?: string;
  /**
   * For an invalid example that shows more than one finding of its rule: each one's line and message id, in order.
   * Without it an invalid example shows exactly one finding (the doc tests check either).
   */
  findings?: Array<{ line: number; messageId: string }>;
}

export interface RuleDocs {
  /** What it does. */
  what: string;
  /** Why is this bad? Which lock, for how long, what waits. */
  why: string;
  invalid: DocExample[];
  valid: DocExample[];
  /** Which of its fixes are safe, suggestions or display-only, and why. */
  fixSafety?: string;
  references: string[];
}

export interface RuleMeta {
  id: string;
  description: string;
  category: RuleCategory;
  /** The rule's severity in the presets that hold it (see `preset`). */
  defaultSeverity: Exclude<SeverityName, 'off'> | 'off';
  /** The smallest preset that switches the rule on: `recommended` (default), `strict` or `all`. */
  preset?: PresetName;
  /**
   * The best kind of fix the rule offers; each fix declares its own kind where it is made (Report.fix is safe,
   * Report.suggestions are not, a display-only fix is words in Report.help). `safe`: plain --fix may apply it
   * (some findings may still get only a suggestion); `suggestion`: only with --fix-type suggestion;
   * `display-only`: never applied, the finding says what to change and where (an ORM's schema source).
   */
  fix: 'safe' | 'suggestion' | 'display-only' | 'none';
  /** Silent on new and small tables, an error on large ones. */
  sizeAware?: boolean;
  messages: Record<string, string>;
  docs: RuleDocs;
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  statement?: AnalyzedStatement;
  /** Defaults to the statement's span. */
  span?: Span;
  /** The table decides the severity of size-aware rules: large → error. */
  table?: TableInfo;
  fix?: Fix | null;
  suggestions?: Fix[];
  help?: string;
  /** The finding only adds to another rule's finding on the same hazard: reported as info, whatever the severity. */
  info?: boolean;
  /**
   * The finding only adds to the findings of these rules (ids): reported as info when every one of them is on in
   * this run (config, --rule, the preset), at its own severity when one is off.
   */
  infoWhenOn?: string[];
  /**
   * With infoWhenOn: the statements (indexes) whose findings of those rules this one adds to. When an inline
   * directive suppresses one of them, nothing else reports that statement's cost: this finding keeps its severity.
   */
  ownersAt?: number[];
  /** A foreign key the finding is about (model key and columns): a later migration of the change may index it. */
  foreignKey?: { table: string; columns: string[] };
  /** At most this severity, whatever the table's size: for findings that say what migralint cannot know. */
  atMost?: 'warn' | 'info';
}

export interface RuleContext {
  unit: MigrationUnit;
  framework: FrameworkId;
  /** The framework as users write it ("Drizzle", "golang-migrate"); what else rules need of it goes through the fixer. */
  frameworkName: string;
  statements: AnalyzedStatement[];
  settings: LintSettings;
  catalog: Catalog;
  fixer: Fixer;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;

/** The `{{placeholders}}` of a message template, as a union of their names. */
export type Placeholders<T extends string> = T extends `${string}{{${infer P}}}${infer Rest}` ? Trim<P> | Placeholders<Rest> : never;

type Data = Record<string, string | number>;

/** The data a message needs: every placeholder of its template (more keys are allowed). */
type DataFor<T extends string> = string extends T
  ? { data?: Data }
  : [Placeholders<T>] extends [never]
    ? { data?: Data }
    : { data: Record<Placeholders<T>, string | number> & Data };

/** A report whose message id is one of the rule's, with the data its message needs. */
export type ReportOf<M extends Record<string, string>> = {
  [K in keyof M & string]: Omit<Report, 'messageId' | 'data'> & { messageId: K } & DataFor<M[K]>;
}[keyof M & string];

/** The context of a rule with messages `M`: `report` takes only its message ids, with their placeholders' data. */
export interface RuleContextOf<M extends Record<string, string>> extends Omit<RuleContext, 'report'> {
  report(report: ReportOf<M>): void;
}

export interface RuleDefinition<M extends Record<string, string>> {
  meta: Omit<RuleMeta, 'messages'> & { messages: M };
  check(ctx: RuleContextOf<M>): void;
}

/**
 * A size-aware rule's finding on this table is never shown: the table is new (created in this migration or its
 * change) or small. toFinding drops such a report; a rule may skip the work a report costs (a fix's plan) there.
 */
export function silentBySize(table: TableInfo | undefined): boolean {
  return table?.sizeClass === 'new' || table?.sizeClass === 'small';
}

/**
 * Defines a rule, typed over its messages (as typescript-eslint's createRule): a message id the rule does not declare,
 * or a report missing data for one of the message's `{{placeholders}}`, is a type error.
 */
export function defineRule<const M extends Record<string, string>>(rule: RuleDefinition<M>): Rule {
  return rule;
}
