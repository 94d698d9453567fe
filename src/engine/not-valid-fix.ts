import { displayName } from '../catalog/catalog.js';
import type { AnalyzedStatement, Edit, EscapePlan } from '../types.js';
import type { RuleContext } from './rule.js';

/**
 * The two-step form of adding a constraint: `ADD CONSTRAINT … NOT VALID` (brief lock, no scan), then
 * `VALIDATE CONSTRAINT` in a later transaction (scans under a weaker lock). Shared by the FK and CHECK rules.
 */
export function notValidPlan(ctx: RuleContext, s: AnalyzedStatement, constraintName: string | undefined): EscapePlan {
  const table = s.node.relation ? displayName({ schema: s.node.relation.schemaname, name: s.node.relation.relname }) : undefined;
  const manual: EscapePlan = {
    kind: 'manual',
    help: 'Add the constraint with NOT VALID (a brief lock, no scan), then run ALTER TABLE … VALIDATE CONSTRAINT in a separate transaction: it scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes through.',
  };
  if ((s.node.cmds ?? []).length !== 1 || !table || s.item.kind !== 'sql') return manual;
  const eol = ctx.fixer.eol;
  const notValid = ctx.fixer.fileEdit(s, { start: s.sql.length, end: s.sql.length, text: ' NOT VALID' });
  if (!notValid) return manual;
  if (!constraintName) return { kind: 'suggestion', description: 'Add NOT VALID; validate in a separate transaction', edits: [notValid] };
  const validate = `ALTER TABLE ${table} VALIDATE CONSTRAINT ${displayName({ name: constraintName })};`;
  const tx = s.facts.inTransaction;
  let at: Edit | null = null;
  if (!tx) {
    const end = ctx.fixer.afterStatement(s);
    at = ctx.fixer.fileEdit(s, { start: end, end, text: `${eol}${validate}` });
  } else if (tx.kind === 'explicit' && !s.item.exec.wrapped && !s.item.exec.oneQuery) {
    const commit = ctx.statements.find((c) => c.index > s.index && c.kind === 'TransactionStmt' && c.node.kind === 'TRANS_STMT_COMMIT' && c.itemIndex === s.itemIndex);
    if (commit) {
      const end = ctx.fixer.afterStatement(commit);
      at = ctx.fixer.fileEdit(commit, { start: end, end, text: `${eol}${validate}` });
    }
  }
  if (!at) {
    return {
      kind: 'suggestion',
      description: `Add NOT VALID here; run \`${validate}\` in a later migration`,
      edits: [notValid],
    };
  }
  return { kind: 'fix', description: `Add NOT VALID and validate in a separate transaction`, edits: [notValid, at] };
}
