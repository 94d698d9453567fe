// Builds the playground (playground/) into dist/playground/: a static page that runs migralint's core in a Web
// Worker, with PostgreSQL's parser and the Python grammar as WebAssembly next to the worker. No request leaves the
// page at run time. Node built-ins the core imports are replaced by the playground's in-memory versions
// (playground/shims/); oxc-parser (native) by typescript-eslint's ESTree parser.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The output folder: dist/playground/, or the folder given as the first argument (the browser test builds into a temp folder).
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'playground'));
const require = createRequire(import.meta.url);
const shim = (name) => path.join(root, 'playground', 'shims', name);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Other Node built-ins are imported by code that runs only under Node (emscripten's and TypeScript's environment
// checks, typescript-estree's project service, which the playground never asks for): an empty module stands in.
const nodeBuiltinsUnused = {
  name: 'node-builtins-unused',
  setup(b) {
    const replaced = {
      'node:fs': shim('fs.ts'),
      'node:module': shim('module.ts'),
      'node:path': require.resolve('path-browserify'),
      'node:crypto': shim('crypto.ts'),
      'oxc-parser': shim('oxc-parser.ts'),
    };
    b.onResolve({ filter: /^(node:fs|node:module|node:path|node:crypto|oxc-parser)$/ }, (args) => ({ path: replaced[args.path] }));
    b.onResolve(
      { filter: /^(node:)?(fs|path|os|url|util|crypto|module|perf_hooks|inspector|process|events|stream|assert|tty|worker_threads|child_process)(\/.*)?$/ },
      (args) => ({ path: args.path, namespace: 'node-builtin-unused' }),
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin-unused' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: process.env.PLAYGROUND_DEBUG !== '1',
  sourcemap: false,
  logLevel: 'warning',
  legalComments: 'linked',
};

await build({ ...common, entryPoints: [path.join(root, 'playground', 'app.ts')], outfile: path.join(out, 'app.js') });
await build({
  ...common,
  entryPoints: [path.join(root, 'playground', 'worker.ts')],
  outfile: path.join(out, 'worker.js'),
  plugins: [nodeBuiltinsUnused],
  inject: [shim('buffer-global.ts')],
  // A few libraries read process.env / process.cwd() at load time; this is the browser's answer (no Node).
  banner: { js: "globalThis.process ??= { env: {}, argv: [], browser: true, versions: {}, platform: 'browser', cwd: () => '/' };" },
  define: { 'process.env.NODE_ENV': '"production"' },
});

copyFileSync(path.join(root, 'playground', 'index.html'), path.join(out, 'index.html'));
copyFileSync(path.join(root, 'playground', 'playground.css'), path.join(out, 'playground.css'));
for (const wasm of ['libpg-query/wasm/libpg-query.wasm', 'web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  copyFileSync(require.resolve(wasm), path.join(out, path.basename(wasm)));
}

let total = 0;
for (const f of readdirSync(out)) total += statSync(path.join(out, f)).size;
console.log(`playground: ${path.relative(process.cwd(), out) || '.'} (${(total / 1024 / 1024).toFixed(2)} MB with WASM)`);
