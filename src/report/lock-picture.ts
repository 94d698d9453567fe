import { conflicts, lockLabel } from '../analysis/locks.js';
import type { TracedFile, TracedStatement } from '../trace/trace.js';
import type { FileResult, Finding, LockMode, StatementSummary } from '../types.js';

/**
 * The lock picture of one migration, as data: statements in order (rows) against the relations they lock
 * (columns), each cell the lock mode and what it blocks. The review comment (markdown.ts) and the playground draw
 * it; neither computes it.
 */

/**
 * With a trace (`migralint trace`), the picture also shows what PostgreSQL did: per cell the lock it granted and how
 * long it was held (to the statement's end outside a transaction, to the COMMIT or ROLLBACK inside one), per row how
 * the statement ended (its error where it failed).
 */

/** What a lock does to the application's traffic, or that the relation is new in this migration (nobody waits). */
export type Strength = 'reads' | 'writes' | 'weak' | 'new';

/** Blocks reads (ACCESS EXCLUSIVE), writes (SHARE-class), or neither. */
export function strength(mode: LockMode): Exclude<Strength, 'new'> {
  if (conflicts(mode, 'AccessShareLock')) return 'reads';
  if (conflicts(mode, 'RowExclusiveLock')) return 'writes';
  return 'weak';
}

export interface PictureColumn {
  relation: string;
  /** `index`, `sequence` …; absent for a table. */
  kind?: string;
  /** Created earlier in this migration. */
  isNew: boolean;
}

export interface PictureCell {
  strength: Strength;
  /** The lock mode in SQL words ("ACCESS EXCLUSIVE"), or `created` for the statement that creates the table. */
  label: string;
  /** Held until the transaction commits (the statement runs in one), on an existing relation. */
  held: boolean;
  /** What the trace saw on this relation (absent: no trace, or no lock seen). */
  observed?: ObservedCell;
  /** The trace found a different lock than the static analysis claims here (a migralint bug). */
  mismatch?: boolean;
  /** No new lock seen: the transaction already held this one since an earlier statement. */
  stillHeld?: boolean;
}

export interface ObservedCell {
  strength: Strength;
  /** The granted mode in SQL words. */
  label: string;
  heldMs: number;
  /** What released it: the statement's end, or its transaction's COMMIT / ROLLBACK. */
  until: 'statement' | 'commit' | 'rollback';
}

/** How the statement of a row ran in the trace. */
export interface RowObservation {
  status: TracedStatement['status'] | 'not-run' | 'not-traced';
  durationMs?: number;
  error?: { message: string; code?: string; line?: number; column?: number };
  /** Sent as part of the one query that starts on this line (its locks are shown there). */
  inQueryOf?: number;
  /** A table the statement rewrote (new relfilenode). */
  rewritten?: string[];
}

export interface PictureRow {
  line: number;
  head: string;
  /** The worst severity of a finding on this line. */
  severity?: Finding['severity'];
  /** One per column, in the columns' order; undefined where the statement does not lock that relation. */
  cells: Array<PictureCell | undefined>;
  /** Locks on the relations that did not get a column of their own. */
  others: Array<PictureCell & { relation: string }>;
  /** With a trace: how the statement ran. */
  observed?: RowObservation;
}

export interface LockPicture {
  columns: PictureColumn[];
  /** Whether some relations are folded into one "other relations" column. */
  hasOthers: boolean;
  rows: PictureRow[];
}

/** The columns: existing relations first, in the order statements reach them, new tables after. */
function columnsOf(
  statements: StatementSummary[],
  observedOn: (s: StatementSummary) => string[],
): { existing: string[]; created: string[]; kinds: Map<string, string> } {
  const created = new Set<string>();
  const order: string[] = [];
  const kinds = new Map<string, string>();
  for (const s of statements) {
    if (s.creates) created.add(s.creates);
    for (const t of s.tables) if (t.sizeClass === 'new') created.add(t.name);
    for (const l of s.locks) {
      if (!order.includes(l.relation)) order.push(l.relation);
      if (l.on !== 'table') kinds.set(l.relation, l.on);
    }
    if (s.creates && !order.includes(s.creates)) order.push(s.creates);
    for (const rel of observedOn(s)) if (!order.includes(rel)) order.push(rel);
  }
  return { existing: order.filter((r) => !created.has(r)), created: order.filter((r) => created.has(r)), kinds };
}

const RANK: Record<Exclude<Strength, 'new'>, number> = { reads: 3, writes: 2, weak: 1 };

/** Tables only: the trace also sees index and sequence locks, which the picture's table columns do not show. */
const TABLE_KINDS = new Set(['r', 'p']);

