import { basename, dirname } from 'node:path';
import { eolOf } from '../../engine/fixer.js';
import {
  emptyState,
  hasTable,
  SchemaEditor,
  type Condition,
  type DjangoConstraint,
  type DjangoField,
  type DjangoIndex,
  type DjangoModel,
  type DjangoState,
} from '../../frameworks/django/editor.js';
import { djangoUserModel } from '../../frameworks/django/settings.js';
import type { AdapterNote, AnalyzedStatement, Edit, ExecutionContext, MigrationUnit, SourceFile, UnitItem } from '../../types.js';
import type { EscapePlan, ExtractContext, FrameworkAdapter } from '../adapter.js';
import { needAtomicity, pythonDirectives, sqlChunk, sqlLiteral, syntaxNote } from './common.js';
import { scopeResolver, stringValue, type Resolver } from './strings.js';
import { arg, callArgs, child, dottedName, namedChildren, parsePython, textOf, type CallArgs, type PyNode } from './tree.js';

/**
 * Django: `<app>/migrations/NNNN_name.py` with `class Migration(migrations.Migration)`. Each migration runs in a
 * transaction unless the class says `atomic = False`; `AddIndexConcurrently` / `RemoveIndexConcurrently`
 * (django.contrib.postgres.operations) refuse to run in an atomic migration. `RunSQL` strings are split into
 * statements and run one by one; each element of a RunSQL list is one query. Only `database_operations` of
 * `SeparateDatabaseAndState` touch the database.
 *
 * The schema operations are read into Django's migration state (src/frameworks/django/editor.ts), carried from
 * migration to migration in the history's order, and each yields the SQL Django's PostgreSQL schema editor sends.
 */

const INDEX_OPS = new Set(['AddIndex', 'AddIndexConcurrently', 'RemoveIndex', 'RemoveIndexConcurrently']);
const PG_OPERATIONS = 'django.contrib.postgres.operations';

/**
 * `class Migration(migrations.Migration):`, or a project's subclass of it (Sentry's `class Migration(CheckedMigration):`)
 * in a file that imports Django's migrations or imports the subclass from a migrations module.
 */
export function isDjangoMigration(text: string): boolean {
  if (/^class\s+Migration\s*\(\s*(?:migrations\.)?Migration\s*\)\s*:/m.test(text)) return true;
  const base = /^class\s+Migration\s*\(\s*(\w+Migration)\s*\)\s*:/m.exec(text)?.[1];
  if (!base) return false;
  if (/^from\s+django\.db\s+import\s+(?:.*\b)?migrations\b/m.test(text)) return true;
  // The base imported from a migrations module of the project's own (`from sentry.new_migrations.migrations import
  // CheckedMigration`): a file of Sentry's SafeDeleteModel / SafeRemoveField alone imports nothing from Django.
  return new RegExp(`^from\\s+[\\w.]*migrations[\\w.]*\\s+import\\s+(?:.*\\b)?${base}\\b`, 'm').test(text);
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
  editor: SchemaEditor;
  items: UnitItem[];
  notes: AdapterNote[];
  info: MigrationInfo;
  includeDown: boolean;
  exec: ExecutionContext;
  /** The calls of the operations, by the index the editor's deferred statements name. */
  calls: Array<{ call: PyNode; op: string }>;
  /** Operations that only change the state (SeparateDatabaseAndState's state_operations): they send nothing. */
  stateOnly: Set<number>;
  /** AUTH_USER_MODEL as the project's settings set it (auth.user when they leave it out); undefined when unread. */
  userModel?: { key: string };
  /** Operations whose drop an earlier deploy prepared (Sentry's pending deletions), in the words codeReleased takes. */
  released: Map<number, string>;
}

function appLabel(path: string): string {
  const dir = dirname(path.replace(/\\/g, '/'));
  return basename(dir) === 'migrations' ? basename(dirname(dir)) : basename(dir);
}

// ---------- reading fields ----------

