/**
 * The safe patterns that need the history to be recognised, each linted as a project (a folder of migrations,
 * through the CLI) and run on a real PostgreSQL, where what migralint now claims about them is measured:
 *  - CREATE INDEX … ON ONLY a partitioned parent, CREATE INDEX CONCURRENTLY on each partition, ALTER INDEX …
 *    ATTACH PARTITION: the parent index is only catalog work (no partition is locked), valid once complete;
 *  - CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … PRIMARY KEY / UNIQUE USING INDEX, also when the
 *    index was built by an earlier migration: no build, and no scan when the columns are NOT NULL already;
 *  - CHECK (col IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL: no scan when a validated CHECK proves it;
 *  - TRUNCATE, then a retype, a volatile default, SET NOT NULL, a foreign key, a backfill and an index in the same
 *    transaction: no row is read or written, and no lock is taken on the table beyond the TRUNCATE's.
 * Scans are read from pg_stat_xact_user_tables.seq_scan, locks from pg_locks, validity from pg_index.
 */
import { loadModule } from 'libpg-query';
import type pg from 'pg';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { analyzeUnit } from '../../src/analysis/analyze.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { applyDelta, emptyModel, type SchemaModel } from '../../src/project/model.js';
import { Replay } from '../../src/project/replay.js';
import { adapterFor } from '../../src/sources/index.js';
import { parseUnit } from '../../src/sql/statements.js';
import { LineIndex } from '../../src/sql/text.js';
import type { AnalyzedStatement } from '../../src/types.js';
import { connectedClient } from '../helpers/pg-client.js';
import { TEST_PG_MAJORS } from '../helpers/postgres.js';
import { tempDirs, write } from '../helpers/repo.js';

const tempDir = tempDirs('migralint-safe-');
let client: pg.Client;
/** The server's major version: the analysis is asked about the same one. */
let pgVersion = 18;

const FIXTURES = new URL('../../fixtures/safe-patterns/', import.meta.url);
/** The migrations of a fixture folder, by file name. */
function fixture(pattern: string): Record<string, string> {
  const dir = new URL(`${pattern}/migrations/`, FIXTURES);
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(new URL(f, dir), 'utf8')]),
  );
}
/** A fixture's statements, one per line, without comments. */
const lines = (sql: string) => sql.split('\n').filter((l) => l.trim() && !l.startsWith('--'));

