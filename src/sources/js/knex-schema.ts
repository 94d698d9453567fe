import { chainOf, firstParamName, isFunction, literalValue, property, propertyValue, rangeOf, unwrap, walk, type Node } from './estree.js';
import { quoteLiteral } from '../../sql/quote.js';
import { cols, ident, ifBranchDatabase, qualified, stringArg, type ExtractEnv, type OperationSpec } from './extract.js';

/**
 * Knex's schema builder read as the SQL its PostgreSQL compiler sends (knex 3.1: lib/dialects/postgres/schema/
 * pg-columncompiler.js and pg-tablecompiler.js). `knex.schema.createTable(name, t => …)` is one CREATE TABLE with
 * its columns; `alterTable`/`table` add, alter and drop columns and constraints; `dropTable`, `renameTable` and
 * the schema calls are the statements they run. What cannot be read (a name or type that is not a literal) is a
 * note, never a guess. Each statement is located at the call that makes it.
 */

const TABLE_CALL = /(^|\.)schema((?:\.\w+\(\))*)\.(alterTable|table|createTable|createTableIfNotExists)$/;
const SCHEMA_CALL =
  /(^|\.)schema((?:\.\w+\(\))*)\.(dropTable|dropTableIfExists|renameTable|createSchema|createSchemaIfNotExists|dropSchema|dropSchemaIfExists)$/;

function numberArg(env: ExtractEnv, node: Node | undefined): number | null | undefined {
  const r = env.resolve(node);
  if (r?.type === 'Literal' && r.value === null) return null;
  const v = literalValue(r);
  return typeof v === 'number' ? v : undefined;
}

/** Column list: `'a'`, `['a', 'b']`. */
function columnsArg(env: ExtractEnv, node: Node | undefined): string[] | undefined {
  const v = literalValue(env.resolve(node));
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
  if (!list || !list.every((c) => typeof c === 'string')) return undefined;
  return list as string[];
}

/** Knex's generated constraint and index names: `${table}_${columns}_${type}`, lower case, `-` and `.` as `_`. */
function knexIndexName(table: string, columns: string[], type: string): string {
  return `${table}_${columns.join('_')}_${type}`.toLowerCase().replace(/[-.]/g, '_');
}

/**
 * Where a schema call's statement lands: the call, or from its member name on when the chain before it spans lines
 * (`.createTable('b', …)` in `knex.schema⏎  .createTable('a', …)⏎  .createTable('b', …)`).
 */
function callSite(call: Node, text: string): Node {
  const callee = unwrap(call.callee);
  if (callee?.type !== 'MemberExpression') return call;
  const [start, end] = rangeOf(call);
  const from = rangeOf(callee.property)[0];
  return /\n/.test(text.slice(start, from)) ? { type: 'Span', start: from, end } : call;
}

/** `withSchema('app')` earlier in the chain: the schema the table is in. Undefined when absent, null when not a literal. */
function withSchemaOf(env: ExtractEnv, call: Node): string | null | undefined {
  for (let n = unwrap(unwrap(call.callee)?.object); n;) {
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee?.type === 'MemberExpression' && callee.property?.name === 'withSchema') return stringArg(env, n.arguments[0]) ?? null;
      n = unwrap(callee?.type === 'MemberExpression' ? callee.object : null);
    } else if (n.type === 'MemberExpression') n = unwrap(n.object);
    else return undefined;
  }
  return undefined;
}

/** One link of a builder chain: `.notNullable()`, `.defaultTo(x)`. */
interface Link {
  name: string;
  args: Node[];
  call: Node;
}

/** `t.string('a').notNullable().defaultTo('x')`: the calls chained on the root call, in order. */
function chainAfter(root: Node, parentOf: Map<Node, Node>): Link[] {
  const out: Link[] = [];
  let cur = root;
  for (let p = parentOf.get(cur); p?.type === 'MemberExpression' && p.object === cur && parentOf.get(p)?.type === 'CallExpression'; p = parentOf.get(cur)) {
    const outer = parentOf.get(p)!;
    if (outer.callee !== p || !p.property?.name) break;
    out.push({ name: p.property.name, args: outer.arguments, call: outer });
    cur = outer;
  }
  return out;
}

