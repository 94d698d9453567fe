import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'transaction-nesting',
    description: 'BEGIN inside a transaction, or COMMIT / ROLLBACK / SAVEPOINT with none open.',
    category: 'transactions',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {
      nested:
        'BEGIN inside a transaction that is already open ({{reason}}): PostgreSQL ignores it with a warning, and the first COMMIT ends the outer transaction early.',
      noTransaction: '{{command}} with no transaction open: PostgreSQL ignores it with a warning; the statements it was meant to group ran one by one.',
      commitInWrapper:
        '{{command}} ends the transaction {{framework}} opened around this migration ({{reason}}): the statements after it run outside it, and a failure there leaves the migration half-applied.',
      savepoint: '{{command}} outside a transaction block fails: "can only be used in transaction blocks".',
      bodyCommit: '{{command}} in {{body}} fails with "invalid transaction termination": {{why}}.',
    },
    docs: {
      what: "Flags transaction control that does not match the transaction state: a BEGIN when a transaction is already open (an explicit one, or the one the migration tool opens), COMMIT or ROLLBACK with none open, a COMMIT that ends the migration tool's own transaction, SAVEPOINT / RELEASE / ROLLBACK TO outside a transaction, and a COMMIT or ROLLBACK in a DO block or procedure that runs inside a transaction (or in any function).",
      why: 'Nested BEGIN is not nesting in PostgreSQL: it is ignored, and the first COMMIT commits everything. A COMMIT inside a framework\'s transaction (the "COMMIT; --> statement-breakpoint" trick used to run CREATE INDEX CONCURRENTLY under Drizzle) silently splits the migration: if anything after it fails, the part before it stays applied and the migrator does not know.',
      invalid: [
        {
          code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nBEGIN;\nALTER TABLE orders ADD COLUMN tag text;\nCOMMIT;\nCOMMIT;\n',
          findings: [
            { line: 3, messageId: 'nested' },
            { line: 6, messageId: 'noTransaction' },
          ],
        },
        { code: 'ALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n' },
        {
          title: 'A DO block may COMMIT only when nothing outside it opened a transaction',
          code: "BEGIN;\nDO $$\nBEGIN\n  UPDATE orders SET status = 'open' WHERE status IS NULL;\n  COMMIT;\nEND\n$$;\nCOMMIT;\n",
        },
      ],
      valid: [
        {
          code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nSAVEPOINT before_tag;\nALTER TABLE orders ADD COLUMN tag text;\nRELEASE SAVEPOINT before_tag;\nCOMMIT;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-begin.html', 'https://www.postgresql.org/docs/current/sql-commit.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      const p = s.facts.txProblem;
      if (!p || p === 'never-committed') continue;
      const command = s.sql.split(/\s+/)[0]!.toUpperCase();
      if (p === 'begin-nested') {
        ctx.report({ statement: s, messageId: 'nested', data: { reason: s.facts.outerTransaction?.reason ?? s.item.exec.reason } });
      } else if (p === 'end-without-begin') ctx.report({ statement: s, messageId: 'noTransaction', data: { command } });
      else if (p === 'commit-in-wrapper')
        ctx.report({ statement: s, messageId: 'commitInWrapper', data: { command, framework: ctx.frameworkName, reason: s.item.exec.reason } });
      else if (p === 'savepoint-outside') ctx.report({ statement: s, messageId: 'savepoint', data: { command } });
      else if (p === 'body-commit-in-transaction' && s.body) {
        const body = s.body.kind === 'do' ? `the DO block on line ${s.body.line}` : `${s.body.kind} ${s.body.name ?? ''}`.trim();
        const why =
          s.body.kind === 'function'
            ? 'a function cannot end the transaction it runs in'
            : `it runs inside a transaction (${s.facts.outerTransaction?.reason ?? s.item.exec.reason}), which only a DO block or procedure run on its own may end`;
        ctx.report({ statement: s, messageId: 'bodyCommit', data: { command, body, why } });
      }
    }
  },
});
