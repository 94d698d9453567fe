/**
 * The tracer of `migralint trace`: runs a project's migrations on a real PostgreSQL in the framework's order and
 * transaction structure (the plans of execute.ts: wrapped per file or per run, one-query chunks sent as one query,
 * opt-outs run outside the transaction), and records per statement what the server really did:
 *
 *  - locks: inside a transaction, the relation locks the session holds after the statement (pg_locks of its own
 *    backend) that it did not hold before, held from the statement's start until the transaction ends; outside one,
 *    what a watcher connection sees in pg_locks for the backend while the statement runs (every phase of
 *    CREATE INDEX CONCURRENTLY, DETACH … CONCURRENTLY), held for the statement's duration;
 *  - rewrite: tables whose relfilenode changed;
 *  - duration, and the error with PostgreSQL's message, code and position (as a file line and column).
 *
 * The trace stops at the first failing migration, as a deploy does; what a per-run transaction held is rolled back
 * with it. Each statement is compared with the static analysis's lock facts: confirmed, mismatch or trace-only.
 */
import type pg from 'pg';
import { LOCK_STRENGTH } from '../analysis/locks.js';
import type { AnalyzedStatement, FrameworkId, LockMode, QualifiedName } from '../types.js';
import type { ExecStep, ExecutablePlan } from './execute.js';
import { seedTables } from './seed.js';

export interface ObservedLock {
  relation: string;
  /** pg_class.relkind of the relation: r table, p partitioned table, i index, S sequence, v view … */
  kind: string;
  mode: LockMode;
  /**
   * How long it was held, in ms: outside a transaction the statement's duration; inside one from the statement's
   * start to the COMMIT or ROLLBACK that released it (`until`).
   */
  heldMs: number;
  /** What released it: the statement's end (no transaction), or the end of its transaction. */
  until: 'statement' | 'commit' | 'rollback';
}

export type StatementStatus = 'confirmed' | 'mismatch' | 'trace-only' | 'failed' | 'rolled-back';

export interface TracedStatement {
  file: string;
  line: number;
  /** The statement's SQL, as sent (a one-query chunk: the whole chunk). */
  sql: string;
  /** Inside the framework's transaction, an explicit BEGIN, or on its own (autocommit). */
  transaction: 'framework' | 'explicit' | 'none';
  /** Statements with the same number ran in the same transaction (absent: on its own). */
  txId?: number;
  /** Tables whose locks, taken by earlier statements of the same transaction, this statement still holds. */
  stillHeld: string[];
  oneQuery: boolean;
  /** A one-query chunk: the lines of the statements it sends (its locks are recorded on the first). */
  lines?: number[];
  /** Milliseconds since the project's trace began. */
  startMs: number;
  durationMs: number;
  observed: { locks: ObservedLock[] };
  /** What the static analysis claims on the relations that existed before the statement. */
  expected: { locks: Array<{ relation: string; mode: LockMode }> };
  /** A table's heap was rewritten (new relfilenode). */
  rewrite: boolean;
  rewritten: string[];
  error?: { message: string; code?: string; line?: number; column?: number; detail?: string; hint?: string };
  status: StatementStatus;
}

export interface TracedFile {
  file: string;
  framework: string;
  /** The framework's words for its transaction structure. */
  transaction?: string;
  status: 'applied' | 'failed' | 'rolled-back' | 'not-traced' | 'not-run';
  /** Why not traced, or why it failed / was rolled back. */
  reason?: string;
  durationMs: number;
  statements: TracedStatement[];
}

export interface TracedProject {
  root: string;
  framework: FrameworkId;
  /** Tables the history acts on without creating, made up for the trace (none with --schema). */
  standIns: string[];
  files: TracedFile[];
}

export interface TraceReport {
  server: string;
  projects: TracedProject[];
}