/** The trace's records of a file by the line of the picture's rows (a one-query chunk stands for the lines it spans). */
function traceIndex(trace: TracedFile | undefined): (line: number) => { rec?: TracedStatement; observation?: RowObservation } {
  if (!trace) return () => ({});
  const recs = [...trace.statements].sort((a, b) => a.line - b.line);
  const byLine = new Map(recs.map((r) => [r.line, r]));
  return (line) => {
    const rec = byLine.get(line);
    if (rec) {
      const observation: RowObservation = {
        status: rec.status,
        durationMs: rec.durationMs,
        ...(rec.error ? { error: rec.error } : {}),
        ...(rec.rewritten.length ? { rewritten: rec.rewritten } : {}),
      };
      return { rec, observation };
    }
    const query = recs.find((r) => r.lines?.includes(line));
    if (query) return { observation: { status: query.status, inQueryOf: query.line } };
    if (trace.status === 'not-traced') return { observation: { status: 'not-traced' } };
    // The trace stopped before this statement: an earlier one failed.
    return { observation: { status: 'not-run' } };
  };
}

/**
 * The picture of a linted migration, or undefined when no statement locks or creates anything. Wide pictures keep
 * the relations with the strongest locks as columns (at most `maxColumns`); the rest share one column. With the
 * file's trace, cells carry what PostgreSQL granted and rows how the statement ran.
 */
export function lockPicture(result: FileResult, maxColumns = 8, trace?: TracedFile): LockPicture | undefined {
  const worst = new Map<number, Finding['severity']>();
  for (const f of result.findings) if (f.severity === 'error' || !worst.has(f.loc.line)) worst.set(f.loc.line, f.severity);
  const traced = traceIndex(trace);
  const observedLocks = (s: StatementSummary) => traced(s.line).rec?.observed.locks.filter((l) => TABLE_KINDS.has(l.kind)) ?? [];
  const statements = (result.statements ?? []).filter((s) => s.locks.length || s.creates || observedLocks(s).length || traced(s.line).rec?.error);
  if (!statements.length) return undefined;
  const { existing, created, kinds } = columnsOf(statements, (s) => observedLocks(s).map((l) => l.relation));
  const modesOn = (rel: string) =>
    statements.flatMap((s) => [
      ...s.locks.filter((l) => l.relation === rel).map((l) => l.mode),
      ...observedLocks(s)
        .filter((l) => l.relation === rel)
        .map((l) => l.mode),
    ]);
  const strongestOn = (rel: string) => Math.max(...modesOn(rel).map((m) => RANK[strength(m)]));
  let shownExisting = existing;
  let shownCreated = created;
  if (existing.length + created.length > maxColumns) {
    shownExisting = [...existing].sort((a, b) => strongestOn(b) - strongestOn(a)).slice(0, Math.min(existing.length, maxColumns - Math.min(created.length, 2)));
    shownCreated = created.slice(0, maxColumns - shownExisting.length);
    shownExisting = existing.filter((r) => shownExisting.includes(r));
  }
  const others = [...existing, ...created].filter((r) => !shownExisting.includes(r) && !shownCreated.includes(r));
  const columns: PictureColumn[] = [
    ...shownExisting.map((relation) => ({ relation, kind: kinds.get(relation), isNew: false })),
    ...shownCreated.map((relation) => ({ relation, kind: kinds.get(relation), isNew: true })),
  ];
  const rows = statements.map((s): PictureRow => {
    const held = !!s.transaction;
    const { rec, observation } = traced(s.line);
    const seen = observedLocks(s);
    const observedOn = (rel: string, isNew: boolean): ObservedCell | undefined => {
      const l = seen.find((x) => x.relation === rel);
      return l ? { strength: isNew ? 'new' : strength(l.mode), label: lockLabel(l.mode), heldMs: l.heldMs, until: l.until } : undefined;
    };
    // A mismatch is the trace's verdict on the statement; the cells it concerns are those where claim and sight differ.
    const differs = (rel: string) => {
      if (rec?.status !== 'mismatch') return false;
      const claimed = rec.expected.locks.find((l) => l.relation === rel)?.mode;
      const got = seen.find((l) => l.relation === rel)?.mode;
      return claimed !== got && !(claimed && !got && rec.stillHeld.includes(rel));
    };
    const cellFor = (rel: string, isNew: boolean): PictureCell | undefined => {
      const lock = s.locks.find((l) => l.relation === rel);
      const observed = observedOn(rel, isNew);
      const extra = {
        ...(observed ? { observed } : {}),
        ...(differs(rel) ? { mismatch: true } : {}),
        ...(!observed && rec?.stillHeld.includes(rel) ? { stillHeld: true } : {}),
      };
      if (!lock) {
        if (s.creates === rel) return { strength: 'new', label: 'created', held: false, ...extra };
        // Seen by the trace only: no static claim to show, only what PostgreSQL granted.
        return observed ? { strength: observed.strength, label: '', held: false, ...extra } : undefined;
      }
      return { strength: isNew ? 'new' : strength(lock.mode), label: lockLabel(lock.mode), held: !isNew && held, ...extra };
    };
    const rest = s.locks
      .filter((l) => others.includes(l.relation))
      .map((l) => ({
        relation: l.relation,
        strength: created.includes(l.relation) ? ('new' as const) : strength(l.mode),
        label: lockLabel(l.mode),
        held: false,
      }));
    return {
      line: s.line,
      head: s.head,
      severity: worst.get(s.line),
      cells: columns.map((c) => cellFor(c.relation, c.isNew)),
      others: rest,
      ...(observation ? { observed: observation } : {}),
    };
  });
  return { columns, hasOthers: others.length > 0, rows };
}
