// A default import: the playground's browser bundle stands an empty module in for node:crypto (it reads no Ruby).
import crypto from 'node:crypto';
import { quoteIdent, quoteQualified } from '../../sql/quote.js';
import { isFalse, isTrue, nameList, sqlValue, stringValue, symbolOrString, text, type RbCall, type RbNode } from './ruby.js';

/**
 * ActiveRecord's schema statements (Rails 7–8, the PostgreSQL adapter) as the SQL they send: `add_index`,
 * `add_reference`, `add_foreign_key`, `add_column`, `change_column`, `create_table` … Names Rails generates are
 * generated the same way (`index_users_on_email`, `fk_rails_<sha256[0,10]>`), so a later `remove_index` or
 * `validate_foreign_key` meets the objects the schema model replayed.
 */

export interface DslStatement {
  sql: string;
  /** The fix writers' handle: which call, and what kind of object it adds. */
  kind?: 'index' | 'remove-index' | 'foreign-key' | 'check' | 'reference';
  /** For a foreign key or a check: the table and constraint name, to write the later VALIDATE. */
  table?: string;
  constraint?: string;
}

export const ident = (name: string): string => quoteIdent(name);
/** A table name as Rails' quote_table_name writes it: `schema.table` is two names. */
export const table = (name: string): string =>
  name.includes('.') ? quoteQualified(name.slice(name.indexOf('.') + 1), name.slice(0, name.indexOf('.'))) : quoteIdent(name);

/** A table's name without its schema. */
function bare(name: string): string {
  return name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
}

/** ActiveSupport's singular for the regular English plurals table names use (users → user, categories → category). */
export function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(x|ch|sh|ss|s|z)es$/.test(word) && !/(ase|ose|use|ise)s$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** ActiveSupport's plural for the regular cases (user → users, category → categories, status → statuses). */
export function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(x|ch|sh|ss|s|z)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

const sha10 = (s: string): string => crypto.createHash('sha256').update(s).digest('hex').slice(0, 10);

/** Rails' foreign key name: `fk_rails_` + the first 10 hex digits of SHA-256("<table>_<column>_fk"). */
export function foreignKeyName(from: string, column: string): string {
  return `fk_rails_${sha10(`${bare(from)}_${column}_fk`)}`;
}

/** Rails' check constraint name: `chk_rails_` + the first 10 hex digits of SHA-256("<table>_<expression>_chk"). */
export function checkName(tbl: string, expression: string): string {
  return `chk_rails_${sha10(`${bare(tbl)}_${expression}_chk`)}`;
}

/** Rails' index name: `index_<table>_on_<col>_and_<col>`. */
export function indexName(tbl: string, columns: string[]): string {
  return `index_${bare(tbl)}_on_${columns.map((c) => c.replace(/\W+/g, '_').replace(/^_|_$/g, '')).join('_and_')}`;
}

/** Rails column types on PostgreSQL (activerecord's NATIVE_DATABASE_TYPES, Rails 7+: datetime is timestamp(6)). */
export function columnType(src: string, type: string, options: Map<string, RbNode>): string {
  const num = (k: string): string | undefined => {
    const v = options.get(k);
    return v?.type === 'integer' ? text(src, v) : undefined;
  };
  const limit = num('limit');
  const precision = num('precision');
  const scale = num('scale');
  let sql: string;
  switch (type) {
    case 'primary_key':
      sql = 'bigserial';
      break;
    case 'string':
      sql = limit ? `character varying(${limit})` : 'character varying';
      break;
    case 'integer':
      sql = limit === '8' ? 'bigint' : limit === '2' || limit === '1' ? 'smallint' : 'integer';
      break;
    case 'bigint':
    case 'references':
    case 'belongs_to':
      sql = 'bigint';
      break;
    case 'float':
      sql = 'double precision';
      break;
    case 'decimal':
    case 'numeric':
      sql = precision ? `numeric(${precision}${scale ? `,${scale}` : ''})` : 'numeric';
      break;
    case 'datetime':
    case 'timestamp':
      sql = options.has('precision') && options.get('precision')!.type === 'nil' ? 'timestamp' : `timestamp(${precision ?? '6'})`;
      break;
    case 'timestamptz':
      sql = `timestamp(${precision ?? '6'}) with time zone`;
      break;
    case 'time':
      sql = precision ? `time(${precision})` : 'time';
      break;
    case 'binary':
      sql = 'bytea';
      break;
    case 'enum': {
      const t = symbolOrString(src, options.get('enum_type'));
      sql = t ? ident(t) : 'text';
      break;
    }
    case 'bit':
      sql = limit ? `bit(${limit})` : 'bit';
      break;
    case 'bit_varying':
      sql = limit ? `bit varying(${limit})` : 'bit varying';
      break;
    default:
      // boolean, text, date, json, jsonb, uuid, inet, cidr, citext, hstore, ltree, tsvector, interval, xml,
      // money, point, int4range … are PostgreSQL's own names; anything else is passed through, as Rails does.
      sql = type;
  }
  return isTrue(src, options.get('array')) ? `${sql}[]` : sql;
}

