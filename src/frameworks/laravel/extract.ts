import { scanLineDirectives } from '../../engine/directives.js';
import type { ExtractContext } from '../../sources/adapter.js';
import { parsePhp, type PhpNode } from '../../sources/php/tree.js';
import { child, firstError, namedChildren, walk } from '../../sources/python/tree.js';
import { quoteIdent } from '../../sql/quote.js';
import type { AdapterNote, ExecutionContext, MigrationUnit, SourceFile, UnitItem } from '../../types.js';
import { args, names, phpString, plain, sqlValue, text } from './php.js';

/**
 * Laravel migrations: `database/migrations/<yyyy_mm_dd_hhmmss>_<name>.php`, a class extending `Migration` (since
 * Laravel 9 an anonymous `return new class extends Migration`). On PostgreSQL, whose schema grammar supports
 * transactional DDL, the Migrator runs each migration's `up()` in a transaction unless the class sets
 * `public $withinTransaction = false;`. `DB::statement` prepares its string (one statement: PostgreSQL refuses
 * several in a prepared statement); `DB::unprepared` sends it as one simple query. The Schema builder's calls are
 * read as the SQL Laravel's PostgresGrammar compiles them to (columns NOT NULL unless `->nullable()`, index names
 * `<table>_<columns>_index`). Read from laravel/framework 10–12.
 */