export interface FixProof {
  root: string;
  framework: FrameworkId;
  fixedFiles: string[];
  original: { applied: number; files: number };
  fixed: { applied: number; files: number };
  /** Files that applied before the fix and no longer do. */
  broken: string[];
  /** Files that failed before the fix and apply after it. */
  repaired: string[];
  schemaDiff: string[];
  strongerLocks: string[];
  proven: boolean;
}

interface Rel {
  name: string;
  kind: string;
  filenode: string;
}

const USER_RELS = `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.relfilenode::text AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`;

const display = (schema: string, name: string) => (schema === 'public' ? name : `${schema}.${name}`);

async function relations(client: pg.Client): Promise<Map<string, Rel>> {
  const rows = (await client.query<{ oid: string; schema: string; name: string; kind: string; filenode: string }>(USER_RELS)).rows;
  return new Map(rows.map((r) => [r.oid, { name: display(r.schema, r.name), kind: r.kind, filenode: r.filenode }]));
}

const OWN_LOCKS = `SELECT l.relation::text AS oid, l.mode FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND (n.nspname IS NULL OR (n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'))`;

function stronger(a: LockMode | undefined, b: LockMode): boolean {
  return a === undefined || LOCK_STRENGTH[b] > LOCK_STRENGTH[a];
}

/** Strongest mode per relation oid. */
function byOid(rows: Array<{ oid: string; mode: string }>): Map<string, LockMode> {
  const out = new Map<string, LockMode>();
  for (const r of rows) {
    const mode = r.mode as LockMode;
    if (!(mode in LOCK_STRENGTH)) continue;
    if (stronger(out.get(r.oid), mode)) out.set(r.oid, mode);
  }
  return out;
}

/**
 * A second connection that polls pg_locks for one backend while a statement runs outside a transaction: the only
 * way to see the locks of statements that commit internally (CONCURRENTLY builds take their lock in one phase and
 * wait in others).
 *
 * With `hold`, the watcher first opens a REPEATABLE READ transaction (a snapshot) holding ACCESS SHARE on the given
 * tables, and keeps it until it has seen the backend hold a lock or wait: a multi-phase statement waits for older
 * snapshots (CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY) or for the tables' lockers (DROP INDEX CONCURRENTLY,
 * DETACH … CONCURRENTLY) while holding its lock, so the watcher sees that lock however fast the statement is.
 */
export class LockWatcher {
  private running = false;
  private loop: Promise<void> | undefined;
  private seen = new Map<string, { mode: LockMode; name?: string; kind?: string }>();

  constructor(private readonly client: pg.Client) {}

  async start(pid: number, hold?: string[]): Promise<void> {
    this.seen = new Map();
    this.running = true;
    let holding = false;
    if (hold) {
      await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await this.client.query('SELECT 1');
      holding = true;
      for (const table of hold) {
        await this.client.query('SAVEPOINT watch');
        await this.client.query(`LOCK TABLE ${table} IN ACCESS SHARE MODE NOWAIT`).catch(() => this.client.query('ROLLBACK TO SAVEPOINT watch'));
      }
    }
    const sql = `SELECT l.locktype, l.granted, l.relation::text AS oid, l.mode, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind
      FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE l.pid = $1 AND (l.locktype <> 'relation' OR (l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND (n.nspname IS NULL OR (n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'))))`;
    type Row = { locktype: string; granted: boolean; oid: string | null; mode: string; schema: string | null; name: string | null; kind: string | null };
    this.loop = (async () => {
      while (this.running) {
        const rows = (await this.client.query<Row>(sql, [pid])).rows;
        let held = false;
        let waiting = false;
        for (const r of rows) {
          if (!r.granted) waiting = true;
          if (r.locktype !== 'relation' || !r.granted || r.oid === null) continue;
          const mode = r.mode as LockMode;
          if (!(mode in LOCK_STRENGTH)) continue;
          held = true;
          const had = this.seen.get(r.oid);
          const name = r.name !== null && r.schema !== null ? display(r.schema, r.name) : had?.name;
          if (!had || stronger(had.mode, mode)) this.seen.set(r.oid, { mode, name, kind: r.kind ?? had?.kind });
          else if (!had.name && name) had.name = name;
        }
        if (holding && (held || waiting)) {
          await this.client.query('COMMIT');
          holding = false;
        }
      }
      if (holding) await this.client.query('COMMIT');
    })();
  }

