import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixText, lintText, loadParsers } from '../src/engine/lint-text.js';
import { maskSql, type CopyData } from '../src/sql/mask.js';
import { parseChunk } from '../src/sql/parse.js';
import type { FileResult } from '../src/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/copy/', import.meta.url));

beforeAll(loadParsers);

const lines = (r: FileResult, id: string): number[] => r.findings.filter((f) => f.ruleId === id).map((f) => f.loc.line);

describe('COPY … FROM stdin data blocks', () => {
  it('are blanked up to a line that is exactly \\. — semicolons, quotes, backslashes and \\. inside a line are data', () => {
    const sql = "COPY t (a, b) FROM stdin;\nx;y\t'it''s\n\\. not the end\ta\\\\.b\n\\.\nCREATE INDEX i ON t (a);\n";
    const found: CopyData[] = [];
    const out = maskSql(sql, { psql: true, onCopyData: (c) => found.push(c) });
    expect(out).toHaveLength(sql.length);
    expect(out.split('\n').map((l) => l.length)).toEqual(sql.split('\n').map((l) => l.length));
    const r = parseChunk(out);
    expect(r.errors).toEqual([]);
    expect(r.statements.map((s) => s.kind)).toEqual(['CopyStmt', 'IndexStmt']);
    expect(found).toEqual([{ statement: 0, data: { start: 26, end: sql.indexOf('\nCREATE') } }]);
  });

  it('psql \\copy … from stdin is data up to \\. too; COPY … FROM a file is not', () => {
    const sql = "\\copy t from stdin\n1\t2\n\\.\nCOPY t FROM '/tmp/x.csv';\nSELECT 1;\n";
    const out = maskSql(sql, { psql: true });
    expect(parseChunk(out).statements.map((s) => s.kind)).toEqual(['CopyStmt', 'SelectStmt']);
  });

  it('a psql file: the data is skipped and the CREATE INDEX after it is reported at its line', async () => {
    const path = `${FIXTURES}psql/0007_seed_currencies.sql`;
    const r = await lintText(readFileSync(path, 'utf8'), { filename: path });
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'unsupported-framework-construct')).toEqual([]);
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([22]);
    // The fix lands after the data and the result re-parses and re-lints clean.
    // Sizes from config say orders is a plain table (not partitioned): CONCURRENTLY is then a safe fix.
    const fixed = await fixText(readFileSync(path, 'utf8'), {
      filename: path,
      rules: ['require-concurrent-index-creation'],
      tables: { orders: { rows: 2_000_000 } },
    });
    expect(fixed.applied).toBe(1);
    expect(fixed.text).toContain('CREATE INDEX CONCURRENTLY orders_currency_idx ON orders (currency);');
    expect(fixed.text).toContain('USD\tUS dollar \\. not the end\t$#,##0.00\n');
    const after = await lintText(fixed.text, { filename: path });
    expect(lines(after, 'parse-error')).toEqual([]);
    expect(lines(after, 'require-concurrent-index-creation')).toEqual([]);
  });

  it('a runner that sends the file to the server: one error saying so, and the rest is still read', async () => {
    const path = `${FIXTURES}golang-migrate/migrations/000012_seed_currencies.up.sql`;
    const r = await lintText(readFileSync(path, 'utf8'), { filename: path });
    expect(r.framework).toBe('golang-migrate');
    expect(lines(r, 'parse-error')).toEqual([]);
    expect(lines(r, 'unsupported-framework-construct')).toEqual([6]);
    const note = r.findings.find((f) => f.ruleId === 'unsupported-framework-construct')!;
    expect(note.severity).toBe('error');
    expect(note.message).toContain('golang-migrate sends the SQL to the server');
    expect(lines(r, 'require-concurrent-index-creation')).toEqual([11]);
  });
});
