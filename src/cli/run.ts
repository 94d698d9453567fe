import { createHash, hash as oneHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALL_RULE_META, RULES_BY_ID, ENGINE_RULE_IDS } from '../../rules/index.js';
import { appliedFiles, readAppliedHistory } from '../catalog/applied.js';
import { Catalog } from '../catalog/catalog.js';
import { StatsError } from '../catalog/database.js';
import { ConfigError, ConfigResolver, type LoadedConfig } from '../config/load.js';
import { frameworkFromConfig, settingsFromConfig, severitiesFromConfig } from '../config/options.js';
import { SEVERITIES } from '../config/severities.js';
import { diskFileSystem } from '../disk.js';
import type { CachedFileSystem } from '../fs.js';
import { fixToFixedPoint, type FixType } from '../engine/apply.js';
import { lintSource, withPending, type LintOptions, type ModelOptions } from '../engine/lint.js';
import { deltaHash, ProjectHistory, replaySource, type PlannedFile, type Recognised } from '../project/history.js';
import type { SchemaDelta } from '../project/model.js';
import { packDelta, type PackedDelta } from '../project/delta-change.js';
import { historyFolders } from '../project/order.js';
import type { LintSettings } from '../engine/rule.js';
import { format as githubAnnotations } from '../report/github.js';
import { FORMATTERS, MACHINE_FORMATS } from '../report/index.js';
import type { Formatter } from '../report/types.js';
import { knownFrameworks } from '../sources/index.js';
import { loadParsersFor } from '../engine/lint-text.js';
import { loadParser } from '../sql/parse.js';
import type { FileResult, FrameworkId, SeverityName, SkippedFile, SourceFile } from '../types.js';
import { configClaims, discover, skippedNote, type Discovery } from './discover.js';
import { decodeSource, InputError, readSourceAndBytes } from './read.js';
import { selectFiles, type Selection } from './select.js';
import { WriteRefused, writeFixed } from './write.js';
import type { TraceReport } from '../trace/trace.js';
import { migralintVersion } from '../version.js';
import { resolvePath } from '../paths.js';
import { SizeLoader } from './stats.js';
import { HistoryCheckpoints } from './checkpoint.js';
import { bytesHash, cacheKey, fileStat, LintCache, runInputKey, type FileStat, type RunSummary } from './cache.js';
import { lintRecording, mayShare, recordingFs, shard, startWorkers, threadCount, type Done, type Started, type Step, type Unit } from './parallel.js';
import { defaultBranchFiles, stagedContent } from './git.js';

export interface LintRun {
  paths: string[];
  cwd: string;
  config?: string;
  format: string;
  outputFile?: string;
  fix?: boolean;
  fixDryRun?: boolean;
  fixType?: FixType[];
  rule?: string[];
  pgVersion?: number;
  framework?: string;
  maxWarnings?: number;
  quiet?: boolean;
  color: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  includeDown?: boolean;
  changedSince?: string;
  staged?: boolean;
  databaseUrl?: string;
  stats?: string;
  statsOptional?: boolean;
  /** The lint cache: on unless false (the CLI default is on; the programmatic default too). */
  cache?: boolean;
  /** The cache's directory (default: node_modules/.cache/migralint under cwd, see defaultCacheDir). */
  cacheLocation?: string;
  /** Environment (GITHUB_ACTIONS, MIGRALINT_DATABASE_URL); default process.env. */
  env?: Record<string, string | undefined>;
  /** `trace --format markdown`: the trace of these migrations, for the review's lock picture. */
  trace?: TraceReport;
}

export interface IO {
  stdout: (s: string) => void;
  /** Text already in UTF-8 (a report kept in the cache), written as it is; else it goes through `stdout`. */
  stdoutBytes?: (b: Uint8Array) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<Buffer>;
  /** The environment the run reads (NO_COLOR, FORCE_COLOR, GITHUB_ACTIONS, MIGRALINT_DATABASE_URL); default process.env. */
  env?: Record<string, string | undefined>;
}

/** A usage or config problem: one clear message, exit 2. */
export class UsageError extends Error {}

function parseRuleOptions(specs: string[] | undefined): Record<string, SeverityName> {
  const out: Record<string, SeverityName> = {};
  const known = new Set([...Object.keys(RULES_BY_ID), ...ENGINE_RULE_IDS]);
  for (const spec of specs ?? []) {
    const m = /^([a-z0-9-]+):(off|info|warn|error)$/.exec(spec.trim());
    if (!m) throw new UsageError(`--rule expects <rule-id>:<${SEVERITIES.join('|')}>, got '${spec}'`);
    if (!known.has(m[1]!)) throw new UsageError(`--rule: unknown rule '${m[1]}' (see \`migralint rules\`)`);
    out[m[1]!] = m[2] as SeverityName;
  }
  return out;
}

function checkFramework(name: string, where: string): FrameworkId {
  const known = knownFrameworks();
  if (!known.includes(name as FrameworkId)) throw new UsageError(`${where}: unknown framework '${name}'. Known: ${known.join(', ')}`);
  return name as FrameworkId;
}

interface FileSetup {
  options: LintOptions;
  /** Everything in the options a result depends on, for the cache key. */
  cacheParts: { options: unknown; sizes: string };
}

/** A config's settings, severities and catalog, and the catalog's fingerprint. */
interface Built {
  loaded: LoadedConfig;
  base: Omit<LintOptions, 'framework'>;
  sizes: string;
}

/** Per config file: settings, severities and the table catalog, built once. */
class Setups {
  private readonly keyOptions = new WeakMap<object, Map<FrameworkId | null, object>>();
  private readonly byConfig = new Map<string, Promise<Built>>();
  /** byConfig's, once built: a run asks for each of a long history's files. */
  private readonly builtByConfig = new Map<string, Built>();

  constructor(
    private readonly resolver: ConfigResolver,
    private readonly run: LintRun,
    private readonly cliSeverities: Record<string, SeverityName>,
    private readonly sizes: SizeLoader,
  ) {}

