import { basename, dirname } from 'node:path';
import { eolOf } from '../../engine/fixer.js';
import type { AdapterNote, AnalyzedStatement, Edit, ExecutionContext, MigrationUnit, SourceFile, UnitItem } from '../../types.js';
import type { EscapePlan, ExtractContext, FrameworkAdapter } from '../adapter.js';
import { ident, needAtomicity, pythonDirectives, sqlChunk, sqlLiteral, syntaxNote } from './common.js';
import { scopeResolver, stringValue, type Resolver } from './strings.js';
import { arg, callArgs, child, dottedName, namedChildren, parsePython, textOf, type CallArgs, type PyNode } from './tree.js';

/**
 * Django: `<app>/migrations/NNNN_name.py` with `class Migration(migrations.Migration)`. Each migration runs in a
 * transaction unless the class says `atomic = False`; `AddIndexConcurrently` / `RemoveIndexConcurrently`
 * (django.contrib.postgres.operations) refuse to run in an atomic migration. `RunSQL` strings are split into
 * statements and run one by one; each element of a RunSQL list is one query. Only `database_operations` of
 * `SeparateDatabaseAndState` touch the database.
 */

const INDEX_OPS = new Set(['AddIndex', 'AddIndexConcurrently', 'RemoveIndex', 'RemoveIndexConcurrently']);
const PG_OPERATIONS = 'django.contrib.postgres.operations';

export function isDjangoMigration(text: string): boolean {
  return /^class\s+Migration\s*\(\s*(?:migrations\.)?Migration\s*\)\s*:/m.test(text);
}

/** Migration-wide facts the fix writers need, shared by every item of the unit. */
interface MigrationInfo {
  classNode: PyNode;
  /** The `False`/`True` value of `atomic = …` on the class, when present. */
  atomicValue?: PyNode;
  atomic: boolean;
  /** Operations that run Python or whose SQL migralint cannot see (RunPython, dynamic RunSQL …): they need atomicity. */
  opaque: string[];
  body: PyNode;
}

interface Ctx {
  src: string;
  resolver: Resolver;
  app: string;
  /** model name (lower) → db_table, from CreateModel options / AlterModelTable in this migration. */
  tables: Map<string, string>;
  /** `model.field` (lower) of foreign keys seen in this migration: their column is `<field>_id`. */
  foreignKeys: Set<string>;
  items: UnitItem[];
  notes: AdapterNote[];
  info: MigrationInfo;
  includeDown: boolean;
  exec: ExecutionContext;
}

function appLabel(path: string): string {
  const dir = dirname(path.replace(/\\/g, '/'));
  return basename(dir) === 'migrations' ? basename(dirname(dir)) : basename(dir);
}

function table(c: Ctx, model: string): string {
  const key = model.toLowerCase();
  return c.tables.get(key) ?? `${c.app}_${key}`.toLowerCase();
}

/** `'app.Model'`, `'Model'`, `settings.AUTH_USER_MODEL` → the referenced table. */
function targetTable(c: Ctx, node: PyNode | undefined): string {
  if (!node) return 'unknown';
  const text = textOf(c.src, node);
  if (/AUTH_USER_MODEL$/.test(text)) return 'auth_user';
  const v = stringValue(c.src, node, c.resolver);
  if (!v) return 'unknown';
  const [app, model] = v.includes('.') ? v.split('.') : [c.app, v];
  return app!.toLowerCase() === c.app.toLowerCase() ? table(c, model!) : `${app}_${model}`.toLowerCase();
}

