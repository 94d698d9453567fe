import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAMES, type ConfigResolver } from '../config/load.js';
import { frameworkFromConfig, globToRegExp } from '../config/options.js';
import { rawDisk } from '../disk.js';
import { DIESEL_DIR } from '../frameworks/diesel/index.js';
import { DEFAULT_FOLDERS, LANGUAGES, MIGRATION_GLOBS, PROJECT_MARKERS, WALK_PATTERNS, detectFramework, notMigration } from '../frameworks/index.js';
import type { Language } from '../frameworks/types.js';
import type { FileSystem } from '../fs.js';
import type { SkippedFile } from '../types.js';
import { isNormalAbsolute, normalizePath, resolvePath } from '../paths.js';

/** The kinds of file migrations are written in. */
const CANDIDATES = WALK_PATTERNS;
let patterns: RegExp[] | undefined;

/** Whether a path matches one of the frameworks' migration patterns (MIGRATION_GLOBS), judged on the whole path. */
export function isMigrationPath(file: string): boolean {
  patterns ??= MIGRATION_GLOBS.map(globToRegExp);
  const posix = file.split(path.sep).join('/');
  return patterns.some((re) => re.test(posix));
}

/** Files a walk leaves out unless named: Diesel's down.sql (the rollback, not what deploys). */
export function isRollbackOnly(file: string): boolean {
  const posix = file.split(path.sep).join('/');
  const parts = posix.split('/');
  return parts[parts.length - 1] === 'down.sql' && DIESEL_DIR.test(parts[parts.length - 2] ?? '');
}

/** Whether a file is of a kind migrations migralint reads are written in (a language's extension). */
const readable = (file: string) => Object.values(LANGUAGES).some((l) => l.extension.test(file));

export interface Discovery {
  files: string[];
  /** One message per path that gave nothing: missing, or a directory with no migrations. */
  problems: string[];
  /** Files a walk found and left out (never files named explicitly). */
  skipped: SkippedFile[];
}

export interface DiscoverOptions {
  /** Config `exclude` globs. */
  exclude?: string[];
  /** True when the configuration (`frameworks`, `--framework`) names this file's framework: it is a migration. */
  claims?: (file: string) => boolean | Promise<boolean>;
  /** Where the files' text and neighbours are read (the disk by default). */
  fs?: FileSystem;
  /**
   * Files already taken as migrations (named on the command line, as a walk names them): a walk keeps them without
   * looking at them again. The folders beside a long list of named files are walked for their history, and checking
   * each named file again was most of that walk.
   */
  known?: ReadonlySet<string>;
  /**
   * Told, for each folder a walk read whole (by its absolute path), the config file names it holds
   * (CONFIG_FILE_NAMES), usually none: the config search then need not look for each name in each folder.
   */
  listed?: (dir: string, configFiles: string[]) => void;
}

/**
 * A folder that holds migrations by name: `migrations`, `db_migrations`, `migration`, `migrate`, sqitch's `deploy`,
 * Drizzle's `drizzle`, Alembic's `versions`. Loose `.sql` files elsewhere are query files or seeds.
 */
