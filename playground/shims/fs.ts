/**
 * `node:fs` for the browser build: the virtual project the framework picker supplies (the migration and the
 * files beside it), held in memory. Only the calls the core makes are here; anything else throws, so a new
 * file-system use in the core shows up as an error in the playground test instead of silently reading nothing.
 */
const files = new Map<string, string>();

export function setFiles(tree: Record<string, string>): void {
  files.clear();
  for (const [p, text] of Object.entries(tree)) files.set(p, text);
}

function isDir(p: string): boolean {
  const prefix = p.endsWith('/') ? p : `${p}/`;
  for (const k of files.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

export function existsSync(p: string): boolean {
  return files.has(String(p)) || isDir(String(p));
}

export function readFileSync(p: string): string {
  const text = files.get(String(p));
  if (text === undefined) {
    const error = new Error(`ENOENT: no such file in the playground project: ${String(p)}`) as Error & { code: string };
    error.code = 'ENOENT';
    throw error;
  }
  return text;
}

export default { existsSync, readFileSync };
