import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { tableLabel, withSizeHint, listed } from '../src/engine/describe.js';
import { statementHead } from '../src/engine/ast.js';

export default defineRule({
  meta: {
    id: 'adding-not-nullable-field',
    description: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, unless a validated CHECK proves it first.',
    category: 'columns',
    defaultSeverity: 'error',
    fix: 'none',
    sizeAware: true,
    messages: {
      blocking:
        'ALTER COLUMN {{column}} SET NOT NULL on {{table}} takes an ACCESS EXCLUSIVE lock and scans every row to check for NULLs: all reads and writes wait.',
      filled:
        'The UPDATE on line {{line}} fills the NULLs of {{filled}} on {{table}} under the ACCESS EXCLUSIVE lock {{ddl}} on line {{ddlLine}} took, then ALTER COLUMN {{column}} SET NOT NULL scans every row to check for NULLs under the same lock: all reads and writes wait for both.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ALTER COLUMN … SET NOT NULL` on an existing table, unless a validated `CHECK (col IS NOT NULL)` on the same table comes earlier in the migration or in an earlier migration of the history (PostgreSQL 12+ then skips the scan), or the column is NOT NULL already. Once per statement: PostgreSQL checks every column one ALTER TABLE sets NOT NULL in a single scan. Not flagged either when the same ALTER TABLE rewrites the table (a type change from a known type): PostgreSQL checks the column while it copies the rows, and `changing-column-type` reports the rewrite. An `UPDATE … SET col = … WHERE col IS NULL` earlier in the transaction, under an ACCESS EXCLUSIVE lock it already holds (what Django sends for an `AlterField` from `null=True` to a not-null field with a default: SET DEFAULT, that UPDATE, SET NOT NULL), is part of the same finding: the lock is held from the fill to the end of the scan, and `ban-unbatched-backfill` leaves that UPDATE to this rule.',
      why: 'SET NOT NULL takes ACCESS EXCLUSIVE and scans the whole table. From PostgreSQL 12, if a valid CHECK constraint already proves the column has no NULLs, the scan is skipped. The safe sequence: add `CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` (no blocking lock), then `SET NOT NULL` (instant), then drop the CHECK.',
      invalid: [
        { code: 'ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n' },
        {
          title: "Django's AlterField to not null with a default: the fill and the scan under one lock, one finding",
          code: "BEGIN;\nALTER TABLE orders ALTER COLUMN channel SET DEFAULT 'web';\nUPDATE orders SET channel = 'web' WHERE channel IS NULL;\nALTER TABLE orders ALTER COLUMN channel SET NOT NULL;\nALTER TABLE orders ALTER COLUMN channel DROP DEFAULT;\nCOMMIT;\n",
        },
        {
          title: 'Several columns in one statement: one scan, one finding',
          code: 'ALTER TABLE post ALTER COLUMN published SET NOT NULL,\n  ALTER COLUMN updated SET NOT NULL;\n',
        },
      ],
      valid: [
        {
          title: 'After TRUNCATE in the same transaction: no row to scan',
          code: "SET lock_timeout = '2s';\nBEGIN;\nTRUNCATE orders;\nALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\nCOMMIT;\n",
          tables: { orders: { rows: 8_000_000 } },
        },
        {
          title: 'A validated CHECK first (PostgreSQL 12+)',
          code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null CHECK (customer_id IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_not_null;\nALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_customer_id_not_null;\n',
        },
      ],
      fixSafety:
        'No automatic fix: the four-step sequence needs the VALIDATE outside the transaction that adds the CHECK, which depends on how the migration is run. The finding spells the sequence out with the real names.',
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'AlterTableStmt') continue;
      const rel = { schema: s.node.relation?.schemaname, name: s.node.relation?.relname ?? '' };
      // notNullScans: not when the same ALTER TABLE rewrites the table (a type change from a type the model knows):
      // PostgreSQL checks NOT NULL while it copies the rows, with no scan of its own, and the rewrite has its own finding.
      // Not a column a validated CHECK (col IS NOT NULL) earlier in the migration proves (PostgreSQL 12+), nor one the
      // schema model knows is proven (a CHECK validated by an earlier migration, or NOT NULL already).
      const scanned = s.facts.notNullScans ?? [];
      const table = s.facts.tables[0];
      if (scanned.length === 0 || !table) continue;
      // One statement, one scan: PostgreSQL checks every column it sets NOT NULL in the same pass over the table.
      const t = displayName(rel);
      const checks = scanned.map((name) => ({ col: displayName({ name }), check: displayName({ name: `${rel.name}_${name}_not_null` }) }));
      const each = (f: (x: { col: string; check: string }) => string, sep = ', ') => checks.map(f).join(sep);
      const add = each((x) => `ADD CONSTRAINT ${x.check} CHECK (${x.col} IS NOT NULL) NOT VALID`);
      const validate = each((x) => `ALTER TABLE ${t} VALIDATE CONSTRAINT ${x.check};`, ' ');
      const setNotNull = each((x) => `ALTER COLUMN ${x.col} SET NOT NULL`);
      const drop = each((x) => `DROP CONSTRAINT ${x.check}`);
      const steps = `ALTER TABLE ${t} ${add}; then, in a separate transaction, ${validate} then ALTER TABLE ${t} ${setNotNull}; ALTER TABLE ${t} ${drop};`;
      const filled = s.facts.nullsFilledBy;
      ctx.report({
        statement: s,
        table,
        ...(filled
          ? {
              messageId: 'filled',
              data: {
                line: filled.statement.line,
                filled: listed(filled.columns),
                ddl: statementHead(filled.lockedBy),
                ddlLine: filled.lockedBy.line,
                column: listed(scanned),
                table: tableLabel(table),
              },
              help: withSizeHint(`Instead: fill the NULLs in batches first, each committed on its own; then ${steps}`, table),
            }
          : { messageId: 'blocking', data: { column: listed(scanned), table: tableLabel(table) }, help: withSizeHint(`Instead: ${steps}`, table) }),
      });
    }
  },
});
