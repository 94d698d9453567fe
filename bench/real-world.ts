// The real-world part of `npm run bench`: migralint against Squawk 2.66 on the same SQL files of public projects,
// cold and warm (cached), the one-file case against bare node, and linear scaling with peak RSS.
// Timings on a shared machine are noisy: every figure is the median of BENCH_RUNS runs (default 5), with the
// tools interleaved so they share the same noise.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Timed {
  ms: number;
  /** User + system CPU time (from /usr/bin/time): less sensitive than wall time to a busy machine. */
  cpuMs?: number;
  rssMB?: number;
  code: number | null;
}

const hasTime = existsSync('/usr/bin/time');

/** Runs a command (wall time measured here; peak RSS from /usr/bin/time when present). */
export function timeCommand(cmd: string, args: string[], cwd?: string): Timed {
  const file = hasTime ? '/usr/bin/time' : cmd;
  const argv = hasTime ? ['-f', '%M %U %S', cmd, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 1 << 30, cwd });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const [kb, user, sys] = hasTime ? r.stderr.trim().split('\n').pop()!.split(' ').map(Number) : [NaN, NaN, NaN];
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} … exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return { ms, cpuMs: Number.isFinite(user! + sys!) ? (user! + sys!) * 1000 : undefined, rssMB: Number.isFinite(kb) ? kb! / 1024 : undefined, code: r.status };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Every .sql file under dir, sorted (the SQL files both tools lint). */
export function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
      } else if (e.isFile() && /\.sql$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Installs squawk-cli@2.66.0 into a temp folder once (npm only); its binary path, or an error message. */
export function installSquawk(): { bin?: string; error?: string } {
  const dir = path.join(os.tmpdir(), 'migralint-bench-squawk-2.66.0');
  const bin = path.join(dir, 'node_modules', '.bin', 'squawk');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"name":"bench-squawk","private":true}\n');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--silent', 'squawk-cli@2.66.0'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) return { error: `npm install squawk-cli@2.66.0 failed: ${r.stderr.slice(0, 300)}` };
  }
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !/2\.66\.0/.test(v.stdout)) return { error: `squawk --version: ${v.stdout}${v.stderr}`.trim() };
  return { bin };
}

/** bench/parser-floor.mjs: Node, PostgreSQL's parser and nothing else, on the same files (the floor of any cold run). */
const PARSER_FLOOR = path.join(import.meta.dirname, 'parser-floor.mjs');

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
const secs = (ms: number) => (ms / 1000).toFixed(2);

export interface RealBenchOptions {
  root: string;
  bin: string;
  work: string;
  runs: number;
  /** Whether the CLI has --cache-location (warm runs). */
  cache: boolean;
}

/** migralint cold, warm and Squawk on one set of SQL files; prints one line each and the ratios. */
export function compareOnFiles(label: string, files: string[], o: RealBenchOptions, squawk: string | undefined): void {
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const cacheDir = path.join(o.work, `cache-${label.replace(/\W+/g, '-')}`);
  const ml = (cacheArgs: string[]) => timeCommand(process.execPath, [o.bin, '--format', 'json', ...cacheArgs, ...files]);
  const coldArgs = () => {
    if (!o.cache) return [];
    rmSync(cacheDir, { recursive: true, force: true });
    return ['--cache-location', cacheDir];
  };
  const cold: Timed[] = [];
  const warm: Timed[] = [];
  const sq: Timed[] = [];
  const floor: Timed[] = [];
  for (let i = 0; i < o.runs; i++) {
    cold.push(ml(coldArgs()));
    if (o.cache) warm.push(ml(['--cache-location', cacheDir]));
    if (squawk) sq.push(timeCommand(squawk, ['--reporter', 'json', ...files]));
    floor.push(timeCommand(process.execPath, [PARSER_FLOOR, ...files], o.root));
  }
  const line = (name: string, ts: Timed[]): [number, number] => {
    const ms = median(ts.map((t) => t.ms));
    const cpu = median(ts.map((t) => t.cpuMs ?? NaN));
    const rss = median(ts.map((t) => t.rssMB ?? NaN));
    console.log(
      `  ${name.padEnd(16)} wall median ${secs(ms)} s (min ${secs(Math.min(...ts.map((t) => t.ms)))}, max ${secs(Math.max(...ts.map((t) => t.ms)))}), cpu median ${Number.isNaN(cpu) ? 'n/a' : `${secs(cpu)} s`}, ${(bytes / 1e6 / (ms / 1000)).toFixed(2)} MB/s wall, peak RSS ${Number.isNaN(rss) ? 'n/a' : `${rss.toFixed(0)} MB`}`,
    );
    return [ms, cpu];
  };
  console.log(`${label}: ${files.length} SQL files, ${mb(bytes)} MB, ${o.runs} runs each, interleaved`);
  const c = line('migralint cold', cold);
  const w = o.cache ? line('migralint warm', warm) : [NaN, NaN];
  const s = squawk ? line('squawk 2.66.0', sq) : [NaN, NaN];
  const f = line('parser alone', floor);
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  if (squawk) {
    console.log(`  parser alone / squawk (PostgreSQL's parser over every core, nothing else): wall ${ratio(f[0], s[0])}, cpu ${ratio(f[1], s[1])}`);
    console.log(`  ratio migralint/squawk, wall: cold ${ratio(c[0], s[0])} (target ≤ 1.0)${o.cache ? `, warm ${ratio(w[0]!, s[0])} (target ≤ 0.2)` : ''}`);
    console.log(`  ratio migralint/squawk, cpu:  cold ${ratio(c[1], s[1])}${o.cache ? `, warm ${ratio(w[1]!, s[1])}` : ''}`);
  }
}

