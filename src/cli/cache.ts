/**
 * The lint cache: a merged migration never changes, so its findings are kept between runs and a re-run reads them
 * back instead of parsing again. A file's entry is found by a key over everything its result depends on, and it
 * also lists the files beside it that the lint consulted (a Drizzle journal, Alembic's env.py, a migration_lock.toml
 * …) with their state then; the entry is used only while each of them is unchanged. The cache can only make a run
 * faster: an unreadable, corrupt or foreign cache file is ignored and rewritten.
 *
 * Beside the results it keeps what the replay of each migration taught the schema model (its SchemaDelta), keyed
 * by the file's bytes, settings and the catalog it met: a warm run walks a long history without parsing it. Those
 * are in a file of their own, read only when a run replays a history.
 *
 * And it keeps a record of each way the CLI was run (its paths) with the inputs of its last run: a run with the same
 * files, bytes, options and selection, none of whose consulted files changed, is printed from the entries the record
 * names: it hashes its files (a file whose stat is the one the record lists is not even read: the record's hash is
 * taken, as git's index does), and neither replays its history nor works out a key per file.
 *
 * Per project it keeps a checkpoint: the catalog the last file a run linted met, named by the migrations before it
 * (CheckpointHead), so that a run that only replays those (the newest migration changed) resumes from it. And the
 * run's record keeps what detection said of each file, so that the next run's plan need not read the file again.
 *
 * Each key has a slot (the file and its options); storing a key drops the older entry of its slot, so a migration
 * linted at each of its versions (a pre-commit hook) keeps one entry, not one per version.
 *
 * The file is read whole when a run first needs an entry; a run that only asks for keys it does not hold (a changed
 * migration) learns that from the file's index of keys (INDEX_FILE) and does not read it. What a run adds (a new
 * migration's result and replay, as in a pre-commit hook) is appended to a journal beside it instead of rewriting it:
 * rewriting a long history's cache cost more than linting the one new file. The journal names the file it extends (a random id the file carries), so one
 * left from another file is ignored; once it grows to half the file's size the two are written together again.
 */
import { createHash, hash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPackedDelta, type PackedDelta } from '../project/delta-change.js';
import type { SchemaModel } from '../project/model.js';
import type { Recognised } from '../project/history.js';
import type { FileResult, FrameworkId } from '../types.js';

/** Bumped whenever the stored shape or the meaning of a key changes: older files are then ignored. */
const CACHE_FORMAT = 7;
const CACHE_FILE = 'lint-cache.json';
/**
 * What each migration's replay taught the schema model, in a file of its own: read only when a run replays a history
 * (a run served whole by a run record, below, needs none of it; it was 40% of a long history's cache).
 */
const REPLAYS_FILE = 'lint-replays.json';
/**
 * The keys of the cache file, written with it: a run that only asks for keys the file does not hold (a changed
 * migration in a long history, a pre-commit hook) learns it here and does not read and parse the whole file.
 */
const INDEX_FILE = 'lint-cache.keys.json';
/** What runs added since the file was written: one JSON line each (its first line names the file it extends). */
const JOURNAL_FILE = 'lint-cache.journal';
/** The journal is folded into the file once it is this large, and at least a fraction of the file's size. */
const JOURNAL_MIN_BYTES = 256 * 1024;
/** Entries beyond this many are dropped, least recently used first. */
const MAX_ENTRIES = 50_000;
/**
 * Run records (one per way the CLI is run in a project, each with its report) beyond this many, or beyond this many
 * bytes together, are dropped, the least recently written first; the newest is always kept.
 */
const MAX_RUNS = 16;
const MAX_RUN_BYTES = 64 * 1024 * 1024;

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
  /**
   * What else tells this use of the file apart from another of the same file, besides its bytes and incoming schema
   * (the files of the change, for a narrowed run): part of the key's slot (see cacheKey).
   */
  variant?: unknown;
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
  /** Files consulted, each with its state at the time: a content hash, 'absent', or a directory's listing's hash. */
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

/** What the exit code and the closing messages of a run need of its results. */
export interface RunSummary {
  results: number;
  errors: number;
  warnings: number;
}

/**
 * A whole run's results, for the next run that is the same: the same files (paths and bytes) with the same options,
 * the same selection, and every file any of them consulted unchanged. Such a run only stats (or reads and hashes) its
 * files and prints: the results are the entries it names, with the findings the history's end settled (see runLint) left out,
 * and when it asks for the same report (format, --quiet, colour …), the report itself, kept after the record.
 *
 * One file per way the CLI is run (RUN_FILE): its first line the record, the rest the report's text. Read before
 * the cache file, which a run printed from its record does not read at all.
 */
interface RunRecord {
  format: 'migralint-lint-run';
  version: number;
  identity: string;
  /** The way the CLI was run (runLint's runId): a file named for another is not used. */
  run: string;
  /** The hash of the run's inputs (runInputKey). */
  input: string;
  /** Every file a lint, a replay or the history's plan consulted, with its state then. */
  deps: Array<[string, string]>;
  /** Per result, in order: its file (as the run names it), its entry's key, and the indexes of the findings left out of it. */
  results: Array<[string, string, number[]]>;
  /** The report that follows the record in the file: what it was made for (a key over its options), and its summary. */
  report?: { key: string; bytes: number; summary: RunSummary };
  /**
   * The run's files as it read them: each one's path, its stat (fileStat) and its content's hash. The next run takes
   * the hash of a file whose stat is the same instead of reading and hashing it, as git's index does. Only files whose
   * modification and status-change times were safely before the record was written are kept (see setRun).
   */
  files?: Array<[string, string, string]>;
  /**
   * What detection said of each file as the history's plan asked it (its path, its content's hash, and its framework,
   * or '' and why it is not a migration), with the files detection consulted: the next run takes the answer for a
   * file whose content is the same while those are as they were, and need not read it.
   */
  recognised?: { deps: Array<[string, string]>; files: string[][] };
}

