import { scanLineDirectives, statementDirectives } from '../../engine/directives.js';
import type { ExtractContext } from '../../sources/adapter.js';
import { ElixirSyntaxError, parseElixir, type ExNode } from '../../sources/elixir/reader.js';
import type { AdapterNote, Directive, ExecutionContext, MigrationUnit, SourceFile, UnitItem } from '../../types.js';

/**
 * Ecto migrations: `priv/repo/migrations/<timestamp>_<name>.exs`, a module that `use Ecto.Migration` with
 * `change/0`, or `up/0` and `down/0`. Ecto SQL (3.x, the Postgres adapter) runs each migration in a transaction
 * unless the module sets `@disable_ddl_transaction true`; by default it also holds a lock on schema_migrations in a
 * transaction on another connection for the whole migration, which a concurrent index build waits for unless the
 * module sets `@disable_migration_lock true` (Ecto's docs: set both for CONCURRENTLY). `execute` sends its string
 * as one query (Postgrex's extended protocol: one statement per string). The DSL becomes the SQL Ecto generates.
 */

export function isEctoMigration(text: string): boolean {
  return /\buse\s+Ecto\.Migration\b/.test(text);
}

export const WRAPPED = 'Ecto runs each migration in a transaction (unless the module sets @disable_ddl_transaction true)';
const OPTED_OUT = '@disable_ddl_transaction true runs this migration outside a transaction';

type Call = Extract<ExNode, { kind: 'call' }>;

/** Migration-wide facts the fix writers need. */
export interface EctoInfo {
  /** The `use Ecto.Migration` call (the module attributes go after it). */
  use?: Call;
  disableDdlTransaction: boolean;
  disableMigrationLock: boolean;
}

export interface EctoOrigin {
  /** The top-level statement (`create index(…)`, `execute "…"`, `alter table(…) do … end`). */
  stmt: ExNode;
  /** `index(…)` / `unique_index(…)` of a create or drop: where `concurrently: true` goes. */
  index?: Call;
  info: EctoInfo;
}

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

interface Walk {
  src: string;
  items: UnitItem[];
  notes: AdapterNote[];
  info: EctoInfo;
  exec: ExecutionContext;
  /** Names of the module's own functions (`defp fixup(…)`). */
  localFunctions: Set<string>;
}

const nameOf = (n: ExNode | undefined): string | undefined =>
  n?.kind === 'atom' ? n.value : n?.kind === 'string' && n.value.dynamic === 0 ? n.value.text : undefined;

function keywordsOf(call: Call | undefined): Map<string, ExNode> {
  const m = new Map<string, ExNode>();
  const kw = call?.args.at(-1);
  if (kw?.kind === 'keywords') for (const p of kw.pairs) m.set(p.key, p.value);
  return m;
}

const positional = (call: Call): ExNode[] => call.args.filter((a) => a.kind !== 'keywords');

/** `table(:orders, prefix: "billing")` → `"billing"."orders"`. */
function tableOf(n: ExNode | undefined): { name: string; sql: string; prefix?: string } | undefined {
  if (n?.kind !== 'call' || n.name !== 'table') return undefined;
  const name = nameOf(positional(n)[0]);
  if (!name) return undefined;
  const prefix = nameOf(keywordsOf(n).get('prefix'));
  return { name, prefix, sql: prefix ? `${ident(prefix)}.${ident(name)}` : ident(name) };
}

/** A value as SQL: "x" → 'x', 1, true, nil → NULL, fragment("now()") → now(). */
function literal(src: string, n: ExNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.kind === 'string' && n.value.dynamic === 0) return `'${n.value.text.replace(/'/g, "''")}'`;
  if (n.kind === 'number') return n.text.replace(/_/g, '');
  if (n.kind === 'bool') return n.value ? 'true' : 'false';
  if (n.kind === 'nil') return 'NULL';
  if (n.kind === 'call' && n.name === 'fragment') {
    const s = positional(n)[0];
    return s?.kind === 'string' && s.value.dynamic === 0 ? s.value.text : undefined;
  }
  if (n.kind === 'list' && n.items.length === 0) return "'{}'";
  if (n.kind === 'keywords' || (n.kind === 'opaque' && /^%\{\s*\}$/.test(src.slice(n.start, n.end)))) return "'{}'";
  return undefined;
}

