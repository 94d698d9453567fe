import type { Constraint } from '@pgsql/types';
import { relationOf } from '../sql/nodes.js';
import { displayName } from '../catalog/catalog.js';
import type { AnalyzedStatement, Fix } from '../types.js';
import { strings } from './ast.js';
import type { RuleContext } from './rule.js';

/**
 * `ALTER TABLE t ADD [CONSTRAINT name] UNIQUE | PRIMARY KEY (cols)` rewritten as an index built concurrently and
 * a constraint that adopts it: `CREATE UNIQUE INDEX CONCURRENTLY name ON t (cols); ALTER TABLE t ADD CONSTRAINT
 * name … USING INDEX name;`. Only for a statement with that one subcommand, plain column keys, written as SQL
 * and running outside any transaction block (CONCURRENTLY refuses one); null otherwise.
 */
export function usingIndexRewrite(ctx: RuleContext, s: AnalyzedStatement, constraint: Constraint, kind: 'UNIQUE' | 'PRIMARY KEY'): Fix | null {
  if (((s.kind === 'AlterTableStmt' ? s.node.cmds : undefined) ?? []).length !== 1 || s.facts.inTransaction || s.item.kind !== 'sql') return null;
  const rel = relationOf(s);
  if (!rel?.relname) return null;
  const keys = strings(constraint.keys);
  if (keys.length === 0 || keys.length !== (constraint.keys ?? []).length) return null;
  if (
    constraint.including?.length ||
    constraint.options?.length ||
    constraint.indexspace ||
    constraint.nulls_not_distinct ||
    constraint.deferrable ||
    constraint.without_overlaps
  )
    return null;
  const table = displayName({ schema: rel.schemaname, name: rel.relname });
  const name = constraint.conname ?? (kind === 'PRIMARY KEY' ? `${rel.relname}_pkey` : `${rel.relname}_${keys.join('_')}_key`);
  const index = displayName({ name });
  const qualifiedIndex = displayName({ schema: rel.schemaname, name });
  const text =
    `CREATE UNIQUE INDEX CONCURRENTLY ${index} ON ${table} (${keys.map((k) => displayName({ name: k })).join(', ')});${ctx.fixer.eol}` +
    `ALTER TABLE ${table} ADD CONSTRAINT ${index} ${kind} USING INDEX ${index}`;
  const edit = ctx.fixer.fileEdit(s, { start: 0, end: s.sql.length, text });
  if (!edit) return null;
  return { description: `Build ${qualifiedIndex} concurrently, then add the constraint USING INDEX`, edits: [edit] };
}