/**
 * A file is listed with its stat in a run's record only when it was last modified this long before the record is
 * written: a file changed within the same tick of the file system's clock as the run read it (same size, same
 * times) would look unchanged ("racy" files, as git calls them). It is read and hashed again by the next run.
 */
const RACY_MS = 2000;

const RUN_FILE_PREFIX = 'lint-run-';
const runFile = (runId: string) => `${RUN_FILE_PREFIX}${runId.slice(0, 24)}.json`;

/**
 * A project's catalog after the first migrations of its history (a checkpoint), so that a run that lints a later one
 * (a pre-commit hook's, the newest migration changed) neither replays nor reads the replays of the ones before it.
 * One file per project (CHECKPOINT_PREFIX + its slot), the newest a run took: its first line the checkpoint, the rest
 * the catalog's JSON, parsed only when the checkpoint is used.
 */
interface CheckpointHead {
  format: 'migralint-lint-checkpoint';
  version: number;
  identity: string;
  /** The project (historyPrefix's start): a file named for another is not used. */
  slot: string;
  /** How many of the project's first migrations the catalog is after. */
  count: number;
  /** Those migrations, named (historyPrefix): each one's path, content and replay options, in order. */
  prefix: string;
  /** The catalog's name after them (ProjectHistory.fingerprint), which the next migration's keys take. */
  print: string;
  /** Every file their replays consulted, with its state then. */
  deps: Array<[string, string]>;
}

const CHECKPOINT_PREFIX = 'lint-history-';
const checkpointFile = (slot: string) => `${CHECKPOINT_PREFIX}${slot.slice(0, 24)}.json`;
/** Checkpoint files (one per project) beyond this many are dropped, the least recently written first. */
const MAX_CHECKPOINTS = 16;
const MAX_CHECKPOINT_BYTES = 256 * 1024 * 1024;

/**
 * The name of a project's first migrations as a replay meets them: its start (the build, the folder, the project's
 * root and framework), then per migration in order its path, its content's hash and its replay's options. The
 * replay is deterministic in these (and in the files it consults, a checkpoint's deps), so the same name, the same
 * catalog.
 */
export const historyPrefix = {
  start(version: string, cwd: string, root: string, framework: string): string {
    return sha256(JSON.stringify([CACHE_FORMAT, 'history-prefix', version, codeIdentity(), cwd, root, framework]));
  },
  next(prefix: string, file: string, bytesHash: string, options: unknown): string {
    return sha256(`${prefix}\0${JSON.stringify(file)}\0${bytesHash}\0${optionsDigest(options)}`);
  },
};

/** The hash of options' JSON, once per options object (historyPrefix names the same few for each file). */
const optionsDigests = new WeakMap<object, string>();

function optionsDigest(options: unknown): string {
  if (typeof options !== 'object' || options === null) return sha256(jsonOfOptions(options));
  let d = optionsDigests.get(options);
  if (d === undefined) optionsDigests.set(options, (d = sha256(jsonOfOptions(options))));
  return d;
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
}

/** REPLAYS_FILE: what each migration taught the schema model, so a warm run replays its history without parsing it. */
interface ReplaysFile {
  format: 'migralint-lint-replays';
  version: number;
  identity: string;
  /** The id of the cache file written with it: a replays file beside another is not read. */
  journal: string;
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
  // One call, not createHash's object per hash: a long history's keys are a few hashes per file.
  return hash('sha256', text, 'hex');
}

/** Each file's bytes are hashed once a run: a file's lint key and its replay key both name them. */
const bytesHashes = new WeakMap<Uint8Array, string>();

