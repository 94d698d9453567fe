import type { FileSystem } from '../fs.js';
import type { FrameworkAdapter } from '../sources/adapter.js';
import type { FrameworkId, RunnerSettings } from '../types.js';

/**
 * A framework module: everything migralint knows about one migration tool, in one folder (src/frameworks/<id>/).
 * The registry (src/frameworks/index.ts) lists the modules; detection, discovery, history order, extraction and
 * fixes all read them from there, and test/frameworks/modules.test.ts fails when a module lacks a part.
 */
export interface FrameworkModule {
  id: FrameworkId;
  /** As users write it: "Drizzle", "golang-migrate". */
  name: string;
  /** The host language its migrations are written in (which reader extracts them). */
  language: Language;
  /** How a file is recognised as this tool's: rules with a declared priority (the registry tries the highest first). */
  detect: DetectRule[];
  /** Where this tool keeps its migrations: what a directory walk keeps, and the folders looked in with no paths. */
  discovery: Discovery;
  /** The order the tool applies a project's migrations in, for the schema model. */
  history: HistoryRules;
  /** How the tool sends a migration to PostgreSQL, and how a migration opts out of its transaction. */
  execution: ExecutionModel;
  /** Extraction (file → MigrationUnit) and the fix writers in the host language. */
  adapter: FrameworkAdapter;
  /**
   * Why a file this tool keeps beside its migrations is not one (Rails' db/structure.sql and db/schema.rb, schema
   * dumps), or null. Walks skip such files; named, they are reported and not linted.
   */
  notMigration?(file: DetectInput): string | null;
  /**
   * The session settings (lock_timeout, statement_timeout) the tool sets on every connection it migrates with, as
   * the project's own files say (Rails' config/database.yml `variables:` …), read through the FileSystem; each found
   * setting says where. Config `lockTimeout` / `statementTimeout` win over what is found.
   */
  runnerSettings?(migration: string, fs: FileSystem): RunnerSettings;
  /**
   * The newest migration the tool's own configuration marks as deployed and already checked (strong_migrations'
   * `StrongMigrations.start_after`), read through the FileSystem, with where it is set. Like config `baseline`, which
   * wins over it: migrations at or before it are not linted, and stay in the history.
   */
  deployedBaseline?(migration: string, fs: FileSystem): DeployedBaseline | undefined;
  /** The source a generated migration comes from (an ORM's schema), where a type change belongs; undefined for hand-written files. */
  generatedFrom?(text: string): string | undefined;
  /** The README heading that documents this framework, as its anchor (`#drizzle`). */
  readme: string;
  /** Folders of real-project-shaped fixtures (relative to the repository root); each holds files detected as this framework. */
  fixtures: string[];
}

/** A baseline a tool's own configuration sets: the version, the file and line, and the setting's name. */
export interface DeployedBaseline {
  baseline: string;
  file: string;
  line: number;
  setting: string;
}

export type Language = 'sql' | 'python' | 'js' | 'ruby' | 'csharp' | 'elixir' | 'changelog' | 'php';

/** What detection rules look at: the file's path, its content, and the files beside it (through the FileSystem). */
export interface DetectInput {
  /** As given. */
  path: string;
  /** Absolute, with `/` separators. */
  posix: string;
  /** The absolute folder. */
  dir: string;
  base: string;
  /** The folder's name. */
  parentName: string;
  /** The folder above. */
  grand: string;
  text: string;
  fs: FileSystem;
}

export interface DetectRule {
  /**
   * Higher runs first. Priorities are unique across the registry (a test checks), so the order never depends on
   * where a module sits in the list. Bands: 900s Python, 800s JS/TS, 700–500 SQL (specific markers first), 0 the fallback.
   */
  priority: number;
  /** The language of the files it recognises, when not the module's (Liquibase's formatted SQL beside its XML changelogs). */
  language?: Language;
  /** What the rule recognises, in words (for docs and failing tests). */
  describe: string;
  test(file: DetectInput): boolean;
}

export interface Discovery {
  /** Globs (whole paths) of this tool's migration files: a directory walk keeps a file matching any module's. */
  globs: string[];
  /** Folders, relative to the project root, that usually hold these migrations: looked in when no paths are given. */
  folders: string[];
  /** Files at a project root that say a walk of the whole project finds these migrations (manage.py …). */
  markers?: string[];
}

/** A file of a history, as the ordering reads it. */
export interface HistoryFile {
  path: string;
  text: string;
  framework: FrameworkId;
}

export interface OrderWarning {
  file: string;
  message: string;
  /** The tool itself never runs this file (its index does not list it): migralint still lints and replays it, trace does not execute it. */
  notRunByTool?: true;
}

/** What a module's ordering gets besides the files. */
export interface OrderContext {
  /** The project's folder (rootOf the files). */
  root: string;
  /** Reads the tool's own index files (a journal, a plan); undefined when there is none. */
  readFile(p: string): string | undefined;
  warnings: OrderWarning[];
  /** The default order: by version in the file (or folder) name, then by name. */
  byVersion(files: HistoryFile[]): string[];
  /** Orders by a list of names from the tool's index; files it does not list follow, each with a warning. */
  listed(files: HistoryFile[], list: string[] | undefined, index: string, nameOf: (file: string) => string): string[];
}

export interface HistoryRules {
  /** In words: how the tool orders its migrations. */
  describe: string;
  /** The project a migration belongs to (a folder; all of a Django project's apps are one). Default: its folder. */
  root?(file: string): string;
  /** The version a file (or folder) name carries, compared part by part; undefined when it has none. */
  version?(name: string): bigint[] | undefined;
  /** Orders one project's up migrations. Default: by version. */
  order?(files: HistoryFile[], ctx: OrderContext): string[];
  /**
   * For a migration, the earlier ones every database runs in the same deploy as it (no install runs one without
   * the other): a table they created is empty when it runs, unless the replay saw rows written (filledBy). `files`
   * in history order. Default: none.
   */
  deployedTogether?(files: HistoryFile[]): Map<string, string[]>;
  /**
   * The migrations the tool only ever runs on a new database (Django: a squash whose originals are gone): no
   * application uses the database yet, so no lock they take waits behind another session. `files` in history order.
   * Default: none.
   */
  newDatabaseOnly?(files: HistoryFile[]): Set<string>;
}

export interface ExecutionModel {
  /** The tool's own transaction: one per migration file, one for all pending migrations, none, or per section. */
  wraps: 'per-file' | 'per-run' | 'per-section' | 'none';
  /** Whether a chunk goes to PostgreSQL as one simple query (several statements in it are one implicit transaction). */
  oneQuery: 'yes' | 'no' | 'per-chunk';
  /** In words, with the assumption migralint makes and the setting that changes it. */
  summary: string;
  /**
   * How one migration gets out of the tool's transaction, exactly as written. `in: 'file'` opt-outs appear in the
   * module's fixtures (a test checks); `in: 'config'` ones are settings of the tool (frameworkOptions here).
   */
  optOuts: Array<{ syntax: string; in: 'file' | 'config' }>;
}
