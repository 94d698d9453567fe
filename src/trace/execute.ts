/**
 * Runs a migration history on a real PostgreSQL the way its framework runs it, from the SQL migralint extracted
 * (never executing the project's own code): the fix-proof harness, and the base a later `migralint trace` builds on.
 *
 *  - transaction structure from each item's ExecutionContext: a wrapped item runs in the framework's transaction
 *    (one per file, or one per run for frameworks that wrap all pending migrations together); an unwrapped one
 *    runs outside it (Alembic's autocommit_block commits what came before, Django's atomic = False, goose's
 *    NO TRANSACTION …);
 *  - a one-query chunk is sent as one simple query (its statements are one implicit transaction);
 *  - other chunks statement by statement, DSL operations as their equivalent SQL;
 *  - a file whose SQL is built at run time (a `${…}` placeholder, an f-string) or takes bind parameters (`$1`) is
 *    not run: it is `skipped`.
 *
 * Per statement it records the relation locks the statement takes (pg_locks of the session, inside its
 * transaction; a statement that runs outside one is probed in a rolled-back transaction first, and a statement
 * that cannot run in one — CONCURRENTLY — is recorded with the SHARE UPDATE EXCLUSIVE lock it takes).
 * After the run, `snapshotCatalog` reads tables, columns, types, constraints (with validity) and indexes (with
 * validity) for comparison.
 */
import path from 'node:path';
import type pg from 'pg';
import { LOCK_STRENGTH } from '../analysis/locks.js';
import { orderHistory as projectHistory } from '../project/order.js';
import { adapterFor, detectFramework } from '../sources/index.js';
import { parseUnit } from '../sql/statements.js';
import type { FrameworkId, LockMode, MigrationUnit, SourceFile, Statement } from '../types.js';
import type { LintSettings } from '../engine/rule.js';

export type WrapMode = 'per-file' | 'per-run';

/** Frameworks that run every pending migration in one transaction. */
const PER_RUN: ReadonlySet<FrameworkId> = new Set<FrameworkId>(['drizzle']);

export function wrapModeOf(framework: FrameworkId): WrapMode {
  return PER_RUN.has(framework) ? 'per-run' : 'per-file';
}

/** One thing sent to the server, and whether it belongs in the framework's transaction. */
export interface ExecStep {
  sql: string;
  wrapped: boolean;
  /** Sent as one simple query (a one-query chunk). */
  oneQuery: boolean;
  line: number;
  /** The parsed statements the step sends (one, or a one-query chunk's), for the trace's comparison with the analysis. */
  statements?: Statement[];
  /** The framework transaction it runs in, where a file holds several (ExecutionContext.transaction). */
  transaction?: string;
}

export interface ExecutablePlan {
  file: string;
  framework: FrameworkId;
  steps: ExecStep[];
  /** Why the file cannot be run as extracted (SQL built at run time), or undefined. */
  notRunnable?: string;
  /** The framework runs every pending migration in one transaction (its adapter says so for this file). */
  perRun?: boolean;
  /** The framework's words for the transaction structure of the file's first item. */
  reason?: string;
  /** Every parsed statement of the file, in order (what the analysis sees). */
  statements?: Statement[];
}

/** The steps of a unit, in order; `notRunnable` when any SQL is built at run time or does not parse. */
export function planUnit(unit: MigrationUnit): ExecutablePlan {
  const parsed = parseUnit(unit);
  const plan: ExecutablePlan = { file: unit.file.path, framework: unit.framework, steps: [], statements: parsed.statements };
  const wrappedItem = unit.items.find((i) => i.exec.wrapped);
  plan.reason = (wrappedItem ?? unit.items[0])?.exec.reason;
  plan.perRun = PER_RUN.has(unit.framework) || (wrappedItem !== undefined && /\ball pending\b/i.test(wrappedItem.exec.reason));
  const dynamic = unit.notes.find((n) => n.ruleId === 'unsupported-framework-construct' || n.ruleId === 'parse-error');
  if (dynamic) plan.notRunnable = `SQL built at run time or unreadable (${dynamic.message.slice(0, 80)})`;
  if (parsed.failures.length) plan.notRunnable = `does not parse: ${parsed.failures[0]!.message}`;
  unit.items.forEach((item, itemIndex) => {
    // A PL/pgSQL body's statements run inside their DO or CALL: they are not steps of their own.
    const stmts = parsed.statements.filter((s) => s.itemIndex === itemIndex && !s.body);
    if (item.kind === 'sql' && item.segments.some((seg) => !seg.verbatim && /^\$\d+$/.test(item.text.slice(seg.chunkStart, seg.chunkStart + seg.length)))) {
      plan.notRunnable ??= 'a host-language placeholder stands in the SQL';
    }
    // Bind parameters (TypeORM's `queryRunner.query('… $1', [value])`): the values come from the code at run time.
    if (stmts.some((s) => s.kind !== 'PrepareStmt' && JSON.stringify(s.node).includes('"ParamRef"'))) {
      plan.notRunnable ??= 'the SQL takes bind parameters ($1 …) whose values the code passes at run time';
    }
    if (item.kind === 'sql' && item.exec.oneQuery) {
      if (stmts.length)
        plan.steps.push({
          sql: item.text,
          wrapped: item.exec.wrapped,
          oneQuery: true,
          line: stmts[0]!.loc.line,
          statements: stmts,
          transaction: item.exec.transaction,
        });
      return;
    }
    for (const s of stmts)
      plan.steps.push({ sql: s.sql, wrapped: item.exec.wrapped, oneQuery: false, line: s.loc.line, statements: [s], transaction: item.exec.transaction });
  });
  return plan;
}

