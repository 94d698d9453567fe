import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { tableLabel } from '../src/engine/describe.js';
import { statementHead, transactionKey, unwrap } from '../src/engine/ast.js';
import { LOCK_STRENGTH, lockLabel } from '../src/analysis/locks.js';
import { tableKey } from '../src/catalog/catalog.js';
import type { AnalyzedStatement, LockFact, QualifiedName } from '../src/types.js';

/** Statements that do no work while the lock is held: transaction control and session settings. */
const IDLE = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt']);

const ROW_WORK = new Set(['UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt']);

/** An INSERT that reads rows from a table (INSERT … SELECT … FROM): a backfill, however small the target. */
function insertsFromQuery(s: AnalyzedStatement): boolean {
  return s.kind === 'InsertStmt' && !!unwrap(s.node.selectStmt, 'SelectStmt')?.fromClause?.length;
}

/**
 * Why a statement takes time while an earlier lock is held: it scans or rewrites a table, builds an index on
 * one, or backfills rows of one (empty new tables take no time). Undefined when it is quick.
 */
function slowWork(s: AnalyzedStatement): string | undefined {
  const existing = s.facts.tables.length > 0 && s.facts.tables[0]!.sizeClass !== 'new';
  if (insertsFromQuery(s)) return 'copies rows from a query';
  if (!existing) return undefined;
  if (s.facts.rewrite) return 'rewrites a table';
  if (s.kind === 'IndexStmt') return 'builds an index';
  if (s.facts.scan) return 'scans a table';
  if (ROW_WORK.has(s.kind)) return 'writes rows';
  return undefined;
}

/**
 * The slow statement already has a finding of its own (the rule that owns its hazard): a rewrite, a scan or an
 * index build on an existing table, an UPDATE / DELETE without WHERE, or an UPDATE after DDL on its table in the
 * same transaction (ban-unbatched-backfill). This finding then only adds how long the earlier lock is held.
 */
function ownsFinding(s: AnalyzedStatement, before: AnalyzedStatement[]): boolean {
  if (s.facts.rewrite || s.facts.scan || s.kind === 'IndexStmt') return true;
  if ((s.kind === 'UpdateStmt' || s.kind === 'DeleteStmt') && !s.node.whereClause) return true;
  if (s.kind === 'UpdateStmt') {
    const table = s.facts.tables[0];
    return !!table && before.some((b) => !ROW_WORK.has(b.kind) && b.kind !== 'InsertStmt' && b.kind !== 'SelectStmt' && b.facts.locks.some((l) => l.on === 'table' && sameTable(l.relation, table) && LOCK_STRENGTH[l.mode] >= LOCK_STRENGTH.ShareUpdateExclusiveLock));
  }
  return false;
}

function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  return tableKey(a) === tableKey(b);
}

/** A lock on another existing table that can wait behind other sessions, requested with no lock_timeout. */
function awaitedLock(s: AnalyzedStatement, held: QualifiedName): LockFact | undefined {
  if (s.facts.lockTimeout && s.facts.lockTimeout !== '0') return undefined;
  return s.facts.locks.find((l) => {
    if (l.on !== 'table' || sameTable(l.relation, held) || LOCK_STRENGTH[l.mode] < LOCK_STRENGTH.ShareLock) return false;
    const t = s.facts.tables.find((x) => sameTable(x, l.relation));
    return !t || t.sizeClass !== 'new';
  });
}

export default defineRule({
  meta: {
    id: 'hold-access-exclusive-lock',
    description: 'An ACCESS EXCLUSIVE lock is held until the transaction ends, through every statement that follows it.',
    category: 'transactions',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      held: 'The ACCESS EXCLUSIVE lock {{statement}} takes on {{table}} is held until the transaction ends, through {{list}}. Every SELECT, INSERT, UPDATE and DELETE on {{table_name}} waits all that time.',
    },
    docs: {
      what: 'Flags a statement that takes ACCESS EXCLUSIVE on an existing table when, later in the same transaction (an explicit BEGIN, the framework\'s transaction, or a multi-statement one-query chunk), slow work follows — a scan, a rewrite, an index build or a backfill of an existing table, or an INSERT … SELECT — or a lock on another existing table is requested with no `lock_timeout` (a wait of unknown length). Once per transaction and table, at the first statement that locks it. Quick statements after it (more ADD COLUMNs, another lock under a lock_timeout) are not reported. When every slow statement already has a finding of its own (an index build, a rewrite, a validation, a backfill), the finding is info: it only adds how long the lock is held.',
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
        { title: 'The ACCESS EXCLUSIVE statement last', code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCREATE TABLE order_notes (id bigint PRIMARY KEY, order_id bigint NOT NULL, body text NOT NULL);\nALTER TABLE orders ADD COLUMN last_note_id bigint;\nCOMMIT;\n" },
        { title: 'Each statement in its own transaction', code: "ALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'shipped' WHERE id BETWEEN 1 AND 10000;\n" },
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
      // Once per transaction and table: the first statement that takes ACCESS EXCLUSIVE on it is the one reported.
      const seen = new Set<string>();
      list.forEach((s, i) => {
        for (const lock of s.facts.locks) {
          if (lock.mode !== 'AccessExclusiveLock' || lock.on !== 'table' || seen.has(tableKey(lock.relation))) continue;
          seen.add(tableKey(lock.relation));
          const table = s.facts.tables.find((t) => sameTable(t, lock.relation));
          if (!table || table.sizeClass === 'new') continue;
          const items: string[] = [];
          let owned = true;
          for (const t of list.slice(i + 1)) {
            const slow = slowWork(t);
            const wait = slow ? undefined : awaitedLock(t, lock.relation);
            if (!slow && !wait) continue;
            if (!slow || !ownsFinding(t, list.slice(0, list.indexOf(t)))) owned = false;
            items.push(slow ? `${statementHead(t)} on line ${t.loc.line}, which ${slow}` : `${statementHead(t)} on line ${t.loc.line}, which waits for its ${lockLabel(wait!.mode)} lock on ${displayName(wait!.relation)} with no lock_timeout`);
          }
          if (items.length === 0) continue;
          const listed = items.slice(0, 3).join('; ') + (items.length > 3 ? `; and ${items.length - 3} more` : '');
          ctx.report({
            statement: s,
            messageId: 'held',
            data: { statement: statementHead(s), table: tableLabel(table), table_name: displayName(table), list: listed },
            info: owned,
            help: 'Move this statement to the end of its transaction, or commit right after it (in a framework: a migration of its own).',
          });
        }
      });
    }
  },
});