/** The hash of a file's bytes, as keys and a run's record name them. */
export function bytesHash(bytes: Uint8Array): string {
  let h = bytesHashes.get(bytes);
  if (h === undefined) bytesHashes.set(bytes, (h = hash('sha256', bytes, 'hex')));
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

/**
 * A file's key: two halves of 32 hex digits. The first, its slot, names the file as this kind of use of it with these
 * options (everything but its bytes and the schema it meets); the second the rest. Storing a key drops the entry of
 * the same slot stored before (an older version of the file, or of the history before it): a pre-commit hook that
 * lints each new version of a migration keeps one entry for it, not one per version.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const slot = sha256(`${slotHash(parts)}\0${JSON.stringify(parts.path)}`).slice(0, 32);
  return slot + sha256(JSON.stringify([slot, parts.incomingSchema ?? null, bytesHash(parts.bytes)])).slice(0, 32);
}

/**
 * The hash of a slot's parts but the file's path (the build, the kind of use, the options, sizes and variant), which
 * a file's slot hashes with its path: one per options object and the rest, instead of hashing the options' JSON again
 * for each file of a long history.
 */
const slotHashes = new WeakMap<object, Map<string, string>>();
const slotHashesOfValues = new Map<string, Map<string, string>>();

function slotHash(parts: CacheKeyParts): string {
  const { options } = parts;
  let byRest: Map<string, string> | undefined;
  if (typeof options === 'object' && options !== null) {
    byRest = slotHashes.get(options);
    if (!byRest) slotHashes.set(options, (byRest = new Map()));
  } else {
    const json = jsonOfOptions(options);
    byRest = slotHashesOfValues.get(json);
    if (!byRest) slotHashesOfValues.set(json, (byRest = new Map()));
  }
  const rest = JSON.stringify([CACHE_FORMAT, parts.kind ?? 'lint', parts.version, codeIdentity(), parts.sizes, parts.variant ?? null]);
  let h = byRest.get(rest);
  if (!h) {
    h = sha256(`${rest}\0${jsonOfOptions(options)}`);
    byRest.set(rest, h);
  }
  return h;
}

const slotOf = (key: string) => key.slice(0, 32);

/**
 * The inputs of a whole run, hashed (a run record is used only when they are the same): the build, the folder, the
 * files selected, whether the run was narrowed to them and whether they deploy together, and every file of the history (each file's path, bytes,
 * options and table sizes), in a stable order.
 */
export function runInputKey(parts: {
  version: string;
  cwd: string;
  selected: string[];
  narrowed: boolean;
  together: boolean;
  /** Each file's content hash (bytesHash), undefined when it cannot be read. */
  files: Array<{ path: string; hash: string | undefined; options: unknown; sizes: string }>;
}): string {
  const h = createHash('sha256').update(
    JSON.stringify([CACHE_FORMAT, 'run', parts.version, codeIdentity(), parts.cwd, parts.selected, parts.narrowed, parts.together]),
  );
  // Each file's options by their hash: a long history has a few options objects, and their JSON per file was most of
  // what this hashed.
  const optionsHashes = new Map<unknown, string>();
  const optionsHash = (options: unknown) => {
    let oh = optionsHashes.get(options);
    if (oh === undefined) optionsHashes.set(options, (oh = sha256(jsonOfOptions(options))));
    return oh;
  };
  for (const f of parts.files) h.update(`\n${JSON.stringify(f.path)}\0${f.hash ?? 'unreadable'}\0${optionsHash(f.options)}\0${f.sizes}`);
  return h.digest('hex');
}

/** A file's stat as a run's record keeps it (device, inode, size, modification and status-change times in ns), and those times. */
export interface FileStat {
  sig: string;
  /** Its modification time, in ms. */
  mtimeMs: number;
}

/** The file's stat (FileStat), or undefined when it is not a file that can be stat'ed. */
export function fileStat(file: string): FileStat | undefined {
  try {
    const st = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!st?.isFile()) return undefined;
    // The status-change time too: the kernel sets it on every write, and no tool sets it back (a file edited in place
    // whose modification time is then restored, as cp -p, tar or rsync do, still has another stat).
    return { sig: `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`, mtimeMs: Number(st.mtimeNs / 1_000_000n) };
  } catch {
    return undefined;
  }
}

/** A consulted file's state now: its content hash, 'absent', a directory's listing's hash, or 'unreadable:<code>'. */
function stateOf(file: string): string {
  try {
    // Most consulted files are absent (a Diesel folder's metadata.toml, say): asked without the exception a failed
    // read throws, which cost more than the rest of a cached replay.
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) return 'absent';
    // A folder an adapter or the history's plan listed: its names (a migration added beside it changes them).
    if (st.isDirectory()) return `dir:${sha256(readdirSync(file).sort().join('\0'))}`;
    return hash('sha256', readFileSync(file), 'hex');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : `unreadable:${code ?? 'error'}`;
  }
}

/** One line of the journal after its first: an entry or a replay a run added. */
type JournalLine = { entry: string; value: Entry } | { replay: string; value: ReplayEntry };

/** INDEX_FILE: the keys of the cache file it names (by its journal id), with what a journal written beside it needs. */
interface IndexFile {
  format: 'migralint-lint-keys';
  version: number;
  identity: string;
  journal: string;
  run: number;
  /** The cache file's length (the journal is folded in once it is half as long). */
  fileBytes: number;
  keys: string[];
}

/** What the cache file's index and the journal tell without the file (see INDEX_FILE). */
interface Light {
  /** The keys of the file, of the journal, and those this run stored. */
  keys: Set<string>;
  /** The entries this run stored before the file was read: put in its entries if it is read after all. */
  stored: Map<string, Entry>;
  journalReplays: Array<{ replay: string; value: ReplayEntry }>;
  run: number;
  journal: string;
  fileBytes: number;
  journalBytes: number;
}

/** The cache file and its journal, as read. */
interface Main {
  entries: Map<string, Entry>;
  /** The journal's replays, applied over REPLAYS_FILE's when it is read. */
  journalReplays: Array<{ replay: string; value: ReplayEntry }>;
  run: number;
  journal: string;
  fileBytes: number;
  journalBytes: number;
}

