import path from 'node:path';
import { NO_FILES, type FileSystem } from '../fs.js';
import type { FrameworkAdapter } from '../sources/adapter.js';
import { loadPython } from '../sources/python/tree.js';
import { loadRuby } from '../sources/ruby/tree.js';
import { loadPhp } from '../sources/php/tree.js';
import { loadCSharp } from '../sources/csharp/tree.js';
import type { FrameworkId } from '../types.js';
import { alembic } from './alembic/index.js';
import { atlas } from './atlas/index.js';
import { dbMigrate } from './db-migrate/index.js';
import { dbmate } from './dbmate/index.js';
import { diesel } from './diesel/index.js';
import { django } from './django/index.js';
import { drizzle } from './drizzle/index.js';
import { efCore } from './ef-core/index.js';
import { ecto } from './ecto/index.js';
import { flyway } from './flyway/index.js';
import { golangMigrate } from './golang-migrate/index.js';
import { goose } from './goose/index.js';
import { graphileMigrate } from './graphile-migrate/index.js';
import { knex } from './knex/index.js';
import { kysely } from './kysely/index.js';
import { laravel } from './laravel/index.js';
import { liquibase } from './liquibase/index.js';
import { nodePgMigrate } from './node-pg-migrate/index.js';
import { prisma } from './prisma/index.js';
import { psql } from './psql/index.js';
import { rails } from './rails/index.js';
import { sequelize } from './sequelize/index.js';
import { sqitch } from './sqitch/index.js';
import { sqlx } from './sqlx/index.js';
import { supabase } from './supabase/index.js';
import { typeorm } from './typeorm/index.js';
import { unknownJs } from './js/index.js';
import type { DeployedBaseline, DetectInput, DetectRule, FrameworkModule, Language } from './types.js';
import { resolvePath } from '../paths.js';

/**
 * The registry: every framework module. Adding a framework is adding its module here (and its id to FrameworkId);
 * detection, discovery, history order, extraction and fixes read it from this list. The order of the list decides
 * nothing: detection follows the rules' declared priorities (it is the order `--framework` lists the names in).
 */
export const FRAMEWORKS: readonly FrameworkModule[] = [
  psql,
  alembic,
  django,
  drizzle,
  prisma,
  flyway,
  golangMigrate,
  goose,
  dbmate,
  sqitch,
  graphileMigrate,
  supabase,
  diesel,
  sqlx,
  atlas,
  knex,
  typeorm,
  nodePgMigrate,
  sequelize,
  kysely,
  dbMigrate,
  rails,
  liquibase,
  laravel,
  efCore,
  ecto,
  unknownJs,
];

const BY_ID = new Map<FrameworkId, FrameworkModule>(FRAMEWORKS.map((m) => [m.id, m]));

/** The module of a framework id (psql's for an id no module has). */
/** The baseline a migration tool's own configuration sets for this migration (strong_migrations' start_after), if any. */
export function deployedBaseline(file: string, fs: FileSystem): DeployedBaseline | undefined {
  for (const m of FRAMEWORKS) {
    const b = m.deployedBaseline?.(file, fs);
    if (b) return b;
  }
  return undefined;
}

export function frameworkModule(id: FrameworkId): FrameworkModule {
  return BY_ID.get(id) ?? psql;
}

/** Every detection rule of every module, highest priority first. */
export const DETECT_RULES: ReadonlyArray<DetectRule & { framework: FrameworkId; language: Language }> = FRAMEWORKS.flatMap((m) =>
  m.detect.map((r) => ({ ...r, framework: m.id, language: r.language ?? m.language })),
).sort((a, b) => b.priority - a.priority);

function detectInput(filePath: string, text: string, fs: FileSystem): DetectInput {
  // A relative path is under the run's directory (the FileSystem's), which may not be the process's.
  const abs = resolvePath(fs.cwd ?? '', filePath);
  const dir = path.dirname(abs);
  const folder = folderOf(dir);
  return {
    path: filePath,
    posix: path.sep === '/' ? abs : abs.split(path.sep).join('/'),
    dir,
    base: path.basename(abs),
    parentName: folder.name,
    grand: folder.parent,
    text,
    fs,
  };
}

/** A folder's name and the folder above it, by folder: detection meets a history's files one folder at a time. */
let lastFolder: { dir: string; name: string; parent: string } | undefined;

function folderOf(dir: string): { name: string; parent: string } {
  if (lastFolder?.dir !== dir) lastFolder = { dir, name: path.basename(dir), parent: path.dirname(dir) };
  return lastFolder;
}

/**
 * Which framework a file belongs to, from its path, its content and the files beside it (read through the
 * FileSystem the caller gives): the first rule, by priority, that recognises it. `languages` limits the rules tried.
 */
export function detectFramework(filePath: string, text: string, fs: FileSystem = NO_FILES, languages?: Language[]): FrameworkId {
  return firstRule(detectInput(filePath, text, fs), languages)?.framework ?? 'psql';
}

