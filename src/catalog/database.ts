import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import type { StatsSnapshot } from './catalog.js';

/**
 * Table sizes from a live database: read-only catalog queries inside a READ ONLY transaction, with a connect
 * timeout and a statement_timeout, so pointing migralint at production cannot hurt it. Errors never carry the
 * URL's password.
 */

/** A problem reading sizes the user can act on; the CLI prints it and exits 2 (or warns with --stats-optional). */
export class StatsError extends Error {
  override name = 'StatsError';
}

export interface DatabaseStatsOptions {
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/** PostgreSQL 10 introduced declarative partitioning (relkind 'p'); older servers are not supported. */
export const MIN_SERVER_VERSION_NUM = 100000;

/** The URL with its password replaced by `***` (also `password=` in key/value strings and query parameters). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/^(password|sslpassword)$/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1***').replace(/(:\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
  }
}

/** Removes the password from any text that might echo it (driver messages quote connection strings). */
function scrub(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    password = /password\s*=\s*('([^']*)'|(\S+))/i.exec(url)?.slice(2).find(Boolean);
  }
  if (password && password.length >= 3) out = out.split(password).join('***');
  return out;
}

export function describeError(error: unknown, url: string, timeouts: Required<DatabaseStatsOptions>): string {
  const e = error as { code?: string; message?: string; routine?: string };
  const where = redactUrl(url);
  const message = scrub(e.message ?? String(error), url);
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
      return `cannot connect to the database at ${where}: ${message}`;
    case '28P01':
    case '28000':
      return `authentication failed for the database at ${where}: ${message}`;
    case '3D000':
      return `the database at ${where} does not exist: ${message}`;
    case '42501':
      return `permission denied reading the catalog of ${where}: ${message}. migralint needs a role that can connect and read pg_catalog (no table privileges are needed).`;
    case '55P03':
      return `a table in ${where} is locked by another session (a migration running?), so its size could not be read within the lock_timeout; try again, or use a stats snapshot`;
    case '57014':
      return `a catalog query on ${where} took longer than the statement_timeout of ${timeouts.statementTimeoutMs} ms and was cancelled`;
    default:
      if (/timeout/i.test(message)) return `cannot connect to the database at ${where}: no answer within ${timeouts.connectTimeoutMs} ms`;
      return `cannot read table sizes from ${where}: ${message}`;
  }
}

// Ordinary tables, partitioned parents and materialized views outside the system schemas. A partitioned parent
// has no rows or storage of its own: its rows and bytes are the sums over its leaf partitions.
// reltuples is -1 for a table never vacuumed or analyzed (PostgreSQL 14+); n_live_tup is the fallback.
const TABLES_SQL = `
WITH RECURSIVE tree AS (
  SELECT c.oid AS root, c.oid AS relid FROM pg_class c WHERE c.relkind = 'p'
  UNION ALL
  SELECT t.root, i.inhrelid FROM tree t JOIN pg_inherits i ON i.inhparent = t.relid
),
own AS (
  SELECT c.oid, c.relkind,
         CASE WHEN c.reltuples >= 0 THEN c.reltuples::float8 ELSE coalesce(s.n_live_tup, 0)::float8 END AS rows,
         pg_total_relation_size(c.oid)::float8 AS bytes
  FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
  WHERE c.relkind IN ('r', 'p', 'm')
)
SELECT n.nspname AS schema, c.relname AS name, o.relkind = 'p' AS partitioned,
       CASE WHEN o.relkind = 'p'
            THEN (SELECT coalesce(sum(l.rows), 0) FROM tree t JOIN own l ON l.oid = t.relid WHERE t.root = c.oid AND l.relkind <> 'p')
            ELSE o.rows END AS rows,
       CASE WHEN o.relkind = 'p'
            THEN (SELECT coalesce(sum(l.bytes), 0) FROM tree t JOIN own l ON l.oid = t.relid WHERE t.root = c.oid AND l.relkind <> 'p')
            ELSE o.bytes END AS bytes
FROM own o
JOIN pg_class c ON c.oid = o.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY 1, 2`;

const INVALID_INDEXES_SQL = `
SELECT n.nspname AS schema, ic.relname AS name, tc.relname AS "table"
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY 1, 2`;