export class LintCache {
  private mainRead: Main | undefined;
  /** The index and the journal (see INDEX_FILE), read on first use while the file is not; null when there is no usable index. */
  private lightRead: Light | null | undefined;
  /** Read from REPLAYS_FILE on first use. */
  private replaysRead: Map<string, ReplayEntry> | undefined;
  /** The replays this run stored before REPLAYS_FILE was read: put in its replays if it is read after all. */
  private readonly storedReplays = new Map<string, ReplayEntry>();
  /** Per replay this run took from the cache or stored, the files it consulted with their states (a checkpoint's deps). */
  private readonly replayDeps = new Map<string, ReadonlyArray<[string, string]>>();
  private readonly states = new Map<string, string>();
  /** The whole file must be written (it is missing, corrupt or foreign, or its journal is to be folded in). */
  private dirty = false;
  /** What this run added, for the journal. */
  private readonly added: JournalLine[] = [];
  /** Per kind, the key stored in each slot (built on the first store): a store drops the slot's older entry. */
  private readonly slots = new Map<'entry' | 'replay', Map<string, string>>();
  /** Every file the entries and replays this run used or stored consulted: the run record's deps. */
  private readonly runDeps = new Set<string>();
  /** The run record read (getRun) and the one to write (setRun, setReport). */
  private runRead: { record: RunRecord; bytes: Buffer; start: number; reportRead?: boolean } | undefined;
  private runWrite: { record: RunRecord; report?: string | Buffer } | undefined;
  /** The run's record file as read (readRun), whatever its inputs. */
  private runFileRead: { runId: string; read: { record: RunRecord; bytes: Buffer; start: number } | undefined } | undefined;
  /** The checkpoints read (per slot, once, undefined when there is none usable) and those to write. */
  private readonly checkpointsRead = new Map<string, { head: CheckpointHead; bytes: Buffer; start: number } | undefined>();
  private readonly checkpointsToWrite = new Map<string, { head: CheckpointHead; schema: string }>();
  /** The run's files, their stats and hashes (setRunFiles), for the record written. */
  private runFilesNow: Array<[string, string, string]> | undefined;
  private runFilesRestated = false;
  /** What detection said of the run's files (setRunRecognised), for the record written; the deps of the answers read. */
  private recognisedNow: RunRecord['recognised'];
  private recognisedDeps: string[] = [];

  private constructor(readonly file: string) {}

  /** The cache in `dir` (not created until saved). Never throws: a bad file is treated as empty. Read on first use. */
  static open(dir: string): LintCache {
    return new LintCache(path.join(dir, CACHE_FILE));
  }

  private get dir(): string {
    return path.dirname(this.file);
  }

  /** The cache file and its journal, read on first use. */
  private get main(): Main {
    if (this.mainRead) return this.mainRead;
    let data: CacheFile | undefined;
    let fileBytes = 0;
    try {
      const text = readFileSync(this.file, 'utf8');
      fileBytes = text.length;
      const parsed: unknown = JSON.parse(text);
      if (
        isOwnFile<CacheFile>(parsed, 'migralint-lint-cache') &&
        typeof parsed.run === 'number' &&
        typeof parsed.journal === 'string' &&
        isRecord(parsed.entries)
      ) {
        data = parsed as CacheFile;
      }
    } catch {
      data = undefined;
    }
    const { lines, bytes } = data ? readJournal(path.join(this.dir, JOURNAL_FILE), data.journal) : { lines: [], bytes: 0 };
    const main: Main = {
      entries: new Map(Object.entries(data?.entries ?? {})),
      journalReplays: [],
      run: (data?.run ?? 0) + lines.length + 1,
      journal: data?.journal ?? '',
      fileBytes,
      journalBytes: bytes,
    };
    this.mainRead = main;
    for (const line of lines) {
      if ('entry' in line) this.store('entry', main.entries, line.entry, line.value);
      else main.journalReplays.push(line);
    }
    for (const [key, entry] of this.lightRead?.stored ?? []) this.store('entry', main.entries, key, entry);
    // A missing, corrupt or foreign file is rewritten at the end of the run.
    if (!data) this.dirty = true;
    return main;
  }

  /**
   * The index of the cache file and the journal, while the file is not read; null when the index is missing, corrupt,
   * foreign or another build's (the file is read then).
   */
  private get light(): Light | null {
    if (this.lightRead !== undefined) return this.lightRead;
    let light: Light | null = null;
    try {
      const x: unknown = JSON.parse(readFileSync(path.join(this.dir, INDEX_FILE), 'utf8'));
      if (
        isOwnFile<IndexFile>(x, 'migralint-lint-keys') &&
        typeof x.journal === 'string' &&
        x.journal !== '' &&
        typeof x.run === 'number' &&
        typeof x.fileBytes === 'number' &&
        Array.isArray(x.keys) &&
        x.keys.every((k) => typeof k === 'string')
      ) {
        const { lines, bytes } = readJournal(path.join(this.dir, JOURNAL_FILE), x.journal);
        const keys = new Set(x.keys);
        const journalReplays: Light['journalReplays'] = [];
        for (const line of lines) {
          if ('entry' in line) keys.add(line.entry);
          else journalReplays.push(line);
        }
        light = { keys, stored: new Map(), journalReplays, run: x.run + lines.length + 1, journal: x.journal, fileBytes: x.fileBytes, journalBytes: bytes };
      }
    } catch {
      light = null;
    }
    this.lightRead = light;
    return light;
  }

  /** What the journal, the replays and recency need of the cache file: from the file once read, else from its index. */
  private get head(): Pick<Main, 'run' | 'journal' | 'journalReplays' | 'fileBytes' | 'journalBytes'> {
    return this.mainRead ?? this.light ?? this.main;
  }

  /** The replays, read from their file on first use; a missing, corrupt or foreign one is empty (and rewritten). */
  private get replays(): Map<string, ReplayEntry> {
    if (this.replaysRead) return this.replaysRead;
    const main = this.head;
    let data: ReplaysFile | undefined;
    try {
      const parsed: unknown = JSON.parse(readFileSync(path.join(this.dir, REPLAYS_FILE), 'utf8'));
      if (
        isOwnFile<ReplaysFile>(parsed, 'migralint-lint-replays') &&
        // Written with the cache file read: another's would not match its journal.
        main.journal !== '' &&
        parsed.journal === main.journal &&
        isRecord(parsed.replays)
      )
        data = parsed as ReplaysFile;
    } catch {
      data = undefined;
    }
    const replays = new Map(Object.entries(data?.replays ?? {}));
    this.replaysRead = replays;
    for (const line of main.journalReplays) this.store('replay', replays, line.replay, line.value);
    for (const [key, entry] of this.storedReplays) this.store('replay', replays, key, entry);
    this.storedReplays.clear();
    if (!data) this.dirty = true;
    return replays;
  }

