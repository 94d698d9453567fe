import { ident, qualified } from './common.js';
import { stringValue, type Resolver } from './strings.js';
import { callArgs, child, dottedName, namedChildren, textOf, type PyNode } from './tree.js';

/**
 * SQLAlchemy Core statements on a table the revision declares (`t = sa.table("queries", sa.column("schedule"))`,
 * `sa.Table("queries", metadata, …)`), as the SQL they send: `t.select()`, `t.update().where(…).values(…)`,
 * `t.delete().where(…)`, `t.insert().values(…)`. Values and conditions are parameters: what matters to a lock is
 * the table, the kind of statement, the columns written and whether there is a WHERE.
 */

const TABLE_CALLS = new Set(['table', 'sa.table', 'sqlalchemy.table', 'sa.sql.table', 'sql.table', 'Table', 'sa.Table', 'sqlalchemy.Table']);
const CHAIN = new Set(['select', 'update', 'delete', 'insert', 'where', 'filter', 'values', 'returning', 'execution_options', 'order_by', 'limit']);

/** The SQL of a Core statement on a declared table, or null when `node` is not one migralint can read. */
export function coreStatementSql(src: string, node: PyNode | undefined, resolver: Resolver): string | null {
  const methods: Array<{ name: string; call: PyNode }> = [];
  let n = node;
  while (n?.type === 'call') {
    const fn = child(n, 'function');
    if (fn?.type !== 'attribute') return null;
    const name = textOf(src, child(fn, 'attribute')!);
    if (!CHAIN.has(name)) return null;
    methods.unshift({ name, call: n });
    n = child(fn, 'object');
  }
  if (n?.type !== 'identifier' || methods.length === 0) return null;
  const declared = resolver.lookup(textOf(src, n), n);
  if (declared?.type !== 'call' || !TABLE_CALLS.has(dottedName(src, child(declared, 'function')) ?? '')) return null;
  const targs = callArgs(src, declared);
  const name = stringValue(src, targs.positional[0], resolver);
  if (!name) return null;
  const schemaNode = targs.keywords.get('schema');
  const schema = schemaNode ? stringValue(src, schemaNode, resolver) : undefined;
  if (schemaNode && !schema) return null;
  const table = schema ? `${ident(schema)}.${ident(name)}` : qualified(name);

  const kind = methods[0]!.name;
  const where =
    methods.some((m) => m.name === 'where' || m.name === 'filter') ||
    (kind !== 'insert' && callArgs(src, methods[0]!.call).positional.length > 0 && kind !== 'select');
  let p = 0;
  const param = () => `$${++p}`;
  // Columns written: values(a=…, b=…) or values({"a": …}).
  const written: string[] = [];
  for (const m of methods.filter((x) => x.name === 'values')) {
    const a = callArgs(src, m.call);
    for (const k of a.keywords.keys()) written.push(k);
    for (const d of a.positional) {
      if (d.type !== 'dictionary') return null;
      for (const pair of namedChildren(d)) {
        if (pair.type !== 'pair') return null;
        const key = stringValue(src, child(pair, 'key'), resolver);
        if (!key) return null;
        written.push(key);
      }
    }
    if (a.splat) return null;
  }
  switch (kind) {
    case 'select':
      return `SELECT * FROM ${table}${where ? ` WHERE ${param()}` : ''}`;
    case 'delete':
      return `DELETE FROM ${table}${where ? ` WHERE ${param()}` : ''}`;
    case 'update':
      if (written.length === 0) return null;
      return `UPDATE ${table} SET ${written.map((c) => `${ident(c)} = ${param()}`).join(', ')}${where ? ` WHERE ${param()}` : ''}`;
    case 'insert':
      if (written.length === 0) return null;
      return `INSERT INTO ${table} (${written.map(ident).join(', ')}) VALUES (${written.map(() => param()).join(', ')})`;
    default:
      return null;
  }
}