const FIELD_TYPES: Record<string, string> = {
  AutoField: 'integer', BigAutoField: 'bigint', SmallAutoField: 'smallint', IntegerField: 'integer', BigIntegerField: 'bigint',
  SmallIntegerField: 'smallint', PositiveIntegerField: 'integer', PositiveBigIntegerField: 'bigint', PositiveSmallIntegerField: 'smallint',
  TextField: 'text', BooleanField: 'boolean', NullBooleanField: 'boolean', DateTimeField: 'timestamptz', DateField: 'date', TimeField: 'time',
  DurationField: 'interval', FloatField: 'double precision', UUIDField: 'uuid', JSONField: 'jsonb', BinaryField: 'bytea',
  GenericIPAddressField: 'inet', IPAddressField: 'inet', EmailField: 'varchar(254)', URLField: 'varchar(200)', SlugField: 'varchar(50)',
  ForeignKey: 'bigint', OneToOneField: 'bigint',
};

interface FieldInfo {
  column: string;
  type: string;
  nullable: boolean;
  defaultSql?: string;
  fk?: string;
  unique: boolean;
  index: boolean;
}

function field(c: Ctx, name: string, node: PyNode | undefined): FieldInfo | null {
  if (node?.type !== 'call') return null;
  const { src } = c;
  const cls = (dottedName(src, child(node, 'function')) ?? '').split('.').pop() ?? '';
  const args = callArgs(src, node);
  const kw = (k: string): string | undefined => {
    const v = args.keywords.get(k);
    return v ? textOf(src, v) : undefined;
  };
  const isFk = cls === 'ForeignKey' || cls === 'OneToOneField';
  let type = FIELD_TYPES[cls] ?? 'text';
  if (cls === 'CharField') type = kw('max_length') && /^\d+$/.test(kw('max_length')!) ? `varchar(${kw('max_length')})` : 'varchar';
  if (cls === 'DecimalField') type = kw('max_digits') && kw('decimal_places') ? `numeric(${kw('max_digits')}, ${kw('decimal_places')})` : 'numeric';
  const db = stringValue(src, args.keywords.get('db_column'), c.resolver);
  const column = db ?? (isFk ? `${name}_id` : name);
  let defaultSql: string | undefined;
  const dbDefault = args.keywords.get('db_default');
  const def = args.keywords.get('default');
  if (dbDefault) defaultSql = literal(c, dbDefault);
  else if (def && textOf(src, def) !== 'NOT_PROVIDED' && !/NOT_PROVIDED$/.test(textOf(src, def))) defaultSql = literal(c, def);
  return {
    column,
    type,
    nullable: kw('null') === 'True',
    defaultSql,
    fk: isFk ? targetTable(c, arg(args, 0, 'to')) : undefined,
    unique: kw('unique') === 'True' || cls === 'OneToOneField' || kw('primary_key') === 'True',
    index: (isFk && kw('db_index') !== 'False' && cls !== 'OneToOneField') || (kw('db_index') === 'True' && kw('unique') !== 'True') || (cls === 'SlugField' && kw('db_index') !== 'False'),
  };
}

/** A Python default as the constant Django sends (Django evaluates callables once, in Python). */
function literal(c: Ctx, node: PyNode): string {
  const t = textOf(c.src, node);
  if (node.type === 'integer' || node.type === 'float') return t;
  if (node.type === 'true' || node.type === 'false') return t.toLowerCase();
  if (node.type === 'none') return 'NULL';
  const s = stringValue(c.src, node, c.resolver);
  if (s !== undefined) return sqlLiteral(s);
  if (/(^|\.)Now\(\)$/.test(t)) return 'now()';
  return sqlLiteral(t);
}

/** `Q(price__gte=0)` → `price >= 0`; anything else → `true` (the constraint is still a CHECK on the table). */
function checkExpr(c: Ctx, node: PyNode | undefined): string {
  if (node?.type !== 'call' || !/(^|\.)Q$/.test(dottedName(c.src, child(node, 'function')) ?? '')) return 'true';
  const args = callArgs(c.src, node);
  const ops: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', exact: '=' };
  const parts: string[] = [];
  for (const [k, v] of args.keywords) {
    const m = /^(\w+?)(?:__(gt|gte|lt|lte|exact|isnull))?$/.exec(k);
    if (!m) return 'true';
    if (m[2] === 'isnull') parts.push(`${ident(m[1]!)} IS ${textOf(c.src, v) === 'True' ? '' : 'NOT '}NULL`);
    else parts.push(`${ident(m[1]!)} ${ops[m[2] ?? 'exact']} ${literal(c, v)}`);
  }
  return parts.length ? parts.join(' AND ') : 'true';
}

