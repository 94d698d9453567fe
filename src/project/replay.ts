/**
 * The replay: one migration's statements applied to the schema model, statement by statement. It reads the parse
 * trees the pipeline already has (never parses again) and records what it changed as a SchemaDelta, a plain value
 * that depends only on the statements and the incoming model. Objects the history never created stay unknown:
 * the replay notes them and invents nothing.
 */
import type { QualifiedName } from '../types.js';
import {
  emptyDelta,
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

function names(list: any): string[] {
  const items: any[] = list?.List?.items ?? (Array.isArray(list) ? list : []);
  return items.map((i) => i?.String?.sval).filter((s): s is string => typeof s === 'string');
}

function rv(v: any): QualifiedName | undefined {
  const r = v?.RangeVar ?? v;
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
const ALIASES: Record<string, string> = { integer: 'int4', int: 'int4', bigint: 'int8', smallint: 'int2', 'character varying': 'varchar', boolean: 'bool', decimal: 'numeric', real: 'float4', 'double precision': 'float8' };

/** A TypeName node as a ColumnType: PostgreSQL's internal name, modifiers, array. */
export function columnType(typeName: any): ColumnType | undefined {
  const list = names(typeName?.names);
  let name = list[list.length - 1]?.toLowerCase();
  if (!name) return undefined;
  name = SERIAL[name] ?? ALIASES[name] ?? name;
  const mods = (typeName.typmods ?? []).map((m: any) => m?.A_Const?.ival?.ival ?? 0);
  return { name, mods, array: (typeName.arrayBounds ?? []).length > 0 };
}

/** PostgreSQL's generated constraint name (ChooseConstraintName), without its collision counter. */
function generatedName(table: string, columns: string[], suffix: string): string {
  const base = suffix === 'pkey' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`;
  return Buffer.byteLength(base) > 63 ? base.slice(0, 63) : base;
}

/** The column a CHECK (col IS NOT NULL) proves not null. */
function notNullColumn(expr: any): string | undefined {
  const t = expr?.NullTest;
  if (t?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = t.arg?.ColumnRef?.fields ?? [];
  return fields.length === 1 ? fields[0]?.String?.sval : undefined;
}

/** The columns a partial index's predicate requires NOT NULL, when that is all it requires (`a IS NOT NULL AND …`). */
function notNullPredicate(where: any): string[] | undefined {
  const parts: any[] = where?.BoolExpr?.boolop === 'AND_EXPR' ? where.BoolExpr.args ?? [] : [where];
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
  readonly unknown: string[] = [];

  constructor(
    readonly base: SchemaModel,
    readonly file: string,
  ) {}

  /** The model as it stands now, after the statements applied so far. */
  get<K extends ObjectKind>(kind: K, key: string): Values[K] | undefined {
    const changed = this.changes[kind] as Record<string, Values[K] | null>;
    if (key in changed) return changed[key] ?? undefined;
    return (this.base[kind] as Record<string, Values[K]>)[key];
  }

  table(q: QualifiedName | undefined): TableModel | undefined {
    const k = keyOf(q);
    return k ? this.get('tables', k) : undefined;
  }

  /** Every object of a kind as it stands now. */
  all<K extends ObjectKind>(kind: K): Array<[string, Values[K]]> {
    const out = new Map<string, Values[K]>(Object.entries(this.base[kind] as Record<string, Values[K]>));
    for (const [k, v] of Object.entries(this.changes[kind] as Record<string, Values[K] | null>)) {
      if (v) out.set(k, v);
      else out.delete(k);
    }
    return [...out];
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
      return stub;
    }
    if (this.changes.tables[k] === t) return t;
    const copy: TableModel = { ...t, columns: t.columns.map((c) => ({ ...c, type: { ...c.type, mods: [...c.type.mods] } })), constraints: t.constraints.map((c) => ({ ...c, columns: [...c.columns] })) };
    this.set('tables', k, copy);
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

  /** Applies one parsed statement. Statements that do not change the schema are ignored. */
  apply(kind: string, node: any): void {
    try {
      this.dispatch(kind, node);
    } catch {
      // A tree shape the replay does not expect changes nothing: the model stays as it was.
    }
  }

  private dispatch(kind: string, n: any): void {
    switch (kind) {
      case 'CreateSchemaStmt':
        if (n.schemaname) this.changes.schemas[n.schemaname] = true;
        return;
      case 'CreateStmt':
        return this.createTable(n);
      case 'CreateTableAsStmt': {
        const q = rv(n.into?.rel);
        const k = keyOf(q);
        if (!q || !k) return;
        if (n.objtype === 'OBJECT_MATVIEW') this.set('views', k, { schema: q.schema ?? 'public', name: q.name, materialized: true });
        else if (!(n.if_not_exists && this.get('tables', k))) {
          const filled = !n.into?.skipData;
          this.set('tables', k, { schema: q.schema ?? 'public', name: q.name, columns: [], constraints: [], createdBy: this.file, columnsUnknown: true, ...(filled ? { filledBy: this.file } : {}) });
        }
        return;
      }
      case 'ViewStmt': {
        const q = rv(n.view);
        const k = keyOf(q);
        if (q && k) this.set('views', k, { schema: q.schema ?? 'public', name: q.name, materialized: false });
        return;
      }
      case 'CreateSeqStmt': {
        const q = rv(n.sequence);
        const k = keyOf(q);
        if (q && k && !(n.if_not_exists && this.get('sequences', k))) this.set('sequences', k, { schema: q.schema ?? 'public', name: q.name });
        return;
      }
      case 'CreateEnumStmt': {
        const list = names(n.typeName);
        const k = keyOfNames(list);
        if (k) this.set('types', k, { schema: list.length >= 2 ? list[list.length - 2]! : 'public', name: list[list.length - 1]!, kind: 'enum', values: (n.vals ?? []).map((v: any) => v?.String?.sval) });
        return;
      }
      case 'AlterEnumStmt': {
        const k = keyOfNames(names(n.typeName));
        const t = k ? this.get('types', k) : undefined;
        if (!k || !t) {
          if (k) this.note(`ALTER TYPE ${k}`);
          return;
        }
        if (n.newVal && !n.oldVal) this.set('types', k, { ...t, values: [...(t.values ?? []), n.newVal] });
        else if (n.oldVal && n.newVal) this.set('types', k, { ...t, values: (t.values ?? []).map((v) => (v === n.oldVal ? n.newVal : v)) });
        return;
      }
      case 'CreateDomainStmt': {
        const list = names(n.domainname);
        const k = keyOfNames(list);
        const base = columnType(n.typeName);
        if (k) this.set('types', k, { schema: list.length >= 2 ? list[list.length - 2]! : 'public', name: list[list.length - 1]!, kind: 'domain', ...(base ? { base } : {}) });
        return;
      }
      case 'IndexStmt':
        return this.createIndex(n);
      case 'AlterTableStmt':
        return this.alterTable(n);
      case 'RenameStmt':
        return this.rename(n);
      case 'DropStmt':
        return this.drop(n);
      case 'InsertStmt':
      case 'CopyStmt': {
        if (kind === 'CopyStmt' && !n.is_from) return;
        const q = rv(n.relation);
        const k = keyOf(q);
        const t = k ? this.get('tables', k) : undefined;
        if (k && t && t.filledBy !== this.file) this.set('tables', k, { ...t, filledBy: this.file });
        return;
      }
      default:
        return;
    }
  }

  private createTable(n: any): void {
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
      if (p) t.columns = p.columns.map((c) => ({ ...c }));
      else t.columnsUnknown = true;
    } else if ((n.inhRelations ?? []).length > 0) t.columnsUnknown = true;
    const pending: ConstraintModel[] = [];
    for (const e of n.tableElts ?? []) {
      if (e.ColumnDef) {
        const col = this.columnOf(e.ColumnDef, t, pending);
        if (col) t.columns.push(col);
      } else if (e.Constraint) {
        const c = this.constraintOf(e.Constraint, t, undefined);
        if (c) pending.push(c);
      } else if (e.TableLikeClause) t.columnsUnknown = true;
    }
    this.set('tables', k, t);
    for (const c of pending) this.addConstraint(k, t, c);
  }

  private columnOf(def: any, t: TableModel, pending: ConstraintModel[]): ColumnModel | undefined {
    const type = columnType(def.typeName);
    if (!def.colname || !type) return undefined;
    const raw = names(def.typeName?.names);
    const serial = SERIAL[raw[raw.length - 1]?.toLowerCase() ?? ''] !== undefined;
    const col: ColumnModel = { name: def.colname, type, notNull: serial, hasDefault: serial };
    for (const x of def.constraints ?? []) {
      const c = x?.Constraint;
      if (!c) continue;
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          break;
        case 'CONSTR_NULL':
          col.notNull = false;
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

  private constraintOf(c: any, t: TableModel, column: string | undefined): ConstraintModel | undefined {
    const cols = (list: any[] | undefined): string[] => (list ?? []).map((x: any) => x?.String?.sval ?? x?.IndexElem?.name).filter(Boolean);
    const validated = !c.skip_validation;
    const own = column ? [column] : cols(c.keys);
    switch (c.contype) {
      case 'CONSTR_PRIMARY':
        return { name: c.conname ?? generatedName(t.name, own, 'pkey'), kind: 'primary', columns: own, validated: true, ...(c.indexname ? { usingIndex: c.indexname } : {}) };
      case 'CONSTR_UNIQUE':
        return { name: c.conname ?? (own.length ? generatedName(t.name, own, 'key') : undefined), kind: 'unique', columns: own, validated: true, ...(c.indexname ? { usingIndex: c.indexname } : {}) };
      case 'CONSTR_EXCLUSION':
        return { name: c.conname, kind: 'exclude', columns: [], validated: true };
      case 'CONSTR_CHECK': {
        const nn = notNullColumn(c.raw_expr);
        return { name: c.conname ?? (column ? generatedName(t.name, [column], 'check') : undefined), kind: 'check', columns: column ? [column] : nn ? [nn] : [], validated, ...(nn ? { notNullOf: nn } : {}) };
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
        return { name: c.conname ?? (from.length ? generatedName(t.name, from, 'fkey') : undefined), kind: 'foreign', columns: from, validated, references: { table: target, columns: to } };
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
      } else this.set('indexes', ik, { schema: t.schema, name: c.name, table: tableKey, columns: [...c.columns], unique: true, partial: false, validity: 'valid', createdBy: this.file });
    }
  }

  private createIndex(n: any): void {
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
    const columns: Array<string | null> = (n.indexParams ?? []).map((p: any) => {
      const name: string | undefined = p?.IndexElem?.name;
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

  private alterTable(n: any): void {
    const q = rv(n.relation);
    const cmds = (n.cmds ?? []).map((c: any) => c?.AlterTableCmd).filter(Boolean);
    if (n.objtype === 'OBJECT_INDEX') {
      for (const c of cmds) if (c.subtype === 'AT_AttachPartition') this.attachIndex(q, rv(c.def?.PartitionCmd?.name));
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
          const added = this.columnOf(c.def?.ColumnDef, t, pending);
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
            for (const [ik, ix] of this.all('indexes')) if (ix.table === tk && ix.columns.includes(col.name)) this.set('indexes', ik, null);
          } else if (!c.missing_ok && !t.columnsUnknown) this.note(`DROP COLUMN ${tk}.${c.name}`);
          break;
        case 'AT_AlterColumnType': {
          const type = columnType(c.def?.ColumnDef?.typeName);
          if (col && type) col.type = type;
          break;
        }
        case 'AT_SetNotNull':
          if (col) col.notNull = true;
          break;
        case 'AT_DropNotNull':
          if (col) col.notNull = false;
          break;
        case 'AT_ColumnDefault':
          if (col) col.hasDefault = c.def !== undefined;
          break;
        case 'AT_AddIdentity':
          if (col) col.identity = c.def?.Constraint?.generated_when === 'a' ? 'always' : 'by default';
          break;
        case 'AT_DropIdentity':
          if (col) delete col.identity;
          break;
        case 'AT_AddConstraint': {
          const m = c.def?.Constraint ? this.constraintOf(c.def.Constraint, t, undefined) : undefined;
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
          const part = keyOf(rv(c.def?.PartitionCmd?.name));
          const p = part ? this.get('tables', part) : undefined;
          if (part && p) this.set('tables', part, { ...p, partitionOf: tk });
          break;
        }
        case 'AT_DetachPartition': {
          const part = keyOf(rv(c.def?.PartitionCmd?.name));
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
    const partitions = this.all('tables').filter(([, t]) => t.partitionOf === ix.table).map(([k]) => k);
    const indexed = new Set(attached.map((a) => this.get('indexes', a)?.table).filter(Boolean));
    const complete = partitions.length > 0 && partitions.every((p) => indexed.has(p));
    this.set('indexes', pk, { ...ix, attached, validity: complete ? 'valid' : ix.validity });
  }

  private rename(n: any): void {
    const q = rv(n.relation);
    const k = keyOf(q);
    switch (n.renameType) {
      case 'OBJECT_TABLE': {
        const t = k ? this.get('tables', k) : undefined;
        if (!k || !t) {
          if (k && !n.missing_ok) this.note(`RENAME TABLE ${k}`);
          return;
        }
        const nk = objectKey(t.schema, n.newname);
        this.set('tables', k, null);
        this.set('tables', nk, { ...t, name: n.newname });
        for (const [ik, ix] of this.all('indexes')) if (ix.table === k) this.set('indexes', ik, { ...ix, table: nk });
        for (const [tk, other] of this.all('tables')) {
          if (other.partitionOf === k) this.set('tables', tk, { ...other, partitionOf: nk });
          if (other.constraints.some((c) => c.references?.table === k)) {
            this.set('tables', tk, { ...(this.get('tables', tk) ?? other), constraints: (this.get('tables', tk) ?? other).constraints.map((c) => (c.references?.table === k ? { ...c, references: { ...c.references, table: nk } } : c)) });
          }
        }
        return;
      }
      case 'OBJECT_COLUMN': {
        const t = this.editTable(q, 'RENAME COLUMN on', n.missing_ok);
        if (!t || !k) return;
        const col = t.columns.find((c) => c.name === n.subname);
        if (!col) {
          if (!t.columnsUnknown) this.note(`RENAME COLUMN ${k}.${n.subname}`);
          return;
        }
        col.name = n.newname;
        this.columnIndex.delete(t.columns);
        const swap = (list: string[]) => list.map((c) => (c === n.subname ? n.newname : c));
        for (const c of t.constraints) {
          c.columns = swap(c.columns);
          if (c.notNullOf === n.subname) c.notNullOf = n.newname;
        }
        for (const [ik, ix] of this.all('indexes')) if (ix.table === k && ix.columns.includes(n.subname)) this.set('indexes', ik, { ...ix, columns: ix.columns.map((c) => (c === n.subname ? n.newname : c)) });
        for (const [tk, other] of this.all('tables')) {
          if (!other.constraints.some((c) => c.references?.table === k && c.references.columns.includes(n.subname))) continue;
          const cur = tk === k ? t : (this.get('tables', tk) ?? other);
          this.set('tables', tk, { ...cur, constraints: cur.constraints.map((c) => (c.references?.table === k ? { ...c, references: { ...c.references, columns: swap(c.references.columns) } } : c)) });
        }
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const t = this.editTable(q, 'RENAME CONSTRAINT on', n.missing_ok);
        const c = t?.constraints.find((x) => x.name === n.subname);
        if (t && c) {
          if ((c.kind === 'primary' || c.kind === 'unique') && c.name) this.renameObject('indexes', objectKey(t.schema, c.name), n.newname);
          c.name = n.newname;
        }
        return;
      }
      case 'OBJECT_INDEX':
        if (k) this.renameObject('indexes', k, n.newname, n.missing_ok);
        return;
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        if (k) this.renameObject('views', k, n.newname, n.missing_ok);
        return;
      case 'OBJECT_SEQUENCE':
        if (k) this.renameObject('sequences', k, n.newname, n.missing_ok);
        return;
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const tk = keyOfNames(names(n.object));
        if (tk) this.renameObject('types', tk, n.newname, n.missing_ok);
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

  private drop(n: any): void {
    const cascade = n.behavior === 'DROP_CASCADE';
    for (const o of n.objects ?? []) {
      const list = n.removeType === 'OBJECT_SCHEMA' ? [o?.String?.sval].filter(Boolean) : names(o).length ? names(o) : names(o?.TypeName?.names);
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
    for (const [ik, ix] of this.all('indexes')) if (ix.table === k) this.set('indexes', ik, null);
    for (const [tk, t] of this.all('tables')) {
      if (t.partitionOf === k) this.dropTable(tk, cascade);
      else if (cascade && t.constraints.some((c) => c.references?.table === k)) this.set('tables', tk, { ...t, constraints: t.constraints.filter((c) => c.references?.table !== k) });
    }
  }
}

/** Tables with foreign keys that reference `key`: the referencing side, for lock claims. */
export function referencingTables(replay: Replay, key: string): string[] {
  return replay
    .all('tables')
    .filter(([k, t]) => k !== key && t.constraints.some((c) => c.kind === 'foreign' && c.references?.table === key))
    .map(([k]) => k);
}
