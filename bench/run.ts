// npm run bench: end-to-end speed of the built CLI (not a test: numbers, not pass/fail). First the real-world
// comparison with Squawk (bench/real-world.ts), then generated corpora per language.
// BENCH_RUNS=n sets the runs per figure (median reported); MIGRALINT_BENCH_REAL=<folder> adds a larger local set
// of real migrations (every .sql file under it) to the comparison.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLaravelCorpus, writeLiquibaseCorpus } from './framework-corpus.js';
import { writeEctoCorpus, writeEfCoreCorpus } from './ecto-efcore-corpus.js';
import { writeJsCorpus } from './js-corpus.js';
import { writePythonCorpus } from './python-corpus.js';
import { writeSqlCorpus } from './sql-corpus.js';
import { writeTraceHistory } from './trace-history.js';
import { compareOnFiles, installSquawk, oneFile, scaling, sqlFiles } from './real-world.js';
import { filesPerLanguage, oneFileInHistory } from './history.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'migralint.js');
if (!existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
const work = path.join(root, '.bench');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

/** Runs the CLI under /usr/bin/time when present, for peak RSS; wall time measured here. */
function timeCli(args: string[]): { ms: number; rssMB?: number; code: number | null } {
  const hasTime = existsSync('/usr/bin/time');
  const cmd = hasTime ? '/usr/bin/time' : process.execPath;
  // Lint runs measure cold throughput: without --no-cache they would read and grow the user's default cache, and each
  // corpus would pay for the ones before it.
  const cliArgs = args[0] === 'trace' ? args : [...args, '--no-cache'];
  const argv = hasTime ? ['-f', '%M', process.execPath, bin, ...cliArgs] : [bin, ...cliArgs];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const kb = hasTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, rssMB: Number.isFinite(kb) ? kb / 1024 : undefined, code: r.status };
}

function report(name: string, stats: { files: number; statements: number; bytes: number }, run: { ms: number; rssMB?: number; code: number | null }) {
  const s = run.ms / 1000;
  console.log(
    `${name.padEnd(10)} ${stats.files} files${Number.isNaN(stats.statements) ? '' : `, ${stats.statements} statements`}, ${(stats.bytes / 1e6).toFixed(2)} MB in ${s.toFixed(2)} s: ` +
      `${(stats.files / s).toFixed(0)} files/s, ${(stats.bytes / 1e6 / s).toFixed(2)} MB/s${Number.isNaN(stats.statements) ? '' : `, ${(stats.statements / s).toFixed(0)} statements/s`}, ` +
      `peak RSS ${run.rssMB ? `${run.rssMB.toFixed(0)} MB` : 'n/a'} (exit ${run.code})`,
  );
}

console.log(`migralint bench on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);

const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout;
const real = { root, bin, work, runs: Number(process.env.BENCH_RUNS) || 5, cache: help.includes('--cache-location') };
const squawk = installSquawk();
if (squawk.error) console.log(`squawk: not available (${squawk.error}); migralint figures only`);
const realDir = path.join(root, 'bench', 'real');
compareOnFiles('real-world (bench/real)', sqlFiles(realDir), real, squawk.bin);
const extra = process.env.MIGRALINT_BENCH_REAL;
if (extra) compareOnFiles(`real-world (${extra})`, sqlFiles(path.resolve(extra)), real, squawk.bin);
oneFile(real);
oneFileInHistory(real);
filesPerLanguage(real);
scaling(realDir, real);
if (process.env.BENCH_QUICK) process.exit(0);

const sqlDir = path.join(work, 'sql');
const sql = writeSqlCorpus(sqlDir);
report('sql', sql, timeCli([sqlDir, '--format', 'json', '--output-file', path.join(work, 'sql.json')]));

const jsDir = path.join(work, 'js');
const js = writeJsCorpus(jsDir);
report('js/ts', { files: js.files, statements: NaN, bytes: js.bytes }, timeCli([jsDir, '--format', 'json', '--output-file', path.join(work, 'js.json')]));

const pyDir = path.join(work, 'python');
const py = writePythonCorpus(pyDir);
const pyBytes = py.files.reduce((n, f) => n + statSync(f).size, 0);
report(
  'python',
  { files: py.files.length, statements: NaN, bytes: pyBytes },
  timeCli([pyDir, '--format', 'json', '--output-file', path.join(work, 'python.json')]),
);

const lbDir = path.join(work, 'liquibase');
const lb = writeLiquibaseCorpus(lbDir);
report(
  'liquibase',
  { files: lb.files.length, statements: NaN, bytes: lb.bytes },
  timeCli([lbDir, '--format', 'json', '--output-file', path.join(work, 'liquibase.json')]),
);

const phpDir = path.join(work, 'laravel');
const php = writeLaravelCorpus(phpDir);
report(
  'php',
  { files: php.files.length, statements: NaN, bytes: php.bytes },
  timeCli([phpDir, '--format', 'json', '--output-file', path.join(work, 'laravel.json')]),
);

const exDir = path.join(work, 'ecto');
report('ecto', { ...writeEctoCorpus(exDir), statements: NaN }, timeCli([exDir, '--format', 'json', '--output-file', path.join(work, 'ecto.json')]));

const csDir = path.join(work, 'ef-core');
report('ef-core', { ...writeEfCoreCorpus(csDir), statements: NaN }, timeCli([csDir, '--format', 'json', '--output-file', path.join(work, 'ef-core.json')]));

// ESLint, warm: re-linting one 300-line migration after an edit (the editor case), in its own process.
const es = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'eslint.ts'), path.join(work, 'eslint')], { encoding: 'utf8' });
if (es.status === 0) {
  const r = JSON.parse(es.stdout.trim().split('\n').pop()!);
  console.log(`eslint     re-lint of a ${r.lines}-line migration after an edit, warm: median ${r.medianMs.toFixed(1)} ms, p90 ${r.p90Ms.toFixed(1)} ms`);
} else console.log(`eslint     failed: ${es.stderr.slice(0, 500)}`);

// migralint trace: a 300-migration goose history on the embedded PostgreSQL (start-up and clean-up included).
const traceDir = path.join(work, 'trace', 'db', 'migrations');
const history = writeTraceHistory(traceDir, 300);
const tr = timeCli(['trace', path.join(work, 'trace'), '--format', 'json']);
console.log(
  `trace      ${history.files} migrations, ${history.statements} statements in ${(tr.ms / 1000).toFixed(2)} s (embedded server start and removal included), peak RSS ${tr.rssMB ? `${tr.rssMB.toFixed(0)} MB` : 'n/a'} (exit ${tr.code})`,
);
