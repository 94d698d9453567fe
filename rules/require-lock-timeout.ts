import { defineRule } from '../src/engine/rule.js';
import { holdsStrongLock, reportMissingTimeout } from '../src/engine/timeout-rule.js';

export default defineRule({
  meta: {
    id: 'require-lock-timeout',
    description: 'A statement that takes a strong lock on an existing table without lock_timeout can queue every query behind it.',
    category: 'transactions',
    defaultSeverity: 'warn',
    fix: 'safe',
    messages: {
      missing: 'No lock_timeout is set before {{count}} statement(s) that take strong locks: {{list}}. While such a statement waits for its lock behind a long-running query, every query on the table queues behind it.',
    },
    docs: {
      what: 'Reports, once per migration, the statements that take a SHARE lock or stronger on an existing table while no `lock_timeout` is in effect (`SET`, `SET LOCAL`, `set_config`, tracked through COMMIT, ROLLBACK and RESET).',
      why: 'A lock request waits behind every conflicting lock already held — a long report query, an idle-in-transaction session — and every later request on the table waits behind it. Even a statement that holds its lock for a millisecond can so stall all traffic on the table for as long as the oldest query runs. With `lock_timeout` the migration fails fast and can be retried instead.',
      invalid: [
        {
          code: 'ALTER TABLE orders ADD COLUMN note text;\n',
          fixed: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n",
        },
      ],
      valid: [
        { code: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n" },
        { code: "BEGIN;\nSET LOCAL lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n" },
      ],
      fixSafety: "Inserts `SET lock_timeout = '2s';` (config `lockTimeoutMax` sets the value) before the first statement of the chunk, so it is in effect for all of them. It is never inserted into a one-query chunk (a golang-migrate file, a knex.raw string …) that holds a statement that must run alone (CREATE INDEX CONCURRENTLY), nor one holding an index statement another fix may make concurrent in the same --fix run: the SET would make the chunk one implicit transaction and the statement fail. In Alembic and Django migrations it is written as a call of its own before the first statement (`op.execute(\"SET lock_timeout = '2s'\")`, `migrations.RunSQL(\"SET lock_timeout = '2s'\", reverse_sql=migrations.RunSQL.noop)`); JS/TS DSL calls get the advice only.",
      references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT'],
    },
  },
  check(ctx) {
    reportMissingTimeout(ctx, {
      setting: 'lock_timeout',
      value: ctx.settings.lockTimeoutValue,
      offenders: ctx.statements.filter((s) => !s.facts.lockTimeout && holdsStrongLock(s)),
      help: `Start the migration with SET lock_timeout = '${ctx.settings.lockTimeoutValue}'; and retry on timeout.`,
    });
  },
});
