/**
 * The timeouts pass: which statements of a unit take a strong lock on an existing table with no lock_timeout (or
 * statement_timeout) in effect, with one too long, or with one the runner sets; grouped into one finding per kind
 * and carried by the first statement each covers (facts.timeouts). require-lock-timeout and
 * require-statement-timeout read these facts and report; they never walk the unit.
 */
import { unwrap } from '../sql/nodes.js';
import type { AnalyzedStatement, LockFact, TimeoutFinding, TimeoutStatement } from '../types.js';
import { setConfigCall } from './set-config.js';
import { LOCK_STRENGTH } from './locks.js';
import { sameTable, tableKey } from '../catalog/catalog.js';

/** Without config lockTimeoutMax, the longest lock_timeout accepted: teams commonly use 2–10 s. */
export const DEFAULT_LOCK_TIMEOUT_MAX = '10s';

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A timeout value in milliseconds, as PostgreSQL reads it ('2s', '1min', 500 = 500 ms); undefined if unreadable. */
export function durationMs(value: string): number | undefined {
  const m = /^\s*'?\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*'?\s*$/i.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]!;
}

/** Statements another fix may turn CONCURRENTLY in the same --fix run (they must then run alone). */
const MAY_BECOME_CONCURRENT = new Set(['IndexStmt', 'DropStmt', 'ReindexStmt']);

/**
 * The lock of SHARE or stronger the statement waits for on a relation that exists before the migration: its main
 * lock when that is one, else its strongest such lock. Each lock is judged by its own table, so a statement that
 * also locks a table the unit created still waits for the existing one: `ALTER TABLE new ADD FOREIGN KEY …
 * REFERENCES existing` (how Prisma, Drizzle, Rails, Django and Sequelize add a new table's keys) and `CREATE TABLE new
 * (… REFERENCES other_new, … REFERENCES existing)` take SHARE ROW EXCLUSIVE on the existing table, `ALTER TABLE
 * existing ADD COLUMN … REFERENCES new` ACCESS EXCLUSIVE on it. A lock on an index (view, sequence) is judged by the
 * statement's tables: an index of a new table is new with it.
 */
function strongLock(s: AnalyzedStatement): LockFact | undefined {
  const existing = (l: LockFact) =>
    LOCK_STRENGTH[l.mode] >= LOCK_STRENGTH.ShareLock && !s.facts.tables.some((t) => t.sizeClass === 'new' && (l.on !== 'table' || sameTable(t, l.relation)));
  const main = s.facts.mainLock;
  if (main && existing(main)) return main;
  let best: LockFact | undefined;
  for (const l of s.facts.locks) if (existing(l) && (!best || LOCK_STRENGTH[l.mode] > LOCK_STRENGTH[best.mode])) best = l;
  return best;
}

/** Takes SHARE or stronger on a relation that exists before the migration (strongLock). */
function holdsStrongLock(s: AnalyzedStatement, memo: Memo): boolean {
  return memo.strongLock(s) !== undefined;
}

/** What the pass asks of a statement more than once (whether it waits, then its finding's entry per setting), made once. */
class Memo {
  private readonly locks = new Map<AnalyzedStatement, LockFact | undefined>();
  private readonly entries = new Map<AnalyzedStatement, TimeoutStatement>();

  constructor(private readonly pgVersion: number) {}

  strongLock(s: AnalyzedStatement): LockFact | undefined {
    if (this.locks.has(s)) return this.locks.get(s);
    const lock = strongLock(s);
    this.locks.set(s, lock);
    return lock;
  }

  /** The statement as a finding lists it (read-only: the lock_timeout and statement_timeout findings share it). */
  named(s: AnalyzedStatement): TimeoutStatement {
    let entry = this.entries.get(s);
    if (!entry) this.entries.set(s, (entry = named(s, this.strongLock(s), this.pgVersion)));
    return entry;
  }
}

/**
 * The statement waits for a strong lock on an existing table: it holds one, and its transaction does not already
 * hold its table locks from a listed statement (locksAlreadyHeld: the second ALTER TABLE or DROP INDEX on a table in
 * one transaction is granted them at once, so no lock_timeout bounds anything for it; the statement that took the
 * lock is the one listed).
 */
function waitsForStrongLock(s: AnalyzedStatement, out: AnalyzedStatement[], pgVersion: number, memo: Memo): boolean {
  return holdsStrongLock(s, memo) && !grantedAtOnce(s, out, pgVersion, memo);
}