  /** Stores an entry, dropping the one its slot held. */
  private store<T>(kind: 'entry' | 'replay', map: Map<string, T>, key: string, value: T): void {
    let slots = this.slots.get(kind);
    if (!slots) {
      slots = new Map([...map.keys()].map((k) => [slotOf(k), k]));
      this.slots.set(kind, slots);
    }
    const before = slots.get(slotOf(key));
    if (before !== undefined && before !== key) map.delete(before);
    slots.set(slotOf(key), key);
    map.set(key, value);
  }

  private currentState(file: string): string {
    let s = this.states.get(file);
    if (s === undefined) {
      s = stateOf(file);
      this.states.set(file, s);
    }
    return s;
  }

  private depsHold(deps: Array<[string, string]>): boolean {
    for (const [file, state] of deps) if (this.currentState(file) !== state) return false;
    for (const [file] of deps) this.runDeps.add(file);
    return true;
  }

  /** The stored result for this key, when every file it consulted is as it was; else undefined. */
  get(key: string): StoredResult | undefined {
    // A key neither the file (by its index) nor the journal holds: a miss, without reading the file.
    if (!this.mainRead && this.light && !this.light.keys.has(key)) return undefined;
    const main = this.main;
    const entry = main.entries.get(key);
    if (!entry || !isEntry(entry) || !this.depsHold(entry.deps)) return undefined;
    // Recency is written with the next change, not on its own: a run with nothing new writes nothing.
    entry.used = main.run;
    return { ...entry.result, findings: entry.result.findings.slice() };
  }

  private depsNow(consulted: Iterable<string>): Array<[string, string]> {
    const files = [...new Set(consulted)].sort();
    for (const f of files) this.runDeps.add(f);
    return files.map((f): [string, string] => [f, this.currentState(f)]);
  }

  /** Stores a fresh result with the files the lint consulted. */
  set(key: string, consulted: Iterable<string>, result: FileResult): void {
    // Per-statement summaries (for the markdown report's lock picture) are most of a result's size: not kept; the
    // markdown format does not use the cache.
    const { filePath: _path, source: _source, statements: _statements, ...rest } = result;
    const entry: Entry = { deps: this.depsNow(consulted), result: { ...rest, findings: rest.findings.slice() }, used: this.head.run };
    const light = this.mainRead ? undefined : this.light;
    if (light) {
      // The file not read: kept for it in case it is read later in the run (and for the journal, below).
      light.keys.add(key);
      light.stored.set(key, entry);
    } else this.store('entry', this.main.entries, key, entry);
    this.added.push({ entry: key, value: entry });
  }

  /** The stored replay of a migration for this key (kind 'replay'), when every file it consulted is as it was. */
  getReplay(key: string): StoredReplay | undefined {
    const entry = this.storedReplays.get(key) ?? this.replays.get(key);
    if (!entry || !isReplayEntry(entry) || !this.depsHold(entry.deps)) return undefined;
    entry.used = this.head.run;
    this.replayDeps.set(key, entry.deps);
    return entry.replay;
  }

  /**
   * Stores what a migration's replay learned, with the files its extraction consulted. The replays' file is not read
   * for it (a run that lints a changed migration after a checkpoint replays nothing): kept for it in case it is read.
   */
  setReplay(key: string, consulted: Iterable<string>, replay: StoredReplay): void {
    const entry: ReplayEntry = { deps: this.depsNow(consulted), replay, used: this.head.run };
    if (this.replaysRead) this.store('replay', this.replaysRead, key, entry);
    else this.storedReplays.set(key, entry);
    this.replayDeps.set(key, entry.deps);
    this.added.push({ replay: key, value: entry });
  }

  /** The files the replay of `key` consulted, when this run took it from the cache or stored it; else undefined. */
  replayConsulted(key: string): ReadonlyArray<[string, string]> | undefined {
    return this.replayDeps.get(key);
  }

  /**
   * The catalog of the project `slot` (historyPrefix.start) after its first `count` migrations, kept by an earlier
   * run, when `prefixOf(count)` names them as they are now (undefined: those are not to be skipped) and every file
   * their replays consulted is as it was; else undefined.
   */
  checkpoint(
    slot: string,
    prefixOf: (count: number) => string | undefined,
  ): { count: number; print: string; schema: SchemaModel; consulted: string[] } | undefined {
    const read = this.readCheckpoint(slot);
    if (!read || prefixOf(read.head.count) !== read.head.prefix) return undefined;
    if (!this.depsHold(read.head.deps)) return undefined;
    let schema: unknown;
    try {
      schema = JSON.parse(read.bytes.toString('utf8', read.start));
    } catch {
      return undefined;
    }
    if (!isRecord(schema) || !['schemas', 'tables', 'indexes', 'types', 'views', 'sequences'].every((k) => isRecord(schema[k]))) return undefined;
    return { count: read.head.count, print: read.head.print, schema: schema as unknown as SchemaModel, consulted: read.head.deps.map(([f]) => f) };
  }