/** Django's column types on PostgreSQL, and the data type template each class shares (a change of it adds USING). */
const SIMPLE_TYPES: Record<string, [string, string]> = {
  AutoField: ['integer', 'integer'],
  BigAutoField: ['bigint', 'bigint'],
  SmallAutoField: ['smallint', 'smallint'],
  IntegerField: ['integer', 'integer'],
  BigIntegerField: ['bigint', 'bigint'],
  SmallIntegerField: ['smallint', 'smallint'],
  PositiveIntegerField: ['integer', 'integer'],
  PositiveBigIntegerField: ['bigint', 'bigint'],
  PositiveSmallIntegerField: ['smallint', 'smallint'],
  TextField: ['text', 'text'],
  BooleanField: ['boolean', 'boolean'],
  NullBooleanField: ['boolean', 'boolean'],
  DateTimeField: ['timestamp with time zone', 'timestamp with time zone'],
  DateField: ['date', 'date'],
  TimeField: ['time', 'time'],
  DurationField: ['interval', 'interval'],
  FloatField: ['double precision', 'double precision'],
  UUIDField: ['uuid', 'uuid'],
  JSONField: ['jsonb', 'jsonb'],
  BinaryField: ['bytea', 'bytea'],
  GenericIPAddressField: ['inet', 'inet'],
  IPAddressField: ['inet', 'inet'],
  HStoreField: ['hstore', 'hstore'],
  CICharField: ['citext', 'citext'],
  CIEmailField: ['citext', 'citext'],
  CITextField: ['citext', 'citext'],
  IntegerRangeField: ['int4range', 'int4range'],
  BigIntegerRangeField: ['int8range', 'int8range'],
  DecimalRangeField: ['numrange', 'numrange'],
  DateTimeRangeField: ['tstzrange', 'tstzrange'],
  DateRangeField: ['daterange', 'daterange'],
  SearchVectorField: ['tsvector', 'tsvector'],
};
/** String fields and their default max_length. */
const VARCHAR: Record<string, number | undefined> = {
  CharField: undefined,
  EmailField: 254,
  URLField: 200,
  SlugField: 50,
  FileField: 100,
  ImageField: 100,
  FilePathField: 100,
};
const AUTO = new Set(['AutoField', 'BigAutoField', 'SmallAutoField']);
const POSITIVE = new Set(['PositiveIntegerField', 'PositiveBigIntegerField', 'PositiveSmallIntegerField']);
/** Classes whose empty string is a value (Field.empty_strings_allowed): blank and not null gives DEFAULT ''. */
const STRINGS = new Set([
  'CharField',
  'TextField',
  'EmailField',
  'URLField',
  'SlugField',
  'FileField',
  'ImageField',
  'FilePathField',
  'GenericIPAddressField',
  'BinaryField',
  'CICharField',
  'CIEmailField',
  'CITextField',
]);
/** Options that do not reach the database (Field.non_db_attrs, and those of the relation). */
const NON_DB = new Set([
  'blank',
  'choices',
  'db_column',
  'editable',
  'error_messages',
  'help_text',
  'limit_choices_to',
  'on_delete',
  'related_name',
  'related_query_name',
  'validators',
  'verbose_name',
  'to',
  'preserve_default',
  'serialize',
  'auto_created',
]);

function kwText(c: Ctx, args: CallArgs, k: string): string | undefined {
  const v = args.keywords.get(k);
  return v ? textOf(c.src, v) : undefined;
}

function isTrue(c: Ctx, node: PyNode | undefined): boolean {
  return !!node && textOf(c.src, node) === 'True';
}

function isFalse(c: Ctx, node: PyNode | undefined): boolean {
  return !!node && textOf(c.src, node) === 'False';
}

function modelKeyOf(m: DjangoModel): string {
  return `${m.app}.${m.name}`.toLowerCase();
}

/** `'app.Model'`, `'Model'`, `settings.AUTH_USER_MODEL` → the referenced model's key. */
function targetKey(c: Ctx, node: PyNode | undefined): string | undefined {
  if (!node) return undefined;
  const text = textOf(c.src, node);
  if (/AUTH_USER_MODEL$/.test(text)) {
    // The project's settings say, when migralint can read them (src/frameworks/django/settings.ts). Else a project's
    // own user model, when exactly one model named User is not swappable itself (a copy of django.contrib.auth's
    // migrations in the project has one that is); else django.contrib.auth's.
    if (c.userModel) return c.userModel.key;
    const users = Object.entries(c.editor.state.models)
      .filter(([k, m]) => k.endsWith('.user') && m.swappable !== 'AUTH_USER_MODEL')
      .map(([k]) => k);
    return users.length === 1 ? users[0] : 'auth.user';
  }
  const v = stringValue(c.src, node, c.resolver);
  if (!v) return undefined;
  if (v === 'self') return undefined;
  return c.editor.resolve(v);
}

/** The column type of a foreign key to `to`: the target's key type (an auto field's plain integer type). */
function relType(c: Ctx, to: string, toField: string | undefined): string | undefined {
  const key = c.editor.concreteKey(to);
  const m = c.editor.peek(key);
  if (!m) return key === 'auth.user' ? 'integer' : undefined;
  const f = toField ? c.editor.field(m, toField) : c.editor.pk(m)?.[1];
  return f?.type;
}

/** A Python default as the constant Django sends (Django evaluates callables once, in Python). */
function literal(c: Ctx, node: PyNode): string {
  const t = textOf(c.src, node);
  if (node.type === 'integer' || node.type === 'float') return t;
  if (node.type === 'unary_operator' && /^-\s*[\d.]+$/.test(t)) return t.replace(/\s/g, '');
  if (node.type === 'true' || node.type === 'false') return t.toLowerCase();
  if (node.type === 'none') return 'NULL';
  const s = stringValue(c.src, node, c.resolver);
  if (s !== undefined) return sqlLiteral(s);
  if (t === 'dict' || t === '{}') return `'{}'`;
  if (t === 'list' || t === '[]') return `'[]'`;
  if (/(^|\.)Now\(\)$/.test(t)) return 'now()';
  return sqlLiteral(t);
}

