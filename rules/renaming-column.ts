import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { relationOf, relName, tableFor } from '../src/engine/ast.js';
import { lockWords } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'renaming-column',
    description: 'Renaming a column breaks every running query and deployed code that uses the old name.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      rename:
        'Renaming column {{table}}.{{from}} to {{to}} takes a brief {{lock}} lock and breaks every query still using {{from}}: the application version running during and before the deploy fails until it is replaced.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … RENAME COLUMN` on a table that already exists. Not when the column got its name earlier in the same migration (added, or renamed to it, or its table renamed): no running query names it.',
      why: 'The rename itself is instant (a short ACCESS EXCLUSIVE lock), but the running application still selects and writes the old name, and fails from the moment the migration commits until every instance runs the new code. The backward-compatible way is expand/contract: add the new column, write both, backfill, move reads, then drop the old one — or put a view with the old name in front.',
      invalid: [{ code: 'ALTER TABLE customers RENAME COLUMN mail TO email;\n' }],
      valid: [
        { title: 'Expand first: add the new column', code: 'ALTER TABLE customers ADD COLUMN email text;\n' },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE newsletter_signups (id bigint PRIMARY KEY, mail text);\nALTER TABLE newsletter_signups RENAME COLUMN mail TO email;\n',
        },
        {
          title: 'A table renamed earlier in the same migration: no running query names registry yet (renaming-table reports the break)',
          code: 'ALTER TABLE replication_target RENAME TO registry;\nALTER TABLE registry RENAME COLUMN username TO access_key;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'RenameStmt' || s.node.renameType !== 'OBJECT_COLUMN') continue;
      const rel = relName(relationOf(s));
      if (tableFor(s, rel)?.sizeClass === 'new') continue;
      // The name was given earlier in this migration (added, renamed to, or the table renamed): no running query uses it.
      if (s.facts.createdEarlier?.length) continue;
      ctx.report({
        statement: s,
        messageId: 'rename',
        data: {
          lock: lockWords(s).lock,
          table: rel ? displayName(rel) : '?',
          from: displayName({ name: s.node.subname ?? '?' }),
          to: displayName({ name: s.node.newname ?? '?' }),
        },
        help: 'Add the new column, write to both, backfill, switch reads, then drop the old column in a later release.',
      });
    }
  },
});
