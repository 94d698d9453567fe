import { quoteIdent } from '../src/engine/ast.js';
import { defineTypeRule } from '../src/engine/type-rules.js';

export default defineTypeRule({
  meta: {
    id: 'ban-char-field',
    description: 'char(n) pads values with spaces and compares them with the padding ignored; use text.',
    defaultSeverity: 'warn',
    preset: 'strict',
    message: 'Column {{column}} is {{type}}: char(n) pads every value with spaces to n characters; use text (with a length CHECK if needed).',
    docs: {
      what: 'Flags `char`, `char(n)`, `character(n)` and `bpchar` columns in CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE.',
      why: '`char(n)` stores values blank-padded to n characters, strips the padding again in most but not all operations (`LIKE`, regular expressions, concatenation with text differ), and is no faster or smaller than `text` in PostgreSQL. Changing its length later needs ACCESS EXCLUSIVE and a rewrite.',
      invalid: [
        {
          code: 'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  country_code char(2) NOT NULL\n);\n',
          fixed:
            'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  country_code text CHECK (char_length(country_code) <= 2) NOT NULL\n);\n',
        },
        { title: 'On an existing table: suggestion only', code: 'ALTER TABLE orders ADD COLUMN currency character(3);\n' },
      ],
      valid: [
        {
          code: 'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  country_code text NOT NULL CHECK (char_length(country_code) = 2)\n);\n',
        },
      ],
      fixSafety:
        'Never a safe fix: a type change changes the resulting schema, and later migrations, application code and the checksums Flyway and Prisma keep rely on the type as written. It is a suggestion (--fix-type suggestion) in hand-written migrations, and display-only in migrations an ORM generates (Prisma, Drizzle, Atlas, Django, Alembic autogenerate): the finding names the schema source to change instead. What the suggestion does: on a table created in the same migration `char(n)` becomes `text CHECK (char_length(col) <= n)`: values longer than n are still rejected, but shorter ones are no longer padded with spaces, which code comparing against padded literals could notice. On an existing table it rewrites to plain `text`: it changes stored values (the padding is dropped) and rewrites the table.',
      references: [
        'https://www.postgresql.org/docs/current/datatype-character.html',
        'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_char.28n.29',
      ],
    },
  },
  matches: (t) => t.name === 'bpchar',
  pattern: /^(?:character|char|bpchar|nchar|national\s+char(?:acter)?)(?!\s+varying)(?:\s*\(\s*\d+\s*\))?/i,
  replacement: (t, site, newTable) => {
    if (t.array) return null;
    // A CHECK keeps the limit; ALTER COLUMN … TYPE cannot carry one, so there it is only the suggestion of plain text.
    if (site.how === 'alter-type') return newTable ? null : 'text';
    return newTable ? `text CHECK (char_length(${quoteIdent(site.column)}) <= ${t.mods[0] ?? 1})` : 'text';
  },
  help: 'Use text, with CHECK (char_length(col) <= n) if the limit matters.',
});
