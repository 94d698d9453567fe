/**
 * Stand-in tables for a history that acts on tables it never creates (a history cut short, a baseline, tables made
 * by another tool): without them its first ALTER or CREATE INDEX fails on a missing relation, which is not how it
 * fails at deploy. From the parsed statements, every table a statement names before any statement of the history
 * creates it gets an empty table with the columns the statements name on it (indexed, constrained, altered,
 * referenced by a foreign key, updated), and a UNIQUE constraint on the columns a foreign key references (a PRIMARY
 * KEY where it names none: PostgreSQL then references the primary key). A column's type is the one the schema model
 * knows (the replayed history: the type the migrations gave a column they altered, or the type of the column that
 * references it by a foreign key, which must be compatible); else guessed from its name (id / *_id bigint, *uuid
 * uuid, *_at timestamptz, is_* / has_* boolean, else text).
 * They are listed in the output: a schema dump (`--schema`) replaces them with the real tables.
 */
import { typeText } from '../project/print.js';
import type { SchemaModel } from '../project/model.js';
import type { Statement } from '../types.js';

export interface StandIn {
  schema?: string;
  name: string;
  columns: string[];
  uniques: string[][];
  /** A foreign key references the table without naming columns: it needs a primary key (on `id`). */
  primaryKey?: string[];
  /** Column types the schema model knows; the others are guessed from the name. */
  types?: Record<string, string>;
}

/** The column types the schema model knows for a table (`schema.name`) the history never created. */
export type KnownTypes = (table: string, column: string) => string | undefined;

/**
 * What the replayed model says of the columns of tables the history acts on without creating: the types the
 * migrations gave them (ALTER COLUMN … TYPE), and for a column a foreign key references, the referencing column's.
 */
export function modelColumnTypes(model: SchemaModel): KnownTypes {
  const types = new Map<string, string>();
  for (const [key, t] of Object.entries(model.tables)) if (t.partial) for (const c of t.columns) types.set(`${key}.${c.name}`, typeText(c.type));
  for (const t of Object.values(model.tables)) {
    for (const c of t.constraints) {
      if (c.kind !== 'foreign' || !c.references) continue;
      const to = c.references.columns.length ? c.references.columns : c.columns.length === 1 ? ['id'] : [];
      to.forEach((col, i) => {
        const from = t.columns.find((x) => x.name === c.columns[i]);
        const k = `${c.references!.table}.${col}`;
        if (from && !types.has(k)) types.set(k, typeText(from.type));
      });
    }
  }
  return (table, column) => types.get(`${table}.${column}`);
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

const COLUMN_CMDS = new Set([
  'AT_AlterColumnType',
  'AT_SetNotNull',
  'AT_DropNotNull',
  'AT_ColumnDefault',
  'AT_DropColumn',
  'AT_SetStatistics',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_DropExpression',
  'AT_SetExpression',
  'AT_AddIdentity',
  'AT_DropIdentity',
]);

/** The stand-ins a history needs, in the order its statements first name them. */
export function standInsFor(statements: Statement[], known?: KnownTypes): StandIn[] {
  const created = new Set<string>();
  const needed = new Map<string, { rv: Rv; columns: Set<string>; uniques: string[][]; primaryKey?: string[] }>();
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
        // REFERENCES t without columns means t's primary key.
        if (!cols.length) ref.primaryKey ??= pk;
        else if (!ref.uniques.some((u) => u.join() === pk.join())) ref.uniques.push(pk);
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
  return [...needed.entries()].map(([k, e]) => {
    const columns = [...new Set([...(e.primaryKey ?? []), ...e.columns, ...e.uniques.flat()])];
    const types = Object.fromEntries(columns.flatMap((c) => (known?.(k, c) ? [[c, known(k, c)!]] : [])));
    return {
      ...(e.rv.schemaname ? { schema: e.rv.schemaname } : {}),
      name: e.rv.relname!,
      columns,
      uniques: e.uniques.filter((u) => u.join() !== e.primaryKey?.join()),
      ...(e.primaryKey ? { primaryKey: e.primaryKey } : {}),
      ...(Object.keys(types).length ? { types } : {}),
    };
  });
}

const typeOf = (t: StandIn, column: string) => t.types?.[column] ?? columnType(column);

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The SQL that creates the stand-ins. */
export function standInSql(standIns: StandIn[]): string {
  const schemas = new Set(standIns.map((t) => t.schema).filter((s): s is string => !!s && s !== 'public'));
  const out = [...schemas].map((s) => `CREATE SCHEMA IF NOT EXISTS ${ident(s)};`);
  for (const t of standIns) {
    const name = t.schema ? `${ident(t.schema)}.${ident(t.name)}` : ident(t.name);
    const cols = t.columns.map((c) => `${ident(c)} ${typeOf(t, c)}`);
    const keys = [
      ...(t.primaryKey ? [`PRIMARY KEY (${t.primaryKey.map(ident).join(', ')})`] : []),
      ...t.uniques.map((u) => `UNIQUE (${u.map(ident).join(', ')})`),
    ];
    out.push(`CREATE TABLE ${name} (${[...cols, ...keys].join(', ')});`);
  }
  return out.join('\n');
}

/** How a stand-in is shown: `messages (user_id bigint, created_at timestamptz)`. */
export function describeStandIn(t: StandIn): string {
  const keys = [...(t.primaryKey ? [`, primary key (${t.primaryKey.join(', ')})`] : []), ...t.uniques.map((u) => `, unique (${u.join(', ')})`)];
  return `${t.schema && t.schema !== 'public' ? `${t.schema}.` : ''}${t.name} (${t.columns.map((c) => `${c} ${typeOf(t, c)}`).join(', ')}${keys.join('')})`;
}
