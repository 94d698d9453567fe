import { defineRule } from '../src/engine/rule.js';
import { concurrentIndexCommand } from './ban-concurrent-index-creation-in-transaction.js';

export default defineRule({
  meta: {
    id: 'ban-non-transactional-statement-in-transaction',
    description: 'Statements PostgreSQL refuses inside a transaction block, placed where one is open.',
    category: 'transactions',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {
      inTransaction: '{{command}} cannot run inside a transaction block, and this one will: {{reason}}. The migration fails at deploy time.',
    },
    docs: {
      what: 'Flags VACUUM, CREATE / DROP DATABASE, ALTER SYSTEM, CREATE / DROP TABLESPACE, `ALTER TYPE … ADD VALUE` (before PostgreSQL 12), `DETACH PARTITION … CONCURRENTLY` and REINDEX SYSTEM / DATABASE when they will run inside a transaction block. Concurrent index commands have their own rule, ban-concurrent-index-creation-in-transaction.',
      why: 'PostgreSQL raises "cannot run inside a transaction block" for these statements, so the migration fails when it is deployed.',
      invalid: [{ code: 'BEGIN;\nDELETE FROM sessions WHERE expires_at < now();\nVACUUM sessions;\nCOMMIT;\n' }],
      valid: [{ code: 'BEGIN;\nDELETE FROM sessions WHERE expires_at < now();\nCOMMIT;\nVACUUM sessions;\n' }],
      references: ['https://www.postgresql.org/docs/current/sql-vacuum.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      const tx = s.facts.inTransaction;
      if (!tx || !s.facts.nonTransactional || concurrentIndexCommand(s)) continue;
      const command = s.sql.split(/\s+/).slice(0, 2).join(' ').toUpperCase().replace(/;$/, '');
      ctx.report({ statement: s, messageId: 'inTransaction', data: { command, reason: tx.reason } });
    }
  },
});