/** `name type [DEFAULT v] [NOT NULL]` for a column definition. */
export function columnDef(src: string, name: string, type: string, options: Map<string, RbNode>): string {
  let sql = `${ident(name)} ${columnType(src, type, options)}`;
  if (type === 'primary_key') sql += ' PRIMARY KEY';
  const def = options.get('default');
  if (def) sql += ` DEFAULT ${sqlValue(src, def) ?? '$1'}`;
  if (isFalse(src, options.get('null'))) sql += ' NOT NULL';
  return sql;
}

const ON_ACTION: Record<string, string> = { cascade: 'CASCADE', nullify: 'SET NULL', restrict: 'RESTRICT', no_action: 'NO ACTION' };

function fkClause(src: string, column: string, to: string, o: Map<string, RbNode>): string {
  const pk = symbolOrString(src, o.get('primary_key')) ?? 'id';
  let sql = `FOREIGN KEY (${ident(column)}) REFERENCES ${table(to)} (${ident(pk)})`;
  const del = symbolOrString(src, o.get('on_delete'));
  const upd = symbolOrString(src, o.get('on_update'));
  if (del && ON_ACTION[del]) sql += ` ON DELETE ${ON_ACTION[del]}`;
  if (upd && ON_ACTION[upd]) sql += ` ON UPDATE ${ON_ACTION[upd]}`;
  const deferrable = symbolOrString(src, o.get('deferrable'));
  if (deferrable === 'immediate') sql += ' DEFERRABLE INITIALLY IMMEDIATE';
  else if (deferrable === 'deferred') sql += ' DEFERRABLE INITIALLY DEFERRED';
  return sql;
}

/** The columns of an index: names (`[:a, :b]`) or one SQL expression (`"lower(email)"`). */
function indexColumns(src: string, n: RbNode | undefined): { sql: string; names: string[] } | undefined {
  const names = nameList(src, n);
  if (!names) return undefined;
  if (names.length === 1 && /[()\s]/.test(names[0]!)) return { sql: names[0]!, names };
  return { sql: names.map(ident).join(', '), names };
}

function orderedColumns(src: string, names: string[], o: Map<string, RbNode>): string {
  const order = o.get('order');
  const opclass = o.get('opclass');
  const dir = (col: string): string => {
    if (!order) return '';
    const single = symbolOrString(src, order);
    if (single) return ` ${single.toUpperCase()}`;
    if (order.type === 'hash') {
      for (const p of order.children.filter((c) => c.type === 'pair')) {
        const k = p.children.find((c) => c.field === 'key');
        const v = p.children.find((c) => c.field === 'value');
        const key = k ? (k.type === 'hash_key_symbol' ? text(src, k) : symbolOrString(src, k)) : undefined;
        if (key === col) return ` ${(symbolOrString(src, v) ?? (v ? text(src, v) : '')).toUpperCase()}`;
      }
    }
    return '';
  };
  const cls = (col: string): string => {
    if (!opclass) return '';
    const single = symbolOrString(src, opclass);
    if (single) return ` ${single}`;
    if (opclass.type === 'hash') {
      for (const p of opclass.children.filter((c) => c.type === 'pair')) {
        const k = p.children.find((c) => c.field === 'key');
        const v = p.children.find((c) => c.field === 'value');
        const key = k ? (k.type === 'hash_key_symbol' ? text(src, k) : symbolOrString(src, k)) : undefined;
        if (key === col) return ` ${symbolOrString(src, v) ?? ''}`;
      }
    }
    return '';
  };
  return names.map((c) => `${ident(c)}${cls(c)}${dir(c)}`).join(', ');
}

