/**
 * The lint cache: a merged migration never changes, so its findings are kept between runs and a re-run reads them
 * back instead of parsing again. A file's entry is found by a key over everything its result depends on, and it
 * also lists the files beside it that the lint consulted (a Drizzle journal, Alembic's env.py, a migration_lock.toml
 * …) with their state then; the entry is used only while each of them is unchanged. The cache can only make a run
 * faster: an unreadable, corrupt or foreign cache file is ignored and rewritten.
 *
 * Beside the results it keeps what the replay of each migration taught the schema model (its SchemaDelta), keyed
 * by the file's bytes, settings and the catalog it met: a warm run walks a long history without parsing it.
 *
 * The file is read whole at the start of a run; what a run adds (a new migration's result and replay, as in a
 * pre-commit hook) is appended to a journal beside it instead of rewriting it: rewriting a long history's cache cost
 * more than linting the one new file. The journal names the file it extends (a random id the file carries), so one
 * left from another file is ignored; once it grows to half the file's size the two are written together again.
 */
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPackedDelta, type PackedDelta } from '../project/delta-change.js';
import type { FileResult } from '../types.js';

/** Bumped whenever the stored shape or the meaning of a key changes: older files are then ignored. */
const CACHE_FORMAT = 5;
const CACHE_FILE = 'lint-cache.json';
/** What runs added since the file was written: one JSON line each (its first line names the file it extends). */
const JOURNAL_FILE = 'lint-cache.journal';
/** The journal is folded into the file once it is this large, and at least a fraction of the file's size. */
const JOURNAL_MIN_BYTES = 256 * 1024;
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

/**
 * What replaying a migration taught the catalog, and the delta's hash (ProjectHistory's fingerprint chain). The
 * delta is kept as its change from the catalog the migration met (src/project/delta-change.ts), not whole: a whole
 * table per ALTER, and Django's whole state per migration, made a long history's cache quadratic.
 */
export interface StoredReplay {
  packed: PackedDelta;
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
  /** Names this file: a journal carries it in its first line and is used only beside the file it names. */
  journal: string;
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

/** Each file's bytes are hashed once a run: a file's lint key and its replay key both name them. */
const bytesHashes = new WeakMap<Uint8Array, string>();

function bytesHash(bytes: Uint8Array): string {
  let h = bytesHashes.get(bytes);
  if (h === undefined) bytesHashes.set(bytes, (h = createHash('sha256').update(bytes).digest('hex')));
  return h;
}

/**
 * The options' JSON, written once per options object: a run keys every file of a long history with the same few
 * (one per config and framework), and writing them per file was most of a warm run's hashing.
 */
const optionsJson = new WeakMap<object, string>();

function jsonOfOptions(options: unknown): string {
  if (typeof options !== 'object' || options === null) return JSON.stringify(options ?? null);
  let json = optionsJson.get(options);
  if (json === undefined) optionsJson.set(options, (json = JSON.stringify(options)));
  return json;
}

export function cacheKey(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    CACHE_FORMAT,
    parts.kind ?? 'lint',
    parts.version,
    codeIdentity(),
    parts.path,
    jsonOfOptions(parts.options),
    parts.sizes,
    parts.incomingSchema ?? null,
    bytesHash(parts.bytes),
  ]);
  return sha256(material);
}

/** A consulted file's state now: its content hash, 'absent', or 'unreadable:<code>'. */
function stateOf(file: string): string {
  try {
    // Most consulted files are absent (a Diesel folder's metadata.toml, say): asked without the exception a failed
    // read throws, which cost more than the rest of a cached replay.
    if (!statSync(file, { throwIfNoEntry: false })) return 'absent';
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : `unreadable:${code ?? 'error'}`;
  }
}

/** One line of the journal after its first: an entry or a replay a run added. */
type JournalLine = { entry: string; value: Entry } | { replay: string; value: ReplayEntry };

export class LintCache {
  private readonly entries: Map<string, Entry>;
  private readonly replays: Map<string, ReplayEntry>;
  private readonly run: number;
  private readonly states = new Map<string, string>();
  /** The whole file must be written (it is missing, corrupt or foreign, or its journal is to be folded in). */
  private dirty = false;
  /** What this run added, for the journal. */
  private readonly added: JournalLine[] = [];
  private readonly journal: string;

  private constructor(
    readonly file: string,
    data: CacheFile | undefined,
    private readonly fileBytes: number,
    private journalBytes: number,
    journalLines: JournalLine[],
  ) {
    this.entries = new Map(Object.entries(data?.entries ?? {}));
    this.replays = new Map(Object.entries(data?.replays ?? {}));
    for (const line of journalLines) {
      if ('entry' in line) this.entries.set(line.entry, line.value);
      else this.replays.set(line.replay, line.value);
    }
    this.run = (data?.run ?? 0) + journalLines.length + 1;
    this.journal = data?.journal ?? '';
    // A missing, corrupt or foreign file is rewritten at the end of the run.
    if (!data) this.dirty = true;
  }

