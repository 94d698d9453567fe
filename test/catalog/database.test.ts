import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { loadStatsFile, readDatabaseStats, redactUrl, StatsError } from '../../src/catalog/database.js';
import { lintText } from '../../src/engine/lint-text.js';
import { freePort, startPostgres, type TestPostgres } from '../helpers/postgres.js';

let db: TestPostgres;

/** The error a call must fail with. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  db = await startPostgres(18, { own: true });
  await db.pg.createDatabase('shop');
  const c = db.pg.getPgClient('shop', '127.0.0.1');
  await c.connect();
  try {
    await c.query(`
      CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
      INSERT INTO countries SELECT lpad(i::text, 2, '0'), 'Country ' || i FROM generate_series(1, 90) i;
      CREATE TABLE page_views (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint, path text, viewed_at timestamptz DEFAULT now());
      INSERT INTO page_views (user_id, path) SELECT i % 1000, '/products/' || i FROM generate_series(1, 60000) i;
      CREATE TABLE events (id bigint, happened_at date NOT NULL, kind text) PARTITION BY RANGE (happened_at);
      CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
        PARTITION BY RANGE (happened_at);
      CREATE TABLE events_2025_h1 PARTITION OF events_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
      CREATE TABLE events_2025_h2 PARTITION OF events_2025 FOR VALUES FROM ('2025-07-01') TO ('2026-01-01');
      INSERT INTO events SELECT i, date '2024-01-01' + (i % 700), 'click' FROM generate_series(1, 21000) i;
      CREATE SCHEMA billing;
      CREATE TABLE billing.invoices (id bigint PRIMARY KEY, customer_email text);
      INSERT INTO billing.invoices SELECT i, 'c' || (i % 10) || '@example.com' FROM generate_series(1, 12000) i;
      ANALYZE;
    `);
    // A concurrent unique build over duplicates fails and leaves an INVALID index behind.
    await expect(c.query('CREATE UNIQUE INDEX CONCURRENTLY invoices_customer_email_key ON billing.invoices (customer_email)')).rejects.toThrow(
      /could not create unique index/,
    );
    // A role that may not connect to the database, for the permission error.
    await c.query(`CREATE ROLE auditor LOGIN PASSWORD 'auditor-pw'; REVOKE CONNECT ON DATABASE shop FROM PUBLIC`);
    // An ordinary role with CONNECT only, whose statements the server logs.
    await c.query(
      `CREATE ROLE stats_reader LOGIN PASSWORD 'reader-pw'; GRANT CONNECT ON DATABASE shop TO stats_reader; ALTER ROLE stats_reader SET log_statement = 'all'`,
    );
  } finally {
    await c.end();
  }
});

afterAll(async () => {
  await db?.stop();
});

describe('readDatabaseStats', () => {
  it('reads rows, bytes, partitioning and INVALID indexes from the catalog', async () => {
    const snap = await readDatabaseStats(db.url('shop'));
    expect(snap.version).toBe(1);
    expect(snap.serverVersion).toMatch(/^1[0-9]\.\d+/);
    const t = (name: string, schema = 'public') => snap.tables.find((x) => x.schema === schema && x.name === name);
    expect(t('countries')).toMatchObject({ rows: 90 });
    expect(t('page_views')).toMatchObject({ rows: 60000 });
    expect(t('page_views')!.bytes).toBeGreaterThan(t('countries')!.bytes);
    expect(t('page_views')!.bytes).toBeGreaterThan(3_000_000);
    expect(t('page_views')!.partitioned).toBeUndefined();
    // The parent of a two-level partition tree sums its leaves; a sub-partitioned child is partitioned too.
    expect(t('events')).toMatchObject({ rows: 21000, partitioned: true });
    expect(t('events')!.bytes).toBe(t('events_2024')!.bytes + t('events_2025_h1')!.bytes + t('events_2025_h2')!.bytes);
    expect(t('events_2025')).toMatchObject({ partitioned: true, rows: t('events_2025_h1')!.rows + t('events_2025_h2')!.rows });
    expect(t('invoices', 'billing')).toMatchObject({ rows: 12000 });
    expect(snap.tables.some((x) => x.schema === 'pg_catalog' || x.schema === 'information_schema')).toBe(false);
    expect(snap.invalidIndexes).toEqual([{ schema: 'billing', name: 'invoices_customer_email_key', table: 'invoices' }]);
  });

  it('feeds the catalog: messages give rows and size, and an INVALID index is named', async () => {
    const catalog = new Catalog();
    catalog.addSnapshot(await readDatabaseStats(db.url('shop')), 'database');
    const big = await lintText('CREATE INDEX idx_page_views_user ON page_views (user_id);\n', { catalog });
    const finding = big.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    expect(finding.severity).toBe('error');
    expect(finding.message).toMatch(/^CREATE INDEX on page_views \(60\.0k rows, [\d.]+ MB\) holds a SHARE lock/);
    const small = await lintText('CREATE INDEX countries_name_idx ON countries (name);\n', { catalog });
    expect(small.findings.filter((f) => f.ruleId === 'require-concurrent-index-creation')).toEqual([]);
    const leftover = await lintText('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS invoices_customer_email_key ON billing.invoices (customer_email);\n', {
      catalog,
    });
    expect(leftover.findings.find((f) => f.ruleId === 'concurrent-index-invalid-leftover')!.message).toBe(
      'An INVALID index billing.invoices_customer_email_key exists in the database right now (a failed concurrent build): IF NOT EXISTS will skip the build and leave it unusable.',
    );
  });

  it('needs no privilege beyond CONNECT and sends only reads inside a READ ONLY transaction', async () => {
    const from = db.logs.length;
    const snap = await readDatabaseStats(db.url('shop', { user: 'stats_reader', password: 'reader-pw' }), { statementTimeoutMs: 4000 });
    expect(snap.tables.find((t) => t.name === 'page_views')).toMatchObject({ rows: 60000 });
    const statements = db.logs
      .slice(from)
      .join('\n')
      .split(/\n(?=\S)/)
      .map((l) => /LOG:\s+statement: ([\s\S]*)/.exec(l)?.[1]?.trim().split(/\s+/).slice(0, 4).join(' '))
      .filter(Boolean);
    expect(statements).toEqual([
      'SHOW server_version_num',
      'SHOW server_version',
      'BEGIN TRANSACTION READ ONLY',
      'SET LOCAL statement_timeout =',
      'WITH RECURSIVE tree AS',
      'SELECT n.nspname AS schema,',
      'COMMIT',
    ]);
    expect(db.logs.slice(from).join('\n')).toContain('statement: SET LOCAL statement_timeout = 4000');
  });

  it('gives up on a table another session holds locked, instead of queueing behind a migration', async () => {
    const migration = db.pg.getPgClient('shop', '127.0.0.1');
    await migration.connect();
    try {
      await migration.query('BEGIN; LOCK TABLE page_views IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const err = await failure(readDatabaseStats(db.url('shop')));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err.message).toMatch(/^a table in postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shop is locked by another session \(a migration running\?\)/);
    } finally {
      await migration.query('ROLLBACK');
      await migration.end();
    }
  });

  it('reports bad credentials without the password', async () => {
    const url = db.url('shop', { user: 'postgres', password: 'wrong-Pa55word' });
    const err = await failure(readDatabaseStats(url));
    expect(err).toBeInstanceOf(StatsError);
    expect(err.message).toMatch(
      /^authentication failed for the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shop: password authentication failed for user "postgres"$/,
    );
    expect(err.message).not.toContain('wrong-Pa55word');
  });

  it('reports a missing permission', async () => {
    const err = await failure(readDatabaseStats(db.url('shop', { user: 'auditor', password: 'auditor-pw' })));
    expect(err).toBeInstanceOf(StatsError);
    expect(err.message).toMatch(
      /^permission denied reading the catalog of postgres:\/\/auditor:\*\*\*@127\.0\.0\.1:\d+\/shop: permission denied for database "shop"/,
    );
    expect(err.message).not.toContain('auditor-pw');
  });

  it('reports a database that does not exist', async () => {
    const err = await failure(readDatabaseStats(db.url('shopp')));
    expect(err.message).toMatch(/^the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shopp does not exist/);
  });

  it('reports an unreachable server', async () => {
    const port = await freePort();
    const err = await failure(readDatabaseStats(`postgres://app:hunter2-secret@127.0.0.1:${port}/shop`));
    expect(err).toBeInstanceOf(StatsError);
    expect(err.message).toBe(`cannot connect to the database at postgres://app:***@127.0.0.1:${port}/shop: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('gives up after the connect timeout when the server does not answer', async () => {
    const sockets: Array<import('node:net').Socket> = [];
    const silent: Server = createServer((s) => sockets.push(s));
    const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    try {
      const started = Date.now();
      const err = await failure(readDatabaseStats(`postgres://app:hunter2-secret@127.0.0.1:${port}/shop`, { connectTimeoutMs: 300 }));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err.message).toBe(`cannot connect to the database at postgres://app:***@127.0.0.1:${port}/shop: no answer within 300 ms`);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('rejects what is not a PostgreSQL URL', async () => {
    await expect(readDatabaseStats('mysql://root:pw@db/shop')).rejects.toThrow(
      'not a PostgreSQL URL: mysql://root:***@db/shop (expected postgres://user@host:5432/dbname)',
    );
  });
});

describe('redactUrl', () => {
  it('hides passwords in URLs, query parameters and key/value strings', () => {
    expect(redactUrl('postgres://app:p%40ss@db.internal:5432/shop?sslmode=require')).toBe('postgres://app:***@db.internal:5432/shop?sslmode=require');
    expect(redactUrl('postgresql://db.internal/shop?user=app&password=hunter2')).toBe('postgresql://db.internal/shop?user=app&password=***');
    expect(redactUrl('postgres://app@db.internal/shop')).toBe('postgres://app@db.internal/shop');
    expect(redactUrl("host=db user=app password='a b c' dbname=shop")).toBe('host=db user=app password=*** dbname=shop');
  });
});

describe('loadStatsFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'migralint-stats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads a snapshot as written by readDatabaseStats', async () => {
    const snap = await readDatabaseStats(db.url('shop'));
    const p = file('migralint-stats.json', `${JSON.stringify(snap, null, 2)}\n`);
    expect(loadStatsFile(p)).toEqual(snap);
  });

  it('names the problem in a file that is not a snapshot', () => {
    expect(() => loadStatsFile(path.join(dir, 'missing.json'))).toThrow(`${path.join(dir, 'missing.json')}: cannot read stats file: no such file`);
    const bad = file('broken.json', '{"version": 1, "tables": [');
    expect(() => loadStatsFile(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: stats file is not valid JSON: `));
    const wrong = file('wrong.json', JSON.stringify({ version: 2, tables: [{ schema: 'public', name: 'orders', rows: '12000000', bytes: 1 }] }));
    expect(() => loadStatsFile(wrong)).toThrow(
      `${wrong}: not a valid migralint stats snapshot (write one with \`migralint stats\`):\n  version: Invalid input: expected 1\n  tables.0.rows: Invalid input: expected number, received string`,
    );
  });
});
