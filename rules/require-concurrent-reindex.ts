import { defineRule } from '../src/engine/rule.js';
import { planToReport } from '../src/engine/describe.js';
import { unwrap } from '../src/sql/nodes.js';

const KIND_WORD: Record<string, string> = {
  REINDEX_OBJECT_INDEX: 'INDEX',
  REINDEX_OBJECT_TABLE: 'TABLE',
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
  REINDEX_OBJECT_SYSTEM: 'SYSTEM',
};

export default defineRule({
  meta: {
    id: 'require-concurrent-reindex',
    description: 'REINDEX without CONCURRENTLY blocks writes to the table and reads through the index (PostgreSQL ≥ 12).',
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'safe',
    messages: {
      blocking:
        'REINDEX {{what}} {{name}} holds a SHARE lock on the table for the whole rebuild (INSERT, UPDATE and DELETE wait) and an ACCESS EXCLUSIVE lock on each index it rebuilds: plain SELECTs on the table wait too, because planning any query on a table locks all its indexes.',
    },
    docs: {
      what: 'Flags `REINDEX INDEX|TABLE|SCHEMA|DATABASE` without `CONCURRENTLY` when the target PostgreSQL is 12 or newer.',
      why: 'A plain REINDEX locks out writes to the table for the whole rebuild and blocks every query that would read through the index being rebuilt. `REINDEX … CONCURRENTLY` (PostgreSQL 12+) builds a new index beside the old one and swaps them.',
      invalid: [{ code: 'REINDEX INDEX idx_orders_customer;\n', fixed: 'REINDEX INDEX CONCURRENTLY idx_orders_customer;\n' }],
      valid: [
        { code: 'REINDEX INDEX CONCURRENTLY idx_orders_customer;\n' },
        { title: 'PostgreSQL 11 has no concurrent REINDEX', code: 'REINDEX INDEX idx_orders_customer;\n', pgVersion: 11 },
      ],
      fixSafety: 'CONCURRENTLY is added only where the statement then runs outside a transaction block. REINDEX SYSTEM cannot be concurrent and gets no fix.',
      references: ['https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY'],
    },
  },
  check(ctx) {
    if (ctx.settings.pgVersion < 12) return;
    for (const s of ctx.statements) {
      if (s.kind !== 'ReindexStmt') continue;
      if ((s.node.params ?? []).some((p) => unwrap(p, 'DefElem')?.defname === 'concurrently')) continue;
      if (s.facts.tables.some((t) => t.sizeClass === 'new')) continue;
      const what = KIND_WORD[s.node.kind ?? ''] ?? 'INDEX';
      const name = s.node.relation?.relname ?? s.node.name ?? '';
      const report = what === 'SYSTEM' ? {} : planToReport(ctx.fixer.outsideTransaction(s, 'add-concurrently'));
      ctx.report({ statement: s, messageId: 'blocking', data: { what, name }, ...report });
    }
  },
});
