import { defineRule } from '../src/engine/rule.js';
import type { AnalyzedStatement } from '../src/types.js';
import { planToReport } from '../src/engine/describe.js';
import { bodyReason } from '../src/analysis/analyze.js';
import { unwrap } from '../src/sql/nodes.js';

/** CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY. */
export function concurrentIndexCommand(s: AnalyzedStatement): string | null {
  if (s.kind === 'IndexStmt' && s.node.concurrent) return s.node.unique ? 'CREATE UNIQUE INDEX CONCURRENTLY' : 'CREATE INDEX CONCURRENTLY';
  if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_INDEX' && s.node.concurrent) return 'DROP INDEX CONCURRENTLY';
  if (s.kind === 'ReindexStmt' && (s.node.params ?? []).some((p) => unwrap(p, 'DefElem')?.defname === 'concurrently')) return 'REINDEX CONCURRENTLY';
  return null;
}

export default defineRule({
  meta: {
    id: 'ban-concurrent-index-creation-in-transaction',
    description: "CONCURRENTLY index commands fail inside a transaction block — explicit, the framework's, or a one-query chunk.",
    category: 'transactions',
    defaultSeverity: 'error',
    fix: 'safe',
    messages: {
      inTransaction: '{{command}} cannot run inside a transaction block, and this one will: {{reason}}. The migration fails at deploy time.',
    },
    docs: {
      what: 'Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX … CONCURRENTLY` that will run inside a transaction block: after an explicit BEGIN, inside the transaction the migration tool opens around the migration, in a multi-statement chunk the tool sends as one query (PostgreSQL runs that as one implicit transaction), or in a PL/pgSQL body (a DO block, or a function or procedure the migration calls), which PostgreSQL runs as a function in a transaction.',
      why: 'PostgreSQL refuses these commands in a transaction block: `ERROR: CREATE INDEX CONCURRENTLY cannot run inside a transaction block`. The migration that was meant to avoid a lock fails at deploy time instead — and teams then often fall back to a blocking CREATE INDEX.',
      invalid: [
        {
          title: 'Explicit transaction',
          code: 'BEGIN;\nCREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);\nCOMMIT;\n',
          fixed: 'BEGIN;\nCOMMIT;\n\nCREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);\n',
        },
        {
          title: 'On a table created in the same transaction, CONCURRENTLY buys nothing: the fix drops it',
          code: 'BEGIN;\nCREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint);\nCREATE INDEX CONCURRENTLY invoices_customer_idx ON invoices (customer_id);\nCOMMIT;\n',
          fixed:
            'BEGIN;\nCREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint);\nCREATE INDEX invoices_customer_idx ON invoices (customer_id);\nCOMMIT;\n',
        },
        {
          title: 'Alembic runs the migration in a transaction: the fix moves the statement into autocommit_block',
          filename: 'alembic/versions/3f2a9c1d7b4e_add_performance_indexes.py',
          code: 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "3f2a9c1d7b4e"\n\n\ndef upgrade():\n    op.execute(sa.text("CREATE INDEX CONCURRENTLY idx_messages_user_created ON messages (user_id, created_at DESC)"))\n',
          fixed:
            'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "3f2a9c1d7b4e"\n\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.execute(sa.text("CREATE INDEX CONCURRENTLY idx_messages_user_created ON messages (user_id, created_at DESC)"))\n',
        },
        {
          title: "goose runs each migration in a transaction: the fix is goose's own opt-out",
          filename: 'db/migrations/20240212083000_accounts_email_index.sql',
          code: '-- +goose Up\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY accounts_email_idx;\n',
          fixed:
            '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY accounts_email_idx;\n',
        },
        {
          title: 'golang-migrate sends the file as one query: a SET lock_timeout in front makes it one implicit transaction',
          filename: 'db/migrations/000002_users_email_index.up.sql',
          code: "SET lock_timeout = '3s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
        },
        {
          title: 'dbmate runs a section in a transaction unless it says transaction:false',
          filename: 'db/migrations/20240120090000_products_name_index.sql',
          code: '-- migrate:up\ncreate index concurrently products_name_idx on products (name);\n\n-- migrate:down\ndrop index products_name_idx;\n',
          fixed:
            '-- migrate:up transaction:false\ncreate index concurrently products_name_idx on products (name);\n\n-- migrate:down\ndrop index products_name_idx;\n',
        },
        {
          title: 'A DO block runs as a function in a transaction: CONCURRENTLY is refused there',
          code: "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'orders_customer_idx') THEN\n    EXECUTE 'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)';\n  END IF;\nEND\n$$;\n",
        },
      ],
      valid: [
        {
          title: 'Alembic: inside autocommit_block',
          filename: 'alembic/versions/3f2a9c1d7b4e_add_performance_indexes.py',
          code: 'from alembic import op\n\nrevision = "3f2a9c1d7b4e"\n\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index("idx_messages_user", "messages", ["user_id"], postgresql_concurrently=True)\n',
        },
        {
          title: 'psql -f runs each statement on its own',
          code: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);\n",
        },
        {
          title: 'After the COMMIT',
          code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);\n',
        },
        {
          title: 'goose with NO TRANSACTION sends statements one by one',
          filename: 'db/migrations/20240219140000_accounts_updated_index.sql',
          code: "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY accounts_updated_at_idx ON accounts (updated_at);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY accounts_updated_at_idx;\n",
        },
        {
          title: 'golang-migrate: the statement alone in its file',
          filename: 'db/migrations/000003_users_username_index.up.sql',
          code: 'CREATE INDEX CONCURRENTLY users_username_idx ON users (username);\n',
        },
      ],
      fixSafety:
        "On a table that is new or small, CONCURRENTLY is dropped: the plain build is short and can run in the transaction. Otherwise the statement is moved out of the transaction in the framework's own terms (after the COMMIT; goose `NO TRANSACTION`; Alembic `autocommit_block()` …), or, where there is no mechanical way, the manual procedure is given and nothing is rewritten. Adding a `COMMIT;` in the middle of a framework's transaction is never offered: it silently breaks the migration's atomicity. When several statements leave the same transaction, each fix places its statement right after the COMMIT, one per --fix pass (as `eslint --fix` does), so they end up there in reverse order; concurrent index builds do not depend on each other's order.",
      references: [
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
        'https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      const command = concurrentIndexCommand(s);
      const tx = s.facts.inTransaction;
      if (!command || !tx) continue;
      if (s.body) {
        // PostgreSQL runs a PL/pgSQL body as a function: CONCURRENTLY is refused there whatever the transaction.
        const reason = `${bodyReason(s.body)} (PostgreSQL refuses it "from a function")`;
        ctx.report({
          statement: s,
          messageId: 'inTransaction',
          data: { command, reason },
          help: 'Take the statement out of the body and run it on its own, outside any transaction; a per-partition loop becomes one statement per partition.',
        });
        continue;
      }
      const table = s.facts.tables[0];
      let report;
      if (table && (table.sizeClass === 'new' || table.sizeClass === 'small')) {
        const edits = ctx.fixer.dropConcurrently(s);
        report = edits
          ? { fix: { description: `Drop CONCURRENTLY: ${table.name} is ${table.sizeClass === 'new' ? 'created in this migration' : 'small'}`, edits } }
          : {};
      } else report = planToReport(ctx.fixer.outsideTransaction(s));
      ctx.report({ statement: s, messageId: 'inTransaction', data: { command, reason: tx.reason }, ...report });
    }
  },
});
