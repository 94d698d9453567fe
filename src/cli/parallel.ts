/**
 * Linting many files on every core. Before the run walks its files, the work it will do is split into units: a
 * project's history (linted, or only replayed, in the tool's order, each file over the catalog the ones before it
 * left) or one file outside any project. Units are shared out by size between this thread and worker threads, each
 * with its own parser instance; a worker sends back each file's result and what it taught the catalog, and the run
 * takes them in the files' order, so the report and the cache are the ones a single thread writes. Only worth it
 * when the work is large enough: a worker costs its own start-up (the CLI's code, PostgreSQL's WASM).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Catalog, type CatalogData } from '../catalog/catalog.js';
import { lintSource, type LintOptions, type ModelOptions } from '../engine/lint.js';
import { NO_FILES, type FileSystem } from '../fs.js';
import { applyDeltaInPlace, replaySource } from '../project/history.js';
import { emptyModel, type SchemaDelta } from '../project/model.js';
import type { FileResult, SourceFile } from '../types.js';
import { runnableNow, type Runnable } from './runnable.js';

export interface Linted {
  result: FileResult;
  /** The files beside it that detection and its adapter consulted (the cache's dependencies). */
  consulted: string[];
}

/** What a worker did with one file: its result when linted, and what it taught the catalog when in a history. */
export interface Done {
  result?: FileResult;
  consulted: string[];
  /** What the file changed in its project's catalog (linted or only replayed); undefined when it taught nothing. */
  delta?: SchemaDelta;
}

/** The model options of a file in a history, without the catalog (the thread running the history keeps its own). */
export type StepModel = Omit<ModelOptions, 'schema' | 'onDelta'>;

/** One file of a unit of work. */
export interface Step {
  /** The caller's name for the file's outcome. */
  id: number;
  source: SourceFile;
  options: LintOptions;
  /** In a project's history: whether to lint it (else it is only replayed) and its model options. */
  history?: { lint: boolean; model: StepModel };
}

/** Files run in order in one thread: a project's history, or one file outside any project. */
export type Unit = Step[];

/**
 * Below this much text per thread the files are linted in this thread: a worker costs its start-up and, measured,
 * runs the same lint with a quarter more CPU than this thread (its own isolate warms up the code again; the compiled
 * code it starts from is kept in the cache folder, as the CLI's is).
 */
const MIN_BYTES = 512_000;
/**
 * What starting a worker costs, as the bytes of SQL this thread lints meanwhile (measured: a worker's start-up, its
 * code and PostgreSQL's WASM, ~75 ms of CPU; a lint ~1 MB of SQL per second). Since measured on a loaded machine (the
 * worker thread's own CPU, half of sql-all's 7.6 MB): Node's start of the thread and its input ~48 ms (20 ms for an
 * empty worker), loading the worker's bundle 19 ms on kept compiled code (43 ms as the ES module it was; 27 ms with
 * --no-cache), sending its results back (4 MB) ~28 ms.
 */
const WORKER_START_BYTES = 80_000;

/**
 * `fs`, noting in `consulted` each path asked for. Detection and the adapters read the files beside a migration
 * only through the FileSystem: each path is a dependency of the file's result.
 */
export function recordingFs(fs: FileSystem | undefined, consulted: string[]): FileSystem {
  const base = fs ?? NO_FILES;
  const record = (p: string) => void consulted.push(p);
  return {
    readFile: (p) => (record(p), base.readFile(p)),
    exists: (p) => (record(p), base.exists(p)),
    listDir: (p) => (record(p), base.listDir(p)),
    ...(base.cwd !== undefined ? { cwd: base.cwd } : {}),
  };
}

/** The lint of one file in this thread, naming the files it consulted. */
export function lintRecording(source: SourceFile, options: LintOptions): Linted {
  const consulted: string[] = [];
  const fs = recordingFs(options.fs, consulted);
  const result = lintSource(source, { ...options, fs, readFile: options.readFile && ((p) => (consulted.push(p), options.readFile?.(p))) });
  return { result, consulted };
}

/**
 * A unit in this thread: a history's files in order, each over the catalog the ones before it left (a catalog of the
 * unit's own, from the empty one), as the run's own walk of the history does it.
 */
export function runUnit(unit: Unit): Done[] {
  const schema = emptyModel();
  return unit.map((step): Done => {
    if (!step.history) return lintRecording(step.source, step.options);
    let delta: SchemaDelta | undefined;
    let done: Done;
    if (step.history.lint) {
      const linted = lintRecording(step.source, { ...step.options, model: { ...step.history.model, schema, onDelta: (d) => void (delta = d) } });
      done = { ...linted, delta };
    } else {
      const consulted: string[] = [];
      try {
        delta = replaySource(step.source, { ...step.options, fs: recordingFs(step.options.fs, consulted) }, schema).delta;
      } catch {
        // A file that cannot be read as a migration teaches the catalog nothing.
      }
      done = { consulted, delta };
    }
    if (delta) applyDeltaInPlace(schema, delta);
    return done;
  });
}

const unitBytes = (unit: Unit): number => unit.reduce((n, s) => n + s.source.text.length + 200, 0);

/** Whether work of this size might be shared at all (threadCount can be more than 1): a cheap test before planning it. */
export function mayShare(bytes: number, env: Record<string, string | undefined>): boolean {
  const forced = env.MIGRALINT_WORKERS;
  if (forced !== undefined && forced !== '' && Number.isInteger(Number(forced))) return Number(forced) > 1;
  return bytes >= 2 * MIN_BYTES;
}

/**
 * How many threads (this one included) to share these units between: 1 unless the work is large and there are
 * cores. MIGRALINT_WORKERS=<n> sets the number (0 or 1: this thread only), for measuring and for tests.
 */
