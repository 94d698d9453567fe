import { statementDirectives } from '../../engine/directives.js';
import type { ExtractContext } from '../../sources/adapter.js';
import { child, namedChildren, walk } from '../../sources/python/tree.js';
import { syntaxNote } from '../../sources/python/common.js';
import { parseRuby } from '../../sources/ruby/tree.js';
import type { AdapterNote, Directive, ExecutionContext, MigrationUnit, SourceFile, Span, UnitItem } from '../../types.js';
import { callOf, hashOptions, heredocValue, isTrue, stringValue, symbolOrString, text, type RbCall, type RbNode, type RbString } from './ruby.js';
import path from 'node:path';
import { NO_FILES, type FileSystem } from '../../fs.js';
import { columnDef, createIndex, dslSql, ident, referenceSql, referenceType, table, type DslContext, type DslStatement } from './schema-dsl.js';

/**
 * Rails (ActiveRecord) migrations: `db/migrate/<version>_<name>.rb`, a class inheriting from
 * `ActiveRecord::Migration[x.y]` with `change`, or `up` and `down`. ActiveRecord runs each migration in a
 * transaction (`ddl_transaction`, on PostgreSQL which supports transactional DDL) unless the class calls
 * `disable_ddl_transaction!`. `execute` sends its string as one query (PG::Connection#async_exec, the simple
 * query protocol): several statements in it are one implicit transaction. Read from activerecord 7.1–8.0.
 */

export function isRailsMigration(text: string): boolean {
  return /<\s*(?:::)?ActiveRecord::Migration\b/.test(text);
}

/** Migration-wide facts the fix writers need, shared by every item of the unit. */
export interface RailsInfo {
  /** The class body (its statements). */
  body: RbNode;
  /** The `disable_ddl_transaction!` call, when the class has one. */
  optOut?: RbNode;
  /** `[7.1]` in `ActiveRecord::Migration[7.1]`, or undefined for the unversioned form. */
  version?: string;
}

export const WRAPPED = 'Rails runs each migration in a transaction (unless the class calls disable_ddl_transaction!)';
const OPTED_OUT = 'disable_ddl_transaction! runs this migration outside a transaction';

interface Walk {
  src: string;
  items: UnitItem[];
  notes: AdapterNote[];
  info: RailsInfo;
  exec: ExecutionContext;
  heredocs: Map<RbNode, RbNode>;
  includeDown: boolean;
  /** Set for the first item of a down section: the runner runs it on its own. */
  separate: boolean;
  dsl: DslContext;
}

/** The add_foreign_key calls of a migration's text (memoised by text: every validate in the folder asks). */
const foreignKeysOfText = new Map<string, Array<{ from: string; to: string; column?: string; name?: string }>>();

function foreignKeysIn(src: string): Array<{ from: string; to: string; column?: string; name?: string }> {
  let out = foreignKeysOfText.get(src);
  if (out) return out;
  out = [];
  if (src.includes('add_foreign_key')) {
    walk(parseRuby(src), (n) => {
      const c = n.type === 'call' ? callOf(src, n) : null;
      if (!c || c.method !== 'add_foreign_key' || c.receiver) return true;
      const from = symbolOrString(src, c.args[0]);
      const to = symbolOrString(src, c.args[1]);
      if (from && to) out!.push({ from, to, column: symbolOrString(src, c.options.get('column')), name: symbolOrString(src, c.options.get('name')) });
      return true;
    });
  }
  foreignKeysOfText.set(src, out);
  return out;
}

/** Rails finds the key `validate_foreign_key :a, :b` means among a's keys to b: here, the last one the migrations before this one added. */
function earlierForeignKeys(file: SourceFile, fs: FileSystem): DslContext {
  return {
    foreignKey(from, to) {
      const dir = path.dirname(path.resolve(file.path));
      const self = path.basename(file.path);
      const names = (fs.listDir(dir) ?? []).filter((f) => /^\d+_.*\.rb$/.test(f) && f < self).sort();
      let found: { column?: string; name?: string } | undefined;
      for (const name of names) {
        const src = fs.readFile(path.join(dir, name));
        for (const fk of src ? foreignKeysIn(src) : []) if (fk.from === from && fk.to === to) found = fk;
      }
      return found;
    },
  };
}