  /** Opens the cache in `dir` (not created until saved). Never throws: a bad file is treated as empty. */
  static open(dir: string): LintCache {
    const file = path.join(dir, CACHE_FILE);
    let data: CacheFile | undefined;
    let fileBytes = 0;
    try {
      const text = readFileSync(file, 'utf8');
      fileBytes = text.length;
      const parsed = JSON.parse(text) as Partial<CacheFile> | null;
      if (
        parsed &&
        parsed.format === 'migralint-lint-cache' &&
        parsed.version === CACHE_FORMAT &&
        parsed.identity === codeIdentity() &&
        typeof parsed.run === 'number' &&
        typeof parsed.journal === 'string' &&
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
    const { lines, bytes } = data ? readJournal(path.join(dir, JOURNAL_FILE), data.journal) : { lines: [], bytes: 0 };
    return new LintCache(file, data, fileBytes, bytes, lines);
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
    const entry: Entry = { deps, result: { ...rest, findings: rest.findings.slice() }, used: this.run };
    this.entries.set(key, entry);
    this.added.push({ entry: key, value: entry });
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
    const entry: ReplayEntry = { deps, replay, used: this.run };
    this.replays.set(key, entry);
    this.added.push({ replay: key, value: entry });
  }

  /**
   * Writes what the run added: appended to the journal, or the whole cache (through a temp file and a rename) when
   * the file is missing or bad or the journal has grown large. Returns an error message on failure.
   */
  save(): string | undefined {
    if (!this.dirty && this.added.length === 0) return undefined;
    if (!this.dirty) {
      const text = this.added.map((line) => `${JSON.stringify(line)}\n`).join('');
      if (this.journalBytes + text.length <= Math.max(JOURNAL_MIN_BYTES, this.fileBytes / 2)) {
        const journal = path.join(path.dirname(this.file), JOURNAL_FILE);
        try {
          // A new journal (in place of none, or of one for another file) starts with the id of the file it extends.
          if (this.journalBytes === 0) writeFileSync(journal, `${JSON.stringify({ journal: this.journal })}\n${text}`);
          else appendFileSync(journal, text);
          this.journalBytes += text.length;
          this.added.length = 0;
          return undefined;
        } catch {
          /* written whole below */
        }
      }
    }
    return this.saveWhole();
  }

  private saveWhole(): string | undefined {
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
      // A new id: a journal written for the file this replaces is not read beside this one.
      journal: randomBytes(8).toString('hex'),
      entries: recent(this.entries),
      replays: recent(this.replays),
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(data));
      renameSync(tmp, this.file);
      // Folded in: gone (another run's journal for the file replaced is ignored in any case).
      try {
        unlinkSync(path.join(path.dirname(this.file), JOURNAL_FILE));
      } catch {
        /* none */
      }
      this.dirty = false;
      this.added.length = 0;
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

/**
 * The journal's lines when its first names the file read (`journal`); a line that is not a whole entry (a write cut
 * short, another run appending at the same time) is skipped, as an entry it names would be a miss.
 */
function readJournal(file: string, journal: string): { lines: JournalLine[]; bytes: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { lines: [], bytes: 0 };
  }
  const raw = text.split('\n');
  let head: unknown;
  try {
    head = JSON.parse(raw[0] ?? '');
  } catch {
    head = undefined;
  }
  // Another file's journal (or none readable): started again by the next run that adds anything.
  if (!journal || !isRecord(head) || head.journal !== journal) return { lines: [], bytes: 0 };
  const lines: JournalLine[] = [];
  for (const line of raw.slice(1)) {
    if (!line) continue;
    let x: unknown;
    try {
      x = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(x)) continue;
    if (typeof x.entry === 'string' && isEntry(x.value)) lines.push({ entry: x.entry, value: x.value });
    else if (typeof x.replay === 'string' && isReplayEntry(x.value)) lines.push({ replay: x.replay, value: x.value });
  }
  return { lines, bytes: text.length };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function isDeps(deps: unknown): deps is Array<[string, string]> {
  return Array.isArray(deps) && deps.every((d) => Array.isArray(d) && typeof d[0] === 'string' && typeof d[1] === 'string');
}

function isReplayEntry(e: unknown): e is ReplayEntry {
  const x = e as ReplayEntry;
  return !!x && isDeps(x.deps) && typeof x.used === 'number' && typeof x.replay?.hash === 'string' && isPackedDelta(x.replay.packed);
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