/**
 * Its transaction already holds the statement's table locks (locksAlreadyHeld), and will after the fixes other
 * findings ask for: the statement that took them is not one a CONCURRENTLY form takes out of the transaction, or this
 * statement is one too (a second DROP INDEX, a CREATE INDEX after a DROP INDEX). An ALTER TABLE after a DROP INDEX of
 * its table would wait for ACCESS EXCLUSIVE itself once the DROP INDEX runs CONCURRENTLY: it stays listed.
 */
function grantedAtOnce(s: AnalyzedStatement, out: AnalyzedStatement[], pgVersion: number, memo: Memo): boolean {
  const held = s.facts.locksAlreadyHeld;
  if (!held) return false;
  const taker = out[held.index];
  // A taker left out of the list (it also locks a new table) does not report the wait: this statement does.
  if (!taker || !holdsStrongLock(taker, memo)) return false;
  return !weakerForm(taker, pgVersion) || weakerForm(s, pgVersion) !== undefined;
}

/**
 * Undoes a session setting made before it: SET / RESET name (not SET LOCAL), RESET ALL, DISCARD ALL,
 * set_config(name, …, false).
 */
function overridesSession(s: AnalyzedStatement, setting: string): boolean {
  if (s.kind === 'VariableSetStmt') return !s.node.is_local && (s.node.kind === 'VAR_RESET_ALL' || String(s.node.name ?? '').toLowerCase() === setting);
  if (s.kind === 'DiscardStmt') return s.node.target === 'DISCARD_ALL';
  if (s.kind === 'SelectStmt') return setConfigCall(s.node).some(([name, , local]) => name === setting && !local);
  return false;
}

/**
 * The statement's strong lock is a choice another rule reports at warn or error, and that rule's fix takes SHARE
 * UPDATE EXCLUSIVE instead (which no lock_timeout needs to bound): a CREATE INDEX on an existing table that is not
 * small and not partitioned and whose index does not exist already (require-concurrent-index-creation), a DROP INDEX (require-concurrent-index-deletion),
 * a REINDEX on PostgreSQL 12+ (require-concurrent-reindex). Made CONCURRENTLY, none takes a strong lock.
 */
function weakerForm(s: AnalyzedStatement, pgVersion: number): TimeoutStatement['weakerForm'] {
  const notNew = !s.facts.tables.some((t) => t.sizeClass === 'new');
  if (s.kind === 'IndexStmt') {
    const table = s.facts.tables[0];
    const owned = !s.node.concurrent && !s.facts.existingIndex && !!table && !table.partitioned && table.sizeClass !== 'new' && table.sizeClass !== 'small';
    return owned ? 'create-index' : undefined;
  }
  if (s.kind === 'DropStmt') return s.node.removeType === 'OBJECT_INDEX' && !s.node.concurrent && notNew ? 'drop-index' : undefined;
  if (s.kind === 'ReindexStmt') {
    const concurrent = (s.node.params ?? []).some((p) => unwrap(p, 'DefElem')?.defname === 'concurrently');
    return pgVersion >= 12 && !concurrent && s.node.kind !== 'REINDEX_OBJECT_SYSTEM' && notNew ? 'reindex' : undefined;
  }
  return undefined;
}

/** Heads seen, each kept once: a big file names thousands of statements with a handful of heads. */
const HEADS = new Map<string, string>();

/** The statement's SHARE-or-stronger locks on existing tables other than the one it is listed with (a foreign key's other table). */
function alsoLocks(s: AnalyzedStatement, main: LockFact | undefined): TimeoutStatement['alsoLocks'] {
  if (!main) return undefined;
  const fresh = new Set(s.facts.tables.filter((t) => t.sizeClass === 'new').map((t) => tableKey(t)));
  const seen = new Set([tableKey(main.relation)]);
  const out: NonNullable<TimeoutStatement['alsoLocks']> = [];
  for (const l of s.facts.locks) {
    const key = tableKey(l.relation);
    if (l.on !== 'table' || LOCK_STRENGTH[l.mode] < LOCK_STRENGTH.ShareLock || seen.has(key) || fresh.has(key)) continue;
    seen.add(key);
    out.push({ mode: l.mode, relation: l.relation, blocks: l.blocks });
  }
  return out.length ? out : undefined;
}