/** A field as Django's state holds it, or null when the node is not a field call. */
function readField(c: Ctx, name: string, node: PyNode | undefined, model?: string): DjangoField | null {
  if (node?.type !== 'call') return null;
  const { src } = c;
  const cls = (dottedName(src, child(node, 'function')) ?? '').split('.').pop() ?? '';
  const args = callArgs(src, node);
  const kw = (k: string): string | undefined => kwText(c, args, k);
  const isM2m = /ManyToManyField$/.test(cls) || cls === 'TaggableManager';
  const isFk = !isM2m && (/ForeignKey$/.test(cls) || /OneToOneField$/.test(cls) || cls === 'ParentalKey');
  const toNode = arg(args, 0, 'to');
  const toText = toNode ? stringValue(src, toNode, c.resolver) : undefined;
  const to = toText === 'self' && model ? c.editor.resolve(model) : targetKey(c, toNode);
  const dbColumn = stringValue(src, args.keywords.get('db_column'), c.resolver);
  const nullable = kw('null') === 'True';
  const primaryKey = kw('primary_key') === 'True';
  const unique = primaryKey || kw('unique') === 'True' || /OneToOneField$/.test(cls);
  let type: string | undefined;
  let dataType: string | undefined;
  if (SIMPLE_TYPES[cls]) [type, dataType] = SIMPLE_TYPES[cls];
  else if (cls in VARCHAR) {
    const ml = kw('max_length');
    const len = ml && /^\d+$/.test(ml) ? ml : VARCHAR[cls]?.toString();
    type = len ? `varchar(${len})` : 'varchar';
    dataType = 'varchar';
  } else if (cls === 'DecimalField') {
    const d = kw('max_digits');
    const p = kw('decimal_places');
    type = d && p && /^\d+$/.test(d) && /^\d+$/.test(p) ? `numeric(${d}, ${p})` : undefined;
    dataType = 'numeric';
  } else if (cls === 'ArrayField') {
    const base = readField(c, name, arg(args, 0, 'base_field'));
    type = base?.type ? `${base.type}[]` : undefined;
    dataType = base?.type ? `${base.dataType}[]` : undefined;
  } else if (isFk && to) {
    type = relType(c, to, stringValue(src, args.keywords.get('to_field'), c.resolver));
    dataType = type;
  }
  const fk = isFk && to ? { to, toField: stringValue(src, args.keywords.get('to_field'), c.resolver), constraint: kw('db_constraint') !== 'False' } : undefined;
  const m2m =
    isM2m && to
      ? { to, through: args.keywords.has('through') || cls === 'TaggableManager' ? textOf(src, args.keywords.get('through') ?? node) : undefined }
      : undefined;
  // Defaults: what AddField sends (Django's effective_default).
  let effectiveDefault: string | undefined;
  const def = args.keywords.get('default');
  if (def && !/NOT_PROVIDED$/.test(textOf(src, def)) && def.type !== 'none') effectiveDefault = literal(c, def);
  else if (!def && !nullable && kw('blank') === 'True' && STRINGS.has(cls)) effectiveDefault = "''";
  else if (!def && (kw('auto_now') === 'True' || kw('auto_now_add') === 'True')) effectiveDefault = 'now()';
  const dbDefault = args.keywords.get('db_default');
  const sigParts = [...args.keywords.entries()]
    .filter(([k]) => !NON_DB.has(k))
    .map(([k, v]) => `${k}=${textOf(src, v).replace(/\s+/g, ' ')}`)
    .sort();
  const f: DjangoField = {
    cls,
    column: dbColumn ?? (isFk ? `${name}_id` : name),
    type,
    dataType,
    null: nullable,
    unique: !isM2m && unique,
    // ForeignKey indexes by default; SlugField too; unique and primary keys have their own index.
    dbIndex: !isM2m && (kw('db_index') === 'True' || ((isFk || cls === 'SlugField') && kw('db_index') !== 'False')),
    primaryKey,
    ...(AUTO.has(cls) ? { auto: true } : {}),
    ...(effectiveDefault !== undefined && !dbDefault ? { effectiveDefault } : {}),
    ...((def && !/NOT_PROVIDED$/.test(textOf(src, def))) || dbDefault ? { hasDefault: true } : {}),
    ...(POSITIVE.has(cls) ? { positive: true } : {}),
    ...(fk ? { fk } : {}),
    ...(m2m ? { m2m } : {}),
    sig: `${cls}(${[...args.positional.map((p) => textOf(src, p).replace(/\s+/g, ' ')).slice(isFk || isM2m ? 1 : 0), ...sigParts].join(', ')})->${to ?? ''}@${dbColumn ?? ''}`,
  };
  if (dbDefault) f.effectiveDefault = literal(c, dbDefault);
  return f;
}

