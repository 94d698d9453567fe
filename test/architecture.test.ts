/**
 * The shape of the code, checked over its import graph: no import cycles, and the core reaches the file system only
 * through the FileSystem interface it is given.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintText } from '../src/engine/lint-text.js';
import { memoryFileSystem, type FileSystem } from '../src/fs.js';

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
    expect(
      importsOf(
        "import type { A } from './a.js';\nimport {\n  b,\n} from '../b.js';\nexport { c } from './c.js';\nimport './d.js';\nconst e = await import('./e.js');\n",
      ),
    ).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js']);
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

/**
 * Modules that may read the disk: the CLI, config and stats loading, the ESLint plugin's config lookup, the version
 * lookup, src/disk.ts, the FileSystem the CLI and the plugin hand to the core, and the temp folder of trace's server.
 */
const BOUNDARY = [
  /^src\/cli\//,
  /^src\/config\//,
  /^src\/catalog\/database\.ts$/,
  /^src\/eslint\/config\.ts$/,
  /^src\/version\.ts$/,
  /^src\/disk\.ts$/,
  /^src\/trace\/server\.ts$/,
];
/** The core: everything from detection to the report, rules included. It sees files only through a FileSystem. */
const CORE = FILES.filter((f) => !BOUNDARY.some((re) => re.test(f)));

describe('file access', () => {
  it('the core never imports node:fs, nor the disk FileSystem (only lint-text, the entry point for tests, defaults to it)', () => {
    const offenders = CORE.flatMap((file) =>
      importsOf(readFileSync(path.join(ROOT, file), 'utf8'))
        .filter(
          (s) =>
            /^(?:node:)?fs(?:\/promises)?$/.test(s) ||
            (/\/disk\.js$/.test(s) && !['src/engine/lint-text.ts', 'src/eslint/rules.ts', 'src/eslint/language.ts'].includes(file)),
        )
        .map((s) => `${file} imports ${s}`),
    );
    expect(offenders).toEqual([]);
    expect(CORE).toContain('src/sources/detect.ts');
    expect(CORE).toContain('src/sources/python/alembic.ts');
  });

  /** An in-memory tree that fails the test on any read outside it. */
  function strict(files: Record<string, string>, dirs: string[]): FileSystem & { reads: string[] } {
    const inner = memoryFileSystem(files);
    const reads: string[] = [];
    const known = (p: string) => {
      const abs = path.resolve(p);
      reads.push(abs);
      // Detection asks whether marker files exist beside a migration: asking is fine inside the tree's folders.
      if (!dirs.some((d) => abs === d || abs.startsWith(`${d}/`))) throw new Error(`read outside the tree: ${abs}`);
    };
    return {
      reads,
      readFile: (p) => (known(p), inner.readFile(p)),
      exists: (p) => (known(p), inner.exists(p)),
      listDir: (p) => (known(p), inner.listDir(p)),
    };
  }

  it('lints a Diesel migration from an in-memory tree: metadata.toml is read through the interface only', async () => {
    const dir = '/virtual/blog/migrations/2024-02-10-083000_posts_published_index';
    const fs = strict({ [`${dir}/metadata.toml`]: 'run_in_transaction = false\n' }, ['/virtual/blog/migrations', dir]);
    const r = await lintText('CREATE INDEX CONCURRENTLY posts_published_idx ON posts (published_at);\n', { filename: `${dir}/up.sql`, fs });
    expect(r.framework).toBe('diesel');
    expect(r.findings.map((f) => f.ruleId)).not.toContain('ban-concurrent-index-creation-in-transaction');
    expect(fs.reads).toContain(`${dir}/metadata.toml`);

    // The same file with metadata.toml saying nothing: Diesel's transaction, and the finding.
    const plain = strict({ [`${dir}/metadata.toml`]: '' }, ['/virtual/blog/migrations', dir]);
    const r2 = await lintText('CREATE INDEX CONCURRENTLY posts_published_idx ON posts (published_at);\n', { filename: `${dir}/up.sql`, fs: plain });
    expect(r2.findings.map((f) => f.ruleId)).toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('a Drizzle journal and an Alembic env.py come from the interface, not the disk', async () => {
    const drizzle = '/virtual/web/drizzle';
    const fs = strict({ [`${drizzle}/meta/_journal.json`]: '{ "version": "7" }' }, [drizzle, `${drizzle}/meta`]);
    const r = await lintText('CREATE INDEX orders_customer_idx ON orders (customer_id);\n', { filename: `${drizzle}/0001_orders_customer.sql`, fs });
    expect(r.framework).toBe('drizzle');
    expect(r.findings.find((f) => f.ruleId === 'framework-config')?.message).toMatch(/no "entries" array/);

    const alembic = '/virtual/api/alembic';
    // alembic.ini sits in the project's root, above the script folder: its sqlalchemy.url may set connection options.
    const env = strict({ [`${alembic}/env.py`]: 'engine = create_engine(url, isolation_level="AUTOCOMMIT")\n' }, [
      '/virtual/api',
      alembic,
      `${alembic}/versions`,
    ]);
    const revision =
      'from alembic import op\n\nrevision = "1b2c"\ndown_revision = None\n\n\ndef upgrade():\n    op.execute("CREATE INDEX CONCURRENTLY ix_orders_customer ON orders (customer_id)")\n';
    const a = await lintText(revision, { filename: `${alembic}/versions/1b2c_orders_customer.py`, fs: env });
    expect(a.framework).toBe('alembic');
    expect(a.findings.map((f) => f.ruleId)).not.toContain('ban-concurrent-index-creation-in-transaction');
    expect(env.reads).toContain(`${alembic}/env.py`);
    expect(env.reads).toContain('/virtual/api/alembic.ini');
  });

  it('the strict tree does fail on a read outside it', () => {
    const fs = strict({}, ['/virtual/a']);
    expect(() => fs.readFile('/etc/passwd')).toThrow(/outside the tree/);
  });
});
