import type { ColumnDef, Node } from '@pgsql/types';
import { unwrap } from '../sql/nodes.js';
import { columnType } from './replay.js';

/**
 * Which ALTER COLUMN … TYPE changes PostgreSQL makes without rewriting the table: the old type is binary-coercible
 * to the new one (pg_cast.castmethod = 'b') and no length or precision check can fail
 * (ATColumnChangeRequiresRewrite in src/backend/commands/tablecmds.c). Proved on a real server by relfilenode in
 * test/coercion.pg.test.ts.
 */
export interface TypeLike {
  name: string;
  mods: number[];
  array: boolean;
}

const TEXTUAL = new Set(['varchar', 'text']);
const PRECISION = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);
const TIMESTAMPS = new Set(['timestamp', 'timestamptz']);
/** Binary-coercible casts between different types (pg_cast, castmethod 'b') that migrations meet. */
const BINARY: Record<string, string[]> = {
  xml: ['text', 'varchar'],
  cidr: ['inet'],
  int4: ['oid', 'regclass', 'regproc', 'regtype'],
  oid: ['int4', 'regclass', 'regproc', 'regtype'],
  regclass: ['oid'],
  varbit: ['bit'],
  bit: ['varbit'],
};

/**
 * Session time zones with a fixed offset of zero: under them PostgreSQL (12 and later) converts timestamp ↔
 * timestamptz without rewriting (TimestampTimestampTzRequiresRewrite: pg_get_timezone_offset gives 0). Lower case.
 */
const UTC_ZONES = new Set(['utc', 'uct', 'gmt', 'gmt0', 'gmt+0', 'gmt-0', 'greenwich', 'universal', 'zulu'].flatMap((z) => [z, `etc/${z}`]));

/** Whether a `SET timezone` value names a zone with a fixed offset of zero ('UTC', 'Etc/UTC', 'GMT' …). */
export function isUtcZone(value: string | undefined): boolean {
  return value !== undefined && UTC_ZONES.has(value.replace(/^'|'$/g, '').trim().toLowerCase());
}

/**
 * Whether changing `from` to `to` keeps the table file: varchar(n) → varchar(m ≥ n) / varchar / text,
 * text → varchar, numeric(p,s) → numeric(q ≥ p, s) / numeric, varbit(n) → varbit(m ≥ n) / varbit, a time type
 * to a larger precision, cidr → inet, xml → text, and the same type with the same modifiers. With `utcSession`
 * (the migration set a UTC time zone; PostgreSQL 12 and later) also timestamp ↔ timestamptz without a precision.
 */
export function binaryCoercible(from: TypeLike, to: TypeLike, session: { utcSession?: boolean } = {}): boolean {
  if (from.array !== to.array) return false;
  if (session.utcSession && !from.array && TIMESTAMPS.has(from.name) && TIMESTAMPS.has(to.name) && from.name !== to.name && to.mods.length === 0) return true;
  // An array's elements are coerced through a function call: PostgreSQL rewrites unless nothing changes.
  if (from.array) return from.name === to.name && from.mods.join(',') === to.mods.join(',');
  const widerOrUnlimited = (a: number | undefined, b: number | undefined) => b === undefined || (a !== undefined && b >= a);
  if (TEXTUAL.has(from.name) && TEXTUAL.has(to.name)) {
    if (to.name === 'text' || to.mods.length === 0) return true;
    return from.name === 'varchar' && widerOrUnlimited(from.mods[0], to.mods[0]);
  }
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.mods.length === 0) return true;
    if (from.mods.length === 0) return false;
    return (from.mods[1] ?? 0) === (to.mods[1] ?? 0) && to.mods[0]! >= from.mods[0]!;
  }
  if (from.name === 'varbit' && to.name === 'varbit') return widerOrUnlimited(from.mods[0], to.mods[0]);
  if (PRECISION.has(from.name) && from.name === to.name) return widerOrUnlimited(from.mods[0] ?? 6, to.mods[0]);
  if (from.name !== to.name && BINARY[from.name]?.includes(to.name)) {
    // Casting to a length-limited type checks every value.
    return to.mods.length === 0 || (to.name === 'varbit' && from.name === 'bit' && widerOrUnlimited(from.mods[0] ?? 1, to.mods[0]));
  }
  return from.name === to.name && from.mods.join(',') === to.mods.join(',');
}

/**
 * Whether an ALTER COLUMN … TYPE's USING and COLLATE leave the conversion what it is without them, so that
 * binaryCoercible() decides: no USING, `USING col`, or `USING col::<the new type>` (Django writes
 * `TYPE text USING "col"::text`). PostgreSQL then builds the same transform expression (the column relabelled, or
 * length-coerced and simplified by the planner) and ATColumnChangeRequiresRewrite finds the column under it.
 * Any other expression, or a COLLATE clause, counts as a rewrite. Proved by relfilenode in test/coercion.pg.test.ts.
 */
export function plainConversion(def: ColumnDef, column: string): boolean {
  if (def.collClause !== undefined) return false;
  if (def.raw_default === undefined) return true;
  const isColumn = (n: Node | undefined): boolean => {
    const fields = unwrap(n, 'ColumnRef')?.fields ?? [];
    return fields.length === 1 && unwrap(fields[0], 'String')?.sval === column;
  };
  if (isColumn(def.raw_default)) return true;
  const cast = unwrap(def.raw_default, 'TypeCast');
  if (!cast || !isColumn(cast.arg)) return false;
  const to = columnType(def.typeName);
  const via = columnType(cast.typeName);
  return !!to && !!via && to.name === via.name && to.array === via.array && to.mods.join(',') === via.mods.join(',');
}
