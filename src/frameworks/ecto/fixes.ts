import { eolOf } from '../../engine/fixer.js';
import { executeLineBefore } from '../shared.js';
import { needAtomicity } from '../../sources/python/common.js';
import type { AnalyzedStatement, Edit, EscapePlan, MigrationUnit } from '../../types.js';
import type { EctoOrigin } from './extract.js';

/**
 * Fixes in an Ecto migration's own terms: `concurrently: true` on `index(…)`, `@disable_ddl_transaction true` and
 * `@disable_migration_lock true` after `use Ecto.Migration`, and `execute "SET …"` before a statement.
 */

const originOf = (stmt: AnalyzedStatement) => stmt.item.origin as unknown as EctoOrigin | undefined;

/** The module attributes a concurrent build needs, on the lines after `use Ecto.Migration`. */
function attributesEdit(src: string, o: EctoOrigin): Edit | null {
  const use = o.info.use;
  if (!use) return null;
  const lineStart = src.lastIndexOf('\n', use.start - 1) + 1;
  const indent = src.slice(lineStart, use.start);
  if (!/^[ \t]*$/.test(indent)) return null;
  const eol = eolOf(src);
  const lines = [
    ...(o.info.disableDdlTransaction ? [] : ['@disable_ddl_transaction true']),
    ...(o.info.disableMigrationLock ? [] : ['@disable_migration_lock true']),
  ];
  if (lines.length === 0) return null;
  return { start: use.end, end: use.end, text: `${eol}${eol}${lines.map((l) => `${indent}${l}`).join(eol)}` };
}

export function escapeTransaction(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[]): EscapePlan | null {
  const o = originOf(stmt);
  if (!o) return null;
  const item = stmt.item;
  if (item.kind === 'sql' && item.exec.oneQuery && statements.filter((s) => s.itemIndex === stmt.itemIndex).length > 1) {
    return {
      kind: 'manual',
      help: `execute sends its string as one query. Give this statement an execute call of its own${item.exec.wrapped ? ', in a migration with @disable_ddl_transaction true and @disable_migration_lock true' : ''}.`,
    };
  }
  if (!item.exec.wrapped) return null;
  const others = needAtomicity(stmt, statements);
  if (others.length > 0) {
    const what = others.map((s) => `${s.item.kind === 'operation' ? s.item.call : 'execute'} (line ${s.loc.line})`).join(', ');
    return {
      kind: 'manual',
      help: `${item.exec.reason}. This migration also holds ${what}, which need the transaction. Move this statement into a new migration of its own with @disable_ddl_transaction true and @disable_migration_lock true.`,
    };
  }
  const edit = attributesEdit(unit.file.text, o);
  if (!edit)
    return { kind: 'manual', help: `${item.exec.reason}. Add @disable_ddl_transaction true and @disable_migration_lock true to the migration module.` };
  return {
    kind: 'fix',
    description: 'Add @disable_ddl_transaction true and @disable_migration_lock true to the migration (it holds nothing else that needs a transaction)',
    edits: [edit],
  };
}

export function rewriteOperation(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently', unit: MigrationUnit): Edit[] | null {
  const idx = originOf(stmt)?.index;
  if (stmt.item.kind !== 'operation' || !idx || idx.close === undefined) return null;
  const src = unit.file.text;
  const kw = idx.args.at(-1);
  const pair = kw?.kind === 'keywords' ? kw.pairs.find((p) => p.key === 'concurrently') : undefined;
  if (change === 'drop-concurrently') return pair ? [{ start: pair.value.start, end: pair.value.end, text: 'false' }] : [];
  if (pair) return src.slice(pair.value.start, pair.value.end) === 'true' ? [] : [{ start: pair.value.start, end: pair.value.end, text: 'true' }];
  const last = idx.args.at(-1);
  if (!last) return null;
  return [{ start: last.end, end: last.end, text: ', concurrently: true' }];
}

/** `execute "<sql>"` on its own line before the statement. */
export function insertBefore(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null {
  const node = originOf(stmt)?.stmt;
  return node ? executeLineBefore(unit.file.text, node.start, sql) : null;
}
