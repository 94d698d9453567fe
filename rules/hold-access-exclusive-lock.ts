import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { tableLabel } from '../src/engine/describe.js';
import { statementHead, transactionKey } from '../src/engine/ast.js';
import { LOCK_STRENGTH, lockLabel } from '../src/analysis/locks.js';
import { tableKey } from '../src/catalog/catalog.js';
import type { AnalyzedStatement, LockFact, QualifiedName, SlowWork, TableInfo } from '../src/types.js';

/** Statements that do no work while the lock is held: transaction control and session settings. */
const IDLE = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt']);

const ROW_WORK = new Set(['UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt']);

/** The analysis's `work` fact, in words. */
const WORK_WORDS: Record<SlowWork['kind'], string> = {
  rewrite: 'rewrites a table',
  scan: 'scans a table',
  index: 'builds an index',
  rows: 'writes rows',
  copy: 'copies rows from a query',
};

/**
 * The slow statement already has a finding of its own (the rule that owns its hazard): a rewrite, a scan or an
 * index build on an existing table, an UPDATE / DELETE without WHERE, or an UPDATE after DDL on its table in the
 * same transaction (ban-unbatched-backfill). This finding then only adds how long the earlier lock is held.
 */
function ownsFinding(s: AnalyzedStatement, work: SlowWork, before: AnalyzedStatement[]): boolean {
  if (work.kind === 'rewrite' || work.kind === 'scan' || work.kind === 'index') return true;
  if ((s.kind === 'UpdateStmt' || s.kind === 'DeleteStmt') && !s.node.whereClause) return true;
  if (s.kind === 'UpdateStmt') {
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
  return false;
}

function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  return tableKey(a) === tableKey(b);
}

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

