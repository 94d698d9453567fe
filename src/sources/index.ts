import { NO_FILES, type FileSystem } from '../fs.js';
import type { FrameworkId } from '../types.js';
import type { FrameworkAdapter } from './adapter.js';
import { detectSqlFramework } from './detect.js';
import { dbMigrateAdapter, detectJsFramework, knexAdapter, kyselyAdapter, nodePgMigrateAdapter, sequelizeAdapter, typeormAdapter } from './js/frameworks.js';
import { unknownJsAdapter } from './js/unknown.js';
import { psqlAdapter } from './psql.js';
import { alembicAdapter } from './python/alembic.js';
import { djangoAdapter } from './python/django.js';
import { detectPython } from './python/detect.js';
import { SQL_RUNNER_ADAPTERS } from './sql-runners.js';

/** Every framework adapter, by id. A framework is one adapter. */
export const ADAPTERS: Partial<Record<FrameworkId, FrameworkAdapter>> = {
  psql: psqlAdapter,
  alembic: alembicAdapter,
  django: djangoAdapter,
  ...Object.fromEntries(SQL_RUNNER_ADAPTERS.map((a) => [a.id, a])),
  knex: knexAdapter,
  typeorm: typeormAdapter,
  'node-pg-migrate': nodePgMigrateAdapter,
  sequelize: sequelizeAdapter,
  kysely: kyselyAdapter,
  'db-migrate': dbMigrateAdapter,
  js: unknownJsAdapter,
};

export function adapterFor(id: FrameworkId): FrameworkAdapter {
  return ADAPTERS[id] ?? psqlAdapter;
}

/** The framework names `--framework` and config `frameworks` accept. */
export function knownFrameworks(): FrameworkId[] {
  return Object.keys(ADAPTERS) as FrameworkId[];
}

/** Where each framework keeps its migrations: the file patterns a directory is walked for. */
export const MIGRATION_GLOBS_BY_FRAMEWORK: Array<{ framework: FrameworkId; glob: string }> = [
  { framework: 'drizzle', glob: '**/drizzle/*.sql' },
  { framework: 'drizzle', glob: '**/drizzle/*/migration.sql' },
  { framework: 'prisma', glob: '**/migrations/*/migration.sql' },
  { framework: 'flyway', glob: '**/{V,U,R}*__*.sql' },
  { framework: 'golang-migrate', glob: '**/*.{up,down}.sql' },
  { framework: 'goose', glob: '**/migrations/*.sql' },
  { framework: 'dbmate', glob: '**/db/migrations/*.sql' },
  { framework: 'sqitch', glob: '**/{deploy,revert,verify}/*.sql' },
  { framework: 'graphile-migrate', glob: '**/migrations/{committed/*,current,current/*}.sql' },
  { framework: 'supabase', glob: '**/supabase/migrations/*.sql' },
  { framework: 'diesel', glob: '**/migrations/*/{up,down}.sql' },
  { framework: 'sqlx', glob: '**/migrations/*.sql' },
  { framework: 'atlas', glob: '**/migrations/*.sql' },
  { framework: 'psql', glob: '**/*.sql' },
  // JS/TS migrations (Knex, TypeORM, node-pg-migrate, Sequelize, Kysely, db-migrate) are told apart by content.
  { framework: 'knex', glob: '**/*.{js,cjs,mjs,ts,cts,mts}' },
  // Python migrations: Alembic revisions and Django app migrations.
  { framework: 'alembic', glob: '**/versions/*.py' },
  // Revisions kept per dialect or branch: versions/postgresql/*.py.
  { framework: 'alembic', glob: '**/versions/*/*.py' },
  { framework: 'django', glob: '**/migrations/[0-9][0-9][0-9][0-9]_*.py' },
];

/** File patterns a directory is walked for. Each framework adds its own. */
export const MIGRATION_GLOBS: string[] = [...new Set(MIGRATION_GLOBS_BY_FRAMEWORK.map((g) => g.glob))];

/** Where migrations usually live, looked in when migralint runs with no paths. */
export const DEFAULT_FOLDERS: string[] = [
  'migrations',
  'db/migrations',
  'db/migration',
  'drizzle',
  'prisma/migrations',
  'supabase/migrations',
  'src/main/resources/db/migration',
  'deploy',
  'alembic/versions',
  'alembic',
  'sql',
];

/** Which framework a file belongs to, from its path and content (and the files beside it). Plain psql otherwise. */
export function detectFramework(filePath: string, text: string, fs: FileSystem = NO_FILES): FrameworkId {
  const py = detectPython(filePath, text);
  if (py) return py;
  const js = detectJsFramework(filePath, text);
  if (js) return js;
  return detectSqlFramework(filePath, text, fs);
}

/**
 * Why a file cannot be linted as a migration of any framework (a Python file that is neither an Alembic nor a
 * Django migration …), or null. Directory walks skip such files; named explicitly, they are reported.
 */
export function unrecognised(filePath: string, text: string): string | null {
  if (/\.py$/i.test(filePath) && !detectPython(filePath, text)) {
    return 'Not a migration migralint recognises: a Python file that is neither an Alembic revision (`from alembic import op`, `revision = …`, `def upgrade()`) nor a Django migration (`class Migration(migrations.Migration)`). Nothing in it was linted.';
  }
  return null;
}
