import { defineTypeRule } from '../src/engine/type-rules.js';

export default defineTypeRule({
  meta: {
    id: 'prefer-timestamptz',
    description: 'timestamp without time zone stores wall-clock readings that shift meaning with the session time zone.',
    defaultSeverity: 'warn',
    preset: 'strict',
    message: 'Column {{column}} is timestamp without time zone: use timestamptz, which stores an absolute instant.',
    docs: {
      what: 'Flags columns declared `timestamp` / `timestamp without time zone` in CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE.',
      why: "`timestamp` stores a date and time with no zone: `now()` written into it is converted to the session's time zone and the zone is thrown away, so the same instant is stored differently by sessions with different `TimeZone` settings, and comparisons across DST changes go wrong. `timestamptz` stores an absolute instant (as UTC) and converts on output. Both take 8 bytes.",
      invalid: [
        {
          code: 'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  occurred_at timestamp NOT NULL DEFAULT now(),\n  processed_at timestamp(3) without time zone\n);\n',
          fixed:
            'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  occurred_at timestamptz NOT NULL DEFAULT now(),\n  processed_at timestamptz(3)\n);\n',
          findings: [
            { line: 3, messageId: 'type' },
            { line: 4, messageId: 'type' },
          ],
        },
        { title: 'On an existing table: suggestion only', code: 'ALTER TABLE orders ADD COLUMN shipped_at timestamp;\n' },
      ],
      valid: [{ code: 'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  occurred_at timestamptz NOT NULL DEFAULT now()\n);\n' }],
      fixSafety:
        "Never a safe fix: a type change changes the resulting schema, and later migrations, application code and the checksums Flyway and Prisma keep rely on the type as written. It is a suggestion (--fix-type suggestion) in hand-written migrations, and display-only in migrations an ORM generates (Prisma, Drizzle, Atlas, Django, Alembic autogenerate): the finding names the schema source to change instead. What the suggestion does: on a table created in the same migration the type becomes `timestamptz` (keeping the precision): there is no data to reinterpret. Application code that writes zone-less literals then has them read in the session time zone, which is the point. On an existing table: changing an existing column's type reinterprets stored values in the session time zone and rewrites the table (except, from PostgreSQL 12, when the session time zone is UTC).",
      references: [
        'https://www.postgresql.org/docs/current/datatype-datetime.html',
        'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29',
      ],
    },
  },
  matches: (t) => t.name === 'timestamp',
  pattern: /^timestamp(\s*\(\s*\d+\s*\))?(?:\s+without\s+time\s+zone)?/i,
  replacement: (t) => `timestamptz${t.mods.length ? `(${t.mods[0]})` : ''}`,
  help: 'Use timestamptz (timestamp with time zone).',
});