  async stop(): Promise<Map<string, { mode: LockMode; name?: string; kind?: string }>> {
    this.running = false;
    await this.loop;
    return this.seen;
  }
}

/** Line and column in the file of a 1-based character position in a step's SQL. */
function positionIn(step: ExecStep, position: number): { line: number; column: number } {
  const before = step.sql.slice(0, Math.max(0, position - 1));
  const lines = before.split('\n');
  // A one-query chunk starts where its item starts; its first statement's line is step.line.
  const lead = step.oneQuery && step.statements?.length ? step.sql.slice(0, step.statements[0]!.chunkSpan.start).split('\n').length - 1 : 0;
  return { line: step.line - lead + lines.length - 1, column: lines.length === 1 && !step.oneQuery ? lines[0]!.length + 1 : lines.at(-1)!.length + 1 };
}

const qualified = (r: QualifiedName) => (r.schema && r.schema !== 'public' ? `${r.schema}.${r.name}` : r.name);

export interface TraceOptions {
  /** Static facts per statement (by statement object), from the analysis of each file. */
  facts: Map<unknown, AnalyzedStatement>;
  /** Called before each file (progress). */
  onFile?: (index: number, total: number, file: string) => void;
  /** --seed-rows: after each migration, the tables it created get this many rows (not timed, not traced). */
  seedRows?: number;
  /** Tables that could not be seeded, and why. */
  onSeedSkipped?: (message: string) => void;
}

type TxKind = 'framework' | 'explicit';

/**
 * Runs the plans (one project, in order) on `client` with `watcher` on a second connection of the same database.
 */
