import { conflicts, lockLabel } from '../analysis/locks.js';
import type { FileResult, Finding, LockMode, StatementSummary } from '../types.js';

/**
 * The lock picture of one migration, as data: statements in order (rows) against the relations they lock
 * (columns), each cell the lock mode and what it blocks. The review comment (markdown.ts) and the playground draw
 * it; neither computes it.
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
}

export interface LockPicture {
  columns: PictureColumn[];
  /** Whether some relations are folded into one "other relations" column. */
  hasOthers: boolean;
  rows: PictureRow[];
}

/** The columns: existing relations first, in the order statements reach them, new tables after. */
function columnsOf(statements: StatementSummary[]): { existing: string[]; created: string[]; kinds: Map<string, string> } {
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
  }
  return { existing: order.filter((r) => !created.has(r)), created: order.filter((r) => created.has(r)), kinds };
}

const RANK: Record<Exclude<Strength, 'new'>, number> = { reads: 3, writes: 2, weak: 1 };

/**
 * The picture of a linted migration, or undefined when no statement locks or creates anything. Wide pictures keep
 * the relations with the strongest locks as columns (at most `maxColumns`); the rest share one column.
 */
export function lockPicture(result: FileResult, maxColumns = 8): LockPicture | undefined {
  const worst = new Map<number, Finding['severity']>();
  for (const f of result.findings) if (f.severity === 'error' || !worst.has(f.loc.line)) worst.set(f.loc.line, f.severity);
  const statements = (result.statements ?? []).filter((s) => s.locks.length || s.creates);
  if (!statements.length) return undefined;
  const { existing, created, kinds } = columnsOf(statements);
  const strongestOn = (rel: string) => Math.max(...statements.flatMap((s) => s.locks.filter((l) => l.relation === rel).map((l) => RANK[strength(l.mode)])));
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
    const cellFor = (rel: string, isNew: boolean): PictureCell | undefined => {
      const lock = s.locks.find((l) => l.relation === rel);
      if (!lock) return s.creates === rel ? { strength: 'new', label: 'created', held: false } : undefined;
      return { strength: isNew ? 'new' : strength(lock.mode), label: lockLabel(lock.mode), held: !isNew && held };
    };
    const rest = s.locks
      .filter((l) => others.includes(l.relation))
      .map((l) => ({ relation: l.relation, strength: created.includes(l.relation) ? ('new' as const) : strength(l.mode), label: lockLabel(l.mode), held: false }));
    return { line: s.line, head: s.head, severity: worst.get(s.line), cells: columns.map((c) => cellFor(c.relation, c.isNew)), others: rest };
  });
  return { columns, hasOthers: others.length > 0, rows };
}
