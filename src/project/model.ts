/**
 * The schema model: what migralint believes the database holds after a run of migrations, replayed from their
 * statements. Plain JSON values only (no classes, no Maps), so a model or a delta can be cached or sent to a
 * worker as it is. What the replay cannot know is absent, never guessed.
 */

/** A column type as PostgreSQL names it: int4, varchar, numeric … with its modifiers. */
export interface ColumnType {
  name: string;
  mods: number[];
  array: boolean;
}

export interface ColumnModel {
  name: string;
  type: ColumnType;
  notNull: boolean;
  /**
   * While notNull is false: the history said so, with an explicit NULL in the column's definition or a DROP NOT NULL.
   * (A column defined with neither may be NOT NULL in a framework's table DSL that the extraction reads in part.)
   */
  nullSaid?: boolean;
  hasDefault: boolean;
  identity?: 'always' | 'by default';
  generated?: boolean;
}

export type ConstraintKind = 'primary' | 'unique' | 'check' | 'foreign' | 'exclude';

export interface ConstraintModel {
  /** Unnamed constraints get PostgreSQL's generated name when it is predictable, else undefined. */
  name?: string;
  kind: ConstraintKind;
  columns: string[];
  /** False for NOT VALID until VALIDATE CONSTRAINT. */
  validated: boolean;
  /** Foreign keys: the referenced table (a model key) and columns. */
  references?: { table: string; columns: string[] };
  /** PRIMARY KEY / UNIQUE … USING INDEX: the index it took over. */
  usingIndex?: string;
  /** CHECK (col IS NOT NULL): the column it proves not null. */
  notNullOf?: string;
}

export interface TableModel {
  schema: string;
  name: string;
  columns: ColumnModel[];
  constraints: ConstraintModel[];
  partitioned?: boolean;
  /** For a partition: the parent's key. */
  partitionOf?: string;
  /** The migration that created it (path as given); empty for a table the history never created. */
  createdBy: string;
  /**
   * The history never created it (a table from before the first migration, or made outside them): only what the
   * migrations did to it is recorded, and anything else about it is unknown.
   */
  partial?: boolean;
  /** Created by CREATE TABLE AS, LIKE or INHERITS: its columns are not all known. */
  columnsUnknown?: boolean;
  /** Rows were written into it (INSERT, COPY, CREATE TABLE AS) by this migration, the last one that did. */
  filledBy?: string;
}

export interface IndexModel {
  schema: string;
  name: string;
  /** The table's key. */
  table: string;
  /** Key columns in order; null for an expression. */
  columns: Array<string | null>;
  unique: boolean;
  partial: boolean;
  /** A partial index whose predicate only requires these columns NOT NULL (`WHERE fk IS NOT NULL`). */
  notNullOf?: string[];
  /** `valid`; `maybe-invalid` after CREATE INDEX CONCURRENTLY (a failed build leaves it INVALID); `invalid` for ON ONLY until every partition is attached. */
  validity: 'valid' | 'maybe-invalid' | 'invalid';
  /** Built with ON ONLY on a partitioned table. */
  only?: boolean;
  /** Partition indexes attached to this one (ALTER INDEX … ATTACH PARTITION). */
  attached?: string[];
  createdBy: string;
}

export interface TypeModel {
  schema: string;
  name: string;
  kind: 'enum' | 'domain';
  values?: string[];
  base?: ColumnType;
}

export interface ViewModel {
  schema: string;
  name: string;
  materialized: boolean;
}

export interface SequenceModel {
  schema: string;
  name: string;
  /** `table.column` key of OWNED BY. */
  ownedBy?: string;
}

export interface SchemaModel {
  schemas: Record<string, true>;
  tables: Record<string, TableModel>;
  indexes: Record<string, IndexModel>;
  types: Record<string, TypeModel>;
  views: Record<string, ViewModel>;
  sequences: Record<string, SequenceModel>;
  /** State a framework keeps beside the catalog (Django's models and fields), plain JSON; its module reads it. */
  framework?: unknown;
}

export type ObjectKind = Exclude<keyof SchemaModel, 'schemas' | 'framework'>;
export const OBJECT_KINDS: ObjectKind[] = ['tables', 'indexes', 'types', 'views', 'sequences'];

/**
 * What one migration changed: the new value of every object it touched, null for an object it dropped.
 * Computed from the migration's statements and the incoming model; applying it to that model gives the next.
 */
export interface SchemaDelta {
  schemas: Record<string, true | null>;
  tables: Record<string, TableModel | null>;
  indexes: Record<string, IndexModel | null>;
  types: Record<string, TypeModel | null>;
  views: Record<string, ViewModel | null>;
  sequences: Record<string, SequenceModel | null>;
  /** The framework's state after the migration, when its module keeps one. */
  framework?: unknown;
}

