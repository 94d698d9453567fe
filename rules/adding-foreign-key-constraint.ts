import type { Constraint } from '@pgsql/types';
import { defineRule, silentBySize } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { planToReport, tableLabel, withSizeHint } from '../src/engine/describe.js';
import { notValidPlan } from '../src/engine/not-valid-fix.js';
import { columnConstraints, unwrap } from '../src/sql/nodes.js';

export default defineRule({
  meta: {
    id: 'adding-foreign-key-constraint',
    description: 'Adding a foreign key without NOT VALID blocks writes to both tables while every row is checked.',
    category: 'constraints',
    defaultSeverity: 'error',
    fix: 'safe',
    sizeAware: true,
    messages: {
      columnDefault:
        "ADD COLUMN {{column}} with a DEFAULT and REFERENCES {{referenced}} takes an ACCESS EXCLUSIVE lock on {{table_name}} and SHARE ROW EXCLUSIVE on {{referenced}}, and checks every row's default against {{referenced}} while holding them: every query on {{table_name}} and writes to {{referenced}} wait.",
      blocking:
        'Adding foreign key {{constraint}} on {{table}} takes a SHARE ROW EXCLUSIVE lock on {{table_name}} and {{referenced}} and checks every row while holding it: INSERT, UPDATE and DELETE on both wait.',
    },
    docs: {
      what: "Flags `ALTER TABLE … ADD [CONSTRAINT …] FOREIGN KEY` without `NOT VALID` on a table that already exists, and `ADD COLUMN … REFERENCES` when the column has a DEFAULT. A new column without a DEFAULT is all NULL: PostgreSQL then checks no row and marks the key valid, so `ADD COLUMN … REFERENCES` alone is not flagged (its ACCESS EXCLUSIVE lock is require-lock-timeout's concern).",
      why: 'Adding a foreign key takes SHARE ROW EXCLUSIVE on the table and on the referenced table, then scans the table to check every existing row. Writes to both tables wait for the whole scan. Added `NOT VALID`, the constraint is enforced for new rows at once and the scan is skipped; `VALIDATE CONSTRAINT` later checks old rows under SHARE UPDATE EXCLUSIVE, which does not block reads or writes.',
      invalid: [
        {
          code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
          fixed:
            'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
        },
      ],
      valid: [
        {
          title: 'After TRUNCATE in the same transaction: no row to check',
          code: "SET lock_timeout = '2s';\nBEGIN;\nTRUNCATE orders;\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\nCOMMIT;\n",
          tables: { orders: { rows: 8_000_000 } },
        },
        {
          code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
        },
        {
          title: 'A new table has no rows to check',
          code: 'CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint);\nALTER TABLE payments ADD CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);\n',
        },
      ],
      fixSafety:
        "The constraint ends up the same once VALIDATE has run. The fix adds VALIDATE right after the statement when it runs on its own, or after the COMMIT of its explicit transaction; when the framework wraps the migration in a transaction, validating in it would hold the locks again, so the fix is a suggestion that adds NOT VALID and asks for VALIDATE in a later migration. The same holds for a one-query chunk (Prisma's migration.sql, a Sequelize or golang-migrate string): its statements run as one implicit transaction. A file laid out like a migration tool's but not recognised gets the two-step form only as a suggestion.",
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'AlterTableStmt') continue;
      for (const cmd of s.node.cmds ?? []) {
        const c = unwrap(cmd, 'AlterTableCmd');
        let constraint: Constraint | undefined;
        let inColumn = false;
        if (c?.subtype === 'AT_AddConstraint' && unwrap(c.def, 'Constraint')?.contype === 'CONSTR_FOREIGN') constraint = unwrap(c.def, 'Constraint')!;
        else if (c?.subtype === 'AT_AddColumn') {
          const cons = columnConstraints(unwrap(c.def, 'ColumnDef'));
          // ADD COLUMN … REFERENCES: the new column is all NULL, so PostgreSQL checks nothing — unless it has a DEFAULT.
          if (!cons.some((x) => x.contype === 'CONSTR_DEFAULT')) continue;
          constraint = cons.find((x) => x.contype === 'CONSTR_FOREIGN');
          inColumn = constraint !== undefined;
        }
        if (!constraint || constraint.skip_validation) continue;
        const own = s.facts.tables.find((t) => t.name === s.node.relation?.relname) ?? s.facts.tables[0];
        if (!own) continue;
        // A table new in this change but already filled: checking its rows holds the lock on the referenced table.
        const table = own.sizeClass === 'new' && own.filled ? (s.facts.tables.find((t) => t !== own && t.name === constraint.pktable?.relname) ?? own) : own;
        // Silent on a new or small table (the rule is size-aware): no fix to plan.
        if (silentBySize(table)) continue;
        const referenced = constraint.pktable
          ? displayName({ schema: constraint.pktable.schemaname, name: constraint.pktable.relname ?? '' })
          : 'the referenced table';
        const report = inColumn
          ? { help: 'Add the column with REFERENCES and no DEFAULT (nothing to check), then SET DEFAULT, and backfill old rows in batches.' }
          : planToReport(notValidPlan(ctx, s, constraint.conname));
        ctx.report({
          statement: s,
          table,
          messageId: inColumn ? 'columnDefault' : 'blocking',
          data: {
            column: displayName({ name: unwrap(c?.def, 'ColumnDef')?.colname ?? '?' }),
            constraint: constraint.conname ?? '(unnamed)',
            table: tableLabel(table),
            table_name: displayName(table),
            referenced,
          },
          ...report,
          help: withSizeHint(report.help, table),
        });
      }
    }
  },
});
