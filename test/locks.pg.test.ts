/**
 * Proof of the lock table on a real PostgreSQL: every case of LOCK_CASES runs on an embedded server, and the
 * locks it holds (pg_locks), its refusal inside a transaction block and its rewrite (relfilenode) are compared
 * with what statementEffect() claims from the SQL alone.
 * LOCKS_DEBUG=1 prints, per transactional case, every lock PostgreSQL held on the case's relations.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModule, parseSync } from 'libpg-query';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_SETUP, EVENTS_2025_SETUP, LOCK_CASES, LOCK_SCHEMA, LOCK_TABLESPACE, type LockCase } from './lock-cases.js';
import { startPostgres, TEST_PG_MAJORS, type TestPostgres } from './helpers/postgres.js';
import { conflicts, LOCK_STRENGTH, lockLabel, statementEffect, type LockClaim, type StatementEffect } from '../src/analysis/locks.js';
import type { LockMode, QualifiedName } from '../src/types.js';
import { emptyModel } from '../src/project/model.js';
import { modelLocks } from '../src/project/model-locks.js';
import { columnType, Replay } from '../src/project/replay.js';
import { binaryCoercible, isUtcZone, plainConversion } from '../src/project/coercion.js';
import { lintText } from '../src/engine/lint-text.js';

const NOT_IN_TRANSACTION = /cannot run inside a transaction block|cannot be executed inside a transaction block/;
/** Statements that give the table a new, empty file without copying it: not a rewrite. */
const NEW_FILE_WITHOUT_COPY = new Set(['TruncateStmt']);

interface Rel {
  oid: string;
  name: string;
  kind: string; // pg_class.relkind
  filenode: string;
  /** For an index: the oid of its table. */
  table?: string;
  /** For a partition or child: the oid of its parent. */
  parent?: string;
}

interface Snapshot {
  byName: Map<string, Rel>;
  byOid: Map<string, Rel>;
}

let server: TestPostgres;
let tmp: string;
let admin: pg.Client;
let sessionA: pg.Client;
let sessionB: pg.Client;
let pidA: number;
let pgVersion: number;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const label = (r: QualifiedName) => (r.schema ? `${r.schema}.${r.name}` : r.name);

function parseOne(sql: string): Record<string, any> {
  const stmts = parseSync(sql).stmts ?? [];
  expect(stmts).toHaveLength(1);
  return stmts[0]!.stmt as Record<string, any>;
}

async function connect(): Promise<pg.Client> {
  const c = server.pg.getPgClient(server.database, '127.0.0.1');
  c.on('error', () => undefined);
  await c.connect();
  await c.query(`SET search_path = ${ident(LOCK_SCHEMA)}`);
  return c;
}

/** A fresh schema with the case's setup, committed. */
async function prepare(c: LockCase): Promise<Snapshot> {
  await admin.query(`DROP SCHEMA IF EXISTS ${ident(LOCK_SCHEMA)} CASCADE`);
  await admin.query(`CREATE SCHEMA ${ident(LOCK_SCHEMA)}`);
  for (const s of c.setup) await admin.query(s);
  const { rows } = await admin.query(
    `SELECT c.oid::text AS oid, c.relname AS name, c.relkind::text AS kind, c.relfilenode::text AS filenode,
            i.indrelid::text AS "table", h.inhparent::text AS parent
       FROM pg_class c
       LEFT JOIN pg_index i ON i.indexrelid = c.oid
       LEFT JOIN pg_inherits h ON h.inhrelid = c.oid
      WHERE c.relnamespace = $1::regnamespace`,
    [LOCK_SCHEMA],
  );
  const byName = new Map<string, Rel>();
  const byOid = new Map<string, Rel>();
  for (const r of rows as Rel[]) {
    const rel: Rel = { oid: r.oid, name: r.name, kind: r.kind, filenode: r.filenode };
    if (r.table) rel.table = r.table;
    if (r.parent) rel.parent = r.parent;
    byName.set(r.name, rel);
    byOid.set(r.oid, rel);
  }
  return { byName, byOid };
}

function resolve(snap: Snapshot, relation: QualifiedName): Rel {
  if (relation.schema !== undefined && relation.schema !== LOCK_SCHEMA) {
    throw new Error(`claim on ${label(relation)} outside the case schema`);
  }
  const rel = snap.byName.get(relation.name);
  if (!rel) throw new Error(`claim on ${label(relation)}, which the setup does not create`);
  return rel;
}

const KIND_ON: Record<string, LockClaim['on']> = {
  r: 'table',
  p: 'table',
  f: 'table',
  i: 'index',
  I: 'index',
  v: 'view',
  m: 'view',
  S: 'sequence',
};

/** Strongest lock mode held per relation oid. */
function strongest(rows: { oid: string; mode: LockMode }[]): Map<string, LockMode> {
  const held = new Map<string, LockMode>();
  for (const r of rows) {
    const had = held.get(r.oid);
    if (!had || LOCK_STRENGTH[r.mode] > LOCK_STRENGTH[had]) held.set(r.oid, r.mode);
  }
  return held;
}

function describeHeld(snap: Snapshot, held: Map<string, LockMode>): string {
  return [...held]
    .filter(([oid]) => snap.byOid.has(oid))
    .map(([oid, mode]) => `${snap.byOid.get(oid)!.name}=${mode}`)
    .sort()
    .join(', ');
}

/**
 * Claims against what PostgreSQL holds: every claim is the strongest mode held on its relation; every relation of
 * the setup held at any mode — indexes included — is claimed or implied by a claim. A relation the SQL does not
 * name is implied, held no stronger than the claim, when it is a partition of a claimed table (PostgreSQL
 * recurses), the table of a claimed index (DROP INDEX / REINDEX INDEX lock it too), or an index of a claimed
 * table (planning and writing lock a table's indexes; a rewrite rebuilds them). REINDEX holds its table's indexes
 * ACCESS EXCLUSIVE under a SHARE lock on the table: the claim says so with `blocksReads`.
 */
