/**
 * The file system as the core sees it. Framework detection and the adapters read the files beside a migration
 * (Drizzle's journal, Alembic's env.py, Diesel's metadata.toml, a Flyway .conf) only through this interface, so
 * what they see is what the caller gives: the CLI the disk (src/disk.ts), the ESLint plugin the disk under the
 * text of the file being edited, tests an in-memory tree. The core itself never imports node:fs
 * (test/architecture.test.ts checks it).
 */
import path from 'node:path';

export interface FileSystem {
  /** The file's text (a leading BOM removed), or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /** A file or directory exists at the path. */
  exists(path: string): boolean;
  /** The names in a directory, sorted; undefined when it is not a readable directory. */
  listDir(path: string): string[] | undefined;
  /**
   * The directory of the run (the CLI's cwd, which main() may be given apart from the process's): a relative path
   * means a file under it, and messages name files relative to it. Absent: the process's working directory.
   */
  readonly cwd?: string;
}

/** A file system with nothing in it: what the core sees when the caller gives none. */
export const NO_FILES: FileSystem = {
  readFile: () => undefined,
  exists: () => false,
  listDir: () => undefined,
};

function norm(p: string): string {
  return path.resolve(p).split(path.sep).join('/');
}

/** An in-memory tree: file path → text. Directories exist when a file is under them. Paths are resolved. */
export function memoryFileSystem(files: Record<string, string>): FileSystem {
  const texts = new Map(Object.entries(files).map(([p, t]) => [norm(p), t.replace(/^\uFEFF/, '')]));
  const dirs = new Map<string, Set<string>>();
  for (const p of texts.keys()) {
    let child = p;
    for (let dir = path.posix.dirname(p); ; dir = path.posix.dirname(dir)) {
      let names = dirs.get(dir);
      if (!names) dirs.set(dir, (names = new Set()));
      names.add(path.posix.basename(child));
      if (path.posix.dirname(dir) === dir) break;
      child = dir;
    }
  }
  return {
    readFile: (p) => texts.get(norm(p)),
    exists: (p) => texts.has(norm(p)) || dirs.has(norm(p)),
    listDir: (p) => {
      const names = dirs.get(norm(p));
      return names ? [...names].sort() : undefined;
    },
  };
}

/**
 * `top` over `base`: files `top` supplies (a fix's pending write, the editor's unsaved text) hide the same path in
 * `base`. `top` only adds or replaces files; directories are `base`'s.
 */
export function overlay(top: (path: string) => string | undefined, base: FileSystem): FileSystem {
  return {
    readFile: (p) => top(p) ?? base.readFile(p),
    exists: (p) => top(p) !== undefined || base.exists(p),
    listDir: (p) => base.listDir(p),
    ...(base.cwd !== undefined ? { cwd: base.cwd } : {}),
  };
}

export interface CachedFileSystem extends FileSystem {
  /** Forgets what is known about a path (after writing it). */
  forget(path: string): void;
}

/**
 * Remembers each answer of `base` for the life of the object: one lint run in the CLI, one lint in the editor.
 * A run over thousands of migrations in a few folders reads each journal or .conf once.
 */
export function cachedFileSystem(base: FileSystem): CachedFileSystem {
  const texts = new Map<string, string | undefined>();
  const exists = new Map<string, boolean>();
  const lists = new Map<string, string[] | undefined>();
  const remember = <T>(map: Map<string, T>, p: string, get: () => T): T => {
    if (map.has(p)) return map.get(p)!;
    const v = get();
    map.set(p, v);
    return v;
  };
  return {
    readFile: (p) => remember(texts, p, () => base.readFile(p)),
    exists: (p) => remember(exists, p, () => base.exists(p)),
    listDir: (p) => remember(lists, p, () => base.listDir(p)),
    forget: (p) => {
      texts.delete(p);
      exists.delete(p);
      lists.delete(path.dirname(p));
    },
    ...(base.cwd !== undefined ? { cwd: base.cwd } : {}),
  };
}

/** What readsOnce remembers of one computation: its answer, and each question it asked of the FileSystem with the answer. */
export interface Remembered<T> {
  value: T;
  /** What else the answer depends on (readsOnce's `input`). */
  input?: string;
  reads: Array<{ ask: 'readFile' | 'exists' | 'listDir'; path: string; answer: string | boolean | string[] | undefined }>;
}

const sameAnswer = (a: string | boolean | string[] | undefined, b: string | boolean | string[] | undefined): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;

/**
 * `compute(fs)`, remembered in `memo` under `key` with every question it asked of the FileSystem and the answer: asked
 * again, the answer stands when `fs` answers those questions the same (asked again, in the same order, so a
 * FileSystem that notes what is read notes the same files), else it is computed again. For what the files beside a
 * migration say (Django's settings module), which every migration of a project asks: the CLI gives each file's lint
 * a FileSystem of its own, so the answer cannot be kept per FileSystem. `input`: a text the answer depends on besides
 * the files (compared, not made part of the key).
 */
export function readsOnce<T>(memo: Map<string, Remembered<T>>, key: string, fs: FileSystem, compute: (fs: FileSystem) => T, input?: string): T {
  const hit = memo.get(key);
  if (hit && hit.input === input && hit.reads.every((r) => sameAnswer(fs[r.ask](r.path), r.answer))) return hit.value;
  const reads: Remembered<T>['reads'] = [];
  const noted = <A extends string | boolean | string[] | undefined>(ask: Remembered<T>['reads'][number]['ask'], path: string, answer: A): A => {
    reads.push({ ask, path, answer });
    return answer;
  };
  const noting: FileSystem = {
    readFile: (p) => noted('readFile', p, fs.readFile(p)),
    exists: (p) => noted('exists', p, fs.exists(p)),
    listDir: (p) => noted('listDir', p, fs.listDir(p)),
    ...(fs.cwd !== undefined ? { cwd: fs.cwd } : {}),
  };
  const value = compute(noting);
  memo.set(key, input === undefined ? { value, reads } : { value, reads, input });
  return value;
}
