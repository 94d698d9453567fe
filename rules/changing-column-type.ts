import { defineRule } from '../src/engine/rule.js';
import { columnSites, relationOf, relName, tableFor, type TypeInfo, typeLabel } from '../src/engine/ast.js';
import { binaryCoercible } from '../src/project/coercion.js';
import { lockWords, tableLabel, withSizeHint } from '../src/engine/describe.js';

/** Whether changing `from` to `to` keeps the table file: see src/project/coercion.ts. */
export function keepsFile(from: TypeInfo, to: TypeInfo): boolean {
  return binaryCoercible(from, to);
}

export default defineRule({
  meta: {
    id: 'changing-column-type',
    description: 'ALTER COLUMN … TYPE usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock.',
    category: 'columns',
    defaultSeverity: 'error',
    fix: 'none',
    sizeAware: true,
    messages: {
      rewrite:
        'ALTER COLUMN {{column}} TYPE {{type}}{{from}} on {{table}} rewrites the table and rebuilds its indexes while holding an {{lock}} lock: {{blocks}} for the whole rewrite.',
      unknownOld:
        'ALTER COLUMN {{column}} TYPE {{type}} on {{table}}: the old type is unknown (no migration migralint read created this column), so it cannot tell whether PostgreSQL rewrites the table. Unless the change is binary-coercible (e.g. varchar(n) to a longer varchar or text), it rewrites the table and rebuilds its indexes under an {{lock}} lock: {{blocks}} meanwhile.',
    },
    docs: {
      what: "Flags `ALTER TABLE … ALTER COLUMN … TYPE` on an existing table, except the changes PostgreSQL makes without touching the data — `varchar(n)` to `varchar(m)` with m ≥ n, to `varchar` or to `text`; `numeric(p,s)` to a larger precision at the same scale or to plain `numeric`; a larger timestamp/time precision; `cidr` to `inet`; `timestamp` to `timestamptz` or back once the migration has set a UTC time zone (`SET timezone = 'UTC'`, PostgreSQL 12 and later) — when the column's old type is known from the replayed history (a CREATE TABLE, ADD COLUMN or ALTER … TYPE in this or an earlier migration). A `USING` clause or a new collation always counts as a rewrite. When no migration migralint read defined the column, it says the old type is unknown, at warn, instead of claiming a rewrite.",
      why: "Changing a column's type converts every row: PostgreSQL writes a new copy of the table and rebuilds every index, all while holding ACCESS EXCLUSIVE, so nothing can read or write the table until it finishes — minutes to hours on a large table. The online way is a new column, written by the application or a trigger, backfilled in batches, then swapped in.",
      invalid: [
        {
          title: 'int → bigint rewrites',
          code: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;\n',
          tables: { events: { rows: 310_000_000, bytes: 88_000_000_000 } },
        },
        { title: 'The old type is unknown: migralint cannot prove the change is free', code: 'ALTER TABLE customers ALTER COLUMN email TYPE text;\n' },
        {
          title: 'Shrinking a varchar checks and rewrites',
          code: 'ALTER TABLE orders ADD COLUMN coupon_code varchar(64);\nALTER TABLE orders ALTER COLUMN coupon_code TYPE varchar(32);\n',
        },
      ],
      valid: [
        {
          title: 'Widening a varchar whose length is known is a catalog-only change',
          code: 'ALTER TABLE orders ADD COLUMN coupon_code varchar(32);\nALTER TABLE orders ALTER COLUMN coupon_code TYPE varchar(64);\n',
        },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE payouts (id bigint PRIMARY KEY, amount numeric(10,2));\nALTER TABLE payouts ALTER COLUMN amount TYPE numeric(14,2);\n',
        },
        { title: 'A small table', code: 'ALTER TABLE currencies ALTER COLUMN code TYPE text;\n', tables: { currencies: { rows: 180 } } },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'AlterTableStmt') continue;
      for (const site of columnSites(s)) {
        if (site.how !== 'alter-type') continue;
        // The column's type before this statement, from the schema model (earlier migrations and statements).
        const old = s.facts.oldTypes?.[site.column];
        // The analysis knows which retyped columns keep the file (old type, new type, USING and COLLATE).
        if (s.facts.keptFiles?.includes(site.column)) continue;
        const forced = s.facts.forcedConversions?.includes(site.column) === true;
        const table = tableFor(s, relName(relationOf(s)));
        if (!table) continue;
        const unknown = !old && !forced;
        ctx.report({
          statement: s,
          table,
          messageId: unknown ? 'unknownOld' : 'rewrite',
          ...(unknown ? { atMost: 'warn' as const } : {}),
          data: {
            column: site.column,
            type: typeLabel(site.type),
            table: tableLabel(table),
            ...lockWords(s),
            from: old ? ` (was ${typeLabel({ ...old })})` : '',
          },
          help: withSizeHint(
            'Add a new column of the new type, fill it from the application or a trigger, backfill in batches, then switch reads over and drop the old column.',
            table,
          ),
        });
      }
    }
  },
});
