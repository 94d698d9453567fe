import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixText, lintText, loadParsers } from '../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { planUnit, unitOf } from '../src/trace/execute.js';
import type { FileResult, Finding } from '../src/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plpgsql/', import.meta.url));

beforeAll(loadParsers);

const of = (r: FileResult, id: string): Finding[] => r.findings.filter((f) => f.ruleId === id);
const at = (r: FileResult, id: string): string[] => of(r, id).map((f) => `${f.loc.line}:${f.loc.column}`);
const lint = (rel: string) => lintText(readFileSync(FIXTURES + rel, 'utf8'), { filename: FIXTURES + rel });

describe('PL/pgSQL bodies', () => {
  it('Drizzle: the foreign key in a DO … EXCEPTION block is reported at its line; the one on a table this migration creates is not', async () => {
    const r = await lint('drizzle/drizzle/0001_remote_servers.sql');
    expect(r.framework).toBe('drizzle');
    expect(at(r, 'parse-error')).toEqual([]);
    expect(at(r, 'adding-foreign-key-constraint')).toEqual(['16:2']);
    const fk = of(r, 'adding-foreign-key-constraint')[0]!;
    expect(fk.data?.lock).toMatchObject({ mode: 'SHARE ROW EXCLUSIVE', relation: 'deployment' });
    // Inside a body a fix is a suggestion at most, and only one that rewrites the statement in place.
    expect(fk.fix).toBeUndefined();
    expect(fk.suggestions?.map((s) => s.description)).toEqual([expect.stringContaining('NOT VALID')]);
  });

  it('a suggestion inside a body rewrites only the statement, and the result parses and re-lints clean', async () => {
    const path = `${FIXTURES}drizzle/drizzle/0001_remote_servers.sql`;
    const text = readFileSync(path, 'utf8');
    const plain = await fixText(text, { filename: path, rules: ['adding-foreign-key-constraint'] });
    expect(plain.applied).toBe(0);
    const fixed = await fixText(text, { filename: path, rules: ['adding-foreign-key-constraint'], types: ['suggestion'] });
    expect(fixed.applied).toBe(1);
    expect(fixed.text).toContain('REFERENCES "public"."server"("serverId") ON DELETE cascade ON UPDATE no action NOT VALID;\nEXCEPTION');
    const after = await lintText(fixed.text, { filename: path });
    expect(at(after, 'parse-error')).toEqual([]);
    expect(at(after, 'adding-foreign-key-constraint')).toEqual([]);
  });

  it('psql: IF NOT EXISTS guard, per-partition EXECUTE format() loop, CONCURRENTLY in a DO block, dynamic EXECUTE, a function only created', async () => {
    const r = await lint('psql/0042_partitioned_events.sql');
    expect(at(r, 'parse-error')).toEqual([]);
    expect(at(r, 'adding-foreign-key-constraint')).toEqual(['11:9']);
    // The loop's index: the table is the loop variable, so unknown, and the finding says so.
    const idx = of(r, 'require-concurrent-index-creation');
    expect(idx.map((f) => `${f.loc.line}:${f.loc.column}`)).toEqual(['28:25']);
    expect(idx[0]!.message).toContain('"<part.relname>"');
    expect(idx[0]!.data?.table?.sizeClass).toBe('unknown');
    expect(idx[0]!.fix).toBeUndefined();
    expect(idx[0]!.suggestions).toBeUndefined();
    expect(idx[0]!.help).toContain('DO block on line 18');
    // CONCURRENTLY in a body always fails: the reason is the body.
    const conc = of(r, 'ban-concurrent-index-creation-in-transaction');
    expect(conc.map((f) => `${f.loc.line}:${f.loc.column}`)).toEqual(['36:14']);
    expect(conc[0]!.message).toContain('DO block on line 34');
    expect(conc[0]!.message).toContain('from a function');
    expect(conc[0]!.fix).toBeUndefined();
    // The EXECUTE built by concatenation is one info note, at the expression.
    const notes = of(r, 'unsupported-framework-construct');
    expect(notes.map((f) => `${f.loc.line}:${f.loc.column}:${f.severity}`)).toEqual(['45:17:info']);
    // SET lock_timeout at the top is in effect inside the bodies.
    expect(at(r, 'require-lock-timeout')).toEqual([]);
    // The trigger function is only created: its UPDATE is not run by this migration.
    expect(r.findings.filter((f) => f.loc.line >= 50)).toEqual([]);
    expect(r.statements?.filter((s) => s.line >= 50).map((s) => s.head)).toEqual(['CREATE OR']);
  });

  it("a procedure's own COMMIT: fine when CALL runs on its own (psql), invalid transaction termination inside the runner's transaction", async () => {
    const psql = await lint('psql/0043_backfill_scores.sql');
    expect(psql.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // The body's statements run at the CALL, after the CREATE.
    expect(psql.statements?.map((s) => `${s.line} ${s.head}`)).toEqual(['3 CREATE OR', '19 CALL', '10 UPDATE', '14 COMMIT', '21 DROP PROCEDURE']);
    const gm = await lint('golang-migrate/migrations/000031_backfill_scores.up.sql');
    expect(gm.framework).toBe('golang-migrate');
    const nesting = of(gm, 'transaction-nesting');
    expect(nesting.map((f) => `${f.loc.line}:${f.loc.column}`)).toEqual(['9:9']);
    expect(nesting[0]!.message).toContain('invalid transaction termination');
    expect(nesting[0]!.message).toContain('golang-migrate sends this file as one query');
  });

  it('Alembic: a DO block in op.execute("""…""") is reported at its line and column in the Python file', async () => {
    const r = await lint('alembic/versions/7c1d2e3f4a5b_invoice_customer_fk.py');
    expect(r.framework).toBe('alembic');
    expect(at(r, 'adding-foreign-key-constraint')).toEqual(['18:17']);
    const text = readFileSync(`${FIXTURES}alembic/versions/7c1d2e3f4a5b_invoice_customer_fk.py`, 'utf8');
    const f = of(r, 'adding-foreign-key-constraint')[0]!;
    expect(text.slice(f.span.start, f.span.end)).toBe(
      'ALTER TABLE invoice ADD CONSTRAINT invoice_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (id)',
    );
  });

  it('Knex: a DO block in knex.raw(`…`) — the index is reported where it is written, and no fix adds CONCURRENTLY to a body', async () => {
    const r = await lint('knex/migrations/20240611120000_order_indexes.js');
    expect(r.framework).toBe('knex');
    const idx = of(r, 'require-concurrent-index-creation');
    expect(idx.map((f) => `${f.loc.line}:${f.loc.column}`)).toEqual(['6:9']);
    expect(idx[0]!.fix).toBeUndefined();
    expect(JSON.stringify(idx[0]!.suggestions ?? [])).not.toMatch(/CONCURRENTLY/i);
  });

  it("a single-quoted body with '' and EXECUTE of a constant: exact columns; the body runs only when called", async () => {
    const fn = "CREATE FUNCTION add_idx() RETURNS void AS 'BEGIN EXECUTE ''CREATE INDEX orders_total_idx ON orders (total)''; END' LANGUAGE plpgsql;\n";
    const created = await lintText(fn);
    expect(at(created, 'require-concurrent-index-creation')).toEqual([]);
    const called = await lintText(`${fn}SELECT add_idx();\n`);
    const f = of(called, 'require-concurrent-index-creation');
    expect(f.map((x) => `${x.loc.line}:${x.loc.column}`)).toEqual([`1:${fn.indexOf('CREATE INDEX') + 1}`]);
    expect(fn.slice(f[0]!.span.start, f[0]!.span.end)).toBe('CREATE INDEX orders_total_idx ON orders (total)');
    expect(f[0]!.help).toContain('function add_idx (line 1)');
  });

  it('the body is found where its AS clause is, after comments and in any order of LANGUAGE; a continued string is one constant', async () => {
    const index = 'CREATE INDEX orders_total_idx ON orders (total)';
    const bodies = [
      `DO LANGUAGE plpgsql $$BEGIN ${index}; END$$;`,
      `DO $do$BEGIN ${index}; END$do$ LANGUAGE plpgsql;`,
      `CREATE PROCEDURE p() AS /* the body */ $body$BEGIN ${index}; END$body$ LANGUAGE plpgsql;\nCALL p();`,
    ];
    for (const sql of bodies) {
      const f = of(await lintText(`${sql}\n`), 'require-concurrent-index-creation');
      expect(
        f.map((x) => sql.slice(x.span.start, x.span.end)),
        sql,
      ).toEqual([index]);
    }
    // Two string constants on consecutive lines are one to PostgreSQL: a body that does not map back to the file.
    const continued = await lintText(`CREATE PROCEDURE q() LANGUAGE plpgsql AS 'BEGIN '\n'${index}; END';\nCALL q();\n`);
    expect(of(continued, 'require-concurrent-index-creation')).toEqual([]);
    expect(of(continued, 'unsupported-framework-construct').map((f) => f.message)).toEqual([
      expect.stringContaining('a form migralint cannot map back to the file'),
    ]);
  });

  it('format() with constant arguments fills them in, quoted as %I quotes', async () => {
    const sql =
      "DO $$\nBEGIN\n  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (user_id) REFERENCES %I (id)', 'Order', 'order_user_fk', 'user');\nEND\n$$;\n";
    const r = await lintText(sql);
    const fk = of(r, 'adding-foreign-key-constraint');
    expect(fk.map((f) => `${f.loc.line}:${f.loc.column}`)).toEqual(['3:19']);
    expect(fk[0]!.data?.lock?.relation).toBe('"Order"');
    expect(fk[0]!.suggestions).toBeUndefined();
  });

  it('SET LOCAL in a DO block that runs on its own ends with it; a session SET stays', async () => {
    const local = await lintText(
      "DO $$\nBEGIN\n  SET LOCAL lock_timeout = '1s';\n  ALTER TABLE a ADD COLUMN b int;\nEND\n$$;\nALTER TABLE c ADD COLUMN d int;\n",
    );
    expect(of(local, 'require-lock-timeout')[0]?.message).toContain('ALTER TABLE on c (line 7');
    expect(of(local, 'require-lock-timeout')[0]?.message).not.toContain('line 4');
    const session = await lintText("DO $$\nBEGIN\n  SET lock_timeout = '1s';\nEND\n$$;\nALTER TABLE c ADD COLUMN d int;\n");
    expect(at(session, 'require-lock-timeout')).toEqual([]);
  });

  it('PERFORM in a body: set_config is tracked, and a function it calls runs there', async () => {
    const sql = [
      'CREATE FUNCTION add_fk() RETURNS void LANGUAGE plpgsql AS $$',
      'BEGIN',
      '  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      'END',
      '$$;',
      'DO $$',
      'BEGIN',
      "  PERFORM set_config('lock_timeout', '2s', true);",
      '  PERFORM add_fk();',
      'END',
      '$$;',
      '',
    ].join('\n');
    const r = await lintText(sql);
    expect(at(r, 'adding-foreign-key-constraint')).toEqual(['3:3']);
    expect(at(r, 'require-lock-timeout')).toEqual([]);
    expect(of(r, 'adding-foreign-key-constraint')[0]!.message).toContain('orders');
  });

  it('a body PostgreSQL cannot compile is one info note, not a parse error', async () => {
    const r = await lintText('DO $$\nBEGIN\n  FOR r IN SELECT 1 LOOP\n    NULL;\n  END LOOP;\nEND\n$$;\n');
    expect(at(r, 'parse-error')).toEqual([]);
    const notes = of(r, 'unsupported-framework-construct');
    expect(notes.map((f) => `${f.loc.line}:${f.severity}`)).toEqual(['1:info']);
    expect(notes[0]!.message).toContain('PL/pgSQL parser');
  });

  it('a suppression comment inside a body covers the statement under it', async () => {
    const sql =
      'DO $$\nBEGIN\n  -- migralint-disable-next-line adding-foreign-key-constraint -- orders is tiny\n  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n  ALTER TABLE invoices ADD CONSTRAINT invoices_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\nEND\n$$;\n';
    const r = await lintText(sql);
    expect(at(r, 'adding-foreign-key-constraint')).toEqual(['5:3']);
    expect(at(r, 'unused-disable-directive')).toEqual([]);
  });

  it('trace runs a DO block and a CALL as the statements they are, not their bodies again', () => {
    const path = `${FIXTURES}psql/0043_backfill_scores.sql`;
    const plan = planUnit(unitOf({ path, text: readFileSync(path, 'utf8'), bom: false }, DEFAULT_SETTINGS, 'psql'));
    expect(plan.steps.map((s) => `${s.line} ${s.sql.split(/\s+/).slice(0, 2).join(' ')}`)).toEqual([
      '3 CREATE OR',
      '19 CALL backfill_post_score',
      '21 DROP PROCEDURE',
    ]);
  });

  it('DO blocks in another language, and SQL functions, are left alone', async () => {
    const r = await lintText(
      "DO LANGUAGE plpython3u $$ plpy.execute('CREATE INDEX i ON t (a)') $$;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nSELECT f();\n",
    );
    expect(r.findings.map((f) => f.ruleId)).toEqual([]);
  });
});