/** The SQL of `knex.fn.now()`, `knex.raw('…')` or a literal default; undefined when it cannot be read. */
function defaultSql(env: ExtractEnv, node: Node | undefined, type: string): string | undefined {
  const r = env.resolve(node);
  if (!r) return undefined;
  if (r.type === 'CallExpression') {
    const c = chainOf(r.callee) ?? '';
    if (/(^|\.)fn\.now$/.test(c) && r.arguments.length === 0) return 'CURRENT_TIMESTAMP';
    if (/(^|\.)fn\.uuid$/.test(c) && r.arguments.length === 0) return '(gen_random_uuid())';
    if (/(^|\.)raw$/.test(c) && r.arguments.length === 1) return stringArg(env, r.arguments[0]);
    return undefined;
  }
  if (r.type === 'Literal' && r.value === null) return 'NULL';
  if (r.type === 'UnaryExpression' && r.operator === '-' && r.argument?.type === 'Literal' && typeof r.argument.value === 'number')
    return quoteLiteral(String(-r.argument.value));
  const v = literalValue(r);
  if (v === undefined) return undefined;
  // The column compiler: booleans of a boolean column as '1'/'0', objects of a json column as their JSON.
  if (type === 'boolean') return quoteLiteral(v === 'false' ? '0' : v ? '1' : '0');
  if (typeof v === 'object') return /^jsonb?$/.test(type) ? quoteLiteral(JSON.stringify(v)) : undefined;
  return quoteLiteral(String(v));
}

interface Column {
  method?: string;
  name: string;
  type: string;
  /** `serial primary key` / `bigserial primary key` of increments(), unless the table names its primary key. */
  increments?: boolean;
  /** A native enum's CREATE TYPE, run before the table statement. */
  createType?: string;
  /** Whether the type is read (specificType, known types), else the column is not linted. */
}

/** The column type of `t.<method>(name, …args)` as the PostgreSQL column compiler writes it; undefined when unknown. */
function columnType(env: ExtractEnv, method: string, args: Node[], schema: string | undefined): Column | 'unknown' | 'unreadable' {
  const name = method === 'increments' || method === 'bigIncrements' ? (stringArg(env, args[0]) ?? (args[0] ? undefined : 'id')) : stringArg(env, args[0]);
  if (name === undefined) return 'unreadable';
  const rest = args.slice(1);
  const col = (type: string): Column => ({ name, type });
  switch (method) {
    case 'increments':
    case 'bigIncrements': {
      const opts = env.resolve(rest[0]);
      const pk = propertyValue(opts, 'primaryKey') !== false;
      return { name, type: method === 'increments' ? 'serial' : 'bigserial', increments: pk };
    }
    case 'integer':
    case 'mediumint':
      return col('integer');
    case 'bigInteger':
    case 'bigint':
      return col('bigint');
    case 'smallint':
    case 'tinyint':
      return col('smallint');
    case 'text':
      return col('text');
    case 'string':
    case 'varchar': {
      const n = rest[0] === undefined ? 255 : numberArg(env, rest[0]);
      return typeof n === 'number' ? col(`varchar(${n})`) : 'unreadable';
    }
    case 'float':
      return col('real');
    case 'double':
      return col('double precision');
    case 'decimal': {
      const p = rest[0] === undefined ? 8 : numberArg(env, rest[0]);
      if (p === null) return col('decimal');
      const s = rest[1] === undefined ? 2 : numberArg(env, rest[1]);
      return typeof p === 'number' && typeof s === 'number' ? col(`decimal(${p}, ${s})`) : 'unreadable';
    }
    case 'boolean':
      return col('boolean');
    case 'date':
      return col('date');
    case 'time':
      return col('time');
    case 'datetime':
    case 'dateTime':
    case 'timestamp': {
      const o = env.resolve(rest[0]);
      let useTz = true;
      let precision: unknown;
      if (o?.type === 'ObjectExpression') {
        const v = literalValue(o) as Record<string, unknown> | undefined;
        if (!v) return 'unreadable';
        if (typeof v.useTz === 'boolean') useTz = v.useTz;
        precision = v.precision;
      } else if (rest[0] !== undefined) {
        const v = literalValue(o);
        if (typeof v !== 'boolean') return 'unreadable';
        useTz = !v;
        precision = rest[1] === undefined ? undefined : numberArg(env, rest[1]);
      }
      if (precision !== undefined && precision !== null && typeof precision !== 'number') return 'unreadable';
      return col(`${useTz ? 'timestamptz' : 'timestamp'}${typeof precision === 'number' ? `(${precision})` : ''}`);
    }
    case 'binary':
      return col('bytea');
    case 'uuid':
      return col('uuid');
    case 'json':
      return col('json');
    case 'jsonb':
      return col('jsonb');
    case 'specificType': {
      const t = stringArg(env, rest[0]);
      return t === undefined ? 'unreadable' : col(t);
    }
    case 'enu':
    case 'enum': {
      const values = literalValue(env.resolve(rest[0]));
      const opts = env.resolve(rest[1]);
      const o = (opts ? literalValue(opts) : {}) as Record<string, unknown> | undefined;
      if (!o) return 'unreadable';
      if (o.useNative === true) {
        if (typeof o.enumName !== 'string') return 'unreadable';
        const sch = typeof o.schemaName === 'string' ? o.schemaName : schema;
        const typeName = `${sch ? `${ident(sch)}.` : ''}${ident(o.enumName)}`;
        if (o.existingType === true) return col(typeName);
        if (!Array.isArray(values) || !values.every((x) => typeof x === 'string')) return 'unreadable';
        return { name, type: typeName, createType: `CREATE TYPE ${typeName} AS ENUM (${values.map(quoteLiteral).join(', ')})` };
      }
      if (!Array.isArray(values) || !values.every((x) => typeof x === 'string')) return 'unreadable';
      return col(`text CHECK (${ident(name)} IN (${values.map(quoteLiteral).join(', ')}))`);
    }
    default:
      return 'unknown';
  }
}