function checkHeld(snap: Snapshot, effect: StatementEffect, held: Map<string, LockMode>, unnamed: LockCase['unnamed'] = []): void {
  const seen = describeHeld(snap, held);
  const claimedOids = new Map<string, LockMode>();
  for (const claim of effect.locks) {
    const rel = resolve(snap, claim.relation);
    expect(KIND_ON[rel.kind], `${label(claim.relation)} is relkind ${rel.kind}`).toBe(claim.on);
    expect(held.get(rel.oid), `strongest lock on ${label(claim.relation)} (held: ${seen})`).toBe(claim.mode);
    claimedOids.set(rel.oid, claim.mode);
  }
  for (const u of unnamed) {
    const rel = resolve(snap, { name: u.relation });
    expect(held.get(rel.oid), `strongest lock on ${u.relation}, which the SQL does not name (held: ${seen})`).toBe(u.mode);
    claimedOids.set(rel.oid, u.mode);
  }
  const isIndex = (rel: Rel) => rel.kind === 'i' || rel.kind === 'I';
  const impliedBy = (rel: Rel): LockMode | undefined => {
    for (let p = rel.parent; p; p = snap.byOid.get(p)?.parent) {
      const m = claimedOids.get(p);
      if (m) return m;
    }
    for (const [oid, mode] of claimedOids) {
      if (snap.byOid.get(oid)?.table === rel.oid) return mode;
    }
    if (isIndex(rel) && rel.table) {
      // An index of a claimed table, or of a partition of one.
      for (let t: string | undefined = rel.table; t; t = snap.byOid.get(t)?.parent) {
        const m = claimedOids.get(t);
        if (m) return effect.blocksReads ? 'AccessExclusiveLock' : m;
      }
    }
    return undefined;
  };
  for (const [oid, mode] of held) {
    const rel = snap.byOid.get(oid);
    if (!rel || claimedOids.has(oid)) continue;
    const implied = impliedBy(rel);
    expect(
      implied !== undefined && LOCK_STRENGTH[mode] <= LOCK_STRENGTH[implied],
      `unclaimed ${mode} on ${isIndex(rel) ? 'index ' : ''}${rel.name} (held: ${seen})`,
    ).toBe(true);
  }
}

/** The heap relation a rewrite claim is about: the first claimed table or materialized view. */
function heapOf(snap: Snapshot, effect: StatementEffect): Rel | undefined {
  for (const claim of effect.locks) {
    const rel = resolve(snap, claim.relation);
    if (rel.kind === 'r' || rel.kind === 'm') return rel;
  }
  return undefined;
}

function checkRewrite(kind: string, effect: StatementEffect, heap: Rel | undefined, filenodeAfter: string | undefined): void {
  if (!heap) {
    expect(effect.rewrite, 'rewrite claimed with no table to rewrite').toBe(false);
    return;
  }
  if (filenodeAfter === undefined) {
    expect(effect.rewrite, `${heap.name} is dropped, not rewritten`).toBe(false);
    return;
  }
  const changed = filenodeAfter !== heap.filenode;
  if (NEW_FILE_WITHOUT_COPY.has(kind)) {
    expect(effect.rewrite).toBe(false);
    expect(changed, `${kind} gives ${heap.name} a new file`).toBe(true);
    return;
  }
  expect(changed, `relfilenode of ${heap.name} changed`).toBe(effect.rewrite);
}

async function filenode(oid: string, client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query('SELECT relfilenode::text AS f FROM pg_class WHERE oid = $1::oid', [oid]);
  return rows[0]?.f;
}

/** Statements that read tables as queries do (SELECT, DML, a view's or CREATE TABLE AS's query): `scan` is about DDL. */
const QUERY_KINDS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'ExplainStmt', 'CreateTableAsStmt', 'RefreshMatViewStmt']);
/** TRUNCATE rebuilds the indexes on the new, empty file: a scan of no rows. */
const SCAN_OF_NOTHING = new Set(['TruncateStmt']);

/**
 * `scan` against what PostgreSQL did: the tables of the setup the transaction read sequentially
 * (pg_stat_get_xact_numscans counts this transaction's sequential scans of a table: validation, index builds and
 * rewrites all read the heap that way). A claimed scan happened; a DDL statement that claims neither a scan nor a
 * rewrite read no table. (A rewrite may copy the file block by block without a scan: SET TABLESPACE.)
 */
function checkScan(kind: string, effect: StatementEffect, scanned: string[]): void {
  if (effect.scan) expect(scanned.length, 'a claimed scan reads a table').toBeGreaterThan(0);
  else if (!effect.rewrite && !QUERY_KINDS.has(kind) && !SCAN_OF_NOTHING.has(kind)) expect(scanned, 'tables read without a claimed scan').toEqual([]);
}