export async function traceProject(client: pg.Client, watcher: LockWatcher, plans: ExecutablePlan[], options: TraceOptions): Promise<TracedFile[]> {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const out: TracedFile[] = [];
  let tx: TxKind | null = null;
  /** Locks held by the open transaction (strongest per oid), and the observed locks whose hold ends with it. */
  let txLocks = new Map<string, LockMode>();
  let open: Array<{ lock: ObservedLock; since: number }> = [];
  /** Files whose work sits in the open per-run transaction. */
  let pendingFiles: TracedFile[] = [];
  let txCount = 0;

  const endTx = async (sql: 'COMMIT' | 'ROLLBACK' | null, ended: 'commit' | 'rollback' = sql === 'ROLLBACK' ? 'rollback' : 'commit') => {
    if (sql) await client.query(sql);
    const end = now();
    for (const o of open) {
      o.lock.heldMs = round(end - o.since);
      o.lock.until = ended;
    }
    open = [];
    txLocks = new Map();
    tx = null;
  };

  for (const [index, plan] of plans.entries()) {
    options.onFile?.(index, plans.length, plan.file);
    const file: TracedFile = { file: plan.file, framework: plan.framework, transaction: plan.reason, status: 'applied', durationMs: 0, statements: [] };
    out.push(file);
    if (plan.notRunnable) {
      file.status = 'not-traced';
      file.reason = plan.notRunnable;
      continue;
    }
    const fileStart = now();
    const tablesBefore = options.seedRows ? new Set(await userTableOids(client)) : undefined;
    let failed = false;
    for (const step of plan.steps) {
      if (step.wrapped && tx === null) {
        await client.query('BEGIN');
        tx = 'framework';
        txCount++;
      } else if (!step.wrapped && tx === 'framework') {
        // An opt-out region (autocommit_block, atomic = False …): the tool commits what came before.
        await endTx('COMMIT');
        pendingFiles = [];
      }
      const kinds = (step.statements ?? []).map((s) => s.kind);
      const control = kinds.length === 1 && kinds[0] === 'TransactionStmt' ? ((step.statements![0]!.node as { kind?: string }).kind ?? '') : '';
      const before = await relations(client);
      const heldBefore = new Map<string, LockMode>();
      for (const [oid, mode] of txLocks) heldBefore.set(before.get(oid)?.name ?? `oid ${oid}`, mode);
      const inTx = tx !== null;
      const startMs = now();
      const rec: TracedStatement = {
        file: plan.file,
        line: step.line,
        sql: step.sql.trim(),
        transaction: tx ?? 'none',
        ...(tx ? { txId: txCount } : {}),
        stillHeld: [],
        oneQuery: step.oneQuery,
        ...(step.oneQuery && step.statements && step.statements.length > 1 ? { lines: step.statements.map((st) => st.loc.line) } : {}),
        startMs: round(startMs),
        durationMs: 0,
        observed: { locks: [] },
        expected: { locks: [] },
        rewrite: false,
        rewritten: [],
        status: 'confirmed',
      };
      file.statements.push(rec);
      // Outside a transaction: the locks from a rehearsal in a rolled-back transaction (exact, however fast the
      // statement), and a watcher during the real run; a statement PostgreSQL refuses in a transaction block
      // (CONCURRENTLY) has no rehearsal, and the watcher holds a snapshot so it sees the statement's lock.
      let rehearsed: Map<string, LockMode> | undefined;
      let rehearsedNames: Map<string, Rel> | undefined;
      let multiPhase = false;
      // (The rehearsal doubles the time of a statement run outside a transaction: exact locks are worth it.)
      if (!inTx && !control && (step.statements ?? []).some((st) => options.facts.get(st)?.facts.nonTransactional)) multiPhase = true;
      else if (!inTx && !control) {
        const r = await rehearse(client, step.sql);
        rehearsed = r.locks;
        rehearsedNames = r.names;
        multiPhase = r.refused;
      }
      if (!inTx) await watcher.start(pid, multiPhase ? holdTables(step, before, options.facts) : undefined);
      let error: (Error & { code?: string; position?: string; detail?: string; hint?: string }) | undefined;
      try {
        await client.query(step.sql);
      } catch (e) {
        error = e as typeof error;
      }
      rec.durationMs = round(now() - startMs);
      const watched = inTx ? undefined : await watcher.stop();
      if (error) {
        rec.status = 'failed';
        rec.error = {
          message: error.message,
          ...(error.code ? { code: error.code } : {}),
          ...(error.detail ? { detail: error.detail } : {}),
          ...(error.hint ? { hint: error.hint } : {}),
        };
        if (error.position) Object.assign(rec.error, positionIn(step, Number(error.position)));
        else rec.error.line = step.line;
      }
      // Locks and rewrites.
      const after = error && inTx ? before : await relations(client).catch(() => before);
      const nameOf = (oid: string) => before.get(oid)?.name ?? after.get(oid)?.name ?? `oid ${oid}`;
      const kindOf = (oid: string) => before.get(oid)?.kind ?? after.get(oid)?.kind ?? '?';
      if (watched) {
        // A relation the statement creates has one oid in the rolled-back rehearsal and another in the real run: the
        // rehearsal's lock on it is matched to the real one by name (else only a watcher sample could see it).
        const created = new Map([...after].filter(([o]) => !before.has(o)).map(([o, rel]) => [rel.name, o]));
        for (const [rehearsedOid, mode] of rehearsed ?? []) {
          const named = before.has(rehearsedOid) || after.has(rehearsedOid) ? undefined : rehearsedNames?.get(rehearsedOid)?.name;
          const oid = named !== undefined ? (created.get(named) ?? rehearsedOid) : rehearsedOid;
          const w = watched.get(oid);
          if (!w || stronger(w.mode, mode)) watched.set(oid, { mode, name: w?.name, kind: w?.kind });
        }
        for (const [oid, w] of watched)
          if (w.name || before.has(oid) || after.has(oid))
            rec.observed.locks.push({ relation: w.name ?? nameOf(oid), kind: w.kind ?? kindOf(oid), mode: w.mode, heldMs: rec.durationMs, until: 'statement' });
      } else if (!error) {
        const held = byOid((await client.query<{ oid: string; mode: string }>(OWN_LOCKS)).rows);
        for (const [oid, mode] of held) {
          if (!stronger(txLocks.get(oid), mode)) continue;
          // A relation that neither existed before nor after: a transient one (the new heap of a rewrite).
          if (!before.has(oid) && !after.has(oid)) continue;
          const lock: ObservedLock = { relation: nameOf(oid), kind: kindOf(oid), mode, heldMs: 0, until: 'commit' };
          rec.observed.locks.push(lock);
          open.push({ lock, since: startMs });
          txLocks.set(oid, mode);
        }
      }
      if (!error) {
        for (const [oid, rel] of before) {
          const now2 = after.get(oid);
          if ((rel.kind === 'r' || rel.kind === 'm') && now2 && now2.filenode !== rel.filenode && kinds[0] !== 'TruncateStmt') rec.rewritten.push(rel.name);
        }
        rec.rewrite = rec.rewritten.length > 0;
      }
      rec.observed.locks.sort((a, b) => (a.relation < b.relation ? -1 : 1));
      const tableNames = new Set([...before.values()].filter((r) => r.kind === 'r' || r.kind === 'p').map((r) => r.name));
      rec.stillHeld = [...heldBefore.keys()].filter((t) => tableNames.has(t) && !rec.observed.locks.some((l) => l.relation === t)).sort();
      compare(rec, step, before, heldBefore, options.facts);

      if (error) {
        failed = true;
        file.status = 'failed';
        file.reason = `${error.message} (line ${rec.error!.line})`;
        if (tx) {
          await endTx('ROLLBACK');
          for (const p of pendingFiles) {
            p.status = 'rolled-back';
            p.reason = `rolled back with ${plan.file}: the framework runs all pending migrations in one transaction`;
            for (const s of p.statements) if (s.status !== 'failed') s.status = 'rolled-back';
          }
          for (const s of file.statements) if (s !== rec && s.transaction !== 'none') s.status = 'rolled-back';
          pendingFiles = [];
        }
        break;
      }
      if (control === 'TRANS_STMT_BEGIN' || control === 'TRANS_STMT_START') {
        tx = 'explicit';
        txCount++;
      } else if (control === 'TRANS_STMT_COMMIT' || control === 'TRANS_STMT_ROLLBACK')
        await endTx(null, control === 'TRANS_STMT_COMMIT' ? 'commit' : 'rollback');
    }
    file.durationMs = round(now() - fileStart);
    if (failed) break;
    if (tx === 'framework' && !plan.perRun) await endTx('COMMIT');
    else if (tx === 'framework') pendingFiles.push(file);
    // Seeded after the file's transaction: not part of what it holds (in a per-run transaction it must be).
    if (options.seedRows && tablesBefore) {
      const created = new Set((await userTableOids(client)).filter((oid) => !tablesBefore.has(oid)));
      if (created.size) {
        if (tx === null) await client.query('BEGIN');
        const r = await seedTables(client, options.seedRows, created);
        if (tx === null) await client.query('COMMIT');
        for (const m of r.skipped) options.onSeedSkipped?.(`${plan.file}: not seeded: ${m}`);
      }
    }
  }
  if (tx !== null) await endTx(tx === 'framework' ? 'COMMIT' : 'ROLLBACK');
  // Files after a failure: a deploy stops there.
  const ran = new Set(out.map((f) => f.file));
  for (const plan of plans)
    if (!ran.has(plan.file))
      out.push({
        file: plan.file,
        framework: plan.framework,
        transaction: plan.reason,
        status: 'not-run',
        reason: 'after the failed migration',
        durationMs: 0,
        statements: [],
      });
  return out;
}

