/**
 * Stand-in tables for a history that acts on tables it never creates (a history cut short, a baseline, tables made
 * by another tool): without them its first ALTER or CREATE INDEX fails on a missing relation, which is not how it
 * fails at deploy. From the parsed statements, every table a statement names before any statement of the history
 * creates it gets an empty table with the columns the statements name on it (indexed, constrained, altered,
 * referenced by a foreign key, updated), typed from their names (id / *_id bigint, *uuid uuid, *_at timestamptz,
 * is_* / has_* boolean, else text), and a UNIQUE constraint on the columns a foreign key references.
 * They are listed in the output: a schema dump (`--schema`) replaces them with the real tables.
 */
import type { Statement } from '../types.js';

export interface StandIn {
  schema?: string;
  name: string;
  columns: string[];
  uniques: string[][];
}

interface Rv {
  schemaname?: string;
  relname?: string;
}

const key = (rv: Rv) => `${rv.schemaname ?? 'public'}.${rv.relname}`;

function columnType(name: string): string {
  const n = name.toLowerCase();
  if (n === 'id' || n.endsWith('_id')) return 'bigint';
  if (n.includes('uuid')) return 'uuid';
  if (n.endsWith('_at') || n.endsWith('_on') || n === 'created' || n === 'updated') return 'timestamptz';
  if (n.startsWith('is_') || n.startsWith('has_')) return 'boolean';
  return 'text';
}

const str = (n: any): string | undefined => n?.String?.sval;

/** Column names under a node (ColumnRef's last field, IndexElem names). */
function columnsUnder(node: any, out: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) columnsUnder(n, out);
    return;
  }
  if (node.ColumnRef) {
    const fields = node.ColumnRef.fields ?? [];
    const last = str(fields.at(-1));
    if (last) out.add(last);
    return;
  }
  if (node.IndexElem?.name) out.add(node.IndexElem.name);
  for (const v of Object.values(node)) columnsUnder(v, out);
}

const COLUMN_CMDS = new Set(['AT_AlterColumnType', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_ColumnDefault', 'AT_DropColumn', 'AT_SetStatistics', 'AT_SetStorage', 'AT_SetCompression', 'AT_DropExpression', 'AT_SetExpression', 'AT_AddIdentity', 'AT_DropIdentity']);

/** The stand-ins a history needs, in the order its statements first name them. */
export function standInsFor(statements: Statement[]): StandIn[] {
  const created = new Set<string>();
  const needed = new Map<string, { rv: Rv; columns: Set<string>; uniques: string[][] }>();
  const added = new Set<string>();
  const need = (rv: Rv | undefined) => {
    if (!rv?.relname) return undefined;
    const k = key(rv);
    if (created.has(k)) return undefined;
    let e = needed.get(k);
    if (!e) needed.set(k, (e = { rv, columns: new Set(), uniques: [] }));
    return e;
  };
  const constraint = (owner: ReturnType<typeof need>, c: any, ownerKey: string | undefined) => {
    if (!c) return;
    for (const k of [...(c.keys ?? []), ...(c.fk_attrs ?? []), ...(c.including ?? [])]) {
      const name = str(k);
      if (owner && name && !added.has(`${ownerKey}.${name}`)) owner.columns.add(name);
    }
    if (c.raw_expr && owner) columnsUnder(c.raw_expr, owner.columns);
    if (c.contype === 'CONSTR_FOREIGN' && c.pktable) {
      const ref = need(c.pktable);
      const cols = (c.pk_attrs ?? []).map(str).filter(Boolean) as string[];
      if (ref) {
        const pk = cols.length ? cols : ['id'];
        for (const col of pk) ref.columns.add(col);
        if (!ref.uniques.some((u) => u.join() === pk.join())) ref.uniques.push(pk);
      }
    }
  };
  for (const s of statements) {
    // Raw parse nodes of every shape the stand-ins read (a boundary module: see eslint.config.js).
    const n: any = s.node;
    switch (s.kind) {
      case 'CreateStmt':
        created.add(key(n.relation));
        for (const elt of n.tableElts ?? []) {
          if (elt.Constraint) constraint(undefined, elt.Constraint, undefined);
          for (const c of elt.ColumnDef?.constraints ?? []) constraint(undefined, c.Constraint, undefined);
        }
        for (const p of n.inhRelations ?? []) need(p.RangeVar);
        break;
      case 'CreateTableAsStmt':
        if (n.into?.rel) created.add(key(n.into.rel));
        break;
      case 'ViewStmt':
        if (n.view) created.add(key(n.view));
        break;
      case 'IndexStmt': {
        const e = need(n.relation);
        if (e) {
          const cols = new Set<string>();
          columnsUnder([n.indexParams, n.indexIncludingParams, n.whereClause], cols);
          for (const col of cols) if (!added.has(`${key(n.relation)}.${col}`)) e.columns.add(col);
        }
        break;
      }
      case 'AlterTableStmt': {
        const e = need(n.relation);
        const k = n.relation ? key(n.relation) : undefined;
        for (const c of n.cmds ?? []) {
          const cmd = c.AlterTableCmd;
          if (!cmd) continue;
          if (cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef?.colname) {
            added.add(`${k}.${cmd.def.ColumnDef.colname}`);
            for (const cc of cmd.def.ColumnDef.constraints ?? []) constraint(undefined, cc.Constraint, undefined);
          } else if (COLUMN_CMDS.has(cmd.subtype) && cmd.name && e && !added.has(`${k}.${cmd.name}`)) e.columns.add(cmd.name);
          else if (cmd.subtype === 'AT_AddConstraint') constraint(e, cmd.def?.Constraint, k);
        }
        break;
      }
      case 'UpdateStmt': {
        const e = need(n.relation);
        if (e) {
          for (const t of n.targetList ?? []) if (t.ResTarget?.name) e.columns.add(t.ResTarget.name);
          columnsUnder(n.whereClause, e.columns);
        }
        break;
      }
      case 'RenameStmt':
      case 'DropStmt':
      case 'CommentStmt':
        break;
      default:
        break;
    }
  }
  return [...needed.values()].map((e) => ({
    ...(e.rv.schemaname ? { schema: e.rv.schemaname } : {}),
    name: e.rv.relname!,
    columns: [...new Set([...e.columns, ...e.uniques.flat()])],
    uniques: e.uniques,
  }));
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The SQL that creates the stand-ins. */
export function standInSql(standIns: StandIn[]): string {
  const schemas = new Set(standIns.map((t) => t.schema).filter((s): s is string => !!s && s !== 'public'));
  const out = [...schemas].map((s) => `CREATE SCHEMA IF NOT EXISTS ${ident(s)};`);
  for (const t of standIns) {
    const name = t.schema ? `${ident(t.schema)}.${ident(t.name)}` : ident(t.name);
    const cols = t.columns.map((c) => `${ident(c)} ${columnType(c)}`);
    const uniques = t.uniques.map((u) => `UNIQUE (${u.map(ident).join(', ')})`);
    out.push(`CREATE TABLE ${name} (${[...cols, ...uniques].join(', ')});`);
  }
  return out.join('\n');
}

/** How a stand-in is shown: `messages (user_id bigint, created_at timestamptz)`. */
export function describeStandIn(t: StandIn): string {
  return `${t.schema && t.schema !== 'public' ? `${t.schema}.` : ''}${t.name} (${t.columns.map((c) => `${c} ${columnType(c)}`).join(', ')}${t.uniques.map((u) => `, unique (${u.join(', ')})`).join('')})`;
}