async function runInTransaction(c: LockCase, effect: StatementEffect, kind: string): Promise<void> {
  const snap = await prepare(c);
  const heap = heapOf(snap, effect);
  let held: Map<string, LockMode>;
  let after: string | undefined;
  let scanned: string[];
  await sessionA.query('BEGIN');
  try {
    await sessionA.query(c.sql);
    const { rows } = await sessionA.query(
      `SELECT relation::text AS oid, mode FROM pg_locks
        WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted`,
    );
    held = strongest(rows);
    const heaps = [...snap.byOid.values()].filter((r) => r.kind === 'r' || r.kind === 'm');
    const counts = await sessionA.query('SELECT o::text AS oid, pg_stat_get_xact_numscans(o) AS n FROM unnest($1::oid[]) o', [heaps.map((r) => r.oid)]);
    scanned = (counts.rows as { oid: string; n: string }[])
      .filter((r) => Number(r.n) > 0)
      .map((r) => snap.byOid.get(r.oid)!.name)
      .sort();
    if (heap) after = await filenode(heap.oid, sessionA);
  } finally {
    await sessionA.query('ROLLBACK');
  }
  if (process.env.LOCKS_DEBUG) console.log(`${c.name}: ${describeHeld(snap, held)}; scanned: ${scanned.join(', ')}`);
  checkHeld(snap, effect, held, c.unnamed);
  checkRewrite(kind, effect, heap, after);
  checkScan(kind, effect, scanned);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * The lock session B holds to make a request for `mode` wait: the weakest mode conflicting with it that does
 * not conflict with ACCESS SHARE, so the brief ACCESS SHARE lookups PostgreSQL makes first (VACUUM does) pass.
 */
function blockerFor(mode: LockMode): LockMode {
  const modes = (Object.keys(LOCK_STRENGTH) as LockMode[]).sort((a, b) => LOCK_STRENGTH[a] - LOCK_STRENGTH[b]);
  const blocker = modes.find((m) => conflicts(mode, m) && (mode === 'AccessShareLock' || !conflicts('AccessShareLock', m)));
  if (!blocker) throw new Error(`no blocker for ${mode}`);
  return blocker;
}

/**
 * A statement that cannot run in a transaction block: prove the mode of one claim by making it wait.
 * Session B holds blockerFor(claim) on the relation (on its table, for an index claim); session A runs the
 * statement; the lock A waits for must be the claimed mode. Then B lets go and A finishes.
 */
async function waitForClaim(
  c: LockCase,
  claim: Pick<LockClaim, 'relation' | 'mode'> & { on?: LockClaim['on'] },
  effect: StatementEffect,
  checkFile: boolean,
): Promise<void> {
  const snap = await prepare(c);
  const rel = resolve(snap, claim.relation);
  if (claim.on) expect(KIND_ON[rel.kind], `${label(claim.relation)} is relkind ${rel.kind}`).toBe(claim.on);
  const blocked = rel.kind === 'i' || rel.kind === 'I' ? snap.byOid.get(rel.table!)! : rel;
  await sessionB.query('BEGIN');
  let run: Promise<unknown> | undefined;
  let waited: { oid: string; mode: string } | undefined;
  try {
    await sessionB.query(`LOCK TABLE ${ident(LOCK_SCHEMA)}.${ident(blocked.name)} IN ${lockLabel(blockerFor(claim.mode))} MODE`);
    let settled = false;
    run = sessionA.query(c.sql).finally(() => {
      settled = true;
    });
    run.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!settled && !waited && Date.now() < deadline) {
      const { rows } = await admin.query(`SELECT relation::text AS oid, mode FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND NOT granted`, [pidA]);
      waited = rows[0];
      if (!waited) await sleep(20);
    }
  } finally {
    await sessionB.query('ROLLBACK');
  }
  await run;
  expect(waited, `${c.sql} waited for a lock on ${blocked.name}`).toBeDefined();
  expect(snap.byOid.get(waited!.oid)?.name).toBe(blocked.name);
  expect(waited!.mode).toBe(claim.mode);
  if (checkFile) {
    const heap = heapOf(snap, effect);
    checkRewrite(Object.keys(parseOne(c.sql))[0]!, effect, heap, heap && (await filenode(heap.oid, admin)));
  }
}

async function runOutsideTransaction(c: LockCase, effect: StatementEffect): Promise<void> {
  expect(effect.nonTransactional).toBe(true);
  await prepare(c);
  await sessionA.query('BEGIN');
  try {
    await expect(sessionA.query(c.sql)).rejects.toThrow(NOT_IN_TRANSACTION);
  } finally {
    await sessionA.query('ROLLBACK');
  }
  for (const [i, claim] of effect.locks.entries()) await waitForClaim(c, claim, effect, i === 0);
  // A statement that commits in phases: each later lock request too, in order.
  for (const phase of c.phases ?? []) await waitForClaim(c, { relation: { name: phase.relation }, mode: phase.mode }, effect, false);
}

