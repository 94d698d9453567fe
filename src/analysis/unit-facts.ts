/**
 * The whole-unit passes: facts about a statement that depend on other statements of the unit, after it as well as
 * before it (a schema created earlier or re-created later, the schema change a backfill runs under, what a
 * transaction does while it holds an ACCESS EXCLUSIVE lock, the transaction a nested BEGIN finds open). They run
 * once the forward pass has given every statement its own facts, and read only those facts and the statements'
 * own nodes. Rules read the result and never walk the unit again.
 */
import { alterCmds, relationOf, strings } from '../sql/nodes.js';
import { sameTable, tableKey } from '../catalog/catalog.js';
import type { AnalyzedStatement, HeldLock, HeldThrough, LockFact, StatementRef, TableInfo, TxState } from '../types.js';
import { LOCK_STRENGTH } from './locks.js';

/** Runs every whole-unit pass over the analysed statements, in place. */
export function unitFactsPass(out: AnalyzedStatement[]): void {
  createdNamesPass(out);
  createdColumnNamesPass(out);
  createdViewsPass(out);
  schemaChangePass(out);
  notNullFillPass(out);
  heldLockPass(out);
  outerTransactionPass(out);
}

/** Runs one pass's work for a statement; a crash becomes an internal error on that statement, the rest goes on. */
function guard(s: AnalyzedStatement, pass: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    const message = `${pass} failed on this ${s.kind}: ${error instanceof Error ? error.message : String(error)}`;
    s.facts.internalError = s.facts.internalError ? `${s.facts.internalError}; ${message}` : message;
  }
}

/** A relation's key as written (an unqualified name is in `public`), or undefined when it has no name. */
function relationKey(rv: { schemaname?: string; relname?: string } | undefined): string | undefined {
  return rv?.relname ? tableKey({ schema: rv.schemaname || undefined, name: rv.relname }) : undefined;
}

/** Another statement of the unit, as a fact names it. */
function refOf(s: AnalyzedStatement): StatementRef {
  return { kind: s.kind, sql: s.sql, line: s.loc.line };
}

/**
 * A key naming the transaction a statement runs in (equal keys: the same explicit BEGIN, the same one-query chunk,
 * the same PL/pgSQL body transaction, or the framework's transaction), or undefined outside one.
 */
function transactionKey(s: AnalyzedStatement): string | undefined {
  const tx = s.facts.inTransaction;
  if (!tx) return undefined;
  if (tx.kind === 'explicit') return `explicit:${tx.beganAt}`;
  if (tx.kind === 'one-query') return `one-query:${s.itemIndex}`;
  if (tx.kind === 'body') return `body:${tx.beganAt}`;
  if (tx.kind === 'wrapper' && tx.beganAt !== undefined) return `wrapper:${tx.beganAt}`;
  return tx.kind;
}

/** `table`: a table CREATE TABLE … AS fills from a query (a plain CREATE TABLE is not one: it starts empty). */
type NamedKind = 'schema' | 'type' | 'view' | 'table';

/** The schema, type (or domain) or view a statement creates, by its unqualified name. */
function createdName(e: AnalyzedStatement): { kind: NamedKind; name: string } | undefined {
  const last = (names: string[]) => names[names.length - 1];
  let kind: NamedKind;
  let name: string | undefined;
  if (e.kind === 'CreateSchemaStmt') [kind, name] = ['schema', e.node.schemaname];
  else if (e.kind === 'CompositeTypeStmt') [kind, name] = ['type', e.node.typevar?.relname];
  else if (e.kind === 'CreateDomainStmt') [kind, name] = ['type', last(strings(e.node.domainname))];
  else if (e.kind === 'CreateEnumStmt' || e.kind === 'CreateRangeStmt') [kind, name] = ['type', last(strings(e.node.typeName))];
  else if (e.kind === 'ViewStmt') [kind, name] = ['view', e.node.view?.relname];
  else if (e.kind === 'CreateTableAsStmt') [kind, name] = [e.node.objtype === 'OBJECT_TABLE' ? 'table' : 'view', e.node.into?.rel?.relname];
  else return undefined;
  return name === undefined ? undefined : { kind, name };
}