/** The first rule, by priority, that recognises the file (of `languages` when given). */
function firstRule(input: DetectInput, languages?: Language[]): (typeof DETECT_RULES)[number] | undefined {
  for (const rule of DETECT_RULES) {
    if (languages && !languages.includes(rule.language)) continue;
    if (rule.test(input)) return rule;
  }
  return undefined;
}

/** The host languages: how their files are named, and what a file of the language no module recognises is. */
/**
 * `quiet`: a file of the kind that no module recognises is not worth a word in a walk's report (XML, YAML and JSON
 * beside migrations are mostly a tool's own files: Drizzle's journal, a pom.xml).
 */
export const LANGUAGES: Record<Language, { extension: RegExp; walk: string; unrecognised?: string; load?: () => Promise<void>; quiet?: boolean }> = {
  sql: { extension: /\.sql$/i, walk: '**/*.sql' },
  python: {
    extension: /\.py$/i,
    walk: '**/*.py',
    load: loadPython,
    unrecognised:
      'Not a migration migralint recognises: a Python file that is neither an Alembic revision (`from alembic import op`, `revision = …`, `def upgrade()`) nor a Django migration (`class Migration(migrations.Migration)`). Nothing in it was linted.',
  },
  js: { extension: /\.(c|m)?(j|t)sx?$/i, walk: '**/*.{js,cjs,mjs,ts,cts,mts}' },
  ruby: {
    extension: /\.rb$/i,
    walk: '**/*.rb',
    load: loadRuby,
    unrecognised:
      'Not a migration migralint recognises: a Ruby file that is not a Rails migration (a class inheriting from `ActiveRecord::Migration`). Nothing in it was linted.',
  },
  csharp: {
    extension: /\.cs$/i,
    walk: '**/*.cs',
    load: loadCSharp,
    unrecognised:
      'Not a migration migralint recognises: a C# file that is not an EF Core migration (a class overriding `Up(MigrationBuilder …)`). Nothing in it was linted.',
  },
  elixir: {
    extension: /\.exs$/i,
    walk: '**/*.exs',
    unrecognised: 'Not a migration migralint recognises: an Elixir script that is not an Ecto migration (`use Ecto.Migration`). Nothing in it was linted.',
  },
  php: {
    extension: /\.php$/i,
    walk: '**/*.php',
    load: loadPhp,
    unrecognised: 'Not a migration migralint recognises: a PHP file that is not a Laravel migration (a class extending `Migration`). Nothing in it was linted.',
  },
  changelog: {
    extension: /\.(xml|ya?ml|json)$/i,
    walk: '**/*.{xml,yaml,yml,json}',
    quiet: true,
    unrecognised:
      'Not a migration migralint recognises: an XML, YAML or JSON file that is not a Liquibase changelog (a `databaseChangeLog` document). Nothing in it was linted.',
  },
};

/**
 * Why a file cannot be linted as a migration of any framework (a Python file that is neither an Alembic nor a
 * Django migration …), or null. Directory walks skip such files; named explicitly, they are reported.
 */
export function unrecognised(filePath: string, text: string, fs: FileSystem = NO_FILES): string | null {
  const dump = notMigration(filePath, fs);
  if (dump) return dump;
  for (const [language, spec] of HOST_LANGUAGES) {
    if (!spec.extension.test(filePath)) continue;
    if (frameworkModule(detectFramework(filePath, text, fs, [language])).language !== language) return spec.unrecognised;
  }
  return null;
}

/** The languages whose files no module recognises are not migrations (all but SQL), with what is said of such a file. */
const HOST_LANGUAGES = (Object.entries(LANGUAGES) as Array<[Language, (typeof LANGUAGES)[Language]]>).flatMap(([language, spec]) =>
  spec.unrecognised ? [[language, { extension: spec.extension, unrecognised: spec.unrecognised }] as const] : [],
);

/**
 * unrecognised() and detectFramework() at once: why the file is not a migration, or its framework. The rules are
 * tried once in the usual case: when the first rule of all that recognises the file is of the file's own language,
 * it is also the first of that language's (what unrecognised() asks), and the files it consulted are the same.
 */
export function recognise(filePath: string, text: string, fs: FileSystem = NO_FILES): Recognised {
  // A run asks twice of each file (planning the history, then linting it): the second time, when the same text meets
  // the same answers from the files beside it, the answer is the same. Those files are asked again, in the same
  // order, so a caller that records what detection consulted (the lint cache) sees the same questions.
  const seen = recognitions.get(filePath);
  if (seen && seen.text === text && seen.cwd === fs.cwd && answersAgain(seen.asked, fs)) return { ...seen.answer };
  const asked: Asked[] = [];
  const answer = recogniseAnew(filePath, text, asking(fs, asked));
  if (recognitions.size >= MAX_RECOGNITIONS) recognitions.clear();
  recognitions.set(filePath, { text, cwd: fs.cwd, asked, answer });
  return { ...answer };
}

type Recognised = { framework: FrameworkId } | { unrecognised: string };

/** A question detection asked the file system, and its answer. */
type Asked =
  | { ask: 'readFile'; path: string; got: string | undefined }
  | { ask: 'exists'; path: string; got: boolean }
  | { ask: 'listDir'; path: string; got: string[] | undefined };

