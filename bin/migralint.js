#!/usr/bin/env node
// CommonJS (bin/package.json), not an ES module: Node starts a CommonJS entry without its ES module loader, about
// 30 ms of CPU less on every run.
const { createHash } = require('node:crypto');
const { existsSync, statSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const { codeCache } = require('./code-cache.js');

/** Options whose value is a path (a file or a folder): never a file to lint. */
const PATH_OPTIONS = new Set(['--cache-location', '--config', '-c', '--output-file', '-o', '--stats', '--stdin-filename']);

/** A few named files (a pre-commit hook, an editor). */
function fewFiles(args) {
  let files = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') continue;
    if (arg.startsWith('-')) {
      if (PATH_OPTIONS.has(arg)) i++;
      continue;
    }
    try {
      const stat = statSync(arg);
      if (stat.isDirectory()) return false;
      if (stat.isFile() && ++files > 20) return false;
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
// 2.7 MB, equal). The baseline compiler alone then. (Set before anything is compiled: V8's code cache records the
// flags it was made under.)
v8.setFlagsFromString('--liftoff-only');
// Each WASM function is validated when it is first compiled (V8 compiles them lazily, on first call), not all 526 of
// the parser's 1.7 MB when the module is compiled: a one-file lint calls a few dozen. Measured: the parser's load
// 32 → 22 ms of CPU. (Compiling the two large functions a first parse needs eagerly, in the background, through V8's
// compilation hints, cost more CPU than it saved: also measured.)
v8.setFlagsFromString('--wasm-lazy-validation');
// JavaScript is optimized only once hot for 4x longer than V8's default: a lint is a short run, and the optimizing
// compiler's background work was up to a fifth of its CPU for code run a few times. Measured (CPU, median, with
// the main/background split): Lemmy cold 3.4 s → 2.6 s, Saleor 12.5 s → 10.5 s, bench/real 1.43 s → 1.35 s; the
// main thread no slower. (Like --liftoff-only, part of the flags V8's code cache is keyed by.)
v8.setFlagsFromString('--interrupt-budget=270336');
// V8's compiled code of the CLI's scripts, kept in the cache folder (codeCache); none with --no-cache. The bundle, its
// chunks and the JavaScript of PostgreSQL's parser are loaded through it (scripts/bundle-cli.mjs, bin/parser.js).
const codeDir = cacheDir(args, process.cwd());
const code = codeDir ? codeCache(codeDir) : undefined;
if (code) globalThis[Symbol.for('migralint.require')] = code.load;
// The worker threads of a parallel lint (src/cli/parallel.ts) start at bin/worker.js, which loads the worker's bundle
// as this loads the CLI's: through the same folder's compiled code, or (--no-cache) as any CommonJS file.
globalThis[Symbol.for('migralint.worker')] = { file: path.join(__dirname, 'worker.js'), argv: codeDir ? [codeDir] : [] };
if (fewFiles(args)) {
  // PostgreSQL's parser: its JavaScript is loaded and its WASM read now; the package's glue hands the WASM to
  // WebAssembly after a microtask, so once this script's synchronous part (the bundle's load included) is done: its
  // compilation, in the background, overlaps with the lint's discovery, not with loading the CLI. Only for a few
  // named files (the pre-commit case): a larger run may find every file in the lint cache and need no parser.
  try {
    require('./parser.js').requireParser();
  } catch {
    /* reported when the parser is needed */
  }
}

/**
 * Where the lint cache goes (as the CLI decides it, src/cli/run.ts defaultCacheDir), or null with --no-cache: V8's
 * compiled code of the CLI is kept there too. Read from the arguments before the CLI's own parser is loaded.
 */
function cacheDir(argv, cwd) {
  let location;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--no-cache' || a === '--cache=false' || (a === '--cache' && argv[i + 1] === 'false')) return null;
    if (a === '--cache-location' && i + 1 < argv.length) location = argv[++i];
    else if (a.startsWith('--cache-location=')) location = a.slice('--cache-location='.length);
  }
  if (location) return path.resolve(cwd, location);
  const local = path.join(cwd, 'node_modules');
  if (existsSync(local)) return path.join(local, '.cache', 'migralint');
  const home = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(home, 'migralint', createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 16));
}

/** A lint: the run whose compiled functions are worth keeping (`--help`, `rules` … compile little of it). */
function isLint() {
  return !args.some((a) => a === '--help' || a === '-h' || a === '--version') && !/^(rules|explain|init|stats|schema|trace|help)$/.test(args[0] ?? '');
}

/**
 * Ends a lint once its report has been handed to the OS. A lint leaves nothing running when main() returns, but the
 * garbage of a larger run has often started a major GC, which V8's background threads would finish before the
 * process exits: measured, a warm run of bench/real's 110 files spent 20-25 ms of CPU on it after its last write.
 * stdout and stderr are written in order: an empty write's callback comes once all before it are written (to a pipe
 * a large report is written asynchronously).
 */
function exitOnceWritten(code) {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** The CLI's bundle: with its compiled code kept in the cache folder, or (--no-cache) loaded as any CommonJS file. */
function loadCli() {
  const file = path.join(__dirname, '..', 'dist', 'cli.cjs');
  const lint = isLint();
  if (!code) return { main: require(file).main, save: () => {}, lint };
  return { main: code.load(file).main, save: lint ? code.save : () => {}, lint };
}

// A config file is an ES module: the bundle, compiled by node:vm, import()s it through this (src/config/load.ts).
globalThis[Symbol.for('migralint.import')] = (url) => import(url);
const { main, save, lint } = loadCli();

main(args).then(
  (code) => {
    process.exitCode = code;
    save();
    if (lint) exitOnceWritten(code);
  },
  (error) => {
    process.stderr.write(`migralint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