/** Extracts a file as migralint does (framework detected unless given). */
export function unitOf(file: SourceFile, settings: LintSettings, framework?: FrameworkId): MigrationUnit {
  const fw = framework ?? detectFramework(file.path, file.text);
  return adapterFor(fw).extract(file, { settings, warn: () => {} });
}

export interface StatementLocks {
  line: number;
  /** relation → strongest lock mode the statement took on it. */
  locks: Record<string, LockMode>;
}

export interface FileRun {
  file: string;
  status: 'applied' | 'failed' | 'skipped';
  error?: string;
  statements: StatementLocks[];
}

const LOCKS_SQL = `SELECT c.oid::regclass::text AS rel, l.mode
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`;

function strongest(rows: Array<{ rel: string; mode: string }>): Record<string, LockMode> {
  const out: Record<string, LockMode> = {};
  for (const r of rows) {
    const mode = r.mode as LockMode;
    if (!(mode in LOCK_STRENGTH)) continue;
    const had = out[r.rel];
    if (!had || LOCK_STRENGTH[mode] > LOCK_STRENGTH[had]) out[r.rel] = mode;
  }
  return out;
}

function newLocks(before: Record<string, LockMode>, after: Record<string, LockMode>): Record<string, LockMode> {
  const out: Record<string, LockMode> = {};
  for (const [rel, mode] of Object.entries(after)) if (!before[rel] || LOCK_STRENGTH[mode] > LOCK_STRENGTH[before[rel]]) out[rel] = mode;
  return out;
}

const NO_TX = '25001'; // active_sql_transaction: "cannot run inside a transaction block"

/**
 * Runs the plans in order on `client` (a fresh database), in the frameworks' transaction structure. A file that
 * fails is rolled back as its framework would (its open transaction), and the run goes on with the next file, so
 * every file's fate is known; in per-run mode a failure rolls back the run's transaction, as the tool does.
 */
export async function runPlans(client: pg.Client, plans: ExecutablePlan[]): Promise<FileRun[]> {
  const out: FileRun[] = [];
  let inTx = false;
  let txLocks: Record<string, LockMode> = {};
  const begin = async () => {
    if (!inTx) {
      await client.query('BEGIN');
      inTx = true;
      txLocks = {};
    }
  };
  const commit = async () => {
    if (inTx) {
      await client.query('COMMIT');
      inTx = false;
    }
  };
  // Files whose changes sit in the open transaction: a failure rolls them back too (per-run frameworks).
  let pending: FileRun[] = [];
  /** Inside a transaction the file's own SQL opened. */
  let explicit = false;
  for (const plan of plans) {
    const run: FileRun = { file: plan.file, status: 'applied', statements: [] };
    out.push(run);
    if (plan.notRunnable) {
      run.status = 'skipped';
      run.error = plan.notRunnable;
      continue;
    }
    const perRun = plan.perRun ?? wrapModeOf(plan.framework) === 'per-run';
    try {
      let txName: string | undefined;
      for (const step of plan.steps) {
        // The framework commits one transaction and begins the next inside a file (Liquibase's changeSets).
        if (step.wrapped && inTx && !explicit && step.transaction !== txName) await commit();
        txName = step.transaction;
        if (step.wrapped) await begin();
        else {
          await commit();
          pending = [];
        }
        if (inTx) {
          await client.query(step.sql);
          const now = strongest((await client.query(LOCKS_SQL)).rows);
          run.statements.push({ line: step.line, locks: newLocks(txLocks, now) });
          txLocks = { ...txLocks, ...now };
        } else if (explicit || control(step)) {
          // The file's own BEGIN … COMMIT (psql -f): no probe, which would end the open transaction.
          await client.query(step.sql);
          const c = control(step);
          if (c === 'TRANS_STMT_BEGIN' || c === 'TRANS_STMT_START') explicit = true;
          else if (c === 'TRANS_STMT_COMMIT' || c === 'TRANS_STMT_ROLLBACK') explicit = false;
          const now = strongest((await client.query(LOCKS_SQL)).rows);
          run.statements.push({ line: step.line, locks: explicit ? now : {} });
        } else {
          run.statements.push({ line: step.line, locks: await probeLocks(client, step.sql) });
          await client.query(step.sql);
        }
      }
      if (explicit) {
        // psql ends the session at the end of the file: an open transaction is rolled back.
        await client.query('ROLLBACK');
        explicit = false;
      }
      if (!perRun) {
        await commit();
        pending = [];
      } else if (inTx) pending.push(run);
    } catch (error) {
      run.status = 'failed';
      run.error = (error as Error).message;
      if (explicit) {
        await client.query('ROLLBACK').catch(() => {});
        explicit = false;
      }
      if (inTx) {
        await client.query('ROLLBACK').catch(() => {});
        inTx = false;
        for (const p of pending) {
          p.status = 'failed';
          p.error = `rolled back with ${plan.file}: ${run.error}`;
        }
      }
      pending = [];
    }
  }
  await commit();
  return out;
}

