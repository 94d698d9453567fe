// Bundles the CLI (dist/src/cli/main.js and everything it imports) into one CommonJS file, dist/cli.cjs, and the
// worker of a parallel lint into another, dist/worker.cjs: resolving and loading ~300 ES modules one by one was most
// of a one-file lint's start-up. CommonJS because bin/migralint.js (and bin/worker.js, in a worker thread) compiles the
// bundle itself with node:vm and keeps V8's compiled code between runs (a code cache): Node 20 can do that only for
// scripts, not for ES modules. Packages that load WASM or native code from their own folder (PostgreSQL's parser,
// tree-sitter, oxc) and the database driver stay external.
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Importing PostgreSQL's parser starts compiling its 1.7 MB of WASM, and oxc-parser loads a native binding: a run
 * whose files all come from the cache needs neither. Each is replaced by a stand-in that requires the package on
 * first use (its sync functions throw, as the package's own do, until loadModule() has been awaited).
 */
const LAZY = {
  'libpg-query': ['loadModule', 'parseSync', 'scanSync', 'parsePlPgSQLSync'],
  'oxc-parser': ['parseSync'],
  // YAML (Liquibase changelogs, Rails' database.yml): about 4 ms of every start-up to load, and a one-file SQL lint reads
  // none. Its classes' static values (Scalar.PLAIN …) are read through the package, loaded by then.
  yaml: ['isAlias', 'isMap', 'isScalar', 'isSeq', 'parseDocument'],
};
/**
 * Stand-ins whose package stays in the bundle (and in V8's code cache): esbuild makes the stand-in's require() a call
 * of the package's bundled module, run on first use.
 */
const LAZY_BUNDLED = new Set(['yaml']);
/** Classes of a stand-in's package whose static properties the code reads (never constructed, never instanceof). */
const LAZY_STATICS = {
  yaml: ['Scalar'],
};
/**
 * How a stand-in loads its package, when not by require(name): PostgreSQL's parser through bin/parser.js (beside
 * dist/ in the package), which starts its WASM memory at the size the module needs.
 */
const LAZY_REQUIRE = {
  'libpg-query': 'require("../bin/parser.js").requireParser()',
};
/**
 * Packages the CLI has in files of their own beside the bundle (dist/<name>.cjs), each loaded on its first use: zod
 * (the config's validator: 0.8 MB, a third of the bundle), yaml (0.26 MB), diff and tinyglobby (0.15 MB). A one-file
 * SQL lint with no config file needs none of them, and every function in the bundle costs each run something even
 * when it never runs (V8's code cache of the bundle, which the run reads and V8 deserializes, has an entry for each;
 * 1.1 MB of it took 25-30 ms to deserialize, 0.85 MB 11-18 ms): measured, a one-file lint 15-20 ms of CPU less. The
 * bin loads them through the same code cache as the bundle (its `migralint.require`); without it (--no-cache) they
 * are required as any CommonJS file. The worker's bundle loads them the same way (bin/worker.js).
 */
const CHUNKS = {
  // As the code imports them: the packages' ES module builds.
  zod: 'export * from "zod";',
  // --fix-dry-run's diffs, and glob patterns (tinyglobby, with fdir and picomatch): 0.13 MB.
  diff: 'export * from "diff";',
  tinyglobby: 'export * from "tinyglobby";',
  // As the stand-in required it when yaml was bundled: the package's CommonJS build.
  yaml: 'module.exports = require("yaml");',
};
const chunkRequire = (name) =>
  `(globalThis[Symbol.for("migralint.require")] ?? require)(require("node:path").join(__dirname, ${JSON.stringify(`${name}.cjs`)}))`;

/** A package of CHUNKS imported by the CLI: its file, loaded when first imported. */
const chunkedPackages = {
  name: 'chunked-packages',
  setup(b) {
    b.onResolve({ filter: /^(zod|diff|tinyglobby)$/ }, (args) => ({ path: args.path, namespace: 'chunk' }));
    b.onLoad({ filter: /.*/, namespace: 'chunk' }, (args) => ({ loader: 'js', contents: `module.exports = ${chunkRequire(args.path)};` }));
  },
};

/** The stand-ins; a package of CHUNKS is loaded from its file, not bundled. */
const lazyPackages = {
  name: 'lazy-packages',
  setup(b) {
    b.onResolve({ filter: /^(libpg-query|oxc-parser|yaml)$/ }, (args) => {
      if (args.namespace !== 'lazy') return { path: args.path, namespace: 'lazy' };
      return LAZY_BUNDLED.has(args.path) ? undefined : { path: args.path, external: true };
    });
    // The loader beside dist/ stays a file of its own: the bin requires it before the bundle is loaded.
    b.onResolve({ filter: /^\.\.\/bin\/parser\.js$/, namespace: 'lazy' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      loader: 'js',
      // Where a bundled package is resolved from: the project's node_modules.
      resolveDir: new URL('..', import.meta.url).pathname,
      contents: [
        'let lib;',
        `const load = () => (lib ??= ${args.path in CHUNKS ? chunkRequire(args.path) : (LAZY_REQUIRE[args.path] ?? `require(${JSON.stringify(args.path)})`)});`,
        ...LAZY[args.path].map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
        ...(LAZY_STATICS[args.path] ?? []).map((name) => `export const ${name} = new Proxy({}, { get: (_, key) => load().${name}[key] });`),
      ].join('\n'),
    }));
  },
};