export function emptyModel(): SchemaModel {
  const schemas = keyedRecord<true>();
  schemas.public = true;
  return { schemas, tables: keyedRecord(), indexes: keyedRecord(), types: keyedRecord(), views: keyedRecord(), sequences: keyedRecord() };
}

export function emptyDelta(): SchemaDelta {
  return { schemas: keyedRecord(), tables: keyedRecord(), indexes: keyedRecord(), types: keyedRecord(), views: keyedRecord(), sequences: keyedRecord() };
}

/**
 * An empty plain object for values stored under keys that are data (`public.orders` …), one by one. V8 gives an object
 * a hidden class per set of property names while it is small, and a new key makes a new class (a transition from the
 * empty object's, kept for the run): the replay of every migration of a history adds its own keys to its own empty
 * delta, each a transition never met again. Deleting a property that is not the last one added puts the object in
 * V8's dictionary mode, where a new key is an entry and nothing more. The object is the same to JavaScript: same
 * prototype, same keys in the same order.
 */
function keyedRecord<T>(): Record<string, T> {
  const r: Record<string, unknown> = { a: undefined, b: undefined };
  delete r.a;
  delete r.b;
  return r as Record<string, T>;
}

/** The model after a delta. The input is not changed; unchanged objects are shared. */
export function applyDelta(model: SchemaModel, delta: SchemaDelta): SchemaModel {
  const next = { ...model };
  const merge = <T>(base: Record<string, T>, changes: Record<string, T | null>): Record<string, T> => {
    const keys = Object.keys(changes);
    if (keys.length === 0) return base;
    const out = { ...base };
    for (const k of keys) {
      const v = changes[k];
      if (v === null || v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  };
  next.schemas = merge(model.schemas, delta.schemas);
  next.tables = merge(model.tables, delta.tables);
  next.indexes = merge(model.indexes, delta.indexes);
  next.types = merge(model.types, delta.types);
  next.views = merge(model.views, delta.views);
  next.sequences = merge(model.sequences, delta.sequences);
  if (delta.framework !== undefined) next.framework = delta.framework;
  return next;
}

/**
 * The keys of each table's indexes in an `indexes` record, built once per record: a long history asks per file (and
 * per foreign key) for one table's indexes, and a scan of every index each time made its lint quadratic. A record
 * changed in place goes through setIndexInPlace, which keeps this current.
 */
const indexKeysByTable = new WeakMap<Record<string, IndexModel>, Map<string, Set<string>>>();

function addIndexKey(map: Map<string, Set<string>>, table: string, key: string): void {
  const keys = map.get(table);
  if (keys) keys.add(key);
  else map.set(table, new Set([key]));
}

/** The keys in `indexes` of the indexes on `table`. */
export function indexKeysOn(indexes: Record<string, IndexModel>, table: string): ReadonlySet<string> {
  let map = indexKeysByTable.get(indexes);
  if (!map) {
    map = new Map();
    for (const key in indexes) addIndexKey(map, indexes[key]!.table, key);
    indexKeysByTable.set(indexes, map);
  }
  return map.get(table) ?? NO_KEYS;
}
const NO_KEYS: ReadonlySet<string> = new Set();

/** Sets (or, with null, removes) an index of a record in place, keeping indexKeysOn current. */
export function setIndexInPlace(indexes: Record<string, IndexModel>, key: string, value: IndexModel | null | undefined): void {
  const map = indexKeysByTable.get(indexes);
  if (map) {
    const old = indexes[key];
    if (old) map.get(old.table)?.delete(key);
    if (value) addIndexKey(map, value.table, key);
  }
  if (value) indexes[key] = value;
  else delete indexes[key];
}

/** `schema.name`, the key of every object in the model. */
export function objectKey(schema: string | undefined, name: string): string {
  return `${schema ?? 'public'}.${name}`;
}

/**
 * The index's first columns are `columns` (in any order) and it serves equality lookups by them: it covers every
 * row, or its predicate only requires some of those columns NOT NULL, which `col = $1` implies (PostgreSQL then
 * uses the partial index for the lookup).
 */
export function leadsWith(ix: IndexModel, columns: string[]): boolean {
  if (ix.partial && !ix.notNullOf?.every((c) => columns.includes(c))) return false;
  if (ix.columns.length < columns.length) return false;
  const lead = ix.columns.slice(0, columns.length);
  return columns.every((c) => lead.includes(c));
}
