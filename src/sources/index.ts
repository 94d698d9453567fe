import path from 'node:path';
import type { FrameworkId } from '../types.js';
import type { FrameworkAdapter } from './adapter.js';
import { detectSqlFramework } from './detect.js';
import { psqlAdapter } from './psql.js';
import { SQL_RUNNER_ADAPTERS } from './sql-runners.js';

/** Every framework adapter, by id. A framework is one adapter. */
export const ADAPTERS: Partial<Record<FrameworkId, FrameworkAdapter>> = {
  psql: psqlAdapter,
  ...Object.fromEntries(SQL_RUNNER_ADAPTERS.map((a) => [a.id, a])),
};

export function adapterFor(id: FrameworkId): FrameworkAdapter {
  return ADAPTERS[id] ?? psqlAdapter;
}

/** The framework names `--framework` and config `frameworks` accept. */
export function knownFrameworks(): FrameworkId[] {
  return Object.keys(ADAPTERS) as FrameworkId[];
}

/** Thrown for a framework name migralint does not know; the CLI exits 2 with its message. */
export class UnknownFrameworkError extends Error {
  constructor(
    readonly given: string,
    readonly known: FrameworkId[],
    where: string,
  ) {
    super(`Unknown framework "${given}"${where ? ` in ${where}` : ''}. Known frameworks: ${known.join(', ')}.`);
    this.name = 'UnknownFrameworkError';
  }
}

/** A framework name as users write it (`--framework goose`), checked: throws UnknownFrameworkError when unknown. */
export function parseFrameworkName(name: string, where = ''): FrameworkId {
  const id = name.trim().toLowerCase();
  if (id in ADAPTERS) return id as FrameworkId;
  throw new UnknownFrameworkError(name, knownFrameworks(), where);
}

/** Glob (`**`, `*`, `?`, `{a,b}`) → RegExp over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, close)
          .split(',')
          .map((p) => p.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Config `frameworks: { "<glob>": "<framework>" }`: the framework of the first glob matching the file's path
 * (relative to `cwd`, `/`-separated; a glob without `/` also matches the base name). Unknown names throw.
 */
export function frameworkFromConfig(filePath: string, frameworks: Record<string, string> | undefined, cwd = process.cwd()): FrameworkId | undefined {
  if (!frameworks) return undefined;
  const rel = path.relative(cwd, path.resolve(cwd, filePath)).split(path.sep).join('/');
  for (const [glob, name] of Object.entries(frameworks)) {
    const re = globToRegExp(glob.replace(/^\.\//, ''));
    if (re.test(rel) || (!glob.includes('/') && re.test(path.basename(rel)))) return parseFrameworkName(name, `config frameworks["${glob}"]`);
  }
  return undefined;
}

/** Which framework a file belongs to, from its path and content (and the files beside it). Plain psql otherwise. */
export function detectFramework(filePath: string, text: string): FrameworkId {
  return detectSqlFramework(filePath, text);
}

/** File patterns per framework, for walking directories. */
export const MIGRATION_GLOBS: Array<{ framework: FrameworkId; glob: string }> = [
  { framework: 'drizzle', glob: '**/drizzle/*.sql' },
  { framework: 'drizzle', glob: '**/drizzle/*/migration.sql' },
  { framework: 'prisma', glob: '**/migrations/*/migration.sql' },
  { framework: 'flyway', glob: '**/{V,U,R}*__*.sql' },
  { framework: 'golang-migrate', glob: '**/*.{up,down}.sql' },
  { framework: 'goose', glob: '**/migrations/*.sql' },
  { framework: 'dbmate', glob: '**/db/migrations/*.sql' },
  { framework: 'sqitch', glob: '**/{deploy,revert}/*.sql' },
  { framework: 'graphile-migrate', glob: '**/migrations/{committed/*,current,current/*}.sql' },
  { framework: 'supabase', glob: '**/supabase/migrations/*.sql' },
  { framework: 'diesel', glob: '**/migrations/*/{up,down}.sql' },
  { framework: 'sqlx', glob: '**/migrations/*.sql' },
  { framework: 'atlas', glob: '**/migrations/*.sql' },
  { framework: 'psql', glob: '**/*.sql' },
];

/** Folders to look in when migralint runs with no paths. */
export const DEFAULT_FOLDERS: string[] = [
  'drizzle',
  'prisma/migrations',
  'migrations',
  'db/migrations',
  'db/migrate',
  'supabase/migrations',
  'src/main/resources/db/migration',
  'db/migration',
  'deploy',
  'alembic/versions',
  'sql',
];
