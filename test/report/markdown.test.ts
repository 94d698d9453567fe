import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_RULE_META } from '../../rules/index.js';
import { DOCS_BASE_URL, PLAYGROUND_URL } from '../../src/docs-url.js';
import { decodeState } from '../../src/playground-link.js';
import { lintText } from '../../src/engine/lint-text.js';
import { format as markdown, MARKDOWN_LIMIT } from '../../src/report/markdown.js';
import type { FileResult } from '../../src/types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cwd = '/home/ci/shop';
const ctx = { cwd, rules: ALL_RULE_META, version: '0.1.0' };

/** The tables of a markdown text: runs of lines starting with `|`, each row split into cells on unescaped pipes. */
function tables(md: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      const cells = line
        .replace(/\\\|/g, '\u0000')
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      (current ??= []).push(cells);
      if (current.length === 1) out.push(current);
    } else current = undefined;
  }
  return out;
}

/** The rule ids of the findings tables' rows ("❌ [rule-id](…)"). */
function drizzleFindingRules(md: string): string[] {
  return [...md.matchAll(/\| (?:❌|⚠️|ℹ️) \[([a-z-]+)\]\(/gu)].map((m) => m[1]!);
}

/** A table is whole: a header, a separator, and every row with the header's number of cells, ending with `|`. */
function expectWholeTables(md: string): void {
  for (const line of md.split('\n')) if (line.startsWith('|')) expect(line.endsWith('|'), line).toBe(true);
  for (const t of tables(md)) {
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(t[1]!.every((c) => /^:?-{3,}:?$/.test(c))).toBe(true);
    for (const row of t) expect(row.length).toBe(t[0]!.length);
  }
}

const DRIZZLE = `CREATE TABLE "audit_log" ("id" bigserial PRIMARY KEY, "at" timestamptz NOT NULL);
--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" ("at");
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "note" text;
--> statement-breakpoint
CREATE INDEX "orders_created_idx" ON "orders" ("created_at");
--> statement-breakpoint
CREATE INDEX CONCURRENTLY "orders_customer_idx" ON "orders" ("customer_id");
`;

async function drizzleResult(): Promise<FileResult> {
  return lintText(DRIZZLE, {
    filename: `${cwd}/drizzle/0007_orders_indexes.sql`,
    tables: { orders: { rows: 12_000_000, bytes: 3_400_000_000 } },
    files: {
      [`${cwd}/drizzle/meta/_journal.json`]: JSON.stringify({
        version: '7',
        dialect: 'postgresql',
        entries: [{ idx: 7, version: '7', when: 1718000000000, tag: '0007_orders_indexes', breakpoints: true }],
      }),
    },
  });
}

describe('markdown (a review comment)', () => {
  it('opens with a verdict, gives the framework and its transaction, and links each rule to its page', async () => {
    const md = markdown([await drizzleResult()], ctx);
    expect(md.split('\n')[0]).toBe('### ❌ migralint: 1 migration will block writes on large tables; 1 will fail at deploy.');
    expect(md).toContain('#### ❌ `drizzle/0007_orders_indexes.sql`');
    expect(md).toContain('**Drizzle** — runs in a transaction: Drizzle runs all pending migrations in one transaction');
    const links = [...md.matchAll(/\]\((https:[^)]+)\)/g)].map((m) => m[1]!);
    const docs = links.filter((url) => url.startsWith(DOCS_BASE_URL));
    expect(docs).toContain(`${DOCS_BASE_URL}rules/require-concurrent-index-creation.md`);
    for (const url of docs) expect(existsSync(path.join(root, 'docs', url.slice(DOCS_BASE_URL.length))), url).toBe(true);
    // Every other link opens a flagged example of a rule found here in the playground, once per rule.
    const examples = [...md.matchAll(/- \[`([a-z-]+)`\]\((https:[^)]+)\)/g)].map((m) => ({ rule: m[1]!, url: m[2]! }));
    expect(links.filter((url) => !url.startsWith(DOCS_BASE_URL)).sort()).toEqual(examples.map((e) => e.url).sort());
    expect(examples.length).toBeGreaterThan(1);
    expect(examples.map((e) => e.rule)).toEqual([...new Set(drizzleFindingRules(md))].sort());
    for (const { rule, url } of examples) {
      expect(url.startsWith(PLAYGROUND_URL)).toBe(true);
      const meta = ALL_RULE_META.find((m) => m.id === rule)!;
      const state = decodeState(url.slice(PLAYGROUND_URL.length), {
        framework: '',
        pgVersion: 0,
        text: '',
        tables: {},
        largeTables: [],
        partitioned: [],
        preset: 'recommended',
        rules: {},
      });
      expect(state.text).toBe(meta.docs.invalid[0]!.code);
    }
    const findings = tables(md)[1]!;
    expect(findings[0]).toEqual(['line', 'rule', 'lock and table', 'rows', 'fix']);
    const index = findings.find((r) => r[0] === '7' && r[1]!.includes('require-concurrent-index-creation'))!;
    expect(index[2]).toBe('🟧 SHARE on <code>orders</code>');
    expect(index[3]).toBe('12.0M, 3.2 GB');
    expectWholeTables(md);
  });

  it('pictures every statement that locks something, flagged or not, with new tables set apart', async () => {
    const md = markdown([await drizzleResult()], ctx);
    const picture = tables(md)[0]!;
    // Existing tables first, the table the migration creates after it, marked new.
    expect(picture[0]).toEqual(['line', 'statement', '<code>orders</code>', '<code>audit_log</code> ✨new']);
    expect(picture.slice(2)).toEqual([
      ['1', '<code>CREATE TABLE</code>', '', '⬜ created'],
      // Not flagged by any rule, still in the picture: the index on the new, empty table.
      ['3', '<code>CREATE INDEX</code>', '', '⬜ SHARE'],
      ['**5** ℹ️', '<code>ALTER TABLE</code>', '🟥 ACCESS EXCLUSIVE 🔒', ''],
      ['**7** ❌', '<code>CREATE INDEX</code>', '🟧 SHARE 🔒', ''],
      ['**9** ❌', '<code>CREATE INDEX</code>', '🟩 SHARE UPDATE EXCLUSIVE 🔒', ''],
    ]);
    expect(md).toContain('🟥 blocks reads and writes (ACCESS EXCLUSIVE) · 🟧 blocks writes (SHARE-class)');
  });

  it('a clean run says so; the footer has the version, the counts and how to reproduce', async () => {
    const clean = await lintText("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n", {
      filename: `${cwd}/db/migrations/0002_orders.sql`,
    });
    const md = markdown([clean], ctx);
    expect(md.split('\n')[0]).toBe('### ✅ migralint: no problems found in 1 migration.');
    const tail = md.trimEnd().split('\n').slice(-2);
    expect(tail[0]).toBe(
      '<sub>migralint 0.1.0 · 1 migration · 0 errors · 0 warnings · reproduce locally: `npx migralint db/migrations/0002_orders.sql` (`--fix-dry-run` shows the fixes)</sub><br>',
    );
    // Coverage: what was read, per framework.
    expect(tail[1]).toBe('<sub>read: psql: 1 file, 2 statements read</sub>');
    expect(markdown([], ctx).split('\n')[0]).toBe('### ✅ migralint: no migrations to check.');
  });

  it('escapes what would break a table cell', async () => {
    const r = await drizzleResult();
    r.findings[0]!.message = 'a | b <script> c\nd';
    const md = markdown([r], ctx);
    expect(md).toContain('a \\| b &lt;script&gt; c d');
    expectWholeTables(md);
  });

  it('stays under the comment limit by summarising whole sections, never cutting a table', async () => {
    const one = await drizzleResult();
    const many = Array.from({ length: 400 }, (_, i) => ({
      ...one,
      filePath: `${cwd}/drizzle/${String(i).padStart(4, '0')}_orders_indexes_with_a_rather_long_name.sql`,
    }));
    const full = many
      .slice(0, 3)
      .map((r) => markdown([r], ctx).length)
      .reduce((a, b) => a + b);
    expect(full * 140).toBeGreaterThan(MARKDOWN_LIMIT); // the unsummarised report would not fit
    for (const n of [40, 150, 400]) {
      const md = markdown(many.slice(0, n), ctx);
      expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
      expectWholeTables(md);
      expect(md.split('\n')[0]).toBe(`### ❌ migralint: ${n} migrations will block writes on large tables; ${n} will fail at deploy.`);
      // Every migration is still accounted for: in a section of its own, in the summary table, or counted.
      const sections = (md.match(/^#### /gm) ?? []).length;
      const rows = (md.match(/^\| <code>drizzle\//gm) ?? []).length;
      const notShown = Number(/(\d+) more migrations? not shown/.exec(md)?.[1] ?? 0);
      expect(sections + rows + notShown).toBe(n);
    }
  });

  it('the CLI prints it for the demo, and nothing else on stdout', async () => {
    const { execFileSync } = await import('node:child_process');
    let out = '';
    try {
      execFileSync(process.execPath, [path.join(root, 'bin/migralint.js'), 'fixtures/demo', '--format', 'markdown'], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string; status: number }).stdout;
      expect((e as { status: number }).status).toBe(1);
    }
    expect(out.split('\n')[0]).toBe('### ❌ migralint: 3 migrations will block writes on large tables; 3 will fail at deploy.');
    expect(out).toContain('#### ❌ `fixtures/demo/alembic/versions/20251207_add_performance_indexes.py`');
    expect(out.trimEnd().split('\n').at(-2)).toMatch(/^<sub>migralint \S+ · 5 migrations · \d+ errors · \d+ warnings .*`npx migralint fixtures\/demo`/);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^<sub>read: .*Alembic: 1 file, \d+ statements read/);
    expectWholeTables(out);
  });
});

