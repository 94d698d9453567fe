import { eolOf } from '../../engine/fixer.js';
import { dirname, join, resolve } from 'node:path';
import { NO_FILES, type FileSystem } from '../../fs.js';
import type { AdapterNote, AnalyzedStatement, Edit, ExecutionContext, MigrationUnit, OperationItem, PresumedColumn, UnitItem } from '../../types.js';
import type { EscapePlan, ExtractContext, FrameworkAdapter } from '../adapter.js';
import { ident, indentUnit, needAtomicity, pythonDirectives, qualified, sqlChunk, sqlLiteral, syntaxNote, wrapInWith } from './common.js';
import { coreStatementSql } from './sa-core.js';
import { scopeResolver, stringValue, type Resolver } from './strings.js';
import { arg, callArgs, child, dottedName, enclosingStatement, namedChildren, parsePython, textOf, type CallArgs, type PyNode } from './tree.js';

/**
 * Alembic: `versions/<rev>_<slug>.py` with `upgrade()` / `downgrade()`. The generated env.py runs every pending
 * migration in one transaction (`context.begin_transaction()`), or each in its own with
 * `transaction_per_migration=True`; `with op.get_context().autocommit_block():` commits what came before and runs
 * its body outside any transaction. `postgresql_concurrently=True` alone is not an opt-out.
 */

interface TxModel {
  wrapped: boolean;
  reason: string;
  assumption?: string;
}

/**
 * The env.py that runs a revision: searched upward from the revision's folder (next to versions/, or above a
 * per-dialect `versions/postgresql/`), and through an alembic.ini's `script_location` on the way.
 */