  async forFile(file: string): Promise<FileSetup> {
    // Relative to the run's folder, not the process's (main() takes a cwd of its own).
    const abs = resolvePath(this.run.cwd, file);
    const loaded = this.resolver.loadedFor(abs) ?? (await this.resolver.forFile(abs));
    const key = loaded.file ?? '(none)';
    let entry = this.byConfig.get(key);
    if (!entry) {
      entry = Promise.resolve().then(async () => {
        const c = loaded.config;
        const settings: LintSettings = {
          ...settingsFromConfig(c),
          ...(this.run.pgVersion !== undefined ? { pgVersion: this.run.pgVersion } : {}),
          includeDown: this.run.includeDown,
        };
        const severities = severitiesFromConfig(c);
        for (const id of Object.keys(severities)) {
          if (!RULES_BY_ID[id] && !ENGINE_RULE_IDS.includes(id)) throw new ConfigError(`rules: unknown rule '${id}' (see \`migralint rules\`)`, loaded.file);
        }
        for (const [glob, fw] of Object.entries(c.frameworks ?? {})) checkFramework(fw, `${loaded.file}: frameworks["${glob}"]`);
        const catalog = new Catalog();
        const env = this.run.env ?? process.env;
        const sizes = await this.sizes.load(
          {
            databaseUrl: this.run.databaseUrl,
            stats: this.run.stats,
            envDatabaseUrl: env.MIGRALINT_DATABASE_URL || undefined,
            configDatabaseUrl: c.databaseUrl,
            configStats: c.stats && path.resolve(loaded.dir, c.stats),
            optional: this.run.statsOptional,
          },
          this.run.cwd,
        );
        if (sizes) catalog.addSnapshot(sizes.snapshot, sizes.source);
        catalog.addConfig(c.tables, c.largeTables);
        return { loaded, base: { settings, severities: { ...severities, ...this.cliSeverities }, catalog }, sizes: catalog.fingerprint() };
      });
      this.byConfig.set(key, entry);
      entry.then(
        (built) => this.builtByConfig.set(key, built),
        () => undefined,
      );
    }
    const { base, sizes } = this.builtByConfig.get(key) ?? (await entry);
    const framework = this.frameworkFor(file, loaded);
    // One object per config and framework: the cache writes its JSON once (cacheKey).
    const parts = this.keyOptions.get(base) ?? new Map<FrameworkId | null, object>();
    this.keyOptions.set(base, parts);
    let keyed = parts.get(framework ?? null);
    if (!keyed) parts.set(framework ?? null, (keyed = { settings: base.settings, severities: base.severities, framework: framework ?? null }));
    return {
      options: { ...base, framework },
      cacheParts: { options: keyed, sizes },
    };
  }

  private frameworkFor(file: string, loaded: LoadedConfig): FrameworkId | undefined {
    if (this.run.framework) return checkFramework(this.run.framework, '--framework');
    return frameworkFromConfig(loaded.config, loaded.dir, resolvePath(this.run.cwd, file));
  }
}

/**
 * Where the cache lives unless --cache-location says: node_modules/.cache/migralint when the project has a
 * node_modules folder (the usual place for tools' caches), else the user's cache directory, one folder per project.
 */
export function defaultCacheDir(cwd: string): string {
  const local = path.join(cwd, 'node_modules');
  if (existsSync(local)) return path.join(local, '.cache', 'migralint');
  const home = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const project = createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 16);
  return path.join(home, 'migralint', project);
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * What a migration's lint depends on beyond its own text when it meets its history: the catalog it meets (named by
 * the history's fingerprint chain, not hashed whole: that made a long history quadratic) and the change.
 */
function modelFingerprint(model: ModelOptions, schema: string): string {
  const change = model.change ? [...model.change].sort() : null;
  return oneHash('sha256', JSON.stringify([schema, change, model.hasHistory ?? false, model.notes ?? [], model.newDatabaseOnly ?? false]), 'hex');
}

/**
 * A file linted in its project's history: the catalog it meets, that catalog's name (for cache keys: '' without the
 * cache), and where its delta goes (with its deltaHash, computed only for the cache).
 */
interface InHistory {
  model: ModelOptions;
  print: string;
  record: (delta: SchemaDelta, hash?: string) => void;
  /** A delta as the cache keeps it; false (nothing recorded) when it does not fit the catalog the file meets. */
  recordPacked: (packed: PackedDelta, hash: string) => boolean;
  /** Told the key of the file's replay in the cache, when its replay is taken from the cache or kept there. */
  keyed?: (replayKey: string) => void;
}

/** A file the cache did not answer, outside any history: where its result goes, and how to lint it. */
interface Miss {
  slot: number;
  source: SourceFile;
  options: LintOptions;
  key: string;
}

/** What the run's lints give, filled in walk order and read by the report. */
interface Outcome {
  results: FileResult[];
  /** Each result's lint-cache key ('' for one not cached), by its file, and the findings the history's end left out. */
  resultKeys: Map<string, string>;
  leftOut: Map<string, number[]>;
  problems: string[];
  linted: number;
  diffs: string[];
  fixedFiles: Array<{ path: string; applied: number; dryRun: boolean }>;
  writeFailures: number;
  /** Files the cache did not answer outside any history: linted after the walk, all together (lintMisses). */
  misses: Miss[];
}

/** The files whose parsers a miss loads (set once the run knows its files), and the load once started. */
interface Parsing {
  files: string[];
  loaded?: Promise<void>;
}

/** What every file's lint in this run shares. */
interface LintContext {
  run: LintRun;
  cache: LintCache | undefined;
  version: string;
  setups: Setups;
  disk: CachedFileSystem;
  fixTypes: FixType[];
  parsers: () => Promise<void>;
  out: Outcome;
}

/** `migralint [paths..]`: lint, fix, report. Returns the exit code. */
export async function runLint(run: LintRun, io: IO): Promise<number> {
  const formatter = FORMATTERS[run.format];
  if (!formatter) throw new UsageError(`--format: unknown format '${run.format}'. Known: ${Object.keys(FORMATTERS).join(', ')}`);
  if (run.framework) checkFramework(run.framework, '--framework');
  // Fixes computed from the staged text, written over the working tree, would drop unstaged edits.
  if (run.staged && (run.fix || run.fixDryRun)) throw new UsageError('--fix and --fix-dry-run lint the working tree; they cannot be combined with --staged');
  const cliSeverities = parseRuleOptions(run.rule);
  const resolver = new ConfigResolver(run.config);
  const setups = new Setups(resolver, run, cliSeverities, new SizeLoader((m) => io.stderr(`migralint: warning: ${m}\n`)));
  const out: Outcome = {
    results: [],
    resultKeys: new Map(),
    leftOut: new Map(),
    problems: [],
    linted: 0,
    diffs: [],
    fixedFiles: [],
    writeFailures: 0,
    misses: [],
  };

  // The disk for this run: each journal, .conf or env.py is read once, and forgotten when a fix writes it.
  const disk = diskFileSystem(run.cwd);
  // The cache serves plain lint runs over files on disk; --fix and stdin always run the pipeline.
  const cache =
    run.cache !== false && !run.fix && !run.fixDryRun && !run.stdin && run.format !== 'markdown'
      ? LintCache.open(path.resolve(run.cwd, run.cacheLocation ?? defaultCacheDir(run.cwd)))
      : undefined;
  // Without the cache every file is parsed: PostgreSQL's parser starts loading now, its WASM compiled while the run
  // finds and reads the files (a cached run may need no parser, and loads it on the first miss).
  if (!cache) loadParser().catch(() => undefined);
  const version = migralintVersion() ?? 'unknown';
  const parsing: Parsing = { files: [] };
  const parsers = () => (parsing.loaded ??= loadParsersFor(parsing.files));
  const linter = fileLinter({ run, cache, version, setups, disk, fixTypes: run.fixType ?? ['fix'], parsers, out });

  const walk: Walk = run.stdin
    ? await lintStdin(run, io, parsing, linter, out)
    : await lintFiles(run, io, { resolver, setups, disk, cache, version, parsing, linter, out });

  await lintMisses(out, cache, parsers);
  return reportRun(run, io, formatter, walk, out, cache);
}

