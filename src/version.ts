import { readFileSync } from 'node:fs';
import path from 'node:path';

/** migralint's own version, from its package.json (found upward from this module, in src/ or dist/src/). */
export function migralintVersion(): string | undefined {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'migralint') return pkg.version;
    } catch {
      /* keep looking */
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