/** The column type Ecto's Postgres adapter writes for a migration type. */
function columnType(type: ExNode | undefined, opts: Map<string, ExNode>): string | undefined {
  if (!type) return undefined;
  if (type.kind === 'tuple' && type.items[0]?.kind === 'atom' && type.items[0].value === 'array') {
    const inner = columnType(type.items[1], new Map());
    return inner ? `${inner}[]` : undefined;
  }
  if (type.kind === 'tuple' && type.items[0]?.kind === 'atom' && type.items[0].value === 'map') return 'jsonb';
  const t = nameOf(type);
  if (!t) return undefined;
  const size = opts.get('size');
  const precision = opts.get('precision');
  const scale = opts.get('scale');
  const num = (n: ExNode | undefined) => (n?.kind === 'number' ? n.text : undefined);
  switch (t) {
    case 'string':
      return `varchar(${num(size) ?? '255'})`;
    case 'id':
      return 'integer';
    case 'binary_id':
    case 'uuid':
      return 'uuid';
    case 'binary':
      return 'bytea';
    case 'map':
      return 'jsonb';
    case 'utc_datetime':
    case 'naive_datetime':
      return 'timestamp(0)';
    case 'utc_datetime_usec':
    case 'naive_datetime_usec':
      return 'timestamp';
    case 'time':
      return 'time(0)';
    case 'time_usec':
      return 'time';
    case 'decimal':
    case 'numeric':
      return num(precision) ? `${t}(${num(precision)}${num(scale) ? `,${num(scale)}` : ''})` : t;
    case 'float':
      return 'float';
    default:
      return num(size) ? `${t}(${num(size)})` : t;
  }
}

const ON_DELETE: Record<string, string> = { delete_all: 'CASCADE', nilify_all: 'SET NULL', restrict: 'RESTRICT', nothing: '' };

/** `"col" type [REFERENCES …] [DEFAULT …] [NOT NULL] [PRIMARY KEY handled by the table]`. */
function columnDef(w: Walk, table: string, name: string, type: ExNode | undefined, opts: Map<string, ExNode>): string | undefined {
  let sqlType: string | undefined;
  let ref = '';
  if (type?.kind === 'call' && type.name === 'references') {
    const to = nameOf(positional(type)[0]);
    const ro = keywordsOf(type);
    if (!to) return undefined;
    sqlType = columnType(ro.get('type') ?? { kind: 'atom', value: 'bigint', start: 0, end: 0 }, new Map());
    const column = nameOf(ro.get('column')) ?? 'id';
    const fk = nameOf(ro.get('name')) ?? `${table}_${name}_fkey`;
    const prefix = nameOf(ro.get('prefix'));
    const onDelete = ON_DELETE[nameOf(ro.get('on_delete')) ?? 'nothing'];
    const onUpdate = ON_DELETE[nameOf(ro.get('on_update')) ?? 'nothing'];
    ref = ` CONSTRAINT ${ident(fk)} REFERENCES ${prefix ? `${ident(prefix)}.` : ''}${ident(to)}(${ident(column)})${onDelete ? ` ON DELETE ${onDelete}` : ''}${onUpdate ? ` ON UPDATE ${onUpdate}` : ''}`;
    if (ro.get('validate')?.kind === 'bool' && (ro.get('validate') as { value: boolean }).value === false) ref += ' NOT VALID';
  } else sqlType = columnType(type, opts);
  if (!sqlType) {
    w.notes.push({
      ruleId: 'unsupported-framework-construct',
      severity: 'info',
      message: `the type of column ${name} is not one migralint can read; the column was not linted.`,
      span: { start: type?.start ?? 0, end: type?.end ?? 0 },
    });
    return undefined;
  }
  let def = `${ident(name)} ${sqlType}${ref}`;
  const dflt = opts.get('default');
  if (dflt) {
    const lit = literal(w.src, dflt);
    if (lit !== undefined) def += ` DEFAULT ${lit}`;
  }
  const nul = opts.get('null');
  if (nul?.kind === 'bool') def += nul.value ? ' NULL' : ' NOT NULL';
  return def;
}

