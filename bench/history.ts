// Two parts of `npm run bench` about what a run costs per file:
// - one file in a big project: the pre-commit case in a generated 2,000-migration history (every migration before the file
//   is replayed into the catalog it meets), cold and with the history in the cache, against the same file alone;
// - files/s per language: the framework fixtures (fixtures/frameworks/*), grouped by the language of the files
//   migralint lints in each, copied until each language has a few hundred files. A framework added to the fixtures
//   shows up here without editing the bench; a new file extension appears as its own line.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, timeCommand, type RealBenchOptions, type Timed } from './real-world.js';

const secs = (ms: number) => (ms / 1000).toFixed(2);

function summary(ts: Timed[]): { wall: number; cpu: number } {
  return { wall: median(ts.map((t) => t.ms)), cpu: median(ts.map((t) => t.cpuMs ?? NaN)) };
}

/** A deterministic random source (the corpora's generator). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A plain-SQL history shaped like real projects' (Lemmy, Harbor, kestra): most migrations create a table or change
 * one of the recent ones (a column, an index, a foreign key, a default, a backfill), a few rename or drop. Tables
 * keep tens of columns, as real ones do (bench/sql-corpus.ts adds columns to the same twelve tables, which no
 * project does for 2,000 migrations). Deterministic.
 */
export function writeHistory(dir: string, count: number, seed = 7): void {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const tables: Array<{ name: string; columns: string[] }> = [];
  const types = ['text', 'bigint', 'integer', 'boolean NOT NULL DEFAULT false', 'timestamptz', 'jsonb', 'numeric(12,2)', 'varchar(255)'];
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= count; i++) {
    const parts: string[] = [];
    const recent = tables.slice(-40);
    const choice = tables.length < 5 ? 0 : r();
    if (choice < 0.2) {
      const name = `${pick(['order', 'customer', 'invoice', 'payment', 'event', 'product', 'shipment', 'message', 'account', 'report'])}_${pick(['items', 'notes', 'history', 'links', 'settings', 'stats', 'tags'])}_${i}`;
      const columns = Array.from({ length: 3 + Math.floor(r() * 8) }, (_, k) => `c${k}_${pick(['status', 'name', 'amount', 'kind', 'ref'])}`);
      const parent = recent.length ? pick(recent) : undefined;
      parts.push(
        `CREATE TABLE ${name} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n${columns.map((c) => `  ${c} ${pick(types)},\n`).join('')}${parent ? `  ${parent.name}_id bigint REFERENCES ${parent.name} (id),\n` : ''}  created_at timestamptz NOT NULL DEFAULT now()\n);`,
      );
      if (parent) parts.push(`CREATE INDEX ${name}_${parent.name}_id_idx ON ${name} (${parent.name}_id);`);
      tables.push({ name, columns: [...columns, 'created_at'] });
    } else {
      const t = pick(recent);
      const col = pick(t.columns);
      const k = r();
      if (k < 0.35 && t.columns.length < 40) {
        const c = `added_${i}`;
        parts.push(`ALTER TABLE ${t.name} ADD COLUMN ${c} ${pick(types)};`);
        t.columns.push(c);
      } else if (k < 0.55) parts.push(`CREATE INDEX ${r() < 0.5 ? 'CONCURRENTLY ' : ''}${t.name}_${col}_${i}_idx ON ${t.name} (${col});`);
      else if (k < 0.65) parts.push(`ALTER TABLE ${t.name} ALTER COLUMN ${col} SET DEFAULT ${r() < 0.5 ? 'NULL' : "'0'"};`);
      else if (k < 0.75) parts.push(`UPDATE ${t.name} SET ${col} = NULL WHERE id < ${Math.floor(r() * 100000)};`);
      else if (k < 0.82)
        parts.push(
          `ALTER TABLE ${t.name} ADD CONSTRAINT ${t.name}_${col}_${i}_check CHECK (${col} IS NOT NULL) NOT VALID;`,
          `ALTER TABLE ${t.name} VALIDATE CONSTRAINT ${t.name}_${col}_${i}_check;`,
        );
      else if (k < 0.9 && t.columns.length > 3) {
        parts.push(`ALTER TABLE ${t.name} DROP COLUMN ${col};`);
        t.columns = t.columns.filter((c) => c !== col);
      } else if (k < 0.95) parts.push(`COMMENT ON TABLE ${t.name} IS 'Owned by the ${pick(['billing', 'import', 'sync'])} team';`);
      else
        parts.push(
          `CREATE OR REPLACE FUNCTION touch_${t.name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND;\n$$;`,
        );
    }
    writeFileSync(path.join(dir, `${String(i).padStart(5, '0')}_migration.sql`), `${parts.join('\n\n')}\n`);
  }
}

/**
 * One changed file in a 2,000-migration plain-SQL history (writeHistory), against the same file alone in an empty
 * project. Cold: nothing cached. Warm: the history is in the cache (a full lint ran before) and the file itself
 * has just changed, so it misses (each run appends a different comment to it).
 */
