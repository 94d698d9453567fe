import type { StatementNode } from '../src/sql/nodes.js';
import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { relName, strings } from '../src/engine/ast.js';
import type { QualifiedName } from '../src/types.js';

/** Tables a statement names, with whether the name is schema-qualified. Temporary tables live in pg_temp. */
function namedTables(s: StatementNode): QualifiedName[] {
  switch (s.kind) {
    case 'CreateStmt':
      return s.node.relation?.relpersistence === 't' ? [] : [relName(s.node.relation)].filter((x): x is QualifiedName => !!x);
    case 'AlterTableStmt':
    case 'IndexStmt':
    case 'CreateTrigStmt':
      return [relName(s.node.relation)].filter((x): x is QualifiedName => !!x);
    case 'RenameStmt':
      return s.node.renameType === 'OBJECT_TABLE' || s.node.renameType === 'OBJECT_COLUMN'
        ? [relName(s.node.relation)].filter((x): x is QualifiedName => !!x)
        : [];
    case 'DropStmt':
      if (s.node.removeType !== 'OBJECT_TABLE') return [];
      return (s.node.objects ?? []).map((o) => {
        const names = strings(o);
        return names.length > 1 ? { schema: names[names.length - 2]!, name: names[names.length - 1]! } : { name: names[0] ?? '' };
      });
    default:
      return [];
  }
}

export default defineRule({
  meta: {
    id: 'require-table-schema',
    description: 'Table names without a schema resolve through search_path, which differs between environments.',
    category: 'hygiene',
    defaultSeverity: 'warn',
    preset: 'strict',
    fix: 'none',
    messages: { unqualified: 'Table {{table}} is not schema-qualified: it resolves through search_path at run time.' },
    docs: {
      what: 'In the strict preset. Flags CREATE TABLE, ALTER TABLE, CREATE INDEX … ON, CREATE TRIGGER … ON, renames and DROP TABLE naming a table without its schema. Temporary tables are exempt.',
      why: "An unqualified name is looked up along `search_path`, which can differ between the migration runner, a developer's psql and production roles; a table can then be created in, or altered in, the wrong schema. Projects that keep several schemas turn this on to make every migration say where it acts.",
      invalid: [{ code: 'CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric(12,2) NOT NULL);\n' }],
      valid: [
        { code: 'CREATE TABLE billing.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric(12,2) NOT NULL);\n' },
        { title: 'Temporary tables', code: 'CREATE TEMP TABLE import_rows (line int, payload jsonb);\n' },
      ],
      references: ['https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      for (const t of namedTables(s)) {
        if (t.schema || !t.name) continue;
        ctx.report({ statement: s, messageId: 'unqualified', data: { table: displayName(t) }, help: `Write the schema, e.g. public.${displayName(t)}.` });
      }
    }
  },
});