function push(w: Walk, stmt: ExNode, sql: string, call: string, index?: Call): void {
  const origin: EctoOrigin = { stmt, index, info: w.info };
  w.items.push({
    kind: 'operation',
    sql,
    span: { start: stmt.start, end: stmt.end },
    exec: { ...w.exec },
    call,
    origin: origin as unknown as Record<string, unknown>,
  });
}

function sqlItem(w: Walk, stmt: ExNode, arg: ExNode | undefined, what: string): void {
  if (!arg) return;
  if (arg.kind !== 'string') {
    w.notes.push({
      ruleId: 'unsupported-framework-construct',
      severity: 'info',
      message: `${what}: the SQL is built at run time (a variable or a function call); migralint cannot read it and did not lint it.`,
      span: { start: arg.start, end: arg.end },
    });
    return;
  }
  const origin: EctoOrigin = { stmt, info: w.info };
  w.items.push({
    kind: 'sql',
    text: arg.value.text,
    segments: arg.value.segments,
    exec: { ...w.exec, oneQuery: true },
    origin: origin as unknown as Record<string, unknown>,
  });
}

/** `create table(:t) do … end`: the columns, then `PRIMARY KEY`. */
function createTable(w: Walk, stmt: Call, t: Call, ifNotExists: boolean): void {
  const table = tableOf(t)!;
  const topts = keywordsOf(t);
  const cols: string[] = [];
  const pk: string[] = [];
  const pkOpt = topts.get('primary_key');
  if (!(pkOpt?.kind === 'bool' && !pkOpt.value)) {
    // The default primary key: `id bigserial` (the repo's migration_primary_key may say otherwise).
    const custom = pkOpt?.kind === 'keywords' ? new Map(pkOpt.pairs.map((p) => [p.key, p.value])) : undefined;
    const idName = nameOf(custom?.get('name')) ?? 'id';
    cols.push(`${ident(idName)} ${columnType(custom?.get('type'), new Map()) ?? 'bigserial'}`);
    pk.push(idName);
  }
  for (const s of stmt.block ?? []) {
    if (s.kind !== 'call') continue;
    const args = positional(s);
    const opts = keywordsOf(s);
    if (s.name === 'add' || s.name === 'add_if_not_exists') {
      const name = nameOf(args[0]);
      if (!name) continue;
      const def = columnDef(w, table.name, name, args[1], opts);
      if (def) cols.push(def);
      if (opts.get('primary_key')?.kind === 'bool' && (opts.get('primary_key') as { value: boolean }).value) pk.push(name);
    } else if (s.name === 'timestamps') {
      const type = opts.get('type') ?? { kind: 'atom' as const, value: 'naive_datetime', start: 0, end: 0 };
      for (const n of [nameOf(opts.get('inserted_at')) ?? 'inserted_at', nameOf(opts.get('updated_at')) ?? 'updated_at']) {
        cols.push(`${ident(n)} ${columnType(type, new Map())} NOT NULL${opts.get('default') ? ` DEFAULT ${literal(w.src, opts.get('default'))}` : ''}`);
      }
    }
  }
  if (pk.length) cols.push(`PRIMARY KEY (${pk.map(ident).join(', ')})`);
  push(w, stmt, `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${table.sql} (${cols.join(', ')})`, stmt.name);
}