/** Throws a StatsError for a URL the driver cannot use, before any connection is tried. */
export function checkDatabaseUrl(url: string): void {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new StatsError(`not a PostgreSQL URL: ${redactUrl(url)} (expected postgres://user@host:5432/dbname)`);
  // The driver reads the URL with the WHATWG parser: a URL it refuses (a port that is not a number) is one line.
  let port: string;
  try {
    port = new URL(url).port;
  } catch {
    throw new StatsError(`not a valid database URL: ${redactUrl(url)} (expected postgres://user:password@host:5432/dbname; is the port a number?)`);
  }
  if (port && !(Number(port) >= 1 && Number(port) <= 65535)) throw new StatsError(`not a valid port in the database URL: ${redactUrl(url)}`);
}

/** Reads table sizes, partitioning and INVALID indexes from a live PostgreSQL. */
export async function readDatabaseStats(url: string, options: DatabaseStatsOptions = {}): Promise<StatsSnapshot> {
  const timeouts = { connectTimeoutMs: options.connectTimeoutMs ?? 5_000, statementTimeoutMs: options.statementTimeoutMs ?? 10_000 };
  checkDatabaseUrl(url);
  // The driver is loaded only when a database is asked for: it costs start-up time on every other run.
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    lock_timeout: Math.min(timeouts.statementTimeoutMs, 1_000),
    query_timeout: timeouts.statementTimeoutMs + 2_000,
    application_name: 'migralint',
  });
  // A connection dropped mid-way is reported through the pending query; keep the 'error' event from crashing.
  client.on('error', () => {});
  try {
    await client.connect();
    const versionNum = Number((await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0]?.server_version_num);
    const serverVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '';
    if (!(versionNum >= MIN_SERVER_VERSION_NUM)) {
      throw new StatsError(
        `the server at ${redactUrl(url)} runs PostgreSQL ${serverVersion}, which is too old: migralint reads sizes from PostgreSQL 10 or newer`,
      );
    }
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeouts.statementTimeoutMs)}`);
    const tables = await client.query<{ schema: string; name: string; partitioned: boolean; rows: number; bytes: number }>(TABLES_SQL);
    const invalid = await client.query<{ schema: string; name: string; table: string }>(INVALID_INDEXES_SQL);
    await client.query('COMMIT');
    return {
      version: 1,
      serverVersion,
      generatedAt: new Date().toISOString(),
      tables: tables.rows.map((t) => ({
        schema: t.schema,
        name: t.name,
        rows: Math.round(Number(t.rows)),
        bytes: Math.round(Number(t.bytes)),
        ...(t.partitioned ? { partitioned: true } : {}),
      })),
      invalidIndexes: invalid.rows.map((i) => ({ schema: i.schema, name: i.name, table: i.table })),
    };
  } catch (error) {
    if (error instanceof StatsError) throw error;
    throw new StatsError(describeError(error, url, timeouts));
  } finally {
    await client.end().catch(() => {});
  }
}

let snapshotSchema: ReturnType<typeof makeSnapshotSchema> | undefined;

/** Built on first use (zod is loaded only when a snapshot is read). */
function makeSnapshotSchema() {
  const { z } = createRequire(import.meta.url)('zod') as { z: typeof Zod };
  return z
    .object({
      version: z.literal(1),
      serverVersion: z.string().optional(),
      generatedAt: z.string().optional(),
      tables: z.array(
        z.object({
          schema: z.string().min(1),
          name: z.string().min(1),
          rows: z.number().nonnegative(),
          bytes: z.number().nonnegative(),
          partitioned: z.boolean().optional(),
        }),
      ),
      invalidIndexes: z.array(z.object({ schema: z.string().min(1), name: z.string().min(1), table: z.string() })).optional(),
    })
    .passthrough();
}

/** Validates snapshot data; the error names every problem with its path (`tables.3.rows: …`). */
export function parseStatsSnapshot(data: unknown, source: string): StatsSnapshot {
  snapshotSchema ??= makeSnapshotSchema();
  const result = snapshotSchema.safeParse(data);
  if (result.success) return result.data as StatsSnapshot;
  const problems = result.error.issues.slice(0, 10).map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  const more = result.error.issues.length > 10 ? `\n  … and ${result.error.issues.length - 10} more` : '';
  return fail(`${source}: not a valid migralint stats snapshot (write one with \`migralint stats\`):\n  ${problems.join('\n  ')}${more}`);
}

function fail(message: string): never {
  throw new StatsError(message);
}

/** Reads a snapshot written by `migralint stats`. */
export function loadStatsFile(file: string): StatsSnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(`${file}: cannot read stats file: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail(`${file}: stats file is not valid JSON: ${(error as Error).message}`);
  }
  return parseStatsSnapshot(data, file);
}