/** `Q(price__gte=0)` → its parts; null for anything migralint cannot render (the constraint is still there). */
function readCondition(c: Ctx, node: PyNode | undefined): Condition {
  if (node?.type !== 'call' || !/(^|\.)Q$/.test(dottedName(c.src, child(node, 'function')) ?? '')) return null;
  const args = callArgs(c.src, node);
  if (args.positional.length) return null;
  const ops: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', exact: '=' };
  const parts: NonNullable<Condition> = [];
  for (const [k, v] of args.keywords) {
    const m = /^(\w+?)(?:__(gt|gte|lt|lte|exact|isnull))?$/.exec(k);
    if (!m) return null;
    if (m[2] === 'isnull') parts.push({ field: m[1]!, op: textOf(c.src, v) === 'True' ? 'IS NULL' : 'IS NOT NULL', value: '' });
    else parts.push({ field: m[1]!, op: ops[m[2] ?? 'exact']!, value: literal(c, v) });
  }
  return parts;
}

function stringList(c: Ctx, node: PyNode | undefined): string[] {
  if (!node) return [];
  return namedChildren(node)
    .map((f) => stringValue(c.src, f, c.resolver))
    .filter((x): x is string => x !== undefined);
}

function readIndex(c: Ctx, node: PyNode | undefined): DjangoIndex | null {
  if (node?.type !== 'call') return null;
  const cls = (dottedName(c.src, child(node, 'function')) ?? '').split('.').pop() ?? '';
  const args = callArgs(c.src, node);
  const name = stringValue(c.src, args.keywords.get('name'), c.resolver);
  if (!name) return null;
  const using = /^(Gin|Gist|Brin|Hash|SpGist|Bloom|BTree)Index$/.exec(cls)?.[1]?.toLowerCase();
  const condition = args.keywords.get('condition');
  const opclasses = args.keywords.has('opclasses') ? stringList(c, args.keywords.get('opclasses')) : undefined;
  return {
    name,
    fields: stringList(c, args.keywords.get('fields')),
    ...(using ? { using } : {}),
    ...(condition ? { condition: readCondition(c, condition) } : {}),
    ...(opclasses?.length ? { opclasses } : {}),
    ...(args.positional.length ? { expressions: true } : {}),
  };
}

function readConstraint(c: Ctx, node: PyNode | undefined): DjangoConstraint | null {
  if (node?.type !== 'call') return null;
  const cls = (dottedName(c.src, child(node, 'function')) ?? '').split('.').pop() ?? '';
  const args = callArgs(c.src, node);
  const name = stringValue(c.src, args.keywords.get('name'), c.resolver) ?? '';
  if (cls === 'UniqueConstraint') {
    const condition = args.keywords.get('condition');
    const asIndex = !!condition || args.positional.length > 0 || args.keywords.has('include') || args.keywords.has('opclasses');
    return {
      name,
      kind: 'unique',
      fields: stringList(c, args.keywords.get('fields')),
      ...(condition ? { condition: readCondition(c, condition) } : {}),
      ...(asIndex ? { asIndex } : {}),
      ...(kwText(c, args, 'deferrable')?.endsWith('DEFERRED') ? { deferrable: true } : {}),
    };
  }
  if (cls === 'CheckConstraint')
    return { name, kind: 'check', fields: [], condition: readCondition(c, args.keywords.get('condition') ?? args.keywords.get('check')) };
  if (cls === 'ExclusionConstraint') return { name, kind: 'exclude', fields: [] };
  return null;
}

/** unique_together / index_together: `{('a', 'b')}`, `(('a', 'b'),)`, `('a', 'b')` or `set()`. */
function readTogether(c: Ctx, node: PyNode | undefined): string[][] {
  if (!node) return [];
  const items = namedChildren(node);
  if (items.length && items.every((i) => stringValue(c.src, i, c.resolver) !== undefined)) return [stringList(c, node)];
  return items.map((i) => stringList(c, i)).filter((x) => x.length);
}

function dictEntries(c: Ctx, node: PyNode | undefined): Map<string, PyNode> {
  const out = new Map<string, PyNode>();
  if (node?.type !== 'dictionary') return out;
  for (const pair of namedChildren(node)) {
    if (pair.type !== 'pair') continue;
    const k = stringValue(c.src, child(pair, 'key'), c.resolver);
    const v = child(pair, 'value');
    if (k && v) out.set(k, v);
  }
  return out;
}

/** The model an operation names, from the state; a model the history never created gets a placeholder. */
function ensureModel(c: Ctx, name: string): string {
  const key = c.editor.resolve(name);
  if (!c.editor.peek(key)) {
    const [app, model] = key.split('.') as [string, string];
    c.editor.put({
      app,
      name: model,
      table: c.editor.defaultTable(app, model),
      fields: [],
      uniqueTogether: [],
      indexTogether: [],
      indexes: [],
      constraints: [],
    });
  }
  return key;
}

// ---------- operations ----------

