import path from 'node:path';

/**
 * Config `baseline` / `startAfter`: migrations up to and including the named one are deployed and not linted.
 *
 * A migration's name is its file name without extension, or — for tools that keep one folder per migration
 * (`prisma/migrations/20240101120000_init/migration.sql`, `migrations/2024-01-01-000000_init/up.sql`,
 * Sqitch `deploy/…` excepted) — the folder's name. Its version is the leading number of that name
 * (`V12__add_orders` → 12, `20240101120000_init` → 20240101120000, `0007_add_index` → 7).
 */
export interface BaselineMatch {
  /** Files that are not covered by the baseline and are linted. */
  keep: string[];
  /** Files at or before the baseline. */
  skipped: string[];
}

const FOLDER_FILES = /^(migration|up|down|up\.sql|down\.sql)$/i;

export function migrationName(file: string): string {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  const parent = path.basename(path.dirname(file));
  if (FOLDER_FILES.test(base) && parent) return parent;
  // golang-migrate / dbmate style: 000001_create_users.up.sql
  return base.replace(/\.(up|down)$/i, '');
}

/**
 * The version a migration name starts with, as numbers to compare: Flyway `V1_2__x` → [1, 2]; a leading number
 * (`0007_add_index` → [7]); a date with dashes (Diesel's `2024-01-01-120000_x` → [20240101120000]).
 */
export function migrationVersion(name: string): number[] | undefined {
  const flyway = /^[Vv](\d+(?:[._]\d+)*)(?:__|$)/.exec(name);
  if (flyway) return flyway[1]!.split(/[._]/).map(Number);
  const m = /^(\d+(?:-\d+)*)(?![\d])/.exec(name);
  return m ? [Number(m[1]!.replace(/-/g, ''))] : undefined;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Splits files into those after the baseline (linted) and those at or before it.
 * `baseline` is a version (`20240101120000`, `42`, `V1.2`) or a migration name (`0042_add_orders`).
 * When it names no migration and is no version, that is an error the CLI reports (exit 2).
 */
export function applyBaseline(files: string[], baseline: string): BaselineMatch {
  const wanted = baseline.trim();
  const byName = files.filter((f) => migrationName(f) === wanted || path.basename(f) === wanted);
  let limit: number[] | undefined;
  if (byName.length) limit = migrationVersion(migrationName(byName[0]!));
  else limit = migrationVersion(wanted); // a version, or the name of a migration no longer in the tree
  if (!limit && !byName.length) throw new Error(`baseline '${baseline}' is neither a migration version nor the name of a migration found`);

  const keep: string[] = [];
  const skipped: string[] = [];
  const baselineName = byName.length ? migrationName(byName[0]!) : undefined;
  for (const f of files) {
    const name = migrationName(f);
    const v = migrationVersion(name);
    let before: boolean;
    if (limit && v) before = compareVersions(v, limit) <= 0;
    else if (baselineName) before = name.localeCompare(baselineName, 'en', { numeric: true }) <= 0;
    else before = false;
    (before ? skipped : keep).push(f);
  }
  return { keep, skipped };
}
