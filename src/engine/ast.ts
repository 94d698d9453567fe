/**
 * Small readers over libpg-query parse trees, shared by rules: relation names, ALTER TABLE subcommands, column
 * definitions and their types, and a statement re-parsed on its own so node locations are offsets into
 * `stmt.sql` (edits inside a statement need them).
 */
import { parseSync } from 'libpg-query';
import { ByteOffsets } from '../sql/text.js';
export { quoteIdent } from '../sql/quote.js';
import type { AnalyzedStatement, QualifiedName, TableInfo } from '../types.js';
import { tableKey } from '../catalog/catalog.js';
import type { ColumnDef, TypeName } from '@pgsql/types';
import { alterCmds, relationOf, statementNode, strings, unwrap, type StatementNode } from '../sql/nodes.js';
export { alterCmds, columnConstraints, relationOf, strings, unwrap, unwrapAll } from '../sql/nodes.js';

export function relName(rv: { schemaname?: string; relname?: string } | undefined): QualifiedName | undefined {
  if (!rv?.relname) return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

/** The facts' entry for a relation the statement names (its size class), or the statement's first table. */
export function tableFor(s: AnalyzedStatement, rel: QualifiedName | undefined): TableInfo | undefined {
  if (rel) {
    const hit = s.facts.tables.find((t) => tableKey(t) === tableKey(rel));
    if (hit) return hit;
  }
  return s.facts.tables[0];
}

export interface TypeInfo {
  /** The type's own name as PostgreSQL stores it: int4, varchar, timestamp, serial … */
  name: string;
  /** pg_catalog when the grammar rewrote a SQL-standard spelling. */
  schema?: string;
  mods: number[];
  array: boolean;
  /** Start of the type in the text that was parsed (byte offset). */
  location?: number;
}

export function typeInfo(typeName: TypeName | undefined): TypeInfo | undefined {
  if (!typeName) return undefined;
  const names = strings(typeName.names);
  const name = names[names.length - 1];
  if (!name) return undefined;
  const mods = (typeName.typmods ?? []).map((m) => unwrap(m, 'A_Const')?.ival?.ival ?? 0);
  return {
    name: name.toLowerCase(),
    schema: names.length > 1 ? names[names.length - 2] : undefined,
    mods,
    array: (typeName.arrayBounds ?? []).length > 0,
    location: typeof typeName.location === 'number' ? typeName.location : undefined,
  };
}

/** int4 → "integer", varchar(20) → "varchar(20)": for messages. */
export function typeLabel(t: TypeInfo): string {
  const words: Record<string, string> = { int4: 'integer', int2: 'smallint', int8: 'bigint', bpchar: 'char', timestamptz: 'timestamptz' };
  const base = words[t.name] ?? t.name;
  return `${base}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

/** A column a statement defines or retypes. */
export interface ColumnSite {
  /** The column definition (for ALTER COLUMN TYPE: the ColumnDef holding only the new type). */
  col: ColumnDef;
  column: string;
  type: TypeInfo;
  how: 'create-table' | 'add-column' | 'alter-type';
  table: QualifiedName;
}

const sitesOf = new WeakMap<object, ColumnSite[]>();

/** Columns defined by CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE, in the given tree (once per tree: six rules ask). */
export function columnSites(s: StatementNode): ColumnSite[] {
  const node: object | undefined = s.node;
  if (node && typeof node === 'object') {
    let sites = sitesOf.get(node);
    if (!sites) sitesOf.set(node, (sites = findColumnSites(s)));
    return sites;
  }
  return findColumnSites(s);
}

function findColumnSites(s: StatementNode): ColumnSite[] {
  const out: ColumnSite[] = [];
  const table = relName(relationOf(s));
  if (!table) return out;
  if (s.kind === 'CreateStmt') {
    for (const e of s.node.tableElts ?? []) {
      const col = unwrap(e, 'ColumnDef');
      const type = typeInfo(col?.typeName);
      if (col?.colname && type) out.push({ col, column: col.colname, type, how: 'create-table', table });
    }
  } else if (s.kind === 'AlterTableStmt') {
    for (const c of alterCmds(s)) {
      const col = unwrap(c.def, 'ColumnDef');
      const type = typeInfo(col?.typeName);
      if (!col || !type) continue;
      if (c.subtype === 'AT_AddColumn' && col.colname) out.push({ col, column: col.colname, type, how: 'add-column', table });
      else if (c.subtype === 'AT_AlterColumnType' && c.name) out.push({ col, column: c.name, type, how: 'alter-type', table });
    }
  }
  return out;
}

const local = new WeakMap<object, { stmt: StatementNode; bytes: ByteOffsets } | null>();

/**
 * The statement parsed on its own: node locations are then byte offsets into `stmt.sql`, turned into UTF-16
 * offsets by `bytes`. Null when it does not parse alone (it always should) or is a DSL operation.
 */
export function localTree(s: AnalyzedStatement): { stmt: StatementNode; bytes: ByteOffsets } | null {
  if (local.has(s)) return local.get(s)!;
  let out: { stmt: StatementNode; bytes: ByteOffsets } | null = null;
  try {
    const parsed = parseSync(s.sql).stmts ?? [];
    const stmt = parsed.length === 1 ? parsed[0]!.stmt : undefined;
    if (stmt && unwrap(stmt, s.kind)) out = { stmt: statementNode(stmt, s.kind), bytes: new ByteOffsets(s.sql) };
  } catch {
    out = null;
  }
  local.set(s, out);
  return out;
}

/** Column sites of a statement with their type's offset in `stmt.sql` (UTF-16), when it can be placed. */
export function localColumnSites(s: AnalyzedStatement): Array<ColumnSite & { typeStart?: number }> {
  // The parse stage knows where the statement's tree came from: no second parse.
  const locate = s.locate;
  if (locate) {
    return columnSites(s).map((site) => ({
      ...site,
      typeStart: site.type.location === undefined ? undefined : locate(site.type.location) - s.chunkSpan.start,
    }));
  }
  const tree = localTree(s);
  if (!tree) return columnSites(s);
  return columnSites(tree.stmt).map((site) => ({
    ...site,
    typeStart: site.type.location === undefined ? undefined : tree.bytes.toUtf16(site.type.location),
  }));
}

/** UTF-8 length of a string. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const KIND_LABELS: Record<string, string> = {
  AlterTableStmt: 'ALTER TABLE',
  IndexStmt: 'CREATE INDEX',
  CreateStmt: 'CREATE TABLE',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  InsertStmt: 'INSERT',
  MergeStmt: 'MERGE',
  SelectStmt: 'SELECT',
  CopyStmt: 'COPY',
  DropStmt: 'DROP',
  RenameStmt: 'ALTER … RENAME',
  TruncateStmt: 'TRUNCATE',
  VacuumStmt: 'VACUUM',
  ClusterStmt: 'CLUSTER',
  ReindexStmt: 'REINDEX',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  CreateTrigStmt: 'CREATE TRIGGER',
  LockStmt: 'LOCK',
};

/** The statement's kind in SQL words, for messages: "ALTER TABLE", "UPDATE". */
export function statementHead(s: { kind: string; sql: string }): string {
  // The first word, found without splitting the whole statement (a function's body can be most of a file).
  return KIND_LABELS[s.kind] ?? (/\S+/.exec(s.sql)?.[0] ?? '').toUpperCase();
}