/** The real-world set copied 1×, 4× and 16×: wall time and peak RSS should grow linearly (cold, no cache). */
export function scaling(source: string, o: RealBenchOptions): void {
  console.log(`scaling (cold${o.cache ? ', --no-cache' : ''}), copies of ${path.relative(o.root, source)}:`);
  let base: number | undefined;
  for (const n of [1, 4, 16]) {
    const dir = path.join(o.work, `scale-${n}x`);
    rmSync(dir, { recursive: true, force: true });
    for (let i = 0; i < n; i++) cpSync(source, path.join(dir, `copy-${i}`), { recursive: true });
    const files = sqlFiles(dir);
    const bytes = files.reduce((k, f) => k + statSync(f).size, 0);
    const ts: Timed[] = [];
    for (let i = 0; i < o.runs; i++) ts.push(timeCommand(process.execPath, [o.bin, dir, '--format', 'json', ...(o.cache ? ['--no-cache'] : [])]));
    const ms = median(ts.map((t) => t.ms));
    const cpu = median(ts.map((t) => t.cpuMs ?? NaN));
    const rss = Math.max(...ts.map((t) => t.rssMB ?? NaN));
    base ??= cpu / n;
    console.log(
      `  ${`${n}×`.padEnd(4)} ${String(files.length).padStart(5)} files, ${mb(bytes).padStart(6)} MB: wall median ${secs(ms)} s, cpu median ${secs(cpu)} s = ${(cpu / n).toFixed(0)} ms per copy (${((cpu / n / base) * 100).toFixed(0)}% of 1×), peak RSS ${Number.isNaN(rss) ? 'n/a' : `${rss.toFixed(0)} MB`}`,
    );
  }
}

/**
 * The pre-commit case: one file, process start to exit, against bare `node -e 0`, interleaved. As a hook runs it:
 * the default cache, where V8's compiled code of the CLI is kept (bin/migralint.js), and a file not linted before
 * (each run lints new text, so no lint result comes from the cache; the first run, which stores the compiled code,
 * is not counted). Also with --no-cache: nothing kept, everything compiled.
 */
export function oneFile(o: RealBenchOptions): void {
  const dir = path.join(o.work, 'one-file');
  const cache = path.join(dir, 'cache');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const one = path.join(dir, 'one.sql');
  const lint = (i: number, cacheArgs: string[]) => {
    writeFileSync(one, `-- run ${i}\nCREATE INDEX idx_orders_created ON orders (created_at);\n`);
    return timeCommand(process.execPath, [o.bin, one, '--format', 'json', ...cacheArgs]);
  };
  const cached = o.cache ? ['--cache-location', cache] : [];
  lint(-1, cached);
  const node: Timed[] = [];
  const ml: Timed[] = [];
  const none: Timed[] = [];
  const runs = Math.max(o.runs, 7);
  for (let i = 0; i < runs; i++) {
    node.push(timeCommand(process.execPath, ['-e', '0']));
    ml.push(lint(i, cached));
    if (o.cache) none.push(lint(i, ['--no-cache']));
  }
  const n = median(node.map((t) => t.ms));
  const nc = median(node.map((t) => t.cpuMs ?? NaN));
  const line = (label: string, ts: Timed[]) => {
    const m = median(ts.map((t) => t.ms));
    const mc = median(ts.map((t) => t.cpuMs ?? NaN));
    console.log(
      `  ${label.padEnd(26)} wall median ${m.toFixed(0)} ms (node -e 0 ${n.toFixed(0)} ms): adds ${(m - n).toFixed(0)} ms (target ≤ 60); cpu ${mc.toFixed(0)} ms (node ${nc.toFixed(0)} ms): adds ${(mc - nc).toFixed(0)} ms`,
    );
  };
  console.log(`one file, a new one each run (${runs} runs each, interleaved with node -e 0):`);
  line(o.cache ? 'default (code cache kept)' : 'migralint', ml);
  if (o.cache) line('--no-cache', none);
}
