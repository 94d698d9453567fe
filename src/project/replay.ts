/**
 * The replay: one migration's statements applied to the schema model, statement by statement. It reads the parse
 * trees the pipeline already has (never parses again) and records what it changed as a SchemaDelta, a plain value
 * that depends only on the statements and the incoming model. Objects the history never created stay unknown:
 * the replay notes them and invents nothing.
 */
import type { AlterTableStmt, ColumnDef, Constraint, CreateStmt, DropStmt, IndexStmt, Node, RangeVar, RenameStmt, TypeName } from '@pgsql/types';
import type { PresumedColumn, QualifiedName } from '../types.js';
import { rangeVarOf, statementNode, strings, unwrap, unwrapAll, type StatementNode } from '../sql/nodes.js';
import {
  emptyDelta,
  indexKeysOn,
  objectKey,
  type ColumnModel,
  type ColumnType,
  type ConstraintModel,
  type IndexModel,
  type ObjectKind,
  type SchemaDelta,
  type SchemaModel,
  type SequenceModel,
  type TableModel,
  type TypeModel,
  type ViewModel,
} from './model.js';

type Values = { tables: TableModel; indexes: IndexModel; types: TypeModel; views: ViewModel; sequences: SequenceModel };

/** The strings of a name list, or of a `{ List: { items } }` node. */
function names(list: Node[] | Node | undefined): string[] {
  return strings(list);
}

function rv(v: Node | RangeVar | undefined): QualifiedName | undefined {
  const r = rangeVarOf(v);
  if (!r || typeof r.relname !== 'string') return undefined;
  return r.schemaname ? { schema: r.schemaname, name: r.relname } : { name: r.relname };
}

function keyOf(q: QualifiedName | undefined): string | undefined {
  return q ? objectKey(q.schema, q.name) : undefined;
}

function keyOfNames(list: string[]): string | undefined {
  if (list.length === 0) return undefined;
  return objectKey(list.length >= 2 ? list[list.length - 2] : undefined, list[list.length - 1]!);
}

const SERIAL: Record<string, string> = { serial: 'int4', serial4: 'int4', bigserial: 'int8', serial8: 'int8', smallserial: 'int2', serial2: 'int2' };
const ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  'character varying': 'varchar',
  boolean: 'bool',
  decimal: 'numeric',
  real: 'float4',
  'double precision': 'float8',
};

/** A TypeName node as a ColumnType: PostgreSQL's internal name, modifiers, array. */
export function columnType(typeName: TypeName | undefined): ColumnType | undefined {
  const list = names(typeName?.names);
  let name = list[list.length - 1]?.toLowerCase();
  if (!typeName || !name) return undefined;
  name = SERIAL[name] ?? ALIASES[name] ?? name;
  const mods = (typeName.typmods ?? []).map((m) => unwrap(m, 'A_Const')?.ival?.ival ?? 0);
  return { name, mods, array: (typeName.arrayBounds ?? []).length > 0 };
}

