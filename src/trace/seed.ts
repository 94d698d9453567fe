/**
 * `--seed-rows N`: fills tables with N generated rows that fit their columns and constraints, so rewrites, scans
 * and index builds take realistic time relative to each other. Values are functions of the row number g (1…N) and
 * the column's type only, so a foreign key column gets the same values as the column it references: tables are
 * filled referenced-first, every value then exists. A table whose constraints the generated rows do not satisfy
 * (a CHECK, a unique index on a boolean) is left empty, and said so.
 */
import type pg from 'pg';

interface Column {
  name: string;
  type: string;
  typtype: string;
  typmod: number;
  notnull: boolean;
  hasDefault: boolean;
  generated: boolean;
  identity: string;
  enumCount: number;
}

const SEED_BASE = 1_000_000_000;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** An expression of g for a column of this type, or undefined when migralint cannot make one. */
function valueOf(c: Column): string | undefined {
  const base = c.type.replace(/\(.*\)$/, '').replace(/\[\]$/, '');
  const array = c.type.endsWith('[]');
  let v: string | undefined;
  if (c.typtype === 'e') v = `(enum_range(NULL::${c.type}))[1 + (g % ${Math.max(1, c.enumCount)})]`;
  else if (base === 'smallint') v = '(g % 32767)::smallint';
  // Far above the ids a migration's own INSERTs use, so generated keys do not collide with its rows.
  else if (base === 'integer' || base === 'bigint' || base === 'numeric' || base === 'real' || base === 'double precision') v = `(${SEED_BASE} + g)::${base}`;
  else if (base === 'text' || base === 'character varying' || base === 'character' || base === 'citext') {
    const len = /\((\d+)\)/.exec(c.type)?.[1];
    v = len ? `right('v' || g, ${len})` : `'v' || g`;
  } else if (base === 'uuid') v = 'md5(g::text)::uuid';
  else if (base.startsWith('timestamp')) v = `(timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute')::${base}`;
  else if (base === 'date') v = `date '2000-01-01' + g`;
  else if (base === 'time without time zone') v = `time '00:00' + (g % 86400) * interval '1 second'`;
  else if (base === 'interval') v = `g * interval '1 second'`;
  else if (base === 'boolean') v = '(g % 2 = 0)';
  else if (base === 'jsonb' || base === 'json') v = `json_build_object('n', g)::${base}`;
  else if (base === 'bytea') v = `decode(md5(g::text), 'hex')`;
  else if (base === 'inet') v = `('10.0.0.0'::inet + g)`;
  if (v === undefined) return undefined;
  return array ? `ARRAY[${v}]` : v;
}

export interface SeedResult {
  seeded: string[];
  skipped: string[];
}

/**
 * Fills the given tables (oids as text; all user tables when undefined) with n rows each, referenced tables first.
 */
export async function seedTables(client: pg.Client, n: number, only?: ReadonlySet<string>): Promise<SeedResult> {
  const tables = (
    await client.query<{
      oid: string;
      name: string;
    }>(`SELECT c.oid::text AS oid, format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`)
  ).rows.filter((t) => !only || only.has(t.oid));
  const deps = (
    await client.query<{ from: string; to: string }>(
      `SELECT conrelid::text AS from, confrelid::text AS to FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid`,
    )
  ).rows;
  // Referenced tables first (depth-first over the FK graph; a cycle is broken where it is met).
  const order: typeof tables = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const visit = (oid: string) => {
    if (state.has(oid)) return;
    state.set(oid, 'visiting');
    for (const d of deps) if (d.from === oid && byOid.has(d.to)) visit(d.to);
    state.set(oid, 'done');
    const t = byOid.get(oid);
    if (t) order.push(t);
  };
  for (const t of tables) visit(t.oid);

  const result: SeedResult = { seeded: [], skipped: [] };
  for (const t of order) {
    const columns = (
      await client.query<Column>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, ty.typtype::text AS typtype, a.atttypmod AS typmod, a.attnotnull AS notnull,
           a.atthasdef AS "hasDefault", a.attgenerated <> '' AS generated, a.attidentity::text AS identity,
           (SELECT count(*)::int FROM pg_enum e WHERE e.enumtypid = a.atttypid) AS "enumCount"
         FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [t.oid],
      )
    ).rows;
    const cols: string[] = [];
    const values: string[] = [];
    let impossible: string | undefined;
    for (const c of columns) {
      if (c.generated || c.identity === 'a') continue;
      const v = valueOf(c);
      if (v === undefined) {
        if (c.notnull && !c.hasDefault) impossible = `no value for column ${c.name} of type ${c.type}`;
        continue;
      }
      cols.push(ident(c.name));
      values.push(v);
    }
    if (impossible) {
      result.skipped.push(`${t.name}: ${impossible}`);
      continue;
    }
    const override = columns.some((c) => c.identity === 'a') ? '' : columns.some((c) => c.identity === 'd') ? ' OVERRIDING SYSTEM VALUE' : '';
    await client.query('SAVEPOINT seed');
    try {
      await client.query(`INSERT INTO ${t.name} (${cols.join(', ')})${override} SELECT ${values.join(', ')} FROM generate_series(1, ${n}) AS g`);
      // Sequences owned by the filled columns continue after the rows (later inserts of the history do not collide).
      const owned = (
        await client.query<{ col: string; seq: string }>(
          `SELECT a.attname AS col, pg_get_serial_sequence($1, a.attname) AS seq FROM pg_attribute a WHERE a.attrelid = $2::oid AND a.attnum > 0 AND NOT a.attisdropped`,
          [t.name, t.oid],
        )
      ).rows.filter((r) => r.seq);
      for (const o of owned) await client.query(`SELECT setval($1, greatest((SELECT max(${ident(o.col)}) FROM ${t.name})::bigint, 1))`, [o.seq]);
      await client.query('RELEASE SAVEPOINT seed');
      result.seeded.push(t.name);
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT seed');
      await client.query('RELEASE SAVEPOINT seed');
      result.skipped.push(`${t.name}: ${(error as Error).message}`);
    }
  }
  return result;
}
