import { defineRule } from '../src/engine/rule.js';
import { reportMissingTimeout, statementList } from '../src/engine/timeout-rule.js';

/** The value the fix inserts: long enough for a catalog change, short enough to bound a lock on a busy table. */
export const STATEMENT_TIMEOUT = '5s';

export default defineRule({
  meta: {
    id: 'require-statement-timeout',
    description: 'A statement that holds a strong lock with no statement_timeout can block a table for as long as it runs.',
    category: 'transactions',
    defaultSeverity: 'warn',
    preset: 'strict',
    fix: 'safe',
    messages: {
      missing:
        'No statement_timeout is set before {{count}} statement(s) that hold strong locks: {{list}}. If one of them runs long, the table stays locked for as long as it runs.',
      runner:
        'statement_timeout is {{value}} for {{count}} statement(s) that hold strong locks: {{list}}. It is set for every migration connection by {{where}}: none of them holds its lock longer than that.',
    },
    docs: {
      what: 'In the strict preset. Reports, once per migration, the statements that take a SHARE lock or stronger on an existing table while no `statement_timeout` is in effect (`SET`, `SET LOCAL`, `set_config`, tracked through COMMIT, ROLLBACK and RESET). When the runner sets `statement_timeout` on every migration connection (config `"statementTimeout": { "setBy": "runner", "value": "30s" }`, or found in the project\'s files as for require-lock-timeout), one info finding says where instead.',
      why: '`lock_timeout` bounds the wait for a lock; `statement_timeout` bounds how long the lock is then held. A rewrite or validation that turns out slower than expected on production data keeps every query on the table waiting until it ends; with a timeout it is cancelled, the transaction rolls back and the table is free again.',
      invalid: [
        {
          code: 'ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n',
          fixed: "SET statement_timeout = '5s';\nALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n",
        },
      ],
      valid: [
        { code: "SET statement_timeout = '5s';\nALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n" },
        { code: "BEGIN;\nSET LOCAL statement_timeout = '30s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n" },
      ],
      fixSafety:
        "Inserts `SET statement_timeout = '5s';` before the first statement of the chunk, so it covers all of them (raise it for statements that are meant to run long). As for require-lock-timeout, it is never inserted into a one-query chunk holding a statement that must run alone. A migration that hits the timeout fails and rolls back instead of blocking; that is the intended trade.",
      references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT'],
    },
  },
  check(ctx) {
    // The analysis groups the statements (facts.timeouts): one finding of each kind, on the first statement it covers.
    for (const s of ctx.statements) {
      for (const f of s.facts.timeouts ?? []) {
        if (f.setting !== 'statement_timeout') continue;
        if (f.kind === 'missing') {
          reportMissingTimeout(ctx, s, f, {
            value: STATEMENT_TIMEOUT,
            help: `Start the migration with SET statement_timeout = '${STATEMENT_TIMEOUT}'; (longer for statements meant to run long).`,
          });
        } else if (f.kind === 'runner' && f.setBy && 'runner' in f.setBy) {
          ctx.report({
            statement: s,
            messageId: 'runner',
            data: { value: f.value!, where: f.setBy.runner, count: f.statements.length, list: statementList(f.statements, false) },
            info: true,
          });
        }
      }
    }
  },
});
