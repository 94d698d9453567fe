import { statSync } from 'node:fs';
import path from 'node:path';
import { globToRegExp } from '../config/options.js';
import { DIESEL_DIR } from '../frameworks/diesel/index.js';
import { DEFAULT_FOLDERS, MIGRATION_GLOBS, PROJECT_MARKERS, WALK_PATTERNS } from '../frameworks/index.js';

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

/** The extensions migrations migralint reads are written in. */
const READABLE = /\.(?:sql|py|[cm]?js|[cm]?ts)$/i;

export interface Discovery {
  files: string[];
  /** One message per path that gave nothing: missing, or a directory with no migrations. */
  problems: string[];
}

const IGNORE = ['**/node_modules/**', '**/.git/**', '**/dist/**'];

/**
 * Expands CLI paths into migration files: files as given (whatever their extension), directories walked for
 * every framework's migration files, globs expanded. With no paths, the usual migration folders are looked in.
 */
export async function discover(paths: string[], cwd: string, exclude: string[] = []): Promise<Discovery> {
  const files = new Set<string>();
  const problems: string[] = [];
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
    if (inputs.length === 0) {
      problems.push(`no paths given and none of the usual migration folders exist here (${DEFAULT_FOLDERS.join(', ')})`);
      return { files: [], problems };
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
      stat = statSync(path.resolve(cwd, input));
    } catch {
      problems.push(`${input}: no such file or directory`);
      continue;
    }
    if (stat.isDirectory()) {
      // Every file of a kind migrations are written in, kept when its whole path matches a framework's pattern:
      // matching the path from the walked folder alone would miss `alembic/versions` itself, say.
      const { glob } = await import('tinyglobby');
      const root = path.resolve(cwd, input);
      const candidates = await glob(CANDIDATES, { cwd: root, ignore: [...IGNORE, ...exclude], dot: false });
      const found = candidates.filter((f) => isMigrationPath(path.join(root, f)) && !isRollbackOnly(f));
      if (found.length === 0) problems.push(`${input}: no migration files in this directory`);
      for (const f of found) files.add(path.normalize(path.join(input, f)));
    } else if (!READABLE.test(input)) {
      problems.push(`${input}: not a migration migralint reads (it reads SQL files, Alembic and Django migrations in Python, and JS/TS migrations); nothing in it was linted`);
    } else files.add(path.normalize(input));
  }
  return { files: [...files].sort(), problems };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
