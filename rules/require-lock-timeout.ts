import { defineRule } from '../src/engine/rule.js';
import { setConfigCall } from '../src/analysis/analyze.js';
import { LOCK_STRENGTH, lockLabel } from '../src/analysis/locks.js';
import { displayName } from '../src/catalog/catalog.js';
import type { AnalyzedStatement, Fix } from '../src/types.js';

const MAY_BECOME_CONCURRENT = new Set(['IndexStmt', 'DropStmt', 'ReindexStmt']);

function blocksOthers(s: AnalyzedStatement): boolean {
  const lock = s.facts.mainLock;
  if (!lock || LOCK_STRENGTH[lock.mode] < LOCK_STRENGTH.ShareLock) return false;
  return !s.facts.tables.some((t) => t.sizeClass === 'new') || s.facts.tables.length === 0;
}

/**
 * Undoes a session lock_timeout set before it: SET / RESET lock_timeout (not SET LOCAL), RESET ALL, DISCARD ALL,
 * set_config('lock_timeout', …, false).
 */
function overridesSessionTimeout(s: AnalyzedStatement): boolean {
  if (s.kind === 'VariableSetStmt') return !s.node.is_local && (s.node.kind === 'VAR_RESET_ALL' || String(s.node.name ?? '').toLowerCase() === 'lock_timeout');
  if (s.kind === 'DiscardStmt') return s.node.target === 'DISCARD_ALL';
  if (s.kind === 'SelectStmt') return setConfigCall(s.node).some(([name, , local]) => name === 'lock_timeout' && !local);
  return false;
}

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
      fixSafety: "Inserts `SET lock_timeout = '2s';` (config `lockTimeoutMax` sets the value) before the first statement of the chunk, so it is in effect for all of them. It is never inserted into a one-query chunk (a golang-migrate file, a knex.raw string …) that holds a statement that must run alone (CREATE INDEX CONCURRENTLY), nor one holding an index statement another fix may make concurrent in the same --fix run: the SET would make the chunk one implicit transaction and the statement fail.",
      references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT'],
    },
  },
  check(ctx) {
    const offenders = ctx.statements.filter((s) => !s.facts.lockTimeout && blocksOthers(s));
    if (offenders.length === 0) return;
    const first = offenders[0]!;
    const list = offenders
      .slice(0, 5)
      .map((s) => `${/^\S+(?:\s+\S+)?/.exec(s.sql)![0].replace(/\s+/, ' ')} on ${s.facts.mainLock ? displayName(s.facts.mainLock.relation) : '?'} (line ${s.loc.line}, ${lockLabel(s.facts.mainLock!.mode)})`)
      .join('; ');
    let fix: Fix | undefined;
    const chunkStatements = ctx.statements.filter((s) => s.itemIndex === first.itemIndex);
    // Before the first statement of the chunk, unless something before the first offender resets the session's
    // lock_timeout (RESET, SET … = 0, DISCARD ALL): a SET at the top would be undone, so it goes right before the
    // offender. (Otherwise each --fix pass would add another SET at the top that never takes effect.)
    const resetBefore = chunkStatements.some((s) => s.index < first.index && overridesSessionTimeout(s));
    const head = resetBefore ? first : chunkStatements[0];
    // In a one-query chunk, a SET in front makes the chunk one implicit transaction: that breaks a statement that
    // must run alone — one there now, or an index statement another fix in the same --fix pass makes CONCURRENTLY.
    const breaksOneQuery =
      first.item.kind === 'sql' && first.item.exec.oneQuery && chunkStatements.some((s) => s.facts.nonTransactional || MAY_BECOME_CONCURRENT.has(s.kind));
    if (head && first.item.kind === 'sql' && !breaksOneQuery) {
      const edit = ctx.fixer.fileEdit(head, { start: 0, end: 0, text: `SET lock_timeout = '${ctx.settings.lockTimeoutValue}';${ctx.fixer.eol}` });
      if (edit) fix = { description: `Set lock_timeout to ${ctx.settings.lockTimeoutValue} before ${head === first ? `line ${first.loc.line}` : 'the first statement'}`, edits: [edit] };
    }
    ctx.report({
      statement: first,
      messageId: 'missing',
      data: { count: offenders.length, list: offenders.length > 5 ? `${list}; and ${offenders.length - 5} more` : list },
      fix,
      help: `Start the migration with SET lock_timeout = '${ctx.settings.lockTimeoutValue}'; and retry on timeout.`,
    });
  },
});
