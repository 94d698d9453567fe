import { lockLabel } from '../analysis/locks.js';
import { displayName } from '../catalog/catalog.js';
import type { AnalyzedStatement, Fix, SettingOrigin, TimeoutFinding, TimeoutStatement } from '../types.js';
import type { RuleContext } from './rule.js';
import { listed } from './describe.js';

export { DEFAULT_LOCK_TIMEOUT_MAX } from '../analysis/timeouts.js';

/**
 * "ALTER TABLE on orders (line 2, ACCESS EXCLUSIVE); …", the first five entries, then how many more statements.
 * Statements of one line that read the same are one entry with their count ("line 15, 2 statements"): a framework
 * call such as Django's AddField with a default sends two ALTER TABLEs from one line.
 */
export function statementList(list: TimeoutStatement[], withLock: boolean): string {
  const entries: { what: string; lock: string; line: number; count: number }[] = [];
  /** The statements after the fifth entry: only their number is shown. */
  let rest = 0;
  for (const [i, s] of list.entries()) {
    // A foreign key's other table is locked too: "ALTER TABLE on a and b (line 3, ACCESS EXCLUSIVE)", with its own
    // mode when it differs.
    const also = s.alsoLocks ?? [];
    const names = [s.lock ? displayName(s.lock.relation) : '?', ...also.map((a) => displayName(a.relation))];
    const what = `${s.head} on ${listed(names)}`;
    const modes = also.filter((a) => a.mode !== s.lock?.mode).map((a) => `; ${lockLabel(a.mode)} on ${displayName(a.relation)}`);
    const lock = withLock ? `, ${s.lock ? lockLabel(s.lock.mode) : '?'}${modes.join('')}` : '';
    const last = entries[entries.length - 1];
    if (last && last.what === what && last.lock === lock && last.line === s.line) last.count++;
    else if (entries.length === 5) {
      // This one and all after it are the rest: they are counted, not described.
      rest = list.length - i;
      break;
    } else entries.push({ what, lock, line: s.line, count: 1 });
  }
  const shown = entries.map((e) => `${e.what} (line ${e.line}${e.count > 1 ? `, ${e.count} statements` : ''}${e.lock})`).join('; ');
  return rest > 0 ? `${shown}; and ${rest} more` : shown;
}

/** Where a runner's setting was found, in words: " (set for every migration connection by …)"; empty for a SET in the file. */
export function originWords(origin: SettingOrigin | undefined): string {
  return origin && 'runner' in origin ? ` (set for every migration connection by ${origin.runner})` : '';
}

/**
 * The shared report of require-lock-timeout and require-statement-timeout for a `missing` finding of the analysis
 * (facts.timeouts, on its first statement), with a fix that inserts `SET setting = 'value';` where the analysis
 * says it is in effect for all the statements listed:
 *  - before the first statement of the first one's chunk, unless something before it in the chunk resets the
 *    session's setting (RESET, SET … = 0, DISCARD ALL): then right before it (a SET at the top would be undone, and
 *    each --fix pass would add another);
 *  - never in a one-query chunk holding a statement that must run alone, or one that another fix in the same --fix
 *    run may make CONCURRENTLY: the SET would make the chunk one implicit transaction.
 */
export function reportMissingTimeout(
  ctx: RuleContext,
  first: AnalyzedStatement,
  finding: TimeoutFinding,
  o: { value: string; help: string; data?: Record<string, string>; infoWhenOn?: string[]; ownersAt?: number[] },
): void {
  const setting = finding.setting;
  let fix: Fix | undefined;
  const describe = (before: AnalyzedStatement): string =>
    `Set ${setting} to ${o.value} before ${before === first ? `line ${first.loc.line}` : 'the first statement'}`;
  if (ctx.fixer.insertsCode) {
    // Migrations written in code get the SET as a call of their own (op.execute(…) before the first statement),
    // never spliced into another statement's string.
    const target = finding.resetBefore ? first : ctx.fixer.statementAt(0);
    const edits = target ? ctx.fixer.insertBefore(target, `SET ${setting} = '${o.value}'`) : null;
    if (target && edits) fix = { description: describe(target), edits };
  } else if (first.item.kind === 'sql' && !finding.oneQueryMustRunAlone) {
    const head = finding.resetBefore ? first : ctx.fixer.statementAt(finding.chunkStart ?? first.index);
    const edit = head ? ctx.fixer.fileEdit(head, { start: 0, end: 0, text: `SET ${setting} = '${o.value}';${ctx.fixer.eol}` }) : null;
    if (head && edit) fix = { description: describe(head), edits: [edit] };
  }
  ctx.report({
    statement: first,
    messageId: 'missing',
    data: { ...o.data, count: finding.statements.length, list: statementList(finding.statements, true) },
    fix,
    help: o.help,
    ...(o.infoWhenOn ? { infoWhenOn: o.infoWhenOn, ...(o.ownersAt ? { ownersAt: o.ownersAt } : {}) } : {}),
  });
}
