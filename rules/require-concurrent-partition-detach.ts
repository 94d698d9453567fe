import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { alterCmds, relationOf, relName, tableFor, unwrap } from '../src/engine/ast.js';
import { tableLabel } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-partition-detach',
    description: 'DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the partitioned table (PostgreSQL 14+ has a concurrent form).',
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      blocking:
        'DETACH PARTITION {{partition}} takes an ACCESS EXCLUSIVE lock on {{table}}: every query on the whole partitioned table — all partitions — waits, and queues behind any running query first.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … DETACH PARTITION` without `CONCURRENTLY` on PostgreSQL 14 and later, when the partitioned table was not created in the same migration.',
      why: 'A plain DETACH PARTITION takes ACCESS EXCLUSIVE on the parent, so reads and writes of every partition stop while it waits for and holds the lock. `DETACH PARTITION … CONCURRENTLY` (PostgreSQL 14+) takes only SHARE UPDATE EXCLUSIVE on the parent and runs in two transactions: the first marks the partition as detaching, then it waits for every query that could see the partition to finish, and the second takes ACCESS EXCLUSIVE on the partition alone (queries on that partition queue behind it, queries on the others go on). It cannot run inside a transaction block, and not when the table has a default partition.',
      invalid: [{ code: 'ALTER TABLE events DETACH PARTITION events_2023_01;\n', pgVersion: 16 }],
      valid: [
        { code: 'ALTER TABLE events DETACH PARTITION events_2023_01 CONCURRENTLY;\n', pgVersion: 16 },
        { title: 'Before PostgreSQL 14 there is no concurrent form', code: 'ALTER TABLE events DETACH PARTITION events_2023_01;\n', pgVersion: 13 },
      ],
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION',
        'https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE',
      ],
    },
  },
  check(ctx) {
    if (ctx.settings.pgVersion < 14) return;
    for (const s of ctx.statements) {
      for (const c of alterCmds(s)) {
        if (c.subtype !== 'AT_DetachPartition' || unwrap(c.def, 'PartitionCmd')?.concurrent) continue;
        const parent = tableFor(s, relName(relationOf(s)));
        if (!parent || parent.sizeClass === 'new') continue;
        const part = relName(unwrap(c.def, 'PartitionCmd')?.name);
        ctx.report({
          statement: s,
          messageId: 'blocking',
          data: { partition: part ? displayName(part) : '?', table: tableLabel(parent) },
          help: 'Use DETACH PARTITION … CONCURRENTLY, outside any transaction block (its own migration without a transaction).',
        });
      }
    }
  },
});