/** `alter table(:t) do add …; modify …; remove … end`: one ALTER TABLE with each change, as Ecto sends it. */
function alterTable(w: Walk, stmt: Call, t: Call): void {
  const table = tableOf(t)!;
  const changes: string[] = [];
  for (const s of stmt.block ?? []) {
    if (s.kind !== 'call') continue;
    const args = positional(s);
    const opts = keywordsOf(s);
    if (s.name === 'timestamps') {
      const type = columnType(opts.get('type') ?? { kind: 'atom', value: 'naive_datetime', start: 0, end: 0 }, new Map());
      for (const n of [nameOf(opts.get('inserted_at')) ?? 'inserted_at', nameOf(opts.get('updated_at')) ?? 'updated_at'])
        changes.push(`ADD COLUMN ${ident(n)} ${type} NOT NULL`);
      continue;
    }
    const name = nameOf(args[0]);
    if (!name) {
      unread(w, s, `${s.name} in alter table`);
      continue;
    }
    if (s.name === 'add' || s.name === 'add_if_not_exists') {
      const def = columnDef(w, table.name, name, args[1], opts);
      if (def) changes.push(`ADD COLUMN ${s.name === 'add_if_not_exists' ? 'IF NOT EXISTS ' : ''}${def}`);
    } else if (s.name === 'modify') {
      const type = args[1];
      if (type?.kind === 'call' && type.name === 'references') {
        const def = columnDef(w, table.name, name, type, new Map());
        const m = def ? / (bigint|integer|uuid|[\w()]+) CONSTRAINT (".*?") (REFERENCES .*)$/.exec(def) : null;
        // from: references(…): Ecto drops the old foreign key first.
        const from = opts.get('from');
        if (m && from?.kind === 'call' && from.name === 'references')
          changes.push(`DROP CONSTRAINT ${ident(nameOf(keywordsOf(from).get('name')) ?? `${table.name}_${name}_fkey`)}`);
        if (m) changes.push(`ALTER COLUMN ${ident(name)} TYPE ${m[1]}`, `ADD CONSTRAINT ${m[2]} FOREIGN KEY (${ident(name)}) ${m[3]}`);
      } else {
        const sqlType = columnType(type, opts);
        if (sqlType) changes.push(`ALTER COLUMN ${ident(name)} TYPE ${sqlType}`);
      }
      const nul = opts.get('null');
      if (nul?.kind === 'bool') changes.push(`ALTER COLUMN ${ident(name)} ${nul.value ? 'DROP' : 'SET'} NOT NULL`);
      if (opts.has('default')) {
        const lit = literal(w.src, opts.get('default'));
        if (lit !== undefined) changes.push(lit === 'NULL' ? `ALTER COLUMN ${ident(name)} DROP DEFAULT` : `ALTER COLUMN ${ident(name)} SET DEFAULT ${lit}`);
      }
    } else if (s.name === 'remove' || s.name === 'remove_if_exists') {
      changes.push(`DROP COLUMN ${s.name === 'remove_if_exists' ? 'IF EXISTS ' : ''}${ident(name)}`);
    }
  }
  if (changes.length) push(w, stmt, `ALTER TABLE ${table.sql} ${changes.join(', ')}`, 'alter');
}

/** `index(:t, [:a, :b], unique: true, concurrently: true, where: "…", using: :gin, name: :x)`. */
function indexParts(idx: Call): { table: string; sqlTable: string; name: string; columns: string[]; opts: Map<string, ExNode> } | undefined {
  const args = positional(idx);
  const table = nameOf(args[0]);
  const opts = keywordsOf(idx);
  const colsNode = args[1];
  const columns =
    colsNode?.kind === 'list'
      ? colsNode.items.map((c) => (c.kind === 'atom' ? ident(c.value) : c.kind === 'string' ? c.value.text : undefined))
      : colsNode
        ? [nameOf(colsNode) && ident(nameOf(colsNode)!)]
        : [];
  if (!table || columns.some((c) => c === undefined)) return undefined;
  const plain = (colsNode?.kind === 'list' ? colsNode.items : colsNode ? [colsNode] : []).map((c) =>
    c.kind === 'atom' ? c.value : c.kind === 'string' ? c.value.text.replace(/\W+/g, '_').replace(/^_|_$/g, '') : '',
  );
  const name = nameOf(opts.get('name')) ?? [table, ...plain, 'index'].join('_');
  const prefix = nameOf(opts.get('prefix'));
  return { table, sqlTable: prefix ? `${ident(prefix)}.${ident(table)}` : ident(table), name, columns: columns as string[], opts };
}

const isTrue = (n: ExNode | undefined) => n?.kind === 'bool' && n.value;

