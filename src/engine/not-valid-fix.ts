import { relationOf } from '../sql/nodes.js';
import { displayName } from '../catalog/catalog.js';
import { maskSql } from '../sql/mask.js';
import { isVerbatim, maskOptionsFor } from '../sql/statements.js';
import { hasPlaceholder } from './fixer.js';
import type { AnalyzedStatement, Edit, EscapePlan } from '../types.js';
import type { RuleContext } from './rule.js';

/**
 * The two-step form of adding a constraint: `ADD CONSTRAINT … NOT VALID` (brief lock, no scan), then
 * `VALIDATE CONSTRAINT` in a later transaction (scans under a weaker lock). Shared by the FK and CHECK rules.
 */
export function notValidPlan(ctx: RuleContext, s: AnalyzedStatement, constraintName: string | undefined): EscapePlan {
  const relation = relationOf(s);
  const table = relation ? displayName({ schema: relation.schemaname, name: relation.relname ?? '' }) : undefined;
  const manual: EscapePlan = {
    kind: 'manual',
    help: 'Add the constraint with NOT VALID (a brief lock, no scan), then run ALTER TABLE … VALIDATE CONSTRAINT in a separate transaction: it scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes through.',
  };
  const cmds = (s.kind === 'AlterTableStmt' ? s.node.cmds : undefined) ?? [];
  if (s.item.kind === 'operation' && cmds.length === 1) return ctx.fixer.notValidOperation(s) ?? manual;
  if (cmds.length !== 1 || !table || s.item.kind !== 'sql') return manual;
  const eol = ctx.fixer.eol;
  const notValid = ctx.fixer.fileEdit(s, { start: s.sql.length, end: s.sql.length, text: ' NOT VALID' });
  if (!notValid) return manual;
  if (!constraintName) return { kind: 'suggestion', description: 'Add NOT VALID; validate in a separate transaction', edits: [notValid] };
  const validate = `ALTER TABLE ${table} VALIDATE CONSTRAINT ${displayName({ name: constraintName })};`;
  // Names read through a host-language placeholder (`${table}` masked as $1) are not the names the runner sees:
  // writing them would replace the placeholder. The VALIDATE is then for the author to write.
  // Likewise a runner's placeholder in the SQL (Flyway `${schema}`, a psql `:var`, a bind marker): the parser read
  // a masked stand-in for it, which must not be written as if it were the name.
  const own = { start: s.chunkSpan.start, end: s.chunkSpan.end };
  const placeholders = s.item.literals ? hasPlaceholder(s.item, own) : !isVerbatim(s.item.segments, own);
  if (placeholders || maskSql(s.sql, maskOptionsFor(ctx.unit.framework)) !== s.sql) {
    return {
      kind: 'suggestion',
      description: 'Add NOT VALID here; validate the constraint in a later migration (its names are built by the host code)',
      edits: [notValid],
    };
  }
  const tx = s.facts.inTransaction;
  let at: Edit | null = null;
  // A one-query chunk (Prisma's migration.sql, a Sequelize string) runs as one implicit transaction: VALIDATE
  // added to it would run in the same transaction as the ADD, holding the locks NOT VALID avoids.
  if (s.item.exec.oneQuery) {
    return {
      kind: 'suggestion',
      description: `Add NOT VALID here; run \`${validate}\` in a later migration (this one is sent as one query, one implicit transaction)`,
      edits: [notValid],
    };
  }
  if (!tx) {
    const end = ctx.fixer.afterStatement(s);
    at = ctx.fixer.fileEdit(s, { start: end, end, text: `${eol}${validate}` });
  } else if (tx.kind === 'explicit' && !s.item.exec.wrapped && !s.item.exec.oneQuery) {
    const commit = ctx.statements.find(
      (c) => c.index > s.index && c.kind === 'TransactionStmt' && c.node.kind === 'TRANS_STMT_COMMIT' && c.itemIndex === s.itemIndex,
    );
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
  const description = 'Add NOT VALID and validate in a separate transaction';
  // Plain psql only guessed: the real runner may wrap the file in one transaction, where VALIDATE holds the locks again.
  if (ctx.unit.runnerUnknown)
    return { kind: 'suggestion', description: `${description} (not applied by --fix: ${ctx.unit.runnerUnknown})`, edits: [notValid, at] };
  return { kind: 'fix', description, edits: [notValid, at] };
}
