import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { strings } from '../src/engine/ast.js';
import type { AnalyzedStatement } from '../src/types.js';

const WHAT: Record<string, { word: string; kind: 'schema' | 'type' | 'view' }> = {
  OBJECT_SCHEMA: { word: 'schema', kind: 'schema' },
  OBJECT_TYPE: { word: 'type', kind: 'type' },
  OBJECT_DOMAIN: { word: 'domain', kind: 'type' },
  OBJECT_VIEW: { word: 'view', kind: 'view' },
  OBJECT_MATVIEW: { word: 'materialized view', kind: 'view' },
};

/** The renamed object's own name and its display name, or undefined for a rename this rule does not cover. */
function renamed(s: AnalyzedStatement): { what: string; kind: 'schema' | 'type' | 'view'; name: string; shown: string } | undefined {
  if (s.kind !== 'RenameStmt') return undefined;
  const w = s.node.renameType ? WHAT[s.node.renameType] : undefined;
  if (!w) return undefined;
  if (w.kind === 'schema') return { what: w.word, kind: w.kind, name: s.node.subname ?? '?', shown: displayName({ name: s.node.subname ?? '?' }) };
  if (w.kind === 'view') {
    const rv = s.node.relation;
    return {
      what: w.word,
      kind: w.kind,
      name: rv?.relname ?? '?',
      shown: displayName(rv?.schemaname ? { schema: rv.schemaname, name: rv.relname ?? '?' } : { name: rv?.relname ?? '?' }),
    };
  }
  const names = strings(s.node.object);
  const name = names[names.length - 1] ?? '?';
  return { what: w.word, kind: w.kind, name, shown: displayName(names.length > 1 ? { schema: names[names.length - 2]!, name } : { name }) };
}

export default defineRule({
  meta: {
    id: 'renaming-object',
    description: 'Renaming a schema, type, view or enum value breaks the running code that still uses the old name.',
    category: 'columns',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      rename:
        'Renaming {{what}} {{from}} to {{to}} breaks every query and deployed code still using {{from}}: the application version running during the deploy fails until it is replaced.',
      enumValue:
        "Renaming value '{{from}}' of enum {{type}} to '{{to}}' breaks every query and deployed code still writing or comparing '{{from}}': the application version running during the deploy fails until it is replaced.",
    },
    docs: {
      what: 'Flags `ALTER SCHEMA … RENAME TO`, `ALTER TYPE|DOMAIN … RENAME TO`, `ALTER [MATERIALIZED] VIEW … RENAME TO` and `ALTER TYPE … RENAME VALUE` on objects that already exist, unless the same migration creates a new object under the old name (a swap). Tables and columns have their own rules (renaming-table, renaming-column).',
      why: 'A rename takes effect at commit, and from then on every statement naming the old schema, type or view — or writing the old enum value (`\'shipped\'::order_status` fails with "invalid input value for enum") — fails, including those of the application instances that have not been redeployed yet. Add the new name beside the old one (a new enum value with ADD VALUE, a view under the new name, a new schema holding views), move the code over, then remove the old name in a later release.',
      invalid: [
        { code: "ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';\n" },
        { code: 'ALTER SCHEMA billing RENAME TO invoicing;\n' },
        { code: 'ALTER VIEW active_customers RENAME TO customers_active;\n' },
      ],
      valid: [
        { title: 'Add the new value beside the old one', code: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'dispatched';\n" },
        {
          title: 'The swap: the old type moves aside and a new one takes its name',
          code: "ALTER TYPE order_status RENAME TO order_status_old;\nCREATE TYPE order_status AS ENUM ('pending', 'dispatched');\n",
        },
        {
          title: 'A type created in the same migration',
          code: "CREATE TYPE order_status AS ENUM ('pending', 'shipped');\nALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';\n",
        },
      ],
      references: [
        'https://www.postgresql.org/docs/current/sql-altertype.html',
        'https://www.postgresql.org/docs/current/sql-alterschema.html',
        'https://www.postgresql.org/docs/current/sql-alterview.html',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind === 'AlterEnumStmt' && s.node.oldVal !== undefined) {
        const names = strings(s.node.typeName);
        const name = names[names.length - 1] ?? '?';
        if (s.facts.createdEarlier?.includes(name)) continue;
        const type = displayName(names.length > 1 ? { schema: names[names.length - 2]!, name } : { name });
        ctx.report({
          statement: s,
          messageId: 'enumValue',
          data: { type, from: s.node.oldVal, to: s.node.newVal ?? '?' },
          help: 'Add the new value with ADD VALUE, move code and data to it, and stop using the old value before it goes.',
        });
        continue;
      }
      if (s.kind !== 'RenameStmt') continue;
      const r = renamed(s);
      if (!r || s.facts.createdEarlier?.includes(r.name)) continue;
      // The swap: the old object is renamed aside and a new one takes its name in the same migration (an enum
      // rebuilt with other values), so code using the name keeps finding one.
      if (s.facts.createdLater?.includes(r.name)) continue;
      ctx.report({
        statement: s,
        messageId: 'rename',
        data: { what: r.what, from: r.shown, to: displayName({ name: s.node.newname ?? '?' }) },
        help: `Keep the old name working while code moves to the new one (a view, or a ${r.what === 'schema' ? 'schema of views' : 'second name'}), then drop it in a later release.`,
      });
    }
  },
});