/** The statement a node belongs to: its ancestor directly inside a body (where a fix can insert a line before it). */
function statementOf(n: RbNode): RbNode {
  let s = n;
  while (s.parent && !['body_statement', 'block_body', 'program', 'then', 'else', 'begin', 'do'].includes(s.parent.type)) s = s.parent;
  return s;
}

function execFor(w: Walk, oneQuery: boolean): ExecutionContext {
  const e: ExecutionContext = { ...w.exec, oneQuery };
  if (w.separate) {
    e.separateRun = true;
    w.separate = false;
  }
  return e;
}

function pushOperations(w: Walk, call: RbCall, statements: DslStatement[], extra: Record<string, unknown> = {}): void {
  for (const s of statements) {
    w.items.push({
      kind: 'operation',
      sql: s.sql,
      span: { start: call.node.start, end: call.node.end },
      exec: execFor(w, false),
      call: call.method,
      origin: { call, stmt: statementOf(call.node), info: w.info, dsl: s, ...extra },
    });
  }
}

/** The SQL argument of `execute`: a string, a heredoc (possibly `.squish`ed), or null with a note. */
function sqlArgument(w: Walk, call: RbCall): RbString | null {
  let arg = call.args[0];
  if (!arg) return null;
  // `<<~SQL.squish`, `"…".strip`, `.freeze`: the same SQL (squish only folds whitespace).
  while (arg.type === 'call' && ['squish', 'strip', 'freeze', 'chomp', 'dedent'].includes(text(w.src, child(arg, 'method')!)) && child(arg, 'receiver'))
    arg = child(arg, 'receiver')!;
  if (arg.type === 'heredoc_beginning') {
    const body = w.heredocs.get(arg);
    if (body) return heredocValue(w.src, arg, body);
  }
  if (arg.type === 'parenthesized_statements' && namedChildren(arg).length === 1) arg = namedChildren(arg)[0]!;
  const s = stringValue(w.src, arg);
  if (s) return s;
  w.notes.push({
    ruleId: 'unsupported-framework-construct',
    severity: 'info',
    message: `${call.method}: the SQL is ${arg.type === 'identifier' ? `the variable ${text(w.src, arg)}` : 'an expression'}, built at run time; migralint cannot read it and did not lint it.`,
    span: { start: arg.start, end: arg.end },
  });
  return null;
}

function executeCall(w: Walk, call: RbCall): void {
  const value = sqlArgument(w, call);
  if (!value) return;
  w.items.push({
    kind: 'sql',
    text: value.text,
    segments: value.segments,
    exec: execFor(w, true),
    origin: { call, stmt: statementOf(call.node), info: w.info, execute: true },
  });
}

/** The block's parameter (`do |t|`), and its statements. */
function blockParts(src: string, block: RbNode): { param?: string; body: RbNode[] } {
  const params = child(block, 'parameters');
  const first = params ? namedChildren(params)[0] : undefined;
  const body = child(block, 'body');
  return { param: first ? text(src, first) : undefined, body: body ? namedChildren(body) : [] };
}

