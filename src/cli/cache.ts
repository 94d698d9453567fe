/**
 * The lint cache: a merged migration never changes, so its findings are kept between runs and a re-run reads them
 * back instead of parsing again. A file's entry is found by a key over everything its result depends on, and it
 * also lists the files beside it that the lint consulted (a Drizzle journal, Alembic's env.py, a migration_lock.toml
 * …) with their state then; the entry is used only while each of them is unchanged. The cache can only make a run
 * faster: an unreadable, corrupt or foreign cache file is ignored and rewritten.
 *
 * Beside the results it keeps what the replay of each migration taught the schema model (its SchemaDelta), keyed
 * by the file's bytes, settings and the catalog it met: a warm run walks a long history without parsing it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaDelta } from '../project/model.js';
import type { FileResult } from '../types.js';

/** Bumped whenever the stored shape or the meaning of a key changes: older files are then ignored. */
const CACHE_FORMAT = 3;
const CACHE_FILE = 'lint-cache.json';
/** Entries beyond this many are dropped, least recently used first. */
const MAX_ENTRIES = 50_000;

/** What a file's result depends on, besides the files it consulted (those are checked separately). */
export interface CacheKeyParts {
  version: string;
  /** The file as linted: its path with the working directory (detection and the report use them) and its bytes. */
  path: string;
  bytes: Uint8Array;
  /** Effective settings, severities and the forced framework (JSON-able). */
  options: unknown;
  /** The table-size facts the run uses (Catalog.fingerprint()). */
  sizes: string;
  /**
   * The schema state the migration history leaves before this file, once the schema model replays it (a hash);
   * null until then. A later migration's result depends on the files before it, so this enters the key.
   */
  incomingSchema?: string | null;
  /** What is kept: a lint result (the default) or what the replay learned from the file (its SchemaDelta). */
  kind?: 'lint' | 'replay';
}

/** What replaying a migration taught the catalog, and the delta's hash (ProjectHistory's fingerprint chain). */
export interface StoredReplay {
  delta: SchemaDelta;
  hash: string;
}

type StoredResult = Omit<FileResult, 'filePath' | 'source'>;

interface Entry {
  /** Files consulted, each with its state at the time: a content hash, or 'absent'. */
  deps: Array<[string, string]>;
  result: StoredResult;
  /** The run that last used it (for pruning). */
  used: number;
}

interface ReplayEntry {
  deps: Array<[string, string]>;
  replay: StoredReplay;
  used: number;
}

interface CacheFile {
  format: 'migralint-lint-cache';
  version: number;
  /**
   * The build that wrote it (codeIdentity()). Every key includes the build, so another build's entries can never be
   * used again: a file from another build is dropped whole instead of being read, carried and rewritten by every run.
   */
  identity: string;
  run: number;
  entries: Record<string, Entry>;
  /** What each migration taught the schema model, so a warm run replays its history without parsing it. */
  replays: Record<string, ReplayEntry>;
}

let identity: string | undefined;

/**
 * The running code's identity beside its version: the bundle's size and time, or (running from dist/src or src)
 * those of every module of the engine and rules. A rebuilt migralint never reads results an older build stored.
 */
export function codeIdentity(): string {
  if (identity !== undefined) return identity;
  const here = fileURLToPath(import.meta.url);
  const parts: string[] = [];
  const add = (f: string) => {
    try {
      const st = statSync(f);
      parts.push(`${f}:${st.size}:${st.mtimeMs}`);
    } catch {
      /* gone: leaves it out */
    }
  };
  if (path.basename(path.dirname(here)) === 'cli' && path.basename(path.dirname(path.dirname(here))) === 'src') {
    const top = path.dirname(path.dirname(path.dirname(here)));
    const walk = (d: string) => {
      let names: Dirent[];
      try {
        names = readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of names) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.[jt]s$/.test(e.name)) add(p);
      }
    };
    walk(path.join(top, 'src'));
    walk(path.join(top, 'rules'));
  } else add(here);
  identity = sha256(parts.join('\n'));
  return identity;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function cacheKey(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    CACHE_FORMAT,
    parts.kind ?? 'lint',
    parts.version,
    codeIdentity(),
    parts.path,
    parts.options,
    parts.sizes,
    parts.incomingSchema ?? null,
    createHash('sha256').update(parts.bytes).digest('hex'),
  ]);
  return sha256(material);
}

/** A consulted file's state now: its content hash, 'absent', or 'unreadable:<code>'. */
function stateOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : `unreadable:${code ?? 'error'}`;
  }
}

export class LintCache {
  private readonly entries: Map<string, Entry>;
  private readonly replays: Map<string, ReplayEntry>;
  private readonly run: number;
  private readonly states = new Map<string, string>();
  private dirty = false;

  private constructor(
    readonly file: string,
    data: CacheFile | undefined,
  ) {
    this.entries = new Map(Object.entries(data?.entries ?? {}));
    this.replays = new Map(Object.entries(data?.replays ?? {}));
    this.run = (data?.run ?? 0) + 1;
    // A missing, corrupt or foreign file is rewritten at the end of the run.
    if (!data) this.dirty = true;
  }

