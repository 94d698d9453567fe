import { statementDirectives } from '../../engine/directives.js';
import type { ExtractContext } from '../../sources/adapter.js';
import { parseCSharp, type CsNode } from '../../sources/csharp/tree.js';
import { child, namedChildren, walk } from '../../sources/python/tree.js';
import { syntaxNote } from '../../sources/python/common.js';
import type { AdapterNote, Directive, ExecutionContext, MigrationUnit, SourceFile, UnitItem } from '../../types.js';
import { argOf, arrayElements, callOf, plainString, stringArray, stringValue, text, type CsCall } from './csharp.js';

/**
 * EF Core migrations: `Migrations/<id>_<Name>.cs`, a class deriving from `Migration` whose `Up(MigrationBuilder)`
 * builds operations. EF Core (3.0–9.0, Migrator and MigrationCommandExecutor) runs each migration's commands in a
 * transaction of its own; a command marked suppressTransaction (`migrationBuilder.Sql(…, suppressTransaction:
 * true)`, or Npgsql's CREATE INDEX CONCURRENTLY from `.Annotation("Npgsql:CreatedConcurrently", true)`) commits
 * what ran before it and runs alone, outside any transaction. A `Sql` string is one command: Npgsql sends its
 * statements as one batch, one implicit transaction. The DSL becomes the SQL Npgsql (8.x) generates.
 */

