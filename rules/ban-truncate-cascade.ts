import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { relName } from '../src/engine/ast.js';
import type { QualifiedName } from '../src/types.js';
import { unwrap } from '../src/sql/nodes.js';

export default defineRule({
  meta: {
    id: 'ban-truncate-cascade',
    description: 'TRUNCATE … CASCADE also empties every table that references the truncated ones, recursively.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      cascade:
        'TRUNCATE {{tables}} CASCADE also empties every table with a foreign key to them, and the tables referencing those, recursively — tables this migration does not name — each under an ACCESS EXCLUSIVE lock.',
    },
    docs: {
      what: 'Flags `TRUNCATE … CASCADE`.',
      why: 'CASCADE follows foreign keys: truncating `customers` with CASCADE empties `orders`, then `order_lines`, `payments` … whatever references them, each under ACCESS EXCLUSIVE. The migration does not show which tables go. Name every table to truncate explicitly; without CASCADE, PostgreSQL refuses if a referencing table is left out, which is the check you want.',
      invalid: [{ code: 'TRUNCATE customers CASCADE;\n' }],
      valid: [{ code: 'TRUNCATE order_lines, orders, customers;\n' }],
      references: ['https://www.postgresql.org/docs/current/sql-truncate.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'TruncateStmt' || s.node.behavior !== 'DROP_CASCADE') continue;
      const names = (s.node.relations ?? []).map((r) => relName(unwrap(r, 'RangeVar'))).filter((x: QualifiedName | undefined): x is QualifiedName => !!x);
      ctx.report({
        statement: s,
        messageId: 'cascade',
        data: { tables: names.map((n: QualifiedName) => displayName(n)).join(', ') },
        help: 'List every table to empty and drop CASCADE.',
      });
    }
  },
});