/** Methods of the table builder that make a column. */
const COLUMN_METHODS = new Set([
  'increments',
  'bigIncrements',
  'integer',
  'mediumint',
  'bigInteger',
  'bigint',
  'smallint',
  'tinyint',
  'text',
  'string',
  'varchar',
  'float',
  'double',
  'decimal',
  'boolean',
  'date',
  'time',
  'datetime',
  'dateTime',
  'timestamp',
  'binary',
  'uuid',
  'json',
  'jsonb',
  'specificType',
  'enu',
  'enum',
  // Known to Knex, not read here: a note.
  'bit',
  'geometry',
  'geography',
  'point',
  'tinytext',
  'mediumtext',
  'longtext',
]);

/** Table builder methods with no SQL on PostgreSQL (MySQL's charset, engine and collation), or none the analysis reads (comments). */
const NO_SQL_TABLE_METHODS = new Set(['charset', 'engine', 'collate', 'comment', 'queryContext']);

/** Modifiers with no SQL on PostgreSQL (MySQL's column order, unsigned, charset and collation). */
const NO_SQL_MODIFIERS = new Set(['unsigned', 'first', 'after', 'collate', 'charset']);

/** Inside `if`/`?:`/`&&`/a loop/another function of the callback: whether it runs is not known here. */
function conditional(n: Node, cb: Node, parentOf: Map<Node, Node>): boolean | 'other-database' {
  for (let p = parentOf.get(n), child = n; p && p !== cb.body; child = p, p = parentOf.get(p)) {
    if (p.type === 'IfStatement' && p.test !== child) {
      // Wiki.js: `if (WIKI.config.db.type === 'mysql') { … } else { … }`: the else is what PostgreSQL runs.
      const db = ifBranchDatabase(p, child);
      if (db === 'other') return 'other-database';
      if (db === 'postgres') continue;
      return true;
    }
    if (p.type === 'ConditionalExpression' && p.test !== child) return true;
    if (p.type === 'LogicalExpression' && p.right === child) return true;
    if (p.type === 'SwitchCase' || /^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(p.type) || isFunction(p)) return true;
  }
  return false;
}

export function knexOperations(call: Node, env: ExtractEnv): OperationSpec[] | null {
  const chain = chainOf(call.callee);
  if (!chain) return null;
  const s = SCHEMA_CALL.exec(chain);
  if (s) return schemaCall(call, env, chain, s[3]!);
  const m = TABLE_CALL.exec(chain);
  if (!m) return null;
  return tableCall(call, env, chain, m[3]!);
}

