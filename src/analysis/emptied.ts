/**
 * The emptied-tables pass (TableInfo.emptiedBy): the tables a TRUNCATE earlier in the run left without rows, for the
 * statements after it. A TRUNCATE takes ACCESS EXCLUSIVE and gives the table a new, empty file: a CREATE INDEX, a
 * foreign key's or NOT NULL's check, a retype or a backfill UPDATE of the table after it reads no row. Such a table
 * is sized as one known to hold no rows (sizeClass 'small', rows 0), the way table sizes from a database are read.
 *
 * What is true, and what ends it:
 * - while the TRUNCATE's transaction is open, its lock keeps every other session out of the table, so only this
 *   migration can put rows back. Anything that may do so ends the fact: an INSERT, COPY or MERGE (into any table: a
 *   trigger may write this one), an UPDATE or DELETE of a table with rows (triggers again), a DO block, CALL,
 *   EXECUTE, EXPLAIN, REFRESH, a SELECT or CREATE TABLE AS that calls a function, ATTACH PARTITION / INHERIT, a
 *   rename or a drop of a table, and code the analysis does not see between two statements (a statement that did
 *   not parse, host-language code between two calls, a psql meta-command). An UPDATE or DELETE of an emptied table
 *   touches no row;
 * - ROLLBACK (or ROLLBACK TO a savepoint) in that transaction brings the rows back;
 * - once the lock is released (the transaction committed, or the TRUNCATE ran in no transaction at all), other
 *   sessions may write the table again: it holds only what they wrote in the moment before the next statement locks
 *   it, so the fact lasts through statements that lock no other table, and ends after the first one that does (it
 *   may wait, or work, for any time while the application writes);
 * - a TRUNCATE inside a PL/pgSQL body is not counted (it may run conditionally, or not at all), nor TRUNCATE ONLY of
 *   a table (its inheritance children keep their rows); a separate run (a down section) starts with none.
 * Held locks are not this pass's business: a later statement in the TRUNCATE's transaction is granted its locks at
 * once (StatementFacts.locksAlreadyHeld); after COMMIT it waits for them like any other.
 */
import { tableKey } from '../catalog/catalog.js';
import { relationOf, unwrap } from '../sql/nodes.js';
import type { LockFact, Statement, TxState } from '../types.js';
import { setConfigCall } from './set-config.js';

interface Emptying {
  /** The TRUNCATE's line. */
  line: number;
  /** The transaction it ran in (null: none, committed at once) and its item, to know while its lock is held. */
  tx: TxState | null;
  itemIndex: number;
  /** Its lock is released: the transaction ended (or there was none). */
  released: boolean;
}

/** Statements that may write rows into any table (directly, or through a trigger or a function they run). */
const WRITES = new Set(['InsertStmt', 'MergeStmt', 'CopyStmt', 'DoStmt', 'CallStmt', 'ExecuteStmt', 'ExplainStmt', 'RefreshMatViewStmt', 'RuleStmt']);
const ROW_CHANGES = new Set(['UpdateStmt', 'DeleteStmt']);

export class EmptiedPass {
  private readonly emptied = new Map<string, Emptying>();
  /** The statement before this one outside PL/pgSQL bodies: what lies between it and the next is read for unseen code. */
  private previous: Statement | undefined;

  /** `indentBlocks`: the host language makes blocks by indentation (Python): a dedented call has left the earlier one's. */
  constructor(
    private readonly text: string,
    private readonly indentBlocks: boolean,
  ) {}

  /** The line of the TRUNCATE that left the table empty for the statement being analysed, if one did. */
  lineOf(key: string): number | undefined {
    return this.emptied.get(key)?.line;
  }

  /** A separate run begins: nothing before it carries over. */
  clear(): void {
    this.emptied.clear();
    this.previous = undefined;
  }

  /** Before the statement's facts: code the analysis did not read between the statement before it and this one. */
  before(stmt: Statement): void {
    if (stmt.body) return;
    if (this.emptied.size && this.previous && unseenBetween(this.text, this.previous, stmt, this.indentBlocks)) this.emptied.clear();
    this.previous = stmt;
  }

  /** After the statement's facts: what it ends, and the tables it empties. */
  after(stmt: Statement, inTransaction: TxState | null, locks: LockFact[]): void {
    if (stmt.body) return;
    if (this.emptied.size) this.end(stmt, inTransaction, locks);
    if (stmt.kind !== 'TruncateStmt') return;
    const relations = (stmt.node.relations ?? []).map((r) => unwrap(r, 'RangeVar')).filter((r) => r !== undefined);
    const keys = new Set(relations.filter((r) => r.inh === true && r.relname).map((r) => tableKey({ schema: r.schemaname, name: r.relname! })));
    // Without ONLY, the partitions the lock analysis found are truncated with their table.
    if (keys.size === relations.length) for (const l of locks) if (l.on === 'table' && l.mode === 'AccessExclusiveLock') keys.add(tableKey(l.relation));
    const at: Emptying = { line: stmt.loc.line, tx: inTransaction, itemIndex: stmt.itemIndex, released: inTransaction === null };
    for (const k of keys) this.emptied.set(k, { ...at });
  }

