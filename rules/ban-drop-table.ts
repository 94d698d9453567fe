import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';

export default defineRule({
  meta: {
    id: 'ban-drop-table',
    description: 'Dropping a table loses its data and breaks code that still uses it.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      drop: 'Dropping table {{table}} deletes its data for good, takes an ACCESS EXCLUSIVE lock on it, and breaks every running query that still uses it.',
    },
    docs: {
      what: 'Flags `DROP TABLE` of a table that was not created in the same migration.',
      why: 'A dropped table cannot be recovered short of a backup restore, and the release still running during the deploy may query it. Make sure nothing reads it any more (rename it aside first, or revoke access and watch for errors), keep a dump, then drop it.',
      invalid: [{ code: 'DROP TABLE legacy_sessions;\n' }],
      valid: [
        {
          title: 'A scratch table created in the same migration',
          code: 'CREATE TABLE tmp_customer_merge (old_id bigint, new_id bigint);\nDROP TABLE tmp_customer_merge;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-droptable.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_TABLE') continue;
      const tables = s.facts.tables.filter((t) => t.sizeClass !== 'new');
      if (tables.length === 0) continue;
      ctx.report({
        statement: s,
        messageId: 'drop',
        data: { table: tables.map((t) => displayName(t)).join(', ') },
        help: 'Stop every use of the table in an earlier release and keep a backup before dropping it.',
      });
    }
  },
});
