import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameworkId } from '../types.js';

/**
 * Framework detection from a file's path, its content and the files beside it (journal, lock file, atlas.sum …).
 * File-system answers are cached per path, so a run over thousands of migrations in a few folders stats each
 * sibling once.
 */
const existsCache = new Map<string, boolean>();
const textCache = new Map<string, string | null>();
let consulted: ((path: string) => void) | undefined;

/** Calls `record` with every file path detection and the adapters consult while `fn` runs (the lint cache's dependencies). */
export function recordConsulted<T>(record: (path: string) => void, fn: () => T): T {
  const outer = consulted;
  consulted = record;
  try {
    return fn();
  } finally {
    consulted = outer;
  }
}

/** fs.existsSync, cached for the process (migration folders do not change during a run). */
export function cachedExists(p: string): boolean {
  consulted?.(p);
  let v = existsCache.get(p);
  if (v === undefined) {
    v = existsSync(p);
    existsCache.set(p, v);
  }
  return v;
}

/** A sibling file's text (journal, metadata.toml, .conf), cached; null when it does not exist or cannot be read. */
export function readSibling(p: string): string | null {
  consulted?.(p);
  if (textCache.has(p)) return textCache.get(p)!;
  let text: string | null = null;
  try {
    if (cachedExists(p)) text = readFileSync(p, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    text = null;
  }
  textCache.set(p, text);
  return text;
}

/** Forgets cached file-system answers (tests that write files, watch mode). */
export function clearDetectionCache(): void {
  existsCache.clear();
  textCache.clear();
}

const DRIZZLE_V1_DIR = /^\d{14}_[^/]+$/;
const PRISMA_DIR = /^\d{14}_[^/]+$/;
const DIESEL_DIR = /^(?:\d{4}-\d{2}-\d{2}-\d{6}|\d{14})_[^/]+$/;
const FLYWAY_FILE = /^(?:[VU]\d+(?:[._]\d+)*|R)__.+\.sql$/i;
const GOOSE = /^[ \t]*--[ \t]*\+goose[ \t]+(?:up|down)\b/im;
const SQLX_TEMPLATE = /^-- (?:no-transaction|Add (?:up |down )?migration script here)/;

/** True when `-- migrate:up` comes before any statement (dbmate rejects statements before it). */
export function hasLeadingDbmateUp(text: string): boolean {
  const m = /^--\s*migrate:up(?:\s*$|\s+\S+)/m.exec(text);
  if (!m) return false;
  return text
    .slice(0, m.index)
    .split('\n')
    .every((l) => /^\s*$/.test(l) || /^\s*--/.test(l));
}

/** The directory above `dir` whose basename is `name`, looking up to `levels` parents. */
function ancestorHas(dir: string, file: string, levels: number): boolean {
  let d = dir;
  for (let i = 0; i <= levels; i++) {
    if (cachedExists(path.join(d, file))) return true;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return false;
}

/** Which framework a file belongs to, from its path, its content and the files beside it. Plain psql otherwise. */
export function detectSqlFramework(filePath: string, text: string): FrameworkId {
  if (!/\.sql$/i.test(filePath)) return 'psql';
  const abs = path.resolve(filePath);
  const norm = abs.split(path.sep).join('/');
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  const parentName = path.basename(dir);
  const grand = path.dirname(dir);

  // Drizzle: `--> statement-breakpoint`, `meta/_journal.json` beside the file, or v1's <ts>_<name>/migration.sql.
  if (text.includes('--> statement-breakpoint')) return 'drizzle';
  if (/^\d{4}_.+\.sql$/.test(base) && cachedExists(path.join(dir, 'meta', '_journal.json'))) return 'drizzle';
  if (base === 'migration.sql' && DRIZZLE_V1_DIR.test(parentName)) {
    if (cachedExists(path.join(grand, 'migration_lock.toml')) || /\/prisma\/migrations\//.test(norm)) return 'prisma';
    if (cachedExists(path.join(dir, 'snapshot.json')) || /\/drizzle\//.test(norm)) return 'drizzle';
  }
  // Prisma: prisma/migrations/<ts>_<name>/migration.sql with migration_lock.toml.
  if (base === 'migration.sql' && (PRISMA_DIR.test(parentName) || cachedExists(path.join(grand, 'migration_lock.toml')))) return 'prisma';
  // Diesel: migrations/<date>_<name>/up.sql (+ metadata.toml, diesel.toml in the project).
  if ((base === 'up.sql' || base === 'down.sql') && (DIESEL_DIR.test(parentName) || cachedExists(path.join(dir, 'metadata.toml')))) return 'diesel';
  // Atlas: atlas.sum in the migration directory.
  if (cachedExists(path.join(dir, 'atlas.sum'))) return 'atlas';
  // sqitch: deploy/ revert/ verify/ beside sqitch.plan.
  if ((parentName === 'deploy' || parentName === 'revert' || parentName === 'verify') && cachedExists(path.join(grand, 'sqitch.plan'))) return 'sqitch';
  // graphile-migrate: `--! ` headers, migrations/committed/, migrations/current.sql, .gmrc.
  if (/^--! (?:Previous|Hash|Message|AllowInvalidHash|no-transaction)\b/.test(text)) return 'graphile-migrate';
  if (/\/migrations\/(?:committed\/\d{6}[^/]*|current(?:\/[^/]+)?|current)\.sql$/.test(norm) && ancestorHas(dir, '.gmrc', 3)) return 'graphile-migrate';
  // goose and dbmate: their section annotations.
  if (GOOSE.test(text)) return 'goose';
  if (hasLeadingDbmateUp(text)) return 'dbmate';
  // Supabase CLI: supabase/migrations/.
  if (/\/supabase\/migrations\/[^/]+\.sql$/.test(norm)) return 'supabase';
  // Flyway: V<n>__name.sql, U<n>__name.sql (undo), R__name.sql (repeatable).
  if (FLYWAY_FILE.test(base)) return 'flyway';
  // sqlx: its templates and `-- no-transaction`, or a Rust project around migrations/.
  if (SQLX_TEMPLATE.test(text)) return 'sqlx';
  if (/^\d+_.+\.sql$/.test(base) && parentName === 'migrations' && cachedExists(path.join(grand, 'Cargo.toml')) && !cachedExists(path.join(grand, 'diesel.toml'))) return 'sqlx';
  // golang-migrate: <n>_name.up.sql / .down.sql.
  if (/^\d+_.+\.(?:up|down)\.sql$/i.test(base)) return 'golang-migrate';
  return 'psql';
}