/** The transaction-control kind of a one-statement step (TRANS_STMT_BEGIN …), or ''. */
function control(step: ExecStep): string {
  const only = step.statements?.length === 1 ? step.statements[0]! : undefined;
  return only?.kind === 'TransactionStmt' ? ((only.node as { kind?: string }).kind ?? '') : '';
}

/** The locks a statement run outside a transaction takes: probed in a transaction that is rolled back. */
async function probeLocks(client: pg.Client, sql: string): Promise<Record<string, LockMode>> {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    return strongest((await client.query(LOCKS_SQL)).rows);
  } catch (error) {
    if ((error as { code?: string }).code === NO_TX) {
      // CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM …: SHARE UPDATE EXCLUSIVE at most.
      return { '(statement outside a transaction)': 'ShareUpdateExclusiveLock' };
    }
    return {};
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}

export interface CatalogSnapshot {
  tables: string[];
  columns: string[];
  constraints: string[];
  indexes: string[];
}

/** Tables, columns with types, constraints with validity, indexes with validity: the schema a history leaves. */
export async function snapshotCatalog(client: pg.Client): Promise<CatalogSnapshot> {
  const user = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`;
  const rows = async (sql: string) => (await client.query<{ x: string }>(sql)).rows.map((r) => r.x).sort();
  return {
    tables: await rows(
      `SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text AS x FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
    ),
    columns:
      await rows(`SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END AS x
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE ${user} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped`),
    constraints:
      await rows(`SELECT n.nspname || '.' || coalesce(c.relname, '-') || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' (not valid)' END AS x
      FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace LEFT JOIN pg_class c ON c.oid = k.conrelid WHERE ${user}`),
    indexes: await rows(`SELECT pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END AS x
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user}`),
  };
}

/** What differs between two snapshots, one line per object: `- …` only in a, `+ …` only in b. */
export function diffCatalogs(a: CatalogSnapshot, b: CatalogSnapshot): string[] {
  const out: string[] = [];
  for (const key of ['tables', 'columns', 'constraints', 'indexes'] as const) {
    const sa = new Set(a[key]);
    const sb = new Set(b[key]);
    for (const x of a[key]) if (!sb.has(x)) out.push(`- ${key}: ${x}`);
    for (const x of b[key]) if (!sa.has(x)) out.push(`+ ${key}: ${x}`);
  }
  return out;
}

/** Per relation, the strongest lock any statement of the run took. */
export function strongestByRelation(run: FileRun): Record<string, LockMode> {
  const out: Record<string, LockMode> = {};
  for (const s of run.statements) {
    for (const [rel, mode] of Object.entries(s.locks)) {
      const had = out[rel];
      if (!had || LOCK_STRENGTH[mode] > LOCK_STRENGTH[had]) out[rel] = mode;
    }
  }
  return out;
}

