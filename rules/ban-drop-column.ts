import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { alterCmds, relationOf, relName, tableFor } from '../src/engine/ast.js';
import { lockWords, listed } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'ban-drop-column',
    description: 'Dropping a column loses its data and breaks code that still reads or writes it.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      drop: 'Dropping {{columns}} of {{table}} (a brief {{lock}} lock) deletes {{its}} data for good and breaks every running query that names {{it}} (SELECT *, ORMs that list every column, INSERTs that set {{it}}).',
      released:
        'Dropping {{columns}} of {{table}} (a brief {{lock}} lock) deletes {{its}} data for good; the code that stopped using {{it}} is live first, as {{how}}.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … DROP COLUMN` on a table that already exists: once per statement, naming every column it drops.',
      why: 'The drop is quick (ACCESS EXCLUSIVE, catalog only), but it cannot be undone, and application instances still running the previous release fail on the missing column — ORMs that select every mapped column fail even on queries that never use it. Stop using the column in code (and tell the ORM to ignore it) one release before dropping it. A migration that says it runs after that release is live (django-safemigrate `safe = Safe.after_deploy()`, Sentry `is_post_deployment = True`, a strong_migrations `safety_assured` block) gets an info note only: the data loss remains.',
      invalid: [{ code: 'ALTER TABLE customers DROP COLUMN legacy_password_hash;\n' }],
      valid: [
        {
          title: 'A table created in the same migration',
          code: 'CREATE TABLE import_batches (id bigint PRIMARY KEY, scratch text);\nALTER TABLE import_batches DROP COLUMN scratch;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DROP-COLUMN'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      const rel = relName(relationOf(s));
      const dropped = alterCmds(s).filter((c) => c.subtype === 'AT_DropColumn');
      if (dropped.length === 0 || tableFor(s, rel)?.sizeClass === 'new') continue;
      const names = dropped.map((c) => displayName({ name: c.name ?? '?' }));
      const columns = `${names.length === 1 ? 'column' : 'columns'} ${listed(names)}`;
      const data = {
        lock: lockWords(s).lock,
        table: rel ? displayName(rel) : '?',
        columns,
        its: names.length === 1 ? 'its' : 'their',
        it: names.length === 1 ? 'it' : 'them',
      };
      const how = s.item.exec.codeReleased;
      if (how) {
        ctx.report({ statement: s, messageId: 'released', data: { ...data, how }, atMost: 'info' });
        continue;
      }
      ctx.report({
        statement: s,
        messageId: 'drop',
        data,
        help: 'Remove every use of the column from the code in an earlier release, then drop it.',
      });
    }
  },
});
