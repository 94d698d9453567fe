import type { Constraint } from '@pgsql/types';
import { defineRule } from '../src/engine/rule.js';
import { alterCmds, columnConstraints, relationOf, relName, tableFor, unwrap } from '../src/engine/ast.js';
import { lockWords, tableLabel, withSizeHint } from '../src/engine/describe.js';
import { usingIndexRewrite } from '../src/engine/using-index-fix.js';

export default defineRule({
  meta: {
    id: 'disallowed-unique-constraint',
    description: 'Adding a UNIQUE constraint builds its index while holding an ACCESS EXCLUSIVE lock.',
    category: 'constraints',
    defaultSeverity: 'error',
    fix: 'suggestion',
    sizeAware: true,
    messages: {
      blocking: 'Adding UNIQUE constraint {{constraint}} on {{table}} builds its index while holding an {{lock}} lock: {{blocks}} until the build is done.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ADD [CONSTRAINT …] UNIQUE (…)` without `USING INDEX`, and `ADD COLUMN … UNIQUE`, on a table that already exists.',
      why: 'ADD CONSTRAINT … UNIQUE takes ACCESS EXCLUSIVE and builds a unique index under it: no query can read or write the table for the whole build. Building the index first with `CREATE UNIQUE INDEX CONCURRENTLY` (SHARE UPDATE EXCLUSIVE: reads and writes go on) and then adding the constraint with `USING INDEX` holds the strong lock only for an instant.',
      invalid: [
        {
          code: 'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);\n',
          tables: { customers: { rows: 2_400_000, bytes: 640_000_000 } },
          fixed:
            'CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);\nALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;\n',
        },
        { title: 'A unique column added to an existing table', code: 'ALTER TABLE orders ADD COLUMN external_ref text UNIQUE;\n' },
      ],
      valid: [
        {
          code: 'CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);\nALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;\n',
        },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE coupons (id bigint PRIMARY KEY, code text NOT NULL);\nALTER TABLE coupons ADD CONSTRAINT coupons_code_key UNIQUE (code);\n',
        },
      ],
      fixSafety:
        'A suggestion, because it changes how the migration runs: the index is built concurrently (two table scans, and it cannot run inside a transaction block, so it is offered only where the statement runs on its own). If the build fails it leaves an INVALID index behind that must be dropped before retrying.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX',
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      for (const c of alterCmds(s)) {
        let constraint: Constraint | undefined;
        let inColumn = false;
        if (c.subtype === 'AT_AddConstraint' && unwrap(c.def, 'Constraint')?.contype === 'CONSTR_UNIQUE') constraint = unwrap(c.def, 'Constraint')!;
        else if (c.subtype === 'AT_AddColumn') {
          constraint = columnConstraints(unwrap(c.def, 'ColumnDef')).find((x) => x.contype === 'CONSTR_UNIQUE');
          inColumn = constraint !== undefined;
        }
        if (!constraint || constraint.indexname) continue;
        const table = tableFor(s, relName(relationOf(s)));
        if (!table) continue;
        const rewrite = inColumn ? null : usingIndexRewrite(ctx, s, constraint, 'UNIQUE');
        ctx.report({
          statement: s,
          table,
          messageId: 'blocking',
          data: { constraint: constraint.conname ?? '(unnamed)', table: tableLabel(table), ...lockWords(s) },
          suggestions: rewrite ? [rewrite] : undefined,
          help: withSizeHint(
            inColumn
              ? 'Add the column without UNIQUE, build the index with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction), then ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX.'
              : 'Build the index with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction), then ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX.',
            table,
          ),
        });
      }
    }
  },
});
