// Issue 11, "Deployed migrations are left alone": with --database-url, the migration tool's own history table is
// read (read-only) and a migration it records as applied is neither linted nor fixed. Each table is created here
// as the tool creates it in PostgreSQL, on a real embedded PostgreSQL, beside a copy of the framework fixture.
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { readAppliedHistory } from '../../src/catalog/applied.js';
import { ROOT } from '../helpers/fixtures.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

interface ToolCase {
  tool: string;
  /** The fixture folder under fixtures/frameworks. */
  fixture: string;
  /** The history table as the tool creates it, and the rows it writes for the migrations it applied. */
  sql: string;
  /** Paths (relative to the fixture) the rows record as applied. */
  applied: string[];
  /** The table named in the note. */
  table: string;
}

const CASES: ToolCase[] = [
  {
    tool: 'Flyway',
    fixture: 'flyway',
    table: 'flyway_schema_history',
    sql: `CREATE TABLE flyway_schema_history (installed_rank integer NOT NULL, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time integer NOT NULL, success boolean NOT NULL, CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank));
      CREATE INDEX flyway_schema_history_s_idx ON flyway_schema_history (success);
      INSERT INTO flyway_schema_history VALUES (1, '1', 'create orders', 'SQL', 'V1__create_orders.sql', 1, 'app', now(), 5, true), (2, '2', 'orders created at index', 'SQL', 'V2__orders_created_at_index.sql', 2, 'app', now(), 5, true), (3, '3', 'orders status index', 'SQL', 'V3__orders_status_index.sql', 3, 'app', now(), 5, false);`,
    applied: ['src/main/resources/db/migration/V1__create_orders.sql', 'src/main/resources/db/migration/V2__orders_created_at_index.sql'],
  },
  {
    tool: 'Prisma',
    fixture: 'prisma',
    table: '_prisma_migrations',
    sql: `CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id"));
      INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('a', 'x', now(), '20240301120000_init', 1), ('b', 'y', now(), '20240315093000_add_orders_customer_index', 1), ('c', 'z', NULL, '20240320101500_customer_index_alone', 0);`,
    applied: ['prisma/migrations/20240301120000_init/migration.sql', 'prisma/migrations/20240315093000_add_orders_customer_index/migration.sql'],
  },
  {
    tool: 'goose',
    fixture: 'goose',
    table: 'goose_db_version',
    sql: `CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now(), PRIMARY KEY (id));
      INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (20240105101010, true), (20240212083000, true), (20240219140000, true), (20240219140000, false);`,
    applied: ['db/migrations/20240105101010_create_accounts.sql', 'db/migrations/20240212083000_accounts_email_index.sql'],
  },
  {
    tool: 'golang-migrate',
    fixture: 'golang-migrate',
    table: 'schema_migrations (golang-migrate',
    sql: `CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, false);`,
    // A version's down file belongs to it: deployed with it.
    applied: [
      'db/migrations/000001_create_users_table.up.sql',
      'db/migrations/000001_create_users_table.down.sql',
      'db/migrations/000002_users_email_index.up.sql',
      'db/migrations/000002_users_email_index.down.sql',
    ],
  },
  {
    tool: 'dbmate',
    fixture: 'dbmate',
    table: 'schema_migrations (',
    sql: `CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240110120000'), ('20240120090000');`,
    applied: ['db/migrations/20240110120000_create_products.sql', 'db/migrations/20240120090000_products_name_index.sql'],
  },
  {
    tool: 'Alembic',
    fixture: 'alembic',
    table: 'alembic_version',
    // The head only: the revisions it descends from are applied too.
    sql: `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('8d0f6a3e1c57');`,
    applied: [
      'alembic/versions/8d0f6a3e1c57_create_word_lists.py',
      'alembic/versions/5b8e41c07a22_add_performance_indexes_autocommit.py',
      'alembic/versions/3f2a9c1d7b4e_add_performance_indexes.py',
    ],
  },
  {
    tool: 'Django',
    fixture: 'django',
    table: 'django_migrations',
    sql: `CREATE TABLE django_migrations (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL);
      INSERT INTO django_migrations (app, name, applied) VALUES ('contenttypes', '0001_initial', now()), ('orders', '0001_initial', now()), ('orders', '0002_order_orders_cust_created_idx', now());`,
    applied: ['shop/orders/migrations/0001_initial.py', 'shop/orders/migrations/0002_order_orders_cust_created_idx.py'],
  },
  {
    tool: 'Drizzle',
    fixture: 'drizzle/web',
    table: 'drizzle.__drizzle_migrations',
    sql: `CREATE SCHEMA IF NOT EXISTS drizzle; CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
      INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('h0', 1718000000000), ('h1', 1718100000000);`,
    applied: ['drizzle/0000_init.sql', 'drizzle/0001_performance_indexes_concurrent.sql'],
  },
  {
    tool: 'Atlas',
    fixture: 'atlas',
    table: 'atlas_schema_revisions',
    sql: `CREATE SCHEMA "atlas_schema_revisions"; CREATE TABLE "atlas_schema_revisions"."atlas_schema_revisions" ("version" character varying NOT NULL, "description" character varying NOT NULL, "type" bigint NOT NULL DEFAULT 2, "applied" bigint NOT NULL DEFAULT 0, "total" bigint NOT NULL DEFAULT 0, "executed_at" timestamptz NOT NULL, "execution_time" bigint NOT NULL, "error" text NULL, "error_stmt" text NULL, "hash" character varying NOT NULL, "partial_hashes" jsonb NULL, "operator_version" character varying NOT NULL, PRIMARY KEY ("version"));
      INSERT INTO atlas_schema_revisions.atlas_schema_revisions (version, description, applied, total, executed_at, execution_time, hash, operator_version) VALUES ('20240501100000', 'create_users', 1, 1, now(), 1, 'h', 'Atlas CLI v0.30'), ('20240510100000', 'users_email_index', 1, 1, now(), 1, 'h', 'Atlas CLI v0.30');`,
    applied: ['migrations/20240501100000_create_users.sql', 'migrations/20240510100000_users_email_index.sql'],
  },
  {
    tool: 'Sqitch',
    fixture: 'sqitch',
    table: 'sqitch.changes',
    sql: `CREATE SCHEMA sqitch; CREATE TABLE sqitch.projects (project TEXT PRIMARY KEY, uri TEXT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), creator_name TEXT NOT NULL, creator_email TEXT NOT NULL);
      CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, script_hash));
      INSERT INTO sqitch.projects (project, creator_name, creator_email) VALUES ('app', 'a', 'a@example.com');
      INSERT INTO sqitch.changes (change_id, script_hash, change, project, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES ('1', 'h1', 'appschema', 'app', 'a', 'a@example.com', now(), 'a', 'a@example.com'), ('2', 'h2', 'users', 'app', 'a', 'a@example.com', now(), 'a', 'a@example.com');`,
    applied: ['deploy/appschema.sql', 'deploy/users.sql'],
  },
];