function indexSql(c: Ctx, tbl: string, model: string, index: PyNode | undefined, concurrently: boolean): string | null {
  if (index?.type !== 'call') return null;
  const { src } = c;
  const cls = (dottedName(src, child(index, 'function')) ?? '').split('.').pop() ?? '';
  const args = callArgs(src, index);
  const name = stringValue(src, args.keywords.get('name'), c.resolver);
  const fieldsNode = args.keywords.get('fields');
  const cols = fieldsNode
    ? namedChildren(fieldsNode).map((f) => {
        const v = stringValue(src, f, c.resolver) ?? 'id';
        const desc = v.startsWith('-');
        const fname = desc ? v.slice(1) : v;
        const col = c.foreignKeys.has(`${model.toLowerCase()}.${fname.toLowerCase()}`) ? `${fname}_id` : fname;
        return `${ident(col)}${desc ? ' DESC' : ''}`;
      })
    : ['(id)'];
  const using = /^(Gin|Gist|Brin|Hash|SpGist|Bloom|BTree)Index$/.exec(cls)?.[1]?.toLowerCase();
  const condition = args.keywords.get('condition');
  return `CREATE INDEX${concurrently ? ' CONCURRENTLY' : ''}${name ? ` ${ident(name)}` : ''} ON ${ident(tbl)}${using && using !== 'btree' ? ` USING ${using}` : ''} (${cols.join(', ') || 'id'})${condition ? ` WHERE ${checkExpr(c, condition)}` : ''}`;
}

function constraintSql(c: Ctx, tbl: string, node: PyNode | undefined): string | null {
  if (node?.type !== 'call') return null;
  const { src } = c;
  const cls = (dottedName(src, child(node, 'function')) ?? '').split('.').pop() ?? '';
  const args = callArgs(src, node);
  const name = stringValue(src, args.keywords.get('name'), c.resolver);
  const named = name ? `CONSTRAINT ${ident(name)} ` : '';
  if (cls === 'UniqueConstraint') {
    const cols = namedChildren(args.keywords.get('fields') ?? { children: [] } as unknown as PyNode).map((f) => ident(stringValue(src, f, c.resolver) ?? 'id'));
    const condition = args.keywords.get('condition');
    if (condition || args.positional.length > 0) {
      return `CREATE UNIQUE INDEX${name ? ` ${ident(name)}` : ''} ON ${ident(tbl)} (${cols.join(', ') || 'id'})${condition ? ` WHERE ${checkExpr(c, condition)}` : ''}`;
    }
    return `ALTER TABLE ${ident(tbl)} ADD ${named}UNIQUE (${cols.join(', ') || 'id'})`;
  }
  if (cls === 'CheckConstraint') return `ALTER TABLE ${ident(tbl)} ADD ${named}CHECK (${checkExpr(c, args.keywords.get('condition') ?? args.keywords.get('check'))})`;
  if (cls === 'ExclusionConstraint') return `ALTER TABLE ${ident(tbl)} ADD ${named}EXCLUDE USING gist (id WITH =)`;
  return null;
}

function columnSql(f: FieldInfo): string {
  return `${ident(f.column)} ${f.type}${f.nullable ? '' : ' NOT NULL'}${f.defaultSql ? ` DEFAULT ${f.defaultSql}` : ''}${f.unique ? ' UNIQUE' : ''}${f.fk ? ` REFERENCES ${ident(f.fk)} (id) DEFERRABLE INITIALLY DEFERRED` : ''}`;
}