/**
 * The SQL Django runs for one schema operation (empty for operations that only change state). Django sends none for a
 * proxy, unmanaged or swapped-out model (allow_migrate_model): the operation still changes the state.
 */
function operationSql(c: Ctx, op: string, args: CallArgs, index: number, span: { start: number; end: number }): string[] {
  const named =
    op === 'CreateModel' ? undefined : (stringValue(c.src, arg(args, 0, 'model_name'), c.resolver) ?? stringValue(c.src, arg(args, 0, 'name'), c.resolver));
  const before = named ? c.editor.peek(c.editor.resolve(named)) : undefined;
  const sql = stateAndSql(c, op, args, index, span);
  if (before && !hasTable(before)) return [];
  if (op === 'CreateModel') {
    const created = c.editor.peek(c.editor.resolve(stringValue(c.src, arg(args, 0, 'name'), c.resolver) ?? ''));
    if (created && !hasTable(created)) return [];
  }
  return sql;
}

function stateAndSql(c: Ctx, op: string, args: CallArgs, index: number, span: { start: number; end: number }): string[] {
  const s = (n: PyNode | undefined): string | undefined => stringValue(c.src, n, c.resolver);
  const e = c.editor;
  const modelName = s(arg(args, 0, 'model_name')) ?? s(arg(args, 0, 'name')) ?? '';
  switch (op) {
    case 'CreateModel': {
      const name = s(arg(args, 0, 'name'));
      if (!name) return [];
      const options = dictEntries(c, arg(args, 2, 'options'));
      const table = s(options.get('db_table'));
      const model: DjangoModel = {
        app: c.app,
        name,
        table: table ?? e.defaultTable(c.app, name),
        fields: [],
        uniqueTogether: [],
        indexTogether: [],
        indexes: [],
        constraints: [],
      };
      // The model is in the state while its fields are read: a foreign key to 'self' finds its key type.
      e.put(model);
      for (const pair of namedChildren(arg(args, 1, 'fields') ?? ({ children: [] } as unknown as PyNode))) {
        const [fname, fnode] = namedChildren(pair);
        const n = s(fname);
        const f = n ? readField(c, n, fnode, name) : null;
        if (f && n) model.fields.push([n, f]);
      }
      if (!model.fields.some(([, f]) => f.primaryKey)) {
        // No primary key given: Django adds an auto field `id` (DEFAULT_AUTO_FIELD, BigAutoField since Django 3.2).
        model.fields.unshift([
          'id',
          {
            cls: 'BigAutoField',
            column: 'id',
            type: 'bigint',
            dataType: 'bigint',
            null: false,
            unique: true,
            dbIndex: false,
            primaryKey: true,
            auto: true,
            sig: 'BigAutoField()',
          },
        ]);
      }
      model.uniqueTogether = readTogether(c, options.get('unique_together'));
      model.indexTogether = readTogether(c, options.get('index_together'));
      model.indexes = namedChildren(options.get('indexes') ?? ({ children: [] } as unknown as PyNode))
        .map((n) => readIndex(c, n))
        .filter((x): x is DjangoIndex => !!x);
      model.constraints = namedChildren(options.get('constraints') ?? ({ children: [] } as unknown as PyNode))
        .map((n) => readConstraint(c, n))
        .filter((x): x is DjangoConstraint => !!x);
      if (isTrue(c, options.get('proxy'))) {
        // A proxy uses its concrete base's table: the first base written as 'app.model' ('' when none is).
        const base = namedChildren(arg(args, 3, 'bases') ?? ({ children: [] } as unknown as PyNode))
          .map((n) => s(n))
          .find((b): b is string => !!b && b.includes('.'));
        model.proxyFor = base ? e.resolve(base) : '';
        model.table = base ? (e.peek(e.concreteKey(model.proxyFor))?.table ?? model.table) : model.table;
        model.fields = [];
      }
      if (isFalse(c, options.get('managed'))) model.unmanaged = true;
      const swappable = s(options.get('swappable'));
      if (swappable) model.swappable = swappable;
      // Swapped out: the project's settings name another user model (read from them only: a guess never drops a table).
      if (swappable === 'AUTH_USER_MODEL' && c.userModel && c.userModel.key !== modelKeyOf(model)) model.swapped = true;
      return e.createModel(index, model);
    }
    case 'DeleteModel':
      return modelName ? e.deleteModel(ensureModel(c, modelName)) : [];
    case 'RenameModel': {
      const from = s(arg(args, 0, 'old_name'));
      const to = s(arg(args, 1, 'new_name'));
      return from && to ? e.renameModel(ensureModel(c, from), to) : [];
    }
    case 'AlterModelTable': {
      const name = s(arg(args, 0, 'name'));
      const node = arg(args, 1, 'table');
      return name ? e.alterModelTable(ensureModel(c, name), node?.type === 'none' ? null : (s(node) ?? null)) : [];
    }
    case 'AddField': {
      const name = s(arg(args, 1, 'name'));
      const f = name && modelName ? readField(c, name, arg(args, 2, 'field'), modelName) : null;
      return f && name ? e.addField(index, ensureModel(c, modelName), name, f) : [];
    }
    case 'RemoveField': {
      const name = s(arg(args, 1, 'name'));
      if (!modelName || !name) return [];
      const key = ensureModel(c, modelName);
      const m = e.model(key)!;
      if (!e.field(m, name)) {
        c.notes.push({
          ruleId: 'unsupported-framework-construct',
          severity: 'info',
          span,
          message: `RemoveField ${modelName}.${name}: no earlier migration migralint read defines this field, so its column is unknown (read as column ${name})`,
        });
        return [`ALTER TABLE "${m.table}" DROP COLUMN "${name}" CASCADE`];
      }
      return e.removeField(key, name);
    }
    case 'SafeRemoveField':
    case 'SafeDeleteModel': {
      // Sentry's own operations (sentry.new_migrations.monkey.fields / .models): deletion_action=
      // DeletionAction.MOVE_TO_PENDING takes the field or model out of the state and sends nothing (the code stops
      // using it in that release); DeletionAction.DELETE, in a later migration, drops the pending column or table.
      const actionNode = args.keywords.get('deletion_action');
      const action = actionNode ? /(?:^|\.)(MOVE_TO_PENDING|DELETE)$/.exec(textOf(c.src, actionNode).trim())?.[1] : undefined;
      const field = op === 'SafeRemoveField' ? s(arg(args, 1, 'name')) : undefined;
      if (!action || !modelName || (op === 'SafeRemoveField' && !field)) {
        if (actionNode)
          c.notes.push({
            ruleId: 'unsupported-framework-construct',
            severity: 'info',
            span,
            message: `${op}: migralint cannot read its deletion_action (${textOf(c.src, actionNode)}), so it did not lint it.`,
          });
        return [];
      }
      const key = e.resolve(modelName);
      if (action === 'MOVE_TO_PENDING') {
        if (field) e.pendField(key, field);
        else e.pendModel(key);
        return [];
      }
      const dropped = field ? e.dropPendingField(key, field) : e.dropPendingModel(key);
      if (dropped) {
        // Sentry's process: the MOVE_TO_PENDING migration ships, with the code that stopped using it, a deploy before this one.
        const what = field ? 'field' : 'model';
        const from = dropped.migration ? basename(dropped.migration) : 'an earlier migration';
        c.released.set(index, `the ${what} was moved to pending deletion by ${from}, deployed before this one (Sentry's DeletionAction.MOVE_TO_PENDING)`);
        return dropped.sql;
      }
      // Not pending in the history migralint read (Sentry refuses that; an earlier migration may be missing): what
      // the state still holds is dropped as RemoveField / DeleteModel would, else its default name.
      if (field) {
        const m = e.peek(key);
        if (m && e.field(m, field)) return e.removeField(key, field);
        c.notes.push({
          ruleId: 'unsupported-framework-construct',
          severity: 'info',
          span,
          message: `${op} ${modelName}.${field}: no earlier migration migralint read moves this field to pending deletion, so its column is unknown (read as column ${field})`,
        });
        return [`ALTER TABLE "${m?.table ?? e.defaultTable(...(key.split('.') as [string, string]))}" DROP COLUMN "${field}" CASCADE`];
      }
      if (e.peek(key)) return e.deleteModel(key);
      c.notes.push({
        ruleId: 'unsupported-framework-construct',
        severity: 'info',
        span,
        message: `${op} ${modelName}: no earlier migration migralint read moves this model to pending deletion, so its table is unknown (read as ${e.defaultTable(...(key.split('.') as [string, string]))})`,
      });
      return [`DROP TABLE "${e.defaultTable(...(key.split('.') as [string, string]))}" CASCADE`];
    }
    case 'AlterField': {
      const name = s(arg(args, 1, 'name'));
      const f = name && modelName ? readField(c, name, arg(args, 2, 'field'), modelName) : null;
      if (!f || !name) return [];
      const key = ensureModel(c, modelName);
      const before = e.field(e.model(key)!, name);
      if (before && !before.m2m && !f.m2m && before.sig !== f.sig && (before.type === undefined || f.type === undefined)) {
        const cls = [before, f].filter((x) => x.type === undefined).map((x) => x.cls);
        c.notes.push({
          ruleId: 'unsupported-framework-construct',
          severity: 'info',
          span,
          message: `AlterField ${modelName}.${name}: migralint does not know the column type of ${[...new Set(cls)].join(' / ')} (a field class defined outside Django), so whether Django changes the column type is unknown; nullability, unique and index changes are read`,
        });
      }
      const sql = e.alterField(key, name, f);
      if (sql === undefined) {
        e.model(key)!.fields.push([name, f]);
        c.notes.push({
          ruleId: 'unsupported-framework-construct',
          severity: 'info',
          span,
          message: `AlterField ${modelName}.${name}: no earlier migration migralint read defines this field, so what Django sends (a type change, SET NOT NULL, an index …) is unknown`,
        });
        return [];
      }
      return sql;
    }
    case 'RenameField': {
      const from = s(arg(args, 1, 'old_name'));
      const to = s(arg(args, 2, 'new_name'));
      if (!modelName || !from || !to) return [];
      const key = ensureModel(c, modelName);
      const m = e.model(key)!;
      const f = e.field(m, from);
      if (!f) return [`ALTER TABLE "${m.table}" RENAME COLUMN "${from}" TO "${to}"`];
      // The column follows the name unless db_column fixes it.
      const column = /@$/.test(f.sig) ? (f.fk ? `${to}_id` : to) : undefined;
      return e.renameField(key, from, to, column);
    }
    case 'AddIndex':
    case 'AddIndexConcurrently': {
      const ix = modelName ? readIndex(c, arg(args, 1, 'index')) : null;
      return ix ? e.addIndex(ensureModel(c, modelName), ix, op === 'AddIndexConcurrently') : [];
    }
    case 'RemoveIndex':
    case 'RemoveIndexConcurrently': {
      const name = s(arg(args, 1, 'name'));
      return name && modelName ? e.removeIndex(ensureModel(c, modelName), name, op === 'RemoveIndexConcurrently') : [];
    }
    case 'RenameIndex': {
      const to = s(arg(args, 1, 'new_name'));
      const from = s(args.keywords.get('old_name'));
      return modelName && from && to ? e.renameIndex(ensureModel(c, modelName), from, to) : [];
    }
    case 'AddConstraint':
    case 'AddConstraintNotValid': {
      const con = modelName ? readConstraint(c, arg(args, 1, 'constraint')) : null;
      return con ? e.addConstraint(ensureModel(c, modelName), con, op === 'AddConstraintNotValid') : [];
    }
    case 'RemoveConstraint': {
      const name = s(arg(args, 1, 'name'));
      return name && modelName ? e.removeConstraint(ensureModel(c, modelName), name) : [];
    }
    case 'ValidateConstraint': {
      const name = s(arg(args, 1, 'name'));
      return name && modelName ? [`ALTER TABLE "${e.model(ensureModel(c, modelName))!.table}" VALIDATE CONSTRAINT "${name}"`] : [];
    }
    case 'AlterModelOptions': {
      // 'managed' is one of the options AlterModelOptions replaces (absent: managed again); Django sends nothing.
      const name = s(arg(args, 0, 'name'));
      const m = name ? e.peek(e.resolve(name)) : undefined;
      if (!m || !name) return [];
      const unmanaged = isFalse(c, dictEntries(c, arg(args, 1, 'options')).get('managed'));
      if (unmanaged !== !!m.unmanaged) {
        const own = e.model(e.resolve(name))!;
        if (unmanaged) own.unmanaged = true;
        else delete own.unmanaged;
      }
      return [];
    }
    case 'AlterUniqueTogether':
    case 'AlterIndexTogether': {
      const name = s(arg(args, 0, 'name'));
      const together = arg(args, 1, op === 'AlterUniqueTogether' ? 'unique_together' : 'index_together');
      return name
        ? e.alterTogether(ensureModel(c, name), op === 'AlterUniqueTogether' ? 'unique' : 'index', together?.type === 'none' ? [] : readTogether(c, together))
        : [];
    }
    case 'CreateExtension':
    case 'BtreeGinExtension':
    case 'BtreeGistExtension':
    case 'CITextExtension':
    case 'CryptoExtension':
    case 'HStoreExtension':
    case 'TrigramExtension':
    case 'UnaccentExtension': {
      const names: Record<string, string> = {
        BtreeGinExtension: 'btree_gin',
        BtreeGistExtension: 'btree_gist',
        CITextExtension: 'citext',
        CryptoExtension: 'pgcrypto',
        HStoreExtension: 'hstore',
        TrigramExtension: 'pg_trgm',
        UnaccentExtension: 'unaccent',
      };
      const ext = names[op] ?? s(arg(args, 0, 'name'));
      return ext ? [`CREATE EXTENSION IF NOT EXISTS "${ext}"`] : [];
    }
    default:
      return [];
  }
}