const MIGRATION_DIR = /^(?:[\w.-]*[_-])?migrations?$|^(?:migrate|deploy|drizzle|versions)$/i;
/** A versioned file name (`0001_init.sql`, `20240101120000_add.sql`, `V3__x.sql`): a migration wherever it lives. */
const VERSIONED_NAME = /^(?:\d{3,}|[VU]\d+(?:[._]\d+)*_)[_.-]?[^/]*\.sql$/i;
/** A JS/TS module that exports a migration: `exports.up`, `export async function up`, `up: async (…)`, `async up(`. */
const JS_MIGRATION =
  /\bexports\.up\b|\bexport\s+(?:async\s+)?function\s+up\b|\bexport\s+const\s+up\b|\bup\s*:\s*(?:async\b|function\b|\()|\basync\s+up\s*\(|\bup\s*\([^)]*\)\s*(?::[^{]*)?\{/;

/** A folder of another database's migrations, beside a `postgresql/` one. */
const OTHER_DATABASE = /^(?:sqlite3?|mysql|mariadb|mssql|sqlserver|oracle|clickhouse)$/i;

/** What a file's folders say (in a migration folder, in another database's), by folder: a walk meets each folder's files in turn. */
const folderFacts = new Map<string, { inFolder: boolean; otherDatabase: boolean }>();

function factsOfFolder(dir: string): { inFolder: boolean; otherDatabase: boolean } {
  let facts = folderFacts.get(dir);
  if (!facts) {
    const parts = dir.split(/[\\/]/);
    facts = { inFolder: parts.some((part) => MIGRATION_DIR.test(part)), otherDatabase: parts.some((part) => OTHER_DATABASE.test(part)) };
    folderFacts.set(dir, facts);
  }
  return facts;
}

/**
 * Whether a file a walk found is a migration: some framework claims it from its path, its content or the files
 * beside it. 'skip' with a reason otherwise; 'ignore' for source files outside migration folders (not worth a word).
 */
export function classifyWalked(abs: string, fs: FileSystem): { keep: true } | { keep: false; reason?: SkippedFile['reason'] } {
  const { inFolder, otherDatabase } = factsOfFolder(path.dirname(abs));
  // SQL in a migration folder or with a versioned name is kept on its path alone: not read here (the text of a long
  // history was read twice, here and for the lint).
  const sql = /\.sql$/i.test(abs);
  const byPath = sql && (inFolder || VERSIONED_NAME.test(path.basename(abs)));
  const text = byPath ? '' : fs.readFile(abs);
  if (text === undefined) return { keep: true }; // Unreadable: linting it reports why.
  // Migrations kept per database (versions/sqlite/, migrations/mysql/): migralint lints PostgreSQL's.
  if (otherDatabase) return { keep: false, reason: 'other-database' };
  if (sql) {
    if (byPath || detectFramework(abs, text, fs, ['sql']) !== 'psql') return { keep: true };
    return { keep: false, reason: 'outside-migrations' };
  }
  // A file of a host language (Python, Ruby, C#, Elixir, PHP, a Liquibase changelog): a migration when a module of that language recognises it.
  for (const [language, spec] of Object.entries(LANGUAGES) as Array<[Language, (typeof LANGUAGES)[Language]]>) {
    if (!spec.unrecognised || !spec.extension.test(abs)) continue;
    if (detectFramework(abs, text, fs, [language]) !== 'psql') return { keep: true };
    return { keep: false, ...(inFolder && !spec.quiet ? { reason: 'not-a-migration' as const } : {}) };
  }
  // JS/TS: a module that exports an up migration.
  if (JS_MIGRATION.test(text)) return { keep: true };
  return { keep: false, ...(inFolder ? { reason: 'not-a-migration' as const } : {}) };
}

const IGNORE = ['**/node_modules/**', '**/.git/**', '**/dist/**'];
/** The folders IGNORE leaves out, by name (a walk never enters a dot folder either). */
const IGNORED_DIRS = new Set(['node_modules', '.git', 'dist']);

/** The extensions of CANDIDATES (each a pattern for every file with one extension or a brace list of them), or null when one is another kind of glob. */
let candidateExtensions: ReadonlySet<string> | null | undefined;
function extensionsOfCandidates(): ReadonlySet<string> | null {
  if (candidateExtensions !== undefined) return candidateExtensions;
  const out = new Set<string>();
  for (const p of CANDIDATES) {
    const m = /^\*\*\/\*\.(?:(\w+)|\{(\w+(?:,\w+)*)\})$/.exec(p);
    if (!m) return (candidateExtensions = null);
    for (const ext of (m[1] ?? m[2]!).split(',')) out.add(ext);
  }
  return (candidateExtensions = out);
}

/**
 * The files under `root` that `glob(CANDIDATES, { cwd: root, ignore: IGNORE, dot: false })` finds, in no particular
 * order, read with readdir alone: tinyglobby compiles its patterns into regular expressions on every call, most of
 * the walk of a few folders in a warm run. Null when the tree holds a symbolic link (tinyglobby resolves
 * those) or the patterns are not plain extensions: the caller globs then.
 */
function walkCandidates(root: string, listed?: DiscoverOptions['listed']): string[] | null {
  const extensions = extensionsOfCandidates();
  if (!extensions) return null;
  const out: string[] = [];
  // Under a normal absolute root a folder's path is its parent's and its name (path.join would normalise each).
  const normal = isNormalAbsolute(root);
  const joinDir = normal ? (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`) : path.join;
  // Folders are named by their absolute path only under a normal absolute root.
  const tell = normal ? listed : undefined;
  const walk = (dir: string, rel: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // As the glob: a folder that cannot be read is passed over.
      return true;
    }
    let configFiles: string[] | undefined;
    for (const e of entries) {
      const name = e.name;
      // A config's name (whatever the entry is: the search judges it), looked up only for the few first letters.
      const first = name.charCodeAt(0);
      if (tell && (first === 46 || first === 109 || first === 112) && CONFIG_FILE_NAMES.has(name)) (configFiles ??= []).push(name);
      // dot: false, as the glob: no dot files or folders.
      if (first === 46) continue;
      if (e.isSymbolicLink()) return false;
      if (e.isDirectory()) {
        if (IGNORED_DIRS.has(name)) continue;
        if (!walk(joinDir(dir, name), `${rel}${name}/`)) return false;
      } else if (e.isFile()) {
        const dot = name.lastIndexOf('.');
        if (dot > 0 && extensions.has(name.slice(dot + 1))) out.push(rel + name);
      }
    }
    // Only a folder read whole: a walk given up (a symbolic link) has not seen all its names.
    tell?.(dir, configFiles ?? []);
    return true;
  };
  return walk(root, '') ? out : null;
}

/**
 * Expands CLI paths into migration files: files as given (whatever their extension), directories walked for
 * every framework's migration files, globs expanded. With no paths, the usual migration folders are looked in.
 */
export async function discover(paths: string[], cwd: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const { exclude = [], claims, fs = rawDisk, known, listed } = options;
  const files = new Set<string>();
  const problems: string[] = [];
  const skipped = new Map<string, SkippedFile>();
  let inputs = paths;
  if (inputs.length === 0) {
    inputs = DEFAULT_FOLDERS.filter((dir) => {
      try {
        return statSync(path.resolve(cwd, dir)).isDirectory();
      } catch {
        return false;
      }
    });
    // A Django project (manage.py, <app>/migrations/), an Alembic or a Diesel project at the root: walk it.
    if (inputs.length === 0 && PROJECT_MARKERS.some((f) => isFile(path.resolve(cwd, f)))) inputs = ['.'];
    // Inside an Alembic project (env.py or alembic.ini here or a few folders up: versions/, versions/postgresql/): walk from here.
    if (inputs.length === 0 && insideAlembic(cwd)) inputs = ['.'];
    if (inputs.length === 0) {
      problems.push(`no paths given and none of the usual migration folders exist here (${DEFAULT_FOLDERS.join(', ')})`);
      return { files: [], problems, skipped: [] };
    }
  }
  for (const input of inputs) {
    if (/[*?[\]{}!]/.test(input)) {
      const { glob } = await import('tinyglobby');
      const found = await glob(input, { cwd, ignore: [...IGNORE, ...exclude], absolute: false, dot: false });
      if (found.length === 0) problems.push(`${input}: no files match`);
      for (const f of found) files.add(path.normalize(f));
      continue;
    }
    let stat;
    try {
      stat = statSync(resolvePath(cwd, input));
    } catch {
      problems.push(`${input}: no such file or directory`);
      continue;
    }
    if (stat.isDirectory()) {
      // Every file of a kind migrations are written in, kept when its whole path matches a framework's pattern:
      // matching the path from the walked folder alone would miss `alembic/versions` itself, say.
      const root = resolvePath(cwd, input);
      let candidates = exclude.length === 0 ? walkCandidates(root, listed) : null;
      if (!candidates) {
        const { glob } = await import('tinyglobby');
        candidates = await glob(CANDIDATES, { cwd: root, ignore: [...IGNORE, ...exclude], dot: false });
      }
      const found: string[] = [];
      // A walked path (names joined by '/', never '.' or '..') under a folder named normally is joined as a string:
      // path.join and path.normalize go through it a character at a time, a long history's paths twice each.
      const under = (dir: string) => (isNormalAbsolute(dir) ? (dir === '/' ? dir : `${dir}/`) : undefined);
      const inputPrefix = under(input);
      const rootPrefix = under(root);
      for (const f of candidates) {
        const rel = inputPrefix !== undefined ? inputPrefix + f : path.normalize(path.join(input, f));
        if (known?.has(rel)) {
          found.push(rel);
          continue;
        }
        const abs = rootPrefix !== undefined ? rootPrefix + f : path.join(root, f);
        // Schema dumps (Rails' db/structure.sql) are never migrations.
        if (!isMigrationPath(abs) || isRollbackOnly(f) || notMigration(abs, fs)) continue;
        // Only what some framework (or the configuration) claims as a migration is linted from a walk.
        const verdict = (await claims?.(rel)) ? { keep: true as const } : classifyWalked(abs, fs);
        if (verdict.keep) found.push(rel);
        else if (verdict.reason) skipped.set(rel, { filePath: rel, reason: verdict.reason });
      }
      if (found.length === 0) problems.push(`${input}: no migration files in this directory`);
      for (const f of found) files.add(f);
    } else if (!readable(input)) {
      problems.push(
        `${input}: not a migration migralint reads (it reads SQL files, Alembic and Django migrations in Python, Rails migrations in Ruby, JS/TS migrations, EF Core migrations in C#, Ecto migrations in Elixir, Laravel migrations in PHP and Liquibase changelogs); nothing in it was linted`,
      );
    } else files.add(normalizePath(input));
  }
  for (const f of files) skipped.delete(f);
  return { files: [...files].sort(), problems, skipped: [...skipped.values()].sort((a, b) => a.filePath.localeCompare(b.filePath)) };
}

/** DiscoverOptions.claims from the configuration: `--framework` claims every file, config `frameworks` the files its globs match. */
export function configClaims(resolver: ConfigResolver, cwd: string, framework?: string): (file: string) => Promise<boolean> {
  return async (file) => {
    if (framework) return true;
    const abs = resolvePath(cwd, file);
    const loaded = resolver.loadedFor(abs) ?? (await resolver.forFile(abs));
    return frameworkFromConfig(loaded.config, loaded.dir, abs) !== undefined;
  };
}

/** The one note about loose `.sql` files a walk skipped: how many, an example, and how to include them. */
export function skippedNote(skipped: SkippedFile[], cwd: string): string | undefined {
  const loose = skipped.filter((s) => s.reason === 'outside-migrations');
  if (loose.length === 0) return undefined;
  const n = loose.length;
  const them = n === 1 ? 'it' : 'them';
  const example = shown(loose[0]!.filePath, cwd);
  return `${n} .sql file${n === 1 ? '' : 's'} outside migration folders ${n === 1 ? 'was' : 'were'} not linted (query files, seeds …; e.g. ${example}). To lint ${them} as migrations, name ${them} on the command line, or map ${them} in the config: "frameworks": { "${suggestGlob(example)}": "psql" }`;
}

/** A path as the user reads it: relative to cwd when under it. */
function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(cwd, file);
}

/** A config glob for the folder of `file` (config globs are relative to the config file, usually at the root). */
function suggestGlob(file: string): string {
  if (path.isAbsolute(file)) return `**/${path.basename(path.dirname(file))}/**/*.sql`;
  const dir = path.dirname(file).split(path.sep).join('/');
  return dir === '.' ? '*.sql' : `${dir}/**/*.sql`;
}

function insideAlembic(cwd: string): boolean {
  let dir = path.resolve(cwd);
  for (let i = 0; i < 4; i++) {
    if (isFile(path.join(dir, 'env.py')) || isFile(path.join(dir, 'alembic.ini'))) return true;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return false;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
