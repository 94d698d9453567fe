// The floor under any lint of these files that uses PostgreSQL's own parser: start Node, load libpg-query (WASM,
// baseline compiler only, as bin/migralint.js runs it) and parse every file named on the command line, the files
// dealt round-robin over one thread per core. Nothing is read from the trees, nothing linted, nothing printed but
// the file count. `npm run bench` times it beside migralint and Squawk (bench/real-world.ts).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

v8.setFlagsFromString('--liftoff-only');

async function parseAll(files) {
  const parser = await import('libpg-query');
  await parser.loadModule();
  let failed = 0;
  for (const file of files) {
    try {
      parser.parseSync(readFileSync(file, 'utf8'));
    } catch {
      failed++;
    }
  }
  return failed;
}

if (isMainThread) {
  const files = process.argv.slice(2);
  const threads = Math.max(1, Math.min(os.availableParallelism(), files.length));
  const shards = Array.from({ length: threads }, () => []);
  files.forEach((f, i) => shards[i % threads].push(f));
  const others = shards.slice(1).map(
    (shard) =>
      new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: shard });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  const failed = await Promise.all([parseAll(shards[0]), ...others]);
  console.log(`${files.length} files parsed on ${threads} threads, ${failed.reduce((a, b) => a + b, 0)} with a syntax error`);
  process.exit(0);
} else {
  parentPort.postMessage(await parseAll(workerData));
}