/** `CREATE INDEX` for add_index / t.index, with Rails' options. */
export function createIndex(src: string, tbl: string, columnsNode: RbNode | undefined, o: Map<string, RbNode>): DslStatement | null {
  const cols = indexColumns(src, columnsNode);
  if (!cols) return null;
  const name = symbolOrString(src, o.get('name')) ?? indexName(tbl, cols.names);
  const unique = isTrue(src, o.get('unique'));
  const concurrently = symbolOrString(src, o.get('algorithm')) === 'concurrently';
  const using = symbolOrString(src, o.get('using'));
  const where = o.get('where') ? stringValue(src, o.get('where')!) : undefined;
  const include = nameList(src, o.get('include'));
  const columnSql = cols.names.length === 1 && cols.sql === cols.names[0] ? cols.sql : orderedColumns(src, cols.names, o);
  let sql = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${isTrue(src, o.get('if_not_exists')) ? 'IF NOT EXISTS ' : ''}${ident(name)} ON ${table(tbl)}`;
  if (using) sql += ` USING ${using}`;
  sql += ` (${columnSql})`;
  if (include?.length) sql += ` INCLUDE (${include.map(ident).join(', ')})`;
  if (isTrue(src, o.get('nulls_not_distinct'))) sql += ' NULLS NOT DISTINCT';
  if (where && where.dynamic === 0) sql += ` WHERE ${where.text}`;
  return { sql, kind: 'index' };
}

/** What the DSL needs from outside the file: the foreign keys earlier migrations added (Rails finds one by its target table). */
export interface DslContext {
  foreignKey?(from: string, to: string): { column?: string; name?: string } | undefined;
  /**
   * The class is `ActiveRecord::Migration[4.2]` or older (or unversioned, Rails 4 and before): ActiveRecord keeps
   * 4.2's default for it (Migration::Compatibility, FourTwoShared), so `add_timestamps` and `t.timestamps` without
   * `null:` add columns that allow NULL. From `[5.0]` on they are NOT NULL.
   */
  nullableTimestamps?: boolean;
  /**
   * The class is `ActiveRecord::Migration[5.0]` or older (or unversioned): ActiveRecord keeps 5.0's key types for it
   * (Migration::Compatibility::V5_0): `create_table` makes an integer (serial) `id`, and `references` /
   * `add_reference` an integer column. From `[5.1]` on both are bigint.
   */
  integerKeys?: boolean;
  /**
   * The class is `ActiveRecord::Migration[4.2]` or older (or unversioned): `references` / `add_reference` without
   * `index:` add no index (Migration::Compatibility::V4_2). From `[5.0]` on they add one.
   */
  unindexedReferences?: boolean;
}

/** The name of the foreign key `validate_foreign_key` / `remove_foreign_key` mean, as Rails finds it. */
function existingForeignKey(src: string, tbl: string, c: RbCall, dsl: DslContext): string | undefined {
  const o = c.options;
  const name = symbolOrString(src, o.get('name'));
  if (name) return name;
  const to = symbolOrString(src, c.args[1]);
  let column = symbolOrString(src, o.get('column'));
  if (!column && to) {
    // Rails looks the key up among the table's foreign keys by the table it references.
    const found = dsl.foreignKey?.(tbl, to);
    if (found?.name) return found.name;
    column = found?.column ?? `${singular(bare(to))}_id`;
  }
  return column ? foreignKeyName(tbl, column) : undefined;
}

/** The SQL of one schema statement call, or null when the call is not one migralint reads (or its arguments are built at run time). */
export function dslSql(src: string, c: RbCall, dsl: DslContext = {}): DslStatement[] | null {
  const a = c.args;
  const o = c.options;
  const tbl = symbolOrString(src, a[0]);
  const str = (i: number) => symbolOrString(src, a[i]);
  switch (c.method) {
    case 'add_index': {
      if (!tbl) return null;
      const s = createIndex(src, tbl, a[1], o);
      return s ? [s] : null;
    }
    case 'remove_index': {
      if (!tbl) return null;
      const cols = indexColumns(src, a[1] ?? o.get('column'));
      const name = symbolOrString(src, o.get('name')) ?? (cols ? indexName(tbl, cols.names) : undefined);
      if (!name) return null;
      const concurrently = symbolOrString(src, o.get('algorithm')) === 'concurrently';
      return [
        { sql: `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${isTrue(src, o.get('if_exists')) ? 'IF EXISTS ' : ''}${ident(name)}`, kind: 'remove-index' },
      ];
    }
    case 'rename_index': {
      const from = str(1);
      const to = str(2);
      return tbl && from && to ? [{ sql: `ALTER INDEX ${ident(from)} RENAME TO ${ident(to)}` }] : null;
    }
    case 'add_reference':
    case 'add_belongs_to': {
      const ref = str(1);
      if (!tbl || !ref) return null;
      return referenceSql(src, tbl, ref, o, 'alter', dsl);
    }
    case 'add_foreign_key': {
      const to = str(1);
      if (!tbl || !to) return null;
      const column = symbolOrString(src, o.get('column')) ?? `${singular(bare(to))}_id`;
      const name = symbolOrString(src, o.get('name')) ?? foreignKeyName(tbl, column);
      const notValid = isFalse(src, o.get('validate'));
      return [
        {
          sql: `ALTER TABLE ${table(tbl)} ADD CONSTRAINT ${ident(name)} ${fkClause(src, column, to, o)}${notValid ? ' NOT VALID' : ''}`,
          kind: 'foreign-key',
          table: tbl,
          constraint: name,
        },
      ];
    }
    case 'validate_foreign_key': {
      if (!tbl) return null;
      const name = existingForeignKey(src, tbl, c, dsl);
      return name ? [{ sql: `ALTER TABLE ${table(tbl)} VALIDATE CONSTRAINT ${ident(name)}` }] : null;
    }
    case 'remove_foreign_key': {
      if (!tbl) return null;
      const name = existingForeignKey(src, tbl, c, dsl);
      return name ? [{ sql: `ALTER TABLE ${table(tbl)} DROP CONSTRAINT ${isTrue(src, o.get('if_exists')) ? 'IF EXISTS ' : ''}${ident(name)}` }] : null;
    }
    case 'add_check_constraint': {
      const expr = a[1] ? stringValue(src, a[1]) : undefined;
      if (!tbl || !expr || expr.dynamic) return null;
      const name = symbolOrString(src, o.get('name')) ?? checkName(tbl, expr.text);
      const notValid = isFalse(src, o.get('validate'));
      return [
        {
          sql: `ALTER TABLE ${table(tbl)} ADD CONSTRAINT ${ident(name)} CHECK (${expr.text})${notValid ? ' NOT VALID' : ''}`,
          kind: 'check',
          table: tbl,
          constraint: name,
        },
      ];
    }
    case 'validate_check_constraint':
    case 'validate_constraint': {
      const name = symbolOrString(src, o.get('name')) ?? str(1);
      return tbl && name ? [{ sql: `ALTER TABLE ${table(tbl)} VALIDATE CONSTRAINT ${ident(name)}` }] : null;
    }
    case 'remove_check_constraint': {
      const expr = a[1] ? stringValue(src, a[1]) : undefined;
      const name = symbolOrString(src, o.get('name')) ?? (tbl && expr && !expr.dynamic ? checkName(tbl, expr.text) : undefined);
      return tbl && name ? [{ sql: `ALTER TABLE ${table(tbl)} DROP CONSTRAINT ${ident(name)}` }] : null;
    }
    case 'add_column': {
      const col = str(1);
      const type = str(2);
      if (!tbl || !col || !type) return null;
      return [{ sql: `ALTER TABLE ${table(tbl)} ADD COLUMN ${isTrue(src, o.get('if_not_exists')) ? 'IF NOT EXISTS ' : ''}${columnDef(src, col, type, o)}` }];
    }
    case 'add_timestamps': {
      if (!tbl) return null;
      const nullable = o.has('null') ? isTrue(src, o.get('null')) : Boolean(dsl.nullableTimestamps);
      const type = columnType(src, 'datetime', o);
      const def = o.get('default') ? ` DEFAULT ${sqlValue(src, o.get('default')) ?? '$1'}` : '';
      const col = (n: string) => `ADD COLUMN ${ident(n)} ${type}${def}${nullable ? '' : ' NOT NULL'}`;
      return [{ sql: `ALTER TABLE ${table(tbl)} ${col('created_at')}, ${col('updated_at')}` }];
    }
    case 'remove_timestamps':
      // remove_columns :t, :updated_at, :created_at, in that order.
      return tbl ? [{ sql: `ALTER TABLE ${table(tbl)} DROP COLUMN ${ident('updated_at')}, DROP COLUMN ${ident('created_at')}` }] : null;
    case 'change_column': {
      const col = str(1);
      const type = str(2);
      if (!tbl || !col || !type) return null;
      const using = o.get('using') ? stringValue(src, o.get('using')!) : undefined;
      const parts = [`ALTER COLUMN ${ident(col)} TYPE ${columnType(src, type, o)}${using && !using.dynamic ? ` USING ${using.text}` : ''}`];
      if (o.has('default'))
        parts.push(
          o.get('default')!.type === 'nil'
            ? `ALTER COLUMN ${ident(col)} DROP DEFAULT`
            : `ALTER COLUMN ${ident(col)} SET DEFAULT ${sqlValue(src, o.get('default')) ?? '$1'}`,
        );
      if (isFalse(src, o.get('null'))) parts.push(`ALTER COLUMN ${ident(col)} SET NOT NULL`);
      if (isTrue(src, o.get('null'))) parts.push(`ALTER COLUMN ${ident(col)} DROP NOT NULL`);
      return [{ sql: `ALTER TABLE ${table(tbl)} ${parts.join(', ')}` }];
    }
    case 'change_column_null': {
      const col = str(1);
      if (!tbl || !col || !a[2]) return null;
      const out: DslStatement[] = [];
      // ActiveRecord fills NULLs only when the column becomes NOT NULL and a default is given (`unless null || default.nil?`).
      if (a[3] && a[3].type !== 'nil' && isFalse(src, a[2]))
        out.push({ sql: `UPDATE ${table(tbl)} SET ${ident(col)} = ${sqlValue(src, a[3]) ?? '$1'} WHERE ${ident(col)} IS NULL` });
      out.push({ sql: `ALTER TABLE ${table(tbl)} ALTER COLUMN ${ident(col)} ${isFalse(src, a[2]) ? 'SET' : 'DROP'} NOT NULL` });
      return out;
    }
    case 'change_column_default': {
      const col = str(1);
      if (!tbl || !col) return null;
      const v = o.has('to') ? o.get('to') : a[2];
      if (!v) return null;
      return [{ sql: `ALTER TABLE ${table(tbl)} ALTER COLUMN ${ident(col)} ${v.type === 'nil' ? 'DROP DEFAULT' : `SET DEFAULT ${sqlValue(src, v) ?? '$1'}`}` }];
    }
    case 'rename_column': {
      const from = str(1);
      const to = str(2);
      return tbl && from && to ? [{ sql: `ALTER TABLE ${table(tbl)} RENAME COLUMN ${ident(from)} TO ${ident(to)}` }] : null;
    }
    case 'rename_table': {
      const to = str(1);
      return tbl && to ? [{ sql: `ALTER TABLE ${table(tbl)} RENAME TO ${ident(bare(to))}` }] : null;
    }
    case 'remove_column': {
      const col = str(1);
      return tbl && col ? [{ sql: `ALTER TABLE ${table(tbl)} DROP COLUMN ${isTrue(src, o.get('if_exists')) ? 'IF EXISTS ' : ''}${ident(col)}` }] : null;
    }
    case 'remove_columns': {
      const cols = a.slice(1).map((n) => symbolOrString(src, n));
      if (!tbl || cols.length === 0 || cols.some((x) => x === undefined)) return null;
      return [{ sql: `ALTER TABLE ${table(tbl)} ${cols.map((x) => `DROP COLUMN ${ident(x!)}`).join(', ')}` }];
    }
    case 'remove_reference':
    case 'remove_belongs_to': {
      const ref = str(1);
      return tbl && ref ? [{ sql: `ALTER TABLE ${table(tbl)} DROP COLUMN ${ident(`${ref}_id`)}` }] : null;
    }
    case 'drop_table':
      return tbl
        ? [
            {
              sql: `DROP TABLE ${isTrue(src, o.get('if_exists')) ? 'IF EXISTS ' : ''}${table(tbl)}${symbolOrString(src, o.get('force')) === 'cascade' ? ' CASCADE' : ''}`,
            },
          ]
        : null;
    case 'enable_extension':
      return tbl ? [{ sql: `CREATE EXTENSION IF NOT EXISTS ${ident(tbl)}` }] : null;
    case 'disable_extension':
      return tbl ? [{ sql: `DROP EXTENSION IF EXISTS ${ident(tbl)}` }] : null;
    case 'create_enum': {
      const values = nameList(src, a[1]);
      return tbl && values ? [{ sql: `CREATE TYPE ${ident(tbl)} AS ENUM (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})` }] : null;
    }
    case 'add_enum_value': {
      const v = str(1);
      return tbl && v
        ? [{ sql: `ALTER TYPE ${ident(tbl)} ADD VALUE ${isTrue(src, o.get('if_not_exists')) ? 'IF NOT EXISTS ' : ''}'${v.replace(/'/g, "''")}'` }]
        : null;
    }
    default:
      return null;
  }
}