/** `create_table :t do |t| … end`: the table with its columns, primary key and foreign keys, then its indexes. */
function createTable(w: Walk, call: RbCall): void {
  const src = w.src;
  const tbl = symbolOrString(src, call.args[0]);
  if (!tbl) return;
  const o = call.options;
  const cols: string[] = [];
  const after: DslStatement[] = [];
  const id = o.get('id');
  if (!(id && id.type === 'false')) {
    const pk = symbolOrString(src, o.get('primary_key')) ?? 'id';
    // A `[5.0]` migration or older makes an integer (serial) id when create_table does not say (Compatibility::V5_0).
    const idType = (id ? symbolOrString(src, id) : undefined) ?? (w.dsl.integerKeys ? 'integer' : 'bigserial');
    cols.push(
      idType === 'uuid'
        ? `${ident(pk)} uuid DEFAULT gen_random_uuid() PRIMARY KEY`
        : `${ident(pk)} ${idType === 'bigint' || idType === 'primary_key' ? 'bigserial' : idType === 'integer' ? 'serial' : idType} PRIMARY KEY`,
    );
  }
  if (call.block) {
    const { param, body } = blockParts(src, call.block);
    for (const s of body) {
      const c = callOf(src, s);
      if (!c || !c.receiver || text(src, c.receiver) !== param) continue;
      const names = c.args.map((a) => symbolOrString(src, a)).filter((x): x is string => x !== undefined);
      if (c.method === 'timestamps') {
        const nullable = c.options.has('null') ? c.options.get('null')!.type === 'true' : Boolean(w.dsl.nullableTimestamps);
        for (const n of ['created_at', 'updated_at'])
          cols.push(columnDef(src, n, 'datetime', new Map([...c.options, ...(nullable ? [] : [['null', { type: 'false' } as RbNode] as const])])));
      } else if (c.method === 'references' || c.method === 'belongs_to') {
        for (const ref of names) {
          const stmts = referenceSql(src, tbl, ref, c.options, 'create', w.dsl);
          cols.push(columnDef(src, `${ref}_id`, referenceType(src, c.options, w.dsl), c.options));
          if (c.options.get('polymorphic')?.type === 'true') cols.push(`${ident(`${ref}_type`)} character varying`);
          for (const st of stmts) {
            // A foreign key of a new table is part of its CREATE TABLE (Rails writes it there).
            if (st.kind === 'foreign-key') cols.push(st.sql.replace(/^ALTER TABLE \S+ ADD /, ''));
            else after.push(st);
          }
        }
      } else if (c.method === 'index') {
        const st = createIndex(src, tbl, c.args[0], c.options);
        if (st) after.push(st);
      } else if (c.method === 'column') {
        const type = symbolOrString(src, c.args[1]);
        if (names[0] && type) cols.push(columnDef(src, names[0], type, c.options));
      } else if (c.method === 'check_constraint') {
        const expr = c.args[0] ? stringValue(src, c.args[0]) : undefined;
        const name = symbolOrString(src, c.options.get('name'));
        if (expr && !expr.dynamic) cols.push(`${name ? `CONSTRAINT ${ident(name)} ` : ''}CHECK (${expr.text})`);
      } else if (names.length) {
        for (const n of names) cols.push(columnDef(src, n, c.method, c.options));
      }
    }
  }
  const ifNotExists = o.get('if_not_exists')?.type === 'true' ? 'IF NOT EXISTS ' : '';
  pushOperations(w, call, [{ sql: `CREATE TABLE ${ifNotExists}${table(tbl)} (${cols.join(', ')})` }, ...after]);
}

/**
 * How `change_table :t, bulk: true` sends one `t.<op>` on PostgreSQL (ActiveRecord's `bulk_change_table`, Rails 5.2
 * on): a command with a `<command>_for_alter` (add_column, remove_column(s), change_column, change_column_default,
 * change_column_null without a default, add_timestamps, remove_timestamps) is a clause of one `ALTER TABLE t a, b, …`;
 * change_column_null with a default (its UPDATE first) runs after that ALTER is sent; any other command (add_index,
 * add_reference, rename_column, add_foreign_key …) sends the ALTER gathered so far, then runs on its own.
 */
type BulkRole = 'clause' | 'after' | 'own';

/** Methods of the block's table object that are not column types (`t.remove_references`, `t.comment` …). */
const NOT_A_TYPE = new Set(['comment', 'exclusion_constraint', 'unique_constraint', 'remove_exclusion_constraint', 'remove_unique_constraint', 'remove_index']);

/**
 * `t.<op>` that is the connection's command on the block's table with the same arguments (t.index → add_index :t, …),
 * its role under `bulk: true`, and whether the command reads the migration's DSL version (key types).
 */
const SAME_ARGS: Record<string, [command: string, role: BulkRole, dsl?: true]> = {
  index: ['add_index', 'own'],
  remove_index: ['remove_index', 'own'],
  rename_index: ['rename_index', 'own'],
  rename: ['rename_column', 'own'],
  change: ['change_column', 'clause'],
  change_default: ['change_column_default', 'clause'],
  foreign_key: ['add_foreign_key', 'own', true],
  remove_foreign_key: ['remove_foreign_key', 'own', true],
  check_constraint: ['add_check_constraint', 'own'],
  remove_check_constraint: ['remove_check_constraint', 'own'],
};

