#!/usr/bin/env node
import { statSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import v8 from 'node:v8';

// Node 22.1+: V8 keeps the compiled code of the CLI's modules on disk (in the OS temp folder, or where
// NODE_COMPILE_CACHE says), so later runs skip most of the start-up compile. Older Node: nothing to do.
module.enableCompileCache?.();

/** A few named files (a pre-commit hook, an editor). */
function fewFiles(args) {
  let files = 0;
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    try {
      const stat = statSync(arg);
      if (stat.isDirectory()) return false;
      if (stat.isFile()) files++;
    } catch {
      /* an option's value or a glob */
    }
  }
  return files > 0 && files <= 20;
}

// Output piped into a reader that stops early (`| head`): stop quietly, as ESLint does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const args = process.argv.slice(2);
// PostgreSQL's parser is a large WASM module: compiling it with V8's optimizing tier costs more CPU than the
// optimized code saves on real histories (measured: 110 files, 1.8 s → 0.9 s CPU; 1,147 files, 3.7 s → 3.0 s;
// 2.7 MB, equal). The baseline compiler alone then.
v8.setFlagsFromString('--liftoff-only');
if (fewFiles(args)) {
  // Importing PostgreSQL's parser starts compiling its WASM; that overlaps with loading the CLI. Only for a few
  // named files (the pre-commit case): a larger run may find every file in the lint cache and need no parser.
  // Required, not imported: the bundle requires the same instance, and an ES import of this CommonJS package first
  // scans its source for exports.
  try {
    createRequire(import.meta.url)('libpg-query');
  } catch {
    /* reported when the parser is needed */
  }
}
const { main } = await import('../dist/cli.js');

main(args).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`migralint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