const RENAMED_KIND: Record<string, NamedKind> = {
  OBJECT_SCHEMA: 'schema',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'view',
};

/**
 * The schemas, types and views a statement drops or renames, by unqualified name: DROP SCHEMA, ALTER
 * SCHEMA|TYPE|DOMAIN|[MATERIALIZED] VIEW … RENAME TO, and ALTER TYPE … RENAME VALUE (the type's name).
 */
function namesActedOn(s: AnalyzedStatement): { kind: NamedKind; names: string[] } | undefined {
  if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_SCHEMA') return { kind: 'schema', names: strings(s.node.objects) };
  if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_TABLE')
    return { kind: 'table', names: (s.node.objects ?? []).map((o) => strings(o).pop() ?? '?') };
  if (s.kind === 'AlterEnumStmt' && s.node.oldVal !== undefined) {
    const names = strings(s.node.typeName);
    return { kind: 'type', names: [names[names.length - 1] ?? '?'] };
  }
  if (s.kind !== 'RenameStmt') return undefined;
  const kind = s.node.renameType ? RENAMED_KIND[s.node.renameType] : undefined;
  if (kind === 'schema') return { kind, names: [s.node.subname ?? '?'] };
  if (kind === 'view') return { kind, names: [s.node.relation?.relname ?? '?'] };
  if (kind === 'type') {
    const names = strings(s.node.object);
    return { kind, names: [names[names.length - 1] ?? '?'] };
  }
  return undefined;
}

/** The created-names pass: StatementFacts.createdEarlier and createdLater. */
function createdNamesPass(out: AnalyzedStatement[]): void {
  const created = out.map((e) => ({ at: e.index, what: createdName(e) })).filter((c) => c.what !== undefined);
  for (const s of out) {
    guard(s, 'the created-names analysis', () => {
      const acted = namesActedOn(s);
      if (!acted) return;
      const by = (before: boolean) =>
        acted.names.filter((n) => created.some((c) => (before ? c.at < s.index : c.at > s.index) && c.what!.kind === acted.kind && c.what!.name === n));
      const earlier = by(true);
      const later = by(false);
      if (earlier.length) s.facts.createdEarlier = earlier;
      if (later.length) s.facts.createdLater = later;
    });
  }
}

/**
 * The created-column-names pass: StatementFacts.createdEarlier for ALTER TABLE … RENAME COLUMN. The column (its
 * name before the rename) counts as created earlier when a statement before it in the unit added a column of that
 * name to the table, renamed a column of the table to that name, or gave the table its name (ALTER TABLE … RENAME
 * TO): no query of the application running during the deploy names that table and column.
 */
function createdColumnNamesPass(out: AnalyzedStatement[]): void {
  for (const s of out) {
    if (s.kind !== 'RenameStmt' || s.node.renameType !== 'OBJECT_COLUMN' || !s.node.subname) continue;
    guard(s, 'the created-column-names analysis', () => {
      const table = relationKey(s.node.relation ?? undefined);
      const column = s.node.subname!;
      if (!table) return;
      const named = out.slice(0, s.index).some((e) => {
        if (e.kind === 'RenameStmt' && e.node.renameType === 'OBJECT_TABLE' && e.node.newname)
          return relationKey({ schemaname: e.node.relation?.schemaname, relname: e.node.newname }) === table;
        if (relationKey(relationOf(e)) !== table) return false;
        if (e.kind === 'RenameStmt') return e.node.renameType === 'OBJECT_COLUMN' && e.node.newname === column;
        return alterCmds(e).some((c) => c.subtype === 'AT_AddColumn' && unwrapColumn(c.def)?.colname === column);
      });
      if (named) s.facts.createdEarlier = [column];
    });
  }
}

/** The ColumnDef of an ADD COLUMN command. */
function unwrapColumn(def: unknown): { colname?: string } | undefined {
  return (def as { ColumnDef?: { colname?: string } } | undefined)?.ColumnDef;
}