/** How the walk went, for the report: what it found, skipped and narrowed, and the run's record. */
interface Walk {
  narrowed: boolean;
  /** Paths that named nothing (missing, a glob or directory without migrations): exit 2 however the rest went. */
  missingPaths: number;
  /** Files a walk found and left out (coverage in the reports). */
  skipped: SkippedFile[];
  /** The selected files' order, the report's. */
  rank?: Map<string, number>;
  /** The run's record is kept (LintCache.setRun) under this id, for these inputs. */
  record?: { runId: string; input: string };
  /** The report's name among the run's (format, --quiet, colour, what the walk skipped): '' when it is not kept. */
  reportKey: string;
  /** The report kept with the run's record, printed as it is. */
  printed?: { report: Buffer; summary: RunSummary };
}

/** --stdin: one file, named by --stdin-filename. */
async function lintStdin(run: LintRun, io: IO, parsing: Parsing, linter: FileLinter, out: Outcome): Promise<Walk> {
  const bytes = await io.readStdin();
  // Absolute, as the files of a walk: what lies beside the named path is read from the run's directory.
  const name = path.resolve(run.cwd, run.stdinFilename ?? 'stdin.sql');
  parsing.files = [name];
  try {
    await linter.lintOne({ ...decodeSource(name, bytes), path: name }, false);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    out.problems.push(error.message);
  }
  return { narrowed: false, missingPaths: 0, skipped: [], reportKey: '' };
}

/**
 * A lint's building blocks, for a file of the walk, one of the history's, or stdin: its cache keys, its lint (with
 * --fix, its fix and write-back), and what its replay or lint (here or in a worker) teaches the catalog.
 */
function fileLinter({ run, cache, version, setups, disk, fixTypes, parsers, out }: LintContext) {
  const { results, resultKeys } = out;
  /** A replay's cache key: what the replay reads (the file as given, its bytes, settings, framework, the catalog it meets). */
  /** The options a replay's key names, one object per settings and framework (cacheKey writes each once). */
  const replayOptions = new WeakMap<LintSettings, Map<FrameworkId | null, object>>();
  const replayOptionsOf = (options: LintOptions): object => {
    const bySettings = replayOptions.get(options.settings) ?? new Map<FrameworkId | null, object>();
    replayOptions.set(options.settings, bySettings);
    let keyed = bySettings.get(options.framework ?? null);
    if (!keyed) bySettings.set(options.framework ?? null, (keyed = { settings: options.settings, framework: options.framework ?? null }));
    return keyed;
  };
  const replayKey = (cwd: string, file: string, bytes: Uint8Array, options: LintOptions, print: string): string =>
    cache
      ? cacheKey({
          version,
          path: `${cwd}\0${file}`,
          bytes,
          options: replayOptionsOf(options),
          sizes: '',
          incomingSchema: print,
          kind: 'replay',
        })
      : '';
  /**
   * The replay of a migration the history holds: from the cache when its text, settings and incoming catalog are
   * as before, else extract → parse → replay (no analysis, no rules), then cached. Records the delta.
   */
  const replayCached = async (source: SourceFile, options: LintOptions, inHistory: InHistory, replayKey: string): Promise<void> => {
    const { model } = inHistory;
    if (replayKey) inHistory.keyed?.(replayKey);
    const stored = replayKey ? cache?.getReplay(replayKey) : undefined;
    // Applied to the catalog it meets; a stored change that does not fit it is replayed again.
    if (stored && inHistory.recordPacked(stored.packed, stored.hash)) return;
    await parsers();
    const consulted: string[] = [];
    const delta = replaySource(source, { ...options, fs: recordingFs(options.fs, consulted) }, model.schema).delta;
    keepReplayed(inHistory, replayKey, { consulted, delta });
  };
  /** What a migration's replay (here or in a worker) taught the catalog: recorded, and cached. */
  const keepReplayed = (inHistory: InHistory, replayKey: string, { consulted, delta }: Done): void => {
    if (!delta) return;
    if (!cache) return inHistory.record(delta);
    const hash = deltaHash(delta);
    const packed = replayKey ? packDelta(delta, inHistory.model.schema) : undefined;
    if (packed) cache.setReplay(replayKey, consulted, { packed, hash });
    inHistory.record(delta, hash);
  };
  /** A history file's lint (here or in a worker): what it taught the catalog is recorded, and both are cached. */
  const keepLinted = (inHistory: InHistory, key: string, replayKey: () => string, { result, consulted, delta }: Done): void => {
    if (delta) {
      const hash = cache ? deltaHash(delta) : undefined;
      inHistory.record(delta, hash);
      const replayed = replayKey();
      const packed = cache && hash && replayed ? packDelta(delta, inHistory.model.schema) : undefined;
      if (cache && hash && packed) {
        cache.setReplay(replayed, consulted, { packed, hash });
        inHistory.keyed?.(replayed);
      }
    }
    if (cache && key) cache.set(key, consulted, result!);
  };
  /** A file's cache key (with the catalog it meets, in a history), and the key of its replay; '' without the cache. */
  const keysOf = async (source: SourceFile, bytes: Uint8Array | undefined, inHistory: InHistory | undefined) => {
    const model = inHistory?.model;
    const schemaPrint = inHistory?.print;
    const { options: configured, cacheParts } = await setups.forFile(source.path);
    const options: LintOptions = { ...configured, fs: disk, ...(model ? { model } : {}) };
    // With the history, a file's result depends on the catalog the migrations before it left: its fingerprint is
    // part of the key.
    const incomingSchema = model && schemaPrint ? modelFingerprint(model, schemaPrint) : undefined;
    const key =
      cache && bytes
        ? cacheKey({
            version,
            path: `${path.resolve(run.cwd)}\0${source.path}`,
            bytes,
            ...cacheParts,
            incomingSchema,
            // A narrowed run's file meets the files of its change as new: its own slot, beside the whole run's.
            variant: model?.change ? [...model.change].sort() : null,
          })
        : '';
    const replayKeyHere = () => (bytes && schemaPrint ? replayKey(path.resolve(run.cwd), source.path, bytes, options, schemaPrint) : '');
    return { options, key, replayKeyHere };
  };
  const lintOne = async (source: SourceFile, writeBack: boolean, bytes?: Uint8Array, inHistory?: InHistory): Promise<void> => {
    const model = inHistory?.model;
    const { options, key, replayKeyHere } = await keysOf(source, bytes, inHistory);
    // A hit still moves the catalog past the file: from the replay cache, else by replaying it (extract, parse,
    // replay: no analysis, no rules), so the next migration meets what an uncached run gives it.
    const cached = key ? cache?.get(key) : undefined;
    if (cached) {
      if (inHistory) await replayCached(source, options, inHistory, replayKeyHere());
      resultKeys.set(source.path, key);
      results.push({ ...cached, filePath: source.path, source: source.text });
      out.linted++;
      return;
    }
    if (!run.fix && !run.fixDryRun && model) {
      // In history order, now: the next migration meets the catalog this one leaves.
      await parsers();
      let delta: SchemaDelta | undefined;
      const done = lintRecording(source, { ...options, model: { ...model, onDelta: (d) => void (delta = d) } });
      keepLinted(inHistory!, key, replayKeyHere, { ...done, delta });
      resultKeys.set(source.path, key);
      results.push(done.result);
      out.linted++;
      return;
    }
    if (!run.fix && !run.fixDryRun) {
      // Linted after the walk, all together.
      out.misses.push({ slot: results.length, source, options, key });
      resultKeys.set(source.path, key);
      results.push(undefined as unknown as FileResult);
      out.linted++;
      return;
    }
    await parsers();
    await fixFile(run, { disk, fixTypes, out }, source, options, writeBack);
  };
  return { replayKey, replayOptionsOf, replayCached, keepReplayed, keepLinted, keysOf, lintOne };
}

