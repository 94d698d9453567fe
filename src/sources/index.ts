import type { FrameworkId } from '../types.js';
import type { FrameworkAdapter } from './adapter.js';
import { dbMigrateAdapter, detectJsFramework, knexAdapter, kyselyAdapter, nodePgMigrateAdapter, sequelizeAdapter, typeormAdapter } from './js/frameworks.js';
import { psqlAdapter } from './psql.js';
import { alembicAdapter } from './python/alembic.js';
import { djangoAdapter } from './python/django.js';
import { detectPython } from './python/detect.js';

/** Every framework adapter, by id. A framework is one adapter. */
export const ADAPTERS: Partial<Record<FrameworkId, FrameworkAdapter>> = {
  psql: psqlAdapter,
  alembic: alembicAdapter,
  django: djangoAdapter,
  knex: knexAdapter,
  typeorm: typeormAdapter,
  'node-pg-migrate': nodePgMigrateAdapter,
  sequelize: sequelizeAdapter,
  kysely: kyselyAdapter,
  'db-migrate': dbMigrateAdapter,
};

export function adapterFor(id: FrameworkId): FrameworkAdapter {
  return ADAPTERS[id] ?? psqlAdapter;
}

export function knownFrameworks(): FrameworkId[] {
  return Object.keys(ADAPTERS) as FrameworkId[];
}

/** File patterns a directory is walked for. Each framework adds its own. */
export const MIGRATION_GLOBS: string[] = ['**/*.sql', '**/*.{js,cjs,mjs,ts,cts,mts}', '**/versions/*.py', '**/migrations/[0-9][0-9][0-9][0-9]_*.py'];

/** Where migrations usually live, looked in when migralint runs with no paths. */
export const DEFAULT_FOLDERS: string[] = ['migrations', 'db/migrations', 'drizzle', 'prisma/migrations', 'supabase/migrations', 'sql', 'alembic'];

/** Which framework a file belongs to, from its path and content. Plain psql when nothing else matches. */
export function detectFramework(filePath: string, text: string): FrameworkId {
  const py = detectPython(filePath, text);
  if (py) return py;
  const js = detectJsFramework(filePath, text);
  if (js) return js;
  return 'psql';
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