export function isEfMigration(text: string): boolean {
  return /\bMigrationBuilder\b/.test(text) && /\boverride\s+void\s+Up\s*\(\s*MigrationBuilder\b/.test(text);
}

export const WRAPPED = 'EF Core runs each migration in a transaction (unless a command suppresses it: Sql(…, suppressTransaction: true))';
const SUPPRESSED = 'suppressTransaction: true runs this command outside the migration transaction';
const CONCURRENT = 'Npgsql runs a concurrent CreateIndex (Npgsql:CreatedConcurrently) outside the migration transaction';

/** Migration-wide facts the fix writers need. */
export interface EfInfo {
  /** The `Up` method's MigrationBuilder parameter name (`migrationBuilder`). */
  builder: string;
}

/** What a fix writer needs of an item: the builder call, its statement, its chain of annotations. */
export interface EfOrigin {
  call: CsCall;
  /** The expression statement holding the call (where a line goes before). */
  stmt: CsNode;
  /** `.Annotation("…", v)` calls chained on the call. */
  annotations: Map<string, CsNode>;
  info: EfInfo;
  kind?: 'index' | 'drop-index' | 'foreign-key' | 'check';
}

/** The parameters AddColumn and AlterColumn both begin with, in order. */
const COLUMN = ['name', 'table', 'type', 'unicode', 'maxLength', 'rowVersion', 'schema', 'nullable', 'defaultValue', 'defaultValueSql', 'computedColumnSql'];

const P = {
  Sql: ['sql', 'suppressTransaction'],
  CreateTable: ['name', 'columns', 'schema', 'constraints', 'comment'],
  DropTable: ['name', 'schema'],
  AddColumn: [...COLUMN, 'fixedLength', 'comment', 'collation', 'precision', 'scale', 'stored'],
  AlterColumn: [...COLUMN, 'oldClrType', 'oldType', 'oldUnicode', 'oldMaxLength', 'oldRowVersion', 'oldNullable', 'oldDefaultValue', 'oldDefaultValueSql'],
  CreateIndex: ['name', 'table', 'column', 'schema', 'unique', 'filter'],
  DropIndex: ['name', 'table', 'schema'],
  AddForeignKey: ['name', 'table', 'column', 'principalTable', 'schema', 'principalSchema', 'principalColumn', 'onUpdate', 'onDelete'],
  DropForeignKey: ['name', 'table', 'schema'],
  DropColumn: ['name', 'table', 'schema'],
  RenameColumn: ['name', 'table', 'newName', 'schema'],
  RenameTable: ['name', 'schema', 'newName', 'newSchema'],
  RenameIndex: ['name', 'newName', 'table', 'schema'],
  AddPrimaryKey: ['name', 'table', 'column', 'schema'],
  DropPrimaryKey: ['name', 'table', 'schema'],
  AddUniqueConstraint: ['name', 'table', 'column', 'schema'],
  DropUniqueConstraint: ['name', 'table', 'schema'],
  AddCheckConstraint: ['name', 'table', 'sql', 'schema'],
  DropCheckConstraint: ['name', 'table', 'schema'],
  EnsureSchema: ['name'],
  DropSchema: ['name'],
} as const;

/** Calls that change nothing in PostgreSQL's schema migralint models (seed data, comments, sequences' restarts …). */
const IGNORED = new Set(['InsertData', 'UpdateData', 'DeleteData', 'RestartSequence']);

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const qualified = (name: string, schema?: string): string => (schema ? `${ident(schema)}.${ident(name)}` : ident(name));

/** The PostgreSQL type Npgsql maps a CLR type to, when the call gives no `type:`. */
const CLR_TYPES: Record<string, string> = {
  int: 'integer',
  Int32: 'integer',
  long: 'bigint',
  Int64: 'bigint',
  short: 'smallint',
  Int16: 'smallint',
  bool: 'boolean',
  Boolean: 'boolean',
  string: 'text',
  String: 'text',
  decimal: 'numeric',
  Decimal: 'numeric',
  double: 'double precision',
  Double: 'double precision',
  float: 'real',
  Single: 'real',
  DateTime: 'timestamp with time zone',
  DateTimeOffset: 'timestamp with time zone',
  DateOnly: 'date',
  TimeOnly: 'time without time zone',
  TimeSpan: 'interval',
  Guid: 'uuid',
  'byte[]': 'bytea',
  byte: 'smallint',
  char: 'character(1)',
  uint: 'xid',
};

interface Walk {
  src: string;
  items: UnitItem[];
  notes: AdapterNote[];
  info: EfInfo;
  /** Column names of the tables this migration creates, by CLR property (`x => x.CustomerId`). */
  props: Map<string, string>;
}

function note(w: Walk, node: CsNode, message: string): void {
  w.notes.push({ ruleId: 'unsupported-framework-construct', severity: 'info', message, span: { start: node.start, end: node.end } });
}

const wrapped: ExecutionContext = { wrapped: true, reason: WRAPPED, oneQuery: false };

function boolOf(src: string, n: CsNode | undefined): boolean | undefined {
  if (!n) return undefined;
  const t = text(src, n);
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/** A C# constant as a SQL literal (defaultValue: 0, "EUR", true, new DateTime(2024, 1, 1)); undefined when it is not one. */
function literal(src: string, n: CsNode | undefined): string | undefined {
  if (!n) return undefined;
  const t = text(src, n);
  if (n.type === 'null_literal') return 'NULL';
  // (byte)0, (short)1: the value, as PostgreSQL casts it to the column's type.
  if (n.type === 'cast_expression') return literal(src, child(n, 'value'));
  if (n.type === 'boolean_literal') return t.toUpperCase();
  if (n.type === 'integer_literal' || n.type === 'real_literal') return t.replace(/[uUlLmMfFdD]+$/, '').replace(/_/g, '');
  if (n.type === 'prefix_unary_expression' && /^-\s*\d/.test(t)) return t.replace(/\s+/g, '').replace(/[uUlLmMfFdD]+$/, '');
  const s = plainString(src, n);
  if (s !== undefined) return `'${s.replace(/'/g, "''")}'`;
  if (n.type === 'object_creation_expression' && /^new\s+DateTime\s*\(/.test(t)) {
    const nums = t
      .replace(/^new\s+DateTime\s*\(/, '')
      .split(',')
      .map((x) => x.trim());
    const [y, mo, d, h = '0', mi = '0', se = '0'] = nums.map((x) => (/^\d+$/.test(x) ? x : ''));
    if (y && mo && d)
      return `'${y.padStart(4, '0')}-${mo.padStart(2, '0')}-${d.padStart(2, '0')} ${h.padStart(2, '0')}:${mi.padStart(2, '0')}:${se.padStart(2, '0')}'`;
  }
  if (t === 'Guid.Empty') return "'00000000-0000-0000-0000-000000000000'";
  return undefined;
}

/** `type: "…"`, else Npgsql's mapping of the CLR type argument (string with maxLength → character varying(n)). */
function columnType(src: string, call: CsCall, params: readonly string[], clr = call.typeArg): string | undefined {
  const t = plainString(src, argOf(call, params, 'type'));
  if (t) return t;
  const base = clr?.replace(/\?$/, '').replace(/^System\./, '');
  if (!base) return undefined;
  const maxLength = argOf(call, params, 'maxLength');
  if ((base === 'string' || base === 'String') && maxLength?.type === 'integer_literal') return `character varying(${text(src, maxLength)})`;
  return CLR_TYPES[base];
}

/** `"c" type [GENERATED …] [DEFAULT …] [NOT NULL]` from a Column<T>(…) / AddColumn<T>(…) call and its annotations. */
function columnDef(w: Walk, name: string, call: CsCall, params: readonly string[], annotations: Map<string, CsNode>): string | undefined {
  const src = w.src;
  let type = columnType(src, call, params);
  if (!type) {
    note(w, call.node, `${call.method}: the column type of ${name} is not a literal migralint can read; the column was not linted.`);
    return undefined;
  }
  const parts = [ident(name)];
  const strategy = annotations.get('Npgsql:ValueGenerationStrategy');
  const strategyText = strategy ? text(src, strategy) : '';
  let identity = '';
  if (/SerialColumn$/.test(strategyText)) type = type === 'bigint' ? 'bigserial' : type === 'smallint' ? 'smallserial' : 'serial';
  else if (/IdentityByDefaultColumn$/.test(strategyText)) identity = ' GENERATED BY DEFAULT AS IDENTITY';
  else if (/IdentityAlwaysColumn$/.test(strategyText)) identity = ' GENERATED ALWAYS AS IDENTITY';
  parts.push(type + identity);
  const computed = plainString(src, argOf(call, params, 'computedColumnSql'));
  if (computed !== undefined) parts.push(`GENERATED ALWAYS AS (${computed}) STORED`);
  const defaultSql = plainString(src, argOf(call, params, 'defaultValueSql'));
  const defaultValue = argOf(call, params, 'defaultValue');
  // An identity column takes no default (Npgsql leaves the scaffolded defaultValue out).
  if (identity) {
    /* no DEFAULT */
  } else if (defaultSql !== undefined) parts.push(`DEFAULT ${defaultSql}`);
  else if (defaultValue) {
    const lit = literal(src, defaultValue);
    if (lit === undefined)
      note(
        w,
        defaultValue,
        `${call.method}: the default of ${name} (${text(src, defaultValue)}) is not a constant migralint can read; it was read as a constant default.`,
      );
    parts.push(`DEFAULT ${lit ?? 'NULL'}`);
  }
  // AddColumn's nullable defaults to false; Column<T>'s follows the CLR type (T? and reference types are nullable).
  const nullable = boolOf(src, argOf(call, params, 'nullable'));
  const notNull =
    nullable !== undefined
      ? !nullable
      : call.method !== 'Column' || (!!call.typeArg && !/\?$/.test(call.typeArg) && !['string', 'String', 'byte[]'].includes(call.typeArg));
  if (notNull) parts.push('NOT NULL');
  const collation = plainString(src, argOf(call, params, 'collation'));
  if (collation) parts.splice(2, 0, `COLLATE ${ident(collation)}`);
  return parts.join(' ');
}

/** The `.Annotation("…", v)` calls chained on a builder call, and the builder call itself. */
function unchain(src: string, n: CsNode): { call: CsCall; annotations: Map<string, CsNode> } | null {
  const annotations = new Map<string, CsNode>();
  let c = callOf(src, n);
  while (c && (c.method === 'Annotation' || c.method === 'OldAnnotation') && c.receiver) {
    const key = plainString(src, c.positional[0]);
    if (key && c.positional[1] && c.method === 'Annotation') annotations.set(key, c.positional[1]);
    c = callOf(src, c.receiver);
  }
  return c ? { call: c, annotations } : null;
}

/** `x => x.A` or `x => new { x.A, x.B }`: the property names. */
function lambdaColumns(w: Walk, n: CsNode | undefined): string[] | undefined {
  if (!n || n.type !== 'lambda_expression') return undefined;
  const body = child(n, 'body');
  if (!body) return undefined;
  const members = body.type === 'anonymous_object_creation_expression' ? namedChildren(body) : [body];
  const out: string[] = [];
  for (const m of members) {
    if (m.type !== 'member_access_expression') return undefined;
    const name = child(m, 'name');
    if (!name) return undefined;
    const prop = text(w.src, name);
    out.push(w.props.get(prop) ?? prop);
  }
  return out;
}

/** `column: "A"`, `columns: new[] { "A", "B" }`, or a lambda (in CreateTable's constraints). */
function columnsArg(w: Walk, call: CsCall, params: readonly string[], single = 'column', plural = 'columns'): string[] | undefined {
  const one = call.named.get(single) ?? (call.named.has(plural) ? undefined : argOf(call, params, single));
  const many = call.named.get(plural);
  if (many) return stringArray(w.src, many) ?? lambdaColumns(w, many);
  if (!one) return undefined;
  const s = plainString(w.src, one);
  if (s !== undefined) return [s];
  return stringArray(w.src, one) ?? lambdaColumns(w, one);
}

const cols = (names: string[]): string => names.map(ident).join(', ');

const REFERENTIAL: Record<string, string> = { Cascade: 'CASCADE', Restrict: 'RESTRICT', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT', NoAction: '' };

function foreignKeySql(w: Walk, call: CsCall, params: readonly string[], columns: string[] | undefined): string | undefined {
  const src = w.src;
  const name = plainString(src, argOf(call, params, 'name'));
  const principal = plainString(src, argOf(call, params, 'principalTable'));
  if (!columns || !principal) return undefined;
  const principalCols = columnsArg(w, call, params, 'principalColumn', 'principalColumns');
  const schema = plainString(src, argOf(call, params, 'principalSchema'));
  let sql = `${name ? `CONSTRAINT ${ident(name)} ` : ''}FOREIGN KEY (${cols(columns)}) REFERENCES ${qualified(principal, schema)}${principalCols ? ` (${cols(principalCols)})` : ''}`;
  for (const [arg, clause] of [
    ['onDelete', 'ON DELETE'],
    ['onUpdate', 'ON UPDATE'],
  ] as const) {
    const v = argOf(call, params, arg);
    const action = v ? REFERENTIAL[text(src, v).replace(/^.*\./, '')] : undefined;
    if (action) sql += ` ${clause} ${action}`;
  }
  return sql;
}

function push(
  w: Walk,
  call: CsCall,
  stmt: CsNode,
  annotations: Map<string, CsNode>,
  sql: string,
  exec: ExecutionContext = wrapped,
  kind?: EfOrigin['kind'],
): void {
  const origin: EfOrigin = { call, stmt, annotations, info: w.info, kind };
  w.items.push({
    kind: 'operation',
    sql,
    span: { start: call.node.start, end: call.node.end },
    exec,
    call: `migrationBuilder.${call.method}`,
    origin: origin as unknown as Record<string, unknown>,
  });
}

function createTable(w: Walk, call: CsCall, stmt: CsNode, annotations: Map<string, CsNode>): void {
  const src = w.src;
  const params = P.CreateTable;
  const name = plainString(src, argOf(call, params, 'name'));
  const schema = plainString(src, argOf(call, params, 'schema'));
  const columnsLambda = argOf(call, params, 'columns');
  const body = columnsLambda?.type === 'lambda_expression' ? child(columnsLambda, 'body') : undefined;
  if (!name || !body || body.type !== 'anonymous_object_creation_expression') {
    note(w, call.node, 'CreateTable: the table name or its columns are not literals migralint can read; the table was not linted.');
    return;
  }
  const defs: string[] = [];
  const members = namedChildren(body);
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    let prop: string | undefined;
    let value = m;
    if (m.type === 'identifier' && members[i + 1]) {
      prop = text(src, m);
      value = members[++i]!;
    }
    const col = unchain(src, value);
    if (!col || col.call.method !== 'Column') continue;
    const colName = plainString(src, col.call.named.get('name')) ?? prop;
    if (!colName) continue;
    if (prop) w.props.set(prop, colName);
    const def = columnDef(
      w,
      colName,
      col.call,
      ['type', 'unicode', 'maxLength', 'rowVersion', 'name', 'nullable', 'defaultValue', 'defaultValueSql', 'computedColumnSql'],
      col.annotations,
    );
    if (def) defs.push(def);
  }
  const after: string[] = [];
  const constraints = argOf(call, params, 'constraints');
  const cbody = constraints?.type === 'lambda_expression' ? child(constraints, 'body') : undefined;
  for (const s of cbody?.type === 'block' ? namedChildren(cbody) : cbody ? [cbody] : []) {
    const expr = s.type === 'expression_statement' ? namedChildren(s)[0] : s;
    const c = expr ? unchain(src, expr) : null;
    if (!c) continue;
    const k = c.call;
    const kName = plainString(src, k.named.get('name') ?? k.positional[0]);
    const kCols = columnsArg(w, k, ['name', 'column'], 'column', 'columns');
    const constraint = kName ? `CONSTRAINT ${ident(kName)} ` : '';
    if (k.method === 'PrimaryKey' && kCols) defs.push(`${constraint}PRIMARY KEY (${cols(kCols)})`);
    else if (k.method === 'UniqueConstraint' && kCols) defs.push(`${constraint}UNIQUE (${cols(kCols)})`);
    else if (k.method === 'CheckConstraint') {
      const check = plainString(src, k.named.get('sql') ?? k.positional[1]);
      if (check) defs.push(`${constraint}CHECK (${check})`);
    } else if (k.method === 'ForeignKey') {
      const fk = foreignKeySql(w, k, ['name', 'column', 'principalTable', 'principalColumn', 'principalSchema', 'onUpdate', 'onDelete'], kCols);
      if (fk) defs.push(fk);
    }
  }
  push(w, call, stmt, annotations, `CREATE TABLE ${qualified(name, schema)} (${defs.join(', ')})`);
  for (const a of after) push(w, call, stmt, annotations, a);
}

function createIndex(w: Walk, call: CsCall, stmt: CsNode, annotations: Map<string, CsNode>): void {
  const src = w.src;
  const params = P.CreateIndex;
  const name = plainString(src, argOf(call, params, 'name'));
  const table = plainString(src, argOf(call, params, 'table'));
  const columns = columnsArg(w, call, params);
  if (!name || !table || !columns) {
    note(w, call.node, 'CreateIndex: the name, table or columns are not literals migralint can read; the index was not linted.');
    return;
  }
  const schema = plainString(src, argOf(call, params, 'schema'));
  const unique = boolOf(src, argOf(call, params, 'unique')) ? 'UNIQUE ' : '';
  const concurrent = annotations.get('Npgsql:CreatedConcurrently');
  const isConcurrent = concurrent !== undefined && text(src, concurrent) === 'true';
  const method = plainString(src, annotations.get('Npgsql:IndexMethod'));
  const include = stringArray(src, annotations.get('Npgsql:IndexInclude'));
  const filter = plainString(src, argOf(call, params, 'filter'));
  // descending: [false, true] (EF Core 7+): DESC per column; an empty array, every column.
  const desc = arrayElements(call.named.get('descending'))?.map((e) => text(src, e) === 'true');
  const keys = columns.map((c, i) => `${ident(c)}${desc && (desc.length === 0 || desc[i]) ? ' DESC' : ''}`).join(', ');
  let sql = `CREATE ${unique}INDEX ${isConcurrent ? 'CONCURRENTLY ' : ''}${ident(name)} ON ${qualified(table, schema)}${method ? ` USING ${method}` : ''} (${keys})`;
  if (include?.length) sql += ` INCLUDE (${cols(include)})`;
  if (filter) sql += ` WHERE ${filter}`;
  push(w, call, stmt, annotations, sql, isConcurrent ? { wrapped: false, reason: CONCURRENT, oneQuery: false } : wrapped, 'index');
}

function alterColumn(w: Walk, call: CsCall, stmt: CsNode, annotations: Map<string, CsNode>): void {
  const src = w.src;
  const params = P.AlterColumn;
  const name = plainString(src, argOf(call, params, 'name'));
  const table = plainString(src, argOf(call, params, 'table'));
  if (!name || !table) return note(w, call.node, 'AlterColumn: the column or table name is not a literal migralint can read; it was not linted.');
  const t = `ALTER TABLE ${qualified(table, plainString(src, argOf(call, params, 'schema')))} ALTER COLUMN ${ident(name)}`;
  const type = plainString(src, argOf(call, params, 'type'));
  const oldType = plainString(src, argOf(call, params, 'oldType'));
  if (type && type !== oldType) push(w, call, stmt, annotations, `${t} TYPE ${type}`);
  // nullable and oldNullable default to false: the generator writes out only the true ones.
  const nullable = boolOf(src, argOf(call, params, 'nullable')) ?? false;
  const oldNullable = boolOf(src, argOf(call, params, 'oldNullable')) ?? false;
  if (nullable !== oldNullable) push(w, call, stmt, annotations, `${t} ${nullable ? 'DROP' : 'SET'} NOT NULL`);
  const defaultSql = plainString(src, argOf(call, params, 'defaultValueSql'));
  const defaultValue = literal(src, argOf(call, params, 'defaultValue'));
  const oldDefault = plainString(src, argOf(call, params, 'oldDefaultValueSql')) ?? literal(src, argOf(call, params, 'oldDefaultValue'));
  const newDefault = defaultSql ?? defaultValue;
  if (newDefault !== oldDefault) push(w, call, stmt, annotations, newDefault === undefined ? `${t} DROP DEFAULT` : `${t} SET DEFAULT ${newDefault}`);
}

/** One `migrationBuilder.X(…)` statement as the SQL Npgsql generates for it. */
function builderCall(w: Walk, call: CsCall, stmt: CsNode, annotations: Map<string, CsNode>): void {
  const src = w.src;
  const m = call.method;
  const params: readonly string[] = (P as Record<string, readonly string[]>)[m] ?? [];
  const s = (arg: string) => plainString(src, argOf(call, params, arg));
  const tbl = () => {
    const t = s('table');
    return t ? qualified(t, s('schema')) : undefined;
  };
  const emit = (sql: string | undefined, kind?: EfOrigin['kind']) => {
    if (sql) push(w, call, stmt, annotations, sql, wrapped, kind);
    else note(w, call.node, `${m}: its names are not literals migralint can read; it was not linted.`);
  };
  switch (m) {
    case 'Sql': {
      const arg = argOf(call, params, 'sql');
      const value = stringValue(src, arg);
      if (!value || !arg) {
        note(w, arg ?? call.node, 'Sql: the SQL is built at run time (a variable or a method call); migralint cannot read it and did not lint it.');
        return;
      }
      const suppressed = boolOf(src, argOf(call, params, 'suppressTransaction')) === true;
      const origin: EfOrigin = { call, stmt, annotations, info: w.info };
      w.items.push({
        kind: 'sql',
        text: value.text,
        segments: value.segments,
        exec: suppressed ? { wrapped: false, reason: SUPPRESSED, oneQuery: true } : { ...wrapped, oneQuery: true },
        origin: origin as unknown as Record<string, unknown>,
      });
      return;
    }
    case 'CreateTable':
      return createTable(w, call, stmt, annotations);
    case 'CreateIndex':
      return createIndex(w, call, stmt, annotations);
    case 'AlterColumn':
      return alterColumn(w, call, stmt, annotations);
    case 'AddColumn': {
      const name = s('name');
      const t = tbl();
      const def = name && t ? columnDef(w, name, call, params, annotations) : undefined;
      if (!name || !t) return emit(undefined);
      if (def) push(w, call, stmt, annotations, `ALTER TABLE ${t} ADD COLUMN ${def}`);
      return;
    }
    case 'DropTable':
      return emit(s('name') && `DROP TABLE ${qualified(s('name')!, s('schema'))}`);
    case 'DropIndex':
      return emit(s('name') && `DROP INDEX ${qualified(s('name')!, s('schema'))}`, 'drop-index');
    case 'AddForeignKey': {
      const t = tbl();
      const fk = foreignKeySql(w, call, params, columnsArg(w, call, params));
      return emit(t && fk && `ALTER TABLE ${t} ADD ${fk}`, 'foreign-key');
    }
    case 'DropForeignKey':
    case 'DropPrimaryKey':
    case 'DropUniqueConstraint':
    case 'DropCheckConstraint':
      return emit(tbl() && s('name') && `ALTER TABLE ${tbl()} DROP CONSTRAINT ${ident(s('name')!)}`);
    case 'DropColumn':
      return emit(tbl() && s('name') && `ALTER TABLE ${tbl()} DROP COLUMN ${ident(s('name')!)}`);
    case 'RenameColumn':
      return emit(tbl() && s('name') && s('newName') && `ALTER TABLE ${tbl()} RENAME COLUMN ${ident(s('name')!)} TO ${ident(s('newName')!)}`);
    case 'RenameTable':
      return emit(s('name') && s('newName') && `ALTER TABLE ${qualified(s('name')!, s('schema'))} RENAME TO ${ident(s('newName')!)}`);
    case 'RenameIndex':
      return emit(s('name') && s('newName') && `ALTER INDEX ${qualified(s('name')!, s('schema'))} RENAME TO ${ident(s('newName')!)}`);
    case 'AddPrimaryKey':
    case 'AddUniqueConstraint': {
      const c = columnsArg(w, call, params);
      return emit(
        tbl() && s('name') && c && `ALTER TABLE ${tbl()} ADD CONSTRAINT ${ident(s('name')!)} ${m === 'AddPrimaryKey' ? 'PRIMARY KEY' : 'UNIQUE'} (${cols(c)})`,
      );
    }
    case 'AddCheckConstraint':
      return emit(tbl() && s('name') && s('sql') && `ALTER TABLE ${tbl()} ADD CONSTRAINT ${ident(s('name')!)} CHECK (${s('sql')})`, 'check');
    case 'EnsureSchema':
      return emit(s('name') && `CREATE SCHEMA IF NOT EXISTS ${ident(s('name')!)}`);
    case 'DropSchema':
      return emit(s('name') && `DROP SCHEMA ${ident(s('name')!)}`);
    case 'AlterDatabase': {
      // .Annotation("Npgsql:PostgresExtension:citext", ",,"): the extensions the model needs.
      for (const key of annotations.keys()) {
        const ext = /^Npgsql:PostgresExtension:(?:([^.]+)\.)?(.+)$/.exec(key);
        if (ext) push(w, call, stmt, annotations, `CREATE EXTENSION IF NOT EXISTS ${ident(ext[2]!)}${ext[1] ? ` SCHEMA ${ident(ext[1])}` : ''}`);
        // "Npgsql:CollationDefinition:<name>" = "<lc_collate>,<lc_ctype>,<provider>,<deterministic>".
        const coll = /^Npgsql:CollationDefinition:(?:([^.]+)\.)?(.+)$/.exec(key);
        const def = coll ? plainString(src, annotations.get(key))?.split(',') : undefined;
        if (coll && def && def.length >= 2) {
          const [lcCollate, lcCtype, provider, deterministic] = def;
          const opts = [
            ...(lcCollate === lcCtype ? [`LOCALE = '${lcCollate}'`] : [`LC_COLLATE = '${lcCollate}'`, `LC_CTYPE = '${lcCtype}'`]),
            ...(provider ? [`PROVIDER = ${provider}`] : []),
            ...(deterministic ? [`DETERMINISTIC = ${deterministic}`] : []),
          ];
          push(w, call, stmt, annotations, `CREATE COLLATION ${qualified(coll[2]!, coll[1])} (${opts.join(', ')})`);
        }
      }
      return;
    }
  }
  if (IGNORED.has(m)) return;
  note(w, call.node, `migrationBuilder.${m}: an operation migralint does not read; it was not linted.`);
}

function visit(w: Walk, n: CsNode): void {
  if (n.type === 'comment') return;
  if (n.type === 'expression_statement') {
    const expr = namedChildren(n)[0];
    const chain = expr ? unchain(w.src, expr) : null;
    if (chain && chain.call.receiver && text(w.src, chain.call.receiver) === w.info.builder) return builderCall(w, chain.call, n, chain.annotations);
    return;
  }
  // if / foreach / blocks: the statements inside.
  for (const c of namedChildren(n)) if (c.field !== 'condition') visit(w, c);
}

/** `// migralint-disable-next-line` before a call that spans several lines covers the whole call. */
function csDirectives(src: string, root: CsNode): Directive[] {
  return statementDirectives(src, '//', () => {
    const statements: CsNode[] = [];
    walk(root, (n) => {
      if (n.type === 'expression_statement') statements.push(n);
    });
    return statements;
  });
}

export function extractEfCore(file: SourceFile, ctx: ExtractContext): MigrationUnit {
  const src = file.text;
  const root = parseCSharp(src);
  const notes: AdapterNote[] = [];
  const syntax = syntaxNote(src, root, 'C#');
  if (syntax) notes.push(syntax);
  const items: UnitItem[] = [];
  const methods: CsNode[] = [];
  walk(root, (n) => {
    if (n.type === 'method_declaration') {
      methods.push(n);
      return false;
    }
    return true;
  });
  const named = (name: string) => methods.filter((m) => child(m, 'name') && text(src, child(m, 'name')!) === name);
  const wanted = [...named('Up'), ...(ctx.settings.includeDown ? named('Down') : [])];
  for (const m of wanted) {
    const params = child(m, 'parameters');
    const param = params ? namedChildren(params).find((p) => p.type === 'parameter') : undefined;
    const pname = param ? child(param, 'name') : undefined;
    const body = child(m, 'body');
    if (!pname || !body) continue;
    const w: Walk = { src, items, notes, info: { builder: text(src, pname) }, props: new Map() };
    const start = items.length;
    for (const s of namedChildren(body)) visit(w, s);
    // Down runs on its own (a rollback), not after Up.
    if (text(src, child(m, 'name')!) === 'Down' && items[start]) items[start]!.exec = { ...items[start]!.exec, separateRun: true };
  }
  return { file, framework: 'ef-core', items, directives: csDirectives(src, root), notes };
}
