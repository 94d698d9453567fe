import { quoteIdent } from '../../sql/quote.js';
import type { LbNode } from './tree.js';

/**
 * Liquibase change types as the SQL Liquibase generates for PostgreSQL (liquibase-core 4.x generators): names
 * unquoted when plain (PostgreSQL folds them, as Liquibase's LEGACY quoting leaves them), Liquibase's portable types
 * in PostgreSQL's spelling, `modifyDataType` with its `USING (col::type)`. A change it cannot turn into SQL gives a
 * reason instead, which becomes a note.
 */
export type ChangeSql = { statements: string[] } | { unreadable: string } | { skip: true };

const attr = (n: LbNode, k: string): string | undefined => n.attrs.get(k)?.value;
const isTrue = (v: string | undefined) => v !== undefined && /^true$/i.test(v.trim());
const isFalse = (v: string | undefined) => v !== undefined && /^false$/i.test(v.trim());

/** A name as Liquibase writes it for PostgreSQL: bare when plain (PostgreSQL folds it to lower case), quoted when a keyword or not plain. */
export function ident(name: string): string {
  const n = name.trim();
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(n) ? quoteIdent(n.toLowerCase()) : `"${n.replace(/"/g, '""')}"`;
}

function table(n: LbNode, key = 'tableName', schemaKey = 'schemaName'): string | undefined {
  const t = attr(n, key);
  if (!t) return undefined;
  const s = attr(n, schemaKey);
  return s ? `${ident(s)}.${ident(t)}` : ident(t);
}

const TYPES: Array<[RegExp, string]> = [
  [/^(?:java\.sql\.Types\.)?(?:datetime|timestamp)$/i, 'timestamp'],
  // liquibase-core's ClobType and BlobType, their aliases as PostgreSQL gets them: BLOB itself is an `oid` (a large
  // object, as Hibernate maps it); every other binary alias a `bytea`.
  [/^(?:n?clob|n?text|tinytext|mediumtext|longtext|longn?varchar|long n?varchar)$/i, 'text'],
  [/^blob$/i, 'oid'],
  [/^(?:longblob|tinyblob|mediumblob|varbinary|binary|longvarbinary|long binary|long varbinary|image)$/i, 'bytea'],
  [/^tinyint$/i, 'smallint'],
  [/^(?:int|integer|mediumint)$/i, 'integer'],
  [/^double$/i, 'double precision'],
  [/^currency$/i, 'decimal'],
  [/^(?:boolean|bit)$/i, 'boolean'],
  [/^uuid$/i, 'uuid'],
];

/** A Liquibase column type in PostgreSQL's terms; undefined for one built from a property (`${…}`). */
export function pgType(type: string | undefined, autoIncrement = false): string | undefined {
  if (!type || type.includes('${')) return undefined;
  // `VARCHAR(10) NULL` in a type attribute: the nullability is not part of the type.
  let t = type
    .trim()
    .replace(/^java\.sql\.Types\./i, '')
    .replace(/\s+(?:NOT\s+)?NULL$/i, '');
  t = t.replace(/^n(varchar|char)\b/i, '$1').replace(/^varchar2\b/i, 'varchar');
  const bare = /^([\w ]+?)\s*(\(.*\))?$/.exec(t);
  if (bare) {
    const hit = TYPES.find(([re]) => re.test(bare[1]!));
    if (hit) t = hit[1] + (hit[1] === 'timestamp' || hit[1] === 'decimal' ? (bare[2] ?? '') : '');
  }
  if (autoIncrement) {
    if (/^bigint$/i.test(t)) return 'bigserial';
    if (/^(integer|int4?)$/i.test(t)) return 'serial';
    if (/^smallint$/i.test(t)) return 'smallserial';
  }
  return t;
}

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** A value attribute family (`value`, `valueNumeric`, `valueBoolean`, `valueComputed`, `valueDate`; `defaultValue…` likewise) as SQL. */
function valueOf(n: LbNode, prefix: 'value' | 'defaultValue'): string | undefined {
  const get = (suffix: string) => attr(n, prefix + suffix);
  if (get('Computed') !== undefined) {
    // Liquibase writes its portable date functions as the database's own.
    const v = get('Computed')!.trim();
    if (/^(?:current_timestamp|now|getdate|sysdate|systimestamp|localtimestamp)\s*(?:\(\s*\))?$/i.test(v)) return 'now()';
    if (/^current_date\s*(?:\(\s*\))?$/i.test(v)) return 'CURRENT_DATE';
    return v;
  }
  if (get('Numeric') !== undefined) return get('Numeric')!.trim();
  if (get('Boolean') !== undefined) return isTrue(get('Boolean')) ? 'true' : 'false';
  if (get('Date') !== undefined) return quote(get('Date')!);
  if (get('SequenceNext') !== undefined) return `nextval(${quote(get('SequenceNext')!)})`;
  if (get('') !== undefined) return quote(get('')!);
  return undefined;
}

