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
      released: 'Dropping table {{table}} deletes its data for good; the code that stopped using it is live first, as {{how}}.',
    },
    docs: {
      what: 'Flags `DROP TABLE` of a table that was not created in the same migration, and that the migration does not build again with `CREATE TABLE … AS` (a cache table refilled from its query).',
      why: 'A dropped table cannot be recovered short of a backup restore, and the release still running during the deploy may query it. Make sure nothing reads it any more (rename it aside first, or revoke access and watch for errors), keep a dump, then drop it. A migration that says it runs after the release that stopped using the table is live (django-safemigrate `safe = Safe.after_deploy()`, Sentry `is_post_deployment = True`, a strong_migrations `safety_assured` block) gets an info note only: the data loss remains.',
      invalid: [{ code: 'DROP TABLE legacy_sessions;\n' }],
      valid: [
        {
          title: 'A scratch table created in the same migration',
          code: 'CREATE TABLE tmp_customer_merge (old_id bigint, new_id bigint);\nDROP TABLE tmp_customer_merge;\n',
        },
        {
          title: 'A cache table rebuilt from its query in the same migration',
          code: 'DROP TABLE customer_stats_fast;\nCREATE TABLE customer_stats_fast AS SELECT * FROM customer_stats_view;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-droptable.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_TABLE') continue;
      // A table CREATE TABLE … AS rebuilds later in the migration is a cache filled again from its query.
      const rebuilt = s.facts.createdLater ?? [];
      const tables = s.facts.tables.filter((t) => t.sizeClass !== 'new' && !rebuilt.includes(t.name));
      if (tables.length === 0) continue;
      const how = s.item.exec.codeReleased;
      if (how) {
        ctx.report({ statement: s, messageId: 'released', data: { table: tables.map((t) => displayName(t)).join(', '), how }, atMost: 'info' });
        continue;
      }
      ctx.report({
        statement: s,
        messageId: 'drop',
        data: { table: tables.map((t) => displayName(t)).join(', ') },
        help: 'Stop every use of the table in an earlier release and keep a backup before dropping it.',
      });
    }
  },
});
