/** A worker thread of a parallel lint (see parallel.ts): lints its shard with its own parser instance, once. */
import { parentPort, workerData } from 'node:worker_threads';
import { Catalog } from '../catalog/catalog.js';
import { diskFileSystem } from '../disk.js';
import { loadParsersFor } from '../engine/lint-text.js';
import { lintRecording, type WorkerInput, type WorkerOutput } from './parallel.js';

async function work(input: WorkerInput): Promise<WorkerOutput> {
  await loadParsersFor(input.parsersFor);
  const catalogs = input.catalogs.map((c) => Catalog.fromData(c));
  const fs = diskFileSystem(input.cwd);
  const done = input.tasks.map((t) => {
    const linted = lintRecording(t.source, { framework: t.framework, settings: t.settings, severities: t.severities, catalog: catalogs[t.catalog], fs });
    // The text goes back to the main thread, which has it already: not copied a second time.
    linted.result.source = undefined;
    return { index: t.index, ...linted };
  });
  return { done };
}

work(workerData as WorkerInput).then(
  (out) => parentPort!.postMessage(out),
  (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerOutput),
);
