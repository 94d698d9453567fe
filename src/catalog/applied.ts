import path from 'node:path';
import { migrationName } from '../cli/baseline.js';
import { checkDatabaseUrl, describeError, StatsError } from './database.js';

/**
 * Which migrations a database records as applied, read from the migration tool's own history table, read-only
 * (a READ ONLY transaction, with timeouts). A migration recorded there is deployed: `--fix` never rewrites it
 * (its checksum is recorded, or it simply ran already) and it is not linted (an automatic baseline).
 *
 * The tables, as each tool creates them in PostgreSQL:
 *  - Flyway: `flyway_schema_history` (installed_rank, version, description, type, script, checksum, installed_by,
 *    installed_on, execution_time, success): rows with success, matched on `script` (the file name);
 *  - Prisma: `_prisma_migrations` (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at,
 *    applied_steps_count): finished and not rolled back, matched on `migration_name` (the folder);
 *  - goose: `goose_db_version` (id, version_id, is_applied, tstamp): a version whose newest row says is_applied;
 *  - `schema_migrations`: golang-migrate's (version bigint, dirty boolean) holds the current version, so every
 *    version up to it is applied; dbmate's and Rails-style (version varchar) list each applied version;
 *  - Alembic: `alembic_version` (version_num): the heads; their ancestors (down_revision) are applied too;
 *  - Django: `django_migrations` (id, app, name, applied): matched on app (the app folder) and name;
 *  - Drizzle: `drizzle.__drizzle_migrations` (id, hash, created_at): created_at is the journal entry's `when`
 *    (meta/_journal.json); every entry up to the newest recorded is applied;
 *  - Atlas: `atlas_schema_revisions.atlas_schema_revisions` (version, description, type, applied, total, …):
 *    matched on version (the file name up to its first `_`);
 *  - Sqitch: `sqitch.changes` (change_id, script_hash, change, project, …): matched on the change name (the
 *    path under deploy/ without .sql);
 *  - Diesel: `__diesel_schema_migrations` (version, run_on); sqlx: `_sqlx_migrations` (version, …, success);
 *    Knex: `knex_migrations` (id, name, batch, migration_time).
 */
export interface AppliedRecords {
  flyway?: string[];
  prisma?: string[];
  goose?: string[];
  /** golang-migrate: the current version (every version up to it is applied). */
  golangMigrate?: { version: string; dirty: boolean };
  /** dbmate / Rails-style schema_migrations: each applied version. */
  schemaMigrations?: string[];
  alembic?: string[];
  django?: Array<{ app: string; name: string }>;
  /** Drizzle: the newest `created_at` recorded (a journal `when`). */
  drizzle?: string;
  atlas?: string[];
  sqitch?: string[];
  diesel?: string[];
  sqlx?: string[];
  knex?: string[];
}

interface Source {
  key: keyof AppliedRecords;
  /** The table as `to_regclass` reads it. */
  table: string;
  /** Label for messages. */
  label: string;
  read(q: Query): Promise<AppliedRecords[keyof AppliedRecords]>;
}

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

const str = (v: unknown) => String(v);

const SOURCES: Source[] = [
  {
    key: 'flyway',
    table: 'flyway_schema_history',
    label: 'flyway_schema_history',
    read: async (q) => (await q('SELECT script FROM flyway_schema_history WHERE success')).map((r) => str(r.script)),
  },
  {
    key: 'prisma',
    table: '_prisma_migrations',
    label: '_prisma_migrations',
    read: async (q) =>
      (await q('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')).map((r) => str(r.migration_name)),
  },
  {
    key: 'goose',
    table: 'goose_db_version',
    label: 'goose_db_version',
    read: async (q) =>
      (await q('SELECT DISTINCT ON (version_id) version_id, is_applied FROM goose_db_version ORDER BY version_id, id DESC'))
        .filter((r) => r.is_applied === true && str(r.version_id) !== '0')
        .map((r) => str(r.version_id)),
  },
  {
    key: 'alembic',
    table: 'alembic_version',
    label: 'alembic_version',
    read: async (q) => (await q('SELECT version_num FROM alembic_version')).map((r) => str(r.version_num)),
  },
  {
    key: 'django',
    table: 'django_migrations',
    label: 'django_migrations',
    read: async (q) => (await q('SELECT app, name FROM django_migrations')).map((r) => ({ app: str(r.app), name: str(r.name) })),
  },
  {
    key: 'drizzle',
    table: 'drizzle.__drizzle_migrations',
    label: 'drizzle.__drizzle_migrations',
    read: async (q) => (await q('SELECT max(created_at)::text AS last FROM drizzle.__drizzle_migrations'))[0]?.last as string | undefined,
  },
  {
    key: 'atlas',
    table: 'atlas_schema_revisions.atlas_schema_revisions',
    label: 'atlas_schema_revisions',
    read: async (q) => (await q('SELECT version FROM atlas_schema_revisions.atlas_schema_revisions')).map((r) => str(r.version)),
  },
  {
    key: 'sqitch',
    table: 'sqitch.changes',
    label: 'sqitch.changes',
    read: async (q) => (await q('SELECT change FROM sqitch.changes')).map((r) => str(r.change)),
  },
  {
    key: 'diesel',
    table: '__diesel_schema_migrations',
    label: '__diesel_schema_migrations',
    read: async (q) => (await q('SELECT version FROM __diesel_schema_migrations')).map((r) => str(r.version)),
  },
  {
    key: 'sqlx',
    table: '_sqlx_migrations',
    label: '_sqlx_migrations',
    read: async (q) => (await q('SELECT version FROM _sqlx_migrations WHERE success')).map((r) => str(r.version)),
  },
  { key: 'knex', table: 'knex_migrations', label: 'knex_migrations', read: async (q) => (await q('SELECT name FROM knex_migrations')).map((r) => str(r.name)) },
];