/** The SQL Django runs for one schema operation, or null for operations that only change state. */
function operationSql(c: Ctx, op: string, args: CallArgs): string | null {
  const s = (n: PyNode | undefined): string | undefined => stringValue(c.src, n, c.resolver);
  const model = s(arg(args, 0, 'model_name')) ?? s(arg(args, 0, 'name')) ?? '';
  switch (op) {
    case 'AddIndex':
    case 'AddIndexConcurrently':
      return model ? indexSql(c, table(c, model), model, arg(args, 1, 'index'), op === 'AddIndexConcurrently') : null;
    case 'RemoveIndex':
    case 'RemoveIndexConcurrently': {
      const name = s(arg(args, 1, 'name'));
      return name ? `DROP INDEX${op === 'RemoveIndexConcurrently' ? ' CONCURRENTLY' : ''} ${ident(name)}` : null;
    }
    case 'AddConstraint':
      return model ? constraintSql(c, table(c, model), arg(args, 1, 'constraint')) : null;
    case 'RemoveConstraint': {
      const name = s(arg(args, 1, 'name'));
      return model && name ? `ALTER TABLE ${ident(table(c, model))} DROP CONSTRAINT ${ident(name)}` : null;
    }
    case 'AddField': {
      const name = s(arg(args, 1, 'name'));
      const f = name ? field(c, name, arg(args, 2, 'field')) : null;
      if (!model || !f || !name) return null;
      if (f.fk) c.foreignKeys.add(`${model.toLowerCase()}.${name.toLowerCase()}`);
      const tbl = table(c, model);
      const out = [`ALTER TABLE ${ident(tbl)} ADD COLUMN ${columnSql(f)}`];
      if (f.index) out.push(`CREATE INDEX ${ident(`${tbl}_${f.column}_idx`)} ON ${ident(tbl)} (${ident(f.column)})`);
      return out.join(';\n');
    }
    case 'AlterField': {
      const name = s(arg(args, 1, 'name'));
      const f = name ? field(c, name, arg(args, 2, 'field')) : null;
      if (!model || !f) return null;
      // The field's previous state lives in earlier migrations: the column's type is what AlterField may change.
      return `ALTER TABLE ${ident(table(c, model))} ALTER COLUMN ${ident(f.column)} TYPE ${f.type}`;
    }
    case 'RemoveField': {
      const name = s(arg(args, 1, 'name'));
      return model && name ? `ALTER TABLE ${ident(table(c, model))} DROP COLUMN ${ident(c.foreignKeys.has(`${model.toLowerCase()}.${name.toLowerCase()}`) ? `${name}_id` : name)}` : null;
    }
    case 'RenameField': {
      const from = s(arg(args, 1, 'old_name'));
      const to = s(arg(args, 2, 'new_name'));
      return model && from && to ? `ALTER TABLE ${ident(table(c, model))} RENAME COLUMN ${ident(from)} TO ${ident(to)}` : null;
    }
    case 'CreateModel': {
      const name = s(arg(args, 0, 'name'));
      if (!name) return null;
      const options = arg(args, 2, 'options');
      if (options?.type === 'dictionary') {
        for (const pair of namedChildren(options)) {
          if (pair.type === 'pair' && s(child(pair, 'key')) === 'db_table') {
            const v = s(child(pair, 'value'));
            if (v) c.tables.set(name.toLowerCase(), v);
          }
        }
      }
      const tbl = table(c, name);
      const cols: string[] = [];
      const indexes: string[] = [];
      for (const pair of namedChildren(arg(args, 1, 'fields') ?? ({ children: [] } as unknown as PyNode))) {
        const [fname, fnode] = namedChildren(pair);
        const n = s(fname);
        const f = n ? field(c, n, fnode) : null;
        if (!f || !n) continue;
        if (f.fk) c.foreignKeys.add(`${name.toLowerCase()}.${n.toLowerCase()}`);
        cols.push(`${ident(f.column)} ${f.type}`);
        if (f.index) indexes.push(`CREATE INDEX ${ident(`${tbl}_${f.column}_idx`)} ON ${ident(tbl)} (${ident(f.column)})`);
      }
      return [`CREATE TABLE ${ident(tbl)} (${cols.join(', ')})`, ...indexes].join(';\n');
    }
    case 'DeleteModel':
      return model ? `DROP TABLE ${ident(table(c, model))}` : null;
    case 'RenameModel': {
      const from = s(arg(args, 0, 'old_name'));
      const to = s(arg(args, 1, 'new_name'));
      if (!from || !to) return null;
      const oldTable = table(c, from);
      if (!c.tables.has(to.toLowerCase())) c.tables.set(to.toLowerCase(), `${c.app}_${to}`.toLowerCase());
      return `ALTER TABLE ${ident(oldTable)} RENAME TO ${ident(table(c, to))}`;
    }
    case 'AlterModelTable': {
      const name = s(arg(args, 0, 'name'));
      const to = s(arg(args, 1, 'table'));
      if (!name || !to) return null;
      const from = table(c, name);
      c.tables.set(name.toLowerCase(), to);
      return `ALTER TABLE ${ident(from)} RENAME TO ${ident(to)}`;
    }
    default:
      return null;
  }
}