/** The created-views pass: StatementFacts.viewCreatedEarlier, from the materialized views the unit creates. */
function createdViewsPass(out: AnalyzedStatement[]): void {
  const created = new Set<string>();
  for (const s of out) {
    guard(s, 'the created-views analysis', () => {
      if (s.kind === 'CreateTableAsStmt' && s.node.objtype === 'OBJECT_MATVIEW') {
        const key = relationKey(s.node.into?.rel);
        if (key) created.add(key);
      } else if (s.kind === 'RefreshMatViewStmt') {
        const key = relationKey(relationOf(s));
        if (key && created.has(key)) s.facts.viewCreatedEarlier = true;
      }
    });
  }
}

/** Statements that read or write rows: never the schema change a backfill runs under. */
const DML = new Set(['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt', 'SelectStmt', 'CopyStmt']);

/**
 * The schema-change pass (StatementFacts.schemaChangeInTransaction): the schema changes of each transaction by
 * table, in order (a statement whose strongest lock is SHARE UPDATE EXCLUSIVE or stronger, not DML); an UPDATE
 * of the table runs under the first one before it, else meets the first one after it.
 */
function schemaChangePass(out: AnalyzedStatement[]): void {
  const changes = new Map<string, AnalyzedStatement[]>();
  for (const s of out) {
    guard(s, 'the schema-change analysis', () => {
      const tx = transactionKey(s);
      if (tx === undefined || DML.has(s.kind) || !s.facts.mainLock || LOCK_STRENGTH[s.facts.mainLock.mode] < LOCK_STRENGTH.ShareUpdateExclusiveLock) return;
      for (const l of s.facts.locks) {
        if (l.on !== 'table') continue;
        const key = `${tx} ${tableKey(l.relation)}`;
        const list = changes.get(key);
        if (!list) changes.set(key, [s]);
        else if (!list.includes(s)) list.push(s);
      }
    });
  }
  for (const s of out) {
    if (s.kind !== 'UpdateStmt') continue;
    guard(s, 'the schema-change analysis', () => {
      const rel = relationKey(relationOf(s));
      const tx = transactionKey(s);
      const list = rel && tx !== undefined ? changes.get(`${tx} ${rel}`) : undefined;
      if (!rel || !list) return;
      const other = list.find((d) => d.index < s.index) ?? list[0]!;
      const lock = other.facts.locks.find((l) => tableKey(l.relation) === rel)!;
      s.facts.schemaChangeInTransaction = { statement: refOf(other), lock, earlier: other.index < s.index };
    });
  }
}

/**
 * For ALTER TABLE: the columns it sets NOT NULL with a scan of the table (StatementFacts.notNullScans): not
 * when the same ALTER TABLE rewrites the table from a known type (PostgreSQL checks the rows as it copies them), nor
 * for a column a validated CHECK proves or that is NOT NULL already.
 */
function notNullScanned(s: AnalyzedStatement): string[] {
  if (s.kind !== 'AlterTableStmt' || (s.facts.rewrite && s.facts.oldTypes)) return [];
  return alterCmds(s)
    .filter((c) => c.subtype === 'AT_SetNotNull')
    .map((c) => c.name ?? '')
    .filter((name) => !(name && (s.facts.notNullChecked?.includes(name) || s.facts.notNullProven?.includes(name))));
}

/** The column an UPDATE's WHERE is exactly `col IS NULL` for, when it also sets that column. */
function filledColumn(s: AnalyzedStatement): string | undefined {
  if (s.kind !== 'UpdateStmt') return undefined;
  const where = s.node.whereClause;
  const test = where && 'NullTest' in where ? where.NullTest : undefined;
  if (!test || test.nulltesttype !== 'IS_NULL') return undefined;
  const fields = (test.arg && 'ColumnRef' in test.arg ? test.arg.ColumnRef.fields : undefined) ?? [];
  const column = strings(fields).at(-1);
  const sets = (s.node.targetList ?? []).map((t) => (t as { ResTarget?: { name?: string } }).ResTarget?.name);
  return column && fields.length === strings(fields).length && sets.includes(column) ? column : undefined;
}