function schemaCall(call: Node, env: ExtractEnv, chain: string, method: string): OperationSpec[] {
  const at = callSite(call, env.text);
  const label = `knex.schema.${method}`;
  const name = stringArg(env, call.arguments[0]);
  const schema = withSchemaOf(env, call);
  if (name === undefined || schema === null) {
    env.note(`${chain}: the ${method.includes('Schema') ? 'schema' : 'table'} name is not a literal migralint can read; this call is not linted.`, call);
    return [];
  }
  const table = (t: string) => (schema ? `${ident(schema)}.${qualified(t)}` : qualified(t));
  switch (method) {
    case 'dropTable':
    case 'dropTableIfExists':
      return [{ sql: `DROP TABLE ${method === 'dropTableIfExists' ? 'IF EXISTS ' : ''}${table(name)}`, at, call: label }];
    case 'renameTable': {
      const to = stringArg(env, call.arguments[1]);
      if (to === undefined) {
        env.note(`${chain}: the new table name is not a literal migralint can read; this call is not linted.`, call);
        return [];
      }
      return [{ sql: `ALTER TABLE ${table(name)} RENAME TO ${ident(to)}`, at, call: label }];
    }
    case 'createSchema':
    case 'createSchemaIfNotExists':
      return [{ sql: `CREATE SCHEMA ${method.endsWith('IfNotExists') ? 'IF NOT EXISTS ' : ''}${ident(name)}`, at, call: label }];
    default: {
      const cascade = literalValue(env.resolve(call.arguments[1])) === true;
      return [{ sql: `DROP SCHEMA ${method.endsWith('IfExists') ? 'IF EXISTS ' : ''}${ident(name)}${cascade ? ' CASCADE' : ''}`, at, call: label }];
    }
  }
}

function tableCall(call: Node, env: ExtractEnv, chain: string, method: string): OperationSpec[] {
  const name = stringArg(env, call.arguments[0]);
  const schema = withSchemaOf(env, call);
  if (name === undefined || schema === null) {
    env.note(`${chain}: the table name is not a literal migralint can read; this call is not linted.`, call);
    return [];
  }
  const table = schema ? `${schema}.${name}` : name;
  const q = schema ? `${ident(schema)}.${qualified(name)}` : qualified(name);
  const bare = name.split('.').pop()!;
  const creating = method.startsWith('createTable');
  const site = callSite(call, env.text);
  const out: OperationSpec[] = [];
  const cb = unwrap(call.arguments[1]);
  const t = isFunction(cb) ? firstParamName(cb) : undefined;
  const createAt = out.length;
  const defs: string[] = [];
  const constraints: string[] = [];
  const before: OperationSpec[] = [];
  if (cb && t) {
    const parentOf = new Map<Node, Node>();
    walk(cb.body, (x, px) => {
      if (px) parentOf.set(x, px);
    });
    const roots: Node[] = [];
    walk(cb.body, (n) => {
      if (n.type !== 'CallExpression') return;
      const callee = unwrap(n.callee);
      if (callee?.type === 'MemberExpression' && !callee.computed && unwrap(callee.object)?.type === 'Identifier' && unwrap(callee.object)!.name === t)
        roots.push(n);
    });
    // A table-level primary key (or a column's .primary()) replaces the one increments() would add.
    const primaryNamed = roots.some((r) => unwrap(r.callee)!.property.name === 'primary' || chainAfter(r, parentOf).some((l) => l.name === 'primary'));
    for (const n of roots) {
      const methodName: string = unwrap(n.callee)!.property.name;
      const label = `table.${methodName}`;
      const links = chainAfter(n, parentOf);
      const end = links.length ? links[links.length - 1]!.call : n;
      const ops = (sql: string) => out.push({ sql, at: end, call: label });
      if (['index', 'unique', 'foreign', 'dropIndex'].includes(methodName)) {
        indexCall(env, n, methodName, t, table, bare, links, out);
        continue;
      }
      const known =
        COLUMN_METHODS.has(methodName) ||
        [
          'timestamps',
          'dropColumn',
          'dropColumns',
          'renameColumn',
          'dropPrimary',
          'dropUnique',
          'dropForeign',
          'setNullable',
          'dropNullable',
          'dropTimestamps',
          'primary',
        ].includes(methodName);
      if (!known) {
        if (!NO_SQL_TABLE_METHODS.has(methodName)) env.note(`${t}.${methodName}: a table builder method migralint does not read; this call is not linted.`, n);
        continue;
      }
      const cond = conditional(n, cb, parentOf);
      if (cond === 'other-database') continue;
      if (cond) {
        env.note(`${t}.${methodName}: it runs only under a condition migralint does not evaluate; this call is not linted.`, n);
        continue;
      }
      if (COLUMN_METHODS.has(methodName)) {
        const c = columnType(env, methodName, n.arguments, schema ?? undefined);
        if (typeof c === 'object') c.method = methodName;
        if (c === 'unknown' || c === 'unreadable') {
          env.note(
            c === 'unknown'
              ? `${t}.${methodName}: a column type migralint does not read; this call is not linted.`
              : `${t}.${methodName}: the column name or type is not a literal migralint can read; this call is not linted.`,
            n,
          );
          continue;
        }
        const col = column(env, t, c, links, { q, bare, creating }, primaryNamed, n);
        if (!col) continue;
        if (c.createType) before.push({ sql: c.createType, at: end, call: label });
        if (creating) {
          defs.push(col.def);
          if (col.inline) constraints.push(col.inline);
          out.push(...col.after.map((sql) => ({ sql, at: end, call: label })));
        } else if (col.alter) {
          for (const sql of col.alter) ops(`ALTER TABLE ${q} ALTER COLUMN ${sql}`);
        } else {
          ops(`ALTER TABLE ${q} ADD COLUMN ${col.def}`);
          out.push(...col.after.map((sql) => ({ sql, at: end, call: label })));
        }
        continue;
      }
      tableMethod(env, n, t, methodName, { q, bare, creating }, defs, constraints, ops);
    }
  }
  if (creating) {
    const ifNot = method === 'createTableIfNotExists' ? 'IF NOT EXISTS ' : '';
    out.splice(createAt, 0, ...before, { sql: `CREATE TABLE ${ifNot}${q} (${[...defs, ...constraints].join(', ')})`, at: site, call: `knex.schema.${method}` });
  } else out.unshift(...before);
  return out;
}