/** The type of a reference's `<ref>_id` column: `type:`, else bigint (integer for a `[5.0]` migration or older). */
export function referenceType(src: string, o: Map<string, RbNode>, dsl: DslContext): string {
  return symbolOrString(src, o.get('type')) ?? (dsl.integerKeys ? 'integer' : 'bigint');
}

/** add_reference / t.references: the `<ref>_id` column, its index (on by default) and its foreign key when asked. */
export function referenceSql(src: string, tbl: string, ref: string, o: Map<string, RbNode>, mode: 'alter' | 'create', dsl: DslContext = {}): DslStatement[] {
  const out: DslStatement[] = [];
  const column = `${ref}_id`;
  const type = referenceType(src, o, dsl);
  const polymorphic = isTrue(src, o.get('polymorphic'));
  const def = columnDef(src, column, type, o);
  if (mode === 'alter') {
    out.push({
      sql: `ALTER TABLE ${table(tbl)} ADD COLUMN ${def}${polymorphic ? `, ADD COLUMN ${ident(`${ref}_type`)} character varying${isFalse(src, o.get('null')) ? ' NOT NULL' : ''}` : ''}`,
      kind: 'reference',
    });
  }
  const index = o.get('index');
  if (index ? !isFalse(src, index) && index.type !== 'nil' : !dsl.unindexedReferences) {
    const io = new Map<string, RbNode>();
    if (index?.type === 'hash') {
      for (const p of index.children.filter((c) => c.type === 'pair')) {
        const k = p.children.find((c) => c.field === 'key');
        const v = p.children.find((c) => c.field === 'value');
        const key = k ? (k.type === 'hash_key_symbol' ? text(src, k) : symbolOrString(src, k)) : undefined;
        if (key && v) io.set(key, v);
      }
    }
    const cols = polymorphic ? [`${ref}_type`, column] : [column];
    const name = symbolOrString(src, io.get('name')) ?? indexName(tbl, cols);
    const concurrently = symbolOrString(src, io.get('algorithm')) === 'concurrently';
    out.push({
      sql: `CREATE ${isTrue(src, io.get('unique')) ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${ident(name)} ON ${table(tbl)} (${cols.map(ident).join(', ')})`,
      kind: 'index',
    });
  }
  const fk = o.get('foreign_key');
  if (fk && !isFalse(src, fk) && fk.type !== 'nil' && !polymorphic) {
    const fo = new Map<string, RbNode>();
    if (fk.type === 'hash') {
      for (const p of fk.children.filter((c) => c.type === 'pair')) {
        const k = p.children.find((c) => c.field === 'key');
        const v = p.children.find((c) => c.field === 'value');
        const key = k ? (k.type === 'hash_key_symbol' ? text(src, k) : symbolOrString(src, k)) : undefined;
        if (key && v) fo.set(key, v);
      }
    }
    const to = symbolOrString(src, fo.get('to_table')) ?? plural(ref);
    const name = symbolOrString(src, fo.get('name')) ?? foreignKeyName(tbl, column);
    const notValid = isFalse(src, fo.get('validate'));
    out.push({
      sql: `ALTER TABLE ${table(tbl)} ADD CONSTRAINT ${ident(name)} ${fkClause(src, column, to, fo)}${notValid ? ' NOT VALID' : ''}`,
      kind: 'foreign-key',
      table: tbl,
      constraint: name,
    });
  }
  return out;
}
