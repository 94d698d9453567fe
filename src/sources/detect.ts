import type { FileSystem } from '../fs.js';
import { detectFramework } from '../frameworks/index.js';
import type { FrameworkId } from '../types.js';

/**
 * Detection of the SQL-file frameworks. Each rule lives in its framework's module (src/frameworks/<id>/), with a
 * declared priority; this asks the registry, limited to the modules whose migrations are SQL files.
 */
export { DIESEL_DIR } from '../frameworks/diesel/index.js';
export { hasLeadingDbmateUp } from '../frameworks/dbmate/index.js';

/** Which SQL framework a file belongs to, from its path, its content and the files beside it. Plain psql otherwise. */
export function detectSqlFramework(filePath: string, text: string, fs: FileSystem): FrameworkId {
  if (!/\.sql$/i.test(filePath)) return 'psql';
  return detectFramework(filePath, text, fs, ['sql']);
}