function named(s: AnalyzedStatement, lock: LockFact | undefined, pgVersion: number): TimeoutStatement {
  const also = alsoLocks(s, lock);
  const weaker = weakerForm(s, pgVersion);
  // The statement's first two words; CREATE OR REPLACE names what it replaces ("CREATE OR REPLACE TRIGGER").
  const head = /^(?:CREATE\s+OR\s+REPLACE\s+\S+|\S+(?:\s+\S+)?)/i.exec(s.sql)![0].replace(/\s+/g, ' ');
  let shared = HEADS.get(head);
  if (shared === undefined) {
    shared = head;
    if (HEADS.size < 10_000) HEADS.set(head, head);
  }
  return {
    index: s.index,
    line: s.loc.line,
    head: shared,
    // The statement's own lock fact (the same four fields), not a copy per statement: the one it waits for.
    ...(lock ? { lock } : {}),
    ...(also ? { alsoLocks: also } : {}),
    ...(weaker ? { weakerForm: weaker } : {}),
  };
}

/** The finding about statements with no `setting` in effect, with where one SET covers them all. */
function missing(setting: TimeoutFinding['setting'], offenders: AnalyzedStatement[], all: AnalyzedStatement[], memo: Memo): TimeoutFinding {
  const first = offenders[0]!;
  const chunk = all.filter((s) => s.itemIndex === first.itemIndex);
  const oneQuery = first.item.kind === 'sql' && first.item.exec.oneQuery && chunk.some((s) => s.facts.nonTransactional || MAY_BECOME_CONCURRENT.has(s.kind));
  const statements = offenders.map((s) => memo.named(s));
  const owned = setting === 'lock_timeout' && statements.every((s) => s.weakerForm);
  return {
    setting,
    kind: 'missing',
    statements,
    chunkStart: chunk[0]!.index,
    ...(chunk.some((s) => s.index < first.index && overridesSession(s, setting)) ? { resetBefore: true } : {}),
    ...(oneQuery ? { oneQueryMustRunAlone: true } : {}),
    ...(owned ? { ownedByWeakerLock: true } : {}),
  };
}

/** Statements run under a value in effect: the finding names the first one's value and where it was set. */
function underValue(setting: TimeoutFinding['setting'], kind: 'too-long' | 'runner', list: AnalyzedStatement[], memo: Memo): TimeoutFinding {
  const first = list[0]!;
  const value = setting === 'lock_timeout' ? first.facts.lockTimeout : first.facts.statementTimeout;
  const setBy = setting === 'lock_timeout' ? first.facts.lockTimeoutSetBy : first.facts.statementTimeoutSetBy;
  return { setting, kind, statements: list.map((s) => memo.named(s)), value: value!.replace(/^'|'$/g, ''), ...(setBy ? { setBy } : {}) };
}

/**
 * `newDatabaseOnly`: the framework runs this unit only on a new database (a Django squash whose originals are gone),
 * where no other session holds a lock for its statements to wait behind: no timeout findings.
 */
export function timeoutPass(out: AnalyzedStatement[], settings: { pgVersion: number; lockTimeoutMax?: string }, newDatabaseOnly = false): void {
  if (newDatabaseOnly) return;
  const memo = new Memo(settings.pgVersion);
  const strong = out.filter((s) => waitsForStrongLock(s, out, settings.pgVersion, memo));
  if (strong.length === 0) return;
  const findings: TimeoutFinding[] = [];
  const max = durationMs(settings.lockTimeoutMax ?? DEFAULT_LOCK_TIMEOUT_MAX);
  const tooLong = (s: AnalyzedStatement) => max !== undefined && !!s.facts.lockTimeout && (durationMs(s.facts.lockTimeout) ?? 0) > max;
  const byRunner = (origin: AnalyzedStatement['facts']['lockTimeoutSetBy']) => !!origin && 'runner' in origin;

  const noLock = strong.filter((s) => !s.facts.lockTimeout);
  if (noLock.length) findings.push(missing('lock_timeout', noLock, out, memo));
  const long = strong.filter(tooLong);
  if (long.length) findings.push(underValue('lock_timeout', 'too-long', long, memo));
  const runnerLock = strong.filter((s) => s.facts.lockTimeout && !tooLong(s) && byRunner(s.facts.lockTimeoutSetBy));
  if (runnerLock.length) findings.push(underValue('lock_timeout', 'runner', runnerLock, memo));

  const noStatement = strong.filter((s) => !s.facts.statementTimeout);
  if (noStatement.length) findings.push(missing('statement_timeout', noStatement, out, memo));
  const runnerStatement = strong.filter((s) => s.facts.statementTimeout && byRunner(s.facts.statementTimeoutSetBy));
  if (runnerStatement.length) findings.push(underValue('statement_timeout', 'runner', runnerStatement, memo));

  for (const f of findings) {
    const carrier = out[f.statements[0]!.index]!;
    (carrier.facts.timeouts ??= []).push(f);
  }
}
