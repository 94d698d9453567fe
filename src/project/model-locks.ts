/**
 * Locks PostgreSQL takes on relations a statement does not name, which only the schema model can tell: the
 * other side of a foreign key, the referencing tables of a dropped table, the table of a dropped index, the
 * partitions of a partitioned table. Each claim is proved on a real server in test/project/model.pg.test.ts.
 */
import type { Node, RangeVar } from '@pgsql/types';
import { effectOfStatement, type LockClaim } from '../analysis/locks.js';
import { alterCmds, rangeVarOf, statementNode, strings, unwrap, unwrapAll, type StatementNode } from '../sql/nodes.js';
import type { LockMode, QualifiedName } from '../types.js';
import type { Replay } from './replay.js';
import { referencingTables } from './replay.js';
import { objectKey } from './model.js';

function fromKey(key: string): QualifiedName {
  const dot = key.indexOf('.');
  const schema = key.slice(0, dot);
  const name = key.slice(dot + 1);
  return schema === 'public' ? { name } : { schema, name };
}

function rvKey(v: Node | RangeVar | undefined): string | undefined {
  const r = rangeVarOf(v);
  return typeof r?.relname === 'string' ? objectKey(r.schemaname, r.relname) : undefined;
}

/**
 * The extra claims, before the statement changes the model. `node` is the statement's node as parsed (`kind`'s
 * fields). A tree or model shape this code does not expect throws: the analysis reports it on the statement.
 */
export function modelLocks(kind: string, node: unknown, replay: Replay): LockClaim[] {
  return modelLocksOf(statementNode({ [kind]: node } as Node, kind), replay);
}

/** The extra claims for a statement of the pipeline (`{ kind, node }`). */
export function modelLocksOf(s: StatementNode, replay: Replay, pgVersion = 18): LockClaim[] {
  return [...otherSides(s, replay), ...partitionsOf(s, replay, pgVersion)];
}

/** ALTER TABLE subcommands PostgreSQL runs on every partition too (proved in test/project/model.pg.test.ts). */
const RECURSING = new Set<string | undefined>(['AT_AddColumn', 'AT_AlterColumnType', 'AT_SetNotNull']);

/** The keys of the partitioned tables a statement acts on together with their partitions (no ONLY). */
function recursingTables(s: StatementNode): string[] {
  const inh = (r: Node | RangeVar | undefined) => rangeVarOf(r)?.inh === true;
  switch (s.kind) {
    case 'AlterTableStmt': {
      const all = alterCmds(s).every(
        (c) => RECURSING.has(c.subtype) || (c.subtype === 'AT_AddConstraint' && unwrap(c.def, 'Constraint')?.contype === 'CONSTR_CHECK'),
      );
      return s.node.objtype === 'OBJECT_TABLE' && inh(s.node.relation) && all ? [rvKey(s.node.relation)].filter((k): k is string => k !== undefined) : [];
    }
    case 'IndexStmt':
      return inh(s.node.relation) && !s.node.concurrent ? [rvKey(s.node.relation)].filter((k): k is string => k !== undefined) : [];
    case 'TruncateStmt':
    case 'LockStmt':
      return (s.node.relations ?? [])
        .filter(inh)
        .map(rvKey)
        .filter((k): k is string => k !== undefined);
    case 'DropStmt':
      // DROP TABLE drops the partitions too, each under ACCESS EXCLUSIVE (there is no ONLY for DROP).
      if (s.node.removeType !== 'OBJECT_TABLE') return [];
      return unwrapAll(s.node.objects, 'List').flatMap((l) => {
        const parts = strings(l.items);
        return parts.length ? [objectKey(parts.length >= 2 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]!)] : [];
      });
    default:
      return [];
  }
}

/**
 * A statement on a partitioned table the model knows, without ONLY, locks each partition (and theirs) in the mode
 * it locks the table: ALTER TABLE ADD COLUMN / ALTER COLUMN TYPE / SET NOT NULL / ADD CHECK, CREATE INDEX,
 * TRUNCATE, LOCK TABLE, and DROP TABLE.
 */
