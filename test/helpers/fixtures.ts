import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every migration file under fixtures/ that ESLint lints: JS/TS in migration folders, and .sql (expected fix outputs excluded). */
export function frameworkFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if ((/\.sql$/.test(p) && !/\.fixed\.sql$/.test(p)) || (/[\\/]migrations?[\\/]/.test(p) && /\.(c|m)?(j|t)s$/.test(p))) out.push(p);
    }
  };
  for (const dir of ['fixtures/frameworks', 'fixtures/rules', 'fixtures/demo']) walk(path.join(ROOT, dir));
  return out.sort();
}