type FileLinter = ReturnType<typeof fileLinter>;

/** --fix and --fix-dry-run: a file fixed to its fixed point, then written back (or shown as a diff), and its result. */
async function fixFile(
  run: LintRun,
  { disk, fixTypes, out }: { disk: CachedFileSystem; fixTypes: FixType[]; out: Outcome },
  source: SourceFile,
  options: LintOptions,
  writeBack: boolean,
): Promise<void> {
  const outcome = fixToFixedPoint(source, (f, pending) => lintSource(f, withPending(options, pending)), { types: fixTypes });
  if (outcome.rejected) out.problems.push(`${source.path}: --fix: ${outcome.rejected}`);
  // The migration, then the other files its fixes write (a framework's metadata beside it).
  const changes = [
    { path: source.path, before: source.text, after: outcome.text, bom: source.bom, existed: true },
    ...outcome.files.map((f) => ({ path: f.path, before: readIfExists(f.path), after: f.text, bom: false, existed: existsSync(f.path) })),
  ].filter((c) => c.after !== c.before);
  const shown = (p: string) => (path.isAbsolute(p) ? path.relative(run.cwd, p) : p);
  let written = true;
  for (const c of changes) {
    if (run.fixDryRun || !writeBack) {
      const { createTwoFilesPatch } = await import('diff');
      out.diffs.push(createTwoFilesPatch(shown(c.path), shown(c.path), c.before, c.after, '', '', { context: 3 }));
      continue;
    }
    try {
      const bom = c.bom ? '\ufeff' : '';
      writeFixed(path.resolve(run.cwd, c.path), c.existed ? bom + c.before : null, bom + c.after);
      disk.forget(c.path);
    } catch (error) {
      if (!(error instanceof WriteRefused)) throw error;
      out.problems.push(`${shown(c.path)}: --fix: ${error.message}`);
      out.writeFailures++;
      written = false;
      break;
    }
  }
  if (written && changes.length > 0 && outcome.applied > 0)
    out.fixedFiles.push({ path: shown(source.path), applied: outcome.applied, dryRun: !!run.fixDryRun || !writeBack });
  // A file not written keeps its problems: report them as they are in the file.
  out.results.push(written ? outcome.result : lintSource(source, options));
  out.linted++;
}

/** What the walk of the files on disk needs beside the run. */
interface FilesContext {
  resolver: ConfigResolver;
  setups: Setups;
  disk: CachedFileSystem;
  cache: LintCache | undefined;
  version: string;
  parsing: Parsing;
  linter: FileLinter;
  out: Outcome;
}

/** The files on disk: found, selected, met with their history, and linted (or printed from the run's record). */
async function lintFiles(run: LintRun, io: IO, ctx: FilesContext): Promise<Walk> {
  const { resolver, setups, disk, cache, version, parsing, linter, out } = ctx;
  const { found, selected, missingPaths } = await selectRunFiles(run, io, resolver, disk, out.problems);
  const narrowed = selected.narrowed;
  const skipped = found.skipped;
  const runId = runIdOf(run, cache);
  const project = await readProject(run, io, { resolver, setups, disk }, found, selected, runId ? cache!.runFiles(runId) : new Map());
  // Parsers are loaded when a file misses the cache (a warm run may need none): for every file of the history.
  parsing.files = project.allFiles;
  const { runInput, reportKey, printed, recorded } = runRecordOf(run, cache, version, runId, selected, narrowed, project, skipped);
  // Each file's stat and hash, for the next run's record (or this one's, printed again): all are hashed by now.
  if (runId)
    cache!.setRunFiles(
      project.allFiles.map((f) => ({ path: f, stat: project.statOf.get(f), hash: project.hashOf(f) })),
      project.restated(),
    );
  let record: Walk['record'];
  const { sourceOf } = project;
  if (printed) {
    out.linted += printed.summary.results;
  } else if (recorded && recorded.every((r) => sourceOf(r.file))) {
    for (const r of recorded) out.results.push({ ...r.result, filePath: r.file, source: sourceOf(r.file)!.text });
    out.linted += recorded.length;
  } else {
    await walkHistory(run, { disk, cache, linter, out, parsing, project, selected, recording: !!runId, version, runId });
    // Recorded for the next run like this one (below, once its results are all in).
    if (runId) record = { runId, input: runInput };
  }
  const rank = new Map(selected.files.map((f, i) => [f, i]));
  return { narrowed, missingPaths, skipped, rank, record, reportKey, printed };
}

/** The files the paths name, narrowed by git, a baseline or the database's applied migrations. */
async function selectRunFiles(
  run: LintRun,
  io: IO,
  resolver: ConfigResolver,
  disk: CachedFileSystem,
  problems: string[],
): Promise<{ found: Discovery; selected: Selection; missingPaths: number }> {
  const found = await discover(run.paths, run.cwd, {
    claims: configClaims(resolver, run.cwd, run.framework),
    fs: disk,
    // The folders the walk reads tell the config search which config files they hold.
    listed: (dir, configFiles) => resolver.listed(dir, configFiles),
  });
  // From here on each file is named by its absolute path: detection, the adapters and the history read the files
  // beside a migration by its path, and the core resolves a relative one against the process's directory, which
  // is not the run's when main() is given a cwd of its own.
  found.files = found.files.map((f) => resolvePath(run.cwd, f));
  problems.push(...found.problems);
  const note = skippedNote(found.skipped, run.cwd);
  if (note) io.stderr(`migralint: ${note}\n`);
  const missingPaths = found.problems.length;
  const selected = await selectFiles(found.files, { cwd: run.cwd, changedSince: run.changedSince, staged: run.staged, resolver, fs: disk });
  // A database given: the migrations its tool's history table records as applied are deployed, and are
  // neither linted nor fixed (an automatic baseline).
  const env = run.env ?? process.env;
  const historyUrl =
    run.databaseUrl ||
    env.MIGRALINT_DATABASE_URL ||
    (selected.files[0] ? (await resolver.forFile(path.resolve(run.cwd, selected.files[0]))).config.databaseUrl : undefined);
  if (historyUrl && selected.files.length) {
    const deployed = await deployedFiles(historyUrl, selected.files, run);
    if (deployed?.unreadable.length)
      selected.notes.push(
        `cannot read ${deployed.unreadable.join(', ')} (no SELECT privilege): the migrations recorded there are linted and fixed as if not applied`,
      );
    if (deployed) {
      selected.files = selected.files.filter((f) => !deployed.files.has(f));
      selected.narrowed = true;
      selected.together = true;
      if (deployed.files.size)
        selected.notes.push(
          `${deployed.files.size} migration${deployed.files.size === 1 ? '' : 's'} recorded as applied in ${deployed.tables.join(', ')} not linted or fixed`,
        );
    }
  }
  for (const note of selected.notes) io.stderr(`migralint: ${note}\n`);
  return { found, selected, missingPaths };
}

