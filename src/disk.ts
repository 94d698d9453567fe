/**
 * The disk as a FileSystem (see src/fs.ts): the one module, with the CLI and config loading, that reads files with
 * node:fs. The CLI makes one per run, the ESLint plugin one per lint; each caches its answers for its own life only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cachedFileSystem, type CachedFileSystem, type FileSystem } from './fs.js';

export const rawDisk: FileSystem = {
  readFile(p) {
    // Most files asked for are absent (detection and adapters probe for a tool's files beside each migration): a
    // read of one throws, and the thrown error costs several times the check (a Diesel history of 342 migrations
    // asks for 342 metadata.toml).
    if (!existsSync(p)) return undefined;
    try {
      return readFileSync(p, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      return undefined;
    }
  },
  exists(p) {
    try {
      return statSync(p, { throwIfNoEntry: false }) !== undefined;
    } catch {
      return false;
    }
  },
  listDir(p) {
    try {
      return readdirSync(p).sort();
    } catch {
      return undefined;
    }
  },
};

/**
 * The disk, each answer cached for the life of the returned object (one run, one lint). With `cwd` (the CLI's run
 * directory), a relative path is read from there, not from the process's directory.
 */
export function diskFileSystem(cwd?: string): CachedFileSystem {
  if (cwd === undefined) return cachedFileSystem(rawDisk);
  const at = (p: string) => path.resolve(cwd, p);
  return cachedFileSystem({
    readFile: (p) => rawDisk.readFile(at(p)),
    exists: (p) => rawDisk.exists(at(p)),
    listDir: (p) => rawDisk.listDir(at(p)),
    cwd: path.resolve(cwd),
  });
}
