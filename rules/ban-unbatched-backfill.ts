import { defineRule } from '../src/engine/rule.js';
import { lockLabel } from '../src/analysis/locks.js';
import { displayName } from '../src/catalog/catalog.js';
import { relationOf, relName, statementHead, tableFor } from '../src/engine/ast.js';
import { tableLabel } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'ban-unbatched-backfill',
    description:
      'An UPDATE or DELETE of a whole table in one statement, or a backfill in the same transaction as DDL on the table, holds its locks for the whole run.',
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'none',
    // A small table's backfill is a few rows: locked and rewritten in no time.
    sizeAware: true,
    messages: {
      unbounded:
        '{{statement}} on {{table}} without WHERE touches every row in one transaction: each row stays locked against concurrent UPDATE and DELETE until it commits, and the whole table is rewritten into WAL and dead tuples at once.',
      withDdl:
        'UPDATE on {{table}} runs in the same transaction as {{ddl}} on line {{line}}: the {{lock}} lock it takes is held for the whole backfill, and {{blocks}}.',
      beforeDdl:
        'UPDATE on {{table}} runs in the same transaction as {{ddl}} on line {{line}}, after it: every row the backfill changed stays locked against UPDATE and DELETE while {{ddl}} waits for its {{lock}} lock, and until the transaction commits.',
    },
    docs: {
      what: 'Flags `UPDATE` and `DELETE` without `WHERE` on a table that already exists, and any `UPDATE` of a table in the same transaction as a schema change (ALTER TABLE, CREATE INDEX …) on that table. Not an `UPDATE … SET col = … WHERE col IS NULL` under an ACCESS EXCLUSIVE lock the transaction holds, followed by `SET NOT NULL` of that column (what Django sends for an `AlterField` to a not-null field with a default): `adding-not-nullable-field` reports the fill and the scan as one. Size-aware: silent on a table known to be small (a one-row settings table), an error on a large one.',
      why: "A single statement over every row locks each row it changes until commit, so application writes to those rows wait; it also produces a burst of WAL (replication lag) and a table's worth of dead tuples for VACUUM. Done in the transaction of an `ALTER TABLE`, the backfill also keeps that statement's ACCESS EXCLUSIVE lock — no reads at all — until it finishes. Backfill in batches of a few thousand rows, each committed on its own, after the schema change has committed.",
      invalid: [
        { code: "UPDATE orders SET currency = 'EUR';\n", tables: { orders: { rows: 12_000_000 } } },
        {
          title: 'A backfill inside the migration that adds the column',
          code: "BEGIN;\nALTER TABLE orders ADD COLUMN currency text;\nUPDATE orders SET currency = 'EUR' WHERE currency IS NULL;\nCOMMIT;\n",
        },
      ],
      valid: [
        {
          title: 'The table a TRUNCATE emptied earlier in the same transaction',
          code: "SET lock_timeout = '2s';\nBEGIN;\nTRUNCATE orders;\nUPDATE orders SET currency = 'EUR';\nCOMMIT;\n",
          tables: { orders: { rows: 12_000_000 } },
        },
        {
          title: 'One batch, after the column was added in its own transaction',
          code: "ALTER TABLE orders ADD COLUMN currency text;\nUPDATE orders SET currency = 'EUR' WHERE id BETWEEN 1 AND 5000 AND currency IS NULL;\n",
        },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE order_flags (order_id bigint PRIMARY KEY, flagged boolean);\nUPDATE order_flags SET flagged = false;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-update.html', 'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'UpdateStmt' && s.kind !== 'DeleteStmt') continue;
      const rel = relName(relationOf(s));
      const table = tableFor(s, rel);
      if (!rel || !table || table.sizeClass === 'new') continue;
      const statement = s.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
      if (!s.node.whereClause) {
        ctx.report({
          statement: s,
          messageId: 'unbounded',
          data: { statement, table: tableLabel(table) },
          table,
          help: 'Backfill in batches (WHERE id BETWEEN … or a LIMITed subquery), committing after each.',
        });
        continue;
      }
      // The schema change on the table in the same transaction: the first before the backfill (whose lock it runs
      // under), else the first after it (whose lock is taken while its row locks are held).
      if (s.kind !== 'UpdateStmt') continue;
      const change = s.facts.schemaChangeInTransaction;
      // A fill of a column's NULLs for the SET NOT NULL after it, under the lock already held: adding-not-nullable-field
      // reports the two as one at the SET NOT NULL (the lock is held from the fill to the end of its scan).
      if (!change || s.facts.fillsForNotNull) continue;
      const lock = change.lock;
      ctx.report({
        statement: s,
        messageId: change.earlier ? 'withDdl' : 'beforeDdl',
        table,
        data: {
          table: tableLabel(table),
          ddl: statementHead(change.statement),
          line: change.statement.line,
          lock: lockLabel(lock.mode),
          blocks: lock.mode === 'AccessExclusiveLock' ? `every query on ${displayName(table)} waits` : `${lock.blocks.join(', ')} wait`,
        },
        help: 'Commit the schema change first (its own migration), then backfill in batches.',
      });
    }
  },
});
