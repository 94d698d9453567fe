import { defineRule } from '../src/engine/rule.js';
import { setConfigCall } from '../src/analysis/analyze.js';
import { LOCK_STRENGTH, lockLabel } from '../src/analysis/locks.js';
import { displayName } from '../src/catalog/catalog.js';
import type { AnalyzedStatement, Fix } from '../src/types.js';

/** The value the fix inserts: long enough for a catalog change, short enough to bound a lock on a busy table. */
export const STATEMENT_TIMEOUT = '5s';

const MAY_BECOME_CONCURRENT = new Set(['IndexStmt', 'DropStmt', 'ReindexStmt']);

/** Undoes a session statement_timeout set before it (as require-lock-timeout judges lock_timeout). */
function overridesSessionTimeout(s: AnalyzedStatement): boolean {
  if (s.kind === 'VariableSetStmt') return !s.node.is_local && (s.node.kind === 'VAR_RESET_ALL' || String(s.node.name ?? '').toLowerCase() === 'statement_timeout');
  if (s.kind === 'DiscardStmt') return s.node.target === 'DISCARD_ALL';
  if (s.kind === 'SelectStmt') return setConfigCall(s.node).some(([name, , local]) => name === 'statement_timeout' && !local);
  return false;
}

function holdsStrongLock(s: AnalyzedStatement): boolean {
  const lock = s.facts.mainLock;
  if (!lock || LOCK_STRENGTH[lock.mode] < LOCK_STRENGTH.ShareLock) return false;
  return s.facts.tables.length === 0 || !s.facts.tables.some((t) => t.sizeClass === 'new');
}

export default defineRule({
  meta: {
    id: 'require-statement-timeout',
    description: 'A statement that holds a strong lock with no statement_timeout can block a table for as long as it runs.',
    category: 'transactions',
    defaultSeverity: 'off',
    fix: 'safe',
    messages: {
      missing: 'No statement_timeout is set before {{count}} statement(s) that hold strong locks: {{list}}. If one of them runs long, the table stays locked for as long as it runs.',
    },
    docs: {
      what: 'Off by default. Reports, once per migration, the statements that take a SHARE lock or stronger on an existing table while no `statement_timeout` is in effect (`SET`, `SET LOCAL`, `set_config`, tracked through COMMIT, ROLLBACK and RESET).',
      why: '`lock_timeout` bounds the wait for a lock; `statement_timeout` bounds how long the lock is then held. A rewrite or validation that turns out slower than expected on production data keeps every query on the table waiting until it ends; with a timeout it is cancelled, the transaction rolls back and the table is free again.',
      invalid: [
        { code: 'ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n', fixed: "SET statement_timeout = '5s';\nALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n" },
      ],
      valid: [
        { code: "SET statement_timeout = '5s';\nALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n" },
        { code: "BEGIN;\nSET LOCAL statement_timeout = '30s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n" },
      ],
      fixSafety: "Inserts `SET statement_timeout = '5s';` before the first statement of the chunk, so it covers all of them (raise it for statements that are meant to run long). As for require-lock-timeout, it is never inserted into a one-query chunk holding a statement that must run alone. A migration that hits the timeout fails and rolls back instead of blocking; that is the intended trade.",
      references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT'],
    },
  },
  check(ctx) {
    const offenders = ctx.statements.filter((s) => !s.facts.statementTimeout && holdsStrongLock(s));
    if (offenders.length === 0) return;
    const first = offenders[0]!;
    const list = offenders
      .slice(0, 5)
      .map((s) => `${s.sql.split(/\s+/).slice(0, 2).join(' ')} on ${displayName(s.facts.mainLock!.relation)} (line ${s.loc.line}, ${lockLabel(s.facts.mainLock!.mode)})`)
      .join('; ');
    let fix: Fix | undefined;
    const chunk = ctx.statements.filter((s) => s.itemIndex === first.itemIndex);
    // At the top of the chunk, unless something before the first offender resets the session's setting: then
    // right before the offender. Never where it would turn a one-query chunk holding a statement that must run
    // alone (or may become CONCURRENTLY in the same --fix pass) into one implicit transaction.
    const head = chunk.some((s) => s.index < first.index && overridesSessionTimeout(s)) ? first : chunk[0];
    const breaksOneQuery = first.item.kind === 'sql' && first.item.exec.oneQuery && chunk.some((s) => s.facts.nonTransactional || MAY_BECOME_CONCURRENT.has(s.kind));
    if (head && first.item.kind === 'sql' && !breaksOneQuery) {
      const edit = ctx.fixer.fileEdit(head, { start: 0, end: 0, text: `SET statement_timeout = '${STATEMENT_TIMEOUT}';${ctx.fixer.eol}` });
      if (edit) fix = { description: `Set statement_timeout to ${STATEMENT_TIMEOUT} before ${head === first ? `line ${first.loc.line}` : 'the first statement'}`, edits: [edit] };
    }
    ctx.report({
      statement: first,
      messageId: 'missing',
      data: { count: offenders.length, list: offenders.length > 5 ? `${list}; and ${offenders.length - 5} more` : list },
      fix,
      help: `Start the migration with SET statement_timeout = '${STATEMENT_TIMEOUT}'; (longer for statements meant to run long).`,
    });
  },
});