// Every claim is proved on PostgreSQL 15 (migralint's default --pg-version) and 18: one server per version.
for (const major of TEST_PG_MAJORS) {
  describe(`PostgreSQL ${major}`, () => {
    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'migralint-locks-'));
      fs.chmodSync(tmp, 0o755);
      // The shared test server: run as the invoking user, or as `nobody` when the tests run as root.
      server = await startPostgres(major);
      await loadModule();
      admin = await connect();
      sessionA = await connect();
      sessionB = await connect();
      await sessionA.query("SET statement_timeout = '30s'");
      await sessionA.query("SET lock_timeout = '20s'");
      await sessionB.query("SET lock_timeout = '5s'");
      pidA = (await sessionA.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      pgVersion = Math.floor(Number((await admin.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);

      // A tablespace for SET TABLESPACE: a directory the server's user owns.
      const space = path.join(tmp, 'space');
      fs.mkdirSync(space);
      if (process.getuid?.() === 0) {
        const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
        const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
        fs.chownSync(space, uid, gid);
      }
      await admin.query(`CREATE TABLESPACE ${ident(LOCK_TABLESPACE)} LOCATION '${space}'`);
    });

    afterAll(async () => {
      // The server runs on after this file (test/helpers/postgres-global.ts): empty the tablespace whose folder goes.
      try {
        for (const c of [sessionA, sessionB]) await c?.end().catch(() => undefined);
        if (admin) {
          await admin.query(`DROP SCHEMA IF EXISTS ${ident(LOCK_SCHEMA)} CASCADE`);
          await admin.query('DROP DATABASE IF EXISTS lock_scratch_db');
          await admin.query(`DROP TABLESPACE IF EXISTS ${ident(LOCK_TABLESPACE)}`);
        }
      } finally {
        await admin?.end().catch(() => undefined);
        await server?.stop();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    describe('lock claims on a real PostgreSQL', () => {
      it(`runs PostgreSQL ${major}`, () => {
        expect(pgVersion).toBe(major);
      });

      it('conflict matrix: LOCK … NOWAIT fails exactly when conflicts() says so', async () => {
        const modes = Object.keys(LOCK_STRENGTH) as LockMode[];
        await prepare({ name: 'matrix', setup: ['CREATE TABLE m (id int)'], sql: '' });
        for (const held of modes) {
          await sessionB.query('BEGIN');
          try {
            await sessionB.query(`LOCK TABLE m IN ${lockLabel(held)} MODE`);
            for (const wanted of modes) {
              await sessionA.query('BEGIN');
              let refused = false;
              try {
                await sessionA.query(`LOCK TABLE m IN ${lockLabel(wanted)} MODE NOWAIT`);
              } catch (e) {
                expect(String(e)).toMatch(/could not obtain lock/);
                refused = true;
              } finally {
                await sessionA.query('ROLLBACK');
              }
              expect(refused, `${wanted} requested while ${held} is held`).toBe(conflicts(wanted, held));
            }
          } finally {
            await sessionB.query('ROLLBACK');
          }
        }
      });

      it('has unique case names', () => {
        expect(new Set(LOCK_CASES.map((c) => c.name)).size).toBe(LOCK_CASES.length);
      });

      // Cases newer than the server are not registered on it (each says the oldest version that accepts it).
      for (const c of LOCK_CASES.filter((x) => (x.pgMin ?? 0) <= major)) {
        it(c.name, async () => {
          const stmt = parseOne(c.sql);
          const kind = Object.keys(stmt)[0]!;
          const effect = statementEffect(stmt, { pgVersion });
          expect(c.expect, 'every case lists its claims').toBeDefined();
          const expected = c.expectBelow && major < c.expectBelow.version ? c.expectBelow.expect : c.expect;
          expect(effect.locks.map((l) => ({ relation: label(l.relation), mode: l.mode }))).toEqual(expected);
          expect(effect.nonTransactional).toBe(Boolean(c.nonTransactional));
          if (c.nonTransactional) await runOutsideTransaction(c, effect);
          else await runInTransaction(c, effect, kind);
        });
      }
    });

    // require-lock-timeout's message says what queues behind a lock request that waits: PostgreSQL grants a new request
    // only if it conflicts neither with the locks held nor with the requests already waiting. So behind a waiting
    // ACCESS EXCLUSIVE request every query queues; behind a waiting SHARE, SHARE ROW EXCLUSIVE or EXCLUSIVE request
    // writes queue and reads go on. Proved with a writer's transaction holding ROW EXCLUSIVE, the DDL's request waiting
    // behind it, and a third session asking NOWAIT for a read's and a write's lock.
    describe('what queues behind a waiting lock request (require-lock-timeout)', () => {
      const WAITING: Array<[LockMode, boolean]> = [
        ['AccessExclusiveLock', true],
        ['ExclusiveLock', false],
        ['ShareRowExclusiveLock', false],
        ['ShareLock', false],
      ];

      async function granted(client: pg.Client, mode: LockMode): Promise<boolean> {
        await client.query('BEGIN');
        try {
          await client.query(`LOCK TABLE q IN ${lockLabel(mode)} MODE NOWAIT`);
          return true;
        } catch (e) {
          expect(String(e)).toMatch(/could not obtain lock/);
          return false;
        } finally {
          await client.query('ROLLBACK');
        }
      }

      for (const [mode, readsQueue] of WAITING) {
        it(`a waiting ${lockLabel(mode)} request: writes queue, reads ${readsQueue ? 'queue too' : 'go on'}`, async () => {
          await prepare({ name: 'queue', setup: ['CREATE TABLE q (id int)'], sql: '' });
          const writer = await connect();
          const third = await connect();
          try {
            await writer.query('BEGIN');
            await writer.query('INSERT INTO q VALUES (1)');
            await sessionA.query('BEGIN');
            const waiting = sessionA.query(`LOCK TABLE q IN ${lockLabel(mode)} MODE`);
            // Until the request is in the queue (pg_locks shows it not granted).
            for (;;) {
              const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted', [pidA]);
              if (rows[0].n > 0) break;
            }
            expect(await granted(third, 'AccessShareLock')).toBe(!readsQueue);
            expect(await granted(third, 'RowExclusiveLock')).toBe(false);
            await writer.query('ROLLBACK');
            await waiting;
            await sessionA.query('ROLLBACK');
          } finally {
            await writer.end().catch(() => undefined);
            await third.end().catch(() => undefined);
          }
        });
      }
    });

    // require-concurrent-reindex's message and blocks list: REINDEX TABLE takes only SHARE on the table, yet a plain
    // SELECT waits, because planning it locks every index of the table and REINDEX holds those ACCESS EXCLUSIVE.
    describe('REINDEX blocks plain SELECTs (require-concurrent-reindex)', () => {
      for (const sql of ['REINDEX TABLE r', 'REINDEX INDEX r_v_idx']) {
        it(`${sql}: a SELECT on the table waits for it`, async () => {
          await prepare({ name: 'reindex-select', setup: ['CREATE TABLE r (id int, v int)', 'CREATE INDEX r_v_idx ON r (v)'], sql: '' });
          const effect = statementEffect(parseOne(sql), { pgVersion });
          expect(effect.blocksReads).toBe(true);
          const reader = await connect();
          try {
            const readerPid = (await reader.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
            await sessionA.query('BEGIN');
            await sessionA.query(sql);
            const select = reader.query('SELECT count(*) FROM r WHERE id = 1');
            // The reader's request for the index is queued, not granted.
            for (;;) {
              const { rows } = await admin.query(
                `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = $1 AND NOT l.granted AND c.relname = 'r_v_idx'`,
                [readerPid],
              );
              if (rows[0].n > 0) break;
            }
            await sessionA.query('ROLLBACK');
            expect((await select).rows[0].count).toBe('0');
          } finally {
            await sessionA.query('ROLLBACK').catch(() => undefined);
            await reader.end().catch(() => undefined);
          }
        });
      }

      // require-lock-timeout's message for a REINDEX that waits: it holds the table's SHARE lock, then waits for
      // ACCESS EXCLUSIVE on an index a running query has open; a new SELECT planning on the table queues behind that
      // request. So reads do not go on while a REINDEX waits, as they do behind a waiting CREATE INDEX.
      it('REINDEX TABLE waiting for an index a running query holds: a new SELECT queues behind it', async () => {
        await prepare({ name: 'reindex-wait', setup: ['CREATE TABLE r (id int, v int)', 'CREATE INDEX r_v_idx ON r (v)'], sql: '' });
        const running = await connect();
        const reader = await connect();
        try {
          const readerPid = (await reader.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          await running.query('BEGIN');
          await running.query('SELECT count(*) FROM r WHERE v = 1');
          const reindex = sessionA.query('REINDEX TABLE r');
          reindex.catch(() => undefined);
          const waitingOn = async (pid: number): Promise<string[]> =>
            (
              await admin.query(
                `SELECT c.relname || '=' || l.mode AS w FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = $1 AND NOT l.granted`,
                [pid],
              )
            ).rows.map((r) => r.w as string);
          let waited: string[] = [];
          while (!waited.length) waited = await waitingOn(pidA);
          expect(waited).toEqual(['r_v_idx=AccessExclusiveLock']);
          const select = reader.query('SELECT count(*) FROM r WHERE id = 1');
          let queued: string[] = [];
          while (!queued.length) queued = await waitingOn(readerPid);
          expect(queued).toEqual(['r_v_idx=AccessShareLock']);
          await running.query('ROLLBACK');
          await reindex;
          expect((await select).rows[0].count).toBe('0');
        } finally {
          await running.end().catch(() => undefined);
          await reader.end().catch(() => undefined);
        }
      });
    });
    // require-lock-timeout lists a new table's foreign key to an existing table with the existing table's lock: adding
    // the key waits for SHARE ROW EXCLUSIVE on the referenced table whether the referencing table is new or not. Proved
    // as the migrations run: Prisma's and Drizzle's CREATE TABLE then ALTER TABLE … ADD FOREIGN KEY, and an inline
    // REFERENCES beside a key to a table the same transaction created. A writer's open transaction on the existing
    // table makes the key wait; a third session is then still granted a read's lock and refused a write's.
    describe("a new table's foreign key to an existing table (require-lock-timeout)", () => {
      const MIGRATIONS: Array<{ name: string; statements: string[]; line: number; head: string }> = [
        {
          name: 'CREATE TABLE, then ALTER TABLE … ADD FOREIGN KEY (Prisma, Drizzle)',
          statements: [
            'CREATE TABLE refunds (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric NOT NULL)',
            'ALTER TABLE refunds ADD CONSTRAINT refunds_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE',
          ],
          line: 3,
          head: 'ALTER TABLE',
        },
        {
          name: 'CREATE TABLE with keys to a new table and to an existing one',
          statements: [
            'CREATE TABLE reasons (id bigint PRIMARY KEY, label text NOT NULL)',
            'CREATE TABLE refunds (id bigint PRIMARY KEY, reason_id bigint NOT NULL REFERENCES reasons (id), customer_id bigint NOT NULL REFERENCES customers (id))',
          ],
          line: 3,
          head: 'CREATE TABLE',
        },
      ];
      for (const m of MIGRATIONS) {
        it(`${m.name}: waits for SHARE ROW EXCLUSIVE on the existing table; writes queue, reads go on`, async () => {
          const file = ['BEGIN;', ...m.statements.map((x) => `${x};`), 'COMMIT;', ''].join('\n');
          const finding = (await lintText(file, { settings: { pgVersion: major } })).findings.find((f) => f.ruleId === 'require-lock-timeout');
          expect(finding?.message).toContain(`: ${m.head} on customers (line ${m.line}, SHARE ROW EXCLUSIVE).`);
          expect(finding?.message).toContain('writes to customers queue behind it while reads go on.');

          await prepare({ name: 'new-table-fk', setup: [...BASE_SETUP], sql: '' });
          const writer = await connect();
          const third = await connect();
          const lockNowait = async (mode: LockMode): Promise<boolean> => {
            await third.query('BEGIN');
            try {
              await third.query(`LOCK TABLE customers IN ${lockLabel(mode)} MODE NOWAIT`);
              return true;
            } catch (e) {
              expect(String(e)).toMatch(/could not obtain lock/);
              return false;
            } finally {
              await third.query('ROLLBACK');
            }
          };
          try {
            await writer.query('BEGIN');
            await writer.query("INSERT INTO customers VALUES (1000, 'late@example.com')");
            await sessionA.query('BEGIN');
            for (const x of m.statements.slice(0, -1)) await sessionA.query(x);
            const key = sessionA.query(m.statements.at(-1)!);
            key.catch(() => undefined);
            let waited: Array<{ name: string; mode: string }> = [];
            while (!waited.length)
              waited = (
                await admin.query('SELECT c.relname AS name, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = $1 AND NOT l.granted', [
                  pidA,
                ])
              ).rows;
            expect(waited).toEqual([{ name: 'customers', mode: 'ShareRowExclusiveLock' }]);
            expect(await lockNowait('AccessShareLock')).toBe(true);
            expect(await lockNowait('RowExclusiveLock')).toBe(false);
            await writer.query('ROLLBACK');
            await key;
          } finally {
            await sessionA.query('ROLLBACK').catch(() => undefined);
            await writer.end().catch(() => undefined);
            await third.end().catch(() => undefined);
          }
        });
      }
    });

    // require-lock-timeout on ALTER SEQUENCE says what queues: nextval() takes ROW EXCLUSIVE on the sequence, which
    // conflicts with the SHARE ROW EXCLUSIVE ALTER SEQUENCE waits for, so every INSERT drawing an id queues; a read
    // of the sequence (ACCESS SHARE) and of the table go on. Proved with a writer's open nextval() making ALTER
    // SEQUENCE wait, then a third session's nextval() waiting behind it while its read is answered.
    it('ALTER SEQUENCE waits for SHARE ROW EXCLUSIVE on the sequence; nextval() queues behind it, reads go on', async () => {
      const statement = 'ALTER SEQUENCE order_numbers RESTART WITH 1000';
      const finding = (await lintText(`${statement};\n`, { settings: { pgVersion: major } })).findings.find((f) => f.ruleId === 'require-lock-timeout');
      expect(finding?.message).toContain(': ALTER SEQUENCE on order_numbers (line 1, SHARE ROW EXCLUSIVE).');
      expect(finding?.message).toContain('every nextval() on order_numbers (an INSERT taking its default) queues behind it.');

      await prepare({ name: 'alter-sequence-queue', setup: [...BASE_SETUP, 'CREATE SEQUENCE order_numbers'], sql: '' });
      const writer = await connect();
      const third = await connect();
      const pidThird: number = (await third.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const waitingOf = async (pid: number) =>
        (await admin.query('SELECT c.relname AS name, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = $1 AND NOT l.granted', [pid]))
          .rows as Array<{ name: string; mode: string }>;
      try {
        await writer.query('BEGIN');
        await writer.query("SELECT nextval('order_numbers')");
        const alter = sessionA.query(statement);
        alter.catch(() => undefined);
        let waited: Array<{ name: string; mode: string }> = [];
        while (!waited.length) waited = await waitingOf(pidA);
        expect(waited).toEqual([{ name: 'order_numbers', mode: 'ShareRowExclusiveLock' }]);
        // Reads go on: the sequence's own row and the table.
        expect((await third.query('SELECT last_value FROM order_numbers')).rows).toHaveLength(1);
        expect((await third.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(1000);
        // nextval() queues behind the waiting ALTER SEQUENCE.
        const draw = third.query("SELECT nextval('order_numbers') AS n");
        draw.catch(() => undefined);
        let queued: Array<{ name: string; mode: string }> = [];
        while (!queued.length) queued = await waitingOf(pidThird);
        expect(queued).toEqual([{ name: 'order_numbers', mode: 'RowExclusiveLock' }]);
        await writer.query('ROLLBACK');
        await alter;
        expect(Number((await draw).rows[0].n)).toBe(1000);
      } finally {
        await writer.end().catch(() => undefined);
        await third.end().catch(() => undefined);
      }
    });

    // attach-partition-missing-check: ATTACH PARTITION reads the whole table it attaches (under ACCESS EXCLUSIVE on it)
    // unless a validated CHECK constraint implies the bound; then PostgreSQL skips the scan.
    describe('ATTACH PARTITION scans the partition unless a validated CHECK proves the bound (attach-partition-missing-check)', () => {
      const bound = "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')";
      const check =
        "ALTER TABLE events_2025 ADD CONSTRAINT events_2025_bound CHECK (happened_at IS NOT NULL AND happened_at >= '2025-01-01' AND happened_at < '2026-01-01')";
      for (const withCheck of [false, true]) {
        it(withCheck ? 'with a validated CHECK: no scan' : 'without a CHECK: the partition is scanned under ACCESS EXCLUSIVE', async () => {
          const snap = await prepare({
            name: 'attach',
            setup: [
              ...BASE_SETUP,
              EVENTS_2025_SETUP,
              "INSERT INTO events_2025 SELECT g, date '2025-01-01' + g % 300, 'view' FROM generate_series(1, 200) g",
              ...(withCheck ? [check] : []),
            ],
            sql: '',
          });
          const part = snap.byName.get('events_2025')!;
          await sessionA.query('BEGIN');
          try {
            await sessionA.query(`ALTER TABLE events ATTACH PARTITION events_2025 ${bound}`);
            const scans = Number((await sessionA.query('SELECT pg_stat_get_xact_numscans($1::oid) AS n', [part.oid])).rows[0].n);
            const mode = (
              await sessionA.query(`SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = $1::oid AND mode = 'AccessExclusiveLock'`, [part.oid])
            ).rows[0]?.mode;
            expect(mode).toBe('AccessExclusiveLock');
            expect(scans > 0, `scans of events_2025: ${scans}`).toBe(!withCheck);
          } finally {
            await sessionA.query('ROLLBACK');
          }
        });
      }
    });

    // require-concurrent-index-creation: CREATE INDEX … IF NOT EXISTS naming an index that exists (StatementFacts.
    // existingIndex) takes the table's SHARE lock, then finds the name taken and builds nothing; a new name builds.
    describe('CREATE INDEX IF NOT EXISTS on an index that exists (require-concurrent-index-creation)', () => {
      const setup = [
        'CREATE TABLE artifact (id bigint PRIMARY KEY, push_time timestamptz NOT NULL)',
        "INSERT INTO artifact SELECT g, now() - g * interval '1 minute' FROM generate_series(1, 500) g",
        'CREATE INDEX idx_artifact_push_time ON artifact (push_time)',
      ];
      for (const [name, builds] of [
        ['idx_artifact_push_time', false],
        ['idx_artifact_push_time_v2', true],
      ] as const) {
        it(`${name}: SHARE on artifact, ${builds ? 'a scan and a new index' : 'no scan, no new index, the old one untouched'}`, async () => {
          const snap = await prepare({ name: 'index-if-not-exists', setup, sql: '' });
          const table = snap.byName.get('artifact')!;
          const before = await filenode(snap.byName.get('idx_artifact_push_time')!.oid, admin);
          await sessionA.query('BEGIN');
          try {
            await sessionA.query(`CREATE INDEX IF NOT EXISTS ${name} ON artifact (push_time)`);
            const { rows } = await sessionA.query(`SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = $1::oid AND granted`, [table.oid]);
            expect(rows.map((r) => r.mode as string)).toContain('ShareLock');
            const scans = Number((await sessionA.query('SELECT pg_stat_get_xact_numscans($1::oid) AS n', [table.oid])).rows[0].n);
            expect(scans > 0, `scans of artifact: ${scans}`).toBe(builds);
            const indexes = await sessionA.query('SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = $1::oid ORDER BY 1', [table.oid]);
            expect(indexes.rows.map((r) => r.name as string)).toEqual(['artifact_pkey', 'idx_artifact_push_time', ...(builds ? [name] : [])]);
            expect(await filenode(snap.byName.get('idx_artifact_push_time')!.oid, sessionA)).toBe(before);
          } finally {
            await sessionA.query('ROLLBACK');
          }
        });
      }
      it('the existing name still waits for SHARE behind a writer (require-lock-timeout lists it)', async () => {
        await waitForClaim(
          { name: 'index-if-not-exists-waits', setup, sql: 'CREATE INDEX IF NOT EXISTS idx_artifact_push_time ON artifact (push_time)' },
          { relation: { name: 'artifact' }, mode: 'ShareLock' },
          statementEffect(parseOne('CREATE INDEX IF NOT EXISTS idx_artifact_push_time ON artifact (push_time)'), { pgVersion }),
          false,
        );
      });
    });

    // adding-not-nullable-field reports one finding per ALTER TABLE: every column it sets NOT NULL is checked in one scan.
    it('ALTER TABLE … SET NOT NULL on two columns scans the table once (adding-not-nullable-field)', async () => {
      const snap = await prepare({
        name: 'set-not-null-two',
        setup: [
          'CREATE TABLE post (id bigint PRIMARY KEY, published timestamptz, updated timestamptz)',
          'INSERT INTO post SELECT g, now(), now() FROM generate_series(1, 300) g',
        ],
        sql: '',
      });
      const table = snap.byName.get('post')!;
      await sessionA.query('BEGIN');
      try {
        await sessionA.query('ALTER TABLE post ALTER COLUMN published SET NOT NULL, ALTER COLUMN updated SET NOT NULL');
        const scans = Number((await sessionA.query('SELECT pg_stat_get_xact_numscans($1::oid) AS n', [table.oid])).rows[0].n);
        expect(scans).toBe(1);
        const { rows } = await sessionA.query(`SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = $1::oid AND granted`, [table.oid]);
        expect(rows.map((r) => r.mode as string)).toContain('AccessExclusiveLock');
      } finally {
        await sessionA.query('ROLLBACK');
      }
    });

    // ban-drop-not-null: DROP NOT NULL of a column that is nullable already (StatementFacts.nullableAlready) takes
    // ACCESS EXCLUSIVE and changes nothing.
    it('ALTER COLUMN … DROP NOT NULL of a nullable column: ACCESS EXCLUSIVE, the column unchanged (ban-drop-not-null)', async () => {
      const snap = await prepare({ name: 'drop-not-null-again', setup: ['CREATE TABLE queries (id bigint PRIMARY KEY, schedule text NULL)'], sql: '' });
      const table = snap.byName.get('queries')!;
      const notNull = async (c: pg.Client) =>
        (await c.query(`SELECT attnotnull FROM pg_attribute WHERE attrelid = $1::oid AND attname = 'schedule'`, [table.oid])).rows[0].attnotnull as boolean;
      await sessionA.query('BEGIN');
      try {
        await sessionA.query('ALTER TABLE queries ALTER COLUMN schedule DROP NOT NULL');
        const { rows } = await sessionA.query(`SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = $1::oid AND granted`, [table.oid]);
        expect(rows.map((r) => r.mode as string)).toContain('AccessExclusiveLock');
        expect(await notNull(sessionA)).toBe(false);
      } finally {
        await sessionA.query('ROLLBACK');
      }
    });

    // ban-drop-schema: DROP SCHEMA … CASCADE takes ACCESS EXCLUSIVE on every table in the schema.
    it('DROP SCHEMA … CASCADE takes ACCESS EXCLUSIVE on every table in it (ban-drop-schema)', async () => {
      await prepare({ name: 'drop-schema', setup: [], sql: '' });
      await admin.query('DROP SCHEMA IF EXISTS legacy CASCADE');
      await admin.query('CREATE SCHEMA legacy');
      await admin.query('CREATE TABLE legacy.sessions (id bigint PRIMARY KEY)');
      await admin.query('CREATE TABLE legacy.tokens (id bigint)');
      const oids = (await admin.query(`SELECT oid::text AS oid FROM pg_class WHERE relnamespace = 'legacy'::regnamespace AND relkind = 'r'`)).rows.map(
        (r) => r.oid as string,
      );
      expect(oids).toHaveLength(2);
      // The schema model claims the same: ACCESS EXCLUSIVE on each table of the schema.
      const replay = new Replay(emptyModel(), 'setup.sql');
      for (const sql of ['CREATE SCHEMA legacy', 'CREATE TABLE legacy.sessions (id bigint PRIMARY KEY)', 'CREATE TABLE legacy.tokens (id bigint)']) {
        const [k, n] = Object.entries(parseOne(sql))[0]!;
        replay.apply(k, n);
      }
      const [kind, node] = Object.entries(parseOne('DROP SCHEMA legacy CASCADE'))[0]!;
      expect(
        modelLocks(kind, node, replay)
          .map((l) => `${label(l.relation)}=${l.mode}`)
          .sort(),
      ).toEqual(['legacy.sessions=AccessExclusiveLock', 'legacy.tokens=AccessExclusiveLock']);
      await sessionA.query('BEGIN');
      try {
        await sessionA.query('DROP SCHEMA legacy CASCADE');
        const { rows } = await sessionA.query(`SELECT relation::text AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = ANY($1::oid[])`, [
          oids,
        ]);
        const held = strongest(rows);
        for (const oid of oids) expect(held.get(oid)).toBe('AccessExclusiveLock');
      } finally {
        await sessionA.query('ROLLBACK');
        await admin.query('DROP SCHEMA IF EXISTS legacy CASCADE');
      }
    });

    // ban-alter-domain-with-add-constraint: the locks and scans its messages state, on every table with a column of
    // the domain (the SQL names none of them: the schema model claims them).
    describe('ALTER DOMAIN … ADD CONSTRAINT and VALIDATE CONSTRAINT (ban-alter-domain-with-add-constraint)', () => {
      const SETUP = [
        'CREATE DOMAIN quantity AS integer',
        'CREATE TABLE order_lines (id bigint PRIMARY KEY, qty quantity)',
        'CREATE TABLE returns (id bigint PRIMARY KEY, qty quantity)',
        'CREATE TABLE notes (id bigint PRIMARY KEY, body text)',
      ];
      const ROWS = ['INSERT INTO order_lines SELECT g, g FROM generate_series(1, 100) g', 'INSERT INTO returns SELECT g, g FROM generate_series(1, 20) g'];

      /** Strongest lock and sequential scans per table of the setup, in sessionA's transaction after `sql`. */
      async function effectOf(sql: string, before: string[] = []): Promise<{ held: Record<string, LockMode | undefined>; scanned: string[] }> {
        const snap = await prepare({ name: 'domain', setup: [...SETUP, ...ROWS, ...before], sql: '' });
        const tables = ['order_lines', 'returns', 'notes'].map((n) => snap.byName.get(n)!);
        await sessionA.query('BEGIN');
        try {
          await sessionA.query(sql);
          const { rows } = await sessionA.query(`SELECT relation::text AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = ANY($1::oid[])`, [
            tables.map((t) => t.oid),
          ]);
          const strongestHeld = strongest(rows);
          const scans = await sessionA.query('SELECT o::text AS oid, pg_stat_get_xact_numscans(o) AS n FROM unnest($1::oid[]) o', [tables.map((t) => t.oid)]);
          return {
            held: Object.fromEntries(tables.map((t) => [t.name, strongestHeld.get(t.oid)])),
            scanned: (scans.rows as { oid: string; n: string }[]).filter((r) => Number(r.n) > 0).map((r) => snap.byOid.get(r.oid)!.name),
          };
        } finally {
          await sessionA.query('ROLLBACK');
        }
      }

      it('ADD CONSTRAINT: SHARE on each table using the domain, as the model claims, and a scan of each', async () => {
        const sql = 'ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0)';
        const replay = new Replay(emptyModel(), 'setup.sql');
        for (const q of SETUP) {
          const [k, n] = Object.entries(parseOne(q))[0]!;
          replay.apply(k, n);
        }
        const [kind, node] = Object.entries(parseOne(sql))[0]!;
        expect(
          modelLocks(kind, node, replay)
            .map((l) => `${label(l.relation)}=${l.mode}`)
            .sort(),
        ).toEqual(['order_lines=ShareLock', 'returns=ShareLock']);
        const { held, scanned } = await effectOf(sql);
        expect(held).toEqual({ order_lines: 'ShareLock', returns: 'ShareLock', notes: undefined });
        expect(scanned.sort()).toEqual(['order_lines', 'returns']);
      });

      it('NOT VALID then VALIDATE CONSTRAINT: the validation scans each table under SHARE, as the notValid message says', async () => {
        const added = await effectOf('ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID');
        expect(added).toEqual({ held: { order_lines: undefined, returns: undefined, notes: undefined }, scanned: [] });
        const { held, scanned } = await effectOf('ALTER DOMAIN quantity VALIDATE CONSTRAINT quantity_positive', [
          'ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID',
        ]);
        expect(held).toEqual({ order_lines: 'ShareLock', returns: 'ShareLock', notes: undefined });
        expect(scanned.sort()).toEqual(['order_lines', 'returns']);
      });
    });

    // changing-column-type: timestamp ↔ timestamptz keeps the table file when the session's time zone has a fixed
    // offset of zero (Lemmy's fix-timezones migration sets `timezone = 'UTC'` for this), and rewrites under any other.
    describe('timestamp ↔ timestamptz under the session time zone (changing-column-type)', () => {
      const ZONE_CASES: Array<[string, string, string, string]> = [
        ['UTC', 'timestamp', 'timestamptz', ''],
        ['Etc/UTC', 'timestamp', 'timestamptz', ' USING v'],
        ['GMT', 'timestamptz', 'timestamp', ''],
        ['UTC', 'timestamp(3)', 'timestamptz', ''],
        ['Europe/Berlin', 'timestamp', 'timestamptz', ''],
        ['America/New_York', 'timestamptz', 'timestamp', ' USING v'],
      ];
      const typeOf = (decl: string) => columnType(parseOne(`CREATE TABLE x (v ${decl})`).CreateStmt.tableElts[0].ColumnDef.typeName)!;
      for (const [zone, from, to, using] of ZONE_CASES) {
        it(`SET timezone = '${zone}'; ${from} → ${to}${using}: the claim matches relfilenode`, async () => {
          const snap = await prepare({
            name: 'zone',
            setup: [
              'CREATE TABLE z (v ' + from + ')',
              "INSERT INTO z SELECT timestamp '2024-03-01 12:00' + g * interval '1 hour' FROM generate_series(1, 10) g",
            ],
            sql: '',
          });
          const sql = `ALTER TABLE z ALTER COLUMN v TYPE ${to}${using}`;
          await sessionA.query('BEGIN');
          let after: string | undefined;
          try {
            await sessionA.query(`SET LOCAL timezone = '${zone}'`);
            await sessionA.query(sql);
            after = await filenode(snap.byName.get('z')!.oid, sessionA);
          } finally {
            await sessionA.query('ROLLBACK');
          }
          const def = parseOne(sql).AlterTableStmt.cmds[0].AlterTableCmd.def.ColumnDef;
          const claim = plainConversion(def, 'v') && binaryCoercible(typeOf(from), columnType(def.typeName)!, { utcSession: isUtcZone(zone) });
          expect(claim, `PostgreSQL ${after === snap.byName.get('z')!.filenode ? 'kept' : 'rewrote'} the table`).toBe(after === snap.byName.get('z')!.filenode);
        });
      }
    });

    // renaming-object and prefer-jsonb: what their messages say fails does fail.
    describe('what breaks (renaming-object, prefer-jsonb)', () => {
      it('after ALTER TYPE … RENAME VALUE, the old value is invalid input', async () => {
        await prepare({
          name: 'enum',
          setup: ["CREATE TYPE order_status AS ENUM ('pending', 'shipped')", "ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched'"],
          sql: '',
        });
        await expect(admin.query("SELECT 'shipped'::order_status")).rejects.toThrow(/invalid input value for enum order_status/);
        expect((await admin.query("SELECT 'dispatched'::order_status AS v")).rows[0].v).toBe('dispatched');
      });
      it('after ALTER SCHEMA … RENAME, a name qualified with the old schema no longer resolves', async () => {
        await prepare({ name: 'schema', setup: [], sql: '' });
        await admin.query('DROP SCHEMA IF EXISTS billing, invoicing CASCADE');
        await admin.query('CREATE SCHEMA billing');
        await admin.query('CREATE TABLE billing.invoices (id bigint)');
        await admin.query('ALTER SCHEMA billing RENAME TO invoicing');
        try {
          await expect(admin.query('SELECT count(*) FROM billing.invoices')).rejects.toThrow(/does not exist/);
        } finally {
          await admin.query('DROP SCHEMA IF EXISTS invoicing CASCADE');
        }
      });
      it('json has no equality operator (DISTINCT fails); jsonb has one', async () => {
        await prepare({
          name: 'json',
          setup: ['CREATE TABLE w (a json, b jsonb)', `INSERT INTO w VALUES ('{"x": 1}', '{"x": 1}'), ('{"x": 1}', '{"x": 1}')`],
          sql: '',
        });
        await expect(admin.query('SELECT DISTINCT a FROM w')).rejects.toThrow(/could not identify an equality operator for type json/);
        expect((await admin.query('SELECT DISTINCT b FROM w')).rows).toHaveLength(1);
      });
    });
  });
}