/**
 * The not-null-fill pass (StatementFacts.notNullScans, fillsForNotNull, nullsFilledBy): an UPDATE that fills a column's NULLs under
 * an ACCESS EXCLUSIVE lock the transaction already holds on the table, and a later ALTER TABLE of the same
 * transaction that sets that column NOT NULL with a scan. The lock is held from before the fill to the end of the
 * scan: one hazard, whose statement is the SET NOT NULL.
 */
function notNullFillPass(out: AnalyzedStatement[]): void {
  for (const s of out) {
    if (s.kind !== 'AlterTableStmt') continue;
    guard(s, 'the not-null-scan analysis', () => {
      const scans = notNullScanned(s);
      if (scans.length) s.facts.notNullScans = scans;
    });
  }
  for (const s of out) {
    const column = filledColumn(s);
    const change = s.facts.schemaChangeInTransaction;
    if (!column || !change?.earlier || change.lock.mode !== 'AccessExclusiveLock') continue;
    guard(s, 'the not-null-fill analysis', () => {
      const rel = relationKey(relationOf(s));
      const tx = transactionKey(s);
      const alter = out.find(
        (a) =>
          a.index > s.index &&
          a.kind === 'AlterTableStmt' &&
          transactionKey(a) === tx &&
          relationKey(relationOf(a)) === rel &&
          notNullScanned(a).includes(column),
      );
      if (!alter) return;
      s.facts.fillsForNotNull = refOf(alter);
      const filled = alter.facts.nullsFilledBy;
      if (filled) filled.columns.push(column);
      else alter.facts.nullsFilledBy = { statement: refOf(s), columns: [column], lockedBy: change.statement };
    });
  }
}

/** Statements that do no work while a lock is held: transaction control and session settings. */
const IDLE = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt']);
const ROW_WORK = new Set(['UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt']);

/**
 * A lock on an existing table that can wait behind other sessions, requested with no lock_timeout: one the
 * transaction does not hold already (in this mode or a stronger one).
 */
function awaitedLock(s: AnalyzedStatement, holds: Map<string, LockFact>): LockFact | undefined {
  if (s.facts.lockTimeout && s.facts.lockTimeout !== '0') return undefined;
  return s.facts.locks.find((l) => {
    if (l.on !== 'table' || LOCK_STRENGTH[l.mode] < LOCK_STRENGTH.ShareLock) return false;
    const had = holds.get(tableKey(l.relation));
    if (had && LOCK_STRENGTH[had.mode] >= LOCK_STRENGTH[l.mode]) return false;
    const t = s.facts.tables.find((x) => sameTable(x, l.relation));
    return !t || t.sizeClass !== 'new';
  });
}

/** An UPDATE of a table that a statement before it in the transaction (not one reading or writing rows) locked SHARE UPDATE EXCLUSIVE or stronger. */
function updateAfterSchemaChange(s: AnalyzedStatement, before: AnalyzedStatement[]): boolean {
  if (s.kind !== 'UpdateStmt') return false;
  const table = s.facts.tables[0];
  return (
    !!table &&
    before.some(
      (b) =>
        !ROW_WORK.has(b.kind) &&
        b.kind !== 'InsertStmt' &&
        b.kind !== 'SelectStmt' &&
        b.facts.locks.some((l) => l.on === 'table' && sameTable(l.relation, table) && LOCK_STRENGTH[l.mode] >= LOCK_STRENGTH.ShareUpdateExclusiveLock),
    )
  );
}

/**
 * The held-lock pass (StatementFacts.accessExclusiveHeld, locksAlreadyHeld: every lock of the statement on a table
 * that is not new is held already, as strong): each transaction's statements in order, the locks it
 * holds so far (the strongest per table, following ALTER TABLE … RENAME TO), the existing tables it holds ACCESS
 * EXCLUSIVE on, and the slow work or unbounded lock waits that follow while they are held.
 */
function heldLockPass(out: AnalyzedStatement[]): void {
  const byTx = new Map<string, AnalyzedStatement[]>();
  for (const s of out) {
    const key = transactionKey(s);
    if (key === undefined || IDLE.has(s.kind)) continue;
    let list = byTx.get(key);
    if (!list) byTx.set(key, (list = []));
    list.push(s);
  }
  for (const list of byTx.values()) guard(list[0]!, 'the held-lock analysis', () => heldInTransaction(list));
}

