import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { alterCmds, relationOf, relName, tableFor } from '../src/engine/ast.js';
import { lockWords, listed } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'ban-drop-not-null',
    description: 'Dropping NOT NULL lets NULLs into a column that code assumes is always set.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      drop: 'ALTER COLUMN {{column}} DROP NOT NULL on {{table}} (a brief {{lock}} lock): code that reads {{theColumn}} assumes {{itIs}} never NULL, and once NULLs are written, restoring NOT NULL needs a full-table check.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ALTER COLUMN … DROP NOT NULL` on a table that already exists: once per statement, naming every column it changes.',
      why: 'The change is instant, but it is a contract change: readers written against a NOT NULL column crash or mis-handle NULLs, and going back requires `SET NOT NULL`, which scans the table under ACCESS EXCLUSIVE (or the CHECK/VALIDATE dance). Make sure every reader handles NULL before the column may hold one.',
      invalid: [
        { code: 'ALTER TABLE orders ALTER COLUMN shipping_address_id DROP NOT NULL;\n' },
        {
          title: 'One statement, several columns: one finding',
          code: 'ALTER TABLE team_settings ALTER COLUMN document_visibility DROP NOT NULL,\nALTER COLUMN branding_enabled DROP NOT NULL,\nALTER COLUMN branding_logo DROP NOT NULL;\n',
        },
      ],
      valid: [
        {
          title: 'A column the history made nullable already (an explicit NULL, or an earlier DROP NOT NULL)',
          code: 'ALTER TABLE orders ADD COLUMN gift_note text NULL;\nALTER TABLE orders ALTER COLUMN gift_note DROP NOT NULL;\n',
        },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE gift_cards (id bigint PRIMARY KEY, order_id bigint NOT NULL);\nALTER TABLE gift_cards ALTER COLUMN order_id DROP NOT NULL;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      const rel = relName(relationOf(s));
      // One statement is one lock and one change of contract: one finding, naming each column (Prisma drops several at once).
      // A column the history made nullable already (Alembic repeats `nullable=True`): nothing changes for its readers.
      const dropped = alterCmds(s).filter((c) => c.subtype === 'AT_DropNotNull' && !(c.name && s.facts.nullableAlready?.includes(c.name)));
      if (dropped.length === 0 || tableFor(s, rel)?.sizeClass === 'new') continue;
      const names = dropped.map((c) => displayName({ name: c.name ?? '?' }));
      const one = names.length === 1;
      ctx.report({
        statement: s,
        messageId: 'drop',
        data: {
          lock: lockWords(s).lock,
          table: rel ? displayName(rel) : '?',
          column: listed(names),
          theColumn: one ? 'the column' : 'the columns',
          itIs: one ? 'it is' : 'they are',
        },
        help: one ? 'Deploy code that handles NULL in this column first.' : 'Deploy code that handles NULL in these columns first.',
      });
    }
  },
});