/** Relations on which the fixed run of a file holds a stronger lock than the original did. */
export function strongerLocks(original: FileRun, fixed: FileRun): string[] {
  const a = strongestByRelation(original);
  const b = strongestByRelation(fixed);
  const out: string[] = [];
  for (const [rel, mode] of Object.entries(b)) {
    const was = a[rel];
    if (was === undefined) {
      if (rel !== '(statement outside a transaction)') out.push(`${rel}: ${mode} (none before)`);
    } else if (LOCK_STRENGTH[mode] > LOCK_STRENGTH[was]) out.push(`${rel}: ${mode} (was ${was})`);
  }
  return out;
}

export interface HistoryComparison {
  original: FileRun[];
  /** The fixed history, with the files that failed before in their original version (so the catalogs compare). */
  fixed: FileRun[];
  /** Files that applied before the fix and no longer do. */
  broken: string[];
  /** Files that failed before the fix and apply after it, run as a whole history (third database). */
  repaired: string[];
  schemaDiff: string[];
  strongerLocks: string[];
}

/**
 * Runs two versions of a history on fresh databases and compares them. The fixed version runs twice: with only
 * the files that applied in the original fixed and the others as they were (its final catalog must equal the
 * original's, its locks be no stronger), and whole (to find the files the fix repaired) when a file of the original
 * failed: otherwise there is nothing the fix could have repaired.
 */
export async function compareHistories(
  connect: (database: string) => Promise<pg.Client>,
  admin: pg.Client,
  name: string,
  original: ExecutablePlan[],
  fixed: ExecutablePlan[],
  prelude?: string,
): Promise<HistoryComparison> {
  const runOn = async (db: string, plans: ExecutablePlan[]): Promise<{ runs: FileRun[]; snapshot: CatalogSnapshot }> => {
    await admin.query(`DROP DATABASE IF EXISTS "${db}"`);
    await admin.query(`CREATE DATABASE "${db}"`);
    const client = await connect(db);
    try {
      // The tables the history meets without creating them (a schema dump, stand-ins), before it, in every database.
      if (prelude) await client.query(prelude);
      const runs = await runPlans(client, plans);
      return { runs, snapshot: await snapshotCatalog(client) };
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${db}"`);
    }
  };
  const a = await runOn(`${name}_orig`, original);
  const applied = new Set(a.runs.filter((r) => r.status === 'applied').map((r) => r.file));
  // A file that failed before runs in its original version: what it did before failing (autocommitted statements)
  // happens in both databases, so the catalogs compare the fixes alone.
  const originalOf = new Map(original.map((p) => [p.file, p]));
  const comparable = fixed.map((p) => (applied.has(p.file) ? p : (originalOf.get(p.file) ?? p)));
  const b = await runOn(`${name}_fixed`, comparable);
  // The whole fixed history only answers which failed files the fix repaired: with none failed, nothing to run.
  const failed = a.runs.some((r) => r.status === 'failed');
  const whole = failed ? await runOn(`${name}_whole`, fixed) : undefined;
  const byFile = (runs: FileRun[]) => new Map(runs.map((r) => [r.file, r]));
  const bf = byFile(b.runs);
  const wf = byFile(whole?.runs ?? []);
  const broken = a.runs
    .filter((r) => r.status === 'applied' && bf.get(r.file)?.status !== 'applied')
    .map((r) => `${r.file}: ${bf.get(r.file)?.error ?? 'missing from the fixed history'}`);
  const repaired = a.runs.filter((r) => r.status === 'failed' && wf.get(r.file)?.status === 'applied').map((r) => r.file);
  const locks = a.runs.flatMap((r) => {
    const f = bf.get(r.file);
    return f && r.status === 'applied' && f.status === 'applied' ? strongerLocks(r, f).map((l) => `${r.file}: ${l}`) : [];
  });
  return { original: a.runs, fixed: b.runs, broken, repaired, schemaDiff: diffCatalogs(a.snapshot, b.snapshot), strongerLocks: locks };
}

/**
 * The files in the order their tools apply them, as the linter orders a history (src/project/order.ts: Liquibase's
 * master changelog, Alembic's revision graph, Django's dependencies, version numbers …); `dir` is what the paths
 * are relative to; `read` reads a file the order needs beside them (a master changelog, a journal) by its absolute
 * path. Down scripts are left out.
 */
export function orderHistory(
  files: Array<{ path: string; text: string }>,
  dir: string,
  read: (file: string) => string | undefined,
): Array<{ path: string; text: string }> {
  const entries = files.map((f) => ({ ...f, framework: detectFramework(path.resolve(dir, f.path), f.text) }));
  const byPath = new Map(files.map((f) => [f.path, f]));
  const ordered = projectHistory(entries, (p) => read(path.resolve(dir, p))).projects.flatMap((p) => p.files.map((f) => byPath.get(f)!));
  return ordered;
}