/** What one `t.<op>` of a change_table block runs: its statements, each with its role under `bulk: true`. */
function tableOp(w: Walk, tbl: RbNode, c: RbCall): Array<{ stmt: DslStatement; role: BulkRole }> {
  const src = w.src;
  // t.string :name → add_column :t, :name, :string; t.remove :a → remove_column; t.index → add_index …
  const as = (method: string, args: RbNode[]): RbCall => ({ ...c, method, args: [tbl, ...args] });
  const each = (stmts: DslStatement[] | null, role: BulkRole) => (stmts ?? []).map((stmt) => ({ stmt, role }));
  const same = Object.hasOwn(SAME_ARGS, c.method) ? SAME_ARGS[c.method] : undefined;
  if (same) return each(dslSql(src, as(same[0], c.args), same[2] ? w.dsl : undefined), same[1]);
  switch (c.method) {
    case 'remove':
      // t.remove :a, :b is remove_columns: one ALTER TABLE with a DROP COLUMN each (what ActiveRecord sends).
      return each(
        (c.args.length > 1 ? dslSql(src, as('remove_columns', c.args)) : null) ?? c.args.flatMap((a) => dslSql(src, as('remove_column', [a])) ?? []),
        'clause',
      );
    case 'change_null':
      // With a default (t.change_null :a, false, 0) its UPDATE must run first: ActiveRecord defers it past the ALTER.
      return each(dslSql(src, as('change_column_null', c.args)), c.args[2] && c.args[2].type !== 'nil' ? 'after' : 'clause');
    case 'references':
    case 'belongs_to':
      return each(
        c.args.flatMap((a) => dslSql(src, as('add_reference', [a]), w.dsl) ?? []),
        'own',
      );
    case 'remove_references':
    case 'remove_belongs_to':
      return each(
        c.args.flatMap((a) => dslSql(src, as('remove_reference', [a])) ?? []),
        'own',
      );
    case 'timestamps':
      return each(dslSql(src, as('add_timestamps', []), w.dsl), 'clause');
    case 'remove_timestamps':
      return each(dslSql(src, as('remove_timestamps', [])), 'clause');
    default: {
      if (NOT_A_TYPE.has(c.method) || /[?!=]$/.test(c.method)) return [];
      // t.string :a, :b → add_column :t, :a, :string for each (t.column :a, :string the same); `index:` adds t.index after each.
      const name = symbolOrString(src, tbl);
      const column = c.method === 'column';
      const type = column ? symbolOrString(src, c.args[1]) : c.method;
      const cols = column ? c.args.slice(0, 1) : c.args;
      if (!name || !type || !cols.length || cols.some((a) => symbolOrString(src, a) === undefined)) return [];
      const index = c.options.get('index');
      const out: Array<{ stmt: DslStatement; role: BulkRole }> = [];
      for (const a of cols) {
        out.push({ stmt: { sql: `ALTER TABLE ${table(name)} ADD COLUMN ${columnDef(src, symbolOrString(src, a)!, type, c.options)}` }, role: 'clause' });
        const st = index && index.type !== 'false' && index.type !== 'nil' ? createIndex(src, name, a, hashOptions(src, index)) : null;
        if (st) out.push({ stmt: st, role: 'own' });
      }
      return out;
    }
  }
}

/**
 * `change_table :t do |t| … end`: each `t.<op>` as the top-level statement it stands for. With `bulk: true` the
 * block only records the `t.<op>` calls (ActiveRecord's CommandRecorder): other statements in it run at once, and
 * the recorded ones then run as `bulk_change_table` sends them (see BulkRole).
 */
