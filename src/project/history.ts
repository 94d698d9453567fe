/**
 * The project stage of a run: every discovered migration is read, grouped into projects, ordered as its tool
 * applies it, and replayed in that order. Files being linted get the catalog as the migrations before them left
 * it; the others are only replayed (extract → parse → replay, no rules). What a file teaches the catalog is a
 * SchemaDelta, a plain value, so it can be cached by content later.
 */
import { hash as oneHash } from 'node:crypto';
import path from 'node:path';
import { adapterFor, detectFramework, recognise } from '../sources/index.js';
import { parseUnit } from '../sql/statements.js';
import { LineIndex } from '../sql/text.js';
import type { FrameworkId, SourceFile } from '../types.js';
import type { LintOptions, ModelOptions } from '../engine/lint.js';
import { emptyModel, indexKeysOn, leadsWith, OBJECT_KINDS, setIndexInPlace, type SchemaDelta, type SchemaModel } from './model.js';
import { orderHistory, type HistoryFile, type OrderWarning, type Project } from './order.js';
import { Replay } from './replay.js';
import { applyPackedInPlace, packedFits, type PackedDelta } from './delta-change.js';
import { NO_FILES, type FileSystem } from '../fs.js';

/** What one migration changed, from its statements over the incoming catalog, without running any rule. */
export function replaySource(file: SourceFile, options: LintOptions, schema: SchemaModel): { delta: SchemaDelta; unknown: string[] } {
  const fs = options.fs ?? NO_FILES;
  const framework = options.framework ?? detectFramework(file.path, file.text, fs);
  const unit = adapterFor(framework).extract(file, { settings: options.settings, warn: () => undefined, fs, state: schema.framework });
  const parsed = parseUnit(unit, new LineIndex(file.text));
  const replay = new Replay(schema, file.path);
  for (const s of parsed.statements) {
    if (s.item.exec.separateRun) continue;
    try {
      // What the call states about the columns before it runs, where the model does not know them (as the analysis does).
      if (s.item.kind === 'operation') for (const p of s.item.presumes ?? []) replay.presume(p);
      replay.applyStatement(s);
    } catch {
      // The model stays as it was before this statement. The crash is reported where the file is linted: the
      // analysis makes it an internal-error finding on this statement (src/analysis/analyze.ts, modelPass).
    }
  }
  const delta = replay.delta();
  if (unit.state !== undefined) delta.framework = unit.state;
  return { delta, unknown: replay.unknown };
}

/** A delta's identity: equal deltas, equal hashes (the replay is deterministic, so its JSON is too). */
export function deltaHash(delta: SchemaDelta): string {
  // A framework's state names itself by its fingerprint (a digest of the migrations that made it), when it has one:
  // its text is the whole state, and hashing it per migration would make a long history quadratic.
  const { framework, ...catalog } = delta;
  const state = (framework as { fingerprint?: string } | undefined)?.fingerprint ?? framework ?? null;
  return oneHash('sha256', JSON.stringify([catalog, state]), 'hex');
}

/** Applies a delta to a model its caller owns (what applyDelta returns, without the copy). */
export function applyDeltaInPlace(model: SchemaModel, delta: SchemaDelta): void {
  for (const [k, v] of Object.entries(delta.indexes)) setIndexInPlace(model.indexes, k, v);
  for (const kind of ['schemas', ...OBJECT_KINDS] as const) {
    if (kind === 'indexes') continue;
    const into = model[kind] as Record<string, unknown>;
    for (const [k, v] of Object.entries(delta[kind])) {
      if (v === null || v === undefined) delete into[k];
      else into[k] = v;
    }
  }
  if (delta.framework !== undefined) model.framework = delta.framework;
}

/** What detection says of a file: its framework, or why it is not a migration. */
export type Recognised = ReturnType<typeof recognise>;

/** The fingerprint of the empty catalog a project's history starts from. */
const START = oneHash('sha256', 'migralint-schema-start', 'hex');

export interface PlannedFile {
  path: string;
  source?: SourceFile;
  /** Linted (selected), or only replayed. */
  lint: boolean;
  /** The project's place in `projects`; undefined for a selected file no project holds. */
  project?: number;
}

/**
 * A run's projects and their replay. `visit` yields every file to handle, in history order: a project's files
 * in the tool's order (linted or only replayed), then selected files outside any project.
 */
export class ProjectHistory {
  private readonly projectOf = new Map<string, Project>();
  private readonly models = new Map<Project, SchemaModel>();
  private readonly seen = new Map<Project, number>();
  /** Per project: a hash chained over the deltas applied so far, naming the catalog the next file meets. */
  private readonly prints = new Map<Project, string>();
  private readonly notes = new Map<string, string[]>();
  private readonly notRun = new Map<string, string>();
  private readonly positions = new Map<Project, Map<string, number>>();
  private readonly lastOf = new Map<Project, { together: ReadonlySet<string>; last: number }>();
  readonly projects: Project[];