let db: TestPostgres;

beforeAll(async () => {
  db = await startPostgres(18, { own: true });
}, 120_000);

afterAll(async () => {
  await db?.stop();
});

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('--fix --database-url leaves migrations the history table records as applied alone', () => {
  for (const c of CASES) {
    it(`${c.tool}: ${c.table.replace(/ \($|\($/, '')}`, async () => {
      const database = c.fixture.replace(/\W/g, '_');
      await db.pg.createDatabase(database);
      const client = db.pg.getPgClient(database);
      await client.connect();
      try {
        await client.query(c.sql);
      } finally {
        await client.end();
      }
      const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-deployed-'));
      cpSync(path.join(ROOT, 'fixtures', 'frameworks', c.fixture), dir, { recursive: true });
      const before = snapshot(dir);
      // The CLI in this process (test/helpers/cli.ts).
      const r = await runCli(['--fix', '--format', 'json', '--database-url', db.url(database), '.'], { cwd: dir });
      expect(r.stderr).toContain(`recorded as applied in`);
      expect(r.stderr).toContain(c.table);
      expect(r.stderr).toMatch(new RegExp(`migralint: ${c.applied.length} migrations? recorded as applied`));
      const report = JSON.parse(r.stdout) as Array<{ filePath: string }>;
      const linted = report.map((f) => path.relative(dir, f.filePath));
      const after = snapshot(dir);
      for (const f of c.applied) {
        expect(before.has(f), f).toBe(true);
        expect(linted, f).not.toContain(f);
        expect(after.get(f), f).toBe(before.get(f));
      }
      // The migrations not recorded are linted (and fixed where a safe fix applies).
      expect(linted.length).toBeGreaterThan(0);
      for (const f of linted) expect(c.applied).not.toContain(f);
    }, 120_000);
  }

  it('a database with no history table: nothing is taken as applied', async () => {
    await db.pg.createDatabase('empty');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-deployed-'));
    cpSync(path.join(ROOT, 'fixtures', 'frameworks', 'goose'), dir, { recursive: true });
    const r = await runCli(['--format', 'json', '--database-url', db.url('empty'), '.'], { cwd: dir });
    expect(r.stderr).not.toContain('recorded as applied');
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(4);
  }, 120_000);

  it('reads read-only, and a table the role may not read is left out and said', async () => {
    await db.pg.createDatabase('roles');
    const c = db.pg.getPgClient('roles');
    await c.connect();
    try {
      await c.query(`CREATE TABLE django_migrations (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL);
        INSERT INTO django_migrations (app, name, applied) VALUES ('orders', '0001_initial', now());
        CREATE TABLE goose_db_version (id serial NOT NULL PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now());
        CREATE ROLE history_reader LOGIN PASSWORD 'reader-pw'; GRANT CONNECT ON DATABASE roles TO history_reader; GRANT SELECT ON django_migrations TO history_reader;
        ALTER ROLE history_reader SET log_statement = 'all'`);
    } finally {
      await c.end();
    }
    const from = db.logs.length;
    const h = await readAppliedHistory(db.url('roles', { user: 'history_reader', password: 'reader-pw' }));
    expect(h.records.django).toEqual([{ app: 'orders', name: '0001_initial' }]);
    expect(h.records.goose).toBeUndefined();
    expect(h.unreadable).toEqual(['goose_db_version']);
    const statements = db.logs
      .slice(from)
      .join('')
      .split('\n')
      .map((l) => /statement: (.*)$/.exec(l)?.[1])
      .filter((x): x is string => !!x);
    expect(statements.length).toBeGreaterThan(2);
    for (const st of statements) expect(st).toMatch(/^(BEGIN TRANSACTION READ ONLY|COMMIT|SELECT )/);
  }, 120_000);
});