function statement(w: Walk, s: ExNode): void {
  if (s.kind === 'opaque') {
    // A query piped into the repo (`from(o in "orders", update: …) |> repo().update_all([])`): SQL Ecto builds at run time.
    const piped = /\|>\s*((?:[A-Z][\w.]*\.)?Repo|repo\(\))\.(\w+[!?]?)/.exec(w.src.slice(s.start, s.end));
    if (piped) unread(w, s, `${piped[1]}.${piped[2]}`);
    return;
  }
  if (s.kind !== 'call') return;
  const args = positional(s);
  const first = args[0];
  switch (s.name) {
    case 'execute':
      if (s.receiver) return;
      // execute "up", "down": the first runs on the way up.
      return sqlItem(w, s, first, 'execute');
    case 'query':
    case 'query!':
      if (s.receiver === 'repo()' || /Repo$/.test(s.receiver ?? '')) return sqlItem(w, s, first, `${s.receiver}.${s.name}`);
      return;
    case 'create':
    case 'create_if_not_exists': {
      if (first?.kind !== 'call') return;
      if (first.name === 'table' && tableOf(first)) return createTable(w, s, first, s.name === 'create_if_not_exists');
      if (first.name === 'index' || first.name === 'unique_index') {
        const p = indexParts(first);
        if (!p) return;
        const unique = first.name === 'unique_index' || isTrue(p.opts.get('unique'));
        const using = nameOf(p.opts.get('using'));
        const where = p.opts.get('where');
        const include = p.opts.get('include');
        let sql = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${isTrue(p.opts.get('concurrently')) ? 'CONCURRENTLY ' : ''}${s.name === 'create_if_not_exists' ? 'IF NOT EXISTS ' : ''}${ident(p.name)} ON ${p.sqlTable}${using ? ` USING ${using}` : ''} (${p.columns.join(', ')})`;
        if (include?.kind === 'list') sql += ` INCLUDE (${include.items.map((c) => ident(nameOf(c) ?? '')).join(', ')})`;
        if (where?.kind === 'string') sql += ` WHERE ${where.value.text}`;
        return push(w, s, sql, `${s.name} ${first.name}`, first);
      }
      if (first.name === 'constraint') {
        const table = nameOf(positional(first)[0]);
        const name = nameOf(positional(first)[1]);
        const o = keywordsOf(first);
        const check = o.get('check');
        const exclude = o.get('exclude');
        if (!table || !name) return;
        const body = check?.kind === 'string' ? `CHECK (${check.value.text})` : exclude?.kind === 'string' ? `EXCLUDE USING ${exclude.value.text}` : undefined;
        if (!body) return;
        const notValid = o.get('validate')?.kind === 'bool' && !(o.get('validate') as { value: boolean }).value;
        return push(w, s, `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(name)} ${body}${notValid ? ' NOT VALID' : ''}`, 'create constraint');
      }
      return;
    }
    case 'drop':
    case 'drop_if_exists': {
      if (first?.kind !== 'call') return;
      const ifExists = s.name === 'drop_if_exists' ? 'IF EXISTS ' : '';
      if (first.name === 'table' && tableOf(first)) return push(w, s, `DROP TABLE ${ifExists}${tableOf(first)!.sql}`, s.name);
      if (first.name === 'index' || first.name === 'unique_index') {
        const p = indexParts(first);
        if (!p) return;
        const prefix = nameOf(p.opts.get('prefix'));
        return push(
          w,
          s,
          `DROP INDEX ${isTrue(p.opts.get('concurrently')) ? 'CONCURRENTLY ' : ''}${ifExists}${prefix ? `${ident(prefix)}.` : ''}${ident(p.name)}`,
          `${s.name} index`,
          first,
        );
      }
      if (first.name === 'constraint') {
        const table = nameOf(positional(first)[0]);
        const name = nameOf(positional(first)[1]);
        if (table && name) return push(w, s, `ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ifExists}${ident(name)}`, 'drop constraint');
      }
      return;
    }
    case 'alter':
      if (first?.kind === 'call' && tableOf(first)) return alterTable(w, s, first);
      return;
    case 'rename': {
      const t = tableOf(first);
      const o = keywordsOf(s);
      const to = o.get('to');
      if (!t || !to) return;
      if (to.kind === 'call' && tableOf(to)) return push(w, s, `ALTER TABLE ${t.sql} RENAME TO ${ident(tableOf(to)!.name)}`, 'rename table');
      const from = nameOf(args[1]);
      if (from && nameOf(to)) return push(w, s, `ALTER TABLE ${t.sql} RENAME ${ident(from)} TO ${ident(nameOf(to)!)}`, 'rename column');
      return;
    }
  }
  // A function of the migration module (defp fixup(table) …) or of a library (Oban.Migrations.up()): its SQL
  // depends on its arguments, and migralint does not follow it.
  if (s.receiver && /^[A-Z]/.test(s.receiver) && !s.block) return unread(w, s, `${s.receiver}.${s.name}`);
  if (!s.receiver && w.localFunctions.has(s.name)) return unread(w, s, s.name);
  // Blocks (if …, for …, Enum.each … do … end): the statements inside.
  for (const b of s.block ?? []) statement(w, b);
}

function unread(w: Walk, s: ExNode, what: string): void {
  w.notes.push({
    ruleId: 'unsupported-framework-construct',
    severity: 'info',
    message: `${what}: a function call whose SQL migralint cannot read; it was not linted.`,
    span: { start: s.start, end: s.end },
  });
}

function ectoDirectives(src: string, stmts: ExNode[]): Directive[] {
  return statementDirectives(src, '#', () => stmts);
}

export function extractEcto(file: SourceFile, ctx: ExtractContext): MigrationUnit {
  const src = file.text;
  const notes: AdapterNote[] = [];
  const items: UnitItem[] = [];
  let top: ExNode[];
  try {
    top = parseElixir(src);
  } catch (e) {
    if (!(e instanceof ElixirSyntaxError)) throw e;
    const lineEnd = src.indexOf('\n', e.offset);
    notes.push({
      ruleId: 'parse-error',
      severity: 'error',
      message: `Elixir migration migralint cannot read (${e.message}): findings in this file may be missing.`,
      span: { start: Math.min(e.offset, src.length), end: Math.max(Math.min(e.offset + 1, src.length), lineEnd < 0 ? src.length : lineEnd) },
    });
    return { file, framework: 'ecto', items, directives: scanLineDirectives(src, '#'), notes };
  }
  const mod = top.find((n): n is Call => n.kind === 'call' && n.name === 'defmodule');
  const body = mod?.block ?? [];
  const attr = (name: string) => body.some((n) => n.kind === 'attribute' && n.name === name && n.value?.kind === 'bool' && n.value.value);
  const info: EctoInfo = {
    use: body.find((n): n is Call => n.kind === 'call' && n.name === 'use'),
    disableDdlTransaction: attr('disable_ddl_transaction'),
    disableMigrationLock: attr('disable_migration_lock'),
  };
  const exec: ExecutionContext = info.disableDdlTransaction
    ? { wrapped: false, reason: OPTED_OUT, oneQuery: false }
    : { wrapped: true, reason: WRAPPED, oneQuery: false };
  const defs = body.filter((n): n is Call => n.kind === 'call' && n.name === 'def');
  const helpers = body
    .filter((n): n is Call => n.kind === 'call' && (n.name === 'defp' || n.name === 'def'))
    .map((d) => (d.args[0]?.kind === 'call' ? d.args[0].name : ''));
  const w: Walk = { src, items, notes, info, exec, localFunctions: new Set(helpers.filter((h) => !['change', 'up', 'down'].includes(h))) };
  const fn = (name: string) =>
    defs.filter((d) => {
      const a = d.args[0];
      return a?.kind === 'call' && a.name === name;
    });
  const statements: ExNode[] = [];
  const run = (d: Call, separate: boolean) => {
    const start = items.length;
    // def up, do: execute("…") puts the body in the keyword list.
    const inline = keywordsOf(d).get('do');
    for (const s of d.block ?? (inline ? [inline] : [])) {
      statements.push(s);
      statement(w, s);
    }
    if (separate && items[start]) items[start]!.exec = { ...items[start]!.exec, separateRun: true };
  };
  for (const d of [...fn('change'), ...fn('up')]) run(d, false);
  if (ctx.settings.includeDown) for (const d of fn('down')) run(d, true);
  if (info.disableDdlTransaction && !info.disableMigrationLock && items.some((i) => /\bCONCURRENTLY\b/i.test(i.kind === 'sql' ? i.text : i.sql))) {
    const at = info.use ?? mod;
    notes.push({
      ruleId: 'framework-config',
      severity: 'warn',
      message:
        'A concurrent index build without @disable_migration_lock true: Ecto holds its migration lock (LOCK TABLE schema_migrations) in a transaction on another connection for the whole migration, and the build waits for that transaction to end, which it never does. Add @disable_migration_lock true (or use migration_lock: :pg_advisory_lock in the repo config).',
      span: { start: at?.start ?? 0, end: at?.end ?? 0 },
    });
  }
  return { file, framework: 'ecto', items, directives: ectoDirectives(src, statements), notes };
}
