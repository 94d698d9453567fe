import type { ColumnDef, Constraint } from '@pgsql/types';
import { alterCmds, columnConstraints, relationOf, strings, unwrap, type ColumnSite } from '../src/engine/ast.js';
import { presetIncludes } from '../src/engine/presets.js';
import { defineTypeRule } from '../src/engine/type-rules.js';
import type { AnalyzedStatement } from '../src/types.js';

const INT = new Set(['int4', 'serial', 'serial4']);

const keysOf = new WeakMap<AnalyzedStatement[], Set<string>>();

/**
 * The one-column primary keys and foreign-key columns the migration declares, as `table.column`: inline (`id int PRIMARY KEY`,
 * `author_id int REFERENCES authors`) or as table constraints, in CREATE TABLE or ALTER TABLE — a foreign key
 * added by a later statement of the same migration (as Django and Rails write them) counts too.
 */
function keyColumns(statements: AnalyzedStatement[]): Set<string> {
  let keys = keysOf.get(statements);
  if (keys) return keys;
  keys = new Set();
  const add = (table: string | undefined, columns: string[]) => {
    if (table) for (const c of columns) keys!.add(`${table}.${c}`);
  };
  const fromConstraint = (table: string | undefined, con: Constraint | undefined) => {
    // A one-column primary key is an id; the members of a composite key are ids only when they are foreign keys
    // (counted as such) — the others are positions or kinds within the key (e.g. relation_members.sequence_id).
    if (con?.contype === 'CONSTR_PRIMARY' && strings(con.keys).length === 1) add(table, strings(con.keys));
    else if (con?.contype === 'CONSTR_FOREIGN') add(table, strings(con.fk_attrs));
  };
  const fromColumn = (table: string | undefined, col: ColumnDef) => {
    if (col.colname && columnConstraints(col).some((c) => c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_FOREIGN')) add(table, [col.colname]);
  };
  for (const s of statements) {
    const table: string | undefined = relationOf(s)?.relname;
    if (s.kind === 'CreateStmt') {
      for (const e of s.node.tableElts ?? []) {
        const col = unwrap(e, 'ColumnDef');
        if (col) fromColumn(table, col);
        else fromConstraint(table, unwrap(e, 'Constraint'));
      }
    } else if (s.kind === 'AlterTableStmt') {
      for (const c of alterCmds(s)) {
        const col = unwrap(c.def, 'ColumnDef');
        if (c.subtype === 'AT_AddColumn' && col) fromColumn(table, col);
        else if (c.subtype === 'AT_AddConstraint') fromConstraint(table, unwrap(c.def, 'Constraint'));
      }
    }
  }
  keysOf.set(statements, keys);
  return keys;
}

/** A column that numbers rows: `serial` (a sequence behind it) or `GENERATED … AS IDENTITY`, key or not. */
function isCounter(site: ColumnSite): boolean {
  return site.type.name !== 'int4' || columnConstraints(site.col).some((c) => c.contype === 'CONSTR_IDENTITY');
}

export default defineTypeRule({
  meta: {
    id: 'prefer-bigint-over-int',
    description: 'A 32-bit integer column runs out at 2,147,483,647; widening it later rewrites the table.',
    defaultSeverity: 'warn',
    message: 'Column {{column}} is {{type}}: it tops out at 2,147,483,647, and changing it to bigint later rewrites the table under an ACCESS EXCLUSIVE lock.',
    docs: {
      what: 'Flags columns declared `integer` / `int` / `int4` or `serial` / `serial4` in CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE. In the `recommended` preset only the columns that number rows or point at them: `serial` and identity columns, one-column primary keys, and columns with a foreign key, declared inline or by a constraint anywhere in the migration. The `strict` preset flags every such column.',
      why: 'Ids grow past 2^31 sooner than expected: when the sequence behind an `integer` key passes 2,147,483,647, every INSERT fails (and every INSERT into the tables whose foreign keys point at it, once they are written), and the table is down until it is widened. The way out — `ALTER COLUMN … TYPE bigint` — rewrites the table and every index on it while holding ACCESS EXCLUSIVE: no reads, no writes, for as long as the copy takes. `bigint` costs 4 more bytes a row; choosing it at the start is the cheap moment. Other `integer` columns (counts, sizes, positions, flags) hold values the application chooses, rarely near 2^31, and reaching it fails one write, not the table: no deploy or capacity risk, so they are flagged only by `strict`.',
      invalid: [
        {
          title: 'A new table',
          code: 'CREATE TABLE orders (\n  id integer PRIMARY KEY,\n  customer_id int NOT NULL,\n  placed_at timestamptz NOT NULL\n);\n',
          fixed: 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  placed_at timestamptz NOT NULL\n);\n',
          findings: [
            { line: 2, messageId: 'type' },
            { line: 3, messageId: 'type' },
          ],
        },
        { title: 'recommended: a foreign key column', preset: 'recommended', code: 'CREATE TABLE order_lines (\n  id bigint PRIMARY KEY,\n  order_id integer NOT NULL REFERENCES orders (id)\n);\n', fixed: 'CREATE TABLE order_lines (\n  id bigint PRIMARY KEY,\n  order_id bigint NOT NULL REFERENCES orders (id)\n);\n' },
        { title: 'recommended: an identity column, key or not', preset: 'recommended', code: 'CREATE TABLE audit_events (\n  seq integer GENERATED ALWAYS AS IDENTITY,\n  payload jsonb NOT NULL\n);\n', fixed: 'CREATE TABLE audit_events (\n  seq bigint GENERATED ALWAYS AS IDENTITY,\n  payload jsonb NOT NULL\n);\n' },
        { title: 'serial is a 32-bit counter', code: 'CREATE TABLE events (id serial PRIMARY KEY, payload jsonb);\n', fixed: 'CREATE TABLE events (id bigserial PRIMARY KEY, payload jsonb);\n' },
        { title: 'A column added to an existing table: the rewrite is only a suggestion', code: 'ALTER TABLE orders ADD COLUMN loyalty_points integer;\n' },
      ],
      valid: [
        { title: 'recommended: a position inside a composite key is not an id', preset: 'recommended', code: 'CREATE TABLE order_lines (\n  order_id bigint NOT NULL,\n  line_no integer NOT NULL,\n  PRIMARY KEY (order_id, line_no)\n);\n' },
        { title: 'recommended flags ids only: a count is for strict', preset: 'recommended', code: 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  item_count integer NOT NULL\n);\n' },
        { code: 'CREATE TABLE orders (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL\n);\n' },
        { code: 'ALTER TABLE orders ADD COLUMN loyalty_points bigint;\n' },
      ],
      fixSafety: 'Never a safe fix: a type change changes the resulting schema, and later migrations, application code and the checksums Flyway and Prisma keep rely on the type as written. It is a suggestion (--fix-type suggestion) in hand-written migrations, and display-only in migrations an ORM generates (Prisma, Drizzle, Atlas, Django, Alembic autogenerate): the finding names the schema source to change instead. What the suggestion does: on a table created in the same migration the type is rewritten to `bigint` (`serial` to `bigserial`): the table is empty, and every value an int holds fits a bigint. On an existing table: the column may already be read as a 32-bit value by application code, and changing the type of an existing column rewrites the table.',
      references: ['https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-INT', 'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES'],
    },
  },
  matches: (t) => INT.has(t.name),
  // In `recommended`, only keys: an id that runs out stops every insert, and the columns referencing it must
  // widen with it. Other int columns (counts, flags, positions) rarely near 2^31: those are for `strict`.
  inScope: (site, _s, ctx) => presetIncludes(ctx.settings.preset ?? 'recommended', 'strict') || isCounter(site) || keyColumns(ctx.statements).has(`${site.table.name}.${site.column}`),
  pattern: /^(?:integer|int4|int|serial4|serial)\b/i,
  replacement: (t) => (t.name === 'int4' ? 'bigint' : 'bigserial'),
  help: 'Use bigint (bigserial, or bigint GENERATED BY DEFAULT AS IDENTITY for ids).',
});