export function isLaravelMigration(text: string): boolean {
  // Packages subclass Migration (Pulse's PulseMigration …): any class whose parent's name ends in Migration.
  return /\bextends\s+\\?(?:[\w\\]*\\)?\w*Migration\b/.test(text) && /function\s+up\s*\(/.test(text);
}

export interface LaravelInfo {
  /** The class body (`declaration_list`): where `$withinTransaction` goes. */
  body: PhpNode;
  optOut?: PhpNode;
}

const WRAPPED = 'Laravel runs each migration in a transaction on PostgreSQL (unless the class sets $withinTransaction = false)';
const OPTED_OUT = '$withinTransaction = false runs this migration outside a transaction';

interface Walk {
  src: string;
  items: UnitItem[];
  notes: AdapterNote[];
  exec: ExecutionContext;
  info: LaravelInfo;
  /** The statement of up() being read: a setting a fix adds goes on the line before it. */
  top?: PhpNode;
}

/** `$table->string('a')->nullable()->change()` as its calls, innermost first, and the variable it starts from. */
function chain(src: string, n: PhpNode): { root: string; calls: Array<{ name: string; args: PhpNode[]; node: PhpNode }> } | null {
  const calls: Array<{ name: string; args: PhpNode[]; node: PhpNode }> = [];
  let cur: PhpNode | undefined = n;
  while (cur && (cur.type === 'member_call_expression' || cur.type === 'nullsafe_member_call_expression')) {
    const name = child(cur, 'name');
    if (!name) return null;
    calls.unshift({ name: text(src, name), args: args(cur), node: cur });
    cur = child(cur, 'object');
  }
  return cur && cur.type === 'variable_name' ? { root: text(src, cur), calls } : null;
}

/** Laravel's grammar quotes every name; written here only where PostgreSQL needs it (the same name either way). */
const ident = (n: string) => quoteIdent(n);
const indexName = (table: string, cols: string[], type: string) => `${table}_${cols.join('_')}_${type}`.replace(/[-.]/g, '_').toLowerCase();

/** Column types of the Blueprint as PostgresGrammar writes them. */
function columnType(method: string, a: (i: number) => string | undefined): string | undefined {
  const n = (i: number, d: string) => a(i) ?? d;
  switch (method) {
    case 'string':
      return `varchar(${n(1, '255')})`;
    case 'char':
      return `char(${n(1, '255')})`;
    case 'text':
    case 'mediumText':
    case 'longText':
    case 'tinyText':
      return 'text';
    case 'integer':
    case 'unsignedInteger':
      return 'integer';
    case 'bigInteger':
    case 'unsignedBigInteger':
    case 'foreignId':
      return 'bigint';
    case 'smallInteger':
    case 'unsignedSmallInteger':
    case 'tinyInteger':
    case 'unsignedTinyInteger':
      return 'smallint';
    case 'boolean':
      return 'boolean';
    case 'decimal':
    case 'unsignedDecimal':
      return `decimal(${n(1, '8')}, ${n(2, '2')})`;
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'date':
      return 'date';
    case 'dateTime':
    case 'timestamp':
      return `timestamp(${n(1, '0')}) without time zone`;
    case 'dateTimeTz':
    case 'timestampTz':
      return `timestamp(${n(1, '0')}) with time zone`;
    case 'time':
      return `time(${n(1, '0')}) without time zone`;
    case 'json':
      return 'json';
    case 'jsonb':
      return 'jsonb';
    case 'uuid':
    case 'foreignUuid':
      return 'uuid';
    case 'binary':
      return 'bytea';
    case 'ipAddress':
      return 'inet';
    case 'increments':
      return 'serial primary key';
    case 'bigIncrements':
    case 'id':
      return 'bigserial primary key';
    default:
      return undefined;
  }
}

function op(w: Walk, sql: string, node: PhpNode, call: string, extra: Record<string, unknown> = {}): void {
  w.items.push({ kind: 'operation', sql, span: { start: node.start, end: node.end }, exec: w.exec, call, origin: { info: w.info, stmt: w.top, ...extra } });
}

/** One `$table->…` statement of a Schema::create / Schema::table closure: the SQL it compiles to. */
function blueprintStatement(w: Walk, table: string, creating: boolean, stmt: PhpNode, columns: string[], after: Array<() => void>): void {
  const src = w.src;
  const expr = namedChildren(stmt)[0];
  const c = expr ? chain(src, expr) : null;
  if (!c || c.calls.length === 0) return;
  const [first, ...mods] = c.calls;
  const a = (i: number) => {
    const v = first!.args[i];
    return v ? (plain(src, v) ?? (v.type === 'integer' ? text(src, v) : undefined)) : undefined;
  };
  const t = ident(table);
  const has = (m: string) => mods.find((x) => x.name === m);
  const col = a(0) ?? (first!.name === 'id' ? 'id' : undefined);
  const type = columnType(first!.name, a);
  const node = stmt;
  if (type && col) {
    const nullableCall = has('nullable');
    const nullable = nullableCall ? !(nullableCall.args[0] && /^false$/i.test(text(src, nullableCall.args[0]))) : false;
    const dflt = has('default') ? sqlValue(src, has('default')!.args[0]) : has('useCurrent') ? 'CURRENT_TIMESTAMP' : undefined;
    if (has('change')) {
      const parts = [
        `ALTER COLUMN ${ident(col)} TYPE ${type.replace(/ primary key$/, '')}`,
        `ALTER COLUMN ${ident(col)} ${nullable ? 'DROP' : 'SET'} NOT NULL`,
        `ALTER COLUMN ${ident(col)} ${dflt !== undefined ? `SET DEFAULT ${dflt}` : 'DROP DEFAULT'}`,
      ];
      op(w, `ALTER TABLE ${t} ${parts.join(', ')}`, node, 'change');
      return;
    }
    const primary = has('primary') && !/primary key$/.test(type) ? ' PRIMARY KEY' : '';
    const def = `${ident(col)} ${type}${/primary key$/.test(type) ? '' : nullable ? ' NULL' : ' NOT NULL'}${dflt !== undefined ? ` DEFAULT ${dflt}` : ''}${primary}`;
    if (creating) columns.push(def);
    else op(w, `ALTER TABLE ${t} ADD COLUMN ${def}`, node, first!.name);
    for (const m of mods) {
      if (m.name === 'index')
        after.push(() => op(w, `CREATE INDEX ${ident(plain(src, m.args[0]) ?? indexName(table, [col], 'index'))} ON ${t} (${ident(col)})`, node, 'index'));
      if (m.name === 'unique')
        after.push(() =>
          op(w, `ALTER TABLE ${t} ADD CONSTRAINT ${ident(plain(src, m.args[0]) ?? indexName(table, [col], 'unique'))} UNIQUE (${ident(col)})`, node, 'unique'),
        );
      if (m.name === 'constrained') {
        const ref = plain(src, m.args[0]) ?? `${col.replace(/_id$/, '')}s`;
        const refCol = plain(src, m.args[1]) ?? 'id';
        const del = mods.some((x) => x.name === 'cascadeOnDelete')
          ? ' ON DELETE CASCADE'
          : mods.some((x) => x.name === 'nullOnDelete')
            ? ' ON DELETE SET NULL'
            : '';
        after.push(() =>
          op(
            w,
            `ALTER TABLE ${t} ADD CONSTRAINT ${ident(indexName(table, [col], 'foreign'))} FOREIGN KEY (${ident(col)}) REFERENCES ${ident(ref)} (${ident(refCol)})${del}`,
            node,
            'constrained',
          ),
        );
      }
    }
    return;
  }
  switch (first!.name) {
    case 'timestamps':
    case 'timestampsTz':
    case 'nullableTimestamps': {
      const tz = first!.name === 'timestampsTz' ? 'with' : 'without';
      for (const n of ['created_at', 'updated_at']) {
        const def = `${n} timestamp(0) ${tz} time zone NULL`;
        if (creating) columns.push(def);
        else op(w, `ALTER TABLE ${t} ADD COLUMN ${def}`, node, 'timestamps');
      }
      return;
    }
    case 'softDeletes': {
      const def = `${ident(a(0) ?? 'deleted_at')} timestamp(0) without time zone NULL`;
      if (creating) columns.push(def);
      else op(w, `ALTER TABLE ${t} ADD COLUMN ${def}`, node, 'softDeletes');
      return;
    }
    case 'rememberToken': {
      const def = 'remember_token varchar(100) NULL';
      if (creating) columns.push(def);
      else op(w, `ALTER TABLE ${t} ADD COLUMN ${def}`, node, 'rememberToken');
      return;
    }
    case 'index':
    case 'unique':
    case 'primary': {
      const cols = names(src, first!.args[0]);
      if (!cols) break;
      const name = plain(src, first!.args[1]) ?? (first!.name === 'primary' ? `${table}_pkey` : indexName(table, cols, first!.name));
      const list = cols.map(ident).join(', ');
      const sql =
        first!.name === 'index'
          ? `CREATE INDEX ${ident(name)} ON ${t} (${list})`
          : `ALTER TABLE ${t} ADD CONSTRAINT ${ident(name)} ${first!.name === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} (${list})`;
      after.push(() => op(w, sql, node, first!.name));
      return;
    }
    case 'foreign': {
      const cols = names(src, first!.args[0]);
      const refs = names(src, has('references')?.args[0]);
      const on = plain(src, has('on')?.args[0]);
      if (!cols || !refs || !on) break;
      const del = has('onDelete')
        ? ` ON DELETE ${(plain(src, has('onDelete')!.args[0]) ?? '').toUpperCase()}`
        : has('cascadeOnDelete')
          ? ' ON DELETE CASCADE'
          : '';
      const name = plain(src, first!.args[1]) ?? indexName(table, cols, 'foreign');
      after.push(() =>
        op(
          w,
          `ALTER TABLE ${t} ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${cols.map(ident).join(', ')}) REFERENCES ${ident(on)} (${refs.map(ident).join(', ')})${del}`,
          node,
          'foreign',
        ),
      );
      return;
    }
    case 'dropColumn': {
      const cols = first!.args.length > 1 ? first!.args.map((x) => plain(src, x)).filter((x): x is string => !!x) : names(src, first!.args[0]);
      if (!cols?.length) break;
      op(w, `ALTER TABLE ${t} ${cols.map((x) => `DROP COLUMN ${ident(x)}`).join(', ')}`, node, 'dropColumn');
      return;
    }
    case 'renameColumn': {
      const from = a(0);
      const to = a(1);
      if (!from || !to) break;
      op(w, `ALTER TABLE ${t} RENAME COLUMN ${ident(from)} TO ${ident(to)}`, node, 'renameColumn');
      return;
    }
    case 'dropIndex':
    case 'dropUnique':
    case 'dropForeign':
    case 'dropPrimary': {
      const v = first!.args[0];
      const name = plain(src, v) ?? (names(src, v) ? indexName(table, names(src, v)!, first!.name.slice(4).toLowerCase()) : undefined);
      if (!name) break;
      op(w, first!.name === 'dropIndex' ? `DROP INDEX ${ident(name)}` : `ALTER TABLE ${t} DROP CONSTRAINT ${ident(name)}`, node, first!.name);
      return;
    }
    default:
      return;
  }
  w.notes.push({
    ruleId: 'unsupported-framework-construct',
    severity: 'info',
    message: `$table->${first!.name}(…): its arguments are built at run time; migralint did not lint it.`,
    span: { start: node.start, end: node.end },
  });
}

/** `Schema::create('t', function (Blueprint $table) { … })` and `Schema::table(…)`. */
function schemaCall(w: Walk, method: string, call: PhpNode): void {
  const src = w.src;
  const a = args(call);
  const table = plain(src, a[0]);
  if (!table) return;
  const t = ident(table);
  if (method === 'dropIfExists' || method === 'drop')
    return op(w, `DROP TABLE ${method === 'dropIfExists' ? 'IF EXISTS ' : ''}${t}`, call, `Schema::${method}`);
  if (method === 'rename') {
    const to = plain(src, a[1]);
    if (to) op(w, `ALTER TABLE ${t} RENAME TO ${ident(to)}`, call, 'Schema::rename');
    return;
  }
  if (method !== 'create' && method !== 'table') return;
  const fn = a[1];
  const body = fn && (fn.type === 'anonymous_function' || fn.type === 'anonymous_function_creation_expression') ? child(fn, 'body') : undefined;
  if (!body) return;
  const columns: string[] = [];
  const after: Array<() => void> = [];
  const creating = method === 'create';
  const start = w.items.length;
  for (const s of namedChildren(body)) if (s.type === 'expression_statement') blueprintStatement(w, table, creating, s, columns, after);
  if (creating)
    w.items.splice(start, 0, {
      kind: 'operation',
      sql: `CREATE TABLE ${t} (${columns.join(', ')})`,
      span: { start: call.start, end: call.end },
      exec: w.exec,
      call: 'Schema::create',
      origin: { info: w.info, stmt: w.top },
    });
  for (const f of after) f();
}

function visit(w: Walk, n: PhpNode): void {
  const src = w.src;
  if (n.type === 'scoped_call_expression' || n.type === 'member_call_expression') {
    const name = child(n, 'name');
    const method = name ? text(src, name) : '';
    const scope = child(n, 'scope') ?? child(n, 'object');
    const scopeText = scope ? text(src, scope).replace(/^\\/, '') : '';
    const isDb = /^(?:Illuminate\\Support\\Facades\\)?DB$/.test(scopeText) || /^DB::connection\(/.test(scopeText);
    if (isDb && (method === 'statement' || method === 'unprepared')) {
      const arg = args(n)[0];
      const s = arg ? phpString(src, arg) : undefined;
      if (!s) {
        if (arg)
          w.notes.push({
            ruleId: 'unsupported-framework-construct',
            severity: 'info',
            message: `DB::${method}: the SQL is built at run time; migralint cannot read it and did not lint it.`,
            span: { start: arg.start, end: arg.end },
          });
        return;
      }
      if (s.dynamic > 0) {
        w.notes.push({
          ruleId: 'unsupported-framework-construct',
          severity: 'info',
          message: `DB::${method}: a \`$variable\` pastes a value into the SQL text, so what runs cannot be read; it is not linted. Pass values as bindings (\`?\`).`,
          span: { start: arg!.start, end: arg!.end },
        });
        return;
      }
      w.items.push({
        kind: 'sql',
        text: s.text,
        segments: s.segments,
        literals: s.literals,
        exec: { ...w.exec, oneQuery: true },
        origin: { info: w.info, stmt: w.top, call: n, method },
      });
      return;
    }
    if (/^(?:Illuminate\\Support\\Facades\\)?Schema$/.test(scopeText) || /^Schema::connection\(/.test(scopeText)) return schemaCall(w, method, n);
  }
  for (const c of namedChildren(n)) visit(w, c);
}

export function extractLaravel(file: SourceFile, _ctx: ExtractContext): MigrationUnit {
  const src = file.text;
  const root = parsePhp(src);
  const notes: AdapterNote[] = [];
  const err = firstError(root);
  if (err) {
    const lineEnd = src.indexOf('\n', err.start);
    notes.push({
      ruleId: 'parse-error',
      severity: 'error',
      message: 'PHP syntax error: the file cannot be read as PHP past this point; findings inside the damaged code may be missing.',
      span: { start: err.start, end: Math.max(err.start + 1, Math.min(err.end, lineEnd < 0 ? src.length : lineEnd)) },
    });
  }
  const items: UnitItem[] = [];
  let cls: PhpNode | undefined;
  walk(root, (n) => {
    if (cls) return false;
    if (
      (n.type === 'class_declaration' || n.type === 'anonymous_class') &&
      /Migration/.test(text(src, child(n, 'base_clause') ?? n.children.find((c) => c.type === 'base_clause') ?? n).slice(0, 200))
    ) {
      cls = n;
      return false;
    }
    return true;
  });
  const body = cls ? (child(cls, 'body') ?? cls.children.find((c) => c.type === 'declaration_list')) : undefined;
  const directives = scanLineDirectives(src, '//');
  if (!cls || !body) return { file, framework: 'laravel', items, directives, notes };
  const optOut = namedChildren(body).find((m) => m.type === 'property_declaration' && /\$withinTransaction\s*=\s*false\b/i.test(text(src, m)));
  const info: LaravelInfo = { body, optOut };
  const exec: ExecutionContext = optOut ? { wrapped: false, reason: OPTED_OUT, oneQuery: false } : { wrapped: true, reason: WRAPPED, oneQuery: false };
  const w: Walk = { src, items, notes, exec, info };
  for (const m of namedChildren(body)) {
    if (m.type !== 'method_declaration') continue;
    const name = child(m, 'name');
    if (!name || text(src, name) !== 'up') continue;
    const b = child(m, 'body');
    if (b)
      for (const s of namedChildren(b)) {
        w.top = s;
        visit(w, s);
      }
  }
  return { file, framework: 'laravel', items, directives, notes };
}
