// What `npm test` runs before the tests: the type check (tsconfig.json: the code, the tests, the playground), ESLint,
// Prettier's check and the build, side by side on the machine's cores instead of one after another. Each does what
// its npm script does (typecheck and build together, in one program; lint; format:check), with one difference that
// changes no result: each checker keeps its cache under node_modules/.cache/migralint-checks/ (tsc's build info, ESLint's and Prettier's caches keyed by
// file content), so a re-run checks only what changed. A clean clone starts without one.
// Each command's output is printed when it ends, in one piece; the exit code is 1 when any of them failed.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = (name) => path.join('node_modules', '.cache', 'migralint-checks', name);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

// Longest first (CPU seconds on a 2-core machine, cold: the type check with the build ~45, Prettier ~30, ESLint ~25).
// The type check and the build's compile are one TypeScript program (scripts/tsc-checks.mjs: each file parsed and
// checked once, not once per tsconfig; the same errors as `npm run typecheck`, the same dist/ as `npm run build`).
const CHECKS = [
  {
    name: 'typecheck, build',
    argv: [process.execPath, path.join(root, 'scripts', 'tsc-checks.mjs'), cache('tsc.tsbuildinfo')],
    then: [process.execPath, path.join(root, 'scripts', 'bundle-cli.mjs')],
  },
  { name: 'format:check', argv: [bin('prettier'), '--check', '.', '--cache', '--cache-strategy', 'content', '--cache-location', cache('prettier')] },
  { name: 'lint', argv: [bin('eslint'), '.', '--cache', '--cache-strategy', 'content', '--cache-location', cache('eslint')] },
];

function run(argv) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', (error) => resolve({ code: 1, out: `${out}${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? 1, out: signal ? `${out}killed by ${signal}\n` : out }));
  });
}

async function check({ name, argv, then }) {
  const started = Date.now();
  let r = await run(argv);
  if (r.code === 0 && then) {
    const next = await run(then);
    r = { code: next.code, out: r.out + next.out };
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${r.code === 0 ? '✓' : '✗'} ${name} (${seconds} s)\n${r.out ? `${r.out.trimEnd()}\n` : ''}`);
  return r.code === 0;
}

const queue = [...CHECKS];
const jobs = Math.max(2, availableParallelism());
const results = await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    const ok = [];
    for (let next = queue.shift(); next; next = queue.shift()) ok.push(await check(next));
    return ok.every(Boolean);
  }),
);
if (!results.every(Boolean)) {
  process.stderr.write('checks: failed (see above)\n');
  process.exitCode = 1;
}
