// A worker thread of a parallel lint (src/cli/parallel.ts) started by the CLI the bin loaded: the worker's bundle
// (dist/worker.cjs) is loaded as bin/migralint.js loads the CLI's, through V8's compiled code kept in the cache folder
// (this thread's argument; none with --no-cache). Compiling the bundle from its text was most of a worker's start-up.
'use strict';
const path = require('node:path');
const { threadId } = require('node:worker_threads');

const file = path.join(__dirname, '..', 'dist', 'worker.cjs');
const dir = process.argv[2];
if (dir) {
  const code = require('./code-cache.js').codeCache(dir, `${process.pid}-${threadId}`);
  // The chunks and the parser's JavaScript come through it too (scripts/bundle-cli.mjs, bin/parser.js).
  globalThis[Symbol.for('migralint.require')] = code.load;
  // Called by the worker once its units are done, before it sends its results (src/cli/worker.ts): the data then
  // holds the functions the work compiled. Written only for a file that had none.
  globalThis[Symbol.for('migralint.saveCode')] = code.save;
  code.load(file);
} else {
  require(file);
}
