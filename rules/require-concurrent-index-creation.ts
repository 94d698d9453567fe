import { defineRule, silentBySize } from '../src/engine/rule.js';
import { lockWords, planToReport, tableLabel, withSizeHint } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-index-creation',
    description: 'CREATE INDEX without CONCURRENTLY blocks writes to an existing table for the whole build.',
    category: 'locking',
    defaultSeverity: 'error',
    fix: 'safe',
    sizeAware: true,
    messages: {
      blocking: '{{statement}} on {{table}} holds a {{lock}} lock for the whole build: {{blocks}}.',
    },
    docs: {
      what: 'Flags `CREATE INDEX` without `CONCURRENTLY` on a table that already exists (not one created earlier in the same migration, nor one a `TRUNCATE` before it emptied, until something may fill it again), and the same index built through a framework DSL (Alembic `op.create_index`, Django `AddIndex`, Knex `table.index()` …).',
      why: 'A plain `CREATE INDEX` takes a SHARE lock on the table and holds it until the build finishes — seconds on a small table, minutes or hours on a large one. SHARE conflicts with ROW EXCLUSIVE, so every INSERT, UPDATE and DELETE on the table waits for the whole build; reads go on. `CREATE INDEX CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE instead, which lets writes through, at the price of two table scans and of not running inside a transaction block.',
      invalid: [
        {
          title: 'A blocking build on a busy table',
          code: 'CREATE INDEX idx_page_views_user ON page_views (user_id);\n',
          tables: { page_views: { rows: 48_000_000, bytes: 9_800_000_000 } },
          fixed: 'CREATE INDEX CONCURRENTLY idx_page_views_user ON page_views (user_id);\n',
        },
        {
          title: 'Inside BEGIN … COMMIT the fix moves the build after the COMMIT',
          code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_created_idx ON orders (created_at);\nCOMMIT;\n',
          tables: { orders: { partitioned: false } },
          fixed: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n\nCREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n',
        },
        { title: 'Unknown size is reported at the configured severity', code: 'CREATE UNIQUE INDEX users_email_key ON users (lower(email));\n' },
        {
          title: 'After TRUNCATE, an INSERT … SELECT fills the table again before the build',
          code: "SET lock_timeout = '2s';\nBEGIN;\nTRUNCATE sessions;\nINSERT INTO sessions SELECT * FROM sessions_archive WHERE expires_at > now();\nCREATE INDEX sessions_user_id_idx ON sessions (user_id);\nCOMMIT;\n",
          tables: { sessions: { rows: 3_500_000, partitioned: false }, sessions_archive: { rows: 9_000_000 } },
        },
        {
          title: 'Alembic: postgresql_concurrently=True, inside autocommit_block',
          filename: 'alembic/versions/4c1d2e3f5a6b_orders_created_at.py',
          tables: { orders: { partitioned: false } },
          code: "from alembic import op\n\nrevision = '4c1d2e3f5a6b'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_index('ix_orders_created_at', 'orders', ['created_at'])\n",
          fixed:
            "from alembic import op\n\nrevision = '4c1d2e3f5a6b'\ndown_revision = None\n\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index('ix_orders_created_at', 'orders', ['created_at'], postgresql_concurrently=True)\n",
        },
        {
          title: 'Django: AddIndexConcurrently in a non-atomic migration',
          filename: 'orders/migrations/0002_order_created_idx.py',
          tables: { orders_order: { partitioned: false } },
          code: "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('orders', '0001_initial')]\n\n    operations = [\n        migrations.AddIndex(model_name='order', index=models.Index(fields=['created_at'], name='order_created_idx')),\n    ]\n",
          fixed:
            "from django.db import migrations, models\nfrom django.contrib.postgres.operations import AddIndexConcurrently\n\n\nclass Migration(migrations.Migration):\n    atomic = False\n\n    dependencies = [('orders', '0001_initial')]\n\n    operations = [\n        AddIndexConcurrently(model_name='order', index=models.Index(fields=['created_at'], name='order_created_idx')),\n    ]\n",
        },
      ],
      valid: [
        {
          title: 'A table a TRUNCATE emptied earlier in the same transaction holds no rows: the build is instant, under the lock the TRUNCATE holds',
          code: "SET lock_timeout = '2s';\nBEGIN;\nTRUNCATE sessions;\nCREATE INDEX sessions_user_id_idx ON sessions (user_id);\nCOMMIT;\n",
          tables: { sessions: { rows: 3_500_000 } },
        },
        { title: 'Concurrent build', code: 'CREATE INDEX CONCURRENTLY idx_page_views_user ON page_views (user_id);\n' },
        {
          title: 'A table created in the same migration is empty',
          code: 'CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL);\nCREATE INDEX audit_log_at_idx ON audit_log (at);\n',
        },
        { title: 'A small table (below largeTableRows)', code: 'CREATE INDEX countries_name_idx ON countries (name);\n', tables: { countries: { rows: 250 } } },
      ],
      fixSafety:
        'The fix adds CONCURRENTLY only where the statement will then run outside any transaction block: as it stands in a psql-run file, after the COMMIT of an explicit transaction (moved there, unless a later statement of that transaction uses the index — then it is a suggestion), or with the framework\'s own opt-out. Where the framework has no way out of its transaction (Drizzle, Kysely, TypeORM in "all" mode) there is no fix, only the manual procedure. The same change is only a suggestion where migralint lacks what it needs to know: whether the table is partitioned (CREATE INDEX CONCURRENTLY fails on a partitioned parent; say so with --database-url, --stats or config `tables`), whether a statement it cannot read would leave the transaction with it, which tool runs a file laid out like a tool\'s (`<version>/up.sql`) but not recognised, and with IF NOT EXISTS (CONCURRENTLY IF NOT EXISTS keeps an INVALID leftover index: see concurrent-index-invalid-leftover).',
      references: [
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
        'https://www.postgresql.org/docs/current/explicit-locking.html',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      // IF NOT EXISTS on an index an earlier migration built: nothing is built (its brief lock is require-lock-timeout's).
      if (s.kind !== 'IndexStmt' || s.node.concurrent || s.facts.existingIndex) continue;
      const table = s.facts.tables[0];
      if (!table || table.partitioned) continue; // partitioned parents: ban-concurrent-index-on-partitioned-table
      // Silent on a new or small table (the rule is size-aware): no fix to plan.
      if (silentBySize(table)) continue;
      const plan = ctx.fixer.outsideTransaction(s, 'add-concurrently');
      const r = planToReport(plan);
      ctx.report({
        statement: s,
        table,
        messageId: 'blocking',
        data: { statement: s.node.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX', table: tableLabel(table), ...lockWords(s) },
        ...r,
        help: withSizeHint(r.help ?? 'Build the index with CREATE INDEX CONCURRENTLY, outside any transaction block.', table),
      });
    }
  },
});
