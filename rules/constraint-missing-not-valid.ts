import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { planToReport, tableLabel, withSizeHint } from '../src/engine/describe.js';
import { notValidPlan } from '../src/engine/not-valid-fix.js';
import { columnConstraints, unwrap } from '../src/sql/nodes.js';

export default defineRule({
  meta: {
    id: 'constraint-missing-not-valid',
    description: 'Adding a CHECK constraint without NOT VALID blocks all access to the table while every row is checked.',
    category: 'constraints',
    defaultSeverity: 'error',
    fix: 'safe',
    sizeAware: true,
    messages: {
      column:
        'ADD COLUMN {{column}} with a CHECK on {{table}} takes an ACCESS EXCLUSIVE lock and checks every row against it while holding it: all reads and writes wait. A column constraint cannot be NOT VALID.',
      blocking:
        'Adding CHECK constraint {{constraint}} on {{table}} takes an ACCESS EXCLUSIVE lock and checks every row while holding it: all reads and writes wait.',
      sameTransaction:
        'VALIDATE CONSTRAINT {{constraint}} runs in the same transaction as the NOT VALID add on line {{line}}: the ACCESS EXCLUSIVE lock of the add is held through the whole scan, so NOT VALID gains nothing.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ADD CONSTRAINT … CHECK (…)` without `NOT VALID` on an existing table, `ADD COLUMN … CHECK (…)` on one (PostgreSQL scans the table to check every row, under ACCESS EXCLUSIVE), and `VALIDATE CONSTRAINT` in the same transaction as the `NOT VALID` add it belongs to. An ADD CONSTRAINT … CHECK in an ALTER TABLE that rewrites the table (a type change from a known type) is not flagged: PostgreSQL checks the rows while it copies them, and `changing-column-type` reports the rewrite.',
      why: 'Adding a CHECK constraint takes ACCESS EXCLUSIVE and scans the table to check every row: nothing can read or write the table meanwhile. `NOT VALID` skips the scan; `VALIDATE CONSTRAINT` in a later transaction scans under SHARE UPDATE EXCLUSIVE. Validating in the same transaction keeps the first lock for the whole scan.',
      invalid: [
        {
          title: 'A new column with a CHECK: every row is checked under ACCESS EXCLUSIVE',
          code: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN discount_cents bigint CHECK (discount_cents >= 0);\n",
        },
        {
          code: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n',
          fixed:
            'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\n',
        },
        {
          title: 'Validated in the same transaction',
          code: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;\n',
        },
      ],
      valid: [
        {
          code: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\n',
        },
      ],
      fixSafety:
        'As for adding-foreign-key-constraint: VALIDATE is added where it runs in its own transaction, otherwise (a framework transaction, a one-query chunk, an unrecognised runner) the fix is a suggestion that adds NOT VALID only.',
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'AlterTableStmt') continue;
      for (const cmd of s.node.cmds ?? []) {
        const c = unwrap(cmd, 'AlterTableCmd');
        if (c?.subtype === 'AT_AddConstraint' && unwrap(c.def, 'Constraint')?.skip_validation && unwrap(c.def, 'Constraint')!.conname) {
          // A NOT VALID add: its VALIDATE is judged where it comes (facts.validatesInAddTransaction).
          continue;
        } else if (c?.subtype === 'AT_AddConstraint' && unwrap(c.def, 'Constraint')?.contype === 'CONSTR_CHECK') {
          const constraint = unwrap(c.def, 'Constraint')!;
          // In an ALTER TABLE that rewrites the table, PostgreSQL checks the constraint while it copies the rows (one
          // pass, no scan of its own): the rewrite's own finding covers the cost.
          if (constraint.skip_validation || (s.facts.rewrite && s.facts.oldTypes)) continue;
          const table = s.facts.tables[0];
          if (!table) continue;
          const report = planToReport(notValidPlan(ctx, s, constraint.conname));
          ctx.report({
            statement: s,
            table,
            messageId: 'blocking',
            data: { constraint: constraint.conname ?? '(unnamed)', table: tableLabel(table) },
            ...report,
            help: withSizeHint(report.help, table),
          });
        } else if (c?.subtype === 'AT_AddColumn' && columnConstraints(unwrap(c.def, 'ColumnDef')).some((x) => x.contype === 'CONSTR_CHECK')) {
          const table = s.facts.tables[0];
          if (!table) continue;
          ctx.report({
            statement: s,
            table,
            messageId: 'column',
            data: { column: displayName({ name: unwrap(c.def, 'ColumnDef')!.colname ?? '?' }), table: tableLabel(table) },
            help: withSizeHint(
              'Add the column without the CHECK, then ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.',
              table,
            ),
          });
        } else if (c?.subtype === 'AT_ValidateConstraint') {
          const added = s.facts.validatesInAddTransaction?.find((v) => v.constraint === c.name);
          if (added) {
            ctx.report({
              statement: s,
              messageId: 'sameTransaction',
              data: { constraint: c.name ?? '?', line: added.line },
              help: 'Commit between the NOT VALID add and VALIDATE CONSTRAINT (in a framework: a separate migration).',
            });
          }
        }
      }
    }
  },
});