/** The table methods that are not columns: timestamps, drops, renames, nullability and the primary key. */
function tableMethod(
  env: ExtractEnv,
  n: Node,
  t: string,
  method: string,
  tc: TableCtx,
  defs: string[],
  constraints: string[],
  ops: (sql: string) => void,
): boolean {
  const { q, bare, creating } = tc;
  const a = n.arguments as Node[];
  const unreadable = (what: string) => env.note(`${t}.${method}: the ${what} not a literal migralint can read; this call is not linted.`, n);
  switch (method) {
    case 'timestamps': {
      // timestamps(useTimestamps, defaultToNow, useCamelCase): created_at / updated_at, timestamptz on PostgreSQL.
      const v = a.map((x) => literalValue(env.resolve(x)));
      if (v.some((x) => typeof x !== 'boolean')) return (unreadable('arguments are'), true);
      const names = v[2] ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at'];
      const tail = v[1] ? ' NOT NULL DEFAULT CURRENT_TIMESTAMP' : '';
      for (const c of names) {
        if (creating) defs.push(`${ident(c)} timestamptz${tail}`);
        else ops(`ALTER TABLE ${q} ADD COLUMN ${ident(c)} timestamptz${tail}`);
      }
      return true;
    }
    case 'dropTimestamps': {
      const camel = literalValue(env.resolve(a[0])) === true;
      ops(
        `ALTER TABLE ${q} DROP COLUMN ${camel ? '"createdAt", "updatedAt"' : 'created_at, updated_at'}`.replace(
          /DROP COLUMN (\S+), /,
          'DROP COLUMN $1, DROP COLUMN ',
        ),
      );
      return true;
    }
    case 'dropColumn':
    case 'dropColumns': {
      const names = a.map((x) => stringArg(env, x));
      if (names.length === 0 || names.some((x) => x === undefined)) return (unreadable('column names are'), true);
      ops(`ALTER TABLE ${q} ${names.map((c) => `DROP COLUMN ${ident(c!)}`).join(', ')}`);
      return true;
    }
    case 'renameColumn': {
      const from = stringArg(env, a[0]);
      const to = stringArg(env, a[1]);
      if (from === undefined || to === undefined) return (unreadable('column names are'), true);
      ops(`ALTER TABLE ${q} RENAME ${ident(from)} TO ${ident(to)}`);
      return true;
    }
    case 'setNullable':
    case 'dropNullable': {
      const c = stringArg(env, a[0]);
      if (c === undefined) return (unreadable('column name is'), true);
      ops(`ALTER TABLE ${q} ALTER COLUMN ${ident(c)} ${method === 'setNullable' ? 'DROP NOT NULL' : 'SET NOT NULL'}`);
      return true;
    }
    case 'dropPrimary': {
      const given = a[0] === undefined ? `${bare}_pkey` : stringArg(env, a[0]);
      if (given === undefined) return (unreadable('constraint name is'), true);
      ops(`ALTER TABLE ${q} DROP CONSTRAINT ${ident(given)}`);
      return true;
    }
    case 'dropUnique':
    case 'dropForeign': {
      const columns = columnsArg(env, a[0]);
      const given = a[1] === undefined ? undefined : stringArg(env, a[1]);
      if ((a[1] !== undefined && given === undefined) || (!columns && given === undefined)) return (unreadable('columns are'), true);
      ops(`ALTER TABLE ${q} DROP CONSTRAINT ${ident(given ?? knexIndexName(bare, columns!, method === 'dropUnique' ? 'unique' : 'foreign'))}`);
      return true;
    }
    case 'primary': {
      const columns = columnsArg(env, a[0]);
      const o = env.resolve(a[1]);
      const given = o?.type === 'ObjectExpression' ? propertyValue(o, 'constraintName') : a[1] === undefined ? undefined : stringArg(env, a[1]);
      if (!columns || (a[1] !== undefined && typeof given !== 'string')) return (unreadable('columns are'), true);
      const c = `CONSTRAINT ${ident((given as string | undefined) ?? `${bare}_pkey`)} PRIMARY KEY (${cols(columns)})`;
      if (creating) constraints.push(c);
      else ops(`ALTER TABLE ${q} ADD ${c}`);
      return true;
    }
  }
  return false;
}

