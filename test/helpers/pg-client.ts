import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPgMajor, type TestPostgres } from './postgres.js';

/**
 * For the tests of the enclosing describe block: a database of its own on `major`'s server and a client connected
 * to it before the first test (given to `ready`), both closed after the last.
 */
export function connectedClient(major: TestPgMajor, ready: (client: pg.Client) => void | Promise<void>): void {
  let db: TestPostgres | undefined;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    db = await startPostgres(major);
    client = db.pg.getPgClient(db.database, '127.0.0.1');
    await client.connect();
    await ready(client);
  }, 120_000);
  afterAll(async () => {
    await client?.end().catch(() => undefined);
    await db?.stop();
  });
}
