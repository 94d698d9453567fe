import path from 'node:path';
import { eolOf } from '../../engine/fixer.js';
import { executeLineBefore } from '../shared.js';
import { NO_FILES, type FileSystem } from '../../fs.js';
import { needAtomicity } from '../../sources/python/common.js';
import { namedChildren } from '../../sources/python/tree.js';
import type { AnalyzedStatement, Edit, EscapePlan, MigrationUnit } from '../../types.js';
import type { RailsInfo } from './extract.js';
import { text, type RbCall, type RbNode } from './ruby.js';
import type { DslStatement } from './schema-dsl.js';

/**
 * Fixes written in a Rails migration's own terms: `algorithm: :concurrently` on add_index / remove_index,
 * `disable_ddl_transaction!` on the class, `execute "SET …"` before a statement, and `validate: false` with a
 * `validate_foreign_key` / `validate_check_constraint` in a new migration after this one.
 */

const originOf = (stmt: AnalyzedStatement) =>
  stmt.item.origin as { call?: RbCall; stmt?: RbNode; info?: RailsInfo; dsl?: DslStatement; execute?: boolean } | undefined;

/** The last argument node of a call (where a new keyword argument goes after). */
function lastArgument(call: RbCall): RbNode | undefined {
  return call.argumentList
    ? namedChildren(call.argumentList)
        .filter((n) => n.type !== 'comment')
        .at(-1)
    : undefined;
}

/** Sets `key: value` on a call: replaces the value when the key is there, else adds it after the last argument. */
function setOption(src: string, call: RbCall, key: string, value: string): Edit[] | null {
  const existing = call.options.get(key);
  if (existing) return text(src, existing) === value ? [] : [{ start: existing.start, end: existing.end, text: value }];
  const last = lastArgument(call);
  if (!last) return null;
  // A trailing `{ … }` hash literal takes the key inside its braces.
  if (last.type === 'hash') {
    const pairs = namedChildren(last).filter((n) => n.type === 'pair');
    const after = pairs.at(-1);
    if (!after) return null;
    return [{ start: after.end, end: after.end, text: `, ${key}: ${value}` }];
  }
  return [{ start: last.end, end: last.end, text: `, ${key}: ${value}` }];
}

/** Removes `key: …` (and the comma before it) from a call. */
function removeOption(src: string, call: RbCall, key: string): Edit[] | null {
  const pair = call.pairs.get(key);
  if (!pair) return [];
  const siblings = namedChildren(pair.parent!).filter((n) => n.type !== 'comment');
  const i = siblings.indexOf(pair);
  const prev = siblings[i - 1];
  if (!prev) return null;
  return [{ start: prev.end, end: pair.end, text: '' }];
}

export function rewriteOperation(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently', unit: MigrationUnit): Edit[] | null {
  const o = originOf(stmt);
  const call = o?.call;
  if (stmt.item.kind !== 'operation' || !call || !o?.dsl) return null;
  // Only a call whose one statement is the index: add_reference's index is `index: { algorithm: :concurrently }`, for a human.
  const isIndexCall = (call.method === 'add_index' || call.method === 'index') && o.dsl.kind === 'index';
  const isRemove = call.method === 'remove_index' && o.dsl.kind === 'remove-index';
  if (!isIndexCall && !isRemove) return null;
  const src = unit.file.text;
  return change === 'add-concurrently' ? setOption(src, call, 'algorithm', ':concurrently') : removeOption(src, call, 'algorithm');
}

/** `disable_ddl_transaction!` as the class body's first line (a replacement of its first token, so two fixes in one pass collide). */
function optOutEdit(src: string, info: RailsInfo): Edit | null {
  const first = info.body.children[0];
  if (!first) return null;
  const lineStart = src.lastIndexOf('\n', first.start - 1) + 1;
  const indent = src.slice(lineStart, first.start);
  if (!/^[ \t]+$/.test(indent)) return null;
  const eol = eolOf(src);
  return { start: first.start, end: first.start + 1, text: `disable_ddl_transaction!${eol}${eol}${indent}${src[first.start]}` };
}