export function threadCount(units: Unit[], env: Record<string, string | undefined>): number {
  const forced = env.MIGRALINT_WORKERS;
  if (forced !== undefined && forced !== '' && Number.isInteger(Number(forced))) return Math.max(1, Math.min(Number(forced), 16, units.length));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const bytes = units.reduce((n, u) => n + unitBytes(u), 0);
  return threadsFor({ cores, units: units.length, bytes, runnable: runnableNow(), loadavg: os.loadavg()[0]! });
}

/**
 * threadCount's choice from what it read: the machine's cores, the units and their size, the threads runnable now
 * (runnable.ts, Linux) and the 1-minute load average (elsewhere). A thread more only for a core the machine leaves
 * idle: on a busy machine a worker makes the run no faster, and costs CPU the others would have used.
 */
export function threadsFor(o: { cores: number; units: number; bytes: number; runnable: Runnable | undefined; loadavg: number }): number {
  if (o.cores < 2 || o.units < 2 || o.bytes < 2 * MIN_BYTES) return 1;
  // The threads there is room for: the cores other processes' runnable threads leave now (this thread runs on one of
  // them); without that count, this thread and one for each whole core the load average leaves (a lagging mean).
  const room = o.runnable ? o.cores - Math.max(0, o.runnable.all - o.runnable.own) : 1 + Math.floor(o.cores - o.loadavg);
  return Math.max(1, Math.min(o.cores, 8, o.units, Math.floor(o.bytes / MIN_BYTES), room));
}

/**
 * Largest first, each to the least-loaded thread; a worker's load starts at its start-up cost. Shard 0 is this
 * thread's. Each shard lists unit indexes in the units' order.
 */
export function shard(units: Unit[], n: number): number[][] {
  const sizes = units.map(unitBytes);
  const order = units.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const shards: number[][] = Array.from({ length: n }, () => []);
  const load = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : WORKER_START_BYTES));
  for (const i of order) {
    let best = 0;
    for (let k = 1; k < n; k++) if (load[k]! < load[best]!) best = k;
    shards[best]!.push(i);
    load[best]! += sizes[i]!;
  }
  return shards.map((s) => s.sort((a, b) => a - b));
}

interface Task {
  id: number;
  source: SourceFile;
  framework: LintOptions['framework'];
  settings: LintOptions['settings'];
  severities: LintOptions['severities'];
  catalog: number;
  history?: Step['history'];
}

export interface WorkerInput {
  catalogs: CatalogData[];
  units: Task[][];
  parsersFor: string[];
  /** The run's directory: the worker's disk reads and names files from it, as the main thread's does. */
  cwd?: string;
}

export interface WorkerOutput {
  done?: Array<{ id: number } & Done>;
  error?: string;
}

/**
 * Where a worker starts. In the CLI the bin loaded, the bin's loader (bin/worker.js), given where the bin keeps V8's
 * compiled code: it loads the worker's bundle (dist/worker.cjs) as the bin loaded the CLI's. Elsewhere the worker's
 * module beside this one (dist/src/cli/worker.js).
 */
function workerEntry(): { file: string; argv: string[] } | undefined {
  const bin = (globalThis as Record<symbol, unknown>)[Symbol.for('migralint.worker')] as { file: string; argv: string[] } | undefined;
  if (bin) return bin;
  const file = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(file) ? { file, argv: [] } : undefined;
}

/** Units started on worker threads: what each file gave, by step id, once all are done. */
export interface Started {
  /** The step ids the workers run. */
  ids: Set<number>;
  done: Promise<Map<number, Done>>;
}

/**
 * Starts worker threads on all shards but the first (this thread's), at once: this thread runs its own shard
 * meanwhile. Undefined when nothing goes to a worker or workers cannot run here (no worker module, as when running
 * from TypeScript sources): this thread then runs every unit.
 */
export function startWorkers(units: Unit[], shards: number[][], parsersFor: string[], cwd?: string): Started | undefined {
  const entry = workerEntry();
  const theirs = shards.slice(1).filter((s) => s.length > 0);
  if (!entry || theirs.length === 0) return undefined;
  const catalogs: CatalogData[] = [];
  const catalogIds = new Map<Catalog, number>();
  const catalogOf = (c: Catalog | undefined): number => {
    const cat = c ?? Catalog.empty();
    let id = catalogIds.get(cat);
    if (id === undefined) {
      id = catalogs.length;
      catalogs.push(cat.toData());
      catalogIds.set(cat, id);
    }
    return id;
  };
  const ids = new Set<number>();
  const texts = new Map<number, string>();
  const inputs = theirs.map((indexes): WorkerInput => {
    const tasks = indexes.map((i) =>
      units[i]!.map((s): Task => {
        ids.add(s.id);
        texts.set(s.id, s.source.text);
        const o = s.options;
        return {
          id: s.id,
          source: s.source,
          framework: o.framework,
          settings: o.settings,
          severities: o.severities,
          catalog: catalogOf(o.catalog),
          history: s.history,
        };
      }),
    );
    return { catalogs, units: tasks, parsersFor, ...(cwd !== undefined ? { cwd } : {}) };
  });
  const out = new Map<number, Done>();
  const runs = inputs.map(
    (input) =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(entry.file, { workerData: input, argv: entry.argv });
        worker.once('message', (msg: WorkerOutput) => {
          if (msg.error || !msg.done) reject(new Error(`migralint worker: ${msg.error ?? 'no result'}`));
          else {
            for (const { id, ...d } of msg.done) {
              if (d.result) d.result.source = texts.get(id);
              out.set(id, d);
            }
            resolve();
          }
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`migralint worker exited with code ${code}`));
        });
      }),
  );
  return { ids, done: Promise.all(runs).then(() => out) };
}
