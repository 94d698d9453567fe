/**
 * Linting many files on every core: the files still to lint are sharded by size over worker threads, each with its
 * own parser instance, and their results come back in the files' order, so the report is the one a single thread
 * writes. Only worth it when the work is large: a worker costs its own start-up (the CLI's code, PostgreSQL's WASM).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Catalog, type CatalogData } from '../catalog/catalog.js';
import { lintSource, type LintOptions } from '../engine/lint.js';
import { NO_FILES, type FileSystem } from '../fs.js';
import type { FileResult, SourceFile } from '../types.js';

/** A file the cache did not answer: where its result goes, and how to lint it. */
export interface Miss {
  slot: number;
  source: SourceFile;
  options: LintOptions;
  key: string;
}

export interface Linted {
  result: FileResult;
  /** The files beside it that detection and its adapter consulted (the cache's dependencies). */
  consulted: string[];
}

/** Below this much text, one thread is faster than starting workers. */
const MIN_BYTES = 2_000_000;
const MIN_FILES = 64;

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
 * How many worker threads to use for these files: 0 (this thread) unless the work is large and there are cores.
 * MIGRALINT_WORKERS=<n> sets the number (0 or 1: this thread), for measuring and for tests.
 */
export function workerCount(misses: Miss[], env: Record<string, string | undefined>): number {
  const forced = env.MIGRALINT_WORKERS;
  if (forced !== undefined && forced !== '' && Number.isInteger(Number(forced))) return Math.max(0, Math.min(Number(forced), 16, misses.length));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (cores < 2 || misses.length < MIN_FILES) return 0;
  const bytes = misses.reduce((n, m) => n + m.source.text.length, 0);
  if (bytes < MIN_BYTES) return 0;
  return Math.min(cores, 8, Math.floor(bytes / (MIN_BYTES / 2)));
}

interface Task {
  index: number;
  source: SourceFile;
  framework: LintOptions['framework'];
  settings: LintOptions['settings'];
  severities: LintOptions['severities'];
  catalog: number;
}

export interface WorkerInput {
  catalogs: CatalogData[];
  tasks: Task[];
  parsersFor: string[];
  /** The run's directory: the worker's disk reads and names files from it, as the main thread's does. */
  cwd?: string;
}

export interface WorkerOutput {
  done?: Array<{ index: number } & Linted>;
  error?: string;
}

/** The worker's module beside this one (dist/worker.js beside the bundle, dist/src/cli/worker.js beside this file). */
function workerFile(): string | undefined {
  const file = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(file) ? file : undefined;
}

/** Longest first, each to the least-loaded shard: shards of near-equal size. */
function shard(misses: Miss[], n: number): number[][] {
  const order = misses.map((_, i) => i).sort((a, b) => misses[b]!.source.text.length - misses[a]!.source.text.length || a - b);
  const shards: number[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  for (const i of order) {
    let best = 0;
    for (let k = 1; k < n; k++) if (load[k]! < load[best]!) best = k;
    shards[best]!.push(i);
    load[best]! += misses[i]!.source.text.length + 200;
  }
  return shards.filter((s) => s.length > 0);
}

/**
 * Lints the misses on `n` worker threads; results in the misses' order. Undefined when workers cannot run here
 * (no worker module, as when running from TypeScript sources): the caller then lints in this thread.
 */
export async function lintInWorkers(misses: Miss[], n: number, parsersFor: string[], cwd?: string): Promise<Linted[] | undefined> {
  const file = workerFile();
  if (!file) return undefined;
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
  const out = new Array<Linted>(misses.length);
  const runs = shard(misses, n).map((indexes) => {
    const tasks: Task[] = indexes.map((i) => {
      const m = misses[i]!;
      return {
        index: i,
        source: m.source,
        framework: m.options.framework,
        settings: m.options.settings,
        severities: m.options.severities,
        catalog: catalogOf(m.options.catalog),
      };
    });
    const input: WorkerInput = { catalogs, tasks, parsersFor, ...(cwd !== undefined ? { cwd } : {}) };
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(file, { workerData: input });
      worker.once('message', (msg: WorkerOutput) => {
        if (msg.error || !msg.done) reject(new Error(`migralint worker: ${msg.error ?? 'no result'}`));
        else {
          for (const d of msg.done) {
            d.result.source = misses[d.index]!.source.text;
            out[d.index] = { result: d.result, consulted: d.consulted };
          }
          resolve();
        }
        void worker.terminate();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0) reject(new Error(`migralint worker exited with code ${code}`));
      });
    });
  });
  await Promise.all(runs);
  return out;
}
