import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { relationOf, relName, tableFor } from '../src/engine/ast.js';
import { lockWords } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'renaming-table',
    description: 'Renaming a table breaks every running query and deployed code that uses the old name.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      rename:
        'Renaming table {{from}} to {{to}} takes a brief {{lock}} lock and breaks every query still using {{from}}: the application version running during the deploy fails until it is replaced.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … RENAME TO` on a table that already exists. A relation named `…_seq` is taken for a sequence (ALTER TABLE renames those too): defaults follow a sequence by OID, so its rename breaks nothing running.',
      why: 'The rename takes a brief ACCESS EXCLUSIVE lock, and from the commit on every query naming the old table fails — including the ones of application instances that have not been redeployed yet. Rename in steps: create an updatable view under the old name (or the new one) so both names work while code moves over.',
      invalid: [{ code: 'ALTER TABLE line_items RENAME TO order_lines;\n' }],
      valid: [
        {
          title: 'Introduce the new name as a view first; rename once no code uses the old one',
          code: 'CREATE VIEW order_lines AS SELECT * FROM line_items;\n',
        },
        {
          title: "A serial column's sequence renamed with ALTER TABLE (defaults follow it by OID)",
          code: 'ALTER TABLE tenancy_contactgroupmembership_id_seq RENAME TO tenancy_contact_groups_id_seq;\n',
        },
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE tmp_order_lines (id bigint PRIMARY KEY);\nALTER TABLE tmp_order_lines RENAME TO order_lines;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'RenameStmt' || s.node.renameType !== 'OBJECT_TABLE') continue;
      const rel = relName(relationOf(s));
      if (tableFor(s, rel)?.sizeClass === 'new') continue;
      // ALTER TABLE … RENAME also renames sequences (Django's RunSQL for a serial's `<table>_<column>_seq`): column
      // defaults follow a sequence by OID, so that rename breaks nothing running.
      if (rel && /_seq$/.test(rel.name)) continue;
      ctx.report({
        statement: s,
        messageId: 'rename',
        data: { lock: lockWords(s).lock, from: rel ? displayName(rel) : '?', to: displayName({ name: s.node.newname ?? '?' }) },
        help: 'Keep the old name working (a view), move code to the new name, then drop the view in a later release.',
      });
    }
  },
});