const columnsOf = (n: LbNode) => n.children.filter((c) => c.name === 'column');

function references(c: LbNode): string | undefined {
  const refs = attr(c, 'references');
  if (refs) return refs.replace(/\s*\(\s*/, ' (').trim();
  const t = attr(c, 'referencedTableName');
  if (!t) return undefined;
  const s = attr(c, 'referencedTableSchemaName');
  const cols = attr(c, 'referencedColumnNames');
  return `${s ? `${ident(s)}.` : ''}${ident(t)}${cols ? ` (${list(cols)})` : ''}`;
}

const list = (names: string) =>
  names
    .split(',')
    .filter((x) => x.trim())
    .map((x) => ident(x))
    .join(', ');

interface ColumnSql {
  def: string;
  primaryKey: boolean;
  foreignKey?: string;
}

/** One `<column>` as a column definition; its foreign key apart (addColumn adds it as its own statement). */
function columnDef(col: LbNode, inline: boolean): ColumnSql | string {
  const name = attr(col, 'name');
  if (!name) return 'a column without a name';
  const type = pgType(attr(col, 'type'), isTrue(attr(col, 'autoIncrement')));
  if (!type) return `the type of column ${name} (${attr(col, 'type') ?? 'none'}) is not one migralint can read`;
  const parts = [ident(name), type];
  const dflt = valueOf(col, 'defaultValue');
  if (dflt !== undefined) parts.push(`DEFAULT ${dflt}`);
  const k = col.children.find((c) => c.name === 'constraints');
  let primaryKey = false;
  let foreignKey: string | undefined;
  if (k) {
    if (isTrue(attr(k, 'primaryKey'))) primaryKey = true;
    if (isFalse(attr(k, 'nullable')) && !primaryKey) parts.push('NOT NULL');
    if (isTrue(attr(k, 'unique'))) parts.push(attr(k, 'uniqueConstraintName') ? `CONSTRAINT ${ident(attr(k, 'uniqueConstraintName')!)} UNIQUE` : 'UNIQUE');
    if (attr(k, 'checkConstraint')) parts.push(`CHECK (${attr(k, 'checkConstraint')})`);
    const ref = references(k);
    if (ref) {
      const fkName = attr(k, 'foreignKeyName');
      const action = isTrue(attr(k, 'deleteCascade')) ? ' ON DELETE CASCADE' : '';
      if (!fkName && inline) parts.push(`REFERENCES ${ref}${action}`);
      else foreignKey = `${fkName ? `CONSTRAINT ${ident(fkName)} ` : ''}FOREIGN KEY (${ident(name)}) REFERENCES ${ref}${action}`;
    }
  }
  return { def: parts.join(' '), primaryKey, foreignKey };
}

function fkActions(n: LbNode): string {
  let out = '';
  const del = attr(n, 'onDelete');
  const upd = attr(n, 'onUpdate');
  if (isTrue(attr(n, 'deleteCascade'))) out += ' ON DELETE CASCADE';
  else if (del) out += ` ON DELETE ${del.toUpperCase()}`;
  if (upd) out += ` ON UPDATE ${upd.toUpperCase()}`;
  if (isTrue(attr(n, 'deferrable'))) out += ' DEFERRABLE';
  if (isTrue(attr(n, 'initiallyDeferred'))) out += ' INITIALLY DEFERRED';
  return out;
}

/** The SQL a change type runs, or why migralint cannot say. `sql` and `sqlFile` are handled by the extractor. */
export function changeSql(n: LbNode): ChangeSql {
  // A changelog property (`${uuid}`) is set elsewhere (the master changelog, liquibase.properties, the command line).
  const property = [n, ...n.children, ...n.children.flatMap((c) => c.children)].flatMap((x) => [...x.attrs.values()]).find((v) => v.value.includes('${'));
  if (property) return { unreadable: `${n.name}: ${property.value.match(/\$\{[^}]*\}/)?.[0] ?? 'a property'} is a changelog property set outside this file` };
  const t = table(n);
  const need = (...vals: Array<string | undefined>): boolean => vals.every((v) => v !== undefined && v !== '');
  const col = attr(n, 'columnName');
  switch (n.name) {
    case 'createTable': {
      if (!t) break;
      const defs: string[] = [];
      const pk: string[] = [];
      for (const c of columnsOf(n)) {
        const d = columnDef(c, true);
        if (typeof d === 'string') return { unreadable: `createTable ${attr(n, 'tableName')}: ${d}` };
        defs.push(d.def);
        if (d.primaryKey) pk.push(ident(attr(c, 'name')!));
        if (d.foreignKey) defs.push(d.foreignKey);
      }
      const pkName = columnsOf(n)
        .map((c) => c.children.find((k) => k.name === 'constraints'))
        .map((k) => (k ? attr(k, 'primaryKeyName') : undefined))
        .find((x) => x);
      if (pk.length) defs.push(`${pkName ? `CONSTRAINT ${ident(pkName)} ` : ''}PRIMARY KEY (${pk.join(', ')})`);
      return { statements: [`CREATE TABLE ${isTrue(attr(n, 'ifNotExists')) ? 'IF NOT EXISTS ' : ''}${t} (${defs.join(', ')})`] };
    }
    case 'addColumn': {
      if (!t) break;
      const out: string[] = [];
      for (const c of columnsOf(n)) {
        const d = columnDef(c, false);
        if (typeof d === 'string') return { unreadable: `addColumn ${attr(n, 'tableName')}: ${d}` };
        out.push(`ALTER TABLE ${t} ADD COLUMN ${d.def}${d.primaryKey ? ' PRIMARY KEY' : ''}`);
        if (d.foreignKey) out.push(`ALTER TABLE ${t} ADD ${d.foreignKey}`);
      }
      return { statements: out };
    }
    case 'createIndex': {
      if (!t) break;
      const cols = columnsOf(n).map(
        (c) => (isTrue(attr(c, 'computed')) ? `(${attr(c, 'name')})` : ident(attr(c, 'name') ?? '')) + (isTrue(attr(c, 'descending')) ? ' DESC' : ''),
      );
      if (cols.length === 0) break;
      const name = attr(n, 'indexName');
      return { statements: [`CREATE ${isTrue(attr(n, 'unique')) ? 'UNIQUE ' : ''}INDEX ${name ? `${ident(name)} ` : ''}ON ${t} (${cols.join(', ')})`] };
    }
    case 'dropIndex': {
      const name = attr(n, 'indexName');
      if (!name) break;
      const s = attr(n, 'schemaName');
      return { statements: [`DROP INDEX ${s ? `${ident(s)}.` : ''}${ident(name)}`] };
    }
    case 'addForeignKeyConstraint': {
      const base = table(n, 'baseTableName', 'baseTableSchemaName');
      const ref = table(n, 'referencedTableName', 'referencedTableSchemaName');
      const from = attr(n, 'baseColumnNames');
      const to = attr(n, 'referencedColumnNames');
      if (!base || !ref || !need(from, to)) break;
      const name = attr(n, 'constraintName');
      const notValid = isFalse(attr(n, 'validate')) ? ' NOT VALID' : '';
      return {
        statements: [
          `ALTER TABLE ${base} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}FOREIGN KEY (${list(from!)}) REFERENCES ${ref} (${list(to!)})${fkActions(n)}${notValid}`,
        ],
      };
    }
    case 'addNotNullConstraint': {
      if (!t || !col) break;
      const out: string[] = [];
      const fill = attr(n, 'defaultNullValue');
      if (fill !== undefined)
        out.push(
          `UPDATE ${t} SET ${ident(col)} = ${/^-?\d+(\.\d+)?$/.test(fill) || /^(true|false)$/i.test(fill) ? fill : quote(fill)} WHERE ${ident(col)} IS NULL`,
        );
      out.push(`ALTER TABLE ${t} ALTER COLUMN ${ident(col)} SET NOT NULL`);
      return { statements: out };
    }
    case 'dropNotNullConstraint':
      if (!t || !col) break;
      return { statements: [`ALTER TABLE ${t} ALTER COLUMN ${ident(col)} DROP NOT NULL`] };
    case 'addUniqueConstraint': {
      const cols = attr(n, 'columnNames');
      if (!t || !cols) break;
      const name = attr(n, 'constraintName');
      const using = attr(n, 'forIndexName');
      const body = using ? `UNIQUE USING INDEX ${ident(using)}` : `UNIQUE (${list(cols)})`;
      return {
        statements: [
          `ALTER TABLE ${t} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}${body}${isTrue(attr(n, 'deferrable')) ? ' DEFERRABLE' : ''}${isTrue(attr(n, 'initiallyDeferred')) ? ' INITIALLY DEFERRED' : ''}`,
        ],
      };
    }
    case 'addPrimaryKey': {
      const cols = attr(n, 'columnNames');
      if (!t || !cols) break;
      const name = attr(n, 'constraintName');
      return { statements: [`ALTER TABLE ${t} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}PRIMARY KEY (${list(cols)})`] };
    }
    case 'dropColumn': {
      if (!t) break;
      const names = col
        ? [col]
        : columnsOf(n)
            .map((c) => attr(c, 'name'))
            .filter((x): x is string => !!x);
      if (names.length === 0) break;
      return { statements: [`ALTER TABLE ${t} ${names.map((c) => `DROP COLUMN ${ident(c)}`).join(', ')}`] };
    }
    case 'renameColumn': {
      const from = attr(n, 'oldColumnName');
      const to = attr(n, 'newColumnName');
      if (!t || !need(from, to)) break;
      return { statements: [`ALTER TABLE ${t} RENAME COLUMN ${ident(from!)} TO ${ident(to!)}`] };
    }
    case 'renameTable': {
      const from = table(n, 'oldTableName');
      const to = attr(n, 'newTableName');
      if (!from || !need(to)) break;
      return { statements: [`ALTER TABLE ${from} RENAME TO ${ident(to!)}`] };
    }
    case 'dropTable':
      if (!t) break;
      return { statements: [`DROP TABLE ${t}${isTrue(attr(n, 'cascadeConstraints')) ? ' CASCADE' : ''}`] };
    case 'modifyDataType': {
      const type = pgType(attr(n, 'newDataType'));
      if (!t || !col) break;
      if (!type) return { unreadable: `modifyDataType ${attr(n, 'tableName')}.${col}: the type ${attr(n, 'newDataType') ?? ''} is not one migralint can read` };
      return { statements: [`ALTER TABLE ${t} ALTER COLUMN ${ident(col)} TYPE ${type} USING (${ident(col)}::${type})`] };
    }
    case 'addDefaultValue': {
      const v = valueOf(n, 'defaultValue');
      if (!t || !col || v === undefined) break;
      return { statements: [`ALTER TABLE ${t} ALTER COLUMN ${ident(col)} SET DEFAULT ${v}`] };
    }
    case 'dropDefaultValue':
      if (!t || !col) break;
      return { statements: [`ALTER TABLE ${t} ALTER COLUMN ${ident(col)} DROP DEFAULT`] };
    case 'dropForeignKeyConstraint':
    case 'dropUniqueConstraint':
    case 'dropPrimaryKey': {
      const tt = n.name === 'dropForeignKeyConstraint' ? table(n, 'baseTableName', 'baseTableSchemaName') : t;
      const name = attr(n, 'constraintName');
      if (!tt || !name) break;
      return { statements: [`ALTER TABLE ${tt} DROP CONSTRAINT ${ident(name)}`] };
    }
    case 'createSequence': {
      const name = attr(n, 'sequenceName');
      if (!name) break;
      const start = attr(n, 'startValue');
      return { statements: [`CREATE SEQUENCE ${ident(name)}${start ? ` START WITH ${start}` : ''}`] };
    }
    case 'insert':
    case 'update':
    case 'delete': {
      if (!t) break;
      const cols = columnsOf(n);
      const where = n.children.find((c) => c.name === 'where')?.body?.value ?? attr(n, 'where');
      const values = cols.map((c) => [ident(attr(c, 'name') ?? ''), valueOf(c, 'value') ?? 'NULL'] as const);
      if (n.name === 'insert')
        return { statements: [`INSERT INTO ${t} (${values.map((v) => v[0]).join(', ')}) VALUES (${values.map((v) => v[1]).join(', ')})`] };
      const w = where ? ` WHERE ${where}` : '';
      if (n.name === 'update')
        return values.length
          ? { statements: [`UPDATE ${t} SET ${values.map((v) => `${v[0]} = ${v[1]}`).join(', ')}${w}`] }
          : { unreadable: 'update without columns' };
      return { statements: [`DELETE FROM ${t}${w}`] };
    }
    case 'tagDatabase':
    case 'output':
    case 'empty':
    case 'stop':
      return { skip: true };
    default:
      return { unreadable: `the change type ${n.name} is not one migralint reads` };
  }
  return { unreadable: `${n.name}: a required attribute is missing or built from a property` };
}
