import { isAlembicMigration } from './alembic.js';
import { isDjangoMigration } from './django.js';

/** Alembic or Django, from a .py file's content (and, for Django, its `migrations/` folder); null otherwise. */
export function detectPython(filePath: string, text: string): 'alembic' | 'django' | null {
  if (!/\.py$/i.test(filePath)) return null;
  if (isDjangoMigration(text)) return 'django';
  if (isAlembicMigration(text)) return 'alembic';
  return null;
}