function partitionsOf(s: StatementNode, replay: Replay, pgVersion: number): LockClaim[] {
  const tables = recursingTables(s);
  // Only a partitioned table the model knows has partitions to claim: the statement's own locks (the lock table's, which
  // the lock pass has computed already) are read only then.
  if (!tables.some((key) => replay.get('tables', key)?.partitioned)) return [];
  const out: LockClaim[] = [];
  for (const l of effectOfStatement(s, { pgVersion }).locks) {
    const key = objectKey(l.relation.schema, l.relation.name);
    if (l.on !== 'table' || !tables.includes(key) || !replay.get('tables', key)?.partitioned) continue;
    const queue = [key];
    while (queue.length) {
      const parent = queue.shift()!;
      for (const [k, t] of replay.entries('tables')) {
        if (t.partitionOf !== parent) continue;
        out.push({ relation: fromKey(k), mode: l.mode, on: 'table' });
        if (t.partitioned) queue.push(k);
      }
    }
  }
  return out;
}

/** Claims on the other side of a foreign key, a domain's tables, a dropped schema's tables, a dropped index's table. */
function otherSides(s: StatementNode, replay: Replay): LockClaim[] {
  const out: LockClaim[] = [];
  const claim = (key: string, mode: LockMode) => out.push({ relation: fromKey(key), mode, on: 'table' });
  if (s.kind === 'AlterTableStmt' && s.node.objtype === 'OBJECT_TABLE') {
    const n = s.node;
    const tk = rvKey(n.relation);
    const t = tk ? replay.get('tables', tk) : undefined;
    if (!tk || !t) return out;
    for (const c of unwrapAll(n.cmds, 'AlterTableCmd')) {
      if (c.subtype === 'AT_DropConstraint') {
        const con = t.constraints.find((k) => k.name === c.name);
        if (con?.kind === 'foreign' && con.references && con.references.table !== tk) claim(con.references.table, 'AccessExclusiveLock');
      } else if (c.subtype === 'AT_ValidateConstraint') {
        const con = t.constraints.find((k) => k.name === c.name);
        if (con?.kind === 'foreign' && con.references && con.references.table !== tk) claim(con.references.table, 'RowShareLock');
      } else if (c.subtype === 'AT_AlterColumnType' && c.name) {
        const column = c.name;
        // The foreign keys on the column are rebuilt: their other table is locked ACCESS EXCLUSIVE too.
        for (const con of t.constraints) {
          if (con.kind === 'foreign' && con.references && con.columns.includes(column) && con.references.table !== tk)
            claim(con.references.table, 'AccessExclusiveLock');
        }
        // keysWhere, not entries(): no iterator result and key-value pair per table of the catalog for each such command.
        const referencing: string[] = replay.keysWhere('tables', (rt): boolean =>
          rt.constraints.some((con) => con.kind === 'foreign' && con.references?.table === tk && con.references.columns.includes(column)),
        );
        for (const rk of referencing) if (rk !== tk) claim(rk, 'AccessExclusiveLock');
      }
    }
  } else if (s.kind === 'AlterDomainStmt' && ((s.node.subtype === 'C' && !unwrap(s.node.def, 'Constraint')?.skip_validation) || s.node.subtype === 'O')) {
    // ADD CONSTRAINT (unless NOT VALID) and SET NOT NULL check every column of the domain: SHARE on each table
    // with such a column (columns of arrays of the domain are not claimed).
    const parts = strings(s.node.typeName).filter(Boolean);
    const name = parts[parts.length - 1];
    if (!name) return out;
    const mode: LockMode = 'ShareLock';
    for (const [key, t] of replay.entries('tables')) {
      if (t.columns.some((c) => c.type.name === name && !c.type.array)) claim(key, mode);
    }
  } else if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_SCHEMA' && s.node.behavior === 'DROP_CASCADE') {
    // DROP SCHEMA … CASCADE drops every table in it: ACCESS EXCLUSIVE on each.
    const schemas = new Set(strings(s.node.objects).filter(Boolean));
    for (const [key, t] of replay.entries('tables')) if (schemas.has(t.schema)) claim(key, 'AccessExclusiveLock');
  } else if (s.kind === 'DropStmt' && (s.node.removeType === 'OBJECT_TABLE' || s.node.removeType === 'OBJECT_INDEX')) {
    const n = s.node;
    for (const o of n.objects ?? []) {
      const parts = strings(unwrap(o, 'List')?.items).filter(Boolean);
      if (parts.length === 0) continue;
      const key = objectKey(parts.length >= 2 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]!);
      if (n.removeType === 'OBJECT_INDEX') {
        const ix = replay.get('indexes', key);
        if (ix) claim(ix.table, n.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock');
      } else if (n.behavior === 'DROP_CASCADE') {
        for (const r of referencingTables(replay, key)) claim(r, 'AccessExclusiveLock');
      }
    }
  }
  return out;
}
