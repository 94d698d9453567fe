#!/usr/bin/env node
import { statSync } from 'node:fs';
import v8 from 'node:v8';

/** A few named files (a pre-commit hook, an editor): the parser's optimizing WASM tier costs more than it saves. */
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
if (fewFiles(args)) v8.setFlagsFromString('--liftoff-only');
// Importing PostgreSQL's parser starts compiling its WASM; that overlaps with loading the CLI.
import('libpg-query').catch(() => {});
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
