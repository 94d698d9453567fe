import { quoteIdent } from '../src/engine/ast.js';
import { defineTypeRule } from '../src/engine/type-rules.js';

export default defineTypeRule({
  meta: {
    id: 'prefer-text-field',
    description: 'varchar(n) bakes a length limit into the type; changing it later can need an ACCESS EXCLUSIVE lock.',
    defaultSeverity: 'warn',
    preset: 'strict',
    message:
      'Column {{column}} is {{type}}: prefer text with a CHECK constraint on the length; shrinking or changing a varchar limit later takes an ACCESS EXCLUSIVE lock (and shrinking rewrites the table).',
    docs: {
      what: 'Flags `varchar(n)` / `character varying(n)` columns in CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE. `varchar` without a length is the same as `text` and is not flagged.',
      why: 'In PostgreSQL `varchar(n)` is stored exactly like `text`; the limit is the only difference, and it lives in the column type. Raising it takes ACCESS EXCLUSIVE (brief, but it queues behind running queries); lowering it rewrites the table. A `CHECK (char_length(col) <= n)` constraint expresses the same limit and can be replaced with `NOT VALID` + `VALIDATE`, without a blocking lock.',
      invalid: [
        {
          code: 'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email varchar(320) NOT NULL,\n  country_code character varying(2)\n);\n',
          fixed:
            'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text CHECK (char_length(email) <= 320) NOT NULL,\n  country_code text CHECK (char_length(country_code) <= 2)\n);\n',
          findings: [
            { line: 3, messageId: 'type' },
            { line: 4, messageId: 'type' },
          ],
        },
        { title: 'On an existing table: suggestion only', code: 'ALTER TABLE orders ADD COLUMN coupon_code varchar(32);\n' },
      ],
      valid: [
        {
          code: 'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL CHECK (char_length(email) <= 320)\n);\n',
        },
        { title: 'varchar without a length is text', code: 'ALTER TABLE orders ADD COLUMN note varchar;\n' },
      ],
      fixSafety:
        'Never a safe fix: a type change changes the resulting schema, and later migrations, application code and the checksums Flyway and Prisma keep rely on the type as written. It is a suggestion (--fix-type suggestion) in hand-written migrations, and display-only in migrations an ORM generates (Prisma, Drizzle, Atlas, Django, Alembic autogenerate): the finding names the schema source to change instead. What the suggestion does: on a table created in the same migration `varchar(n)` becomes `text CHECK (char_length(col) <= n)`: the same values are accepted and rejected (the error names a constraint instead of the type). Arrays of varchar are left alone. On an existing table it rewrites to plain `text`, which drops the limit; retyping an existing column also takes ACCESS EXCLUSIVE.',
      references: [
        'https://www.postgresql.org/docs/current/datatype-character.html',
        'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_varchar.28n.29_by_default',
      ],
    },
  },
  matches: (t) => t.name === 'varchar' && t.mods.length > 0,
  pattern: /^(?:character\s+varying|varchar)\s*\(\s*\d+\s*\)/i,
  replacement: (t, site, newTable) => {
    if (t.array) return null;
    // A CHECK keeps the limit; ALTER COLUMN … TYPE cannot carry one, so there it is only the suggestion of plain text.
    if (site.how === 'alter-type') return newTable ? null : 'text';
    return newTable ? `text CHECK (char_length(${quoteIdent(site.column)}) <= ${t.mods[0]})` : 'text';
  },
  help: 'Use text, with CHECK (char_length(col) <= n) if the limit matters.',
});