/** Every file of the selected files' histories, with its options, its cache key's parts and its bytes. */
interface Project {
  allFiles: string[];
  optionsOf: Map<string, LintOptions>;
  keyPartsOf: Map<string, FileSetup['cacheParts']>;
  /** A file's bytes, read when first needed (undefined when it cannot be read). */
  bytesOf: Pick<ReadonlyMap<string, Buffer>, 'get' | 'has'>;
  /** A file's content hash (bytesHash): the one the run's record holds for it while its stat is the same, else its bytes'. */
  hashOf: (f: string) => string | undefined;
  /** Each file's stat when the run began (before its bytes were read), for the run's record. */
  statOf: Map<string, FileStat | undefined>;
  /** Whether a file the run's record lists has another stat now and the same content (LintCache.setRunFiles). */
  restated: () => boolean;
  /** A file's text, decoded when first needed (undefined when it cannot be). */
  sourceOf: (f: string) => SourceFile | undefined;
}

/**
 * The project: every discovered migration, in its tool's order, replayed into the catalog each one meets. Files
 * named one by one still meet their history: the migrations beside them are read too.
 */
async function readProject(
  run: LintRun,
  io: IO,
  { resolver, setups, disk }: { resolver: ConfigResolver; setups: Setups; disk: CachedFileSystem },
  found: Discovery,
  selected: Selection,
  known: Map<string, { sig: string; hash: string }>,
): Promise<Project> {
  const historyFiles = new Set(found.files);
  const given = new Set(run.paths.map((p) => resolvePath(run.cwd, p)));
  const named = found.files.filter((f) => given.has(resolvePath(run.cwd, f)));
  // A config that cannot be loaded stops the run only for a file the user asked for. A file met only as history
  // (a subfolder of the named file's folder with a broken config of its own) is left out of the history, said once.
  const brokenConfigs = new Set<string>();
  const asked = new Set(selected.files);
  const historyOnly = <T>(file: string, error: unknown, fallback: T): T => {
    if (!(error instanceof ConfigError) || asked.has(file)) throw error;
    if (!brokenConfigs.has(error.message)) {
      brokenConfigs.add(error.message);
      io.stderr(`migralint: ${error.message}\n  the migrations it governs are left out of the history of the files linted\n`);
    }
    historyFiles.delete(file);
    return fallback;
  };
  if (named.length) {
    const claims = configClaims(resolver, run.cwd, run.framework);
    const claimed = (f: string) => claims(f).catch((error: unknown) => historyOnly(f, error, false));
    for (const f of (
      await discover(historyFolders(named), run.cwd, {
        claims: claimed,
        fs: disk,
        known: new Set(found.files),
        listed: (dir, configFiles) => resolver.listed(dir, configFiles),
      })
    ).files)
      historyFiles.add(f);
  }
  const optionsOf = new Map<string, LintOptions>();
  const keyPartsOf = new Map<string, FileSetup['cacheParts']>();
  for (const f of [...historyFiles].sort()) {
    const setup = await setups.forFile(f).then(
      (setup) => setup,
      (error: unknown) => historyOnly(f, error, undefined),
    );
    if (setup) {
      optionsOf.set(f, { ...setup.options, fs: disk });
      keyPartsOf.set(f, setup.cacheParts);
    }
  }
  const allFiles = [...historyFiles].sort();
  // Each file is read once: its bytes key the caches, its text is replayed or linted. A file whose stat is the one
  // the run's record lists is not read unless the run needs its text (a run printed from its record does not): its
  // hash is the record's. Stat'ed before it is read: a file changed in between has another stat next time.
  const statOf = new Map<string, FileStat | undefined>();
  const hashes = new Map<string, string>();
  /** Files the record lists with another stat: the same content (restated), or not. */
  const restat: string[] = [];
  const read = new Map<string, Buffer | undefined>();
  const readBytes = (f: string): Buffer | undefined => {
    if (read.has(f)) return read.get(f);
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(resolvePath(run.cwd, f));
    } catch {
      // Unreadable: left out of the history; reported where it is linted.
    }
    read.set(f, bytes);
    return bytes;
  };
  for (const f of allFiles) {
    const stat = fileStat(resolvePath(run.cwd, f));
    statOf.set(f, stat);
    const before = known.get(f);
    if (stat && before && before.sig === stat.sig) hashes.set(f, before.hash);
    else {
      readBytes(f);
      if (before) restat.push(f);
    }
  }
  const bytesOf = { get: readBytes, has: (f: string) => readBytes(f) !== undefined };
  const hashOf = (f: string): string | undefined => {
    const kept = hashes.get(f);
    if (kept !== undefined) return kept;
    const bytes = readBytes(f);
    return bytes && bytesHash(bytes);
  };
  const decoded = new Map<string, SourceFile | undefined>();
  const sourceOf = (f: string): SourceFile | undefined => {
    if (decoded.has(f)) return decoded.get(f);
    let source: SourceFile | undefined;
    const bytes = bytesOf.get(f);
    try {
      source = bytes && { ...decodeSource(resolvePath(run.cwd, f), bytes), path: f };
    } catch {
      source = undefined;
    }
    decoded.set(f, source);
    return source;
  };
  const restated = () => restat.some((f) => hashOf(f) === known.get(f)!.hash);
  return { allFiles, optionsOf, keyPartsOf, bytesOf, hashOf, statOf, restated, sourceOf };
}

/** The way the CLI is run, naming its record in the cache (LintCache.getRun); '' when the run is not recorded. */
function runIdOf(run: LintRun, cache: LintCache | undefined): string {
  if (!cache || run.staged) return '';
  return createHash('sha256')
    .update(
      JSON.stringify([
        path.resolve(run.cwd),
        run.paths,
        run.changedSince ?? null,
        run.config ?? null,
        run.rule ?? [],
        run.framework ?? null,
        run.pgVersion ?? null,
        // Each format its own record, so that the report of each is kept.
        run.format,
      ]),
    )
    .digest('hex');
}

