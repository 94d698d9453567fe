import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { tableLabel } from '../src/engine/describe.js';
import { statementHead, transactionKey } from '../src/engine/ast.js';
import type { AnalyzedStatement } from '../src/types.js';

/** Statements that do no work while the lock is held: transaction control and session settings. */
const IDLE = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt']);

function what(s: AnalyzedStatement): string {
  const head = statementHead(s);
  const work = s.facts.rewrite ? ', rewrites a table' : s.facts.scan ? ', scans a table' : /^(UPDATE|DELETE|INSERT|MERGE|COPY)/.test(head) ? ', writes rows' : '';
  return `${head} on line ${s.loc.line}${work}`;
}

export default defineRule({
  meta: {
    id: 'hold-access-exclusive-lock',
    description: 'An ACCESS EXCLUSIVE lock is held until the transaction ends, through every statement that follows it.',
    category: 'transactions',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      held: 'The ACCESS EXCLUSIVE lock {{statement}} takes on {{table}} is held until the transaction ends, through {{count}} more statement(s): {{list}}. Every SELECT, INSERT, UPDATE and DELETE on {{table_name}} waits all that time.',
    },
    docs: {
      what: 'Flags a statement that takes ACCESS EXCLUSIVE on an existing table when more statements follow it in the same transaction (an explicit BEGIN, the framework\'s transaction, or a multi-statement one-query chunk). Transaction control and SET are not counted.',
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
      list.forEach((s, i) => {
        const lock = s.facts.mainLock;
        if (!lock || lock.mode !== 'AccessExclusiveLock') return;
        const table = s.facts.tables.find((t) => t.name === lock.relation.name && t.schema === lock.relation.schema);
        if (!table || table.sizeClass === 'new') return;
        const count = list.length - i - 1;
        if (count === 0) return;
        const after = list.slice(i + 1, i + 4);
        const listed = after.map(what).join('; ') + (count > after.length ? '; …' : '');
        ctx.report({
          statement: s,
          messageId: 'held',
          data: { statement: statementHead(s), table: tableLabel(table), table_name: displayName(table), count, list: listed },
          help: 'Move this statement to the end of its transaction, or commit right after it (in a framework: a migration of its own).',
        });
      });
    }
  },
});
