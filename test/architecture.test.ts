/**
 * The shape of the code, checked over its import graph: no import cycles, and the core reaches the file system only
 * through the FileSystem interface it is given.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every `import … from '…'` and `export … from '…'` specifier in a file, type-only ones included. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

const FILES = [...sourceFiles('src'), ...sourceFiles('rules')];

/** file → the project files it imports (relative specifiers resolved, `.js` written for `.ts`). */
const GRAPH = new Map<string, string[]>(
  FILES.map((file) => {
    const deps = importsOf(readFileSync(path.join(ROOT, file), 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts'))
      .map((s) => (FILES.includes(s) ? s : s.replace(/\.ts$/, '/index.ts')));
    return [file, deps.filter((d) => FILES.includes(d))];
  }),
);

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('the import graph', () => {
  it('reads every kind of import', () => {
    expect(importsOf("import type { A } from './a.js';\nimport {\n  b,\n} from '../b.js';\nexport { c } from './c.js';\nimport './d.js';\nconst e = await import('./e.js');\n")).toEqual([
      './a.js',
      '../b.js',
      './c.js',
      './d.js',
      './e.js',
    ]);
  });

  it('finds a cycle when there is one', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
  });

  it('resolves the project imports it sees', () => {
    expect(GRAPH.get('src/engine/lint.ts')).toContain('src/analysis/analyze.ts');
    expect(GRAPH.get('src/engine/lint.ts')).toContain('rules/index.ts');
  });

  it('has no import cycle in src/ and rules/ (type-only imports included)', () => {
    expect(cycles(GRAPH)).toEqual([]);
  });
});