/**
 * The run's record (see LintCache.getRun): when this run is one the cache has seen, with the same files, options
 * and selection, and nothing any of its lints consulted has changed, its results are the ones recorded.
 */
function runRecordOf(
  run: LintRun,
  cache: LintCache | undefined,
  version: string,
  runId: string,
  selected: Selection,
  narrowed: boolean,
  project: Project,
  skipped: SkippedFile[],
) {
  const { allFiles, hashOf, keyPartsOf } = project;
  const runInput = runId
    ? runInputKey({
        version,
        cwd: path.resolve(run.cwd),
        selected: selected.files,
        narrowed,
        together: selected.together,
        files: allFiles.map((f) => ({ path: f, hash: hashOf(f), options: keyPartsOf.get(f)?.options ?? null, sizes: keyPartsOf.get(f)?.sizes ?? '' })),
      })
    : '';
  // The report too, when it is asked for as it was (GitHub's annotations beside it need the results).
  let reportKey = '';
  const annotated = run.format === 'stylish' && (run.env ?? process.env).GITHUB_ACTIONS === 'true';
  if (runId && !annotated)
    reportKey = createHash('sha256')
      .update(JSON.stringify([runInput, run.cwd, run.format, !!run.quiet, run.color && !run.outputFile, migralintVersion() ?? null, skipped]))
      .digest('hex');
  const holds = runId ? cache!.getRun(runId, runInput) : false;
  const printed = holds && reportKey ? cache!.runReport(reportKey) : undefined;
  const recorded = holds && !printed ? cache!.runResults() : undefined;
  return { runInput, reportKey, printed, recorded };
}

/** What the walk of the planned files needs. */
interface HistoryContext {
  disk: CachedFileSystem;
  cache: LintCache | undefined;
  linter: FileLinter;
  out: Outcome;
  parsing: Parsing;
  project: Project;
  selected: Selection;
  /** The run is recorded: the files the plan reads are its deps. */
  recording: boolean;
  version: string;
  /** The run's record's name ('' when it is not recorded): what detection said of its files is kept there. */
  runId: string;
}

/** The planned history: the catalogs, the sources read, and the catalog a file meets. */
interface Planned {
  history: ProjectHistory;
  /** A file of the history's text, read when first needed. */
  sources: Pick<ReadonlyMap<string, SourceFile>, 'get'>;
  inHistoryOf: (file: string) => InHistory | undefined;
}

/**
 * The selected files in their histories' order: each linted (here or on worker threads) in the catalog the
 * migrations before it leave, the history's other files replayed; then the foreign keys a later migration of the
 * change indexes are left out of the findings.
 */
async function walkHistory(run: LintRun, ctx: HistoryContext): Promise<void> {
  const { disk, cache, out, project, selected } = ctx;
  const { allFiles, optionsOf, sourceOf, hashOf } = project;
  // The history's plan reads files besides the migrations (a Drizzle journal, a Cargo.toml): deps of the record.
  const planned: string[] = [];
  // What detection said of a file the last run like this one read, when its content is the same (and the files
  // detection consulted are): the file is not read to be planned.
  const before = ctx.runId && cache ? cache.runRecognised(ctx.runId) : undefined;
  const { history, recognised } = ProjectHistory.plan(
    allFiles,
    run.cwd,
    sourceOf,
    (f) => optionsOf.get(f)?.framework,
    ctx.recording ? recordingFs(disk, planned) : disk,
    selected.together ? new Set(selected.files) : undefined,
    {
      // The catalogs' names key the cache only: without it they are not computed.
      fingerprints: cache !== undefined,
      known: before?.size
        ? (f) => {
            const known = before.get(f);
            return known && known.hash === hashOf(f) ? known.answer : undefined;
          }
        : undefined,
    },
  );
  const consulted = planned.map((f) => resolvePath(run.cwd, f));
  cache?.consulted(consulted);
  if (ctx.runId && cache)
    cache.setRunRecognised(
      [...recognised].flatMap(([f, answer]): Array<[string, string, Recognised]> => {
        const hash = hashOf(f);
        return hash ? [[f, hash, answer]] : [];
      }),
      consulted,
    );
  // A file's text, read when the walk needs it (a file the plan knew from the cache is not read for it).
  const inPlan = new Set(allFiles);
  const sources = { get: (f: string) => (inPlan.has(f) ? sourceOf(f) : undefined) };
  const inHistoryOf = (file: string): InHistory | undefined => {
    const model = history.modelFor(file);
    const print = history.fingerprint(file);
    return model && print !== undefined
      ? {
          model,
          print,
          record: (delta, hash) => history.record(file, delta, hash),
          recordPacked: (packed, hash) => history.recordPacked(file, packed, hash),
        }
      : undefined;
  };
  const plan: Planned = { history, sources, inHistoryOf };
  // A project's first migrations, when this run only replays them, are taken whole from a checkpoint (not with
  // --staged: the files it lints are the index's, not the ones a checkpoint names).
  const checkpoints =
    cache && !run.staged
      ? new HistoryCheckpoints(cache, history, {
          version: ctx.version,
          cwd: path.resolve(run.cwd),
          hashOf: project.hashOf,
          optionsOf: (f) => optionsOf.get(f),
          replayOptionsOf: ctx.linter.replayOptionsOf,
        })
      : undefined;
  const { planned: plannedFiles, resumed } = checkpoints?.resume(history.order(selected.files)) ?? {
    planned: history.order(selected.files),
    resumed: new Set<number>(),
  };
  const { ids, started } = await planWorkerUnits(run, ctx, plan, plannedFiles, resumed);
  const theirs = await walkPlanned(run, ctx, plan, plannedFiles, (file) => !!started?.ids.has(ids.get(file) ?? -1), checkpoints);
  if (started) await takeWorkerResults(ctx, plan, started, ids, theirs);
  leaveOutIndexedForeignKeys(out, history, selected.files);
}

/**
 * A cold run's work (nothing to fix, nothing from git's index) shared with worker threads when it is large: whole
 * histories and files outside any, each unit starting where the cache has nothing (a project whose first file
 * the cache answers is warm, and walked here).
 */