  private end(stmt: Statement, inTransaction: TxState | null, locks: LockFact[]): void {
    if (mayWriteRows(stmt, (key) => this.emptied.has(key))) {
      this.emptied.clear();
      return;
    }
    const otherTable = locks.some((l) => l.on === 'table' && !this.emptied.has(tableKey(l.relation)));
    const control = stmt.kind === 'TransactionStmt' ? (stmt.node.kind ?? '') : '';
    const rollback = control === 'TRANS_STMT_ROLLBACK' || control === 'TRANS_STMT_ROLLBACK_TO' || control === 'TRANS_STMT_ROLLBACK_PREPARED';
    for (const [key, e] of this.emptied) {
      const held = !e.released && sameTransaction(e, { tx: inTransaction, itemIndex: stmt.itemIndex });
      if (held && rollback) this.emptied.delete(key);
      else if (!held) {
        // Released: by the end of the TRUNCATE's transaction, or by a COMMIT; other sessions may write from here.
        e.released = true;
        if (otherTable) this.emptied.delete(key);
      }
    }
  }
}

/** The statement may put rows into a table (`emptied` tells the tables without rows, whose UPDATE touches none). */
function mayWriteRows(stmt: Statement, emptied: (key: string) => boolean): boolean {
  if (WRITES.has(stmt.kind)) return stmt.kind !== 'CopyStmt' || stmt.node.is_from === true || callsFunction(stmt.node.query);
  if (ROW_CHANGES.has(stmt.kind)) {
    const rel = relationOf(stmt);
    return !rel?.relname || !emptied(tableKey({ schema: rel.schemaname, name: rel.relname }));
  }
  if (stmt.kind === 'SelectStmt') return setConfigCall(stmt.node).length !== (stmt.node.targetList ?? []).length && callsFunction(stmt.node);
  if (stmt.kind === 'CreateTableAsStmt') return callsFunction(stmt.node.query);
  if (stmt.kind === 'RenameStmt') return true;
  if (stmt.kind === 'DropStmt') return stmt.node.removeType === 'OBJECT_TABLE';
  if (stmt.kind === 'AlterTableStmt')
    return (stmt.node.cmds ?? []).some((c) => {
      const sub = unwrap(c, 'AlterTableCmd')?.subtype;
      return sub === 'AT_AttachPartition' || sub === 'AT_AddInherit';
    });
  return false;
}

/** A function call anywhere in the node (a function may write rows). */
function callsFunction(node: unknown): boolean {
  return node !== undefined && JSON.stringify(node).includes('"FuncCall"');
}

/** Two statements run in one transaction (the same BEGIN, body transaction, one-query chunk, or wrapper). */
export function sameTransaction(a: { tx: TxState | null; itemIndex: number }, b: { tx: TxState | null; itemIndex: number }): boolean {
  const ta = a.tx;
  const tb = b.tx;
  if (!ta || !tb || ta.kind !== tb.kind) return false;
  if (ta.kind === 'explicit' || ta.kind === 'body' || ta.kind === 'wrapper') return ta.beganAt === tb.beganAt;
  if (ta.kind === 'one-query') return a.itemIndex === b.itemIndex;
  return true;
}

/**
 * The file's text between two statements holds something that runs and that the analysis did not read: a piece that
 * did not parse, a psql meta-command, host-language code between two calls (a Ruby, Python or JS statement, the
 * end of a condition or loop the earlier call is in: `end`, `}`). Comments, string quotes, parentheses, commas and
 * semicolons run nothing, nor does a heredoc's terminator (`SQL` alone on its line). With `indentBlocks`, a call indented less than the one before it
 * has left the block the earlier one is in (Python).
 */
export function unseenBetween(text: string, a: Statement, b: Statement, indentBlocks: boolean): boolean {
  if (b.span.start <= a.span.end) return false;
  const gap = text
    .slice(a.span.end, b.span.start)
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(--|#|\/\/)[^\n]*/g, ' ')
    .replace(/^\s*[A-Z][A-Z0-9_]*\s*$/gm, ' ');
  if (/[\w\\$}]/.test(gap)) return true;
  return indentBlocks && a.itemIndex !== b.itemIndex && indentOf(text, b.span.start) < indentOf(text, a.span.start);
}

/** The indentation of the line an offset is on. */
function indentOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0].length;
}
