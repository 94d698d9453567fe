import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadParsers } from '../src/engine/lint-text.js';
import { quoteIdent, quoteQualified } from '../src/sql/quote.js';
import type { FileResult } from '../src/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/quoting/', import.meta.url));

beforeAll(loadParsers);

/** A small seeded generator (mulberry32), so every run tries the same names and a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'group',
  'order',
  'user',
  'select',
  'between',
  'int',
  'left',
  'authorization',
  'table',
  'name',
  'type',
  'value',
  'year',
  'char',
  'interval',
  'orders',
  'customer_id',
  'Users',
  'createdAt',
  'end',
  'limit',
  'default',
  'check',
  'collation',
  'overlaps',
  'xmlelement',
  'outer',
];
const ALPHABET = 'abcxyzABCXYZ_019$ "\'.;-é';

function randomName(next: () => number): string {
  const r = next();
  if (r < 0.4) return WORDS[Math.floor(next() * WORDS.length)]!;
  const len = 1 + Math.floor(next() * 12);
  let s = '';
  for (let k = 0; k < len; k++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return r < 0.55 ? WORDS[Math.floor(next() * WORDS.length)]! + s : s;
}

/** What PostgreSQL reads back as the table and column names of `SELECT col FROM schema.table`. */
function readBack(sql: string): { schema?: string; table: string; column: string } {
  const stmt = parseSync(sql).stmts![0]!.stmt as any;
  const sel = stmt.SelectStmt;
  const rv = sel.fromClause[0].RangeVar;
  const fields = sel.targetList[0].ResTarget.val.ColumnRef.fields;
  return { schema: rv.schemaname, table: rv.relname, column: fields[0].String.sval };
}

const last = (names: any[]): string => names[names.length - 1].String.sval;
const BARE_CONTEXTS: Array<[(n: string) => string, (stmt: any) => string]> = [
  [(n) => `SELECT ${n} FROM t`, (s) => last(s.SelectStmt.targetList[0].ResTarget.val.ColumnRef.fields)],
  [(n) => `SELECT * FROM ${n}`, (s) => s.SelectStmt.fromClause[0].RangeVar.relname],
  [(n) => `SELECT ${n}(1)`, (s) => last(s.SelectStmt.targetList[0].ResTarget.val.FuncCall.funcname)],
  [(n) => `CREATE TABLE t (a ${n})`, (s) => last(s.CreateStmt.tableElts[0].ColumnDef.typeName.names)],
];

describe('quoteIdent', () => {
  it('quotes exactly the names PostgreSQL needs quoted, with its own keyword kinds', () => {
    // Plain lower-case names and unreserved keywords stay bare.
    expect(['orders', 'customer_id', '_tmp', 'name', 'type', 'value', 'year', 'action'].map(quoteIdent)).toEqual([
      'orders',
      'customer_id',
      '_tmp',
      'name',
      'type',
      'value',
      'year',
      'action',
    ]);
    // Reserved, column-name and type/function-name keywords are quoted, as are upper case, digits first, `$` and quotes.
    expect(['group', 'order', 'user', 'between', 'int', 'left', 'authorization', 'Users', '1st', 'a$b', 'say "hi"', ''].map(quoteIdent)).toEqual([
      '"group"',
      '"order"',
      '"user"',
      '"between"',
      '"int"',
      '"left"',
      '"authorization"',
      '"Users"',
      '"1st"',
      '"a$b"',
      '"say ""hi"""',
      '""',
    ]);
    expect(quoteQualified('order', 'Sales')).toBe('"Sales"."order"');
    expect(quoteQualified('orders', 'public')).toBe('public.orders');
  });

  it('round-trips random names (reserved words, mixed case, quotes) through PostgreSQL’s parser', () => {
    const next = rng(20251130);
    let bare = 0;
    for (let k = 0; k < 500; k++) {
      const schema = randomName(next);
      const table = randomName(next);
      const column = randomName(next);
      if ([schema, table, column].some((n) => n === '')) continue;
      const sql = `SELECT ${quoteIdent(column)} FROM ${quoteQualified(table, schema)}`;
      expect(readBack(sql), sql).toEqual({ schema, table, column });
      // Never quoted when not needed: a name is left bare exactly when it reads back as itself, bare, as a
      // column, a table, a function and a type.
      for (const n of [schema, table, column]) {
        const bareWorks = BARE_CONTEXTS.every(([sql, read]) => {
          try {
            return read(parseSync(sql(n)).stmts![0]!.stmt) === n;
          } catch {
            return false;
          }
        });
        // Like quote_ident, a name with `$` or non-ASCII letters is quoted though PostgreSQL could read it bare.
        expect(quoteIdent(n) === n, n).toBe(bareWorks && /^[a-z0-9_]+$/.test(n));
        if (bareWorks) bare++;
      }
    }
    expect(bare).toBeGreaterThan(50);
  });
});

