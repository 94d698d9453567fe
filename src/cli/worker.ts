/** A worker thread of a parallel lint (see parallel.ts): runs its units with its own parser instance, once. */
import { parentPort, workerData } from 'node:worker_threads';
import { Catalog } from '../catalog/catalog.js';
import { diskFileSystem } from '../disk.js';
import { loadParsersFor } from '../engine/lint-text.js';
import { runUnit, type WorkerInput, type WorkerOutput } from './parallel.js';

async function work(input: WorkerInput): Promise<WorkerOutput> {
  await loadParsersFor(input.parsersFor);
  const catalogs = input.catalogs.map((c) => Catalog.fromData(c));
  const fs = diskFileSystem(input.cwd);
  const done: NonNullable<WorkerOutput['done']> = [];
  for (const tasks of input.units) {
    const unit = tasks.map((t) => ({
      id: t.id,
      source: t.source,
      options: { framework: t.framework, settings: t.settings, severities: t.severities, catalog: catalogs[t.catalog], fs },
      history: t.history,
    }));
    runUnit(unit).forEach((d, i) => {
      // The text goes back to the main thread, which has it already: not copied a second time.
      if (d.result) d.result.source = undefined;
      done.push({ id: tasks[i]!.id, ...d });
    });
  }
  return { done };
}

/** Set by the bin's loader of this thread (bin/worker.js): keeps V8's compiled code of the worker's bundle. */
const saveCode = (globalThis as Record<symbol, unknown>)[Symbol.for('migralint.saveCode')] as (() => void) | undefined;

work(workerData as WorkerInput).then(
  (out) => {
    saveCode?.();
    parentPort!.postMessage(out);
  },
  (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerOutput),
);
