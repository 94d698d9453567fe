import { setConfigCall } from '../analysis/analyze.js';
import { LOCK_STRENGTH, lockLabel } from '../analysis/locks.js';
import { displayName } from '../catalog/catalog.js';
import type { AnalyzedStatement, Fix } from '../types.js';
import type { RuleContext } from './rule.js';

/** Statements another fix may turn CONCURRENTLY in the same --fix run (they must then run alone). */
const MAY_BECOME_CONCURRENT = new Set(['IndexStmt', 'DropStmt', 'ReindexStmt']);

/** Takes SHARE or stronger on a table that exists before the migration. */
export function holdsStrongLock(s: AnalyzedStatement): boolean {
  const lock = s.facts.mainLock;
  if (!lock || LOCK_STRENGTH[lock.mode] < LOCK_STRENGTH.ShareLock) return false;
  return s.facts.tables.length === 0 || !s.facts.tables.some((t) => t.sizeClass === 'new');
}

/**
 * Undoes a session setting made before it: SET / RESET name (not SET LOCAL), RESET ALL, DISCARD ALL,
 * set_config(name, …, false).
 */
function overridesSession(s: AnalyzedStatement, setting: string): boolean {
  if (s.kind === 'VariableSetStmt') return !s.node.is_local && (s.node.kind === 'VAR_RESET_ALL' || String(s.node.name ?? '').toLowerCase() === setting);
  if (s.kind === 'DiscardStmt') return s.node.target === 'DISCARD_ALL';
  if (s.kind === 'SelectStmt') return setConfigCall(s.node).some(([name, , local]) => name === setting && !local);
  return false;
}

/**
 * The shared body of require-lock-timeout and require-statement-timeout: once per unit, the statements that take a
 * strong lock with no `setting` in effect, and a fix that inserts `SET setting = 'value';` where it will be in
 * effect for all of them:
 *  - before the first statement of the first offender's chunk, unless something before the offender resets the
 *    session's setting (RESET, SET … = 0, DISCARD ALL): then right before the offender (a SET at the top would be
 *    undone, and each --fix pass would add another);
 *  - never in a one-query chunk holding a statement that must run alone, or one that another fix in the same
 *    --fix run may make CONCURRENTLY: the SET would make the chunk one implicit transaction.
 */
export function reportMissingTimeout(
  ctx: RuleContext,
  o: { setting: 'lock_timeout' | 'statement_timeout'; value: string; offenders: AnalyzedStatement[]; help: string; data?: Record<string, string> },
): void {
  const { offenders } = o;
  if (offenders.length === 0) return;
  const first = offenders[0]!;
  const list = offenders
    .slice(0, 5)
    .map(
      (s) =>
        `${/^\S+(?:\s+\S+)?/.exec(s.sql)![0].replace(/\s+/, ' ')} on ${s.facts.mainLock ? displayName(s.facts.mainLock.relation) : '?'} (line ${s.loc.line}, ${s.facts.mainLock ? lockLabel(s.facts.mainLock.mode) : '?'})`,
    )
    .join('; ');
  let fix: Fix | undefined;
  const chunk = ctx.statements.filter((s) => s.itemIndex === first.itemIndex);
  const head = chunk.some((s) => s.index < first.index && overridesSession(s, o.setting)) ? first : chunk[0];
  const breaksOneQuery =
    first.item.kind === 'sql' && first.item.exec.oneQuery && chunk.some((s) => s.facts.nonTransactional || MAY_BECOME_CONCURRENT.has(s.kind));
  const resetBefore = head === first && chunk[0] !== first;
  const describe = (before: AnalyzedStatement): string =>
    `Set ${o.setting} to ${o.value} before ${before === first ? `line ${first.loc.line}` : 'the first statement'}`;
  if (ctx.fixer.insertsCode) {
    // Migrations written in code get the SET as a call of their own (op.execute(…) before the first statement),
    // never spliced into another statement's string.
    const target = resetBefore ? first : ctx.statements[0]!;
    const edits = ctx.fixer.insertBefore(target, `SET ${o.setting} = '${o.value}'`);
    if (edits) fix = { description: describe(target), edits };
  } else if (head && first.item.kind === 'sql' && !breaksOneQuery) {
    const edit = ctx.fixer.fileEdit(head, { start: 0, end: 0, text: `SET ${o.setting} = '${o.value}';${ctx.fixer.eol}` });
    if (edit) fix = { description: describe(head), edits: [edit] };
  }
  ctx.report({
    statement: first,
    messageId: 'missing',
    data: { ...o.data, count: offenders.length, list: offenders.length > 5 ? `${list}; and ${offenders.length - 5} more` : list },
    fix,
    help: o.help,
  });
}
