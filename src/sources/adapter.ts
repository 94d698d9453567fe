import type { FileSystem } from '../fs.js';
import type { AnalyzedStatement, Edit, EscapePlan, FrameworkId, LintSettings, MigrationUnit, SourceFile } from '../types.js';

export type { EscapePlan } from '../types.js';

export interface ExtractContext {
  settings: LintSettings;
  /** Warnings about the project's files (a malformed metadata.toml …), reported once per file. */
  warn(message: string): void;
  /**
   * The files next to the migration (Alembic's env.py, Diesel's metadata.toml …) as the caller gives them: the disk,
   * under a fix's pending writes or the editor's text. The only way an adapter reads a file; none when absent.
   */
  fs?: FileSystem;
  /** The host file's AST when the caller already has one (ESLint hands its ESTree to the JS adapters). */
  hostAst?: unknown;
  /** The framework's own state as the migrations before this one left it (SchemaModel.framework); none when linted alone. */
  state?: unknown;
}

/** One framework family: how its files look, how its runner sends them, and how to write fixes in its terms. */
export interface FrameworkAdapter {
  id: FrameworkId;
  /** As users write it: "Drizzle", "golang-migrate". */
  name: string;
  /** The file → unit step: SQL chunks, DSL operations, execution model, suppression comments. */
  extract(file: SourceFile, ctx: ExtractContext): MigrationUnit;
  /**
   * Edits that make `stmt` run outside any transaction block, given that the framework's wrapper or a one-query
   * chunk is why it is in one. Explicit BEGIN…COMMIT in SQL is handled by the shared fixer, not here.
   */
  escapeTransaction?(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[], fs: FileSystem): EscapePlan | null;
  /** Rewrites a DSL operation: add or remove CONCURRENTLY in the DSL's terms. */
  rewriteOperation?(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently', unit: MigrationUnit): Edit[] | null;
  /**
   * Code that runs `sql` (a `SET …`) just before `stmt`, in the host language: for settings a rule wants in effect
   * when the statement is a DSL call or lives in a string that cannot take another statement.
   */
  insertBefore?(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null;
  /**
   * A constraint a DSL call adds with its validation scan, rewritten to add it without (`validate: false`) and to
   * validate it later in the framework's own terms; null when the adapter cannot.
   */
  notValidOperation?(stmt: AnalyzedStatement, unit: MigrationUnit, fs: FileSystem): EscapePlan | null;
  /** The comment prefix suppression directives use in this framework's files. */
  commentPrefix: '--' | '#' | '//';
}
