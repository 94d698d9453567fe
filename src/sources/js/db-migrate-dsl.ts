import { chainOf, keyName, literalValue, unwrap, type Node } from './estree.js';
import { quoteLiteral } from '../../sql/quote.js';
import { cols, ident, qualified, stringArg, type ExtractEnv, type OperationSpec } from './extract.js';

/**
 * db-migrate's schema DSL read into the SQL its PostgreSQL driver (db-migrate-pg) sends: `db.createTable`,
 * `db.addColumn`, `db.addIndex`, `db.addForeignKey` … in promise style (`return db.addIndex(…)`), callback style
 * (`db.addIndex(…, callback)`) and bound style (`db.addIndex.bind(db, …)` inside `async.series`). `db.runSql` is
 * SQL text, read by the shared extractor.
 */

const METHODS = new Set([
  'createTable',
  'dropTable',
  'renameTable',
  'addColumn',
  'removeColumn',
  'renameColumn',
  'changeColumn',
  'addIndex',
  'removeIndex',
  'addForeignKey',
  'removeForeignKey',
]);

/** dbm.dataType constants (db-migrate-shared) by name, as the strings they stand for. */
const DATA_TYPES: Record<string, string> = {
  CHAR: 'char',
  STRING: 'string',
  TEXT: 'text',
  SMALLINT: 'smallint',
  BIGINT: 'bigint',
  INTEGER: 'int',
  SMALL_INTEGER: 'smallint',
  BIG_INTEGER: 'bigint',
  REAL: 'real',
  DATE: 'date',
  DATE_TIME: 'datetime',
  TIME: 'time',
  BLOB: 'blob',
  TIMESTAMP: 'timestamp',
  BINARY: 'binary',
  BOOLEAN: 'boolean',
  DECIMAL: 'decimal',
};

/** The PostgreSQL type db-migrate-pg writes for a db-migrate type name. */
function pgType(type: string): string {
  const t = type.toLowerCase();
  if (t === 'string') return 'VARCHAR';
  if (t === 'int') return 'INTEGER';
  if (t === 'datetime') return 'TIMESTAMP';
  if (t === 'blob' || t === 'binary') return 'BYTEA';
  if (t === 'timestamptz') return 'TIMESTAMP WITH TIME ZONE';
  if (t === 'timetz') return 'TIME WITH TIME ZONE';
  return type.toUpperCase();
}

/** A type written as a string or a `type.INTEGER` constant. */
function typeOf(env: ExtractEnv, node: Node | undefined): string | undefined {
  const n = unwrap(env.resolve(node));
  const v = literalValue(n);
  if (typeof v === 'string') return v;
  if (n?.type === 'MemberExpression' && n.property?.type === 'Identifier') return DATA_TYPES[n.property.name as string];
  return undefined;
}

function propNode(obj: Node | null | undefined, name: string): Node | undefined {
  const o = unwrap(obj);
  if (o?.type !== 'ObjectExpression') return undefined;
  return o.properties.find((p: Node) => p.type === 'Property' && keyName(p) === name)?.value;
}

/** A column spec (`'string'` shorthand, or `{ type, length, primaryKey, autoIncrement, notNull, unique, defaultValue }`) as SQL; null when unreadable. */
function columnDef(env: ExtractEnv, name: string, specNode: Node | undefined): string | null {
  const spec = unwrap(env.resolve(specNode));
  const shorthand = literalValue(spec);
  if (typeof shorthand === 'string') return `${ident(name)} ${pgType(shorthand)}`;
  if (spec?.type !== 'ObjectExpression') return null;
  const type = typeOf(env, propNode(spec, 'type'));
  if (!type) return null;
  const flag = (key: string) => literalValue(propNode(spec, key)) === true;
  const length = literalValue(propNode(spec, 'length'));
  const parts = [ident(name)];
  const serial = flag('primaryKey') && flag('autoIncrement');
  if (serial) parts.push(/^(bigint|big_integer)$/i.test(type) ? 'BIGSERIAL' : 'SERIAL');
  else parts.push(`${pgType(type)}${typeof length === 'number' || typeof length === 'string' ? `(${length})` : ''}`);
  if (flag('primaryKey')) parts.push('PRIMARY KEY');
  if (flag('notNull')) parts.push('NOT NULL');
  if (flag('unique')) parts.push('UNIQUE');
  const dflt = propNode(spec, 'defaultValue');
  const raw = rawDefault(dflt);
  if (raw !== undefined) parts.push(`DEFAULT ${raw}`);
  else if (dflt) {
    const v = literalValue(env.resolve(dflt));
    if (typeof v === 'string') parts.push(`DEFAULT ${quoteLiteral(v)}`);
    else if (typeof v === 'number' || typeof v === 'boolean') parts.push(`DEFAULT ${String(v)}`);
    else if (v && typeof v === 'object' && (v as { special?: unknown }).special === 'CURRENT_TIMESTAMP') parts.push('DEFAULT CURRENT_TIMESTAMP');
    else if (v && typeof v === 'object' && typeof (v as { prep?: unknown }).prep === 'string') parts.push(`DEFAULT ${(v as { prep: string }).prep}`);
    else if (v === null) parts.push('DEFAULT NULL');
    else return null;
  }
  return parts.join(' ');
}