function heldInTransaction(list: AnalyzedStatement[]): void {
  const holds = new Map<string, LockFact>();
  const exclusive = new Map<string, { statement: AnalyzedStatement; table: TableInfo }>();
  const through: HeldThrough[] = [];
  const heldThrough = new Set<string>();
  /** Tables renamed in the transaction: the new name's key → the key it was locked under. */
  const renamed = new Map<string, string>();
  /** The statement that took each lock in `holds`. */
  const takers = new Map<LockFact, AnalyzedStatement>();
  list.forEach((t, i) => {
    if (exclusive.size > 0) {
      const work = t.facts.work;
      const wait = work ? undefined : awaitedLock(t, holds);
      if (work || wait) {
        for (const k of exclusive.keys()) heldThrough.add(k);
        through.push({
          statement: refOf(t),
          ...(work ? { work } : { wait: wait! }),
          unbounded: (t.kind === 'UpdateStmt' || t.kind === 'DeleteStmt') && !t.node.whereClause,
          afterSchemaChange: work !== undefined && updateAfterSchemaChange(t, list.slice(0, i)),
        });
      }
    }
    // A lock on a table the unit (or its change) created waits for no one: only the others must be held already.
    const tableLocks = t.facts.locks.filter((l) => l.on === 'table' && t.facts.tables.find((x) => sameTable(x, l.relation))?.sizeClass !== 'new');
    const heldAlready = tableLocks.map((l) => holds.get(tableKey(l.relation)));
    if (tableLocks.length && heldAlready.every((h, j) => h && LOCK_STRENGTH[h.mode] >= LOCK_STRENGTH[tableLocks[j]!.mode])) {
      const taker = takers.get(heldAlready[0]!)!;
      t.facts.locksAlreadyHeld = { statement: refOf(taker), index: taker.index };
    }
    for (const lock of t.facts.locks) {
      if (lock.on !== 'table') continue;
      const key = tableKey(lock.relation);
      const had = holds.get(key);
      if (!had || LOCK_STRENGTH[lock.mode] > LOCK_STRENGTH[had.mode]) {
        holds.set(key, lock);
        takers.set(lock, t);
      }
      if (lock.mode !== 'AccessExclusiveLock' || exclusive.has(key) || exclusive.has(renamed.get(key) ?? '')) continue;
      const table = t.facts.tables.find((x) => sameTable(x, lock.relation));
      if (table && table.sizeClass !== 'new') exclusive.set(key, { statement: t, table });
    }
    // ALTER TABLE … RENAME TO: the transaction holds its locks on the table under the new name too.
    if (t.kind === 'RenameStmt' && t.node.renameType === 'OBJECT_TABLE' && t.node.relation?.relname && t.node.newname) {
      const from = tableKey({ schema: t.node.relation.schemaname, name: t.node.relation.relname });
      const to = tableKey({ schema: t.node.relation.schemaname, name: t.node.newname });
      const lock = holds.get(from);
      if (lock) holds.set(to, lock);
      if (exclusive.get(from)) renamed.set(to, from);
    }
  });
  if (through.length === 0) return;
  const held = [...exclusive.entries()].filter(([k]) => heldThrough.has(k)).map(([, v]) => v);
  const first = held[0]!;
  const fact: HeldLock = { tables: held.map((h) => ({ table: h.table, takenHere: h.statement === first.statement })), through };
  first.statement.facts.accessExclusiveHeld = fact;
}

/** The outer-transaction pass: StatementFacts.outerTransaction. */
function outerTransactionPass(out: AnalyzedStatement[]): void {
  for (const s of out) {
    guard(s, 'the outer-transaction analysis', () => {
      let outer: TxState | null | undefined;
      if (s.facts.txProblem === 'begin-nested') {
        outer = out
          .slice(0, s.index)
          .reverse()
          .find((x) => x.facts.inTransaction)?.facts.inTransaction;
      } else if (s.facts.txProblem === 'body-commit-in-transaction' && s.body) {
        outer = out[s.body.runBy]?.facts.inTransaction;
      }
      if (outer) s.facts.outerTransaction = outer;
    });
  }
}