/**
 * fdir (tinyglobby's directory walker) looks for picomatch in node_modules when it loads, for a glob option
 * tinyglobby does not use: resolving and compiling it there, outside the bundle and its code cache, cost about 15 ms
 * of every run that walks a folder. It gets the picomatch bundled for tinyglobby instead. The build fails if fdir no
 * longer has the one block this replaces.
 */
const fdirBundledPicomatch = {
  name: 'fdir-bundled-picomatch',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]fdir[\\/]dist[\\/]index\.mjs$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const block = /^try \{\n\t__require\.resolve\("picomatch"\);\n\tpm = __require\("picomatch"\);\n\} catch \{\}\n/gm;
      if ((text.match(block) ?? []).length !== 1) throw new Error(`bundle-cli: ${args.path} is no longer shaped as fdir-bundled-picomatch expects`);
      return { loader: 'js', contents: `import __fdirPicomatch from 'picomatch';\n${text.replace(block, 'pm = __fdirPicomatch;\n')}` };
    });
  },
};

/**
 * esbuild writes code and strings in ASCII (escaping the rest), but keeps some comments as written: a few non-ASCII
 * characters (an em dash, an arrow) made V8 hold the whole 2.7 MB text in two bytes a character and decode it slowly
 * (40 ms of each start-up). Those comments get an escape instead; anything else non-ASCII fails the build.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    if (!/\P{ASCII}/u.test(lines[i])) continue;
    if (!/^\s*(\/\/|\/\*|\*)/.test(lines[i])) throw new Error(`bundle-cli: non-ASCII outside a comment in ${file}:${i + 1}`);
    lines[i] = lines[i].replace(/\P{ASCII}/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
    changed = true;
  }
  if (changed) writeFileSync(file, lines.join('\n'));
}

/**
 * The database driver and tree-sitter are CommonJS packages the code import()s on first use. In the CLI's script
 * an import() would go through node:vm, which on Node 20 cannot route one once the code comes from the code cache
 * (bin/migralint.js): each is required instead, as the package's own CommonJS entry, still on first use.
 */
const requiredPackages = {
  name: 'required-packages',
  setup(b) {
    b.onResolve({ filter: /^(pg|web-tree-sitter)$/ }, (args) =>
      args.namespace === 'required' ? { path: args.path, external: true } : { path: args.path, namespace: 'required' },
    );
    b.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({ loader: 'js', contents: `module.exports = require(${JSON.stringify(args.path)});` }));
  },
};

/**
 * Built-in modules the CLI uses on a few paths only, loaded on first use (node:worker_threads not in the worker's own
 * bundle, which needs it at once): node:worker_threads costs 4 ms to load, and only a large lint starts workers
 * (src/cli/parallel.ts); node:module loads Node's ES module loader (about 2 ms), and its createRequire is wanted only
 * for git, Python's tree-sitter, the config's validator or the database driver. Each export is a function that calls
 * (or, for a class, constructs) the module's own.
 */
const LAZY_BUILTINS = {
  'node:worker_threads': { Worker: 'class' },
  'node:module': { createRequire: 'function' },
};
const lazyBuiltins = (modules) => ({
  name: 'lazy-builtins',
  setup(b) {
    const names = modules.map((n) => n.replace(/[:/]/g, '\\$&'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: [
        'let lib;',
        `const load = () => (lib ??= require(${JSON.stringify(args.path)}));`,
        ...Object.entries(LAZY_BUILTINS[args.path]).map(([name, kind]) =>
          kind === 'class'
            ? `export function ${name}(...args) {\n  return new (load().${name})(...args);\n}`
            : `export function ${name}(...args) {\n  return load().${name}(...args);\n}`,
        ),
      ].join('\n'),
    }));
  },
});