/** "a", "a and b", "a, b and c". */
function andList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export default defineRule({
  meta: {
    id: 'hold-access-exclusive-lock',
    description: 'An ACCESS EXCLUSIVE lock is held until the transaction ends, through the slow work that follows it.',
    category: 'transactions',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      held: 'The ACCESS EXCLUSIVE lock {{statement}} takes on {{table}} is held until the transaction ends{{also}}, through {{list}}. Every SELECT, INSERT, UPDATE and DELETE on {{tables}} waits all that time.',
    },
    docs: {
      what: "Flags a transaction (an explicit BEGIN, the framework's transaction, or a multi-statement one-query chunk) that takes ACCESS EXCLUSIVE on an existing table and then does slow work: a statement that rewrites, scans or builds an index on a table with rows (not one created empty in the change), writes rows of such a table (UPDATE, DELETE, MERGE, COPY), or copies rows from a query (INSERT … SELECT, CREATE TABLE … AS) — or one that requests a lock on another existing table with no `lock_timeout` (a wait of unknown length). Once per transaction, at the first statement that takes ACCESS EXCLUSIVE on an existing table, naming every such table and the slow statements (with their lines). Quick statements after the lock (more ADD COLUMNs, renames, drops, a lock the transaction already holds, a lock under a lock_timeout) are not reported. When every slow statement already has a finding of its own (an index build, a rewrite, a validating scan, an unbatched backfill, or a lock wait with no lock_timeout, which `require-lock-timeout` reports and its fix bounds), the finding is info: it only adds how long the lock is held.",
      why: 'Locks are released at COMMIT, not when the statement that took them ends. An instant `ALTER TABLE … ADD COLUMN` followed by a backfill, an index build or a lock wait on another table keeps the table unreadable for the whole rest of the transaction. Take the ACCESS EXCLUSIVE lock last, or commit right after it.',
      invalid: [
        {
          title: 'A backfill after the lock',
          code: "BEGIN;\nALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'shipped' WHERE shipped_at IS NOT NULL;\nCOMMIT;\n",
        },
        {
          title: 'A lock on a second table while the first stays locked',
          code: 'BEGIN;\nALTER TABLE customers RENAME COLUMN mail TO email;\nCREATE INDEX orders_placed_at_idx ON orders (placed_at);\nCOMMIT;\n',
        },
      ],
      valid: [
        {
          title: 'The ACCESS EXCLUSIVE statement last',
          code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCREATE TABLE order_notes (id bigint PRIMARY KEY, order_id bigint NOT NULL, body text NOT NULL);\nALTER TABLE orders ADD COLUMN last_note_id bigint;\nCOMMIT;\n",
        },
        {
          title: 'Each statement in its own transaction',
          code: "ALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'shipped' WHERE id BETWEEN 1 AND 10000;\n",
        },
      ],
      references: ['https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES'],
    },
  },
  check(ctx) {
    // One pass: the statements of each transaction, in order (transaction control and SET do no work).
    const byTx = new Map<string, AnalyzedStatement[]>();
    for (const s of ctx.statements) {
      const key = transactionKey(s);
      if (key === undefined || IDLE.has(s.kind)) continue;
      let list = byTx.get(key);
      if (!list) byTx.set(key, (list = []));
      list.push(s);
    }
    for (const list of byTx.values()) {
      // The locks the transaction holds so far (the strongest per table), and the existing tables it holds
      // ACCESS EXCLUSIVE on, with the statement that took each lock.
      const holds = new Map<string, LockFact>();
      const exclusive = new Map<string, { statement: AnalyzedStatement; table: TableInfo }>();
      const items: string[] = [];
      const heldThrough = new Set<string>();
      /** Tables renamed in the transaction: the new name's key → the key it was locked under. */
      const renamed = new Map<string, string>();
      let owned = true;
      list.forEach((t, i) => {
        if (exclusive.size > 0) {
          const work = t.facts.work;
          const wait = work ? undefined : awaitedLock(t, holds);
          if (work || wait) {
            // A wait with no lock_timeout is require-lock-timeout's finding: that rule's fix (a lock_timeout) bounds it.
            if (work && !ownsFinding(t, work, list.slice(0, i))) owned = false;
            for (const k of exclusive.keys()) heldThrough.add(k);
            items.push(
              work
                ? `${statementHead(t)} on line ${t.loc.line}, which ${WORK_WORDS[work.kind]}`
                : `${statementHead(t)} on line ${t.loc.line}, which waits for its ${lockLabel(wait!.mode)} lock on ${displayName(wait!.relation)} with no lock_timeout`,
            );
          }
        }
        for (const lock of t.facts.locks) {
          if (lock.on !== 'table') continue;
          const key = tableKey(lock.relation);
          const had = holds.get(key);
          if (!had || LOCK_STRENGTH[lock.mode] > LOCK_STRENGTH[had.mode]) holds.set(key, lock);
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
          const ex = exclusive.get(from);
          if (ex) renamed.set(to, from);
        }
      });
      if (items.length === 0) continue;
      // Once per transaction: at the first statement that takes ACCESS EXCLUSIVE on an existing table.
      const held = [...exclusive.entries()].filter(([k]) => heldThrough.has(k)).map(([, v]) => v);
      const first = held[0]!;
      const rest = held.slice(1);
      const later = rest.map((h) => displayName(h.table));
      const own = rest.filter((h) => h.statement === first.statement).length;
      const by = own === rest.length ? 'by it' : own === 0 ? 'by later statements' : 'by it and later statements';
      const listed = items.slice(0, 3).join('; ') + (items.length > 3 ? `; and ${items.length - 3} more` : '');
      ctx.report({
        statement: first.statement,
        messageId: 'held',
        data: {
          statement: statementHead(first.statement),
          table: tableLabel(first.table),
          also: later.length ? ` (as are the ones taken ${by} on ${andList(later.slice(0, 3))}${later.length > 3 ? ` and ${later.length - 3} more` : ''})` : '',
          tables: andList([displayName(first.table), ...later].slice(0, 4)) + (later.length > 3 ? ' and the others' : ''),
          list: listed,
        },
        info: owned,
        help: 'Move the ACCESS EXCLUSIVE statements to the end of their transaction, or commit right after them (in a framework: a migration of their own).',
      });
    }
  },
});
