import { defineRule } from '../src/engine/rule.js';
import { strings } from '../src/engine/ast.js';
import { displayName } from '../src/catalog/catalog.js';

export default defineRule({
  meta: {
    id: 'ban-drop-schema',
    description: 'Dropping a schema loses every object in it and breaks code that still uses them.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      drop: 'Dropping schema {{schema}}{{cascade}} breaks every running query that still uses an object in it{{lost}}.',
      noTable:
        'Dropping schema {{schema}}{{cascade}} breaks every running query that still uses a view, function or type in it until they are created again; a migration created the schema and none put a table in it, so no stored rows are lost.',
    },
    docs: {
      what: 'Flags `DROP SCHEMA` of a schema that was not created in the same migration, except `DROP SCHEMA IF EXISTS` of a schema the same migration creates again (a script written to be re-run). A schema an earlier migration created and put no table in (only views, functions, types) is reported as info: nothing stored is lost, and dropping a view or function alone is not flagged either.',
      why: 'With CASCADE, DROP SCHEMA drops every table, view, function and type in the schema — their data cannot be recovered short of a backup restore — taking an ACCESS EXCLUSIVE lock on each table it drops. Without CASCADE it fails unless the schema is empty, but code that still names the schema (a search_path, a qualified name) breaks all the same. Make sure nothing uses the schema any more, keep a dump, then drop it.',
      invalid: [
        { code: 'DROP SCHEMA reporting CASCADE;\n' },
        { title: 'Even an empty schema may still be on a search_path', code: 'DROP SCHEMA IF EXISTS legacy;\n' },
      ],
      valid: [
        {
          title: 'A script written to be re-run: the migration drops the schema if it exists and builds it again',
          code: 'DROP SCHEMA IF EXISTS app_public CASCADE;\nCREATE SCHEMA app_public;\nCREATE TABLE app_public.users (id bigint PRIMARY KEY);\n',
        },
        {
          title: 'A scratch schema created in the same migration',
          code: 'CREATE SCHEMA import_tmp;\nCREATE TABLE import_tmp.rows (id bigint);\nDROP SCHEMA import_tmp CASCADE;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-dropschema.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_SCHEMA') continue;
      const names: string[] = strings(s.node.objects);
      // `DROP SCHEMA IF EXISTS x CASCADE; … CREATE SCHEMA x;` is a script written to be re-run (graphile-migrate's
      // current.sql, a first migration): the schema is rebuilt by the same migration, not taken from running code.
      const recreated = (n: string) => Boolean(s.node.missing_ok) && (s.facts.createdLater ?? []).includes(n);
      const dropped = names.filter((n) => !(s.facts.createdEarlier ?? []).includes(n) && !recreated(n));
      if (dropped.length === 0) continue;
      const cascade = s.node.behavior === 'DROP_CASCADE';
      // The history created every schema dropped and put no table in any: only views, functions and types go.
      const known = s.facts.droppedSchemas;
      const noTable = !!known && dropped.every((n) => known.some((k) => k.name === n && k.createdByHistory && k.tables === 0));
      if (noTable) {
        ctx.report({
          statement: s,
          messageId: 'noTable',
          data: { schema: dropped.map((n) => displayName({ name: n })).join(', '), cascade: cascade ? ' CASCADE' : '' },
          help: 'Create what still uses the schema again in the same migration, or stop using it in an earlier release.',
          atMost: 'info',
        });
        continue;
      }
      ctx.report({
        statement: s,
        messageId: 'drop',
        data: {
          schema: dropped.map((n) => displayName({ name: n })).join(', '),
          cascade: cascade ? ' CASCADE' : '',
          lost: cascade ? ', and deletes every table, view, function and type in it for good, each table under an ACCESS EXCLUSIVE lock' : '',
        },
        help: 'Stop every use of the schema in an earlier release and keep a backup before dropping it.',
      });
    }
  },
});
