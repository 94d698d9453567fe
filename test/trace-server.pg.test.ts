// The embedded server's start-up (src/trace/server.ts): initdb once per server build in a process, the later servers
// from a copy of its fresh data directory. Each server is a cluster of its own, as initdb left it, whatever the
// servers before it did.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedServer } from '../src/trace/server.js';

const started: EmbeddedServer[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
});

async function start(): Promise<EmbeddedServer> {
  const s = await startEmbedded({ major: 18 });
  started.push(s);
  return s;
}

async function query(server: EmbeddedServer, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe('servers of one build in a process', () => {
  it('start from a copy of the first fresh data directory: no initdb, an empty cluster of their own', async () => {
    const first = await start();
    await query(first, 'CREATE TABLE orders (id bigint PRIMARY KEY)');
    await query(first, 'CREATE DATABASE shop');

    const second = await start();
    // initdb says what it creates ("The files belonging to this database system ..."); the copy runs no initdb.
    expect(second.logs.join('')).not.toContain('The files belonging to this database system');
    expect(second.logs.join('')).toContain('database system is ready to accept connections');
    expect(second.dir).not.toBe(first.dir);
    expect(second.port).not.toBe(first.port);
    // What the first server did after its start is not in the second: the copy is initdb's, taken before that start.
    expect(await query(second, "SELECT relname FROM pg_class WHERE relname = 'orders'")).toEqual([]);
    expect(await query(second, "SELECT datname FROM pg_database WHERE datname = 'shop'")).toEqual([]);
    expect(await query(first, "SELECT relname FROM pg_class WHERE relname = 'orders'")).toEqual([{ relname: 'orders' }]);
    // The superuser and its password (scram-sha-256 over TCP) are those of the template.
    expect(await query(second, 'SELECT current_user AS u, version() AS v')).toEqual([{ u: 'postgres', v: expect.stringMatching(/^PostgreSQL 18\./) }]);

    // Stopping one leaves the other running, and removes only its own folder.
    await second.stop();
    expect(existsSync(second.dir)).toBe(false);
    expect(existsSync(first.dir)).toBe(true);
    expect(await query(first, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 120_000);
});
