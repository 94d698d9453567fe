import type { RuleMeta } from '../src/engine/rule.js';

/** Findings the engine itself produces. They have docs like any rule, and no check of their own. */
export const ENGINE_RULES: RuleMeta[] = [
  {
    id: 'schema-history',
    description: 'The migration history cannot be fully ordered or replayed: a missing parent, two heads, a cycle, or DDL on objects no migration created.',
    category: 'engine',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {},
    docs: {
      what: "migralint replays a project's migrations in the order its tool applies them, to know the tables each migration meets. This finding names the file where that order breaks (an Alembic revision whose parent is missing, two heads, a cycle in Alembic or Django dependencies, a file Drizzle's journal or sqitch.plan does not list) or where a migration acts on objects no earlier migration created (reported as info: it is no hazard in the migration, only what migralint cannot know). The files are still linted; what migralint does not know stays unknown.",
      why: 'A history the tool cannot order fails at deploy time; and a migration altering a table the history never created is judged without knowing its columns, indexes or constraints.',
      invalid: [],
      valid: [{ code: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE INDEX orders_created_idx ON orders (id);\n' }],
      references: ['https://alembic.sqlalchemy.org/en/latest/branches.html', 'https://docs.djangoproject.com/en/stable/topics/migrations/#dependencies'],
    },
  },
  {
    id: 'parse-error',
    description: "A statement PostgreSQL's parser cannot read. The rest of the file is still linted.",
    category: 'engine',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {},
    docs: {
      what: "Reports SQL that PostgreSQL 18's own parser rejects, at the statement and token where it fails. The file is split on `;` with PostgreSQL's scanner, so every other statement is still linted.",
      why: 'A migration that does not parse fails at deploy time; and a linter that stops at the first error hides every other finding.',
      invalid: [{ code: 'CREATE INDEX ON;\nCREATE INDEX idx_orders_customer ON orders (customer_id);\n' }],
      valid: [{ code: 'CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);\n' }],
      references: ['https://www.postgresql.org/docs/current/sql-commands.html'],
    },
  },
  {
    id: 'internal-error',
    description: 'migralint itself failed on a statement (a bug): its locks are unknown. The rest of the file is still linted.',
    category: 'engine',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {},
    docs: {
      what: "Reports a statement on which migralint's own analysis crashed, with the error, instead of treating the statement as taking no locks. Every other statement in the file is still linted.",
      why: 'A crash that read as "takes no locks" would silence every locking rule on the statement most likely to need them.',
      invalid: [],
      valid: [],
      references: [],
    },
  },
  {
    id: 'unknown-rule',
    description: 'A suppression directive names a rule that does not exist.',
    category: 'engine',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {},
    docs: {
      what: 'Reports rule names in `migralint-disable…` comments that migralint does not know (often a typo, so the finding it meant to silence is still there).',
      why: 'A misspelled directive silences nothing.',
      invalid: [
        { code: '-- migralint-disable-next-line require-concurent-index-creation\nCREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);\n' },
      ],
      valid: [
        {
          code: '-- migralint-disable-next-line require-concurrent-index-creation -- orders is empty in every environment\nCREATE INDEX idx_orders_customer ON orders (customer_id);\n',
        },
      ],
      references: [],
    },
  },
  {
    id: 'unused-disable-directive',
    description: 'A suppression directive that suppresses nothing.',
    category: 'engine',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {},
    docs: {
      what: 'Reports `migralint-disable…` comments that did not suppress any finding.',
      why: 'Stale directives hide the next real finding on that line.',
      invalid: [
        { code: '-- migralint-disable-next-line require-concurrent-index-creation\nCREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);\n' },
      ],
      valid: [
        {
          code: '-- migralint-disable-next-line require-concurrent-index-creation -- orders is empty in every environment\nCREATE INDEX idx_orders_customer ON orders (customer_id);\n',
        },
      ],
      references: [],
    },
  },
  {
    id: 'unsupported-framework-construct',
    description: 'Embedded SQL that migralint cannot read statically (built at run time).',
    category: 'engine',
    defaultSeverity: 'info',
    fix: 'none',
    messages: {},
    docs: {
      what: 'Reports SQL in Python or JS/TS migrations that is built at run time (f-strings, concatenation with variables, `.format`), once per construct, so it is never skipped silently.',
      why: 'migralint only judges SQL it can read; this finding says where it could not.',
      invalid: [],
      valid: [],
      references: [],
    },
  },
  {
    id: 'framework-config',
    description: 'A framework file migralint reads to know how migrations run (journal, metadata.toml, .conf) is malformed.',
    category: 'engine',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {},
    docs: {
      what: "Warns when a framework's own metadata cannot be read; the framework's default execution model is used instead.",
      why: 'Whether a statement runs in a transaction depends on those files.',
      invalid: [],
      valid: [],
      references: [],
    },
  },
];