const lines = (r: FileResult, id: string): number[] => r.findings.filter((f) => f.ruleId === id).map((f) => f.loc.line);

async function lintFixture(rel: string): Promise<FileResult> {
  const path = `${FIXTURES}${rel}`;
  return lintText(readFileSync(path, 'utf8'), { filename: path });
}

describe('reserved-word names in ORM operations', () => {
  it('Alembic: op.add_column("group", …), create_foreign_key to "order", an index on "user" all parse and are checked', async () => {
    const r = await lintFixture('alembic/versions/9c1e2a7b3d40_group_order_columns.py');
    expect(r.framework).toBe('alembic');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'adding-foreign-key-constraint')).toEqual([22]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([23]);
    expect(lines(r, 'renaming-column')).toEqual([24]);
    expect(lines(r, 'ban-drop-column')).toEqual([25]);
    expect(r.findings.find((f) => f.ruleId === 'renaming-column')!.message).toContain('"group"."select"');
  });

  it('Django: a model whose table is "group", with an "order" column and an index on it', async () => {
    const r = await lintFixture('shop/accounts/migrations/0004_user_group_order.py');
    expect(r.framework).toBe('django');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'renaming-table')).toEqual([13]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([22]);
    expect(lines(r, 'ban-drop-column')).toEqual([26]);
    expect(r.findings.find((f) => f.ruleId === 'ban-drop-column')!.message).toContain('column "user" of "group"');
  });

  it('Knex: alterTable("user") with an "order" column, index and foreign key', async () => {
    const r = await lintFixture('knex/migrations/20250219101500_user_order_columns.js');
    expect(r.framework).toBe('knex');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([8]);
    expect(lines(r, 'adding-foreign-key-constraint')).toEqual([9]);
  });

  it('every fix and suggestion on reserved-word names writes them quoted: the result re-parses and re-lints', async () => {
    const files = [
      'alembic/versions/9c1e2a7b3d40_group_order_columns.py',
      'shop/accounts/migrations/0004_user_group_order.py',
      'knex/migrations/20250219101500_user_order_columns.js',
      'db/migrations/20250301120000_group_fk.sql',
    ];
    let tried = 0;
    for (const rel of files) {
      const path = `${FIXTURES}${rel}`;
      const text = readFileSync(path, 'utf8');
      const r = await lintText(text, { filename: path });
      for (const f of r.findings) {
        for (const fix of [f.fix, ...(f.suggestions ?? [])]) {
          if (!fix) continue;
          const edits = [...fix.edits].sort((a, b) => b.start - a.start);
          let out = text;
          for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
          const after = await lintText(out, { filename: path });
          expect(
            after.findings.filter((x) => x.ruleId === 'parse-error'),
            `${rel}: ${f.ruleId}: ${fix.description}`,
          ).toEqual([]);
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThanOrEqual(files.length);
    const sql = await lintFixture('db/migrations/20250301120000_group_fk.sql');
    const said = sql.findings
      .flatMap((f) => [f.fix, ...(f.suggestions ?? [])])
      .map((x) => x?.description ?? '')
      .join('\n');
    expect(said).toContain('`ALTER TABLE "group" VALIDATE CONSTRAINT "order";`');
    expect(said).toContain('`ALTER TABLE "Sales"."order" VALIDATE CONSTRAINT "check";`');
  });
});