async function planWorkerUnits(
  run: LintRun,
  { cache, linter, project, parsing }: HistoryContext,
  { history, sources, inHistoryOf }: Planned,
  plannedFiles: PlannedFile[],
  /** Projects resumed from a checkpoint: walked here (a worker's unit starts from the empty catalog). */
  resumed: ReadonlySet<number>,
): Promise<{ ids: Map<string, number>; started?: Started }> {
  const { optionsOf, bytesOf } = project;
  const env = run.env ?? process.env;
  const ids = new Map<string, number>();
  let started: Started | undefined;
  const work = plannedFiles.reduce((n, p) => n + (sources.get(p.path)?.text.length ?? 0), 0);
  if (!run.fix && !run.fixDryRun && !run.staged && mayShare(work, env)) {
    // Per project its unit, or null when a file of it is left to this thread's walk (the whole project is then).
    const unitOf = new Map<number, Unit | null>();
    const loose: Unit[] = [];
    for (const planned of plannedFiles) {
      const file = planned.path;
      const source = sources.get(file);
      const options = optionsOf.get(file);
      const bytes = bytesOf.get(file);
      if (planned.project !== undefined && resumed.has(planned.project)) unitOf.set(planned.project, null);
      const unit = planned.project === undefined ? undefined : unitOf.get(planned.project);
      if (unit === null) continue;
      let usable = !!(source && options && bytes);
      if (usable && cache && !unit) {
        // The unit's first file: does the cache answer it?
        const keys = await linter.keysOf(source!, bytes, inHistoryOf(file));
        usable = !(planned.lint ? keys.key && cache.get(keys.key) : cache.getReplay(keys.replayKeyHere()));
      }
      if (!usable) {
        if (planned.project !== undefined) unitOf.set(planned.project, null);
        continue;
      }
      const step: Step = { id: ids.size, source: source!, options: options! };
      ids.set(file, step.id);
      if (planned.project === undefined) {
        loose.push([step]);
        continue;
      }
      const { schema: _schema, onDelta: _onDelta, ...model } = history.modelFor(file)!;
      step.history = { lint: planned.lint, model };
      if (unit) unit.push(step);
      else unitOf.set(planned.project, [step]);
    }
    const units = [...[...unitOf.values()].filter((u): u is Unit => u !== null), ...loose];
    const threads = threadCount(units, env);
    if (threads > 1) started = startWorkers(units, shard(units, threads), parsing.files, run.cwd);
  }
  return { ids, started };
}

/** A file the workers lint or replay, with its result's slot. */
interface Theirs {
  file: string;
  lint: boolean;
  slot: number;
}

/**
 * The planned files in walk order: a worker's file keeps its result's slot, the history's other files are replayed
 * and the selected ones linted here. Returns the files the workers lint or replay, in walk order.
 */
async function walkPlanned(
  run: LintRun,
  { linter, out, project }: HistoryContext,
  { history, sources, inHistoryOf }: Planned,
  plannedFiles: PlannedFile[],
  isWorkers: (file: string) => boolean,
  checkpoints: HistoryCheckpoints | undefined,
): Promise<Theirs[]> {
  const { optionsOf, bytesOf } = project;
  const { results, resultKeys } = out;
  const cwdKey = path.resolve(run.cwd);
  /** The files the workers lint or replay, in walk order, with their result's slot. */
  const theirs: Theirs[] = [];
  for (const planned of plannedFiles) {
    const file = planned.path;
    if (isWorkers(file)) {
      checkpoints?.walked(planned, '');
      theirs.push({ file, lint: planned.lint, slot: results.length });
      if (planned.lint) {
        results.push(undefined as unknown as FileResult);
        out.linted++;
      }
      continue;
    }
    const inHistory = inHistoryOf(file);
    // The key of its replay in the cache, for what a checkpoint kept after it depends on.
    let replayKey = '';
    if (inHistory) inHistory.keyed = (key) => void (replayKey = key);
    if (!planned.lint) {
      const src = sources.get(file);
      const opts = optionsOf.get(file);
      const bytes = bytesOf.get(file);
      if (src && opts && inHistory) {
        try {
          await linter.replayCached(src, opts, inHistory, bytes ? linter.replayKey(cwdKey, file, bytes, opts, inHistory.print) : '');
        } catch {
          // A file that cannot be read as a migration teaches the catalog nothing.
        }
      }
      checkpoints?.walked(planned, replayKey);
      history.advance(file);
      continue;
    }
    let source: SourceFile;
    let bytes: Buffer;
    try {
      const abs = resolvePath(run.cwd, file);
      // --staged: what the commit will hold (the index blob), not the working tree's file.
      const staged = run.staged ? await stagedContent(file, run.cwd) : undefined;
      const known = !staged && !run.fix && !run.fixDryRun ? sources.get(file) : undefined;
      const read = staged
        ? { source: decodeSource(abs, staged), bytes: staged }
        : known && bytesOf.has(file)
          ? { source: known, bytes: bytesOf.get(file)! }
          : readSourceAndBytes(abs);
      source = { ...read.source, path: file };
      bytes = read.bytes;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      resultKeys.set(file, '');
      results.push({ filePath: file, findings: [], fatal: error.message.replace(`${resolvePath(run.cwd, file)}: `, '') });
      continue;
    }
    // The catalog it meets is kept when it is the last file of its project this run lints.
    checkpoints?.keep(planned);
    await linter.lintOne(source, true, bytes, inHistory);
    checkpoints?.walked(planned, replayKey);
    history.advance(file);
  }
  return theirs;
}

/** What the workers did, taken in walk order: each project's catalog moves past its files as here. */
async function takeWorkerResults(
  { cache, linter, out, project }: HistoryContext,
  { history, sources, inHistoryOf }: Planned,
  started: Started,
  ids: Map<string, number>,
  theirs: Theirs[],
): Promise<void> {
  const done = await started.done;
  for (const { file, lint, slot } of theirs) {
    const d = done.get(ids.get(file)!)!;
    const inHistory = inHistoryOf(file);
    const source = sources.get(file)!;
    const { key, replayKeyHere } = await linter.keysOf(source, project.bytesOf.get(file), inHistory);
    if (lint) {
      if (inHistory) linter.keepLinted(inHistory, key, replayKeyHere, d);
      else if (cache && key) cache.set(key, d.consulted, d.result!);
      out.resultKeys.set(file, key);
      out.results[slot] = d.result!;
    } else if (inHistory) linter.keepReplayed(inHistory, replayKeyHere(), d);
    history.advance(file);
  }
}

/**
 * A foreign key left unindexed by its migration is indexed in time when a later migration of the change (or of
 * the files linted together) builds the index: known only now, with the history replayed to its end.
 */
function leaveOutIndexedForeignKeys({ results, leftOut }: Outcome, history: ProjectHistory, selectedFiles: string[]): void {
  const lintedTogether = new Set(selectedFiles);
  results.forEach((r, i) => {
    if (!r) return;
    const left: number[] = [];
    r.findings.forEach((f, j) => {
      if (
        f.ruleId === 'require-index-on-foreign-key' &&
        f.data?.foreignKey &&
        history.indexedInChange(r.filePath, f.data.foreignKey.table, f.data.foreignKey.columns, lintedTogether)
      )
        left.push(j);
    });
    // A copy: the cache keeps the result as the file's own lint gave it (and the run's record what was left out).
    if (left.length) {
      leftOut.set(r.filePath, left);
      results[i] = { ...r, findings: r.findings.filter((_, j) => !left.includes(j)) };
    }
  });
}

/** The files outside any history the cache did not answer, linted after the walk into their slots. */
async function lintMisses({ misses, results }: Outcome, cache: LintCache | undefined, parsers: () => Promise<void>): Promise<void> {
  if (misses.length) {
    await parsers();
    for (const m of misses) {
      const { result, consulted } = lintRecording(m.source, m.options);
      if (cache && m.key) cache.set(m.key, consulted, result);
      results[m.slot] = result;
    }
  }
}

