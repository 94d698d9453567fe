import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { tableLabel, listed } from '../src/engine/describe.js';
import { statementHead } from '../src/engine/ast.js';
import { lockLabel } from '../src/analysis/locks.js';
import type { HeldThrough, SlowWork } from '../src/types.js';

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
function ownsFinding(t: HeldThrough, work: SlowWork): boolean {
  return work.kind === 'rewrite' || work.kind === 'scan' || work.kind === 'index' || t.unbounded || t.afterSchemaChange;
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
    for (const s of ctx.statements) {
      // Once per transaction: at the first statement that takes ACCESS EXCLUSIVE on an existing table.
      const held = s.facts.accessExclusiveHeld;
      if (!held) continue;
      const items = held.through.map((t) =>
        t.work
          ? `${statementHead(t.statement)} on line ${t.statement.line}, which ${WORK_WORDS[t.work.kind]}`
          : `${statementHead(t.statement)} on line ${t.statement.line}, which waits for its ${lockLabel(t.wait!.mode)} lock on ${displayName(t.wait!.relation)} with no lock_timeout`,
      );
      // A wait with no lock_timeout is require-lock-timeout's finding: that rule's fix (a lock_timeout) bounds it.
      const owned = held.through.every((t) => !t.work || ownsFinding(t, t.work));
      const first = held.tables[0]!;
      const rest = held.tables.slice(1);
      const later = rest.map((h) => displayName(h.table));
      const own = rest.filter((h) => h.takenHere).length;
      const by = own === rest.length ? 'by it' : own === 0 ? 'by later statements' : 'by it and later statements';
      const slowList = items.slice(0, 3).join('; ') + (items.length > 3 ? `; and ${items.length - 3} more` : '');
      ctx.report({
        statement: s,
        messageId: 'held',
        data: {
          statement: statementHead(s),
          table: tableLabel(first.table),
          also: later.length ? ` (as are the ones taken ${by} on ${listed(later.slice(0, 3))}${later.length > 3 ? ` and ${later.length - 3} more` : ''})` : '',
          tables: listed([displayName(first.table), ...later].slice(0, 4)) + (later.length > 3 ? ' and the others' : ''),
          list: slowList,
        },
        info: owned,
        help: 'Move the ACCESS EXCLUSIVE statements to the end of their transaction, or commit right after them (in a framework: a migration of their own).',
      });
    }
  },
});
