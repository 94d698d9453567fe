import type { FrameworkId } from '../types.js';
import type { FrameworkAdapter } from './adapter.js';
import { psqlAdapter } from './psql.js';

/** Every framework adapter, by id. A framework is one adapter. */
export const ADAPTERS: Partial<Record<FrameworkId, FrameworkAdapter>> = {
  psql: psqlAdapter,
};

export function adapterFor(id: FrameworkId): FrameworkAdapter {
  return ADAPTERS[id] ?? psqlAdapter;
}

export function knownFrameworks(): FrameworkId[] {
  return Object.keys(ADAPTERS) as FrameworkId[];
}

/** File patterns a directory is walked for. Each framework adds its own. */
export const MIGRATION_GLOBS: string[] = ['**/*.sql'];

/** Where migrations usually live, looked in when migralint runs with no paths. */
export const DEFAULT_FOLDERS: string[] = ['migrations', 'db/migrations', 'drizzle', 'prisma/migrations', 'supabase/migrations', 'sql'];

/** Which framework a file belongs to, from its path and content. Plain psql when nothing else matches. */
export function detectFramework(filePath: string, _text: string): FrameworkId {
  void filePath;
  return 'psql';
}
