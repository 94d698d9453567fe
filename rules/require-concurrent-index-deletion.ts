import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { planToReport } from '../src/engine/describe.js';
import { unwrap } from '../src/sql/nodes.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-index-deletion',
    description: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table.",
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'safe',
    messages: {
      blocking:
        'DROP INDEX {{index}} takes an ACCESS EXCLUSIVE lock on its table: every read and write waits, and while it waits behind a long query, everything queues behind it.',
    },
    docs: {
      what: 'Flags `DROP INDEX` without `CONCURRENTLY` on an index that was not created in the same migration, unless the transaction already holds ACCESS EXCLUSIVE on its table from an earlier statement (then that statement took the lock, and this drop adds no wait).',
      why: "DROP INDEX takes ACCESS EXCLUSIVE on the index's table. The drop itself is quick, but the lock request queues behind any running query on the table, and every later query — reads included — queues behind the request. `DROP INDEX CONCURRENTLY` waits for running transactions without blocking new ones.",
      invalid: [{ code: 'DROP INDEX idx_orders_legacy_status;\n', fixed: 'DROP INDEX CONCURRENTLY idx_orders_legacy_status;\n' }],
      valid: [
        { code: 'DROP INDEX CONCURRENTLY IF EXISTS idx_orders_legacy_status;\n' },
        {
          title: 'An index created earlier in the same migration',
          code: 'CREATE TABLE tmp_import (id bigint);\nCREATE INDEX tmp_import_id ON tmp_import (id);\nDROP INDEX tmp_import_id;\n',
        },
      ],
      fixSafety:
        'CONCURRENTLY is added only where the statement runs outside a transaction block afterwards, and only for a single index without CASCADE (PostgreSQL allows nothing else).',
      references: ['https://www.postgresql.org/docs/current/sql-dropindex.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_INDEX' || s.node.concurrent) continue;
      if (s.facts.tables.some((t) => t.sizeClass === 'new')) continue;
      // The transaction already holds ACCESS EXCLUSIVE on the table (an earlier DROP INDEX, an ALTER TABLE): this
      // drop waits for nothing and blocks no one not already blocked. The lock is the earlier statement's cost.
      if (s.facts.locksAlreadyHeld) continue;
      const objects = s.node.objects ?? [];
      const names = objects.map((o) => (unwrap(o, 'List')?.items ?? []).map((i) => unwrap(i, 'String')?.sval).join('.'));
      const fixable = objects.length === 1 && s.node.behavior !== 'DROP_CASCADE';
      const report = fixable
        ? planToReport(ctx.fixer.outsideTransaction(s, 'add-concurrently'))
        : { help: 'DROP INDEX CONCURRENTLY drops one index at a time and cannot CASCADE: split the statement.' };
      ctx.report({ statement: s, messageId: 'blocking', data: { index: names.map((n) => displayName({ name: n })).join(', ') }, ...report });
    }
  },
});