export function escapeTransaction(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[]): EscapePlan | null {
  const o = originOf(stmt);
  const info = o?.info;
  if (!info) return null;
  const item = stmt.item;
  if (item.kind === 'sql' && item.exec.oneQuery && statements.filter((s) => s.itemIndex === stmt.itemIndex).length > 1) {
    return {
      kind: 'manual',
      help: `execute sends its string as one query, so the statements in it run as one implicit transaction. Give this statement an execute call of its own${item.exec.wrapped ? ', and add disable_ddl_transaction! to the class (in a migration of its own if the others need the transaction)' : ''}.`,
    };
  }
  if (!item.exec.wrapped) return null;
  const others = needAtomicity(stmt, statements);
  if (others.length > 0) {
    const what = others.map((s) => `${s.item.kind === 'operation' ? s.item.call : 'execute'} (line ${s.loc.line})`).join(', ');
    return {
      kind: 'manual',
      help: `${item.exec.reason}. This migration also holds ${what}, which need the transaction, so it cannot simply call disable_ddl_transaction!. Move this statement into a new migration of its own that calls disable_ddl_transaction!.`,
    };
  }
  const edit = optOutEdit(unit.file.text, info);
  if (!edit) return { kind: 'manual', help: `${item.exec.reason}. Add disable_ddl_transaction! to the migration class.` };
  return { kind: 'fix', description: 'Add disable_ddl_transaction! to the migration (it holds nothing else that needs a transaction)', edits: [edit] };
}

/** `execute "<sql>"` on its own line before the statement. */
export function insertBefore(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null {
  const node = originOf(stmt)?.stmt;
  return node ? executeLineBefore(unit.file.text, node.start, sql) : null;
}

/** CamelCase of a snake_case file name, as Rails names a migration's class. */
function camelize(name: string): string {
  return name
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/**
 * A constraint added by the DSL without its scan: `validate: false` on the call, and the validation in a new
 * migration after this one (so it runs in a transaction of its own, under SHARE UPDATE EXCLUSIVE). A suggestion:
 * it writes a migration file.
 */
export function notValidOperation(stmt: AnalyzedStatement, unit: MigrationUnit, fs: FileSystem = NO_FILES): EscapePlan | null {
  const o = originOf(stmt);
  const call = o?.call;
  const dsl = o?.dsl;
  if (!call || !dsl || !dsl.constraint || !dsl.table || (call.method !== 'add_foreign_key' && call.method !== 'add_check_constraint')) return null;
  const src = unit.file.text;
  const edits = setOption(src, call, 'validate', 'false');
  if (!edits) return null;
  const file = path.basename(unit.file.path);
  const version = /^(\d+)_/.exec(file)?.[1];
  const validate =
    call.method === 'add_foreign_key'
      ? `validate_foreign_key ${text(src, call.args[0]!)}, name: "${dsl.constraint}"`
      : `validate_check_constraint ${text(src, call.args[0]!)}, name: "${dsl.constraint}"`;
  const help = `Add validate: false here, and run \`${validate}\` in a later migration`;
  if (!version) return { kind: 'suggestion', description: help, edits };
  // The next free version after this migration's, in the same folder.
  const dir = path.dirname(unit.file.path);
  let next = BigInt(version) + 1n;
  const taken = new Set((fs.listDir(dir) ?? []).map((f) => /^(\d+)_/.exec(f)?.[1]).filter((v): v is string => v !== undefined));
  while (taken.has(next.toString().padStart(version.length, '0'))) next++;
  const nextVersion = next.toString().padStart(version.length, '0');
  const name = `validate_${dsl.constraint.replace(/\W+/g, '_').toLowerCase()}`;
  const eol = eolOf(src);
  const body = [
    `class ${camelize(name)} < ActiveRecord::Migration${unit.items.length && o.info?.version ? `[${o.info.version}]` : ''}`,
    '  def change',
    `    ${validate}`,
    '  end',
    'end',
    '',
  ].join(eol);
  return {
    kind: 'suggestion',
    description: `Add validate: false; validate the constraint in a new migration (${nextVersion}_${name}.rb)`,
    edits,
    files: [{ path: path.join(dir, `${nextVersion}_${name}.rb`), text: body }],
  };
}