/** The results in the selected order, the run recorded, the report and what --fix did written; the exit code. */
async function reportRun(run: LintRun, io: IO, formatter: Formatter, walk: Walk, out: Outcome, cache: LintCache | undefined): Promise<number> {
  const { narrowed, missingPaths, skipped, rank, record, reportKey, printed } = walk;
  const { results, resultKeys, leftOut, problems, linted, diffs, writeFailures } = out;
  // Files were linted in history order; report them in the order they were selected (once every slot is filled).
  if (rank) {
    const order = rank;
    results.sort((a, b) => (order.get(a.filePath) ?? 0) - (order.get(b.filePath) ?? 0));
  }
  // Recorded when every result is a cached file's (an unreadable file's is not): the next such run prints it as is.
  if (cache && record && results.every((r) => resultKeys.get(r.filePath)))
    cache.setRun(
      record.runId,
      record.input,
      results.map((r) => [r.filePath, resultKeys.get(r.filePath)!, leftOut.get(r.filePath) ?? []]),
    );
  for (const r of results) {
    r.filePath = resolvePath(run.cwd, r.filePath);
    if (run.quiet) r.findings = r.findings.filter((f) => f.severity === 'error');
  }
  const ctx = {
    cwd: run.cwd,
    rules: ALL_RULE_META,
    color: run.color && !run.outputFile,
    version: migralintVersion(),
    skipped: skipped.map((f) => ({ ...f, filePath: resolvePath(run.cwd, f.filePath) })),
    ...(run.trace ? { trace: run.trace } : {}),
  };
  const summary: RunSummary = printed?.summary ?? {
    results: results.length,
    errors: results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'error').length + (r.fatal ? 1 : 0), 0),
    warnings: results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'warn').length, 0),
  };
  // A report kept in the cache is written as the bytes it was kept as (decoding megabytes of UTF-8 was a tenth of a
  // warm run).
  const output = printed ? undefined : formatter(results, ctx);
  if (cache && reportKey && output !== undefined) cache.setReport(reportKey, output, summary);
  const cacheProblem = cache?.save();
  if (cacheProblem && run.cacheLocation) io.stderr(`migralint: warning: ${cacheProblem}\n`);
  for (const p of problems) io.stderr(`migralint: ${p}\n`);
  // A machine format on stdout is never mixed with anything else.
  const machine = MACHINE_FORMATS.has(run.format) && !run.outputFile;
  if (diffs.length) (machine ? io.stderr : io.stdout)(diffs.join('\n'));
  if (run.fix || run.fixDryRun) await sayFixed(run, machine ? io.stderr : io.stdout, out, narrowed);

  if (run.outputFile) writeFileSync(path.resolve(run.cwd, run.outputFile), output ?? printed!.report);
  else if (output) io.stdout(output);
  else if (printed?.report.length) (io.stdoutBytes ?? ((b: Uint8Array) => io.stdout(Buffer.from(b).toString('utf8'))))(printed.report);
  // Inside GitHub Actions the default report also becomes annotations on the pull request.
  if (run.format === 'stylish' && (run.env ?? process.env).GITHUB_ACTIONS === 'true') io.stdout(githubAnnotations(results, ctx));

  if (linted === 0 && summary.results === 0) {
    if (narrowed && problems.length === 0) return 0;
    if (problems.length === 0) io.stderr('migralint: nothing to lint\n');
    return 2;
  }
  if (missingPaths > 0) return 2;
  const { errors, warnings } = summary;
  // A fix that could not be written fails the run (exit code 2), whatever the findings.
  if (writeFailures > 0) return 2;
  if (errors > 0) return 1;
  if (run.maxWarnings !== undefined && run.maxWarnings >= 0 && warnings > run.maxWarnings) {
    io.stderr(`migralint: too many warnings (${warnings}); maximum allowed is ${run.maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

/** What --fix changed: one line per file and a total, beside the report (stderr when stdout is a machine format). */
async function sayFixed(run: LintRun, say: (s: string) => void, { fixedFiles, writeFailures }: Outcome, narrowed: boolean): Promise<void> {
  const total = fixedFiles.reduce((n, f) => n + f.applied, 0);
  const verb = run.fixDryRun ? 'would fix' : 'fixed';
  for (const f of fixedFiles) say(`migralint: ${verb} ${f.applied} problem${f.applied === 1 ? '' : 's'} in ${f.path}\n`);
  say(
    `migralint: ${verb} ${total} problem${total === 1 ? '' : 's'} in ${fixedFiles.length} file${fixedFiles.length === 1 ? '' : 's'}${writeFailures ? `; ${writeFailures} file${writeFailures === 1 ? '' : 's'} could not be written` : ''}\n`,
  );
  // Nothing said which migrations are deployed: warn about fixed files that already are on the default branch.
  if (!narrowed && fixedFiles.length) {
    const onDefault = await defaultBranchFiles(run.cwd).catch(() => null);
    if (onDefault) {
      const old = fixedFiles.filter((f) => onDefault.files.has(realPath(path.resolve(run.cwd, f.path))));
      if (old.length) {
        say(
          `migralint: ${old.length} of the ${fixedFiles.length} file${fixedFiles.length === 1 ? '' : 's'} ${verb === 'fixed' ? 'fixed' : 'to fix'} look${old.length === 1 ? 's' : ''} deployed: ${old.length === 1 ? 'it is' : 'they are'} already in the newest commit of ${onDefault.ref}. A tool that records checksums (Flyway, Prisma …) refuses a changed applied migration; to leave deployed migrations alone use --changed-since ${onDefault.ref}, a \`baseline\` in the config (\`migralint init\` writes one), or --database-url.\n`,
        );
      }
    }
  }
}

/** The selected files the database's migration history records as applied; null when it could not be read and that is allowed. */
async function deployedFiles(url: string, files: string[], run: LintRun): Promise<{ files: Set<string>; tables: string[]; unreadable: string[] } | null> {
  let history;
  try {
    history = await readAppliedHistory(url);
  } catch (error) {
    if (!(error instanceof StatsError) || !run.statsOptional) throw error;
    // --stats-optional: the size loader warns about the same database once.
    return null;
  }
  // Alembic and Drizzle need the files beside the selected ones (revision links, the journal).
  const read = (f: string) => readIfExists(resolvePath(run.cwd, f)) || undefined;
  const folders = [...new Set(files.map((f) => path.dirname(resolvePath(run.cwd, f))))];
  const siblings = new Set(files.map((f) => resolvePath(run.cwd, f)));
  for (const dir of folders) {
    for (const name of readdirQuietly(dir)) if (name.endsWith('.py')) siblings.add(path.join(dir, name));
  }
  const applied = appliedFiles(history.records, [...siblings], read);
  return { files: new Set(files.filter((f) => applied.has(resolvePath(run.cwd, f)))), tables: history.tables, unreadable: history.unreadable };
}

function readdirQuietly(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