  private constructor(
    history: { projects: Project[]; warnings: OrderWarning[] },
    private readonly change: ReadonlySet<string> | undefined,
    private readonly fingerprints: boolean,
  ) {
    this.projects = history.projects;
    for (const p of history.projects) for (const f of p.files) this.projectOf.set(f, p);
    for (const w of history.warnings) {
      this.notes.set(w.file, [...(this.notes.get(w.file) ?? []), w.message]);
      if (w.notRunByTool) this.notRun.set(w.file, w.message);
    }
  }

  /** Why the migration tool never runs `file` (its index does not list it), or undefined when it does. */
  notRunByTool(file: string): string | undefined {
    return this.notRun.get(file);
  }

  /**
   * Reads and orders `files` (paths relative to `cwd` or absolute). `frameworkOf` gives the configured
   * framework of a file, if any. `change`: the files of the change (git or baseline); undefined when the run is
   * not narrowed, so only a file's own tables are new. `fingerprints: false`: the catalogs are not named (what
   * fingerprint() gives is then '' for every file of a project): a run without the cache has no use for the names.
   */
  static plan(
    files: string[],
    cwd: string,
    read: (file: string) => SourceFile | undefined,
    frameworkOf: (file: string) => FrameworkId | undefined,
    fs: FileSystem,
    change?: ReadonlySet<string>,
    {
      fingerprints = true,
      known,
    }: {
      fingerprints?: boolean;
      /**
       * What detection said of a file before, when it would say the same now (the same text, the same answers from the
       * files beside it: the lint cache knows): the file is then read only if its order needs its text.
       */
      known?: (file: string) => Recognised | undefined;
    } = {},
  ): { history: ProjectHistory; sources: Map<string, SourceFile>; recognised: Map<string, Recognised> } {
    const sources = new Map<string, SourceFile>();
    const entries: HistoryFile[] = [];
    /** What detection said of each file the configuration does not give a framework (known, or asked now). */
    const recognised = new Map<string, Recognised>();
    for (const f of files) {
      const forced = frameworkOf(f);
      const before = forced ? undefined : known?.(f);
      if (before) {
        recognised.set(f, before);
        if ('unrecognised' in before) continue;
        // Its text only when the tool's order reads it (a plain-SQL history is ordered by the files' names).
        entries.push({
          path: f,
          framework: before.framework,
          get text() {
            return read(f)?.text ?? '';
          },
        });
        continue;
      }
      const source = read(f);
      if (!source) continue;
      sources.set(f, source);
      const answer = forced ? { framework: forced } : recognise(f, source.text, fs);
      if (!forced) recognised.set(f, answer);
      if ('unrecognised' in answer) continue;
      entries.push({ path: f, text: source.text, framework: answer.framework });
    }
    const history = orderHistory(entries, (p) => fs.readFile(path.resolve(cwd, p)));
    return { history: new ProjectHistory(history, change, fingerprints), sources, recognised };
  }

  /** Files in the order to handle them: each project's history, then the selected files no project holds. */
  order(selected: string[]): PlannedFile[] {
    const want = new Set(selected);
    const out: PlannedFile[] = [];
    this.projects.forEach((p, project) => {
      // Only projects with a file to lint are replayed.
      if (!p.files.some((f) => want.has(f))) return;
      const last = Math.max(...p.files.map((f, i) => (want.has(f) ? i : -1)));
      p.files.slice(0, last + 1).forEach((f) => out.push({ path: f, lint: want.has(f), project }));
    });
    const placed = new Set(out.map((x) => x.path));
    for (const f of selected) if (!placed.has(f)) out.push({ path: f, lint: true });
    return out;
  }

  /** The model options for a file about to be linted or replayed; undefined for a file outside every project. */
  modelFor(file: string): ModelOptions | undefined {
    const p = this.projectOf.get(file);
    if (!p) return undefined;
    const schema = this.models.get(p) ?? emptyModel();
    const index = this.positionsOf(p).get(file) ?? -1;
    let change = this.change ? new Set([...this.change].filter((f) => this.projectOf.get(f) === p)) : undefined;
    // Migrations every database runs in the same deploy as this one: what they created is new when it runs.
    const together = p.together?.get(file);
    if (together) change = new Set([...(change ?? [file]), ...together]);
    return {
      schema,
      change,
      hasHistory: index > 0,
      ...(p.newDatabase?.has(file) ? { newDatabaseOnly: true as const } : {}),
      notes: this.notes.get(file),
      onDelta: (delta) => this.record(file, delta),
    };
  }

  /**
   * A name for the catalog `file` meets (as of the files advanced so far): a hash chained over the deltas of the
   * migrations before it, so the same history gives the same name, in O(1) per file instead of hashing the whole
   * catalog. Undefined for a file outside every project; '' when the history was planned without fingerprints.
   */
  fingerprint(file: string): string | undefined {
    const p = this.projectOf.get(file);
    if (!p) return undefined;
    return this.fingerprints ? (this.prints.get(p) ?? START) : '';
  }