export function oneFileInHistory(o: RealBenchOptions, count = 2000): void {
  const project = path.join(o.work, 'history');
  const dir = path.join(project, 'db', 'migrations');
  rmSync(project, { recursive: true, force: true });
  writeHistory(dir, count);
  const name = readdirSync(dir).sort().pop()!;
  const file = path.join(dir, name);
  const alone = path.join(o.work, 'history-alone', 'db', 'migrations');
  rmSync(path.dirname(path.dirname(alone)), { recursive: true, force: true });
  mkdirSync(alone, { recursive: true });
  const original = readFileSync(file, 'utf8');
  const cache = path.join(o.work, 'history-cache');
  rmSync(cache, { recursive: true, force: true });
  if (o.cache) timeCommand(process.execPath, [o.bin, project, '--format', 'json', '--cache-location', cache]);
  const lint = (target: string, args: string[]) => timeCommand(process.execPath, [o.bin, target, '--format', 'json', ...args]);
  const cold: Timed[] = [];
  const warm: Timed[] = [];
  const single: Timed[] = [];
  for (let i = 0; i < o.runs; i++) {
    writeFileSync(file, original);
    cold.push(lint(file, o.cache ? ['--no-cache'] : []));
    if (o.cache) {
      appendFileSync(file, `-- edited (run ${i})\n`);
      warm.push(lint(file, ['--cache-location', cache]));
    }
    writeFileSync(path.join(alone, name), original);
    single.push(lint(path.join(alone, name), o.cache ? ['--no-cache'] : []));
  }
  writeFileSync(file, original);
  const c = summary(cold);
  const w = summary(warm);
  const a = summary(single);
  console.log(`one file in a big project: the last of ${count} generated SQL migrations, ${o.runs} runs each, interleaved`);
  console.log(`  alone (the file in an empty project):                 wall median ${secs(a.wall)} s, cpu median ${secs(a.cpu)} s`);
  console.log(
    `  in the history, cold (nothing cached):                wall median ${secs(c.wall)} s, cpu median ${secs(c.cpu)} s = ${(c.cpu / a.cpu).toFixed(2)}× alone (cpu)`,
  );
  if (o.cache)
    console.log(
      `  in the history, warm (history cached, file changed): wall median ${secs(w.wall)} s, cpu median ${secs(w.cpu)} s = ${(w.cpu / a.cpu).toFixed(2)}× alone (cpu), ${(w.wall / a.wall).toFixed(2)}× (wall) (target ≤ 2)`,
    );
}

/** The language of a file migralint lints, by extension; an extension not listed is its own language. */
const LANGUAGES: Record<string, string> = {
  sql: 'SQL',
  py: 'Python',
  js: 'JS/TS',
  mjs: 'JS/TS',
  cjs: 'JS/TS',
  ts: 'JS/TS',
  mts: 'JS/TS',
  cts: 'JS/TS',
  rb: 'Ruby',
};
const languageOf = (file: string) => {
  const ext = path.extname(file).slice(1).toLowerCase();
  return LANGUAGES[ext] ?? (ext || 'no extension');
};

interface Linted {
  filePath: string;
  skipped?: string;
}

/** Files/s per language over copies of the framework fixtures (cold, no cache). */
export function filesPerLanguage(o: RealBenchOptions, perLanguage = 300): void {
  const fixtures = path.join(o.root, 'fixtures', 'frameworks');
  // What migralint lints in each framework's fixture, and in which language.
  const byLanguage = new Map<string, Array<{ framework: string; files: string[] }>>();
  for (const fw of readdirSync(fixtures).sort()) {
    const dir = path.join(fixtures, fw);
    if (!statSync(dir).isDirectory()) continue;
    const r = spawnSync(process.execPath, [o.bin, dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    let results: Linted[];
    try {
      results = (JSON.parse(r.stdout) as Linted[]).filter((x) => !x.skipped);
    } catch {
      console.log(`  ${fw}: no JSON report (exit ${r.status}), left out`);
      continue;
    }
    const counts = new Map<string, string[]>();
    for (const x of results) counts.set(languageOf(x.filePath), [...(counts.get(languageOf(x.filePath)) ?? []), x.filePath]);
    for (const [lang, files] of counts) byLanguage.set(lang, [...(byLanguage.get(lang) ?? []), { framework: fw, files }]);
  }
  console.log(`files/s per language (framework fixtures copied to about ${perLanguage} files each, cold, --no-cache, ${o.runs} runs each):`);
  for (const [lang, sets] of [...byLanguage].sort()) {
    const per = sets.reduce((n, s) => n + s.files.length, 0);
    const copies = Math.max(1, Math.ceil(perLanguage / per));
    const dir = path.join(o.work, 'languages', lang.replace(/\W+/g, '-'));
    rmSync(dir, { recursive: true, force: true });
    const targets: string[] = [];
    let bytes = 0;
    for (let i = 0; i < copies; i++) {
      for (const s of sets) {
        const copy = path.join(dir, `copy-${i}`, s.framework);
        cpSync(path.join(fixtures, s.framework), copy, { recursive: true });
        // Only this language's files are named: a framework's other files (Rails' schema.sql) are linted with theirs.
        for (const f of s.files) {
          const target = path.join(copy, path.relative(path.join(fixtures, s.framework), f));
          targets.push(target);
          bytes += statSync(target).size;
        }
      }
    }
    const ts: Timed[] = [];
    for (let i = 0; i < o.runs; i++) ts.push(timeCommand(process.execPath, [o.bin, '--format', 'json', '--no-cache', ...targets]));
    const { wall, cpu } = summary(ts);
    const frameworks = sets.map((s) => s.framework).join(', ');
    console.log(
      `  ${lang.padEnd(8)} ${String(targets.length).padStart(5)} files, ${(bytes / 1e6).toFixed(2)} MB: wall median ${secs(wall)} s = ${(targets.length / (wall / 1000)).toFixed(0)} files/s, cpu median ${secs(cpu)} s = ${(targets.length / (cpu / 1000)).toFixed(0)} files/s per CPU second (${frameworks})`,
    );
  }
}
