import { describe, expect, it } from 'vitest';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester({ settings: { preset: 'all' }, ruleSeverity: 'warn' });

const id = 'identifier-too-long';

describe(id, () => {
  it('counts bytes: 63 is the limit', async () => {
    const n63 = 'a'.repeat(63);
    const n64 = 'b'.repeat(64);
    expect(await tester.findings(id, `CREATE INDEX ${n63} ON orders (id);\n`)).toEqual([]);
    const f = await tester.findings(id, `CREATE INDEX ${n64} ON orders (id);\n`);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain(`is 64 bytes long: PostgreSQL keeps only the first 63 bytes ("${'b'.repeat(63)}")`);
  });

  it('finds a 64-character name wherever it starts in the statement', async () => {
    for (let pad = 1; pad <= 66; pad++) {
      const sql = (name: string) => `CREATE INDEX${' '.repeat(pad)}${name} ON orders (id);\n`;
      expect(await tester.findings(id, sql('a'.repeat(63))), `pad ${pad}`).toEqual([]);
      expect(await tester.findings(id, sql('b'.repeat(64))), `pad ${pad}`).toHaveLength(1);
    }
  });

  it('multi-byte characters: 31 × "é" + "x" is 63 bytes (fine), 32 × "é" is 64 (flagged)', async () => {
    expect(await tester.findings(id, `ALTER TABLE customers ADD COLUMN "${'é'.repeat(31)}x" text;\n`)).toEqual([]);
    const f = await tester.findings(id, `ALTER TABLE customers ADD COLUMN "${'é'.repeat(32)}" text;\n`);
    expect(f).toHaveLength(1);
    // Truncation keeps whole characters: 31 × é = 62 bytes.
    expect(f[0]!.message).toContain(`("${'é'.repeat(31)}")`);
  });

  it('points at the identifier itself, on its line, and reports a repeated name once per statement', async () => {
    const long = 'order_line_items_customer_reference_number_normalised_lowercase_v2';
    const sql = `CREATE TABLE order_line_items (\n  id bigint PRIMARY KEY,\n  ${long} text,\n  CHECK (${long} <> '')\n);\n`;
    const f = await tester.findings(id, sql);
    expect(f).toHaveLength(1);
    expect(f[0]!.loc).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 3 + long.length });
    expect(sql.slice(f[0]!.span.start, f[0]!.span.end)).toBe(long);
  });

  it('not in a DROP: it finds the object under the name truncated as at its creation, which was reported', async () => {
    // LemmyNet/lemmy: 2023-07-04 add_optimized_indexes creates this 64-byte index, 2023-09-07 post-queries-efficient
    // drops it and creates it again.
    const long = 'idx_post_aggregates_featured_community_newest_comment_time_necro';
    const sql = [
      `DROP INDEX ${long};`,
      'DROP INDEX idx_post_aggregates_featured_community_published;',
      `ALTER TABLE post_aggregates DROP CONSTRAINT IF EXISTS ${long}_check;`,
      `CREATE INDEX ${long} ON post_aggregates (community_id, featured_community DESC, newest_comment_time_necro DESC);`,
      '',
    ].join('\n');
    expect((await tester.findings(id, sql)).map((f) => f.loc.line)).toEqual([4]);
  });

  it('unescapes doubled quotes before counting', async () => {
    // 31 × 'ab' + '""' in the source = 62 + 1 bytes as a name.
    expect(await tester.findings(id, `CREATE TABLE "${'ab'.repeat(31)}""" (id bigint);\n`)).toEqual([]);
  });

  it('finds a quoted ASCII name over 63 bytes that holds doubled quotes, after other quoted names', async () => {
    // "a""…" : 32 × 'a"' is 64 bytes as a name; the quoted names before it must not hide it.
    const name = 'a""'.repeat(32);
    const f = await tester.findings(id, `ALTER TABLE "orders" ADD COLUMN "${name}" text REFERENCES "customers" ("id");\n`);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('is 64 bytes long');
  });

  it('finds a quoted name over 63 bytes that starts with a doubled quote', async () => {
    // '"' + 63 × 'c' is 64 bytes as a name, written """ccc…".
    const f = await tester.findings(id, `ALTER TABLE orders ADD COLUMN """${'c'.repeat(63)}" text;\n`);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('is 64 bytes long');
  });

  it('non-ASCII text elsewhere in the statement: only its names count', async () => {
    // A Chinese comment and value of more than 63 bytes (3 bytes a character), names all short.
    const sql = `-- ${'订单状态的说明'.repeat(4)}\nINSERT INTO order_states (label) VALUES ('${'已发货'.repeat(10)}');\n`;
    expect(await tester.findings(id, sql)).toEqual([]);
    const long = `${'状态'.repeat(11)}`;
    const f = await tester.findings(id, `-- ${'订单'.repeat(20)}\nALTER TABLE orders ADD COLUMN ${long} text;\n`);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('is 66 bytes long');
  });
});
