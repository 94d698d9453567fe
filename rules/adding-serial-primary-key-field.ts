import { defineRule } from '../src/engine/rule.js';
import { alterCmds, columnConstraints, relationOf, relName, tableFor, unwrap } from '../src/engine/ast.js';
import { lockWords, tableLabel, withSizeHint } from '../src/engine/describe.js';
import { usingIndexRewrite } from '../src/engine/using-index-fix.js';

export default defineRule({
  meta: {
    id: 'adding-serial-primary-key-field',
    description: 'Adding a primary key builds its index while holding an ACCESS EXCLUSIVE lock.',
    category: 'constraints',
    defaultSeverity: 'error',
    fix: 'suggestion',
    sizeAware: true,
    messages: {
      blocking: 'Adding a primary key on {{table}} builds its unique index while holding an {{lock}} lock: {{blocks}} until the build is done.',
      column: 'Adding primary-key column {{column}} to {{table}} fills it for every row and builds the index while holding an {{lock}} lock: {{blocks}}.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ADD [CONSTRAINT …] PRIMARY KEY (…)` without `USING INDEX`, and `ADD COLUMN … PRIMARY KEY` (typically a new `serial` id), on a table that already exists.',
      why: 'ADD PRIMARY KEY takes ACCESS EXCLUSIVE, checks the key columns are NOT NULL and builds a unique index, all under the lock: no reads or writes meanwhile. A new `serial`/identity column is worse: every row is rewritten to fill it. Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT … PRIMARY KEY USING INDEX`, which only needs the lock for an instant (if the columns are already NOT NULL).',
      invalid: [
        {
          code: 'ALTER TABLE order_items ADD CONSTRAINT order_items_pkey PRIMARY KEY (order_id, line_no);\n',
          fixed:
            'CREATE UNIQUE INDEX CONCURRENTLY order_items_pkey ON order_items (order_id, line_no);\nALTER TABLE order_items ADD CONSTRAINT order_items_pkey PRIMARY KEY USING INDEX order_items_pkey;\n',
        },
        {
          title: 'A serial key added to an existing table',
          code: 'ALTER TABLE audit_entries ADD COLUMN id bigserial PRIMARY KEY;\n',
          tables: { audit_entries: { rows: 31_000_000 } },
        },
      ],
      valid: [
        {
          code: 'CREATE UNIQUE INDEX CONCURRENTLY order_items_pkey ON order_items (order_id, line_no);\nALTER TABLE order_items ADD CONSTRAINT order_items_pkey PRIMARY KEY USING INDEX order_items_pkey;\n',
        },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE shipments (order_id bigint NOT NULL, carrier text);\nALTER TABLE shipments ADD PRIMARY KEY (order_id);\n',
        },
      ],
      fixSafety:
        'A suggestion: the index is built concurrently (outside any transaction block, so it is offered only where the statement runs on its own), a failed build leaves an INVALID index to drop, and `PRIMARY KEY USING INDEX` still scans under ACCESS EXCLUSIVE to set NOT NULL on key columns that are nullable — make them NOT NULL first (see adding-not-nullable-field).',
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      for (const c of alterCmds(s)) {
        const table = tableFor(s, relName(relationOf(s)));
        if (!table) continue;
        if (c.subtype === 'AT_AddConstraint' && unwrap(c.def, 'Constraint')?.contype === 'CONSTR_PRIMARY' && !unwrap(c.def, 'Constraint')!.indexname) {
          const rewrite = usingIndexRewrite(ctx, s, unwrap(c.def, 'Constraint')!, 'PRIMARY KEY');
          ctx.report({
            statement: s,
            table,
            messageId: 'blocking',
            data: { table: tableLabel(table), ...lockWords(s) },
            suggestions: rewrite ? [rewrite] : undefined,
            help: withSizeHint(
              'Build the index with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction), then ALTER TABLE … ADD CONSTRAINT … PRIMARY KEY USING INDEX.',
              table,
            ),
          });
        } else if (c.subtype === 'AT_AddColumn' && columnConstraints(unwrap(c.def, 'ColumnDef')).some((x) => x.contype === 'CONSTR_PRIMARY')) {
          ctx.report({
            statement: s,
            table,
            messageId: 'column',
            data: { column: unwrap(c.def, 'ColumnDef')?.colname ?? '?', table: tableLabel(table), ...lockWords(s) },
            help: withSizeHint(
              'Add the column nullable and without a volatile default, backfill it in batches, set NOT NULL via a validated CHECK, build a unique index CONCURRENTLY, then ADD CONSTRAINT … PRIMARY KEY USING INDEX.',
              table,
            ),
          });
        }
      }
    }
  },
});
