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
      rewrite: '{{changes}} on {{table}} rewrites the table and rebuilds its indexes while holding an {{lock}} lock: {{blocks}} for the whole rewrite.',
      unknownOld:
        '{{changes}} on {{table}}: the old type is unknown (no migration migralint read created {{thisColumn}}), so it cannot tell whether PostgreSQL rewrites the table. Unless the change is binary-coercible (e.g. varchar(n) to a longer varchar or text), it rewrites the table and rebuilds its indexes under an {{lock}} lock: {{blocks}} meanwhile.',
    },
    docs: {
      what: "Flags `ALTER TABLE … ALTER COLUMN … TYPE` on an existing table, except the changes PostgreSQL makes without touching the data — `varchar(n)` to `varchar(m)` with m ≥ n, to `varchar` or to `text`; `numeric(p,s)` to a larger precision at the same scale or to plain `numeric`; a larger timestamp/time precision; `cidr` to `inet`; `timestamp` to `timestamptz` or back once the migration has set a UTC time zone (`SET timezone = 'UTC'`, PostgreSQL 12 and later) — when the column's old type is known from the replayed history (a CREATE TABLE, ADD COLUMN or ALTER … TYPE in this or an earlier migration) or stated by the migration call itself (Alembic's `existing_type=`). A `USING` clause or a new collation always counts as a rewrite. When no migration migralint read defined the column, it says the old type is unknown, at warn, instead of claiming a rewrite.",
      why: "Changing a column's type converts every row: PostgreSQL writes a new copy of the table and rebuilds every index, all while holding ACCESS EXCLUSIVE, so nothing can read or write the table until it finishes — minutes to hours on a large table. The online way is a new column, written by the application or a trigger, backfilled in batches, then swapped in.",
      invalid: [
        {
          title: 'Several columns in one statement: one rewrite, one finding (old types unknown here: at warn)',
          code: '-- AlterTable\nALTER TABLE "Field" ALTER COLUMN "positionX" SET DEFAULT 0,\nALTER COLUMN "positionX" SET DATA TYPE DECIMAL(65,30),\nALTER COLUMN "positionY" SET DEFAULT 0,\nALTER COLUMN "positionY" SET DATA TYPE DECIMAL(65,30);\n',
        },
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
          title: 'After TRUNCATE in the same transaction: an empty file to rewrite',
          code: "SET lock_timeout = '2s';\nBEGIN;\nTRUNCATE events;\nALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;\nCOMMIT;\n",
          tables: { events: { rows: 40_000_000 } },
        },
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
      const table = tableFor(s, relName(relationOf(s)));
      if (!table) continue;
      // One statement, one rewrite: PostgreSQL converts every retyped column in the same copy of the table.
      const changes: Array<{ text: string; unknown: boolean }> = [];
      for (const site of columnSites(s)) {
        if (site.how !== 'alter-type') continue;
        // The analysis knows which retyped columns keep the file (old type, new type, USING and COLLATE).
        if (s.facts.keptFiles?.includes(site.column)) continue;
        // The column's type before this statement, from the schema model (earlier migrations and statements).
        const old = s.facts.oldTypes?.[site.column];
        const forced = s.facts.forcedConversions?.includes(site.column) === true;
        changes.push({
          text: `ALTER COLUMN ${site.column} TYPE ${typeLabel(site.type)}${old ? ` (was ${typeLabel({ ...old })})` : ''}`,
          unknown: !old && !forced,
        });
      }
      if (changes.length === 0) continue;
      // Unknown only when no column is a known rewrite: one that is rewrites the table for all of them.
      const unknown = changes.every((c) => c.unknown);
      ctx.report({
        statement: s,
        table,
        messageId: unknown ? 'unknownOld' : 'rewrite',
        ...(unknown ? { atMost: 'warn' as const } : {}),
        data: {
          changes: changes.map((c) => c.text).join(', '),
          thisColumn: changes.length === 1 ? 'this column' : 'these columns',
          table: tableLabel(table),
          ...lockWords(s),
        },
        help: withSizeHint(
          'Add a new column of the new type, fill it from the application or a trigger, backfill in batches, then switch reads over and drop the old column.',
          table,
        ),
      });
    }
  },
});