/** Lints a folder of plain SQL migrations (run by psql, one by one) through the CLI: rule ids per file. */
async function lintHistory(files: Record<string, string>): Promise<Record<string, string[]>> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) write(dir, `migrations/${name}`, text);
  const { results } = await cliJson(['migrations', '--framework', 'psql', '--pg-version', String(pgVersion), '--no-cache'], dir);
  return Object.fromEntries(results.map((r) => [r.filePath.replace(/.*migrations\//, ''), r.messages.map((m) => m.ruleId).sort()]));
}

/** The last migration's statements as the analysis sees them, after the ones before it are replayed. */
function analyzeLast(...sqls: string[]): AnalyzedStatement[] {
  return analyzeAll(...sqls).last;
}

/** Each migration analysed and replayed in turn: the last one's statements, and the model after all of them. */
function analyzeAll(...sqls: string[]): { last: AnalyzedStatement[]; model: SchemaModel } {
  let model: SchemaModel = emptyModel();
  let last: AnalyzedStatement[] = [];
  sqls.forEach((sql, i) => {
    const file = { path: `V${i + 1}__m.sql`, text: sql, bom: false };
    const unit = adapterFor('psql').extract(file, { settings: { pgVersion, largeTableRows: 10_000, lockTimeoutValue: '2s' }, warn: () => undefined });
    const parsed = parseUnit(unit, new LineIndex(sql));
    const replay = new Replay(model, file.path);
    last = analyzeUnit(unit, parsed.statements, Catalog.empty(), { pgVersion, largeTableRows: 10_000 }, { replay });
    model = applyDelta(model, replay.delta());
  });
  return { last, model };
}

/** Runs `sql` in a transaction that is rolled back: the table's sequential scans, and the relations it locked. */
async function measure(sql: string, table: string): Promise<{ seqScans: number; locked: string[] }> {
  await client.query('BEGIN');
  try {
    const before = await client.query('SELECT coalesce(seq_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relname = $1', [table]);
    await client.query(sql);
    const after = await client.query('SELECT coalesce(seq_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relname = $1', [table]);
    const locks = await client.query(
      "SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1",
    );
    return { seqScans: Number(after.rows[0]?.n ?? 0) - Number(before.rows[0]?.n ?? 0), locked: locks.rows.map((r) => r.relname as string) };
  } finally {
    await client.query('ROLLBACK');
  }
}

async function reset(): Promise<void> {
  await client.query('DROP TABLE IF EXISTS events, accounts, sessions, users CASCADE');
}

const PARTITIONED = fixture('partitioned-index');
const EVENTS = PARTITIONED['V1__create_events.sql']!;
const EVENTS_INDEX = lines(PARTITIONED['V2__events_tenant_index.sql']!);
const ON_ONLY = EVENTS_INDEX.slice(0, 2).join('\n');

// Every claim is measured on PostgreSQL 15 (migralint's default --pg-version) and 18: one server per version.
for (const major of TEST_PG_MAJORS) {
  describe(`PostgreSQL ${major}`, () => {
    beforeAll(async () => {
      await loadModule();
      pgVersion = major;
    });
    connectedClient(major, (c) => {
      client = c;
    });

    describe('ON ONLY the parent, CONCURRENTLY per partition, then ATTACH PARTITION', () => {
      it('is not flagged, and the model follows the parent index to valid; a plain CREATE INDEX on the parent is', async () => {
        expect(await lintHistory(PARTITIONED)).toEqual({ 'V1__create_events.sql': [], 'V2__events_tenant_index.sql': [] });
        const plain = await lintHistory({
          'V1__events.sql': EVENTS,
          'V2__events_tenant_index.sql': "SET lock_timeout = '2s';\nCREATE INDEX events_tenant_idx ON events (tenant_id);\n",
        });
        expect(plain['V2__events_tenant_index.sql']).toEqual(['ban-concurrent-index-on-partitioned-table']);

        // The model knows events is partitioned, and follows the parent index: INVALID until the last partition's
        // index is attached, as pg_index.indisvalid below.
        const steps = analyzeAll(EVENTS, ON_ONLY);
        expect(steps.last.find((s) => s.kind === 'IndexStmt')!.facts.tables[0]).toMatchObject({ name: 'events', partitioned: true });
        expect(steps.model.indexes['public.events_tenant_idx']!.validity).toBe('invalid');
        const [half, rest] = [EVENTS_INDEX.slice(2, 4).join('\n'), EVENTS_INDEX.slice(4).join('\n')];
        expect(analyzeAll(EVENTS, ON_ONLY, half).model.indexes['public.events_tenant_idx']!.validity).toBe('invalid');
        expect(analyzeAll(EVENTS, ON_ONLY, half, rest).model.indexes['public.events_tenant_idx']!.validity).toBe('valid');

        await reset();
        await client.query(EVENTS);
        await client.query("INSERT INTO events SELECT g, g % 7, '2024-06-01'::timestamptz + g * interval '1 hour' FROM generate_series(1, 5000) g");
        // ON ONLY locks the parent alone: no partition is touched, nothing is read.
        const onOnly = await measure('CREATE INDEX events_tenant_idx ON ONLY events (tenant_id)', 'events_2024');
        expect(onOnly).toEqual({ seqScans: 0, locked: ['events'] });
        // The plain form builds on every partition, locking and reading each.
        const plainBuild = await measure('CREATE INDEX events_tenant_idx ON events (tenant_id)', 'events_2024');
        expect(plainBuild.locked).toEqual(['events', 'events_2024', 'events_2025']);
        expect(plainBuild.seqScans).toBeGreaterThan(0);

        await client.query('CREATE INDEX events_tenant_idx ON ONLY events (tenant_id)');
        const valid = async () =>
          (await client.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_tenant_idx'::regclass")).rows[0].indisvalid as boolean;
        expect(await valid()).toBe(false);
        for (const s of lines(half)) await client.query(s);
        expect(await valid()).toBe(false);
        for (const s of lines(rest)) await client.query(s);
        expect(await valid()).toBe(true);
      });
    });

    describe('CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX', () => {
      const FILES = fixture('using-index');
      const ACCOUNTS = FILES['V1__create_accounts.sql']!;
      const INDEXES = FILES['V2__accounts_unique_indexes.sql']!;
      const ADOPT = FILES['V3__accounts_keys.sql']!;

      it('is not flagged when the index comes from an earlier migration or the same one, and claims no scan over NOT NULL columns', async () => {
        expect(await lintHistory(FILES)).toEqual({ 'V1__create_accounts.sql': [], 'V2__accounts_unique_indexes.sql': [], 'V3__accounts_keys.sql': [] });
        expect((await lintHistory({ 'V1__accounts.sql': ACCOUNTS, 'V2__accounts_keys.sql': INDEXES + ADOPT }))['V2__accounts_keys.sql']).toEqual([]);

        const [, pk, unique] = analyzeLast(ACCOUNTS, INDEXES, ADOPT);
        expect(pk!.facts.scan).toBe(false);
        expect(unique!.facts.scan).toBe(false);
        // Over a column that may hold NULLs, PostgreSQL must check every row: the scan stays claimed.
        const [, nullable] = analyzeLast(
          ACCOUNTS,
          INDEXES,
          "SET lock_timeout = '2s';\nALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_handle_idx;\n",
        );
        expect(nullable!.facts.scan).toBe(true);

        await reset();
        await client.query(ACCOUNTS);
        await client.query("INSERT INTO accounts SELECT g, 'u' || g || '@example.com', 'h' || g FROM generate_series(1, 5000) g");
        for (const s of lines(INDEXES)) await client.query(s);
        const relfilenode = async () =>
          (await client.query("SELECT relfilenode FROM pg_class WHERE relname IN ('accounts_id_idx', 'accounts_pkey')")).rows[0].relfilenode as string;
        const node = await relfilenode();
        expect(await measure('ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_id_idx', 'accounts')).toMatchObject({
          seqScans: 0,
        });
        expect(await measure('ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_idx', 'accounts')).toMatchObject({
          seqScans: 0,
        });
        expect(
          (await measure('ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_handle_idx', 'accounts')).seqScans,
        ).toBeGreaterThan(0);
        // The index is taken over, not rebuilt: same file.
        await client.query('ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_id_idx');
        expect(await relfilenode()).toBe(node);
      });
    });

    describe('CHECK (col IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL', () => {
      const FILES = fixture('not-null');
      const USERS = FILES['V1__create_users.sql']!;
      const CHECK = FILES['V2__users_email_check.sql']!;
      const VALIDATE = FILES['V3__users_email_validate.sql']!;
      const SET_NOT_NULL = FILES['V4__users_email_not_null.sql']!;

      it('is not flagged when the CHECK was validated by an earlier migration, and is without VALIDATE', async () => {
        expect(await lintHistory(FILES)).toEqual({
          'V1__create_users.sql': [],
          'V2__users_email_check.sql': [],
          'V3__users_email_validate.sql': [],
          'V4__users_email_not_null.sql': [],
        });
        const unvalidated = await lintHistory({ 'V1__users.sql': USERS, 'V2__check.sql': CHECK, 'V3__not_null.sql': SET_NOT_NULL });
        expect(unvalidated['V3__not_null.sql']).toEqual(['adding-not-nullable-field']);

        const [, proven] = analyzeLast(USERS, CHECK, VALIDATE, SET_NOT_NULL);
        expect(proven!.facts).toMatchObject({ scan: false, notNullProven: ['email'] });
        const [, unproven] = analyzeLast(USERS, CHECK, SET_NOT_NULL);
        expect(unproven!.facts.scan).toBe(true);
        expect(unproven!.facts.notNullProven).toBeUndefined();

        await reset();
        await client.query(USERS);
        await client.query("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 5000) g");
        await client.query(CHECK);
        expect((await measure('ALTER TABLE users ALTER COLUMN email SET NOT NULL', 'users')).seqScans).toBeGreaterThan(0);
        await client.query(VALIDATE);
        expect(await measure('ALTER TABLE users ALTER COLUMN email SET NOT NULL', 'users')).toMatchObject({ seqScans: 0 });
      });

      it('SET NOT NULL on a column that is NOT NULL already reads nothing, and is not flagged', async () => {
        const again = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN id SET NOT NULL;\n";
        expect((await lintHistory({ 'V1__create_users.sql': USERS, 'V2__users_id_not_null.sql': again }))['V2__users_id_not_null.sql']).toEqual([]);
        const [, proven] = analyzeLast(USERS, again);
        expect(proven!.facts).toMatchObject({ scan: false, notNullProven: ['id'] });

        await reset();
        await client.query(USERS);
        await client.query("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 5000) g");
        expect(await measure('ALTER TABLE users ALTER COLUMN id SET NOT NULL', 'users')).toMatchObject({ seqScans: 0 });
        // The control: a column that may hold NULLs is read.
        expect((await measure('ALTER TABLE users ALTER COLUMN email SET NOT NULL', 'users')).seqScans).toBeGreaterThan(0);
      });
    });
    describe('TRUNCATE, then the table rebuilt in the same transaction', () => {
      const FILES = fixture('truncate-rebuild');
      const TABLES = FILES['V1__create_sessions.sql']!;
      const REBUILD = FILES['V2__sessions_rebuild.sql']!;
      const steps = lines(REBUILD).filter((l) => !/^(SET|BEGIN|COMMIT|TRUNCATE)\b/.test(l));
      const without = (text: string, line: string) => text.replace(`${line}\n`, '');
      const ALL_FOUND = [
        'adding-field-with-default',
        'adding-foreign-key-constraint',
        'adding-not-nullable-field',
        'ban-unbatched-backfill',
        'changing-column-type',
        'require-concurrent-index-creation',
      ];

      it('is not flagged, and is flagged without the TRUNCATE or when an INSERT refills the table', async () => {
        expect(await lintHistory(FILES)).toEqual({ 'V1__create_sessions.sql': [], 'V2__sessions_rebuild.sql': [] });
        const kept = await lintHistory({ 'V1__create_sessions.sql': TABLES, 'V2__sessions_rebuild.sql': without(REBUILD, 'TRUNCATE sessions;') });
        // …and ALTER COLUMN TYPE's ACCESS EXCLUSIVE is then held through the other statements' work.
        expect(kept['V2__sessions_rebuild.sql']).toEqual(['hold-access-exclusive-lock', ...ALL_FOUND].sort());
        const refilled = REBUILD.replace('TRUNCATE sessions;\n', 'TRUNCATE sessions;\nINSERT INTO sessions SELECT * FROM sessions_archive;\n');
        const refill = await lintHistory({
          'V1__create_sessions.sql': TABLES + 'CREATE TABLE sessions_archive (LIKE sessions);\n',
          'V2__sessions_rebuild.sql': refilled,
        });
        expect(refill['V2__sessions_rebuild.sql']).toEqual(['hold-access-exclusive-lock', ...ALL_FOUND].sort());

        const facts = analyzeLast(TABLES, REBUILD).filter((s) => s.kind !== 'TransactionStmt' && s.kind !== 'VariableSetStmt');
        expect(facts[0]!.facts.tables[0]).toMatchObject({ name: 'sessions', sizeClass: 'unknown' });
        for (const s of facts.slice(1)) {
          expect(s.facts.tables.find((t) => t.name === 'sessions')).toMatchObject({ sizeClass: 'small', rows: 0, emptiedBy: 5 });
          expect(s.facts.work).toBeUndefined();
          // Granted at once: the TRUNCATE's ACCESS EXCLUSIVE covers every later lock on sessions.
          if (!s.facts.locks.some((l) => l.relation.name === 'users')) expect(s.facts.locksAlreadyHeld?.statement.line).toBe(5);
        }
      });

      it('reads and writes no row after the TRUNCATE, and takes no lock on the table stronger than the TRUNCATE holds', async () => {
        await reset();
        await client.query(TABLES);
        await client.query("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 5000) g");
        const fill = "INSERT INTO sessions SELECT g, 't' || g, now(), NULL FROM generate_series(1, 5000) g";
        await client.query(fill);
        const counters = async () =>
          (await client.query("SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS seen FROM pg_stat_xact_user_tables WHERE relname = 'sessions'"))
            .rows[0] as { seen: string };
        const sessionLocks = async () =>
          (
            await client.query("SELECT l.mode FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.relation = 'sessions'::regclass AND l.granted ORDER BY 1")
          ).rows.map((r) => r.mode as string);
        /** Each step in one transaction, after `first`: the rows it read, the rows the backfill updated, the locks held on sessions before and after. */
        const run = async (first: string) => {
          await client.query('BEGIN');
          try {
            await client.query(first);
            const before = await counters();
            const locksBefore = await sessionLocks();
            let backfilled = 0;
            for (const sql of steps) {
              const r = await client.query(sql);
              if (sql.startsWith('UPDATE')) backfilled = r.rowCount ?? 0;
            }
            const after = await counters();
            const size = await client.query("SELECT pg_relation_size('sessions') AS heap, pg_relation_size('sessions_user_id_idx') AS idx");
            return {
              read: Number(after.seen) - Number(before.seen),
              backfilled,
              locksBefore,
              locksAfter: await sessionLocks(),
              heap: Number(size.rows[0].heap),
              index: Number(size.rows[0].idx),
            };
          } finally {
            await client.query('ROLLBACK');
          }
        };
        const truncated = await run('TRUNCATE sessions');
        expect(truncated).toMatchObject({ read: 0, backfilled: 0, heap: 0, index: 8192 });
        // ACCESS EXCLUSIVE from the TRUNCATE (with the SHARE its index rebuild takes): every mode the later statements
        // add on sessions is weaker, and waits for no one.
        expect(truncated.locksBefore).toContain('AccessExclusiveLock');
        expect(truncated.locksAfter).toContain('AccessExclusiveLock');
        // The control: the same statements on the 5,000 rows read them, rewrite them and index them.
        const kept = await run('SELECT 1');
        expect(kept.read).toBeGreaterThan(0);
        expect(kept.backfilled).toBe(5000);
        expect(kept.heap).toBeGreaterThan(0);
        expect(kept.index).toBeGreaterThan(8192);
      });
    });
  });
}