function opName(c: Ctx, call: PyNode): string | undefined {
  const fn = dottedName(c.src, child(call, 'function'));
  return fn?.split('.').pop();
}

function operations(c: Ctx, list: PyNode | undefined, exec: ExecutionContext): void {
  if (!list) return;
  if (list.type !== 'list' && list.type !== 'tuple') {
    c.info.opaque.push(textOf(c.src, list).slice(0, 40));
    return;
  }
  for (const call of namedChildren(list)) {
    if (call.type !== 'call') {
      c.info.opaque.push(textOf(c.src, call).slice(0, 40));
      continue;
    }
    const op = opName(c, call) ?? '';
    const args = callArgs(c.src, call);
    const origin = { call, op, info: c.info };
    if (op === 'SeparateDatabaseAndState') {
      operations(c, arg(args, 0, 'database_operations'), exec);
      continue;
    }
    if (op === 'RunSQL') {
      const sqlArgs = [arg(args, 0, 'sql')];
      if (c.includeDown) sqlArgs.push(arg(args, 1, 'reverse_sql'));
      for (const sqlArg of sqlArgs) runSql(c, sqlArg, { ...origin }, exec);
      continue;
    }
    if (op === 'RunPython') {
      c.info.opaque.push('RunPython');
      continue;
    }
    const sql = operationSql(c, op, args);
    if (sql === null) continue;
    c.items.push({ kind: 'operation', sql, span: { start: call.start, end: call.end }, exec, call: `migrations.${op}`, origin });
  }
}

function runSql(c: Ctx, node: PyNode | undefined, origin: Record<string, unknown>, exec: ExecutionContext): void {
  if (!node || /(^|\.)noop$/.test(textOf(c.src, node))) return;
  if (node.type === 'list' || node.type === 'tuple') {
    // Each element is one cursor.execute(): one query, so several statements in it are one implicit transaction.
    for (const el of namedChildren(node)) {
      const sqlNode = el.type === 'tuple' || el.type === 'list' ? namedChildren(el)[0] : el;
      if (!sqlNode) continue;
      const chunk = sqlChunk(c.src, sqlNode, c.resolver, { ...exec, oneQuery: true }, 'migrations.RunSQL', origin, c.notes);
      if (chunk) c.items.push(chunk);
      else c.info.opaque.push('RunSQL');
    }
    return;
  }
  const chunk = sqlChunk(c.src, node, c.resolver, exec, 'migrations.RunSQL', origin, c.notes);
  if (chunk) c.items.push(chunk);
  else c.info.opaque.push('RunSQL');
}

