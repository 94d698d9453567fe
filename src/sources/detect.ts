import path from 'node:path';
import type { FileSystem } from '../fs.js';
import type { FrameworkId } from '../types.js';

/**
 * Framework detection from a file's path, its content and the files beside it (journal, lock file, atlas.sum …),
 * read through the FileSystem the caller gives (which caches its answers for the run).
 */

const DRIZZLE_V1_DIR = /^\d{14}_[^/]+$/;
const PRISMA_DIR = /^\d{14}_[^/]+$/;
/** Diesel's folder names: `2021-03-04-120000_name`, today's `2025-09-19-132648-0000_name`, or `20210304120000_name`. */
export const DIESEL_DIR = /^(?:\d{4}-\d{2}-\d{2}-\d{6}(?:-\d{4})?|\d{14})_[^/]+$/;
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
function ancestorHas(fs: FileSystem, dir: string, file: string, levels: number): boolean {
  let d = dir;
  for (let i = 0; i <= levels; i++) {
    if (fs.exists(path.join(d, file))) return true;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return false;
}

/** Which framework a file belongs to, from its path, its content and the files beside it. Plain psql otherwise. */
export function detectSqlFramework(filePath: string, text: string, fs: FileSystem): FrameworkId {
  if (!/\.sql$/i.test(filePath)) return 'psql';
  const abs = path.resolve(filePath);
  const norm = abs.split(path.sep).join('/');
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  const parentName = path.basename(dir);
  const grand = path.dirname(dir);

  // Drizzle: `--> statement-breakpoint`, `meta/_journal.json` beside the file, or v1's <ts>_<name>/migration.sql.
  if (text.includes('--> statement-breakpoint')) return 'drizzle';
  if (/^\d{4}_.+\.sql$/.test(base) && fs.exists(path.join(dir, 'meta', '_journal.json'))) return 'drizzle';
  if (base === 'migration.sql' && DRIZZLE_V1_DIR.test(parentName)) {
    if (fs.exists(path.join(grand, 'migration_lock.toml')) || /\/prisma\/migrations\//.test(norm)) return 'prisma';
    if (fs.exists(path.join(dir, 'snapshot.json')) || /\/drizzle\//.test(norm)) return 'drizzle';
  }
  // Prisma: prisma/migrations/<ts>_<name>/migration.sql with migration_lock.toml.
  if (base === 'migration.sql' && (PRISMA_DIR.test(parentName) || fs.exists(path.join(grand, 'migration_lock.toml')))) return 'prisma';
  // Diesel: migrations/<date>_<name>/up.sql (+ metadata.toml, diesel.toml in the project).
  if ((base === 'up.sql' || base === 'down.sql') && (DIESEL_DIR.test(parentName) || fs.exists(path.join(dir, 'metadata.toml')))) return 'diesel';
  // Atlas: atlas.sum in the migration directory.
  if (fs.exists(path.join(dir, 'atlas.sum'))) return 'atlas';
  // sqitch: deploy/ revert/ verify/ beside sqitch.plan.
  if ((parentName === 'deploy' || parentName === 'revert' || parentName === 'verify') && fs.exists(path.join(grand, 'sqitch.plan'))) return 'sqitch';
  // graphile-migrate: `--! ` headers, migrations/committed/, migrations/current.sql, .gmrc.
  if (/^--! (?:Previous|Hash|Message|AllowInvalidHash|no-transaction)\b/.test(text)) return 'graphile-migrate';
  if (/\/migrations\/(?:committed\/\d{6}[^/]*|current(?:\/[^/]+)?|current)\.sql$/.test(norm) && ancestorHas(fs, dir, '.gmrc', 3)) return 'graphile-migrate';
  // goose and dbmate: their section annotations.
  if (GOOSE.test(text)) return 'goose';
  if (hasLeadingDbmateUp(text)) return 'dbmate';
  // Supabase CLI: supabase/migrations/.
  if (/\/supabase\/migrations\/[^/]+\.sql$/.test(norm)) return 'supabase';
  // Flyway: V<n>__name.sql, U<n>__name.sql (undo), R__name.sql (repeatable).
  if (FLYWAY_FILE.test(base)) return 'flyway';
  // sqlx: its templates and `-- no-transaction`, or a Rust project around migrations/.
  if (SQLX_TEMPLATE.test(text)) return 'sqlx';
  if (/^\d+_.+\.sql$/.test(base) && parentName === 'migrations' && fs.exists(path.join(grand, 'Cargo.toml')) && !fs.exists(path.join(grand, 'diesel.toml'))) return 'sqlx';
  // golang-migrate: <n>_name.up.sql / .down.sql.
  if (/^\d+_.+\.(?:up|down)\.sql$/i.test(base)) return 'golang-migrate';
  return 'psql';
}
