/**
 * PostgreSQL's table lock modes as pg_locks names them, weakest first (the order of the conflict table in the
 * manual's "Explicit Locking" chapter). Written here, not imported from src/, so tests check the code against the
 * manual rather than against itself.
 */
export const PG_LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

/** The strongest mode held per relation, from pg_locks rows of one backend. */
export function strongestPerRelation(rows: Iterable<{ relname: string; mode: string }>): Record<string, string> {
  const rank = (mode: string): number => (PG_LOCK_MODES as readonly string[]).indexOf(mode);
  const held: Record<string, string> = {};
  for (const r of rows) if (!held[r.relname] || rank(r.mode) > rank(held[r.relname]!)) held[r.relname] = r.mode;
  return held;
}