const NO_TX = '25001'; // active_sql_transaction: "… cannot run inside a transaction block"

/** Runs SQL in a transaction that is rolled back: the relation locks it took, or `refused` for CONCURRENTLY & co. */
async function rehearse(client: pg.Client, sql: string): Promise<{ locks?: Map<string, LockMode>; names?: Map<string, Rel>; refused: boolean }> {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    const locks = byOid((await client.query<{ oid: string; mode: string }>(OWN_LOCKS)).rows);
    // Read inside the rehearsal: a relation the statement creates is visible here, and only here, under this oid.
    return { locks, names: await relations(client), refused: false };
  } catch (error) {
    return { refused: (error as { code?: string }).code === NO_TX };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** The existing tables a step names (from the analysis), quoted, for the watcher to hold. */
function holdTables(step: ExecStep, before: Map<string, Rel>, facts: Map<unknown, AnalyzedStatement>): string[] {
  const out = new Set<string>();
  const names = new Set([...before.values()].filter((r) => r.kind === 'r' || r.kind === 'p').map((r) => r.name));
  for (const s of step.statements ?? []) {
    for (const l of facts.get(s)?.facts.locks ?? []) {
      if (!names.has(qualified(l.relation))) continue;
      const q = (x: string) => `"${x.replace(/"/g, '""')}"`;
      out.add(l.relation.schema ? `${q(l.relation.schema)}.${q(l.relation.name)}` : q(l.relation.name));
    }
  }
  return [...out];
}

async function userTableOids(client: pg.Client): Promise<string[]> {
  return [...(await relations(client))].filter(([, r]) => r.kind === 'r' || r.kind === 'p').map(([oid]) => oid);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Static claims vs what the server took, on the tables that existed before the statement. */
function compare(
  rec: TracedStatement,
  step: ExecStep,
  before: Map<string, Rel>,
  heldBefore: Map<string, LockMode>,
  facts: Map<unknown, AnalyzedStatement>,
): void {
  const tables = new Map<string, string>();
  for (const rel of before.values()) if (rel.kind === 'r' || rel.kind === 'p') tables.set(rel.name, rel.kind);
  const expected = new Map<string, LockMode>();
  let known = true;
  for (const s of step.statements ?? []) {
    const f = facts.get(s);
    if (!f || f.facts.internalError) {
      known = false;
      continue;
    }
    for (const l of f.facts.locks) {
      const name = qualified(l.relation);
      if (!tables.has(name)) continue;
      if (stronger(expected.get(name), l.mode)) expected.set(name, l.mode);
    }
  }
  rec.expected.locks = [...expected].map(([relation, mode]) => ({ relation, mode })).sort((a, b) => (a.relation < b.relation ? -1 : 1));
  if (rec.status === 'failed') return;
  const observed = new Map<string, LockMode>();
  for (const l of rec.observed.locks) if (tables.has(l.relation) && stronger(observed.get(l.relation), l.mode)) observed.set(l.relation, l.mode);
  if (!known || (expected.size === 0 && observed.size > 0)) {
    rec.status = 'trace-only';
    return;
  }
  // In a transaction a lock already held at least as strongly is not taken again: pg_locks shows no change.
  const newlyNeeded = [...expected].filter(([rel, mode]) => stronger(heldBefore.get(rel), mode));
  const coveredByTx = (rel: string) => expected.has(rel) && !stronger(heldBefore.get(rel), expected.get(rel)!);
  const same = newlyNeeded.every(([rel, mode]) => observed.get(rel) === mode) && [...observed.keys()].every((rel) => expected.has(rel) && !coveredByTx(rel));
  rec.status = same ? 'confirmed' : 'mismatch';
}
