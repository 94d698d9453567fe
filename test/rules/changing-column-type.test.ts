import { describe, expect, it } from 'vitest';
import { keepsFile } from '../../rules/changing-column-type.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester({ settings: { preset: 'all' }, ruleSeverity: 'warn' });

const id = 'changing-column-type';
const t = (name: string, mods: number[] = [], array = false) => ({ name, mods, array });

describe(id, () => {
  it('knows which type changes keep the table file', () => {
    expect(keepsFile(t('varchar', [20]), t('varchar', [40]))).toBe(true);
    expect(keepsFile(t('varchar', [20]), t('varchar', [20]))).toBe(true);
    expect(keepsFile(t('varchar', [20]), t('varchar'))).toBe(true);
    expect(keepsFile(t('varchar', [20]), t('text'))).toBe(true);
    expect(keepsFile(t('text'), t('varchar'))).toBe(true);
    expect(keepsFile(t('varchar', [40]), t('varchar', [20]))).toBe(false);
    expect(keepsFile(t('text'), t('varchar', [20]))).toBe(false);
    expect(keepsFile(t('numeric', [10, 2]), t('numeric', [14, 2]))).toBe(true);
    expect(keepsFile(t('numeric', [10, 2]), t('numeric'))).toBe(true);
    expect(keepsFile(t('numeric', [10, 2]), t('numeric', [14, 4]))).toBe(false);
    expect(keepsFile(t('numeric'), t('numeric', [14, 2]))).toBe(false);
    expect(keepsFile(t('timestamptz', [3]), t('timestamptz'))).toBe(true);
    expect(keepsFile(t('timestamptz'), t('timestamptz', [3]))).toBe(false);
    expect(keepsFile(t('cidr'), t('inet'))).toBe(true);
    expect(keepsFile(t('int4'), t('int8'))).toBe(false);
    expect(keepsFile(t('varchar', [20], true), t('text'))).toBe(false);
  });

  it('one ALTER TABLE retyping several columns is one rewrite: one finding naming each change', async () => {
    // Lemmy's 2023-08-23-182533_scaled_rank shape: two columns of one table retyped in one statement.
    const add = 'ALTER TABLE post_aggregates ADD COLUMN hot_rank integer NOT NULL DEFAULT 1728, ADD COLUMN hot_rank_active integer NOT NULL DEFAULT 1728;\n';
    const f = await tester.findings(id, `${add}ALTER TABLE post_aggregates ALTER COLUMN hot_rank TYPE float8, ALTER COLUMN hot_rank_active TYPE float8;\n`);
    expect(f.map((x) => [x.messageId, x.message.split(' on ')[0]])).toEqual([
      ['rewrite', 'ALTER COLUMN hot_rank TYPE float8 (was integer), ALTER COLUMN hot_rank_active TYPE float8 (was integer)'],
    ]);
    // A column whose old type is unknown beside one that is a known rewrite: the table is rewritten for both.
    const mixed = await tester.findings(id, `${add}ALTER TABLE post_aggregates ALTER COLUMN hot_rank TYPE float8, ALTER COLUMN score TYPE bigint;\n`);
    expect(mixed.map((x) => x.messageId)).toEqual(['rewrite']);
    // Every old type unknown: one finding at warn, as for one column.
    const unknown = await tester.findings(
      id,
      'ALTER TABLE "Field" ALTER COLUMN "positionX" SET DATA TYPE DECIMAL(65,30),\nALTER COLUMN "positionY" SET DATA TYPE DECIMAL(65,30);\n',
    );
    expect(unknown.map((x) => x.messageId)).toEqual(['unknownOld']);
    expect(unknown[0]!.message).toContain('no migration migralint read created these columns');
  });

  it('reads USING col::<the new type> (what Django sends) as the plain conversion, any other USING as a rewrite', async () => {
    const add = 'ALTER TABLE "shop_product" ADD COLUMN "description" varchar(500) NULL;\n';
    expect(await tester.findings(id, `${add}ALTER TABLE "shop_product" ALTER COLUMN "description" TYPE text USING "description"::text;\n`)).toEqual([]);
    expect(await tester.findings(id, `${add}ALTER TABLE "shop_product" ALTER COLUMN "description" TYPE text USING "description";\n`)).toEqual([]);
    const trimmed = await tester.findings(id, `${add}ALTER TABLE "shop_product" ALTER COLUMN "description" TYPE text USING btrim("description");\n`);
    expect(trimmed.map((f) => f.messageId)).toEqual(['rewrite']);
    const collated = await tester.findings(
      id,
      `${add}ALTER TABLE "shop_product" ALTER COLUMN "description" TYPE text COLLATE "C" USING "description"::text;\n`,
    );
    expect(collated.map((f) => f.messageId)).toEqual(['rewrite']);
  });

  it("knows timestamp → timestamptz keeps the file once the migration sets a UTC time zone (Lemmy's fix-timezones)", async () => {
    // mod_ban exists before this migration; the column added here makes its old type known.
    const add = 'ALTER TABLE mod_ban ADD COLUMN expires timestamp;\n';
    const retype = 'ALTER TABLE mod_ban\n    ALTER COLUMN expires TYPE timestamptz\n    USING expires;\n';
    const lint = async (sql: string, pgVersion?: number) =>
      (await tester.findings(id, sql, pgVersion ? { settings: { preset: 'all', pgVersion } } : {})).map((f) => f.messageId);
    expect(await lint(`SET timezone = 'UTC';\n${add}\n${retype}`)).toEqual([]);
    expect(await lint(`${add}SET TIME ZONE 'Etc/UTC';\n${retype}`)).toEqual([]);
    expect(await lint(`${add}${retype}`)).toEqual(['rewrite']);
    expect(await lint(`SET timezone = 'Europe/Berlin';\n${add}${retype}`)).toEqual(['rewrite']);
    expect(await lint(`SET timezone = 'UTC';\n${add}RESET timezone;\n${retype}`)).toEqual(['rewrite']);
    // PostgreSQL 11 rewrites under any time zone.
    expect(await lint(`SET timezone = 'UTC';\n${add}${retype}`, 11)).toEqual(['rewrite']);
  });

  it('treats varchar(n) → varchar(m ≥ n) / text as safe only when the old type is known from earlier in the unit', async () => {
    const widen = 'ALTER TABLE customers ALTER COLUMN nickname TYPE varchar(64);\n';
    const unknown = await tester.findings(id, widen);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.message).toContain('the old type is unknown');
    expect(unknown[0]!.severity).toBe('warn');
    expect(await tester.findings(id, `ALTER TABLE customers ADD COLUMN nickname varchar(32);\n${widen}`)).toEqual([]);
    expect(
      await tester.findings(id, 'ALTER TABLE customers ADD COLUMN nickname varchar(32);\nALTER TABLE customers ALTER COLUMN nickname TYPE text;\n'),
    ).toEqual([]);
    // The type the unit last gave the column counts: widened once, then shrunk.
    const shrunk = await tester.findings(
      id,
      `ALTER TABLE customers ADD COLUMN nickname varchar(32);\n${widen}ALTER TABLE customers ALTER COLUMN nickname TYPE varchar(16);\n`,
    );
    expect(shrunk.map((f) => f.loc.line)).toEqual([3]);
    expect(shrunk[0]!.message).toContain('TYPE varchar(16) (was varchar(64))');
  });

  it('a table created earlier in the unit is new: silent whatever the change', async () => {
    expect(
      await tester.findings(
        id,
        'CREATE TABLE vouchers (id bigint PRIMARY KEY, code varchar(20));\nALTER TABLE vouchers ALTER COLUMN code TYPE varchar(10);\nALTER TABLE vouchers ALTER COLUMN id TYPE int;\n',
      ),
    ).toEqual([]);
  });

  it('a USING clause other than the column cast to the new type, or a new collation, counts as a rewrite even for a widening', async () => {
    const base = 'ALTER TABLE customers ADD COLUMN nickname varchar(32);\n';
    // `USING nickname::text` is the plain conversion: PostgreSQL keeps the file (model.pg.test.ts proves it).
    expect(await tester.findings(id, `${base}ALTER TABLE customers ALTER COLUMN nickname TYPE text USING lower(nickname);\n`)).toHaveLength(1);
    expect(await tester.findings(id, `${base}ALTER TABLE customers ALTER COLUMN nickname TYPE text COLLATE "C";\n`)).toHaveLength(1);
  });

  it('names the lock, the table and its size', async () => {
    const f = await tester.findings(id, 'ALTER TABLE events ADD COLUMN id integer;\nALTER TABLE events ALTER COLUMN id TYPE bigint;\n', {
      tables: { events: { rows: 310_000_000, bytes: 88_000_000_000 } },
    });
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.message).toMatch(
      /^ALTER COLUMN id TYPE bigint \(was integer\) on events \(310\.0M rows, 82\.0 GB\) rewrites the table and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock: every SELECT, INSERT, UPDATE and DELETE waits for the whole rewrite\./,
    );
  });
});