/** One column: its definition, the statements after the table statement (unique, index, foreign key, comment), or its ALTER COLUMN parts. */
function column(
  env: ExtractEnv,
  t: string,
  c: Column,
  links: Link[],
  tc: TableCtx,
  primaryNamed: boolean,
  at: Node,
): { def: string; after: string[]; inline?: string; alter?: string[] } | null {
  const creating = tc.creating;
  let nullable: boolean | undefined;
  let dflt: string | undefined;
  let hasDefault = false;
  let primary: string | null | undefined;
  let alter: { nullable: boolean; type: boolean } | undefined;
  let refs: string | undefined;
  let inTable: string | undefined;
  let onDelete: string | undefined;
  let onUpdate: string | undefined;
  let unique: string | null | undefined;
  let index: { name?: string; using?: string } | undefined;
  let fkName: string | undefined;
  let comment: string | undefined;
  const fail = (what: string) => {
    env.note(`${t}.${c.method}('${c.name}'): ${what} is not a literal migralint can read; this column is not linted.`, at);
    return null;
  };
  for (const l of links) {
    switch (l.name) {
      case 'notNullable':
        nullable = false;
        break;
      case 'nullable':
        nullable = true;
        break;
      case 'defaultTo': {
        const d = defaultSql(env, l.args[0], c.type);
        if (d === undefined) return fail(`the default of ${c.name}`);
        dflt = d;
        hasDefault = true;
        break;
      }
      case 'primary': {
        const o = env.resolve(l.args[0]);
        const given = o?.type === 'ObjectExpression' ? propertyValue(o, 'constraintName') : stringArg(env, l.args[0]);
        primary = typeof given === 'string' ? given : null;
        break;
      }
      case 'unique': {
        const o = env.resolve(l.args[0]);
        const given = o?.type === 'ObjectExpression' ? propertyValue(o, 'indexName') : stringArg(env, l.args[0]);
        unique = typeof given === 'string' ? given : null;
        break;
      }
      case 'index': {
        const name = stringArg(env, l.args[0]);
        const using = stringArg(env, l.args[1]);
        index = { name, using };
        break;
      }
      case 'references': {
        const r = stringArg(env, l.args[0]);
        if (r === undefined) return fail(`the reference of ${c.name}`);
        if (r.includes('.')) {
          inTable = r.slice(0, r.lastIndexOf('.'));
          refs = r.slice(r.lastIndexOf('.') + 1);
        } else refs = r;
        break;
      }
      case 'inTable': {
        const r = stringArg(env, l.args[0]);
        if (r === undefined) return fail(`the referenced table of ${c.name}`);
        inTable = r;
        break;
      }
      case 'onDelete':
      case 'onUpdate': {
        const r = stringArg(env, l.args[0]);
        if (r === undefined || !/^(cascade|restrict|set null|set default|no action)$/i.test(r)) return fail(`the ${l.name} action of ${c.name}`);
        if (l.name === 'onDelete') onDelete = r.toUpperCase();
        else onUpdate = r.toUpperCase();
        break;
      }
      case 'withKeyName': {
        const r = stringArg(env, l.args[0]);
        if (r === undefined) return fail(`the foreign key name of ${c.name}`);
        fkName = r;
        break;
      }
      case 'comment': {
        const r = stringArg(env, l.args[0]);
        if (r === undefined) return fail(`the comment of ${c.name}`);
        comment = r;
        break;
      }
      case 'alter': {
        const o = env.resolve(l.args[0]);
        const v = (o ? literalValue(o) : {}) as Record<string, unknown> | undefined;
        if (!v) return fail(`the alter() options of ${c.name}`);
        alter = { nullable: v.alterNullable !== false, type: v.alterType !== false };
        break;
      }
      default:
        if (NO_SQL_MODIFIERS.has(l.name)) break;
        env.note(`${t}.${c.method}('${c.name}').${l.name}(): a column modifier migralint does not read; this column is not linted.`, at);
        return null;
    }
  }
  const name = ident(c.name);
  if (alter) {
    if (creating) return fail(`alter() in createTable`);
    const parts = [`${name} DROP DEFAULT`];
    if (alter.nullable) parts.push(`${name} DROP NOT NULL`);
    if (alter.type) parts.push(`${name} TYPE ${c.type} USING (${name}${c.type.startsWith('text CHECK') ? '::text::' : '::'}${c.type})`);
    if (hasDefault) parts.push(`${name} SET DEFAULT ${dflt}`);
    if (alter.nullable && nullable === false) parts.push(`${name} SET NOT NULL`);
    return { def: '', after: [], alter: parts };
  }
  // increments(): serial, with `primary key` unless the table names its own primary key; no other modifier.
  let def = `${name} ${c.type}`;
  if (c.type === 'serial' || c.type === 'bigserial') {
    if (c.increments && !primaryNamed) def += ' PRIMARY KEY';
  } else {
    if (nullable === false) def += ' NOT NULL';
    else if (nullable === true) def += ' NULL';
    if (hasDefault) def += ` DEFAULT ${dflt}`;
  }
  if (refs !== undefined && inTable === undefined) return fail(`the referenced table of ${c.name}`);
  return { def, ...extraStatements({ name: c.name, primary, unique, index, refs, inTable, onDelete, onUpdate, fkName, comment }, tc) };
}