describe('markdown with a trace (trace --format markdown)', () => {
  // The trace's records are data here (the real server's are tested in trace.pg.test.ts): one where PostgreSQL granted
  // another lock than migralint claims, as a bug in a lock claim would show, and a lock seen without a claim.
  it('marks a mismatch in its cell, shows a lock seen without a claim, and says how to report the bug', async () => {
    const file = `${cwd}/db/migrations/0003_orders.sql`;
    const result = await lintText('ALTER TABLE orders ADD COLUMN note text;\nSELECT refresh_totals();\n', { filename: file });
    const base = {
      file: 'db/migrations/0003_orders.sql',
      transaction: 'none' as const,
      stillHeld: [],
      oneQuery: false,
      startMs: 0,
      rewrite: false,
      rewritten: [],
    };
    const trace = {
      server: 'embedded PostgreSQL 18',
      projects: [
        {
          root: 'db/migrations',
          framework: 'psql' as const,
          standIns: [],
          files: [
            {
              file: 'db/migrations/0003_orders.sql',
              framework: 'psql',
              status: 'applied' as const,
              durationMs: 12,
              statements: [
                {
                  ...base,
                  line: 1,
                  sql: 'ALTER TABLE orders ADD COLUMN note text',
                  durationMs: 4.2,
                  observed: { locks: [{ relation: 'orders', kind: 'r', mode: 'ShareRowExclusiveLock' as const, heldMs: 4.2, until: 'statement' as const }] },
                  expected: { locks: [{ relation: 'orders', mode: 'AccessExclusiveLock' as const }] },
                  status: 'mismatch' as const,
                },
                {
                  ...base,
                  line: 2,
                  sql: 'SELECT refresh_totals()',
                  durationMs: 7,
                  observed: { locks: [{ relation: 'totals', kind: 'r', mode: 'ExclusiveLock' as const, heldMs: 7, until: 'statement' as const }] },
                  expected: { locks: [] },
                  status: 'trace-only' as const,
                },
              ],
            },
          ],
        },
      ],
    };
    const md = markdown([result], { ...ctx, trace });
    const picture = tables(md).find((t) => t[0]![2] === 'ran')!;
    expect(picture[0]).toEqual(['line', 'statement', 'ran', '<code>orders</code>', '<code>totals</code>']);
    expect(picture[2]!.slice(2)).toEqual([
      '<b>≠</b> 4.2ms',
      "🟥 ACCESS EXCLUSIVE<br><sub><b>≠ seen 🟧 SHARE ROW EXCLUSIVE</b>, held 4.2ms to the statement's end</sub>",
      '',
    ]);
    expect(picture[3]!.slice(2)).toEqual(['+ 7.0ms', '', "<sub>+ seen 🟧 EXCLUSIVE, held 7.0ms to the statement's end</sub>"]);
    expect(md).toContain('**Traced on embedded PostgreSQL 18:** 2 statements ran · **1 mismatch** with the static analysis.');
    expect(md).toContain(
      'A mismatch between the claimed and the seen lock is a migralint bug: please report it at https://github.com/migralint/migralint/issues/new',
    );
    expect(md).toContain('reproduce locally: `npx migralint trace db/migrations/0003_orders.sql --format markdown`');
    expectWholeTables(md);
  });
});