function extract(file: SourceFile, ctx: ExtractContext): MigrationUnit {
  const src = file.text;
  const root = parsePython(src);
  const notes: AdapterNote[] = [];
  const syntax = syntaxNote(src, root);
  if (syntax) notes.push(syntax);
  const items: UnitItem[] = [];
  const cls = root.children.find((n) => n.type === 'class_definition' && textOf(src, child(n, 'name')!) === 'Migration');
  const body = cls ? child(cls, 'body') : undefined;
  if (!cls || !body) return { file, framework: 'django', items, directives: pythonDirectives(src, root), notes };
  let atomicValue: PyNode | undefined;
  let opsNode: PyNode | undefined;
  for (const stmt of body.children) {
    const a = stmt.type === 'expression_statement' ? stmt.children[0] : undefined;
    if (a?.type !== 'assignment') continue;
    const left = textOf(src, child(a, 'left')!);
    if (left === 'atomic') atomicValue = child(a, 'right');
    if (left === 'operations') opsNode = child(a, 'right');
  }
  const atomic = !atomicValue || textOf(src, atomicValue) !== 'False';
  const info: MigrationInfo = { classNode: cls, atomicValue, atomic, opaque: [], body };
  const exec: ExecutionContext = atomic
    ? { wrapped: true, reason: atomicValue ? 'Django runs this migration in a transaction (atomic = True)' : 'Django runs each migration in a transaction (Migration.atomic is True by default)', oneQuery: false }
    : { wrapped: false, reason: 'the migration sets atomic = False, so Django runs each operation on its own', oneQuery: false };
  const c: Ctx = { src, resolver: scopeResolver(src, root), app: appLabel(file.path), tables: new Map(), foreignKeys: new Set(), items, notes, info, includeDown: ctx.settings.includeDown === true, exec };
  operations(c, opsNode, exec);
  return { file, framework: 'django', items, directives: pythonDirectives(src, root), notes };
}

// ---------- fixes ----------


/** The edit that imports `name` from django.contrib.postgres.operations, or [] when it is already imported. */
function importEdit(src: string, name: string): Edit[] {
  const pg = PG_OPERATIONS.replace(/\./g, '\\.');
  if (new RegExp(`from\\s+${pg}\\s+import\\s*\\(?[^)]*?\\b${name}\\b`).test(src)) return [];
  const eol = eolOf(src);
  let offset = 0;
  let lastImportEnd = -1;
  for (const raw of src.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = new RegExp(`^from\\s+${pg}\\s+import\\s+([\\w ,]+?)\\s*(#.*)?$`).exec(line);
    if (m) {
      // Extend the existing import: replace its names, so two fixes in one pass collide instead of both adding.
      const at = offset + line.indexOf(m[1]!, line.indexOf('import') + 6);
      return [{ start: at, end: at + m[1]!.length, text: `${m[1]!}, ${name}` }];
    }
    if (/^(from\s+\S+\s+)?import\s+[^()]*$/.test(line)) lastImportEnd = offset + line.length;
    offset += raw.length + 1;
  }
  const statement = `from ${PG_OPERATIONS} import ${name}`;
  if (lastImportEnd < 0) return [{ start: 0, end: 0, text: `${statement}${eol}` }];
  const brk = src.startsWith('\r\n', lastImportEnd) ? 2 : src[lastImportEnd] === '\n' ? 1 : 0;
  // A replacement of the line break after the last import (not a bare insertion), for the same reason.
  return [{ start: lastImportEnd, end: lastImportEnd + brk, text: `${eol}${statement}${brk ? eol : ''}` }];
}

function rewriteOperation(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently', unit: MigrationUnit): Edit[] | null {
  const item = stmt.item;
  const op = item.origin?.op as string | undefined;
  const call = item.origin?.call as PyNode | undefined;
  if (item.kind !== 'operation' || !op || !call || !INDEX_OPS.has(op) || stmt.kind === 'AlterTableStmt') return null;
  const src = unit.file.text;
  const callee = child(call, 'function')!;
  const base = op.replace(/Concurrently$/, '');
  if (change === 'drop-concurrently') {
    if (!op.endsWith('Concurrently')) return null;
    return [{ start: callee.start, end: callee.end, text: `migrations.${base}` }];
  }
  if (op.endsWith('Concurrently')) return [];
  const target = `${base}Concurrently`;
  return [{ start: callee.start, end: callee.end, text: target }, ...importEdit(src, target)];
}