/** PostgreSQL's generated constraint name (ChooseConstraintName), without its collision counter. */
function generatedName(table: string, columns: string[], suffix: string): string {
  const base = suffix === 'pkey' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`;
  return Buffer.byteLength(base) > 63 ? base.slice(0, 63) : base;
}

/** The column a CHECK (col IS NOT NULL) proves not null. */
export function notNullColumn(expr: Node | undefined): string | undefined {
  const t = unwrap(expr, 'NullTest');
  if (t?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = unwrap(t.arg, 'ColumnRef')?.fields ?? [];
  return fields.length === 1 ? unwrap(fields[0], 'String')?.sval : undefined;
}

/** The columns a partial index's predicate requires NOT NULL, when that is all it requires (`a IS NOT NULL AND …`). */
function notNullPredicate(where: Node | undefined): string[] | undefined {
  const and = unwrap(where, 'BoolExpr');
  const parts: Array<Node | undefined> = and?.boolop === 'AND_EXPR' ? (and.args ?? []) : [where];
  const cols = parts.map(notNullColumn);
  return cols.length && cols.every((c): c is string => c !== undefined) ? cols : undefined;
}

export interface ReplayNote {
  /** What was acted on without being known, e.g. "ALTER TABLE public.orders". */
  message: string;
}

/**
 * A replay of one migration over an incoming model. Reads go through the changes made so far; writes copy an
 * object once (copy-on-write) into the delta.
 */
export class Replay {
  private readonly changes: SchemaDelta = emptyDelta();
  /**
   * The tables this replay made or copied whole (columns, constraints and their items its own), which it may change
   * in place. A table set from a shallow copy (a rename's `{ ...t, name }`) shares them with the catalog it came from,
   * and with the deltas and cached replays of earlier migrations that hold that catalog's objects: it is copied
   * before it is changed.
   */
  private readonly owned = new WeakSet<TableModel>();
  readonly unknown: string[] = [];

  constructor(
    readonly base: SchemaModel,
    readonly file: string,
  ) {}

  /** The model as it stands now, after the statements applied so far. */
  get<K extends ObjectKind>(kind: K, key: string): Values[K] | undefined {
    // One lookup in the changes: they hold an object or null (dropped), never undefined, and an object key always has
    // a dot, so none is a property of Object.prototype.
    const changed = (this.changes[kind] as Record<string, Values[K] | null>)[key];
    if (changed !== undefined) return changed ?? undefined;
    return (this.base[kind] as Record<string, Values[K]>)[key];
  }

  table(q: QualifiedName | undefined): TableModel | undefined {
    const k = keyOf(q);
    return k ? this.get('tables', k) : undefined;
  }

  /** A CREATE SCHEMA of the history made this schema, and nothing dropped it since. */
  hasSchema(name: string): boolean {
    const changed = this.changes.schemas[name];
    return changed !== undefined ? changed === true : this.base.schemas[name] === true;
  }

  /** Every object of a kind as it stands now: a copy, so the caller may set while it goes through them. */
  all<K extends ObjectKind>(kind: K): Array<[string, Values[K]]> {
    return [...this.entries(kind)];
  }

  /**
   * Every object of a kind as it stands now, read in place (all() copies the catalog: per statement or per file on a
   * long history, that copy was the cost). In all()'s order. Read-only: nothing may be set while it iterates.
   */
  *entries<K extends ObjectKind>(kind: K): Generator<[string, Values[K]]> {
    const changed = this.changes[kind] as Record<string, Values[K] | null>;
    const base = this.base[kind] as Record<string, Values[K]>;
    for (const k in base) {
      if (!(k in changed)) yield [k, base[k]!];
      else if (changed[k]) yield [k, changed[k]];
    }
    for (const k in changed) {
      const v = changed[k];
      if (v && !(k in base)) yield [k, v];
    }
  }

  /**
   * The keys of the objects of a kind whose value now passes `test`, in all()'s order, without copying the catalog
   * (a RENAME COLUMN looked through two copies of it for the indexes and foreign keys naming the column).
   */
  keysWhere<K extends ObjectKind>(kind: K, test: (value: Values[K]) => boolean): string[] {
    const changed = this.changes[kind] as Record<string, Values[K] | null>;
    const base = this.base[kind] as Record<string, Values[K]>;
    const out: string[] = [];
    for (const k in base) {
      const v = k in changed ? changed[k] : base[k];
      if (v && test(v)) out.push(k);
    }
    for (const k in changed) {
      const v = changed[k];
      if (v && !(k in base) && test(v)) out.push(k);
    }
    return out;
  }

  /**
   * The keys of the indexes on a table as the model stands now, without reading every index of the catalog (a long
   * history asks per file): a new array, so the caller may set them.
   */
  private indexKeysOf(table: string): string[] {
    const changed = this.changes.indexes;
    const out: string[] = [];
    for (const k of indexKeysOn(this.base.indexes, table)) if (!(k in changed)) out.push(k);
    for (const k in changed) if (changed[k]?.table === table) out.push(k);
    return out;
  }

  /** The indexes on a table as the model stands now, in no particular order. */
  indexesOn(table: string): IndexModel[] {
    return this.indexKeysOf(table).map((k) => this.get('indexes', k)!);
  }

  delta(): SchemaDelta {
    return this.changes;
  }

  private set<K extends ObjectKind>(kind: K, key: string, value: Values[K] | null): void {
    (this.changes[kind] as Record<string, Values[K] | null>)[key] = value;
  }

  /** A writable copy of a table, or undefined (noted) when the model does not know it. */
  private editTable(q: QualifiedName | undefined, what: string, missingOk = false): TableModel | undefined {
    const k = keyOf(q);
    if (!k) return undefined;
    const t = this.get('tables', k);
    if (!t) {
      if (missingOk || !q) return undefined;
      // Record what this migration does to it, marked partial: the rest of the table stays unknown.
      this.note(`${what} ${k}`);
      const stub: TableModel = { schema: q.schema ?? 'public', name: q.name, columns: [], constraints: [], createdBy: '', partial: true, columnsUnknown: true };
      this.set('tables', k, stub);
      this.owned.add(stub);
      return stub;
    }
    if (this.changes.tables[k] === t && this.owned.has(t)) return t;
    const copy: TableModel = {
      ...t,
      columns: t.columns.map((c) => ({ ...c, type: { ...c.type, mods: [...c.type.mods] } })),
      constraints: t.constraints.map((c) => ({ ...c, columns: [...c.columns] })),
    };
    this.set('tables', k, copy);
    this.owned.add(copy);
    return copy;
  }

  /** Columns by name per columns array (a new array after a drop; cleared on a rename): big migrations stay linear. */
  private readonly columnIndex = new WeakMap<ColumnModel[], Map<string, ColumnModel>>();
  private column(t: TableModel, name: string | undefined): ColumnModel | undefined {
    if (name === undefined) return undefined;
    let index = this.columnIndex.get(t.columns);
    if (!index) {
      index = new Map(t.columns.map((c) => [c.name, c]));
      this.columnIndex.set(t.columns, index);
    }
    return index.get(name);
  }
  private pushColumn(t: TableModel, col: ColumnModel): void {
    t.columns.push(col);
    this.columnIndex.get(t.columns)?.set(col.name, col);
  }

  private note(message: string): void {
    if (!this.unknown.includes(message)) this.unknown.push(message);
  }

  /**
   * A column as a framework call states it stands before the call runs (OperationItem.presumes), taken when the model
   * does not know the column: on a table the history never created, it joins what is known of that table (noted as
   * the call's ALTER TABLE, as the call's own statements would be). A column the model knows keeps what the model says.
   */
  presume(p: PresumedColumn): void {
    const known = this.table(p.table);
    if (known && this.column(known, p.column)) return;
    const t = this.editTable(p.table, 'ALTER TABLE');
    if (!t) return;
    const type = { name: p.type.name, mods: [...p.type.mods], array: p.type.array };
    this.pushColumn(t, { name: p.column, type, notNull: p.notNull === true, ...(p.notNull === false ? { nullSaid: true } : {}), hasDefault: false });
  }

  /**
   * Applies one parsed statement (`node`: the fields of a `kind` node, as parsed). Statements that do not change the
   * schema are ignored. A tree or model shape the replay does not expect throws: the analysis reports it on the
   * statement (internal-error) rather than let the model drift silently.
   */
  apply(kind: string, node: unknown): void {
    this.applyStatement(statementNode({ [kind]: node } as Node, kind));
  }

  applyStatement(s: StatementNode): void {
    switch (s.kind) {
      case 'CreateSchemaStmt':
        if (s.node.schemaname) this.changes.schemas[s.node.schemaname] = true;
        return;
      case 'CreateStmt':
        return this.createTable(s.node);
      case 'CreateTableAsStmt': {
        const n = s.node;
        const q = rv(n.into?.rel);
        const k = keyOf(q);
        if (!q || !k) return;
        if (n.objtype === 'OBJECT_MATVIEW') this.set('views', k, { schema: q.schema ?? 'public', name: q.name, materialized: true });
        else if (!(n.if_not_exists && this.get('tables', k))) {
          const filled = !n.into?.skipData;
          this.set('tables', k, {
            schema: q.schema ?? 'public',
            name: q.name,
            columns: [],
            constraints: [],
            createdBy: this.file,
            columnsUnknown: true,
            ...(filled ? { filledBy: this.file } : {}),
          });
        }
        return;
      }
      case 'ViewStmt': {
        const q = rv(s.node.view);
        const k = keyOf(q);
        if (q && k) this.set('views', k, { schema: q.schema ?? 'public', name: q.name, materialized: false });
        return;
      }
      case 'CreateSeqStmt': {
        const n = s.node;
        const q = rv(n.sequence);
        const k = keyOf(q);
        if (q && k && !(n.if_not_exists && this.get('sequences', k))) this.set('sequences', k, { schema: q.schema ?? 'public', name: q.name });
        return;
      }
      case 'CreateEnumStmt': {
        const list = names(s.node.typeName);
        const k = keyOfNames(list);
        if (k)
          this.set('types', k, {
            schema: list.length >= 2 ? list[list.length - 2]! : 'public',
            name: list[list.length - 1]!,
            kind: 'enum',
            values: names(s.node.vals),
          });
        return;
      }
      case 'AlterEnumStmt': {
        const { oldVal, newVal } = s.node;
        const k = keyOfNames(names(s.node.typeName));
        const t = k ? this.get('types', k) : undefined;
        if (!k || !t) {
          if (k) this.note(`ALTER TYPE ${k}`);
          return;
        }
        if (newVal && !oldVal) this.set('types', k, { ...t, values: [...(t.values ?? []), newVal] });
        else if (oldVal && newVal) this.set('types', k, { ...t, values: (t.values ?? []).map((v) => (v === oldVal ? newVal : v)) });
        return;
      }
      case 'CreateDomainStmt': {
        const list = names(s.node.domainname);
        const k = keyOfNames(list);
        const base = columnType(s.node.typeName);
        if (k)
          this.set('types', k, {
            schema: list.length >= 2 ? list[list.length - 2]! : 'public',
            name: list[list.length - 1]!,
            kind: 'domain',
            ...(base ? { base } : {}),
          });
        return;
      }
      case 'IndexStmt':
        return this.createIndex(s.node);
      case 'AlterTableStmt':
        return this.alterTable(s.node);
      case 'RenameStmt':
        return this.rename(s.node);
      case 'AlterObjectSchemaStmt':
        return this.setSchema(s.node);
      case 'DropStmt':
        return this.drop(s.node);
      case 'InsertStmt':
        return this.fill(s.node.relation);
      case 'CopyStmt':
        if (s.node.is_from) this.fill(s.node.relation);
        return;
      default:
        return;
    }
  }

  /** INSERT, COPY FROM: the table has rows this migration wrote. */
  private fill(relation: RangeVar | undefined): void {
    const q = rv(relation);
    const k = keyOf(q);
    const t = k ? this.get('tables', k) : undefined;
    if (k && t && t.filledBy !== this.file) this.set('tables', k, { ...t, filledBy: this.file });
  }

  private createTable(n: CreateStmt): void {
    const q = rv(n.relation);
    const k = keyOf(q);
    if (!q || !k) return;
    if (n.if_not_exists && this.get('tables', k)) return;
    const t: TableModel = { schema: q.schema ?? 'public', name: q.name, columns: [], constraints: [], createdBy: this.file };
    if (n.partspec) t.partitioned = true;
    if (n.partbound) {
      const parent = keyOf(rv(n.inhRelations?.[0]));
      if (parent) t.partitionOf = parent;
      const p = parent ? this.get('tables', parent) : undefined;
      if (p) t.columns = p.columns.map((c) => ({ ...c, type: { ...c.type, mods: [...c.type.mods] } }));
      else t.columnsUnknown = true;
    } else if ((n.inhRelations ?? []).length > 0) t.columnsUnknown = true;
    const pending: ConstraintModel[] = [];
    for (const e of n.tableElts ?? []) {
      const def = unwrap(e, 'ColumnDef');
      const con = unwrap(e, 'Constraint');
      if (def) {
        const col = this.columnOf(def, t, pending);
        if (col) t.columns.push(col);
      } else if (con) {
        const c = this.constraintOf(con, t, undefined);
        if (c) pending.push(c);
      } else if (unwrap(e, 'TableLikeClause')) t.columnsUnknown = true;
    }
    this.set('tables', k, t);
    this.owned.add(t);
    for (const c of pending) this.addConstraint(k, t, c);
  }

  private columnOf(def: ColumnDef | undefined, t: TableModel, pending: ConstraintModel[]): ColumnModel | undefined {
    const type = columnType(def?.typeName);
    if (!def?.colname || !type) return undefined;
    const raw = names(def.typeName?.names);
    const serial = SERIAL[raw[raw.length - 1]?.toLowerCase() ?? ''] !== undefined;
    const col: ColumnModel = { name: def.colname, type, notNull: serial, hasDefault: serial };
    for (const c of unwrapAll(def.constraints, 'Constraint')) {
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          break;
        case 'CONSTR_NULL':
          col.notNull = false;
          col.nullSaid = true;
          break;
        case 'CONSTR_DEFAULT':
          col.hasDefault = true;
          break;
        case 'CONSTR_IDENTITY':
          col.identity = c.generated_when === 'a' ? 'always' : 'by default';
          col.notNull = true;
          break;
        case 'CONSTR_GENERATED':
          col.generated = true;
          break;
        default: {
          const m = this.constraintOf(c, t, def.colname);
          if (m) {
            if (m.kind === 'primary') col.notNull = true;
            pending.push(m);
          }
        }
      }
    }
    return col;
  }

  private constraintOf(c: Constraint, t: TableModel, column: string | undefined): ConstraintModel | undefined {
    const cols = (list: Node[] | undefined): string[] =>
      (list ?? []).map((x) => unwrap(x, 'String')?.sval ?? unwrap(x, 'IndexElem')?.name).filter((x): x is string => Boolean(x));
    const validated = !c.skip_validation;
    const own = column ? [column] : cols(c.keys);
    switch (c.contype) {
      case 'CONSTR_PRIMARY':
        return {
          name: c.conname ?? generatedName(t.name, own, 'pkey'),
          kind: 'primary',
          columns: own,
          validated: true,
          ...(c.indexname ? { usingIndex: c.indexname } : {}),
        };
      case 'CONSTR_UNIQUE':
        return {
          name: c.conname ?? (own.length ? generatedName(t.name, own, 'key') : undefined),
          kind: 'unique',
          columns: own,
          validated: true,
          ...(c.indexname ? { usingIndex: c.indexname } : {}),
        };
      case 'CONSTR_EXCLUSION':
        return { name: c.conname, kind: 'exclude', columns: [], validated: true };
      case 'CONSTR_CHECK': {
        const nn = notNullColumn(c.raw_expr);
        return {
          name: c.conname ?? (column ? generatedName(t.name, [column], 'check') : undefined),
          kind: 'check',
          columns: column ? [column] : nn ? [nn] : [],
          validated,
          ...(nn ? { notNullOf: nn } : {}),
        };
      }
      case 'CONSTR_FOREIGN': {
        const from = column ? [column] : cols(c.fk_attrs);
        const target = keyOf(rv(c.pktable));
        if (!target) return undefined;
        let to = cols(c.pk_attrs);
        if (to.length === 0) {
          const ref = target === objectKey(t.schema, t.name) ? t : this.get('tables', target);
          to = ref?.constraints.find((x) => x.kind === 'primary')?.columns ?? [];
        }
        return {
          name: c.conname ?? (from.length ? generatedName(t.name, from, 'fkey') : undefined),
          kind: 'foreign',
          columns: from,
          validated,
          references: { table: target, columns: to },
        };
      }
      default:
        return undefined;
    }
  }

  /** Adds a constraint to a table already in the changes, with the index a PRIMARY KEY or UNIQUE builds. */
  private addConstraint(tableKey: string, t: TableModel, c: ConstraintModel): void {
    t.constraints.push(c);
    if (c.kind === 'primary') for (const col of t.columns) if (c.columns.includes(col.name)) col.notNull = true;
    if ((c.kind === 'primary' || c.kind === 'unique') && c.name) {
      const ik = objectKey(t.schema, c.name);
      if (c.usingIndex) {
        const old = objectKey(t.schema, c.usingIndex);
        const ix = this.get('indexes', old);
        if (ix) {
          if (c.columns.length === 0) c.columns = ix.columns.filter((x): x is string => x !== null);
          this.set('indexes', old, null);
          this.set('indexes', ik, { ...ix, name: c.name });
        }
      } else
        this.set('indexes', ik, {
          schema: t.schema,
          name: c.name,
          table: tableKey,
          columns: [...c.columns],
          unique: true,
          partial: false,
          validity: 'valid',
          createdBy: this.file,
        });
    }
  }

  private createIndex(n: IndexStmt): void {
    const q = rv(n.relation);
    const tk = keyOf(q);
    if (!q || !tk) return;
    const t = this.get('tables', tk);
    const view = this.get('views', tk);
    if (!t && !view) this.note(`CREATE INDEX on ${tk}`);
    const schema = q.schema ?? 'public';
    // A Django index names a ForeignKey by its field ("product"), whose column is product_id; the adapter knows the
    // field is a key only within its own file. A column the table lacks, when `<name>_id` is one, is that column
    // (SQL naming a missing column would have failed on PostgreSQL).
    const known = t && !t.columnsUnknown ? new Set(t.columns.map((c) => c.name)) : undefined;
    const columns: Array<string | null> = (n.indexParams ?? []).map((p) => {
      const name = unwrap(p, 'IndexElem')?.name;
      if (!name) return null;
      return known && !known.has(name) && known.has(`${name}_id`) ? `${name}_id` : name;
    });
    // Unnamed, PostgreSQL chooses the name (ChooseIndexName): table_col1_col2_idx, then idx1, idx2 … while taken.
    const name: string | undefined = n.idxname ?? this.chosenIndexName(schema, q.name, columns);
    if (!name) return;
    const k = objectKey(schema, name);
    if (n.if_not_exists && this.get('indexes', k)) return;
    // libpg-query leaves out false fields: `ON ONLY` is a relation without inh.
    const only = n.relation?.inh !== true;
    this.set('indexes', k, {
      schema,
      name,
      table: tk,
      columns,
      unique: Boolean(n.unique),
      partial: Boolean(n.whereClause),
      ...(n.whereClause && notNullPredicate(n.whereClause) ? { notNullOf: notNullPredicate(n.whereClause) } : {}),
      validity: only && t?.partitioned ? 'invalid' : n.concurrent ? 'maybe-invalid' : 'valid',
      ...(only ? { only: true } : {}),
      createdBy: this.file,
    });
  }

  /** The name PostgreSQL gives an unnamed index; undefined when it would be cut to 63 bytes (the cut is not predicted). */
  private chosenIndexName(schema: string, table: string, columns: Array<string | null>): string | undefined {
    const base = `${table}_${columns.map((c) => c ?? 'expr').join('_')}`;
    for (let i = 0; i < 100; i++) {
      const name = `${base}_idx${i === 0 ? '' : i}`;
      if (Buffer.byteLength(name) > 63) return undefined;
      if (!this.get('indexes', objectKey(schema, name)) && !this.get('tables', objectKey(schema, name))) return name;
    }
    return undefined;
  }

  private alterTable(n: AlterTableStmt): void {
    const q = rv(n.relation);
    const cmds = unwrapAll(n.cmds, 'AlterTableCmd');
    if (n.objtype === 'OBJECT_INDEX') {
      for (const c of cmds) if (c.subtype === 'AT_AttachPartition') this.attachIndex(q, rv(unwrap(c.def, 'PartitionCmd')?.name));
      return;
    }
    if (n.objtype !== 'OBJECT_TABLE') return;
    const t = this.editTable(q, 'ALTER TABLE', n.missing_ok);
    const tk = keyOf(q);
    if (!t || !tk) return;
    for (const c of cmds) {
      const col = this.column(t, c.name);
      switch (c.subtype) {
        case 'AT_AddColumn': {
          const pending: ConstraintModel[] = [];
          const added = this.columnOf(unwrap(c.def, 'ColumnDef'), t, pending);
          if (added && !(c.missing_ok && this.column(t, added.name))) {
            this.pushColumn(t, added);
            for (const p of pending) this.addConstraint(tk, t, p);
          }
          break;
        }
        case 'AT_DropColumn':
          if (col) {
            t.columns = t.columns.filter((x) => x !== col);
            t.constraints = t.constraints.filter((x) => !x.columns.includes(col.name));
            for (const ik of this.indexKeysOf(tk)) if (this.get('indexes', ik)!.columns.includes(col.name)) this.set('indexes', ik, null);
          } else if (!c.missing_ok && !t.columnsUnknown) this.note(`DROP COLUMN ${tk}.${c.name}`);
          break;
        case 'AT_AlterColumnType': {
          const type = columnType(unwrap(c.def, 'ColumnDef')?.typeName);
          if (col && type) col.type = type;
          break;
        }
        case 'AT_SetNotNull':
          if (col) {
            col.notNull = true;
            delete col.nullSaid;
          }
          break;
        case 'AT_DropNotNull':
          if (col) {
            col.notNull = false;
            col.nullSaid = true;
          }
          break;
        case 'AT_ColumnDefault':
          if (col) col.hasDefault = c.def !== undefined;
          break;
        case 'AT_AddIdentity':
          if (col) col.identity = unwrap(c.def, 'Constraint')?.generated_when === 'a' ? 'always' : 'by default';
          break;
        case 'AT_DropIdentity':
          if (col) delete col.identity;
          break;
        case 'AT_AddConstraint': {
          const con = unwrap(c.def, 'Constraint');
          const m = con ? this.constraintOf(con, t, undefined) : undefined;
          if (m) this.addConstraint(tk, t, m);
          break;
        }
        case 'AT_DropConstraint': {
          const found = t.constraints.find((x) => x.name === c.name);
          if (!found) {
            if (!c.missing_ok) this.note(`DROP CONSTRAINT ${c.name} on ${tk}`);
            break;
          }
          t.constraints = t.constraints.filter((x) => x !== found);
          if ((found.kind === 'primary' || found.kind === 'unique') && found.name) this.set('indexes', objectKey(t.schema, found.name), null);
          break;
        }
        case 'AT_ValidateConstraint': {
          const found = t.constraints.find((x) => x.name === c.name);
          if (found) found.validated = true;
          else this.note(`VALIDATE CONSTRAINT ${c.name} on ${tk}`);
          break;
        }
        case 'AT_AttachPartition': {
          const part = keyOf(rv(unwrap(c.def, 'PartitionCmd')?.name));
          const p = part ? this.get('tables', part) : undefined;
          if (part && p) this.set('tables', part, { ...p, partitionOf: tk });
          break;
        }
        case 'AT_DetachPartition': {
          const part = keyOf(rv(unwrap(c.def, 'PartitionCmd')?.name));
          const p = part ? this.get('tables', part) : undefined;
          if (part && p) {
            const { partitionOf: _detached, ...rest } = p;
            this.set('tables', part, rest);
          }
          break;
        }
        default:
          break;
      }
    }
  }

  /** ALTER INDEX parent ATTACH PARTITION child: once every partition has its index attached, the parent's is valid. */
  private attachIndex(parent: QualifiedName | undefined, child: QualifiedName | undefined): void {
    const pk = keyOf(parent);
    const ck = child ? objectKey(child.schema ?? parent?.schema, child.name) : undefined;
    const ix = pk ? this.get('indexes', pk) : undefined;
    if (!pk || !ck || !ix) {
      if (pk) this.note(`ALTER INDEX ${pk}`);
      return;
    }
    const attached = [...new Set([...(ix.attached ?? []), ck])];
    const partitions: string[] = [];
    for (const [k, t] of this.entries('tables')) if (t.partitionOf === ix.table) partitions.push(k);
    const indexed = new Set(attached.map((a) => this.get('indexes', a)?.table).filter(Boolean));
    const complete = partitions.length > 0 && partitions.every((p) => indexed.has(p));
    this.set('indexes', pk, { ...ix, attached, validity: complete ? 'valid' : ix.validity });
  }

  private rename(n: RenameStmt): void {
    const q = rv(n.relation);
    const k = keyOf(q);
    const { newname, subname } = n;
    if (newname === undefined) return;
    switch (n.renameType) {
      case 'OBJECT_TABLE': {
        const t = k ? this.get('tables', k) : undefined;
        if (!k || !t) {
          if (k && !n.missing_ok) this.note(`RENAME TABLE ${k}`);
          return;
        }
        this.moveTable(k, { ...t, name: newname });
        return;
      }
      case 'OBJECT_COLUMN': {
        const t = this.editTable(q, 'RENAME COLUMN on', n.missing_ok);
        if (!t || !k || subname === undefined) return;
        const col = t.columns.find((c) => c.name === subname);
        if (!col) {
          if (!t.columnsUnknown) this.note(`RENAME COLUMN ${k}.${subname}`);
          return;
        }
        col.name = newname;
        this.columnIndex.delete(t.columns);
        const swap = (list: string[]) => list.map((c) => (c === subname ? newname : c));
        for (const c of t.constraints) {
          c.columns = swap(c.columns);
          if (c.notNullOf === subname) c.notNullOf = newname;
        }
        // The table's indexes naming the column, found through the indexes by table; more than one is renamed in the
        // catalog's order (keysWhere), as the changes record them in the order they are made.
        const named = this.indexKeysOf(k).filter((ik) => this.get('indexes', ik)!.columns.includes(subname));
        for (const ik of named.length <= 1 ? named : this.keysWhere('indexes', (ix) => ix.table === k && ix.columns.includes(subname))) {
          const ix = this.get('indexes', ik)!;
          this.set('indexes', ik, { ...ix, columns: ix.columns.map((c) => (c === subname ? newname : c)) });
        }
        for (const tk of this.keysWhere('tables', (other) =>
          other.constraints.some((c) => c.references?.table === k && c.references.columns.includes(subname)),
        )) {
          const cur = tk === k ? t : this.get('tables', tk)!;
          this.set('tables', tk, {
            ...cur,
            constraints: cur.constraints.map((c) =>
              c.references?.table === k ? { ...c, references: { ...c.references, columns: swap(c.references.columns) } } : c,
            ),
          });
        }
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const t = this.editTable(q, 'RENAME CONSTRAINT on', n.missing_ok);
        const c = t?.constraints.find((x) => x.name === subname);
        if (t && c) {
          if ((c.kind === 'primary' || c.kind === 'unique') && c.name) this.renameObject('indexes', objectKey(t.schema, c.name), newname);
          c.name = newname;
        }
        return;
      }
      case 'OBJECT_INDEX':
        if (k) this.renameObject('indexes', k, newname, n.missing_ok);
        return;
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        if (k) this.renameObject('views', k, newname, n.missing_ok);
        return;
      case 'OBJECT_SEQUENCE':
        if (k) this.renameObject('sequences', k, newname, n.missing_ok);
        return;
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const tk = keyOfNames(names(n.object));
        if (tk) this.renameObject('types', tk, newname, n.missing_ok);
        return;
      }
      default:
        return;
    }
  }

  /** A table under a new key (renamed, or moved to another schema): its indexes, partitions and references follow. */
  private moveTable(k: string, moved: TableModel): void {
    const nk = objectKey(moved.schema, moved.name);
    this.set('tables', k, null);
    this.set('tables', nk, moved);
    // The table's indexes, found through the indexes by table; more than one in the catalog's order (all()).
    const own = this.indexKeysOf(k);
    for (const [ik, ix] of own.length <= 1 ? own.map((ik): [string, IndexModel] => [ik, this.get('indexes', ik)!]) : this.all('indexes')) {
      if (ix.table !== k) continue;
      // An index lives in its table's schema: SET SCHEMA moves it too.
      const ink = objectKey(moved.schema, ix.name);
      if (ink !== ik) this.set('indexes', ik, null);
      this.set('indexes', ink, { ...ix, schema: moved.schema, table: nk });
    }
    for (const [tk, other] of this.all('tables')) {
      if (other.partitionOf === k) this.set('tables', tk, { ...other, partitionOf: nk });
      if (other.constraints.some((c) => c.references?.table === k)) {
        this.set('tables', tk, {
          ...(this.get('tables', tk) ?? other),
          constraints: (this.get('tables', tk) ?? other).constraints.map((c) =>
            c.references?.table === k ? { ...c, references: { ...c.references, table: nk } } : c,
          ),
        });
      }
    }
  }

  /**
   * ALTER TABLE … SET SCHEMA: the table (with its indexes) moves. One the history never created is recorded in its
   * new schema as a partial table, so the schema is known to hold a table. Views and sequences move by key.
   */
  private setSchema(n: { objectType?: string; relation?: RangeVar; newschema?: string; missing_ok?: boolean }): void {
    const q = rv(n.relation);
    const k = keyOf(q);
    const to = n.newschema;
    if (!q || !k || !to) return;
    switch (n.objectType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE': {
        const t = this.get('tables', k);
        if (t) this.moveTable(k, { ...t, schema: to });
        else if (!n.missing_ok) {
          this.note(`ALTER TABLE ${k} SET SCHEMA`);
          this.set('tables', objectKey(to, q.name), {
            schema: to,
            name: q.name,
            columns: [],
            constraints: [],
            createdBy: '',
            partial: true,
            columnsUnknown: true,
          });
        }
        return;
      }
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_SEQUENCE': {
        const kind = n.objectType === 'OBJECT_SEQUENCE' ? 'sequences' : 'views';
        const v = this.get(kind, k);
        if (!v) return;
        this.set(kind, k, null);
        this.set(kind, objectKey(to, v.name), { ...v, schema: to });
        return;
      }
      default:
        return;
    }
  }

  private renameObject<K extends ObjectKind>(kind: K, k: string, newName: string, missingOk = false): void {
    const v = this.get(kind, k);
    if (!v) {
      if (!missingOk) this.note(`RENAME ${kind.replace(/e?s$/, '').toUpperCase()} ${k}`);
      return;
    }
    this.set(kind, k, null);
    this.set(kind, objectKey(v.schema, newName), { ...v, name: newName });
  }

  private drop(n: DropStmt): void {
    const cascade = n.behavior === 'DROP_CASCADE';
    for (const o of n.objects ?? []) {
      const schema = unwrap(o, 'String')?.sval;
      const list = n.removeType === 'OBJECT_SCHEMA' ? (schema ? [schema] : []) : names(o).length ? names(o) : names(unwrap(o, 'TypeName')?.names);
      const k = keyOfNames(list);
      if (!k) continue;
      switch (n.removeType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE': {
          if (!this.get('tables', k)) {
            if (!n.missing_ok) this.note(`DROP TABLE ${k}`);
            break;
          }
          this.dropTable(k, cascade);
          break;
        }
        case 'OBJECT_INDEX':
          if (this.get('indexes', k)) this.set('indexes', k, null);
          else if (!n.missing_ok) this.note(`DROP INDEX ${k}`);
          break;
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          if (this.get('views', k)) this.set('views', k, null);
          else if (!n.missing_ok) this.note(`DROP VIEW ${k}`);
          break;
        case 'OBJECT_SEQUENCE':
          if (this.get('sequences', k)) this.set('sequences', k, null);
          else if (!n.missing_ok) this.note(`DROP SEQUENCE ${k}`);
          break;
        case 'OBJECT_TYPE':
        case 'OBJECT_DOMAIN':
          if (this.get('types', k)) this.set('types', k, null);
          else if (!n.missing_ok) this.note(`DROP TYPE ${k}`);
          break;
        case 'OBJECT_SCHEMA': {
          const schema = list[0]!;
          this.changes.schemas[schema] = null;
          for (const kind of ['tables', 'indexes', 'types', 'views', 'sequences'] as const) {
            for (const [key] of this.all(kind)) if (key.startsWith(`${schema}.`)) this.set(kind, key, null);
          }
          break;
        }
        default:
          break;
      }
    }
  }

  private dropTable(k: string, cascade: boolean): void {
    this.set('tables', k, null);
    for (const ik of this.indexKeysOf(k)) this.set('indexes', ik, null);
    for (const [tk, t] of this.all('tables')) {
      if (t.partitionOf === k) this.dropTable(tk, cascade);
      else if (cascade && t.constraints.some((c) => c.references?.table === k))
        this.set('tables', tk, { ...t, constraints: t.constraints.filter((c) => c.references?.table !== k) });
    }
  }
}

/** Tables with foreign keys that reference `key`: the referencing side, for lock claims. */
export function referencingTables(replay: Replay, key: string): string[] {
  return replay.keysWhere('tables', (t) => t.constraints.some((c) => c.kind === 'foreign' && c.references?.table === key)).filter((k) => k !== key);
}