export interface AppliedHistory {
  records: AppliedRecords;
  /** The history tables found, with how many entries each holds: `flyway_schema_history (12)`. */
  tables: string[];
  /** History tables present that the role has no SELECT privilege on. */
  unreadable: string[];
}

/** Reads every known history table the database has, read-only. A database with none gives empty records. */
export async function readAppliedHistory(url: string, options: { connectTimeoutMs?: number; statementTimeoutMs?: number } = {}): Promise<AppliedHistory> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  checkDatabaseUrl(url);
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    lock_timeout: 1_000,
    application_name: 'migralint',
  });
  client.on('error', () => {});
  const records: AppliedRecords = {};
  const tables: string[] = [];
  const unreadable: string[] = [];
  try {
    await client.connect();
    await client.query('BEGIN TRANSACTION READ ONLY');
    const q: Query = async (sql) => (await client.query(sql)).rows as Array<Record<string, unknown>>;
    const present = await q(
      `SELECT t.name, to_regclass(t.name) IS NOT NULL AS present, to_regclass(t.name) IS NOT NULL AND has_table_privilege(to_regclass(t.name), 'SELECT') AS readable FROM unnest(ARRAY[${SOURCES.map((s) => `'${s.table}'`).join(', ')}, 'schema_migrations']) AS t(name)`,
    );
    // A table the role may not read is left out (the role that reads table sizes needs no table privileges).
    const has = new Set(present.filter((r) => r.readable === true).map((r) => str(r.name)));
    unreadable.push(...present.filter((r) => r.present === true && r.readable !== true).map((r) => str(r.name)));
    for (const s of SOURCES) {
      if (!has.has(s.table)) continue;
      const value = await s.read(q);
      (records as Record<string, unknown>)[s.key] = value;
      tables.push(`${s.label} (${Array.isArray(value) ? value.length : value === undefined ? 0 : 'up to ' + value})`);
    }
    if (has.has('schema_migrations')) {
      const cols = new Set(
        (await q(`SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('schema_migrations') AND attnum > 0 AND NOT attisdropped`)).map((r) =>
          str(r.attname),
        ),
      );
      if (cols.has('dirty')) {
        const row = (await q('SELECT version::text AS version, dirty FROM schema_migrations LIMIT 1'))[0];
        if (row) {
          records.golangMigrate = { version: str(row.version), dirty: row.dirty === true };
          tables.push(`schema_migrations (golang-migrate, at ${records.golangMigrate.version})`);
        }
      } else if (cols.has('version')) {
        records.schemaMigrations = (await q('SELECT version::text AS version FROM schema_migrations')).map((r) => str(r.version));
        tables.push(`schema_migrations (${records.schemaMigrations.length})`);
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    // The same words as for table sizes read from the same database (a wrong password is one message).
    throw new StatsError(describeError(error, url, { connectTimeoutMs, statementTimeoutMs }));
  } finally {
    await client.end().catch(() => {});
  }
  return { records, tables, unreadable };
}

/** `0042` → `42`: versions compared as numbers where they are numbers. */
function normalVersion(v: string): string {
  return /^\d+$/.test(v) ? v.replace(/^0+(?=\d)/, '') : v;
}

function leadingNumber(name: string): string | undefined {
  return /^(\d+)/.exec(name)?.[1];
}

/** The revision and down_revision(s) an Alembic file declares. */
function alembicLinks(text: string): { revision?: string; down: string[] } {
  const revision = /^revision\s*(?::\s*[^=]+)?=\s*['"]([^'"]+)['"]/m.exec(text)?.[1];
  const downLine = /^down_revision\s*(?::\s*[^=]+)?=\s*(.+)$/m.exec(text)?.[1] ?? '';
  const down = [...downLine.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return { revision, down };
}

/**
 * The files among `files` that the records say are applied. `read` gives a file's text (Alembic's revision links,
 * Drizzle's journal); it returns undefined for a file it cannot read.
 */
export function appliedFiles(records: AppliedRecords, files: string[], read: (file: string) => string | undefined): Set<string> {
  const out = new Set<string>();
  const set = (xs: string[] | undefined) => new Set((xs ?? []).map(normalVersion));
  const flyway = new Set((records.flyway ?? []).map((s) => path.basename(s)));
  const prisma = new Set(records.prisma ?? []);
  const goose = set(records.goose);
  const listed = set(records.schemaMigrations);
  const atlas = set(records.atlas);
  const sqitch = new Set(records.sqitch ?? []);
  const diesel = set(records.diesel);
  const sqlx = set(records.sqlx);
  const knex = new Set(records.knex ?? []);
  const django = new Set((records.django ?? []).map((d) => `${d.app}/${d.name}`));
  // Alembic: the heads and every revision they descend from.
  const alembic = new Set<string>();
  if (records.alembic?.length) {
    const links = new Map<string, string[]>();
    for (const f of files) {
      if (!f.endsWith('.py')) continue;
      const text = read(f);
      const l = text ? alembicLinks(text) : undefined;
      if (l?.revision) links.set(l.revision, l.down);
    }
    const todo = [...records.alembic];
    while (todo.length) {
      const r = todo.pop()!;
      if (alembic.has(r)) continue;
      alembic.add(r);
      todo.push(...(links.get(r) ?? []));
    }
  }
  const journals = new Map<string, Map<string, number>>();
  const journal = (dir: string): Map<string, number> => {
    let j = journals.get(dir);
    if (!j) {
      j = new Map();
      try {
        const data = JSON.parse(read(path.join(dir, 'meta', '_journal.json')) ?? '{}') as { entries?: Array<{ tag?: string; when?: number }> };
        for (const e of data.entries ?? []) if (typeof e.tag === 'string' && typeof e.when === 'number') j.set(e.tag, e.when);
      } catch {
        // no journal: nothing is known applied
      }
      journals.set(dir, j);
    }
    return j;
  };
  for (const f of files) {
    const base = path.basename(f);
    const name = migrationName(f);
    const num = leadingNumber(name);
    const n = num === undefined ? undefined : normalVersion(num);
    let applied = flyway.has(base) || prisma.has(name) || knex.has(base) || knex.has(name);
    if (!applied && n !== undefined) applied = goose.has(n) || listed.has(n) || sqlx.has(n);
    if (!applied && n !== undefined && records.golangMigrate && /^\d+$/.test(records.golangMigrate.version))
      applied = BigInt(n) <= BigInt(records.golangMigrate.version);
    if (!applied && atlas.size) applied = atlas.has(normalVersion(name.split('_')[0]!));
    if (!applied && diesel.size) applied = diesel.has(normalVersion(name.split('_')[0]!.replace(/-/g, '')));
    if (!applied && django.size && f.endsWith('.py')) applied = django.has(`${path.basename(path.dirname(path.dirname(f)))}/${name}`);
    if (!applied && alembic.size && f.endsWith('.py')) {
      const text = read(f);
      const rev = text ? alembicLinks(text).revision : undefined;
      applied = rev !== undefined && alembic.has(rev);
    }
    if (!applied && records.drizzle !== undefined && f.endsWith('.sql')) {
      const when = journal(path.dirname(f)).get(name);
      applied = when !== undefined && when <= Number(records.drizzle);
    }
    if (!applied && sqitch.size) {
      const parts = f.split(/[\\/]/);
      const at = parts.lastIndexOf('deploy');
      if (at >= 0)
        applied = sqitch.has(
          parts
            .slice(at + 1)
            .join('/')
            .replace(/\.sql$/i, ''),
        );
    }
    if (applied) out.add(f);
  }
  return out;
}
