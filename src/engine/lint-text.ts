/**
 * The pipeline from a text, for tests and docs. A boundary module like the CLI: when the caller gives no file system
 * it lints against the disk.
 */
import { Catalog } from '../catalog/catalog.js';
import { diskFileSystem } from '../disk.js';
import type { FileSystem } from '../fs.js';
import { loadParser } from '../sql/parse.js';
import { loadLanguagesFor } from '../frameworks/index.js';
import type { FileResult, FrameworkId, SeverityName } from '../types.js';
import { fixToFixedPoint, type FixOutcome, type FixType } from './apply.js';
import { DEFAULT_SETTINGS, lintSource, withPending } from './lint.js';
import type { LintSettings } from './rule.js';

export interface LintTextOptions {
  filename?: string;
  framework?: FrameworkId;
  tables?: Record<string, { rows?: number; bytes?: number; partitioned?: boolean }>;
  largeTables?: string[];
  settings?: Partial<LintSettings>;
  severities?: Record<string, SeverityName>;
  catalog?: Catalog;
  /** Files next to the migration (Alembic's env.py …) by path, over `fs`. */
  files?: Record<string, string>;
  /** The file system the migration lives in (an in-memory tree in tests); the disk when absent. */
  fs?: FileSystem;
}

/** Loads every parser the engine needs (PostgreSQL's, the tree-sitter grammars): once per process. */
export async function loadParsers(): Promise<void> {
  await Promise.all([loadParser(), loadLanguagesFor('all')]);
}

/** Loads the parsers these files need: PostgreSQL's always, a host language's grammar only when a file is written in it. */
export async function loadParsersFor(paths: string[]): Promise<void> {
  await Promise.all([loadParser(), loadLanguagesFor(paths)]);
}

function optionsFor(o: LintTextOptions) {
  const catalog = o.catalog ?? new Catalog();
  if (!o.catalog && (o.tables || o.largeTables)) catalog.addConfig(o.tables, o.largeTables);
  const files = o.files;
  const readFile = files ? (path: string) => files[path.replace(/\\/g, '/')] : undefined;
  return {
    framework: o.framework,
    settings: { ...DEFAULT_SETTINGS, ...o.settings },
    severities: o.severities,
    catalog,
    readFile,
    fs: o.fs ?? diskFileSystem(),
  };
}

/** Lints a text as if it were the file `filename` (default `migration.sql`): for tests, docs and the ESLint plugin. */
export async function lintText(text: string, o: LintTextOptions = {}): Promise<FileResult> {
  await loadParsers();
  const bom = text.charCodeAt(0) === 0xfeff;
  return lintSource({ path: o.filename ?? 'migration.sql', text: bom ? text.slice(1) : text, bom }, optionsFor(o));
}

/**
 * Applies fixes to a fixed point, as `--fix` does, without touching disk. A leading BOM is set aside while linting
 * (as lintText and the CLI do) and kept in the result, as `--fix` writes it back.
 */
export async function fixText(text: string, o: LintTextOptions & { types?: FixType[]; rules?: string[] } = {}): Promise<FixOutcome> {
  await loadParsers();
  const opts = optionsFor(o);
  const bom = text.charCodeAt(0) === 0xfeff;
  const outcome = fixToFixedPoint(
    { path: o.filename ?? 'migration.sql', text: bom ? text.slice(1) : text, bom },
    (f, pending) => lintSource(f, withPending(opts, pending)),
    { types: o.types, rules: o.rules },
  );
  return bom ? { ...outcome, text: `\ufeff${outcome.text}` } : outcome;
}