  private readCheckpoint(slot: string): { head: CheckpointHead; bytes: Buffer; start: number } | undefined {
    if (this.checkpointsRead.has(slot)) return this.checkpointsRead.get(slot);
    const file = readHeaded(path.join(this.dir, checkpointFile(slot)));
    const head = file?.head;
    const read =
      file &&
      file.start < file.bytes.length &&
      isOwnFile<CheckpointHead>(head, 'migralint-lint-checkpoint') &&
      head.slot === slot &&
      typeof head.count === 'number' &&
      typeof head.prefix === 'string' &&
      typeof head.print === 'string' &&
      isDeps(head.deps)
        ? { head: head as CheckpointHead, bytes: file.bytes, start: file.start }
        : undefined;
    this.checkpointsRead.set(slot, read);
    return read;
  }

  /**
   * Keeps the catalog (`schema` gives its JSON, written now: the catalog changes as the walk goes on) of the project `slot` after its first `count` migrations, named `prefix`,
   * and that catalog's name (`print`), with the files their replays consulted; written with save() unless it is the
   * checkpoint read.
   */
  setCheckpoint(slot: string, count: number, prefix: string, print: string, consulted: Iterable<string>, schema: () => string): void {
    const read = this.readCheckpoint(slot)?.head;
    if (read && read.count === count && read.prefix === prefix && read.print === print) return;
    const deps = [...new Set(consulted)].sort().map((f): [string, string] => [f, this.currentState(f)]);
    const head: CheckpointHead = { format: 'migralint-lint-checkpoint', version: CACHE_FORMAT, identity: codeIdentity(), slot, count, prefix, print, deps };
    this.checkpointsToWrite.set(slot, { head, schema: schema() });
  }

  private saveCheckpoints(): void {
    for (const [slot, { head, schema }] of this.checkpointsToWrite) {
      const file = path.join(this.dir, checkpointFile(slot));
      writeReplacing(file, `${JSON.stringify(head)}\n${schema}`);
      pruneNewest(this.dir, CHECKPOINT_PREFIX, MAX_CHECKPOINTS, MAX_CHECKPOINT_BYTES, file);
    }
    this.checkpointsToWrite.clear();
  }

  /** Files the run read besides what its lints and replays consulted (the history's plan): deps of its record. */
  consulted(files: Iterable<string>): void {
    for (const f of files) this.runDeps.add(f);
  }

  /**
   * Whether the record of the run `runId` was made from the same inputs (runInputKey) and every file it consulted is
   * as it was. Then `runReport` or `runResults` give what the run printed.
   */
  getRun(runId: string, input: string): boolean {
    const read = this.readRun(runId);
    if (!read || read.record.input !== input) return false;
    for (const [file, state] of read.record.deps) if (this.currentState(file) !== state) return false;
    this.runRead = read;
    return true;
  }

  /** The record of the run `runId` as read from its file (once), whatever its inputs; undefined when there is none usable. */
  private readRun(runId: string): { record: RunRecord; bytes: Buffer; start: number } | undefined {
    if (this.runFileRead?.runId === runId) return this.runFileRead.read;
    const file = readHeaded(path.join(this.dir, runFile(runId)));
    const record = file?.head;
    const read = file && isRunRecord(record) && record.run === runId ? { record, bytes: file.bytes, start: file.start } : undefined;
    this.runFileRead = { runId, read };
    return read;
  }

  /**
   * The files the record of the run `runId` lists (RunRecord.files): per path, its stat then and its content's hash.
   * A file whose stat (fileStat) is the same now has that content: it need not be read to be hashed.
   */
  runFiles(runId: string): Map<string, { sig: string; hash: string }> {
    const out = new Map<string, { sig: string; hash: string }>();
    for (const [file, sig, hash] of this.readRun(runId)?.record.files ?? []) out.set(file, { sig, hash });
    return out;
  }

  /**
   * The run's files with their stats and hashes (RunRecord.files), for the record written (setRun). `restated`: a
   * file the record read lists has another stat and the same hash (a fresh clone, a checkout, touch): the record, when
   * it is printed again, is written again with the stats of now, so that the next run need not read them.
   */
  setRunFiles(files: Array<{ path: string; stat: FileStat | undefined; hash: string | undefined }>, restated: boolean): void {
    const safe = Date.now() - RACY_MS;
    this.runFilesNow = files.filter((f) => f.stat && f.hash && f.stat.mtimeMs < safe).map((f): [string, string, string] => [f.path, f.stat!.sig, f.hash!]);
    this.runFilesRestated = restated;
  }

  /**
   * What detection said of each file as the record of the run `runId` lists it (RunRecord.recognised), when every file
   * detection consulted is as it was: per path, its content's hash then and the answer. Empty otherwise.
   */
  runRecognised(runId: string): Map<string, { hash: string; answer: Recognised }> {
    const out = new Map<string, { hash: string; answer: Recognised }>();
    const recognised = this.readRun(runId)?.record.recognised;
    if (!recognised || !this.depsHold(recognised.deps)) return out;
    this.recognisedDeps = recognised.deps.map(([f]) => f);
    for (const [file, hash, framework, why] of recognised.files)
      out.set(file!, { hash: hash!, answer: framework ? { framework: framework as FrameworkId } : { unrecognised: why! } });
    return out;
  }

  /** What detection said of the run's files (path, content hash, answer), and what it consulted: kept in the run's record. */
  setRunRecognised(files: Array<[string, string, Recognised]>, consulted: Iterable<string>): void {
    const deps = [...new Set([...this.recognisedDeps, ...consulted])].sort().map((f): [string, string] => [f, this.currentState(f)]);
    this.recognisedNow = {
      deps,
      files: files.map(([file, hash, answer]) => ('framework' in answer ? [file, hash, answer.framework] : [file, hash, '', answer.unrecognised])),
    };
  }

