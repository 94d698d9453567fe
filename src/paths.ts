import path from 'node:path';

/** Something path.normalize would change in an absolute POSIX path: `//`, a `.` or `..` segment, a trailing `/`. */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

/** Whether `p` is an absolute path that path.resolve and path.normalize give back as it is (POSIX only). */
export function isNormalAbsolute(p: string): boolean {
  return path.sep === '/' && p.charCodeAt(0) === 47 && !NOT_NORMAL.test(p);
}

/**
 * path.resolve(cwd, p), without its cost for a path that is already absolute and normal: a run names each file by
 * its absolute path once discovered, and resolving every one of a long history's paths again at each stage (node's
 * resolve walks the string a character at a time) was a fifth of a run printed from the cache.
 */
export function resolvePath(cwd: string, p: string): string {
  return isNormalAbsolute(p) ? p : path.resolve(cwd, p);
}

/**
 * path.join(dir, name) for a name or a relative path of names joined by '/' (none '.' or '..'), without its cost when
 * dir is absolute and normal.
 */
export function joinName(dir: string, name: string): string {
  return isNormalAbsolute(dir) ? (dir === '/' ? `/${name}` : `${dir}/${name}`) : path.join(dir, name);
}

/** path.resolve(p) (against the process's directory), without its cost for an absolute path that is already normal. */
export function resolveHere(p: string): string {
  return isNormalAbsolute(p) ? p : path.resolve(p);
}

/** path.normalize(p), without its cost for an absolute path that is already normal. */
export function normalizePath(p: string): string {
  return isNormalAbsolute(p) ? p : path.normalize(p);
}