interface Extras {
  name: string;
  primary: string | null | undefined;
  unique: string | null | undefined;
  index: { name?: string; using?: string } | undefined;
  refs?: string;
  inTable?: string;
  onDelete?: string;
  onUpdate?: string;
  fkName?: string;
  comment?: string;
}

interface TableCtx {
  q: string;
  bare: string;
  creating: boolean;
}

/** What a column's modifiers add: its primary key (in CREATE TABLE, a table constraint), then unique, index, foreign key, comment. */
function extraStatements(e: Extras, tc: TableCtx): { after: string[]; inline?: string } {
  const { q, bare, creating } = tc;
  const after: string[] = [];
  const col = ident(e.name);
  let inline: string | undefined;
  if (e.primary !== undefined) {
    const c = `CONSTRAINT ${ident(e.primary ?? `${bare}_pkey`)} PRIMARY KEY (${col})`;
    if (creating) inline = c;
    else after.push(`ALTER TABLE ${q} ADD ${c}`);
  }
  if (e.unique !== undefined) after.push(`ALTER TABLE ${q} ADD CONSTRAINT ${ident(e.unique ?? knexIndexName(bare, [e.name], 'unique'))} UNIQUE (${col})`);
  if (e.index)
    after.push(
      `CREATE INDEX ${ident(e.index.name ?? knexIndexName(bare, [e.name], 'index'))} ON ${q}${e.index.using ? ` USING ${e.index.using}` : ''} (${col})`,
    );
  if (e.refs !== undefined && e.inTable !== undefined)
    after.push(
      `ALTER TABLE ${q} ADD CONSTRAINT ${ident(e.fkName ?? knexIndexName(bare, [e.name], 'foreign'))} FOREIGN KEY (${col}) REFERENCES ${qualified(e.inTable)} (${ident(e.refs)})${e.onDelete ? ` ON DELETE ${e.onDelete}` : ''}${e.onUpdate ? ` ON UPDATE ${e.onUpdate}` : ''}`,
    );
  if (e.comment !== undefined) after.push(`COMMENT ON COLUMN ${q}.${col} IS ${quoteLiteral(e.comment)}`);
  return { after, inline };
}

