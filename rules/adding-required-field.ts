import { defineRule } from '../src/engine/rule.js';
import { alterCmds, columnConstraints, relationOf, relName, tableFor, typeInfo, unwrap } from '../src/engine/ast.js';
import { tableLabel } from '../src/engine/describe.js';

const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

export default defineRule({
  meta: {
    id: 'adding-required-field',
    description: 'ADD COLUMN … NOT NULL without a DEFAULT fails on any table that has rows.',
    category: 'columns',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {
      required:
        'Adding column {{column}} to {{table}} as NOT NULL without a DEFAULT fails as soon as the table has a row ("column contains null values"), and existing INSERTs that do not name the column start failing.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ADD COLUMN … NOT NULL` with no `DEFAULT` on a table that already exists (generated, identity and serial columns fill themselves and are not flagged).',
      why: 'Existing rows would get NULL in the new column, which NOT NULL forbids: PostgreSQL aborts the migration on any non-empty table. Even on an empty one, every deployed INSERT that does not mention the column breaks. Add the column with a non-volatile DEFAULT (instant since PostgreSQL 11), or nullable and backfilled first, then made NOT NULL through a validated CHECK.',
      invalid: [{ code: 'ALTER TABLE orders ADD COLUMN currency text NOT NULL;\n' }],
      valid: [
        { title: 'A constant default fills existing rows instantly', code: "ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR';\n" },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE invoices (id bigint PRIMARY KEY);\nALTER TABLE invoices ADD COLUMN currency text NOT NULL;\n',
        },
        {
          title: 'Generated columns fill themselves',
          code: 'ALTER TABLE order_lines ADD COLUMN total numeric NOT NULL GENERATED ALWAYS AS (quantity * unit_price) STORED;\n',
          pgVersion: 17,
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-COLUMN'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      for (const c of alterCmds(s)) {
        if (c.subtype !== 'AT_AddColumn') continue;
        const col = unwrap(c.def, 'ColumnDef');
        const cons = columnConstraints(col);
        if (!cons.some((x) => x.contype === 'CONSTR_NOTNULL' || x.contype === 'CONSTR_PRIMARY')) continue;
        if (cons.some((x) => x.contype === 'CONSTR_DEFAULT' || x.contype === 'CONSTR_GENERATED' || x.contype === 'CONSTR_IDENTITY')) continue;
        const type = typeInfo(col?.typeName);
        if (type && SERIAL.has(type.name)) continue;
        const table = tableFor(s, relName(relationOf(s)));
        if (!table || table.sizeClass === 'new' || table.rows === 0) continue;
        ctx.report({
          statement: s,
          table,
          messageId: 'required',
          data: { column: col?.colname ?? '?', table: tableLabel(table) },
          help: 'Give the column a non-volatile DEFAULT, or add it nullable, backfill, then SET NOT NULL behind a validated CHECK (col IS NOT NULL).',
        });
      }
    }
  },
});
