// Bundles the CLI (dist/src/cli/main.js and everything it imports) into one file, dist/cli.js: resolving and
// loading ~150 ES modules one by one is most of a one-file lint's start-up time. Packages that load WASM or native
// code from their own folder (PostgreSQL's parser, tree-sitter, oxc) and the database driver stay external.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * An ES module's imports all load before it runs, wherever they are written, so an external package imported by
 * any bundled module loads with every run. Importing PostgreSQL's parser starts compiling its 1.7 MB of WASM, and
 * oxc-parser loads a native binding: a run whose files all come from the cache needs neither. Each is replaced
 * by a stand-in that requires the package on first use (its sync functions throw, as the package's own do, until
 * loadModule() has been awaited).
 */
const LAZY = {
  'libpg-query': ['loadModule', 'parseSync', 'scanSync', 'parsePlPgSQLSync'],
  'oxc-parser': ['parseSync'],
};
const lazyPackages = {
  name: 'lazy-packages',
  setup(b) {
    b.onResolve({ filter: /^(libpg-query|oxc-parser)$/ }, (args) =>
      args.namespace === 'lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      loader: 'js',
      contents: [
        'let lib;',
        `const load = () => (lib ??= require(${JSON.stringify(args.path)}));`,
        ...LAZY[args.path].map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
      ].join('\n'),
    }));
  },
};

// The worker threads of a parallel lint (src/cli/parallel.ts) load dist/worker.js, bundled with it. Code that
// modules import dynamically (the config validator and zod, the trace, the schema printer …) goes into chunks
// beside them (dist/chunk-*.js), loaded only by the runs that need it: V8 reads all of a file's text before
// running any of it, and zod alone was 0.8 MB of a 2 MB bundle that every lint compiled.
const dist = new URL('../dist/', import.meta.url).pathname;
for (const f of readdirSync(dist)) if (/^chunk-.*\.js$/.test(f)) rmSync(path.join(dist, f));
await build({
  entryPoints: { cli: path.join(dist, 'src/cli/main.js'), worker: path.join(dist, 'src/cli/worker.js') },
  outdir: dist,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['web-tree-sitter', 'tree-sitter-python', 'tree-sitter-ruby', 'pg'],
  plugins: [lazyPackages],
  // Bundled CommonJS packages (yargs' helpers) call require(); give the ES modules one.
  banner: { js: "import { createRequire as __migralintRequire } from 'node:module'; const require = __migralintRequire(import.meta.url);" },
  logLevel: 'warning',
});