  /** The report kept with the run's record (getRun) when it was made for `key` (its format and options), and its summary. */
  runReport(key: string): { report: Buffer; summary: RunSummary } | undefined {
    const read = this.runRead;
    const report = read?.record.report;
    if (!read || !report || report.key !== key || read.bytes.length - read.start !== report.bytes) return undefined;
    read.reportRead = true;
    return { report: read.bytes.subarray(read.start), summary: report.summary };
  }

  /**
   * The results of the run's record (getRun), in its order, without filePath and source; undefined when an entry it
   * names is no longer kept.
   */
  runResults(): Array<{ file: string; result: StoredResult }> | undefined {
    const record = this.runRead?.record;
    if (!record) return undefined;
    const { entries, run } = this.main;
    const out: Array<{ file: string; result: StoredResult }> = [];
    for (const [file, key, left] of record.results) {
      const entry = entries.get(key);
      if (!entry || !isEntry(entry)) return undefined;
      entry.used = run;
      out.push({
        file,
        result: { ...entry.result, findings: left.length ? entry.result.findings.filter((_, i) => !left.includes(i)) : entry.result.findings.slice() },
      });
    }
    return out;
  }

  /**
   * Records the run `runId`: its inputs, the entry of each of its results (in order) with the findings left out of
   * it, and (as deps) every file its lints, replays and plan consulted. Written with save() when it differs from the
   * record read.
   */
  setRun(runId: string, input: string, results: Array<[string, string, number[]]>): void {
    const deps = [...this.runDeps].sort().map((f): [string, string] => [f, this.currentState(f)]);
    const record: RunRecord = { format: 'migralint-lint-run', version: CACHE_FORMAT, identity: codeIdentity(), run: runId, input, deps, results };
    this.runWrite = { record };
  }

  /** Keeps the report of the run recorded (setRun, or the record read), made for `key`, with its summary. */
  setReport(key: string, text: string, summary: RunSummary): void {
    const write = this.runWrite ?? (this.runRead ? { record: { ...this.runRead.record } } : undefined);
    if (!write) return;
    write.record.report = { key, bytes: Buffer.byteLength(text), summary };
    write.report = text;
    this.runWrite = write;
  }

  /** Writes the run's record (with its report) when it is not the one read. */
  private saveRun(): void {
    const read = this.runRead;
    const files = this.runFilesNow;
    // The record read, printed again, with its files' stats as they are now (when they differ from the ones it has).
    if (!this.runWrite && read && files && this.runFilesRestated) {
      const report = read.record.report && read.bytes.length - read.start === read.record.report.bytes ? read.bytes.subarray(read.start) : undefined;
      this.runWrite = { record: { ...read.record, ...(report ? {} : { report: undefined }) }, report };
      if (report) read.reportRead = true;
    }
    const write = this.runWrite;
    if (!write) return;
    if (files) write.record.files = files;
    if (this.recognisedNow) write.record.recognised = this.recognisedNow;
    // The same record and report as read (a report is named by its inputs), the report whole: nothing to write.
    if (read && (write.report === undefined || read.reportRead) && JSON.stringify(read.record) === JSON.stringify(write.record)) return;
    const file = path.join(this.dir, runFile(write.record.run));
    const head = JSON.stringify(write.record);
    if (!writeReplacing(file, write.report === undefined ? head : Buffer.concat([Buffer.from(`${head}\n`), Buffer.from(write.report)]))) return;
    // The records of other ways of running the CLI: the most recently written are kept, up to MAX_RUNS and MAX_RUN_BYTES.
    pruneNewest(this.dir, RUN_FILE_PREFIX, MAX_RUNS, MAX_RUN_BYTES, file);
  }

  /**
   * Writes what the run added: appended to the journal, or the whole cache (through a temp file and a rename) when
   * the file is missing or bad or the journal has grown large; and the run's record. Returns an error message on
   * failure.
   */
  save(): string | undefined {
    this.saveRun();
    this.saveCheckpoints();
    const main = this.mainRead ?? this.lightRead;
    if (!main || (!this.dirty && this.added.length === 0)) return undefined;
    if (!this.dirty) {
      const text = this.added.map((line) => `${JSON.stringify(line)}\n`).join('');
      if (main.journalBytes + text.length <= Math.max(JOURNAL_MIN_BYTES, main.fileBytes / 2)) {
        const journal = path.join(this.dir, JOURNAL_FILE);
        try {
          // A new journal (in place of none, or of one for another file) starts with the id of the file it extends.
          if (main.journalBytes === 0) writeFileSync(journal, `${JSON.stringify({ journal: main.journal })}\n${text}`);
          else appendFileSync(journal, text);
          main.journalBytes += text.length;
          this.added.length = 0;
          return undefined;
        } catch {
          /* written whole below */
        }
      }
    }
    return this.saveWhole(this.main);
  }

