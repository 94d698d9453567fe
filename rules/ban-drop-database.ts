import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';

export default defineRule({
  meta: {
    id: 'ban-drop-database',
    description: 'DROP DATABASE in a migration deletes a whole database.',
    category: 'columns',
    defaultSeverity: 'error',
    fix: 'none',
    messages: { drop: 'DROP DATABASE {{database}} deletes the whole database and everything in it; it has no place in a schema migration.' },
    docs: {
      what: 'Flags `DROP DATABASE`.',
      why: 'A migration runs against every environment, production included. Dropping a database cannot be undone and usually comes from a local reset script that ended up among the migrations. PostgreSQL also refuses it inside a transaction block, so in most migration tools it fails anyway.',
      invalid: [{ code: 'DROP DATABASE IF EXISTS shop_test;\n' }],
      valid: [{ code: 'DROP SCHEMA IF EXISTS staging_import CASCADE;\n' }],
      references: ['https://www.postgresql.org/docs/current/sql-dropdatabase.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'DropdbStmt') continue;
      ctx.report({
        statement: s,
        messageId: 'drop',
        data: { database: displayName({ name: s.node.dbname ?? '?' }) },
        help: 'Drop databases by hand or in environment setup scripts, not in migrations.',
      });
    }
  },
});