/** Each file's last recognise(): the text and run directory it was asked with, the questions it asked, its answer. */
const recognitions = new Map<string, { text: string; cwd: string | undefined; asked: Asked[]; answer: Recognised }>();
/** A bound on the memory: a run over more files starts over. */
const MAX_RECOGNITIONS = 20_000;

/** `fs`, writing down each question and answer. */
function asking(fs: FileSystem, asked: Asked[]): FileSystem {
  return {
    readFile: (p) => {
      const got = fs.readFile(p);
      asked.push({ ask: 'readFile', path: p, got });
      return got;
    },
    exists: (p) => {
      const got = fs.exists(p);
      asked.push({ ask: 'exists', path: p, got });
      return got;
    },
    listDir: (p) => {
      const got = fs.listDir(p);
      asked.push({ ask: 'listDir', path: p, got });
      return got;
    },
    ...(fs.cwd !== undefined ? { cwd: fs.cwd } : {}),
  };
}

/** Whether `fs` gives the same answers to the same questions, asked in order (up to the first that differs). */
function answersAgain(asked: Asked[], fs: FileSystem): boolean {
  for (const q of asked) {
    if (q.ask === 'exists') {
      if (fs.exists(q.path) !== q.got) return false;
    } else if (q.ask === 'readFile') {
      if (fs.readFile(q.path) !== q.got) return false;
    } else {
      const got = fs.listDir(q.path);
      if (got !== q.got && (!got || !q.got || got.length !== q.got.length || got.some((name, i) => name !== q.got![i]))) return false;
    }
  }
  return true;
}

function recogniseAnew(filePath: string, text: string, fs: FileSystem): Recognised {
  // One input for both questions: notMigration() reads only the path and the files beside it.
  const input = detectInput(filePath, text, fs);
  const dump = notMigrationOf(input);
  if (dump) return { unrecognised: dump };
  const first = firstRule(input);
  for (const [language, spec] of HOST_LANGUAGES) {
    if (!spec.extension.test(filePath)) continue;
    const own = first?.language === language ? first : firstRule(input, [language]);
    if (frameworkModule(own?.framework ?? 'psql').language !== language) return { unrecognised: spec.unrecognised };
  }
  return { framework: first?.framework ?? 'psql' };
}

/** Why a file a tool keeps beside its migrations is not one (a schema dump), from its path and neighbours; or null. */
export function notMigration(filePath: string, fs: FileSystem = NO_FILES): string | null {
  return notMigrationOf(detectInput(filePath, '', fs));
}

/** The modules that know files kept beside their migrations that are not migrations (schema dumps). */
const KNOW_DUMPS = FRAMEWORKS.filter((m) => m.notMigration);

function notMigrationOf(input: DetectInput): string | null {
  for (const m of KNOW_DUMPS) {
    const dump = m.notMigration!(input);
    if (dump) return dump;
  }
  return null;
}

/** Loads the grammars of the languages these files are written in (tree-sitter Python, Ruby): once per process. */
export async function loadLanguagesFor(paths: string[] | 'all'): Promise<void> {
  await Promise.all(Object.values(LANGUAGES).map((l) => (l.load && (paths === 'all' || paths.some((p) => l.extension.test(p))) ? l.load() : undefined)));
}

/** Every framework adapter, by id. */
export const ADAPTERS: Record<FrameworkId, FrameworkAdapter> = Object.fromEntries(FRAMEWORKS.map((m) => [m.id, m.adapter])) as Record<
  FrameworkId,
  FrameworkAdapter
>;

/** Where each framework keeps its migrations: the file patterns a directory is walked for. */
export const MIGRATION_GLOBS_BY_FRAMEWORK: Array<{ framework: FrameworkId; glob: string }> = FRAMEWORKS.flatMap((m) =>
  m.discovery.globs.map((glob) => ({ framework: m.id, glob })),
);

/** File patterns a directory is walked for. Each framework adds its own. */
export const MIGRATION_GLOBS: string[] = [...new Set(MIGRATION_GLOBS_BY_FRAMEWORK.map((g) => g.glob))];

/** Where migrations usually live, looked in when migralint runs with no paths. */
export const DEFAULT_FOLDERS: string[] = [...new Set(FRAMEWORKS.flatMap((m) => m.discovery.folders))];

/** Files at a project root that say the project itself is to be walked (manage.py, alembic.ini, diesel.toml). */
export const PROJECT_MARKERS: string[] = [...new Set(FRAMEWORKS.flatMap((m) => m.discovery.markers ?? []))];

/** The kinds of file migrations are written in: what a directory walk lists before matching MIGRATION_GLOBS. */
export const WALK_PATTERNS: string[] = [...new Set(FRAMEWORKS.map((m) => LANGUAGES[m.language].walk))];

/** The source a generated migration comes from, where a type change belongs (Prisma's schema …); undefined for hand-written files. */
export function generatedFrom(framework: FrameworkId, text: string): string | undefined {
  return frameworkModule(framework).generatedFrom?.(text);
}
