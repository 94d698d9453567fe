import { beforeAll, describe, expect, it } from 'vitest';
import { maskSql } from '../src/sql/mask.js';
import { loadParser, parseChunk } from '../src/sql/parse.js';
import { lintText } from '../src/engine/lint-text.js';

beforeAll(() => loadParser());

describe('masking keeps every offset', () => {
  it('psql meta-commands and variables', () => {
    const sql =
      "\\set ON_ERROR_STOP on\nCREATE INDEX :idx ON :\"schema\".orders (a) WHERE note = :'note';\n\\echo done\nSELECT a::text, '\\x :not_a_var' FROM t;\n";
    const masked = maskSql(sql, { psql: true });
    expect(masked).toHaveLength(sql.length);
    expect(masked.split('\n').map((l) => l.length)).toEqual(sql.split('\n').map((l) => l.length));
    expect(masked).toContain('CREATE INDEX  idx ON  "schema".orders (a) WHERE note =  \'note\';');
    expect(masked).toContain("SELECT a::text, '\\x :not_a_var' FROM t;");
    expect(parseChunk(masked).errors).toEqual([]);
  });

  it('${placeholders} and bind markers', () => {
    expect(maskSql('CREATE INDEX i ON ${schema}.orders (a);', { placeholders: true })).toBe('CREATE INDEX i ON _________.orders (a);');
    expect(maskSql('UPDATE t SET a = %s WHERE b = %(name)s AND c = :c', { bindMarkers: ['percent', 'colon'] })).toBe(
      'UPDATE t SET a = $1 WHERE b = $1       AND c = $1',
    );
  });
});

describe("parsing with PostgreSQL's parser", () => {
  it('one bad statement is one error; the others are still parsed, with exact spans', () => {
    const sql = 'CREATE INDEX a ON t (x);\nCREATE INDEX ON;\n-- a comment\nALTER TABLE t ADD COLUMN y int;\n';
    const r = parseChunk(sql);
    expect(r.statements.map((s) => s.kind)).toEqual(['IndexStmt', 'AlterTableStmt']);
    expect(r.errors).toHaveLength(1);
    expect(sql.slice(r.errors[0]!.span.start, r.errors[0]!.span.end)).toBe(';');
    expect(sql.slice(r.statements[1]!.span.start, r.statements[1]!.span.end)).toBe('ALTER TABLE t ADD COLUMN y int');
  });

  it('converts UTF-8 byte offsets to UTF-16 offsets', () => {
    const sql = "COMMENT ON TABLE t IS 'Übersicht 🚀';\nCREATE INDEX idx ON t (a);\n";
    const r = parseChunk(sql);
    expect(sql.slice(r.statements[1]!.span.start, r.statements[1]!.span.end)).toBe('CREATE INDEX idx ON t (a)');
  });

  it('empty and comment-only files are fine', () => {
    expect(parseChunk('')).toEqual({ statements: [], errors: [] });
    expect(parseChunk('-- nothing here\n/* still nothing */\n')).toEqual({ statements: [], errors: [] });
    expect(parseChunk(';;\n')).toEqual({ statements: [], errors: [] });
  });

  it('an unterminated string is one error at the right line', async () => {
    const r = await lintText("ALTER TABLE t ADD COLUMN a int;\nSELECT 'oops;\n");
    const errors = r.findings.filter((f) => f.ruleId === 'parse-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.loc.line).toBe(2);
  });
});

describe('statement bounds', () => {
  it('exclude comments around the statement and find its semicolon, stepping over strings and dollar quotes', () => {
    const sql = [
      '-- header',
      "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$ /* trailing */ ;",
      "INSERT INTO t VALUES (E'it\\'s; fine', 'x'';y') -- done",
      ';',
      'SELECT 1 -- the end, no semicolon',
      '',
    ].join('\n');
    const r = parseChunk(sql);
    expect(r.errors).toEqual([]);
    const texts = r.statements.map((s) => sql.slice(s.span.start, s.span.end));
    expect(texts).toEqual([
      "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$",
      "INSERT INTO t VALUES (E'it\\'s; fine', 'x'';y')",
      'SELECT 1',
    ]);
    expect(sql.slice(r.statements[0]!.spanWithSemicolon.end - 1, r.statements[0]!.spanWithSemicolon.end)).toBe(';');
    expect(sql.slice(r.statements[1]!.spanWithSemicolon.start, r.statements[1]!.spanWithSemicolon.end).endsWith(';')).toBe(true);
    expect(r.statements[2]!.spanWithSemicolon).toEqual(r.statements[2]!.span);
  });

  it('end at the last token when operators, names with $ and comments touch it', () => {
    const sql = ['UPDATE t SET a=a-1, b=b/2, c$d=$1/* why */;', 'SELECT x-- trailing', ';', 'SELECT "a;b"--c', ';', 'SELECT 1/**/;'].join('\n');
    const r = parseChunk(sql);
    expect(r.errors).toEqual([]);
    expect(r.statements.map((s) => sql.slice(s.span.start, s.span.end))).toEqual(['UPDATE t SET a=a-1, b=b/2, c$d=$1', 'SELECT x', 'SELECT "a;b"', 'SELECT 1']);
  });
});

describe('large chunks', () => {
  it('are parsed in groups of whole statements with the same spans and errors as one parse would give', () => {
    const pieces: string[] = [];
    for (let i = 0; i < 9000; i++) {
      if (i % 3 === 0) pieces.push(`INSERT INTO notes (body) VALUES ('a; b -- not a comment ${i}');`);
      else if (i % 3 === 1) pieces.push(`CREATE FUNCTION f${i}() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN ${i}; END; $$; -- trailing ;`);
      else pieces.push(`/* ; */ ALTER TABLE t${i} ADD COLUMN c int;`);
    }
    pieces.splice(4000, 0, 'CREATE INDEX ON;');
    const text = `${pieces.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(512 * 1024);
    const r = parseChunk(text);
    expect(r.statements).toHaveLength(9000);
    expect(r.errors).toHaveLength(1);
    expect(text.slice(0, r.errors[0]!.span.start).split('\n')).toHaveLength(4001);
    const texts = r.statements.map((s) => text.slice(s.span.start, s.span.end));
    const expected = pieces
      .filter((p) => p !== 'CREATE INDEX ON;')
      .map((p) =>
        p
          .replace(/^\/\* ; \*\/ /, '')
          .replace(/; -- trailing ;$/, '')
          .replace(/;$/, ''),
      );
    expect(texts).toEqual(expected);
  });
});