export function findAlembicEnv(filePath: string, fs: FileSystem): string | undefined {
  let dir = dirname(resolve(filePath));
  for (let i = 0; i < 5; i++) {
    const here = fs.readFile(join(dir, 'env.py'));
    if (here !== undefined) return here;
    const ini = fs.readFile(join(dir, 'alembic.ini'));
    const location = ini && /^\s*script_location\s*=\s*(.+?)\s*$/m.exec(ini)?.[1];
    if (location) {
      const env = fs.readFile(join(resolve(dir, location.replace(/%\(here\)s/g, dir)), 'env.py'));
      if (env !== undefined) return env;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** How env.py runs migrations: read it when found (see findAlembicEnv), else Alembic's generated default. */
export function alembicTxModel(filePath: string, ctx: Pick<ExtractContext, 'fs' | 'settings'>): TxModel {
  const forced = ctx.settings.frameworkOptions?.alembic?.transactionPerMigration;
  const env = findAlembicEnv(filePath, ctx.fs ?? NO_FILES);
  const perMigration = typeof forced === 'boolean' ? forced : env !== undefined && /transaction_per_migration\s*=\s*True\b/.test(env);
  if (env !== undefined && /isolation_level\s*=\s*["']AUTOCOMMIT["']/.test(env)) {
    return { wrapped: false, reason: 'env.py connects with isolation_level="AUTOCOMMIT", so Alembic runs each statement on its own' };
  }
  const reason = perMigration
    ? 'Alembic runs each migration in its own transaction (transaction_per_migration=True in env.py)'
    : 'Alembic runs all pending migrations in one transaction (env.py: context.begin_transaction())';
  return {
    wrapped: true,
    reason,
    assumption:
      env === undefined && typeof forced !== 'boolean'
        ? 'env.py not found above the revision: assumed the generated env.py (all pending migrations in one transaction)'
        : undefined,
  };
}

const TEXT_CALLS = new Set(['sa.text', 'text', 'sqlalchemy.text', 'sa.sql.text', 'sql.text', 'sqlalchemy.sql.text', 'sa.DDL', 'DDL', 'sqlalchemy.DDL']);
const CONNECTION_NAMES = new Set(['conn', 'connection', 'bind', 'session', 'db']);

// ---------- SQLAlchemy values → SQL ----------

/** A SQLAlchemy type as SQL; text for one migralint does not map. */
function saType(src: string, node: PyNode | undefined): string {
  return mappedSaType(src, node, 'text')!;
}

/** A SQLAlchemy type as SQL, or undefined for one migralint does not map (sa.Enum, a project's own TypeDecorator …). */
function knownSaType(src: string, node: PyNode | undefined): string | undefined {
  return mappedSaType(src, node, undefined);
}

function mappedSaType(src: string, node: PyNode | undefined, unmapped: string | undefined): string | undefined {
  if (!node) return unmapped;
  const isCall = node.type === 'call';
  const name = (dottedName(src, isCall ? child(node, 'function') : node) ?? '').split('.').pop() ?? '';
  const args = isCall ? callArgs(src, node) : undefined;
  const num = (i: number, k: string): string | undefined => {
    const v = args ? arg(args, i, k) : undefined;
    return v?.type === 'integer' ? textOf(src, v) : undefined;
  };
  switch (name) {
    case 'Integer':
    case 'INTEGER':
      return 'integer';
    case 'BigInteger':
    case 'BIGINT':
      return 'bigint';
    case 'SmallInteger':
    case 'SMALLINT':
      return 'smallint';
    case 'String':
    case 'Unicode':
    case 'VARCHAR': {
      const n = num(0, 'length');
      return n ? `varchar(${n})` : 'varchar';
    }
    case 'CHAR': {
      const n = num(0, 'length');
      return n ? `char(${n})` : 'char';
    }
    case 'Text':
    case 'UnicodeText':
    case 'TEXT':
      return 'text';
    case 'Boolean':
    case 'BOOLEAN':
      return 'boolean';
    case 'DateTime':
    case 'TIMESTAMP': {
      const tz = args ? arg(args, 0, 'timezone') : undefined;
      return tz && textOf(src, tz) === 'True' ? 'timestamptz' : 'timestamp';
    }
    case 'Date':
      return 'date';
    case 'Time':
      return 'time';
    case 'Interval':
      return 'interval';
    case 'Float':
    case 'REAL':
    case 'DOUBLE_PRECISION':
      return 'double precision';
    case 'Numeric':
    case 'NUMERIC':
    case 'DECIMAL': {
      const p = num(0, 'precision');
      const s = num(1, 'scale');
      return p ? `numeric(${p}${s ? `, ${s}` : ''})` : 'numeric';
    }
    case 'JSON':
      return 'json';
    case 'JSONB':
      return 'jsonb';
    case 'UUID':
    case 'Uuid':
      return 'uuid';
    case 'LargeBinary':
    case 'BYTEA':
      return 'bytea';
    case 'INET':
      return 'inet';
    case 'ARRAY': {
      const element = mappedSaType(src, args?.positional[0], unmapped);
      return element === undefined ? undefined : `${element}[]`;
    }
    default:
      return unmapped;
  }
}

/** PostgreSQL's internal names of the types knownSaType writes under another name (as the parser gives them). */
const INTERNAL_NAMES: Record<string, string> = {
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  boolean: 'bool',
  'double precision': 'float8',
  char: 'bpchar',
};

/** A type knownSaType wrote, as the schema model holds types: internal name, modifiers, array. */
export function modelType(sql: string): PresumedColumn['type'] | undefined {
  const m = /^([a-z ]+?)(?:\((\d+)(?:, (\d+))?\))?(\[\])?$/.exec(sql);
  if (!m) return undefined;
  const mods = [m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
  // char without a length is char(1) (the grammar writes the modifier in).
  return { name: INTERNAL_NAMES[m[1]!] ?? m[1]!, mods: m[1] === 'char' && mods.length === 0 ? [1] : mods, array: m[4] !== undefined };
}

/** A server_default / postgresql_where / condition value as SQL. */
function saExpr(src: string, node: PyNode | undefined, resolver: Resolver, fallback: string): string {
  if (!node) return fallback;
  if (node.type === 'string' || node.type === 'concatenated_string') {
    const v = stringValue(src, node, resolver);
    return v === undefined ? fallback : sqlLiteral(v);
  }
  if (node.type === 'integer' || node.type === 'float') return textOf(src, node);
  if (node.type === 'true' || node.type === 'false') return textOf(src, node).toLowerCase();
  if (node.type === 'call') {
    const fn = dottedName(src, child(node, 'function')) ?? '';
    if (TEXT_CALLS.has(fn) || fn === 'sa.literal_column' || fn === 'literal_column')
      return stringValue(src, callArgs(src, node).positional[0], resolver) ?? fallback;
    const m = /(?:^|\.)func\.(\w+)$/.exec(fn);
    if (m) return `${m[1]}()`;
    if (/(^|\.)(true|false)$/.test(fn)) return fn.split('.').pop()!;
  }
  return fallback;
}

/** `sa.Column('name', sa.Type(), sa.ForeignKey('t.id'), nullable=False, server_default=…)` as a column definition. */
function columnDef(src: string, node: PyNode | undefined, resolver: Resolver, full: boolean): { name: string; sql: string } | null {
  if (node?.type !== 'call') return null;
  const fn = dottedName(src, child(node, 'function')) ?? '';
  if (!/(^|\.)Column$/.test(fn)) return null;
  const args = callArgs(src, node);
  const name = stringValue(src, args.positional[0], resolver) ?? stringValue(src, args.keywords.get('name'), resolver);
  if (!name) return null;
  const typeNode =
    args.keywords.get('type_') ??
    args.positional.find((a, i) => i > 0 && !(a.type === 'call' && /ForeignKey$/.test(dottedName(src, child(a, 'function')) ?? '')));
  let sql = `${ident(name)} ${saType(src, typeNode)}`;
  if (!full) return { name, sql };
  const nullable = args.keywords.get('nullable');
  const primary = args.keywords.get('primary_key');
  if ((nullable && textOf(src, nullable) === 'False') || (primary && textOf(src, primary) === 'True' && !nullable)) sql += ' NOT NULL';
  const def = args.keywords.get('server_default');
  if (def && textOf(src, def) !== 'None') sql += ` DEFAULT ${saExpr(src, def, resolver, 'NULL')}`;
  for (const fk of args.positional.slice(1)) {
    if (fk.type !== 'call' || !/ForeignKey$/.test(dottedName(src, child(fk, 'function')) ?? '')) continue;
    const target = stringValue(src, callArgs(src, fk).positional[0], resolver);
    if (!target) continue;
    const parts = target.split('.');
    const col = parts.pop()!;
    sql += ` REFERENCES ${parts.map(ident).join('.')} (${ident(col)})`;
  }
  return { name, sql };
}

function nameList(src: string, node: PyNode | undefined, resolver: Resolver): string[] {
  if (!node) return [];
  if (node.type === 'list' || node.type === 'tuple') {
    return namedChildren(node).map((e) => {
      const s = stringValue(src, e, resolver);
      if (s !== undefined) return ident(s);
      return saExpr(src, e, resolver, ident(textOf(src, e)));
    });
  }
  const s = stringValue(src, node, resolver);
  return s === undefined ? [] : [ident(s)];
}

const isTrue = (src: string, n: PyNode | undefined): boolean => n !== undefined && textOf(src, n) === 'True';

// ---------- extraction ----------

interface Walk {
  src: string;
  resolver: Resolver;
  items: UnitItem[];
  notes: AdapterNote[];
  tx: TxModel;
  section: 'upgrade' | 'downgrade';
}

interface Region {
  autocommit: boolean;
  /** `with op.batch_alter_table("t") as batch_op:` aliases → table. */
  batch: Map<string, { table: string; schema?: string }>;
  connections: Set<string>;
}

function exec(w: Walk, region: Region, oneQuery: boolean): ExecutionContext {
  if (region.autocommit) {
    return { wrapped: false, reason: 'inside op.get_context().autocommit_block(), Alembic runs this outside any transaction', oneQuery };
  }
  return { wrapped: w.tx.wrapped, reason: w.tx.reason, oneQuery };
}

/** The SQL of an op.* (or batch_op.*) call, or null when the call is not a schema operation migralint reads. */
function operationSql(w: Walk, op: string, args: CallArgs, batch?: { table: string; schema?: string }): string | null {
  const { src, resolver } = w;
  const s = (n: PyNode | undefined): string | undefined => stringValue(src, n, resolver);
  // In batch mode the table is implicit: every positional argument after the name moves one place left.
  const shift = batch ? -1 : 0;
  const tableArg = (i: number, k: string): { name?: string; schema?: string } =>
    batch ? { name: batch.table, schema: batch.schema } : { name: s(arg(args, i, k)), schema: s(args.keywords.get('schema')) };
  switch (op) {
    case 'create_index': {
      const t = tableArg(1, 'table_name');
      if (!t.name) return null;
      const name = s(arg(args, 0, 'index_name'));
      const cols = nameList(src, arg(args, 2 + shift, 'columns'), resolver);
      const using = s(args.keywords.get('postgresql_using'));
      const where = args.keywords.get('postgresql_where');
      const include = nameList(src, args.keywords.get('postgresql_include'), resolver);
      return [
        'CREATE',
        isTrue(src, args.keywords.get('unique')) ? 'UNIQUE INDEX' : 'INDEX',
        isTrue(src, args.keywords.get('postgresql_concurrently')) ? 'CONCURRENTLY' : '',
        isTrue(src, args.keywords.get('if_not_exists')) ? 'IF NOT EXISTS' : '',
        name ? ident(name) : '',
        `ON ${qualified(t.name, t.schema)}`,
        using ? `USING ${ident(using)}` : '',
        `(${cols.length ? cols.join(', ') : 'id'})`,
        include.length ? `INCLUDE (${include.join(', ')})` : '',
        where ? `WHERE ${saExpr(src, where, resolver, 'true')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
    }
    case 'drop_index': {
      const name = s(arg(args, 0, 'index_name'));
      if (!name) return null;
      return [
        'DROP INDEX',
        isTrue(src, args.keywords.get('postgresql_concurrently')) ? 'CONCURRENTLY' : '',
        isTrue(src, args.keywords.get('if_exists')) ? 'IF EXISTS' : '',
        qualified(name, s(args.keywords.get('schema'))),
      ]
        .filter(Boolean)
        .join(' ');
    }
    case 'create_foreign_key': {
      const t = batch ? { name: batch.table, schema: batch.schema } : { name: s(arg(args, 1, 'source_table')), schema: s(args.keywords.get('source_schema')) };
      const ref = s(arg(args, 2 + shift, 'referent_table'));
      if (!t.name || !ref) return null;
      const name = s(arg(args, 0, 'constraint_name'));
      const local = nameList(src, arg(args, 3 + shift, 'local_cols'), resolver);
      const remote = nameList(src, arg(args, 4 + shift, 'remote_cols'), resolver);
      return `ALTER TABLE ${qualified(t.name, t.schema)} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}FOREIGN KEY (${local.join(', ') || 'id'}) REFERENCES ${qualified(ref, s(args.keywords.get('referent_schema')))} (${remote.join(', ') || 'id'})${isTrue(src, args.keywords.get('postgresql_not_valid')) ? ' NOT VALID' : ''}`;
    }
    case 'create_unique_constraint':
    case 'create_primary_key': {
      const t = tableArg(1, 'table_name');
      if (!t.name) return null;
      const name = s(arg(args, 0, 'constraint_name'));
      const cols = nameList(src, arg(args, 2 + shift, 'columns'), resolver);
      return `ALTER TABLE ${qualified(t.name, t.schema)} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}${op === 'create_unique_constraint' ? 'UNIQUE' : 'PRIMARY KEY'} (${cols.join(', ') || 'id'})`;
    }
    case 'create_check_constraint': {
      const t = tableArg(1, 'table_name');
      if (!t.name) return null;
      const name = s(arg(args, 0, 'constraint_name'));
      const cond = arg(args, 2 + shift, 'condition');
      const text = s(cond) ?? saExpr(src, cond, resolver, 'true');
      return `ALTER TABLE ${qualified(t.name, t.schema)} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}CHECK (${text})${isTrue(src, args.keywords.get('postgresql_not_valid')) ? ' NOT VALID' : ''}`;
    }
    case 'add_column': {
      const t = tableArg(0, 'table_name');
      const col = columnDef(src, arg(args, 1 + shift, 'column'), resolver, true);
      if (!t.name || !col) return null;
      return `ALTER TABLE ${qualified(t.name, t.schema)} ADD COLUMN ${isTrue(src, args.keywords.get('if_not_exists')) ? 'IF NOT EXISTS ' : ''}${col.sql}`;
    }
    case 'alter_column': {
      const t = tableArg(0, 'table_name');
      const col = s(arg(args, 1 + shift, 'column_name'));
      if (!t.name || !col) return null;
      const table = qualified(t.name, t.schema);
      const out: string[] = [];
      const type = args.keywords.get('type_');
      if (type) {
        const using = s(args.keywords.get('postgresql_using'));
        out.push(`ALTER TABLE ${table} ALTER COLUMN ${ident(col)} TYPE ${saType(src, type)}${using ? ` USING ${using}` : ''}`);
      }
      const nullable = args.keywords.get('nullable');
      if (nullable && textOf(src, nullable) === 'False') out.push(`ALTER TABLE ${table} ALTER COLUMN ${ident(col)} SET NOT NULL`);
      if (nullable && textOf(src, nullable) === 'True') out.push(`ALTER TABLE ${table} ALTER COLUMN ${ident(col)} DROP NOT NULL`);
      const def = args.keywords.get('server_default');
      if (def)
        out.push(
          textOf(src, def) === 'None'
            ? `ALTER TABLE ${table} ALTER COLUMN ${ident(col)} DROP DEFAULT`
            : `ALTER TABLE ${table} ALTER COLUMN ${ident(col)} SET DEFAULT ${saExpr(src, def, resolver, 'NULL')}`,
        );
      const rename = s(args.keywords.get('new_column_name'));
      if (rename) out.push(`ALTER TABLE ${table} RENAME COLUMN ${ident(col)} TO ${ident(rename)}`);
      return out.length ? out.join(';\n') : null;
    }
    case 'create_table': {
      const name = s(arg(args, 0, 'table_name'));
      if (!name) return null;
      const cols = args.positional
        .slice(1)
        .map((c) => columnDef(src, c, resolver, false))
        .filter((c): c is { name: string; sql: string } => c !== null);
      return `CREATE TABLE ${isTrue(src, args.keywords.get('if_not_exists')) ? 'IF NOT EXISTS ' : ''}${qualified(name, s(args.keywords.get('schema')))} (${cols.map((c) => c.sql).join(', ')})`;
    }
    case 'drop_table': {
      const name = s(arg(args, 0, 'table_name'));
      return name ? `DROP TABLE ${qualified(name, s(args.keywords.get('schema')))}` : null;
    }
    case 'rename_table': {
      const from = s(arg(args, 0, 'old_table_name'));
      const to = s(arg(args, 1, 'new_table_name'));
      return from && to ? `ALTER TABLE ${qualified(from, s(args.keywords.get('schema')))} RENAME TO ${ident(to)}` : null;
    }
    case 'drop_column': {
      const t = tableArg(0, 'table_name');
      const col = s(arg(args, 1 + shift, 'column_name'));
      return t.name && col ? `ALTER TABLE ${qualified(t.name, t.schema)} DROP COLUMN ${ident(col)}` : null;
    }
    case 'drop_constraint': {
      const t = tableArg(1, 'table_name');
      const name = s(arg(args, 0, 'constraint_name'));
      return t.name && name ? `ALTER TABLE ${qualified(t.name, t.schema)} DROP CONSTRAINT ${ident(name)}` : null;
    }
    default:
      return null;
  }
}

/**
 * What `op.alter_column(…, existing_type=…, existing_nullable=…)` states about the column before the call: Alembic
 * needs them on other databases (MySQL restates the whole column), and autogenerate writes them from the database it
 * compared against. Nothing when the existing type is missing or one migralint does not map.
 */
function presumedColumns(w: Walk, op: string, args: CallArgs, batch?: { table: string; schema?: string }): PresumedColumn[] | undefined {
  if (op !== 'alter_column') return undefined;
  const { src, resolver } = w;
  const table = batch
    ? { name: batch.table, schema: batch.schema }
    : { name: stringValue(src, arg(args, 0, 'table_name'), resolver), schema: stringValue(src, args.keywords.get('schema'), resolver) };
  const column = stringValue(src, arg(args, batch ? 0 : 1, 'column_name'), resolver);
  const existing = args.keywords.get('existing_type');
  const sql = existing ? knownSaType(src, existing) : undefined;
  const type = sql === undefined ? undefined : modelType(sql);
  if (!table.name || !column || !type) return undefined;
  const nullable = args.keywords.get('existing_nullable');
  const said = nullable ? textOf(src, nullable) : undefined;
  return [
    {
      table: table.schema ? { schema: table.schema, name: table.name } : { name: table.name },
      column,
      type,
      ...(said === 'True' ? { notNull: false } : said === 'False' ? { notNull: true } : {}),
    },
  ];
}

/** The SQL argument of op.execute / conn.execute, unwrapped from sa.text(…) and .execution_options(…). */
function sqlArgument(src: string, node: PyNode | undefined): PyNode | undefined {
  let n = node;
  for (let k = 0; k < 4 && n?.type === 'call'; k++) {
    const fn = dottedName(src, child(n, 'function')) ?? '';
    if (TEXT_CALLS.has(fn)) return callArgs(src, n).positional[0];
    const fnNode = child(n, 'function');
    if (fnNode?.type === 'attribute' && /\.(execution_options|bindparams|columns)$/.test(fn)) n = child(fnNode, 'object');
    else return n;
  }
  return n;
}

function handleCall(w: Walk, call: PyNode, region: Region): boolean {
  const { src } = w;
  const fnNode = child(call, 'function');
  const fn = dottedName(src, fnNode);
  if (!fn || fnNode?.type !== 'attribute') return false;
  const receiver = child(fnNode, 'object')!;
  const method = textOf(src, child(fnNode, 'attribute')!);
  const recv = dottedName(src, receiver);
  const stmt = enclosingStatement(call);
  const origin = { call, stmt, section: w.section };

  const isConnection =
    recv === 'op.get_bind()' || recv === 'op.get_context().connection' || (receiver.type === 'identifier' && region.connections.has(textOf(src, receiver)));
  if ((recv === 'op' && method === 'execute') || (isConnection && (method === 'execute' || method === 'exec_driver_sql'))) {
    const args = callArgs(src, call);
    let sqlNode = sqlArgument(src, arg(args, 0, recv === 'op' ? 'sqltext' : 'statement'));
    // `update = sa.text("…")` earlier in the module, then `conn.execute(update, …)`: the text() the name holds.
    if (sqlNode?.type === 'identifier') {
      const bound = w.resolver.lookup(textOf(src, sqlNode), sqlNode);
      if (bound?.type === 'call' && TEXT_CALLS.has(dottedName(src, child(bound, 'function')) ?? '')) sqlNode = sqlArgument(src, bound);
    }
    if (!sqlNode) return true;
    // SQLAlchemy Core on a table the revision declares: t.update().where(…).values(…) and the like.
    const core = coreStatementSql(src, sqlNode, w.resolver);
    if (core) {
      w.items.push({ kind: 'operation', sql: core, span: { start: call.start, end: call.end }, exec: exec(w, region, true), call: fn, origin });
      return true;
    }
    const chunk = sqlChunk(src, sqlNode, w.resolver, exec(w, region, true), fn, origin, w.notes);
    if (chunk) w.items.push(chunk);
    return true;
  }
  const batch = receiver.type === 'identifier' ? region.batch.get(textOf(src, receiver)) : undefined;
  if (recv === 'op' || batch) {
    const args = callArgs(src, call);
    const sql = operationSql(w, method, args, batch);
    if (sql === null) return false;
    const presumes = presumedColumns(w, method, args, batch);
    const item: OperationItem = {
      kind: 'operation',
      sql,
      span: { start: call.start, end: call.end },
      exec: exec(w, region, false),
      call: `${recv === 'op' ? 'op' : textOf(src, receiver)}.${method}`,
      origin,
      ...(presumes ? { presumes } : {}),
    };
    w.items.push(item);
    return true;
  }
  return false;
}

function visit(w: Walk, node: PyNode, region: Region): void {
  const { src } = w;
  if (node.type === 'with_statement') {
    const next: Region = { ...region, batch: new Map(region.batch) };
    const clause = node.children.find((c) => c.type === 'with_clause');
    for (const item of clause ? namedChildren(clause) : []) {
      const value = child(item, 'value');
      const expr = value?.type === 'as_pattern' ? namedChildren(value)[0] : value;
      const alias = value?.type === 'as_pattern' ? (child(value, 'alias') ?? namedChildren(value)[1]) : undefined;
      const fn = expr?.type === 'call' ? (dottedName(src, child(expr, 'function')) ?? '') : '';
      if (/(^|\.)autocommit_block$/.test(fn)) next.autocommit = true;
      else if (fn === 'op.batch_alter_table' && expr && alias) {
        const args = callArgs(src, expr);
        const table = stringValue(src, arg(args, 0, 'table_name'), w.resolver);
        const aliasName = alias.type === 'as_pattern_target' ? namedChildren(alias)[0] : alias;
        if (table && aliasName) next.batch.set(textOf(src, aliasName), { table, schema: stringValue(src, args.keywords.get('schema'), w.resolver) });
      } else if (expr) visit(w, expr, region);
    }
    const body = child(node, 'body');
    if (body) visit(w, body, next);
    return;
  }
  if (node.type === 'call' && handleCall(w, node, region)) return;
  for (const c of node.children) visit(w, c, region);
}

/** Names bound to `op.get_bind()` in a function: `conn = op.get_bind()`. */
function connectionNames(src: string, fn: PyNode): Set<string> {
  const names = new Set(CONNECTION_NAMES);
  const scan = (n: PyNode): void => {
    if (n.type === 'assignment') {
      const left = child(n, 'left');
      const right = child(n, 'right');
      if (
        left?.type === 'identifier' &&
        right &&
        /^op\.get_(bind|context)\(\)/.test(dottedName(src, right.type === 'call' ? right : undefined) ?? textOf(src, right))
      )
        names.add(textOf(src, left));
    }
    n.children.forEach(scan);
  };
  scan(fn);
  return names;
}

export function isAlembicMigration(text: string): boolean {
  // `from alembic import op`, or a revision's own identifiers: `revision = …` with `def upgrade()` or `down_revision = …`.
  return (
    /^\s*from\s+alembic\s+import\s+(?:[\w\s,()]*\b)?op\b/m.test(text) ||
    (/^revision\s*[:=]/m.test(text) && (/^def\s+upgrade\s*\(/m.test(text) || /^down_revision\s*[:=]/m.test(text)))
  );
}

function extract(file: { path: string; text: string; bom: boolean }, ctx: ExtractContext): MigrationUnit {
  const src = file.text;
  const root = parsePython(src);
  const notes: AdapterNote[] = [];
  const syntax = syntaxNote(src, root);
  if (syntax) notes.push(syntax);
  const tx = alembicTxModel(file.path, ctx);
  const resolver = scopeResolver(src, root);
  const items: UnitItem[] = [];
  const sections: Array<'upgrade' | 'downgrade'> = ctx.settings.includeDown ? ['upgrade', 'downgrade'] : ['upgrade'];
  for (const section of sections) {
    for (const top of root.children) {
      const fn = top.type === 'decorated_definition' ? child(top, 'definition') : top;
      if (fn?.type !== 'function_definition') continue;
      const name = child(fn, 'name');
      if (!name || textOf(src, name) !== section) continue;
      const body = child(fn, 'body');
      if (body) visit({ src, resolver, items, notes, tx, section }, body, { autocommit: false, batch: new Map(), connections: connectionNames(src, fn) });
    }
  }
  return { file, framework: 'alembic', items, directives: pythonDirectives(src, root), notes, assumption: tx.assumption };
}

// ---------- fixes ----------

function rewriteOperation(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently', unit: MigrationUnit): Edit[] | null {
  const item = stmt.item;
  if (item.kind !== 'operation' || !/\.(create_index|drop_index)$/.test(item.call)) return null;
  const call = item.origin?.call as PyNode | undefined;
  if (!call) return null;
  const src = unit.file.text;
  const args = callArgs(src, call);
  const list = args.list;
  if (!list) return null;
  const kw = list.children.find((c) => c.type === 'keyword_argument' && textOf(src, child(c, 'name')!) === 'postgresql_concurrently');
  if (change === 'drop-concurrently') {
    if (!kw) return null;
    const before = list.children[list.children.indexOf(kw) - 1];
    if (before?.type === ',') {
      const prev = list.children[list.children.indexOf(kw) - 2];
      return [{ start: prev && prev.type !== '(' ? prev.end : before.start, end: kw.end, text: '' }];
    }
    const after = list.children[list.children.indexOf(kw) + 1];
    return [{ start: kw.start, end: after?.type === ',' ? after.end : kw.end, text: '' }];
  }
  if (kw) {
    const value = child(kw, 'value')!;
    return textOf(src, value) === 'True' ? [] : [{ start: value.start, end: value.end, text: 'True' }];
  }
  const named = namedChildren(list);
  const last = named[named.length - 1];
  if (!last) return null;
  const open = list.start;
  const multiline = src.slice(open, last.start).includes('\n');
  if (multiline) {
    const lineStart = src.lastIndexOf('\n', last.start - 1) + 1;
    let indent = src.slice(lineStart, last.start);
    // A call in Alembic's transaction also moves into autocommit_block (the escape merged with this edit):
    // the new line is indented one level further with the lines the wrap moves.
    if (item.exec.wrapped) indent += indentUnit(src, indent);
    if (/^[ \t]*$/.test(indent)) return [{ start: last.end, end: last.end, text: `,${eolOf(src)}${indent}postgresql_concurrently=True` }];
  }
  return [{ start: last.end, end: last.end, text: ', postgresql_concurrently=True' }];
}

const HEADER = 'with op.get_context().autocommit_block():';

function escapeTransaction(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[]): EscapePlan | null {
  const item = stmt.item;
  if (!item.exec.wrapped) return null;
  const pyStmt = item.origin?.stmt as PyNode | undefined;
  const call = item.origin?.call as PyNode | undefined;
  if (!pyStmt || !call) return null;
  const src = unit.file.text;
  if (item.kind === 'sql' && statements.filter((s) => s.itemIndex === stmt.itemIndex).length > 1) {
    return {
      kind: 'manual',
      help: `${item.exec.reason}. Give this statement its own op.execute() inside \`${HEADER}\`: in autocommit mode a string of several statements is still sent as one query, which PostgreSQL runs as one implicit transaction.`,
    };
  }
  if (pyStmt.type !== 'expression_statement' || pyStmt.children[0] !== call) {
    return { kind: 'manual', help: `${item.exec.reason}. Run the call inside \`${HEADER}\`.` };
  }
  const edits = wrapInWith(src, pyStmt, HEADER, eolOf(src));
  if (!edits) return { kind: 'manual', help: `${item.exec.reason}. Put the call on its own line inside \`${HEADER}\`.` };
  const others = needAtomicity(stmt, statements);
  const description =
    "Run it inside `with op.get_context().autocommit_block():` (Alembic commits the migration's transaction so far, runs the block in autocommit mode, then begins a new transaction)";
  if (others.length > 0) {
    return {
      kind: 'suggestion',
      description: `${description}. This migration also runs ${others.length} other statement(s) in its transaction (line ${others.map((o) => o.loc.line).join(', ')}): they no longer commit together with the index; split them into their own migration if they must`,
      edits,
    };
  }
  return { kind: 'fix', description, edits };
}

/** `op.execute("<sql>")` on a line of its own just before the statement's Python statement. */
function insertBefore(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null {
  const pyStmt = stmt.item.origin?.stmt as PyNode | undefined;
  if (!pyStmt || pyStmt.type !== 'expression_statement') return null;
  const src = unit.file.text;
  const lineStart = src.lastIndexOf('\n', pyStmt.start - 1) + 1;
  const indent = src.slice(lineStart, pyStmt.start);
  if (!/^[ \t]*$/.test(indent)) return null; // another statement shares the line
  const literal = `"${sql.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [{ start: lineStart, end: lineStart, text: `${indent}op.execute(${literal})${eolOf(src)}` }];
}

export const alembicAdapter: FrameworkAdapter = {
  id: 'alembic',
  name: 'Alembic',
  commentPrefix: '#',
  extract,
  rewriteOperation,
  escapeTransaction,
  insertBefore,
};