/** `t.index`, `t.unique`, `t.foreign`, `t.dropIndex`: an index or constraint of the table. */
function indexCall(env: ExtractEnv, n: Node, method: string, t: string, table: string, bare: string, links: Link[], out: OperationSpec[]): void {
  const columns = columnsArg(env, n.arguments[0]);
  if (!columns) {
    env.note(`${t}.${method}: the columns are not literals migralint can read; this call is not linted.`, n);
    return;
  }
  const second = env.resolve(n.arguments[1]);
  const opts = second?.type === 'ObjectExpression' ? second : env.resolve(n.arguments[2]);
  const given = typeof literalValue(second) === 'string' ? (literalValue(second) as string) : (propertyValue(opts, 'indexName') as string | undefined);
  const label = `table.${method}`;
  if (method === 'index') {
    const using = propertyValue(opts, 'indexType');
    const name = given ?? knexIndexName(bare, columns, 'index');
    out.push({
      sql: `CREATE INDEX ${ident(name)} ON ${qualified(table)}${typeof using === 'string' ? ` USING ${using}` : ''} (${cols(columns)})`,
      at: n,
      call: label,
    });
  } else if (method === 'unique') {
    const name = given ?? knexIndexName(bare, columns, 'unique');
    const constraint = propertyValue(opts, 'useConstraint') !== false && !property(opts, 'predicate');
    out.push({
      sql: constraint
        ? `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} UNIQUE (${cols(columns)})`
        : `CREATE UNIQUE INDEX ${ident(name)} ON ${qualified(table)} (${cols(columns)})`,
      at: n,
      call: label,
    });
  } else if (method === 'dropIndex') {
    out.push({ sql: `DROP INDEX ${ident(given ?? knexIndexName(bare, columns, 'index'))}`, at: n, call: label });
  } else {
    // t.foreign(cols[, name]).references(col | 'table.col').inTable(table)
    let refTable: string | undefined;
    let refCols: string[] | undefined;
    let keyName: string | undefined;
    const actions: string[] = [];
    for (const l of links) {
      const arg = stringArg(env, l.args[0]);
      if (l.name === 'withKeyName' && arg !== undefined) keyName = arg;
      if ((l.name === 'onDelete' || l.name === 'onUpdate') && arg !== undefined && /^(cascade|restrict|set null|set default|no action)$/i.test(arg))
        actions.push(`${l.name === 'onDelete' ? 'ON DELETE' : 'ON UPDATE'} ${arg.toUpperCase()}`);
      if (l.name === 'references' && arg !== undefined) {
        if (arg.includes('.')) {
          refTable = arg.slice(0, arg.lastIndexOf('.'));
          refCols = [arg.slice(arg.lastIndexOf('.') + 1)];
        } else refCols = columnsArg(env, l.args[0]);
      } else if (l.name === 'inTable' && arg !== undefined) refTable = arg;
    }
    if (!refTable || !refCols) {
      env.note(`${t}.foreign: the referenced table is not a literal migralint can read; this call is not linted.`, n);
      return;
    }
    const name = keyName ?? given ?? knexIndexName(bare, columns, 'foreign');
    out.push({
      sql: `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${cols(columns)}) REFERENCES ${qualified(refTable)} (${cols(refCols)})${actions.map((a) => ` ${a}`).join('')}`,
      at: links.length ? links[links.length - 1]!.call : n,
      call: label,
    });
  }
}