  /**
   * The project of `file` resumed from a catalog kept earlier (a checkpoint of the lint cache) and that catalog's name:
   * as if the files before it had been advanced past. The catalog becomes this history's.
   */
  resume(file: string, schema: SchemaModel, print: string): void {
    const p = this.projectOf.get(file);
    if (!p) return;
    this.models.set(p, schema);
    if (this.fingerprints) this.prints.set(p, print);
  }

  /** What a file changed, applied once: a file linted several times (--fix) records its last delta. `hash`: its deltaHash, when known. */
  private readonly pending = new Map<string, { delta: SchemaDelta; hash?: string } | { packed: PackedDelta; hash: string }>();
  record(file: string, delta: SchemaDelta, hash?: string): void {
    this.pending.set(file, { delta, hash });
  }

  /**
   * What a file changed, as the lint cache keeps it (packDelta), when it fits the catalog the file meets now
   * (packedFits); false when it does not, and nothing is recorded.
   */
  recordPacked(file: string, packed: PackedDelta, hash: string): boolean {
    const p = this.projectOf.get(file);
    if (!p || !packedFits(packed, this.models.get(p) ?? emptyModel())) return false;
    this.pending.set(file, { packed, hash });
    return true;
  }

  /** Moves the project's catalog past a file, once it has been linted or replayed. */
  advance(file: string): void {
    const p = this.projectOf.get(file);
    const recorded = this.pending.get(file);
    if (!p || !recorded) return;
    this.pending.delete(file);
    // In place: the project's catalog belongs to this history, and a file's model is used only until it advances.
    // A copy per file (applyDelta) made a long history quadratic: each migration copied every table's entry.
    const model = this.models.get(p) ?? emptyModel();
    if ('packed' in recorded) applyPackedInPlace(model, recorded.packed);
    else applyDeltaInPlace(model, recorded.delta);
    this.models.set(p, model);
    if (this.fingerprints) {
      const hash = recorded.hash ?? deltaHash((recorded as { delta: SchemaDelta }).delta);
      // One call per migration, not createHash's object: the chain is a hash per file of a long history.
      this.prints.set(p, oneHash('sha256', `${this.prints.get(p) ?? START}\0${hash}`, 'hex'));
    }
    this.seen.set(p, (this.seen.get(p) ?? 0) + 1);
  }

  /**
   * Whether the foreign key on `columns` of `table` that `file` adds is settled by the migrations deployed with it:
   * one of them, at or after `file`, dropped the key, or built an index leading with `columns` on `table`
   * that the catalog still holds (as of the files advanced so far): a foreign key added earlier is then indexed by
   * the time the migrations are deployed. Deployed together: the change's migrations, or, when the run is not
   * narrowed to a change, the files being linted (`linted`).
   */
  indexedInChange(file: string, table: string, columns: string[], linted: ReadonlySet<string>): boolean {
    const p = this.projectOf.get(file);
    const model = p ? this.models.get(p) : undefined;
    if (!p || !model) return false;
    const together = this.change ?? linted;
    const position = this.positionsOf(p);
    const from = position.get(file) ?? -1;
    // The key itself is gone by the end (its column or constraint dropped by a later migration deployed with it).
    const t = model.tables[table];
    if (
      t &&
      !t.constraints.some((c) => c.kind === 'foreign' && c.columns.length === columns.length && columns.every((x) => c.columns.includes(x))) &&
      this.lastDeployed(p, together) > from
    )
      return true;
    for (const key of indexKeysOn(model.indexes, table)) {
      const ix = model.indexes[key]!;
      if (together.has(ix.createdBy) && (position.get(ix.createdBy) ?? -1) >= from && leadsWith(ix, columns)) return true;
    }
    return false;
  }

  /** Each file's place in its project's history, computed once per project (a lookup per call kept long histories quadratic). */
  private positionsOf(p: Project): Map<string, number> {
    let m = this.positions.get(p);
    if (!m) this.positions.set(p, (m = new Map(p.files.map((f, i) => [f, i]))));
    return m;
  }

  /** The place of the last of `p`'s files deployed together (`together`), -1 for none; computed once per set. */
  private lastDeployed(p: Project, together: ReadonlySet<string>): number {
    const known = this.lastOf.get(p);
    if (known && known.together === together) return known.last;
    let last = -1;
    p.files.forEach((f, i) => {
      if (together.has(f)) last = i;
    });
    this.lastOf.set(p, { together, last });
    return last;
  }

  /** The catalog of the project holding `file`, as of the files advanced so far. */
  schemaOf(file: string): SchemaModel | undefined {
    const p = this.projectOf.get(file);
    return p ? (this.models.get(p) ?? emptyModel()) : undefined;
  }
}