/** The opt-out: `atomic = False` on the Migration class (a replacement, so two fixes in one pass collide). */
function atomicEdit(src: string, info: MigrationInfo): Edit | null {
  if (info.atomicValue) return { start: info.atomicValue.start, end: info.atomicValue.end, text: 'False' };
  const first = info.body.children[0];
  if (!first) return null;
  const lineStart = src.lastIndexOf('\n', first.start - 1) + 1;
  const indent = src.slice(lineStart, first.start);
  if (!/^[ \t]+$/.test(indent)) return null;
  // Insert before the first statement of the class body; the body's own first token is replaced to anchor it.
  const eol = eolOf(src);
  const tokenEnd = first.start + 1;
  return { start: first.start, end: tokenEnd, text: `atomic = False${eol}${eol}${indent}${src[first.start]}` };
}

function escapeTransaction(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[]): EscapePlan | null {
  const item = stmt.item;
  const info = item.origin?.info as MigrationInfo | undefined;
  if (!item.exec.wrapped || !info) return null;
  const src = unit.file.text;
  const others = needAtomicity(stmt, statements).filter((s) => !(s.item.origin?.op && INDEX_OPS.has(s.item.origin.op as string)));
  const opaque = info.opaque;
  const op = item.origin?.op as string | undefined;
  const concurrentOp = item.kind === 'operation' && op && INDEX_OPS.has(op) ? `${op.replace(/Concurrently$/, '')}Concurrently` : 'RunSQL';
  if (others.length > 0 || opaque.length > 0) {
    const what = [...others.map((o) => `${o.item.kind === 'operation' ? o.item.call : 'RunSQL'} (line ${o.loc.line})`), ...opaque].join(', ');
    return {
      kind: 'manual',
      help: `${item.exec.reason}. This migration also holds ${what}, which need the transaction, so it cannot simply set atomic = False. Split it: move this index into a new migration whose class sets \`atomic = False\` and uses ${concurrentOp === 'RunSQL' ? 'the RunSQL' : `\`${concurrentOp}\` (from django.contrib.postgres.operations)`}, depending on this one.`,
    };
  }
  if (item.kind === 'sql' && item.exec.oneQuery && statements.filter((s) => s.itemIndex === stmt.itemIndex).length > 1) {
    return { kind: 'manual', help: `${item.exec.reason}. Give the statement its own RunSQL list element (one element is one query), and set atomic = False on the migration.` };
  }
  const edit = atomicEdit(src, info);
  if (!edit) return { kind: 'manual', help: `${item.exec.reason}. Set \`atomic = False\` on the Migration class.` };
  return { kind: 'fix', description: 'Set atomic = False on the migration (it holds nothing else that needs a transaction)', edits: [edit] };
}

/** A `migrations.RunSQL("<sql>", reverse_sql=migrations.RunSQL.noop)` operation on its own line before the statement's operation. */
function insertBefore(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null {
  const call = stmt.item.origin?.call as PyNode | undefined;
  const src = unit.file.text;
  if (!call || !/^from django\.db import (?:[\w, ]*\b)?migrations\b/m.test(src)) return null;
  const lineStart = src.lastIndexOf('\n', call.start - 1) + 1;
  const indent = src.slice(lineStart, call.start);
  if (!/^[ \t]*$/.test(indent)) return null; // the operation shares its line with another
  const literal = `"${sql.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [{ start: lineStart, end: lineStart, text: `${indent}migrations.RunSQL(${literal}, reverse_sql=migrations.RunSQL.noop),${eolOf(src)}` }];
}

export const djangoAdapter: FrameworkAdapter = {
  id: 'django',
  name: 'Django',
  commentPrefix: '#',
  extract,
  rewriteOperation,
  escapeTransaction,
  insertBefore,
};