function changeTable(w: Walk, call: RbCall): void {
  const src = w.src;
  const tbl = call.args[0];
  if (!tbl || !call.block) return;
  const bulk = isTrue(src, call.options.get('bulk')) && symbolOrString(src, tbl) !== undefined;
  const { param, body } = blockParts(src, call.block);
  const recorded: Array<{ c: RbCall; stmt: DslStatement; role: BulkRole }> = [];
  for (const s of body) {
    const c = callOf(src, s);
    if (!c || !c.receiver || text(src, c.receiver) !== param) {
      visit(w, s);
      continue;
    }
    const ops = tableOp(w, tbl, c);
    if (bulk) recorded.push(...ops.map((o) => ({ c, ...o })));
    else if (ops.length)
      pushOperations(
        w,
        c,
        ops.map((o) => o.stmt),
      );
  }
  if (!bulk) return;
  const prefix = `ALTER TABLE ${table(symbolOrString(src, tbl)!)} `;
  let clauses: Array<{ c: RbCall; sql: string }> = [];
  let after: Array<{ c: RbCall; stmt: DslStatement }> = [];
  const flush = () => {
    if (clauses.length === 1) pushOperations(w, clauses[0]!.c, [{ sql: prefix + clauses[0]!.sql }]);
    else if (clauses.length > 1) {
      // One statement for several calls: located from the first call to the last, and named after change_table.
      const first = clauses[0]!.c.node;
      const last = clauses.at(-1)!.c.node;
      const span = { start: first.start, end: last.end };
      w.items.push({
        kind: 'operation',
        sql: prefix + clauses.map((x) => x.sql).join(', '),
        span,
        exec: execFor(w, false),
        call: 'change_table',
        origin: { call, stmt: statementOf(call.node), info: w.info, dsl: { sql: prefix + clauses.map((x) => x.sql).join(', ') } },
      });
    }
    for (const a of after) pushOperations(w, a.c, [a.stmt]);
    clauses = [];
    after = [];
  };
  for (const r of recorded) {
    if (r.role === 'clause' && r.stmt.sql.startsWith(prefix)) clauses.push({ c: r.c, sql: r.stmt.sql.slice(prefix.length) });
    else if (r.role === 'after') after.push(r);
    else {
      flush();
      pushOperations(w, r.c, [r.stmt]);
    }
  }
  flush();
}

function visitBlockBody(w: Walk, block: RbNode | undefined): void {
  if (!block) return;
  const body = child(block, 'body');
  if (body) for (const s of namedChildren(body)) visit(w, s);
}

/** `reversible do |dir| dir.up { … }; dir.down { … } end`. */
function reversible(w: Walk, call: RbCall): void {
  if (!call.block) return;
  const { param, body } = blockParts(w.src, call.block);
  for (const s of body) {
    const c = callOf(w.src, s);
    if (c && c.receiver && text(w.src, c.receiver) === param && (c.method === 'up' || c.method === 'down')) {
      if (c.method === 'up') visitBlockBody(w, c.block);
      else if (w.includeDown) {
        const saved = w.separate;
        w.separate = true;
        visitBlockBody(w, c.block);
        w.separate = saved;
      }
    } else visit(w, s);
  }
}

function visit(w: Walk, n: RbNode): void {
  if (n.type === 'comment' || n.type === 'heredoc_body') return;
  const call = n.type === 'call' || n.type === 'identifier' ? callOf(w.src, n) : null;
  if (call) {
    const receiver = call.receiver ? text(w.src, call.receiver) : undefined;
    const onConnection = receiver === undefined || /(^|\.)connection$/.test(receiver);
    if (onConnection && ['execute', 'exec_query', 'exec_update', 'exec_delete', 'exec_insert'].includes(call.method)) return executeCall(w, call);
    if (receiver !== undefined) {
      // A model or helper call (User.where(…).update_all …): not schema; its blocks may still hold migrations calls.
      return visitBlockBody(w, call.block);
    }
    switch (call.method) {
      case 'reversible':
        return reversible(w, call);
      case 'revert':
        return;
      case 'create_table':
        return createTable(w, call);
      case 'change_table':
        return changeTable(w, call);
      case 'create_join_table':
        return;
    }
    const stmts = dslSql(w.src, call, w.dsl);
    if (stmts) return pushOperations(w, call, stmts);
    // safety_assured { … }, up_only { … }, with_lock_retries { … }, transaction do … end: their bodies run here.
    if (call.method === 'safety_assured' && call.block) {
      const saved = w.exec;
      w.exec = { ...saved, codeReleased: 'the `safety_assured` block asserts (strong_migrations)' };
      try {
        return visitBlockBody(w, call.block);
      } finally {
        w.exec = saved;
      }
    }
    return visitBlockBody(w, call.block);
  }
  // if / unless / begin … rescue: the statements inside.
  for (const c of namedChildren(n)) if (c.field !== 'condition') visit(w, c);
}

