/**
 * PostgreSQL's parse tree, typed: the node types of @pgsql/types (generated from PostgreSQL's own headers, installed
 * with libpg-query), and narrow helpers for the few shapes rules and the analysis match on.
 */
import type { Node } from '@pgsql/types';

type KeysOf<T> = T extends unknown ? keyof T : never;

/** Every node type name: 'IndexStmt', 'AlterTableStmt', 'ColumnDef' … */
export type NodeKind = KeysOf<Node>;

/** The fields of the node type `K`. */
export type NodeOf<K extends NodeKind> = Extract<Node, { [P in K]: unknown }>[K];

/** `{ kind, node }` for every node type: checking `kind` narrows `node`. */
export type StatementNode = { [K in NodeKind]: { kind: K; node: NodeOf<K> } }[NodeKind];

export type { Node };

import type { AlterTableCmd, ColumnDef, Constraint, DefElem, RangeVar } from '@pgsql/types';

/** The fields of `node` when it is a `kind` node (`{ ColumnDef: {...} }` → the ColumnDef), else undefined. */
export function unwrap<K extends NodeKind>(node: Node | null | undefined, kind: K): NodeOf<K> | undefined {
  if (!node || typeof node !== 'object' || !(kind in node)) return undefined;
  return (node as unknown as Record<K, NodeOf<K>>)[kind];
}

/** Every `kind` node of a list, unwrapped: the AlterTableCmds of `cmds`, the Constraints of `constraints`. */
export function unwrapAll<K extends NodeKind>(nodes: Node[] | null | undefined, kind: K): Array<NodeOf<K>> {
  const out: Array<NodeOf<K>> = [];
  for (const n of nodes ?? []) {
    const x = unwrap(n, kind);
    if (x) out.push(x);
  }
  return out;
}

/** The relation a statement acts on, for the statement kinds that name one (`relation`), else undefined. */
export function relationOf(s: StatementNode): RangeVar | undefined {
  const node: object | undefined = s.node;
  return node && 'relation' in node ? ((node as { relation?: RangeVar }).relation ?? undefined) : undefined;
}

/** The AlterTableCmd nodes of an ALTER TABLE statement (none for other statements). */
export function alterCmds(s: StatementNode): AlterTableCmd[] {
  return s.kind === 'AlterTableStmt' ? unwrapAll(s.node.cmds, 'AlterTableCmd') : [];
}

/** The constraints declared on a column definition. */
export function columnConstraints(col: ColumnDef | undefined): Constraint[] {
  return unwrapAll(col?.constraints, 'Constraint');
}

/** The strings of a name list (`{ String: { sval } }` items), or of a `{ List: { items } }` node. */
export function strings(list: Node[] | Node | null | undefined): string[] {
  const items = Array.isArray(list) ? list : (unwrap(list, 'List')?.items ?? []);
  return items.map((i) => unwrap(i, 'String')?.sval).filter((x): x is string => typeof x === 'string');
}

/** A statement node as `{ kind, node }`: `stmt` is `{ [kind]: fields }`, as PostgreSQL's parser gives it. */
export function statementNode(stmt: Node, kind: string): StatementNode {
  return { kind, node: (stmt as Record<string, unknown>)[kind] } as StatementNode;
}

/** A RangeVar given bare (a `relation` field) or wrapped as a node (`{ RangeVar: {...} }`, in lists). */
export function rangeVarOf(x: Node | RangeVar | null | undefined): RangeVar | undefined {
  if (!x || typeof x !== 'object') return undefined;
  return 'RangeVar' in x ? x.RangeVar : (x as RangeVar);
}

/** The DefElems of an option list (`WITH (…)`, `(CONCURRENTLY)`, subscription options). */
export function defElems(options: Node[] | null | undefined): DefElem[] {
  return unwrapAll(options, 'DefElem');
}
