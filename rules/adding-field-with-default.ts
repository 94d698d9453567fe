import { defineRule } from '../src/engine/rule.js';
import { relationOf, relName, tableFor } from '../src/engine/ast.js';
import { tableLabel, withSizeHint, listed } from '../src/engine/describe.js';
import type { ColumnRewrite } from '../src/types.js';

/** The message for why the lock table says adding the column rewrites the table (facts.columnRewrites). */
function reasonOf(r: ColumnRewrite): { id: 'volatile' | 'generated' | 'oldVersion'; what: string } {
  switch (r.cause) {
    case 'serial':
      return { id: 'volatile', what: `${r.type ?? 'serial'} (a nextval() default)` };
    case 'identity':
      return { id: 'volatile', what: 'an identity column (a value drawn from its sequence)' };
    case 'generated':
      return { id: 'generated', what: 'GENERATED … STORED' };
    case 'volatile-default':
      return { id: 'volatile', what: 'a volatile default' };
    case 'default-before-11':
      return { id: 'oldVersion', what: 'a default' };
  }
}

export default defineRule({
  meta: {
    id: 'adding-field-with-default',
    description:
      'ADD COLUMN with a volatile default (or any default before PostgreSQL 11, or a stored generated column) rewrites the whole table under an ACCESS EXCLUSIVE lock.',
    category: 'columns',
    defaultSeverity: 'error',
    fix: 'none',
    sizeAware: true,
    messages: {
      volatile:
        'Adding {{column}} to {{table}} with {{what}} rewrites every row while holding an ACCESS EXCLUSIVE lock: every SELECT, INSERT, UPDATE and DELETE waits for the whole rewrite.',
      generated:
        'Adding stored generated {{column}} to {{table}} computes and writes {{it}} for every row while holding an ACCESS EXCLUSIVE lock: every SELECT, INSERT, UPDATE and DELETE waits for the whole rewrite.',
      oldVersion:
        'Before PostgreSQL 11, adding {{column}} to {{table}} with a default rewrites every row while holding an ACCESS EXCLUSIVE lock: all reads and writes wait.',
    },
    docs: {
      what: "Flags `ALTER TABLE … ADD COLUMN` on an existing table when the column is filled row by row: a volatile default (`random()`, `clock_timestamp()`, `gen_random_uuid()`, `nextval()`, any function migralint does not know to be stable), a `serial` or identity column, a `GENERATED ALWAYS AS (…) STORED` column, or any default at all on PostgreSQL before 11. Stable and immutable defaults such as `now()`, `0` or `'pending'` are fine from PostgreSQL 11: they are evaluated once and stored in the catalog.",
      why: 'Since PostgreSQL 11 a non-volatile default is recorded once and existing rows are not touched. A volatile default must give each row its own value, so PostgreSQL rewrites the whole table — and every index — while holding ACCESS EXCLUSIVE, which blocks reads as well as writes for as long as the copy takes. Add the column without the default (or with a constant one), set the default for new rows with `ALTER COLUMN … SET DEFAULT`, and backfill old rows in batches.',
      invalid: [
        {
          title: 'A random default fills each row',
          code: 'ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();\n',
          tables: { orders: { rows: 12_000_000, bytes: 4_100_000_000 } },
        },
        { title: 'clock_timestamp() is volatile (now() is not)', code: 'ALTER TABLE events ADD COLUMN ingested_at timestamptz DEFAULT clock_timestamp();\n' },
        {
          title: 'Stored generated columns are computed for every row',
          code: "ALTER TABLE customers ADD COLUMN email_domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED;\n",
        },
        { title: 'Any default before PostgreSQL 11', code: "ALTER TABLE orders ADD COLUMN status text DEFAULT 'pending';\n", pgVersion: 10 },
      ],
      valid: [
        {
          title: 'After TRUNCATE in the same transaction: no row to fill',
          code: "SET lock_timeout = '2s';\nBEGIN;\nTRUNCATE orders;\nALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();\nCOMMIT;\n",
          tables: { orders: { rows: 12_000_000 } },
        },
        { title: 'A constant default (PostgreSQL 11+)', code: "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'pending';\n" },
        { title: 'now() is stable: evaluated once', code: 'ALTER TABLE orders ADD COLUMN imported_at timestamptz DEFAULT now();\n' },
        {
          title: 'Add, then set the default for new rows, then backfill',
          code: 'ALTER TABLE orders ADD COLUMN public_id uuid;\nALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n',
        },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE refunds (id bigint PRIMARY KEY);\nALTER TABLE refunds ADD COLUMN token uuid DEFAULT gen_random_uuid();\n',
        },
      ],
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES',
        'https://www.postgresql.org/docs/current/xfunc-volatility.html',
        'https://www.postgresql.org/docs/current/ddl-generated-columns.html',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (!s.facts.rewrite) continue;
      const table = tableFor(s, relName(relationOf(s)));
      if (!table) continue;
      // One ALTER TABLE is one rewrite: the columns filled for the same reason are one finding.
      const groups = new Map<string, { reason: ReturnType<typeof reasonOf>; columns: string[] }>();
      for (const r of s.facts.columnRewrites ?? []) {
        const reason = reasonOf(r);
        const key = `${reason.id}\u0000${reason.what}`;
        const g = groups.get(key) ?? { reason, columns: [] };
        g.columns.push(r.column ?? '?');
        groups.set(key, g);
      }
      for (const { reason, columns } of groups.values()) {
        const one = columns.length === 1;
        ctx.report({
          statement: s,
          table,
          messageId: reason.id,
          data: {
            column: `${one ? 'column' : 'columns'} ${listed(columns)}`,
            it: one ? 'it' : 'them',
            table: tableLabel(table),
            what: reason.what,
          },
          help: withSizeHint(
            reason.id === 'generated'
              ? 'Add a plain nullable column, keep it filled with a trigger, backfill in batches; or, on PostgreSQL 18+, use a VIRTUAL generated column.'
              : 'Add the column without the default, then ALTER COLUMN … SET DEFAULT for new rows, then backfill existing rows in batches.',
            table,
          ),
        });
      }
    }
  },
});
