import { defineTypeRule } from '../src/engine/type-rules.js';

export default defineTypeRule({
  meta: {
    id: 'prefer-jsonb',
    description: 'A json column has no equality operator: DISTINCT, GROUP BY, UNION and = on it fail; jsonb is what is almost always meant.',
    defaultSeverity: 'warn',
    preset: 'strict',
    message:
      'Column {{column}} is {{type}}: json has no equality operator, so SELECT DISTINCT, GROUP BY, UNION and = on it fail, and it cannot be indexed; use jsonb.',
    docs: {
      what: 'Flags columns declared `json` (also `json[]`) in CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE.',
      why: '`json` stores the input text as it came and re-parses it on every access. It has no equality or ordering operators, so `SELECT DISTINCT`, `GROUP BY`, `UNION` (without ALL) and `WHERE payload = …` on it fail with "could not identify an equality operator for type json", and it cannot carry a GIN index or the containment operators (`@>`, `?`). `jsonb` stores a parsed binary form with all of these. Keep `json` only when the exact input text (key order, duplicate keys, whitespace) must come back out.',
      invalid: [
        {
          code: 'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload json NOT NULL\n);\n',
          fixed: 'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload jsonb NOT NULL\n);\n',
        },
        { title: 'On an existing table: suggestion only', code: 'ALTER TABLE orders ADD COLUMN metadata json;\n' },
      ],
      valid: [{ code: 'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload jsonb NOT NULL\n);\n' }],
      fixSafety:
        'Never a safe fix: a type change changes the resulting schema, and application code may rely on json keeping key order and duplicate keys. It is a suggestion (--fix-type suggestion) in hand-written migrations, and display-only in migrations an ORM generates: the finding names the schema source to change instead. On a column of an existing table, changing the type later rewrites the table under an ACCESS EXCLUSIVE lock.',
      references: ['https://www.postgresql.org/docs/current/datatype-json.html', 'https://www.postgresql.org/docs/current/functions-json.html'],
    },
  },
  matches: (t) => t.name === 'json',
  pattern: /^(?:pg_catalog\s*\.\s*)?json\b/i,
  replacement: (t, site) => (site.how === 'alter-type' ? null : 'jsonb'),
  help: 'Use jsonb; keep json only when the exact input text must be preserved.',
});