function opName(c: Ctx, call: PyNode): string | undefined {
  const fn = dottedName(c.src, child(call, 'function'));
  return fn?.split('.').pop();
}

function pushOperation(c: Ctx, sql: string[], call: PyNode, op: string, exec: ExecutionContext): void {
  if (!sql.length) return;
  c.items.push({
    kind: 'operation',
    sql: sql.join(';\n'),
    span: { start: call.start, end: call.end },
    exec,
    call: `migrations.${op}`,
    origin: { call, op, info: c.info },
  });
}

function operations(c: Ctx, list: PyNode | undefined, exec: ExecutionContext, state: 'both' | 'state' | 'database'): void {
  if (!list) return;
  if (list.type !== 'list' && list.type !== 'tuple') {
    if (state !== 'state') c.info.opaque.push(textOf(c.src, list).slice(0, 40));
    return;
  }
  for (const call of namedChildren(list)) {
    if (call.type !== 'call') {
      if (state !== 'state') c.info.opaque.push(textOf(c.src, call).slice(0, 40));
      continue;
    }
    const op = opName(c, call) ?? '';
    const args = callArgs(c.src, call);
    const origin = { call, op, info: c.info };
    if (op === 'SeparateDatabaseAndState') {
      // The database operations run against a copy of the state; the state operations alone make the next state.
      c.editor.aside(() => operations(c, arg(args, 0, 'database_operations'), exec, 'database'));
      operations(c, arg(args, 1, 'state_operations'), exec, 'state');
      continue;
    }
    if (op === 'RunSQL') {
      if (state === 'state') continue;
      const sqlArgs = [arg(args, 0, 'sql')];
      if (c.includeDown) sqlArgs.push(arg(args, 1, 'reverse_sql'));
      for (const sqlArg of sqlArgs) runSql(c, sqlArg, { ...origin }, exec);
      operations(c, args.keywords.get('state_operations'), exec, 'state');
      continue;
    }
    if (op === 'RunPython') {
      if (state !== 'state') c.info.opaque.push('RunPython');
      continue;
    }
    const index = c.calls.length;
    c.calls.push({ call, op });
    if (state === 'state') c.stateOnly.add(index);
    const sql = operationSql(c, op, args, index, { start: call.start, end: call.end });
    const released = c.released.get(index);
    if (state !== 'state') pushOperation(c, sql, call, op, released ? { ...exec, codeReleased: released } : exec);
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
  if (!cls || !body) return { file, framework: 'django', items, directives: pythonDirectives(src, root), notes, state: ctx.state };
  let atomicValue: PyNode | undefined;
  let opsNode: PyNode | undefined;
  /** django-safemigrate's `safe = Safe.after_deploy()`, Sentry's `is_post_deployment = True`: run once the release is live. */
  let codeReleased: string | undefined;
  for (const stmt of body.children) {
    const a = stmt.type === 'expression_statement' ? stmt.children[0] : undefined;
    if (a?.type !== 'assignment') continue;
    const left = textOf(src, child(a, 'left')!);
    if (left === 'atomic') atomicValue = child(a, 'right');
    if (left === 'operations') opsNode = child(a, 'right');
    const right = textOf(src, child(a, 'right')!);
    if (left === 'safe' && /^(?:\w+\.)*Safe\.after_deploy\b/.test(right))
      codeReleased = `the migration says: it runs after the deploy (\`safe = ${right}\`, django-safemigrate)`;
    if (left === 'is_post_deployment' && right === 'True') codeReleased = 'the migration says: it runs after the deploy (`is_post_deployment = True`, Sentry)';
  }
  const atomic = !atomicValue || textOf(src, atomicValue) !== 'False';
  const info: MigrationInfo = { classNode: cls, atomicValue, atomic, opaque: [], body };
  const exec: ExecutionContext = atomic
    ? {
        wrapped: true,
        reason: atomicValue
          ? 'Django runs this migration in a transaction (atomic = True)'
          : 'Django runs each migration in a transaction (Migration.atomic is True by default)',
        oneQuery: false,
      }
    : { wrapped: false, reason: 'the migration sets atomic = False, so Django runs each operation on its own', oneQuery: false };
  if (codeReleased) exec.codeReleased = codeReleased;
  const app = appLabel(file.path);
  const userModel = ctx.fs ? djangoUserModel(file.path, ctx.fs) : undefined;
  // The state the migrations before this one left (the history's order); alone, the file starts from nothing. The
  // user model the settings name is part of what the state depends on.
  const editor = new SchemaEditor((ctx.state as DjangoState | undefined) ?? emptyState(), app, {
    path: file.path,
    text: src,
    ...(userModel ? { settings: `AUTH_USER_MODEL=${userModel.key}` } : {}),
  });
  const c: Ctx = {
    src,
    resolver: scopeResolver(src, root),
    app,
    editor,
    items,
    notes,
    info,
    includeDown: ctx.settings.includeDown === true,
    exec,
    calls: [],
    stateOnly: new Set(),
    released: new Map(),
    ...(userModel ? { userModel: { key: userModel.key } } : {}),
  };
  operations(c, opsNode, exec, 'both');
  // What Django defers to the end of the migration (foreign keys, field indexes …), each at the operation that asked for it.
  for (const d of editor.flush()) {
    const owner = c.calls[d.owner];
    if (owner && !c.stateOnly.has(d.owner)) pushOperation(c, d.sql, owner.call, owner.op, exec);
  }
  return { file, framework: 'django', items, directives: pythonDirectives(src, root), notes, state: editor.state };
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
    return {
      kind: 'manual',
      help: `${item.exec.reason}. Give the statement its own RunSQL list element (one element is one query), and set atomic = False on the migration.`,
    };
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