  /** Opens the cache in `dir` (not created until saved). Never throws: a bad file is treated as empty. */
  static open(dir: string): LintCache {
    const file = path.join(dir, CACHE_FILE);
    let data: CacheFile | undefined;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile> | null;
      if (
        parsed &&
        parsed.format === 'migralint-lint-cache' &&
        parsed.version === CACHE_FORMAT &&
        parsed.identity === codeIdentity() &&
        typeof parsed.run === 'number' &&
        parsed.entries &&
        typeof parsed.entries === 'object' &&
        !Array.isArray(parsed.entries) &&
        isRecord(parsed.replays)
      ) {
        data = parsed as CacheFile;
      }
    } catch {
      data = undefined;
    }
    return new LintCache(file, data);
  }

  private currentState(file: string): string {
    let s = this.states.get(file);
    if (s === undefined) {
      s = stateOf(file);
      this.states.set(file, s);
    }
    return s;
  }

  /** The stored result for this key, when every file it consulted is as it was; else undefined. */
  get(key: string): StoredResult | undefined {
    const entry = this.entries.get(key);
    if (!entry || !isEntry(entry)) return undefined;
    for (const [file, state] of entry.deps) if (this.currentState(file) !== state) return undefined;
    // Recency is written with the next change, not on its own: a run with nothing new writes nothing.
    entry.used = this.run;
    return { ...entry.result, findings: entry.result.findings.slice() };
  }

  /** Stores a fresh result with the files the lint consulted. */
  set(key: string, consulted: Iterable<string>, result: FileResult): void {
    // Per-statement summaries (for the markdown report's lock picture) are most of a result's size: not kept; the
    // markdown format does not use the cache.
    const { filePath: _path, source: _source, statements: _statements, ...rest } = result;
    const deps = [...new Set(consulted)].sort().map((f): [string, string] => [f, this.currentState(f)]);
    this.entries.set(key, { deps, result: { ...rest, findings: rest.findings.slice() }, used: this.run });
    this.dirty = true;
  }

  /** The stored replay of a migration for this key (kind 'replay'), when every file it consulted is as it was. */
  getReplay(key: string): StoredReplay | undefined {
    const entry = this.replays.get(key);
    if (!entry || !isReplayEntry(entry)) return undefined;
    for (const [file, state] of entry.deps) if (this.currentState(file) !== state) return undefined;
    entry.used = this.run;
    return entry.replay;
  }

  /** Stores what a migration's replay learned, with the files its extraction consulted. */
  setReplay(key: string, consulted: Iterable<string>, replay: StoredReplay): void {
    const deps = [...new Set(consulted)].sort().map((f): [string, string] => [f, this.currentState(f)]);
    this.replays.set(key, { deps, replay, used: this.run });
    this.dirty = true;
  }

  /** Writes the cache when anything changed (through a temp file and a rename). Returns an error message on failure. */
  save(): string | undefined {
    if (!this.dirty) return undefined;
    const recent = <T extends { used: number }>(m: Map<string, T>): Record<string, T> => {
      let kept = [...m];
      if (kept.length > MAX_ENTRIES) kept = kept.sort((a, b) => b[1].used - a[1].used).slice(0, MAX_ENTRIES);
      return Object.fromEntries(kept);
    };
    const data: CacheFile = {
      format: 'migralint-lint-cache',
      version: CACHE_FORMAT,
      identity: codeIdentity(),
      run: this.run,
      entries: recent(this.entries),
      replays: recent(this.replays),
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(data));
      renameSync(tmp, this.file);
      this.dirty = false;
      return undefined;
    } catch (error) {
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing written */
      }
      return `cannot write the cache ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function isDeps(deps: unknown): deps is Array<[string, string]> {
  return Array.isArray(deps) && deps.every((d) => Array.isArray(d) && typeof d[0] === 'string' && typeof d[1] === 'string');
}

function isReplayEntry(e: unknown): e is ReplayEntry {
  const x = e as ReplayEntry;
  const d = x?.replay?.delta as unknown as Record<string, unknown> | undefined;
  return (
    !!x &&
    isDeps(x.deps) &&
    typeof x.used === 'number' &&
    typeof x.replay?.hash === 'string' &&
    isRecord(d) &&
    ['schemas', 'tables', 'indexes', 'types', 'views', 'sequences'].every((k) => isRecord(d[k]))
  );
}

/** An entry read from disk is trusted only in shape: anything else counts as a miss. */
function isEntry(e: unknown): e is Entry {
  const x = e as Entry;
  return (
    !!x &&
    Array.isArray(x.deps) &&
    x.deps.every((d) => Array.isArray(d) && typeof d[0] === 'string' && typeof d[1] === 'string') &&
    !!x.result &&
    Array.isArray(x.result.findings) &&
    typeof x.used === 'number'
  );
}