  private saveWhole(main: Main): string | undefined {
    const recent = <T extends { used: number }>(m: Map<string, T>): Record<string, T> => {
      let kept = [...m];
      if (kept.length > MAX_ENTRIES) kept = kept.sort((a, b) => b[1].used - a[1].used).slice(0, MAX_ENTRIES);
      return Object.fromEntries(kept);
    };
    // A new id: a journal written for the file this replaces is not read beside this one.
    const journal = randomBytes(8).toString('hex');
    const data: CacheFile = {
      format: 'migralint-lint-cache',
      version: CACHE_FORMAT,
      identity: codeIdentity(),
      run: main.run,
      journal,
      entries: recent(main.entries),
    };
    const replays: ReplaysFile = {
      format: 'migralint-lint-replays',
      version: CACHE_FORMAT,
      identity: codeIdentity(),
      journal,
      replays: recent(this.replays),
    };
    const written: string[] = [];
    let mainBytes = 0;
    try {
      mkdirSync(this.dir, { recursive: true });
      // An index of the file replaced would name its keys: gone before the file is (a run cut short leaves none).
      try {
        unlinkSync(path.join(this.dir, INDEX_FILE));
      } catch {
        /* none */
      }
      // The replays first: a cache file names the replays written with it (its journal id), never older ones.
      for (const [file, value] of [
        [path.join(this.dir, REPLAYS_FILE), replays],
        [this.file, data],
      ] as const) {
        const tmp = `${file}.${process.pid}.tmp`;
        written.push(tmp);
        const text = JSON.stringify(value);
        if (file === this.file) mainBytes = text.length;
        writeFileSync(tmp, text);
        renameSync(tmp, file);
        written.pop();
      }
      // Its keys, for the runs that only need to know a key is not there (written after it: an index that names
      // another file's journal id is of no use to a run that reads this one, and the other way round).
      const index: IndexFile = {
        format: 'migralint-lint-keys',
        version: CACHE_FORMAT,
        identity: codeIdentity(),
        journal,
        run: main.run,
        fileBytes: mainBytes,
        keys: Object.keys(data.entries),
      };
      const indexFile = path.join(this.dir, INDEX_FILE);
      const tmp = `${indexFile}.${process.pid}.tmp`;
      written.push(tmp);
      writeFileSync(tmp, JSON.stringify(index));
      renameSync(tmp, indexFile);
      written.pop();
      // Folded in: gone (another run's journal for the file replaced is ignored in any case).
      try {
        unlinkSync(path.join(this.dir, JOURNAL_FILE));
      } catch {
        /* none */
      }
      this.dirty = false;
      this.added.length = 0;
      return undefined;
    } catch (error) {
      for (const tmp of written) {
        try {
          unlinkSync(tmp);
        } catch {
          /* nothing written */
        }
      }
      return `cannot write the cache ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  }
}

/**
 * A file whose first line is a JSON head (a run's record, a checkpoint) and the rest a body read only when it is used:
 * the head parsed, the bytes, and where the body starts. Undefined when it cannot be read or its head parsed.
 */
function readHeaded(file: string): { head: unknown; bytes: Buffer; start: number } | undefined {
  try {
    const bytes = readFileSync(file);
    const end = bytes.indexOf(10);
    return { head: JSON.parse(bytes.toString('utf8', 0, end < 0 ? bytes.length : end)), bytes, start: end < 0 ? bytes.length : end + 1 };
  } catch {
    return undefined;
  }
}

/** Writes `file` whole through a temp file and a rename (a reader never sees half of it); false when it could not. */
function writeReplacing(file: string, data: string | Uint8Array): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing written */
    }
    return false;
  }
}

/**
 * Of the files in `dir` named `prefix`….json, keeps the `max` most recently written, up to `maxBytes` together, and
 * always `keep` (the one just written).
 */
function pruneNewest(dir: string, prefix: string, max: number, maxBytes: number, keep: string): void {
  try {
    const files = readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
      .map((f) => ({ f, stat: statSync(path.join(dir, f)) }))
      .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
    let bytes = 0;
    files.forEach(({ f, stat }, i) => {
      bytes += stat.size;
      if (f !== path.basename(keep) && (i >= max || bytes > maxBytes)) unlinkSync(path.join(dir, f));
    });
  } catch {
    /* another run pruned them */
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

/**
 * A file of this cache's: of this kind (`format`), in this format's version, written by this build. Anything else (a
 * corrupt file, another tool's, an older migralint's) is not read: it is ignored and rewritten.
 */
function isOwnFile<T extends { format: string }>(x: unknown, format: T['format']): x is Partial<T> & Pick<T, 'format'> {
  return isRecord(x) && x.format === format && x.version === CACHE_FORMAT && x.identity === codeIdentity();
}

function isDeps(deps: unknown): deps is Array<[string, string]> {
  return Array.isArray(deps) && deps.every((d) => Array.isArray(d) && typeof d[0] === 'string' && typeof d[1] === 'string');
}

function isRunRecord(e: unknown): e is RunRecord {
  if (!isOwnFile<RunRecord>(e, 'migralint-lint-run')) return false;
  const x = e;
  return (
    typeof x.run === 'string' &&
    typeof x.input === 'string' &&
    isDeps(x.deps) &&
    Array.isArray(x.results) &&
    x.results.every(
      (r) => Array.isArray(r) && typeof r[0] === 'string' && typeof r[1] === 'string' && Array.isArray(r[2]) && r[2].every((i) => typeof i === 'number'),
    ) &&
    (x.report === undefined ||
      (isRecord(x.report) &&
        typeof x.report.key === 'string' &&
        typeof x.report.bytes === 'number' &&
        isRecord(x.report.summary) &&
        ['results', 'errors', 'warnings'].every((k) => typeof (x.report!.summary as unknown as Record<string, unknown>)[k] === 'number'))) &&
    (x.files === undefined || (Array.isArray(x.files) && x.files.every((f) => Array.isArray(f) && f.length === 3 && f.every((p) => typeof p === 'string')))) &&
    (x.recognised === undefined ||
      (isRecord(x.recognised) &&
        isDeps(x.recognised.deps) &&
        Array.isArray(x.recognised.files) &&
        x.recognised.files.every((f) => Array.isArray(f) && f.length === (f[2] === '' ? 4 : 3) && f.every((p) => typeof p === 'string'))))
  );
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
