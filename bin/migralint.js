#!/usr/bin/env node
// Start compiling PostgreSQL's parser (WASM) first, so it overlaps with loading the rest of the CLI.
const parser = import('../dist/src/sql/parse.js').then((m) => m.loadParser());
parser.catch(() => {});
const { main } = await import('../dist/src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`migralint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