/** Column names: `'a'`, `['a', 'b']`, `[{ name: 'a', length: 10 }]`. */
function columnList(env: ExtractEnv, node: Node | undefined): string[] | undefined {
  const v = literalValue(env.resolve(node));
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
  if (!list) return undefined;
  const out: string[] = [];
  for (const c of list) {
    if (typeof c === 'string') out.push(c);
    else if (c && typeof c === 'object' && typeof (c as { name?: unknown }).name === 'string') out.push((c as { name: string }).name);
    else return undefined;
  }
  return out;
}

/** The operations of one db-migrate DSL call, or null when `call` is not one. */
export function dbMigrateOperations(call: Node, env: ExtractEnv): OperationSpec[] | null {
  const chain = chainOf(call.callee);
  if (!chain) return null;
  const parts = chain.split('.');
  // db.addIndex(…) or db.addIndex.bind(db, …): the receiver is one plain name (the up function's `db`).
  const bound = parts.length === 3 && parts[2] === 'bind';
  if (!(parts.length === 2 || bound) || !METHODS.has(parts[1]!)) return null;
  const method = parts[1]!;
  const args: Node[] = bound ? call.arguments.slice(1) : call.arguments;
  const label = `db.${method}`;
  const unreadable = (what: string): OperationSpec[] => {
    env.note(`${label}: ${what} not a literal migralint can read; this call is not linted.`, call);
    return [];
  };
  const one = (sql: string): OperationSpec[] => [{ sql, at: call, call: label }];
  const table = stringArg(env, args[0]);
  if (table === undefined && method !== 'removeIndex') return unreadable('the table is');
  const t = qualified(table ?? '');
  switch (method) {
    case 'createTable': {
      const spec = unwrap(env.resolve(args[1]));
      if (spec?.type !== 'ObjectExpression') return unreadable('the columns are');
      const columnsNode = propNode(spec, 'columns');
      const columns = columnsNode ? unwrap(env.resolve(columnsNode)) : spec;
      if (columns?.type !== 'ObjectExpression') return unreadable('the columns are');
      const defs: string[] = [];
      for (const p of columns.properties) {
        const name = p.type === 'Property' ? keyName(p) : undefined;
        const def = name === undefined ? null : columnDef(env, name, p.value);
        if (def === null) return unreadable(`the column ${name ?? '(computed)'} is`);
        defs.push(def);
      }
      const ifNotExists = columnsNode && literalValue(propNode(spec, 'ifNotExists')) === true;
      return one(`CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${t} (${defs.join(', ')})`);
    }
    case 'dropTable': {
      const ifExists = literalValue(propNode(env.resolve(args[1]), 'ifExists')) === true;
      return one(`DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${t}`);
    }
    case 'renameTable': {
      const to = stringArg(env, args[1]);
      return to === undefined ? unreadable('the new name is') : one(`ALTER TABLE ${t} RENAME TO ${ident(to)}`);
    }
    case 'addColumn': {
      const name = stringArg(env, args[1]);
      const def = name === undefined ? null : columnDef(env, name, args[2]);
      return def === null ? unreadable('the column is') : one(`ALTER TABLE ${t} ADD COLUMN ${def}`);
    }
    case 'removeColumn': {
      const name = stringArg(env, args[1]);
      return name === undefined ? unreadable('the column is') : one(`ALTER TABLE ${t} DROP COLUMN ${ident(name)}`);
    }
    case 'renameColumn': {
      const from = stringArg(env, args[1]);
      const to = stringArg(env, args[2]);
      return from === undefined || to === undefined ? unreadable('a column name is') : one(`ALTER TABLE ${t} RENAME COLUMN ${ident(from)} TO ${ident(to)}`);
    }
    case 'changeColumn': {
      // db-migrate-pg sends NOT NULL, then UNIQUE, then the default, then the type: one statement each.
      const name = stringArg(env, args[1]);
      const spec = unwrap(env.resolve(args[2]));
      if (name === undefined || spec?.type !== 'ObjectExpression') return unreadable('the column is');
      const c = ident(name);
      const out = [`ALTER TABLE ${t} ALTER COLUMN ${c} ${literalValue(propNode(spec, 'notNull')) === true ? 'SET' : 'DROP'} NOT NULL`];
      const unique = literalValue(propNode(spec, 'unique'));
      if (unique === true) out.push(`ALTER TABLE ${t} ADD CONSTRAINT ${ident(`${table}_${name}_key`)} UNIQUE (${c})`);
      if (unique === false) out.push(`ALTER TABLE ${t} DROP CONSTRAINT ${ident(`${table}_${name}_key`)}`);
      const dflt = propNode(spec, 'defaultValue');
      const v = dflt ? literalValue(env.resolve(dflt)) : undefined;
      if (!dflt) out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT`);
      else if (typeof v === 'string') out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${quoteLiteral(v)}`);
      else if (typeof v === 'number' || typeof v === 'boolean') out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${String(v)}`);
      const type = propNode(spec, 'type') ? typeOf(env, propNode(spec, 'type')) : undefined;
      if (type) {
        const length = literalValue(propNode(spec, 'length'));
        const using = literalValue(propNode(spec, 'using'));
        const pg = pgType(type);
        out.push(
          `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${pg}${typeof length === 'number' ? `(${length})` : ''} ${typeof using === 'string' ? using : `USING ${c}::${pg}`}`,
        );
      }
      return out.map((sql) => ({ sql, at: call, call: label }));
    }
    case 'addIndex': {
      const name = stringArg(env, args[1]);
      const columns = columnList(env, args[2]);
      if (name === undefined || !columns) return unreadable('the index name or columns are');
      const unique = literalValue(env.resolve(args[3])) === true;
      return one(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${ident(name)} ON ${t} (${cols(columns)})`);
    }
    case 'removeIndex': {
      // removeIndex(indexName) or removeIndex(tableName, indexName).
      const second = args.length >= 2 && !isCallback(args[1]) ? stringArg(env, args[1]) : undefined;
      const name = second ?? stringArg(env, args[0]);
      return name === undefined ? unreadable('the index name is') : one(`DROP INDEX ${ident(name)}`);
    }
    case 'addForeignKey': {
      const ref = stringArg(env, args[1]);
      const key = stringArg(env, args[2]);
      const mapping = literalValue(env.resolve(args[3]));
      if (ref === undefined || key === undefined || !mapping || typeof mapping !== 'object' || Array.isArray(mapping)) return unreadable('the foreign key is');
      const entries = Object.entries(mapping as Record<string, unknown>);
      if (!entries.every(([, v]) => typeof v === 'string')) return unreadable('the foreign key is');
      const rules = literalValue(env.resolve(args[4])) as Record<string, unknown> | undefined;
      const action = (k: string) => (rules && typeof rules === 'object' && typeof rules[k] === 'string' ? (rules[k] as string) : 'NO ACTION');
      return one(
        `ALTER TABLE ${t} ADD CONSTRAINT ${ident(key)} FOREIGN KEY (${cols(entries.map(([k]) => k))}) REFERENCES ${qualified(ref)} (${cols(entries.map(([, v]) => v as string))}) ON DELETE ${action('onDelete')} ON UPDATE ${action('onUpdate')}`,
      );
    }
    case 'removeForeignKey': {
      const key = stringArg(env, args[1]);
      return key === undefined ? unreadable('the key name is') : one(`ALTER TABLE ${t} DROP CONSTRAINT ${ident(key)}`);
    }
  }
  return null;
}

/** `new String('CURRENT_TIMESTAMP')`: db-migrate writes a String object unquoted, as an SQL expression. */
function rawDefault(node: Node | undefined): string | undefined {
  const n = unwrap(node);
  if (n?.type !== 'NewExpression' || n.callee?.type !== 'Identifier' || n.callee.name !== 'String') return undefined;
  const v = literalValue(n.arguments?.[0]);
  return typeof v === 'string' ? v : undefined;
}

function isCallback(node: Node | undefined): boolean {
  const n = unwrap(node);
  return (
    n?.type === 'FunctionExpression' ||
    n?.type === 'ArrowFunctionExpression' ||
    (n?.type === 'Identifier' && /^(?:callback|cb|done|next)$/.test(n.name as string))
  );
}