/** `# migralint-disable-next-line` before a call that spans several lines covers the whole call. */
function rubyDirectives(src: string, root: RbNode): Directive[] {
  return statementDirectives(src, '#', () => {
    const statements: Span[] = [];
    walk(root, (n) => {
      if (n.parent && ['body_statement', 'block_body', 'program'].includes(n.parent.type) && n.type !== 'comment') {
        // A heredoc's body follows its call: the statement ends with it.
        const next = n.parent.children[n.parent.children.indexOf(n) + 1];
        statements.push({ start: n.start, end: next?.type === 'heredoc_body' ? next.end : n.end });
      }
    });
    return statements;
  });
}

export function extractRails(file: SourceFile, ctx: ExtractContext): MigrationUnit {
  const src = file.text;
  const root = parseRuby(src);
  const notes: AdapterNote[] = [];
  const syntax = syntaxNote(src, root, 'Ruby');
  if (syntax) notes.push(syntax);
  const items: UnitItem[] = [];
  // Heredoc bodies follow their openers in the text, in the same order.
  const beginnings: RbNode[] = [];
  const bodies: RbNode[] = [];
  walk(root, (n) => {
    if (n.type === 'heredoc_beginning') beginnings.push(n);
    else if (n.type === 'heredoc_body') bodies.push(n);
  });
  const heredocs = new Map(beginnings.map((b, i) => [b, bodies[i]!] as const).filter(([, b]) => b !== undefined));
  let cls: RbNode | undefined;
  walk(root, (n) => {
    if (cls) return false;
    if (n.type === 'class' && /Migration/.test(text(src, child(n, 'superclass') ?? n).split('\n')[0]!)) {
      cls = n;
      return false;
    }
    return true;
  });
  const body = cls ? child(cls, 'body') : undefined;
  if (!cls || !body) {
    return { file, framework: 'rails', items, directives: rubyDirectives(src, root), notes };
  }
  const superclass = text(src, child(cls, 'superclass')!);
  const version = /\[\s*([\d.]+)\s*\]/.exec(superclass)?.[1];
  // `Migration[4.2]` and the unversioned `ActiveRecord::Migration` of Rails 4 keep 4.2's defaults.
  const legacy = version !== undefined ? Number(version) < 5 : /ActiveRecord::Migration\s*$/.test(superclass);
  // `Migration[5.0]` and older keep integer keys (bigint from 5.1).
  const before51 = version !== undefined ? Number(version) < 5.1 : legacy;
  const optOut = namedChildren(body).find((n) => (n.type === 'call' || n.type === 'identifier') && text(src, n) === 'disable_ddl_transaction!');
  const info: RailsInfo = { body, optOut, version };
  const exec: ExecutionContext = optOut ? { wrapped: false, reason: OPTED_OUT, oneQuery: false } : { wrapped: true, reason: WRAPPED, oneQuery: false };
  const w: Walk = {
    src,
    items,
    notes,
    info,
    exec,
    heredocs,
    includeDown: ctx.settings.includeDown === true,
    separate: false,
    dsl: { ...earlierForeignKeys(file, ctx.fs ?? NO_FILES), nullableTimestamps: legacy, unindexedReferences: legacy, integerKeys: before51 },
  };
  const methods = namedChildren(body).filter((n) => n.type === 'method' || n.type === 'singleton_method');
  const named = (name: string) => methods.filter((m) => text(src, child(m, 'name')!) === name);
  for (const m of [...named('change'), ...named('up')]) {
    const b = child(m, 'body');
    if (b) for (const s of namedChildren(b)) visit(w, s);
  }
  if (w.includeDown) {
    for (const m of named('down')) {
      const b = child(m, 'body');
      w.separate = true;
      if (b) for (const s of namedChildren(b)) visit(w, s);
      w.separate = false;
    }
  }
  return { file, framework: 'rails', items, directives: rubyDirectives(src, root), notes, assumption: optOut ? undefined : undefined };
}
