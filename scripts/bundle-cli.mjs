// Bundles the CLI (dist/src/cli/main.js and everything it imports) into one file, dist/cli.js: resolving and
// loading ~150 ES modules one by one is most of a one-file lint's start-up time. Packages that load WASM or native
// code from their own folder (PostgreSQL's parser, tree-sitter, oxc) and the database driver stay external.
import { build } from 'esbuild';

// The worker threads of a parallel lint (src/cli/parallel.ts) load dist/worker.js, bundled the same way.
for (const [entry, out] of [['main.js', 'cli.js'], ['worker.js', 'worker.js']]) {
  await build({
    entryPoints: [new URL(`../dist/src/cli/${entry}`, import.meta.url).pathname],
    outfile: new URL(`../dist/${out}`, import.meta.url).pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['libpg-query', 'web-tree-sitter', 'tree-sitter-python', 'tree-sitter-ruby', 'oxc-parser', 'pg'],
    // Bundled CommonJS packages (yargs' helpers) call require(); give the ES module one.
    banner: { js: "import { createRequire as __migralintRequire } from 'node:module'; const require = __migralintRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