const dist = new URL('../dist/', import.meta.url).pathname;
// Chunks of the earlier, split ES-module bundle, and the earlier ES-module worker: gone.
for (const f of readdirSync(dist)) if (/^(chunk-.*\.js|cli\.js|worker\.js)$/.test(f)) rmSync(path.join(dist, f));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['web-tree-sitter', 'tree-sitter-python', 'tree-sitter-ruby', 'pg'],
  plugins: [fdirBundledPicomatch],
  logLevel: 'warning',
};
// The CLI: code that modules import dynamically (the config validator and zod, the trace, the schema printer …)
// stays in the file but runs only when imported; V8 compiles a function only when it first runs, and the code cache
// holds what earlier runs compiled.
await build({
  ...common,
  entryPoints: [path.join(dist, 'src/cli/main.js')],
  outfile: path.join(dist, 'cli.cjs'),
  format: 'cjs',
  plugins: [requiredPackages, lazyBuiltins(Object.keys(LAZY_BUILTINS)), chunkedPackages, lazyPackages, ...common.plugins],
  // Modules find files beside them (the worker, the package's root) from import.meta.url: the bundle's own URL.
  define: { 'import.meta.url': '__migralintUrl' },
  banner: { js: "var __migralintUrl = require('node:url').pathToFileURL(__filename).href;" },
});
/**
 * A built-in module imported whole (`import path from 'node:path'`) is wrapped by esbuild for each module that imports
 * it: a copy of its exports, a getter per property, made when that module is first run (48 copies of node:path's, 1
 * ms of each start-up). The CLI's modules share one copy of each instead, made on first use. The build fails if the
 * bundle no longer has esbuild's helper this goes before.
 */
function oneCopyOfBuiltins(file) {
  const text = readFileSync(file, 'utf8');
  const helper = 'var __toESM = (mod, isNodeMode, target) => ';
  if (text.split(helper).length !== 2) throw new Error(`bundle-cli: ${file} no longer has esbuild's __toESM helper`);
  const shared = [
    'var __builtinCopies = /* @__PURE__ */ new Map();\n',
    'var __toESMBuiltin = (id) => {\n',
    '  let copy = __builtinCopies.get(id);\n',
    '  if (!copy) __builtinCopies.set(id, (copy = __toESM(require(id), 1)));\n',
    '  return copy;\n',
    '};\n',
    helper,
  ].join('');
  writeFileSync(file, text.replace(helper, shared).replace(/__toESM\(require\(("node:[\w/]+")\), 1\)/g, '__toESMBuiltin($1)'));
}
oneCopyOfBuiltins(path.join(dist, 'cli.cjs'));
asciiOnly(path.join(dist, 'cli.cjs'));
/**
 * The bundle's last line names its text: the SHA-256 of all before it. bin/migralint.js keys V8's compiled code of
 * the bundle by it (and the file's stat), instead of hashing 2.7 MB on every run (about 8 ms of CPU).
 */
function stampBuildId(file) {
  const text = readFileSync(file, 'latin1');
  appendFileSync(file, `//# migralintBuild=${createHash('sha256').update(text, 'latin1').digest('hex')}\n`);
}
stampBuildId(path.join(dist, 'cli.cjs'));
// The CLI's chunks, each a CommonJS file that exports the package.
for (const [name, contents] of Object.entries(CHUNKS)) {
  const outfile = path.join(dist, `${name}.cjs`);
  await build({
    ...common,
    stdin: { contents, resolveDir: new URL('..', import.meta.url).pathname, loader: 'js' },
    outfile,
    format: 'cjs',
    // fdir (in tinyglobby) makes its require from import.meta.url: the chunk's own URL, as in the bundle.
    define: { 'import.meta.url': '__migralintUrl' },
    banner: { js: "var __migralintUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  asciiOnly(outfile);
  stampBuildId(outfile);
}
// The worker threads of a parallel lint (src/cli/parallel.ts) load dist/worker.cjs, through bin/worker.js: built as the
// CLI is (its chunks, its stand-ins, its build id), and kept in the code cache as the CLI is.
await build({
  ...common,
  entryPoints: [path.join(dist, 'src/cli/worker.js')],
  outfile: path.join(dist, 'worker.cjs'),
  format: 'cjs',
  plugins: [requiredPackages, lazyBuiltins(['node:module']), chunkedPackages, lazyPackages, ...common.plugins],
  define: { 'import.meta.url': '__migralintUrl' },
  banner: { js: "var __migralintUrl = require('node:url').pathToFileURL(__filename).href;" },
});
oneCopyOfBuiltins(path.join(dist, 'worker.cjs'));
asciiOnly(path.join(dist, 'worker.cjs'));
stampBuildId(path.join(dist, 'worker.cjs'));
