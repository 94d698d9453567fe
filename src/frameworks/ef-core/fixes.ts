import { eolOf } from '../../engine/fixer.js';
import { namedChildren } from '../../sources/python/tree.js';
import type { AnalyzedStatement, Edit, EscapePlan, MigrationUnit } from '../../types.js';
import { text, type CsCall } from './csharp.js';
import type { EfOrigin } from './extract.js';

/**
 * Fixes in an EF Core migration's own terms: `suppressTransaction: true` on a `migrationBuilder.Sql` call, Npgsql's
 * `.Annotation("Npgsql:CreatedConcurrently", true)` on a CreateIndex (Npgsql then builds it concurrently and
 * outside the migration transaction), and `migrationBuilder.Sql("SET …")` before a statement.
 */

const originOf = (stmt: AnalyzedStatement) => stmt.item.origin as unknown as EfOrigin | undefined;

/** Sets `name: value` on a call: replaces the value when the argument is there, else adds it after the last one. */
function setArgument(src: string, call: CsCall, name: string, value: string): Edit[] | null {
  const existing = call.named.get(name);
  if (existing) return text(src, existing) === value ? [] : [{ start: existing.start, end: existing.end, text: value }];
  const last = call.argumentList
    ? namedChildren(call.argumentList)
        .filter((n) => n.type === 'argument')
        .at(-1)
    : undefined;
  if (!last) return null;
  return [{ start: last.end, end: last.end, text: `, ${name}: ${value}` }];
}

export function escapeTransaction(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[]): EscapePlan | null {
  const o = originOf(stmt);
  if (!o) return null;
  const item = stmt.item;
  if (item.kind === 'sql') {
    if (item.exec.oneQuery && statements.filter((s) => s.itemIndex === stmt.itemIndex).length > 1) {
      return {
        kind: 'manual',
        help: `migrationBuilder.Sql sends its string as one command (Npgsql sends the statements in it as one batch, one implicit transaction). Give this statement a Sql call of its own${item.exec.wrapped ? ', with suppressTransaction: true' : ''}.`,
      };
    }
    if (!item.exec.wrapped) return null;
    const edits = setArgument(unit.file.text, o.call, 'suppressTransaction', 'true');
    if (!edits) return { kind: 'manual', help: `${item.exec.reason}. Add suppressTransaction: true to this Sql call.` };
    return { kind: 'fix', description: 'Add suppressTransaction: true to the Sql call (EF Core commits the migration so far and runs it alone)', edits };
  }
  if (o.kind === 'index' && item.exec.wrapped) {
    // The annotation rewriteOperation adds is itself the way out: Npgsql suppresses the transaction for it.
    return { kind: 'fix', description: 'run it outside the migration transaction (Npgsql suppresses the transaction for a concurrent index)', edits: [] };
  }
  if (!item.exec.wrapped) return null;
  return {
    kind: 'manual',
    help: `${item.exec.reason}. A builder operation cannot leave it: write this statement as migrationBuilder.Sql("…", suppressTransaction: true).`,
  };
}

const CONCURRENTLY = '.Annotation("Npgsql:CreatedConcurrently", true)';

export function rewriteOperation(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently', unit: MigrationUnit): Edit[] | null {
  const o = originOf(stmt);
  if (stmt.item.kind !== 'operation' || !o || o.kind !== 'index') return null;
  const src = unit.file.text;
  const current = o.annotations.get('Npgsql:CreatedConcurrently');
  if (change === 'add-concurrently') {
    if (current) return text(src, current) === 'true' ? [] : [{ start: current.start, end: current.end, text: 'true' }];
    return [{ start: o.call.node.end, end: o.call.node.end, text: CONCURRENTLY }];
  }
  return current && text(src, current) === 'true' ? [{ start: current.start, end: current.end, text: 'false' }] : [];
}

/** `migrationBuilder.Sql("<sql>");` on its own line before the statement. */
export function insertBefore(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null {
  const o = originOf(stmt);
  if (!o) return null;
  const src = unit.file.text;
  const lineStart = src.lastIndexOf('\n', o.stmt.start - 1) + 1;
  const indent = src.slice(lineStart, o.stmt.start);
  if (!/^[ \t]*$/.test(indent)) return null;
  const literal = `"${sql.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
  return [{ start: lineStart, end: lineStart, text: `${indent}${o.info.builder}.Sql(${literal});${eolOf(src)}` }];
}
