/**
 * The lock table: which locks a statement takes, whether it may run in a transaction block, whether it rewrites
 * or scans the table — from the SQL alone. Every claim here is proved on a real PostgreSQL by
 * test/locks.pg.test.ts over the cases in test/lock-cases.ts (test data, not shipped).
 *
 * Sources: PostgreSQL's "Explicit Locking" chapter (the conflict table) and AlterTableGetLockLevel() in
 * src/backend/commands/tablecmds.c; where they disagree with the server, the server wins.
 *
 * What the SQL alone cannot tell, and so is not claimed here (the analysis adds it when it knows the objects):
 * - partitions of a locked partitioned table (PostgreSQL locks them in the same mode);
 * - the table of an index named by DROP INDEX / REINDEX INDEX (locked too, in the index's mode or SHARE);
 * - the referenced table of a foreign key being dropped (ALTER TABLE … DROP CONSTRAINT fk, DROP TABLE … CASCADE:
 *   ACCESS EXCLUSIVE on it too) or validated (VALIDATE CONSTRAINT: ROW SHARE on it);
 * - whether ALTER COLUMN TYPE is binary-coercible (varchar(n) → text keeps the file): it is claimed as a rewrite.
 */
import type { AlterTableStmt, ColumnDef, Constraint, Node, RangeVar, SelectStmt } from '@pgsql/types';
import type { ColumnRewrite, LockMode, QualifiedName } from '../types.js';
import { columnConstraints, defElems, rangeVarOf, statementNode, strings, unwrap, unwrapAll, type StatementNode } from '../sql/nodes.js';

export type { ColumnRewrite };

export interface LockClaim {
  mode: LockMode;
  relation: QualifiedName;
  on: 'table' | 'index' | 'view' | 'sequence' | 'other';
}

export interface StatementEffect {
  /** The locks the statement takes, the strongest per relation, in the order the relations appear. */
  locks: LockClaim[];
  /** PostgreSQL refuses it inside a transaction block. */
  nonTransactional: boolean;
  /**
   * Rewrites the table's heap: a full copy under the lock (new relfilenode). Not TRUNCATE (a new empty file)
   * and not index rebuilds (REINDEX, ALTER INDEX SET TABLESPACE).
   */
  rewrite: boolean;
  /** Reads the whole table while holding its lock: validation (FK, CHECK, NOT NULL, partition bound), index build. */
  scan: boolean;
  /**
   * Plain SELECTs on the table wait too, whatever its lock mode lets through: REINDEX holds ACCESS EXCLUSIVE on the
   * table's indexes, and planning any query on a table locks every index of it.
   */
  blocksReads?: boolean;
  /** ADD COLUMNs that write the new column into every row, and why (the reason `rewrite` is set for them). */
  columnRewrites?: ColumnRewrite[];
}

// ── the conflict table ──────────────────────────────────────────────────────────────────────────

/** The table lock modes, weakest first (the order of PostgreSQL's conflict table). */
export const LOCK_MODES: readonly LockMode[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

/** 1 (ACCESS SHARE) … 8 (ACCESS EXCLUSIVE): the order of LOCK_MODES. */
export const LOCK_STRENGTH = Object.fromEntries(LOCK_MODES.map((m, i) => [m, i + 1])) as Record<LockMode, number>;

/** PostgreSQL's table of conflicting lock modes ("Explicit Locking", table 13.2): the modes each mode conflicts with. */
export const LOCK_CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ExclusiveLock: ['RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  AccessExclusiveLock: [...LOCK_MODES],
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return LOCK_CONFLICTS[a].includes(b);
}

/** 'ShareUpdateExclusiveLock' → 'SHARE UPDATE EXCLUSIVE' (the words of LOCK TABLE … IN … MODE). */
export function lockLabel(mode: LockMode): string {
  return LABELS[mode];
}

const LABELS = Object.fromEntries(
  LOCK_MODES.map((m) => [
    m,
    m
      .replace(/Lock$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase(),
  ]),
) as Record<LockMode, string>;

/** What ordinary statements take each mode: the words lockBlocks() is built from. */
const TAKEN_BY: Record<LockMode, string[]> = {
  AccessShareLock: ['SELECT'],
  RowShareLock: ['SELECT FOR UPDATE/SHARE'],
  RowExclusiveLock: ['INSERT', 'UPDATE', 'DELETE'],
  ShareUpdateExclusiveLock: ['VACUUM', 'ANALYZE', 'CREATE INDEX CONCURRENTLY'],
  ShareLock: ['CREATE INDEX'],
  ShareRowExclusiveLock: ['CREATE TRIGGER', 'ADD FOREIGN KEY'],
  ExclusiveLock: ['REFRESH MATERIALIZED VIEW CONCURRENTLY'],
  AccessExclusiveLock: ['ALTER TABLE', 'DROP', 'TRUNCATE'],
};
/** Modes taken by everyday traffic and maintenance, named one by one; the rest are schema changes. */
const NAMED_MODES: LockMode[] = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock'];

/**
 * Human words for what waits while `mode` is held, derived from LOCK_CONFLICTS: the statements taking each
 * conflicting mode. When everyday traffic or maintenance is blocked, the schema-change modes are folded into
 * "other schema changes"; "SELECT FOR UPDATE/SHARE" is left out when plain SELECT is already blocked.
 */
export function lockBlocks(mode: LockMode): string[] {
  const blocked = LOCK_MODES.filter((m) => conflicts(mode, m));
  const named = blocked.filter((m) => NAMED_MODES.includes(m));
  if (named.length === 0) return blocked.flatMap((m) => TAKEN_BY[m]);
  const words = named.filter((m) => !(m === 'RowShareLock' && named.includes('AccessShareLock'))).flatMap((m) => TAKEN_BY[m]);
  if (blocked.some((m) => !NAMED_MODES.includes(m))) words.push('other schema changes');
  return words;
}

function stronger(a: LockMode, b: LockMode): LockMode {
  return LOCK_STRENGTH[a] >= LOCK_STRENGTH[b] ? a : b;
}

// ── reading the parse tree ──────────────────────────────────────────────────────────────────────

type On = LockClaim['on'];

class Effect {
  private claims = new Map<string, LockClaim>();
  nonTransactional = false;
  rewrite = false;
  scan = false;
  blocksReads = false;
  columnRewrites: ColumnRewrite[] = [];

  claim(relation: QualifiedName | undefined, mode: LockMode, on: On): void {
    if (!relation || !relation.name) return;
    const key = relation.schema ? `${relation.schema}.${relation.name}` : relation.name;
    const had = this.claims.get(key);
    if (had) had.mode = stronger(had.mode, mode);
    else this.claims.set(key, { mode, relation, on });
  }

  result(): StatementEffect {
    return {
      locks: [...this.claims.values()],
      nonTransactional: this.nonTransactional,
      rewrite: this.rewrite,
      scan: this.scan,
      ...(this.blocksReads ? { blocksReads: true } : {}),
      ...(this.columnRewrites.length ? { columnRewrites: this.columnRewrites } : {}),
    };
  }
}

/** A RangeVar's name (libpg-query gives RangeVars bare in `relation` fields, wrapped in lists). */
function rangeVar(rv: Node | RangeVar | undefined): QualifiedName | undefined {
  const v = rangeVarOf(rv);
  if (!v || typeof v.relname !== 'string') return undefined;
  return v.schemaname ? { schema: v.schemaname, name: v.relname } : { name: v.relname };
}

/** ['app', 'orders'] → { schema: 'app', name: 'orders' }; a leading database name is dropped. */
function qualified(names: string[]): QualifiedName | undefined {
  if (names.length === 0) return undefined;
  const name = names[names.length - 1]!;
  return names.length >= 2 ? { schema: names[names.length - 2]!, name } : { name };
}

/** A DefElem option's boolean value: `(concurrently)` is true, `(concurrently false)` is false. */
function optionOn(options: Node[] | undefined, name: string): boolean {
  for (const d of defElems(options)) {
    if (d.defname !== name) continue;
    if (d.arg === undefined) return true;
    const v = unwrap(d.arg, 'String')?.sval ?? unwrap(d.arg, 'Boolean')?.boolval ?? unwrap(d.arg, 'Integer')?.ival;
    return !(v === false || v === 0 || v === undefined || /^(false|off|no|0)$/i.test(String(v)));
  }
  return false;
}

function objectOn(objtype: string | undefined): On {
  switch (objtype) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
      return 'table';
    case 'OBJECT_INDEX':
      return 'index';
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      return 'view';
    case 'OBJECT_SEQUENCE':
      return 'sequence';
    default:
      return 'other';
  }
}

const RELATION_OBJECTS = new Set<string | undefined>([
  'OBJECT_TABLE',
  'OBJECT_FOREIGN_TABLE',
  'OBJECT_INDEX',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SEQUENCE',
]);
/** Objects named `relation.name` whose commands lock the relation: triggers, rules, policies, constraints. */
const RELATION_MEMBERS = new Set<string | undefined>(['OBJECT_TRIGGER', 'OBJECT_RULE', 'OBJECT_POLICY', 'OBJECT_TABCONSTRAINT']);

interface Read {
  relation: QualifiedName;
  /** The name the query uses for it: its alias, or its own name. */
  ref: string;
}

/** Every relation read by a query (FROM items, subqueries, MERGE sources), except CTE names. */
function readRelations(tree: unknown): Read[] {
  const found: Read[] = [];
  const ctes = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const node = n as Node;
    // Constants and column references hold no relation: an INSERT's VALUES rows are mostly these.
    if ('A_Const' in node || 'ColumnRef' in node) return;
    const cte = unwrap(node, 'CommonTableExpr')?.ctename;
    if (cte) ctes.add(cte);
    const rv = unwrap(node, 'RangeVar');
    if (rv) {
      const r = rangeVar(rv);
      if (r) found.push({ relation: r, ref: rv.alias?.aliasname ?? r.name });
      return;
    }
    // for-in, not Object.values: no array per node of a large query's tree.
    for (const k in n) walk((n as Record<string, unknown>)[k]);
  };
  walk(tree);
  return found.filter((r) => r.relation.schema !== undefined || !ctes.has(r.relation.name));
}

function claimReads(effect: Effect, tree: unknown): void {
  for (const r of readRelations(tree)) effect.claim(r.relation, 'AccessShareLock', 'table');
}

// ── volatility of defaults (ADD COLUMN … DEFAULT) ───────────────────────────────────────────────

/** Built-in functions that are immutable or stable: a default calling only these is evaluated once (PG 11+). */
const NON_VOLATILE_FUNCTIONS = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_date',
  'current_time',
  'current_timestamp',
  'localtime',
  'localtimestamp',
  'current_setting',
  'current_user',
  'session_user',
  'current_database',
  'current_schema',
  'lower',
  'upper',
  'length',
  'char_length',
  'concat',
  'concat_ws',
  'format',
  'substr',
  'substring',
  'trim',
  'btrim',
  'ltrim',
  'rtrim',
  'replace',
  'left',
  'right',
  'lpad',
  'rpad',
  'md5',
  'abs',
  'round',
  'trunc',
  'floor',
  'ceil',
  'ceiling',
  'greatest',
  'least',
  'date_trunc',
  'date_part',
  'extract',
  'make_date',
  'make_time',
  'make_timestamp',
  'make_timestamptz',
  'make_interval',
  'to_timestamp',
  'to_date',
  'to_char',
  'to_number',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'to_jsonb',
  'to_json',
  'array_fill',
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
]);

/** The expression calls a function not known to be stable or immutable, or holds a subquery. */
export function hasVolatileCall(expr: unknown): boolean {
  if (Array.isArray(expr)) return expr.some(hasVolatileCall);
  if (!expr || typeof expr !== 'object') return false;
  const call = unwrap(expr as Node, 'FuncCall');
  if (call) {
    const name = strings(call.funcname).pop()?.toLowerCase();
    if (!name || !NON_VOLATILE_FUNCTIONS.has(name)) return true;
  }
  if ('SubLink' in expr) return true; // a subquery default is not allowed anyway; be conservative
  return Object.values(expr).some(hasVolatileCall);
}

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

// ── ALTER TABLE ─────────────────────────────────────────────────────────────────────────────────

/** Storage parameters PostgreSQL changes under SHARE UPDATE EXCLUSIVE (reloptions.c); any other takes ACCESS EXCLUSIVE. */
const SUE_RELOPTIONS = new Set([
  'fillfactor',
  'toast_tuple_target',
  'parallel_workers',
  'vacuum_index_cleanup',
  'vacuum_truncate',
  'log_autovacuum_min_duration',
  'vacuum_max_eager_freeze_failure_rate',
  'deduplicate_items',
  'pages_per_range',
]);

function relOptionsMode(def: Node | undefined): LockMode {
  const items = unwrap(def, 'List')?.items ?? [];
  let mode: LockMode = 'ShareUpdateExclusiveLock';
  for (const i of items) {
    const name = unwrap(i, 'DefElem')?.defname ?? '';
    if (!SUE_RELOPTIONS.has(name) && !name.startsWith('autovacuum_')) mode = 'AccessExclusiveLock';
  }
  return items.length ? mode : 'AccessExclusiveLock';
}

const TRIGGER_SUBTYPES = new Set<string | undefined>([
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_EnableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrig',
  'AT_DisableTrigAll',
  'AT_DisableTrigUser',
]);
const SUE_SUBTYPES = new Set<string | undefined>([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_ValidateConstraint',
  'AT_DetachPartitionFinalize',
]);

type Others = [QualifiedName | undefined, LockMode, On][];

function alterTable(effect: Effect, s: AlterTableStmt, pgVersion: number): void {
  const target = rangeVar(s.relation);
  const on = objectOn(s.objtype);
  const isIndex = s.objtype === 'OBJECT_INDEX';
  /** Other relations the subcommands lock, claimed after the altered relation. */
  const others: Others = [];
  let mode: LockMode | undefined;
  for (const cmd of unwrapAll(s.cmds, 'AlterTableCmd')) {
    const subtype = cmd.subtype;
    let cmdMode: LockMode = 'AccessExclusiveLock';
    if (TRIGGER_SUBTYPES.has(subtype)) cmdMode = 'ShareRowExclusiveLock';
    else if (SUE_SUBTYPES.has(subtype)) cmdMode = 'ShareUpdateExclusiveLock';
    switch (subtype) {
      case 'AT_AddColumn':
      case 'AT_AddColumnToView':
        addColumn(effect, unwrap(cmd.def, 'ColumnDef'), pgVersion, others, subtype === 'AT_AddColumn');
        break;
      case 'AT_SetAccessMethod':
        // A rewrite into the new method's format; setting the method the table already has (heap, the only built-in
        // one and the default) keeps the file. The SQL alone does not tell the current method: heap is assumed.
        if (!isIndex && cmd.name && cmd.name !== 'heap') effect.rewrite = true;
        break;
      case 'AT_AlterColumnType':
      case 'AT_SetTableSpace':
      case 'AT_SetLogged':
      case 'AT_SetUnLogged':
      case 'AT_SetExpression':
        // ALTER COLUMN TYPE: binary-coercible changes (varchar(n) → text …) keep the file, but the SQL alone
        // cannot tell the old type, so it is claimed as a rewrite. An index moved to another tablespace is
        // copied, but `rewrite` is about the table's heap.
        if (!isIndex) effect.rewrite = true;
        break;
      case 'AT_SetNotNull':
      case 'AT_ValidateConstraint':
        effect.scan = true;
        break;
      case 'AT_SetRelOptions':
      case 'AT_ResetRelOptions':
        cmdMode = relOptionsMode(cmd.def);
        break;
      case 'AT_AddConstraint':
        cmdMode = addConstraint(effect, unwrap(cmd.def, 'Constraint'), others);
        break;
      case 'AT_AttachPartition': {
        const part = rangeVar(unwrap(cmd.def, 'PartitionCmd')?.name);
        // ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent (PG 12+), ACCESS EXCLUSIVE on the partition.
        cmdMode = pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
        if (isIndex) {
          others.push([part, 'AccessExclusiveLock', 'index']);
        } else {
          others.push([part, 'AccessExclusiveLock', 'table']);
          effect.scan = true; // the partition is checked against its bound
        }
        break;
      }
      case 'AT_DetachPartition': {
        // CONCURRENTLY runs in two transactions: the first takes SHARE UPDATE EXCLUSIVE on the parent and the
        // partition; the second, after waiting out every query that saw the partition, ACCESS EXCLUSIVE on the
        // partition (and SHARE UPDATE EXCLUSIVE on the parent again).
        const partition = unwrap(cmd.def, 'PartitionCmd');
        const concurrent = Boolean(partition?.concurrent);
        if (concurrent) {
          cmdMode = 'ShareUpdateExclusiveLock';
          effect.nonTransactional = true;
        }
        others.push([rangeVar(partition?.name), concurrent ? 'AccessExclusiveLock' : cmdMode, 'table']);
        break;
      }
      case 'AT_AddInherit':
      case 'AT_DropInherit':
        others.push([rangeVar(cmd.def), 'ShareUpdateExclusiveLock', 'table']);
        break;
      default:
        break;
    }
    mode = mode ? stronger(mode, cmdMode) : cmdMode;
  }
  if (mode) effect.claim(target, mode, on);
  for (const [rel, m, o] of others) effect.claim(rel, m, o);
}

function addColumn(effect: Effect, col: ColumnDef | undefined, pgVersion: number, others: Others, toTable: boolean): void {
  if (!col) return;
  const typeName = strings(col.typeName?.names).pop()?.toLowerCase() ?? '';
  /** Why the column is written row by row: the first reason in the order serial, then the constraints as written. */
  let cause: ColumnRewrite['cause'] | undefined;
  if (SERIAL_TYPES.has(typeName)) {
    effect.rewrite = true;
    cause = 'serial';
  }
  const cons = columnConstraints(col);
  const hasDefault = cons.some((c) => c.contype === 'CONSTR_DEFAULT');
  for (const c of cons) {
    switch (c.contype) {
      case 'CONSTR_DEFAULT': {
        const volatile = hasVolatileCall(c.raw_expr);
        if (pgVersion < 11 || volatile) {
          effect.rewrite = true;
          cause ??= volatile ? 'volatile-default' : 'default-before-11';
        }
        break;
      }
      case 'CONSTR_IDENTITY':
        effect.rewrite = true;
        cause ??= 'identity';
        break;
      case 'CONSTR_GENERATED':
        // PG 18: GENERATED ALWAYS AS (…) is VIRTUAL unless STORED; before 18 it must say STORED.
        if (c.generated_kind !== 'v') {
          effect.rewrite = true;
          cause ??= 'generated';
        }
        break;
      case 'CONSTR_NOTNULL':
        if (!hasDefault) effect.scan = true;
        break;
      case 'CONSTR_CHECK':
      case 'CONSTR_UNIQUE':
      case 'CONSTR_PRIMARY':
        effect.scan = true;
        break;
      case 'CONSTR_FOREIGN':
        others.push([rangeVar(c.pktable), 'ShareRowExclusiveLock', 'table']);
        // A new column is all NULL: PostgreSQL skips the check (and marks the key valid) unless it has a DEFAULT.
        if (hasDefault) effect.scan = true;
        break;
      default:
        break;
    }
  }
  if (cause && toTable)
    effect.columnRewrites.push({ ...(col.colname !== undefined ? { column: col.colname } : {}), cause, ...(cause === 'serial' ? { type: typeName } : {}) });
}

/** ADD CONSTRAINT: the lock on the altered table (AlterTableGetLockLevel), plus the referenced table for a FK. */
function addConstraint(effect: Effect, con: Constraint | undefined, others: Others): LockMode {
  if (!con) return 'AccessExclusiveLock';
  switch (con.contype) {
    case 'CONSTR_FOREIGN':
      others.push([rangeVar(con.pktable), 'ShareRowExclusiveLock', 'table']);
      if (!con.skip_validation) effect.scan = true;
      return 'ShareRowExclusiveLock';
    case 'CONSTR_CHECK':
    case 'CONSTR_NOTNULL':
      if (!con.skip_validation) effect.scan = true;
      return 'AccessExclusiveLock';
    case 'CONSTR_PRIMARY':
      effect.scan = true; // builds the index, or checks NOT NULL on the USING INDEX columns
      return 'AccessExclusiveLock';
    case 'CONSTR_UNIQUE':
    case 'CONSTR_EXCLUSION':
      if (!con.indexname) effect.scan = true;
      return 'AccessExclusiveLock';
    default:
      return 'AccessExclusiveLock';
  }
}

// ── statements ──────────────────────────────────────────────────────────────────────────────────

const LOCK_STMT_MODES: Record<number, LockMode> = {
  1: 'AccessShareLock',
  2: 'RowShareLock',
  3: 'RowExclusiveLock',
  4: 'ShareUpdateExclusiveLock',
  5: 'ShareLock',
  6: 'ShareRowExclusiveLock',
  7: 'ExclusiveLock',
  8: 'AccessExclusiveLock',
};

function selectLocks(effect: Effect, s: SelectStmt): void {
  const locking = unwrapAll(s.lockingClause, 'LockingClause');
  if (locking.length) {
    // FOR UPDATE/SHARE [OF name …]: ROW SHARE on the FROM items it names (by alias), or on all of them.
    const lockedRefs = new Set<string>();
    let all = false;
    for (const l of locking) {
      const rels = l.lockedRels ?? [];
      if (rels.length === 0) all = true;
      for (const r of rels) {
        const q = rangeVar(r);
        if (q) lockedRefs.add(q.name);
      }
    }
    for (const r of readRelations(s.fromClause)) {
      if (all || lockedRefs.has(r.ref)) effect.claim(r.relation, 'RowShareLock', 'table');
    }
  }
  claimReads(effect, { ...s, lockingClause: undefined });
}

function effectOf(effect: Effect, st: StatementNode, pgVersion: number): void {
  switch (st.kind) {
    case 'IndexStmt': {
      const s = st.node;
      effect.claim(rangeVar(s.relation), s.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock', 'table');
      effect.nonTransactional = Boolean(s.concurrent);
      effect.scan = true;
      return;
    }

    case 'DropStmt': {
      const s = st.node;
      const type = s.removeType;
      for (const o of s.objects ?? []) {
        const names = strings(o);
        if (type === 'OBJECT_INDEX') {
          effect.claim(qualified(names), s.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', 'index');
        } else if (RELATION_OBJECTS.has(type)) {
          effect.claim(qualified(names), 'AccessExclusiveLock', objectOn(type));
        } else if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_RULE' || type === 'OBJECT_POLICY') {
          effect.claim(qualified(names.slice(0, -1)), 'AccessExclusiveLock', 'table');
        }
      }
      if (s.concurrent) effect.nonTransactional = true;
      return;
    }

    case 'ReindexStmt': {
      const s = st.node;
      const concurrently = optionOn(s.params, 'concurrently');
      if (s.kind === 'REINDEX_OBJECT_INDEX') {
        effect.claim(rangeVar(s.relation), concurrently ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', 'index');
      } else if (s.kind === 'REINDEX_OBJECT_TABLE') {
        effect.claim(rangeVar(s.relation), concurrently ? 'ShareUpdateExclusiveLock' : 'ShareLock', 'table');
      } else {
        effect.nonTransactional = true; // SCHEMA, SYSTEM, DATABASE
      }
      if (concurrently) effect.nonTransactional = true;
      else if (s.kind === 'REINDEX_OBJECT_INDEX' || s.kind === 'REINDEX_OBJECT_TABLE') effect.blocksReads = true;
      effect.scan = true;
      return;
    }

    case 'AlterTableStmt':
      alterTable(effect, st.node, pgVersion);
      return;

    case 'RenameStmt': {
      const s = st.node;
      const type = s.renameType;
      const rel = rangeVar(s.relation);
      if (type === 'OBJECT_INDEX') {
        effect.claim(rel, pgVersion >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', 'index');
      } else if (RELATION_OBJECTS.has(type)) {
        effect.claim(rel, 'AccessExclusiveLock', objectOn(type));
      } else if (type === 'OBJECT_COLUMN' || type === 'OBJECT_ATTRIBUTE' || RELATION_MEMBERS.has(type)) {
        effect.claim(rel, 'AccessExclusiveLock', objectOn(s.relationType === 'OBJECT_ACCESS_METHOD' ? 'OBJECT_TABLE' : s.relationType));
      }
      return;
    }

    case 'AlterObjectSchemaStmt': {
      const s = st.node;
      if (RELATION_OBJECTS.has(s.objectType)) effect.claim(rangeVar(s.relation), 'AccessExclusiveLock', objectOn(s.objectType));
      return;
    }

    case 'CreateStmt': {
      const s = st.node;
      for (const p of s.inhRelations ?? []) {
        // PARTITION OF: ACCESS EXCLUSIVE on the parent; INHERITS: SHARE UPDATE EXCLUSIVE.
        effect.claim(rangeVar(p), s.partbound ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock', 'table');
      }
      for (const e of s.tableElts ?? []) {
        const col = unwrap(e, 'ColumnDef');
        const con = unwrap(e, 'Constraint');
        const like = unwrap(e, 'TableLikeClause');
        if (col) {
          for (const c of columnConstraints(col)) {
            if (c.contype === 'CONSTR_FOREIGN') effect.claim(rangeVar(c.pktable), 'ShareRowExclusiveLock', 'table');
          }
        } else if (con?.contype === 'CONSTR_FOREIGN') {
          effect.claim(rangeVar(con.pktable), 'ShareRowExclusiveLock', 'table');
        } else if (like) {
          effect.claim(rangeVar(like.relation), 'AccessShareLock', 'table');
        }
      }
      return;
    }

    case 'CreateTableAsStmt':
      claimReads(effect, st.node.query);
      return;

    case 'ViewStmt':
      if (st.node.replace) effect.claim(rangeVar(st.node.view), 'AccessExclusiveLock', 'view');
      claimReads(effect, st.node.query);
      return;

    case 'RefreshMatViewStmt':
      effect.claim(rangeVar(st.node.relation), st.node.concurrent ? 'ExclusiveLock' : 'AccessExclusiveLock', 'view');
      if (!st.node.concurrent) effect.rewrite = true;
      return;

    case 'CreateTrigStmt':
      effect.claim(rangeVar(st.node.relation), 'ShareRowExclusiveLock', 'table');
      return;

    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      effect.claim(rangeVar(st.node.table), 'AccessExclusiveLock', 'table');
      return;

    case 'RuleStmt':
      effect.claim(rangeVar(st.node.relation), 'AccessExclusiveLock', 'table');
      return;

    case 'GrantStmt': {
      // GRANT/REVOKE … ON TABLE name: ACCESS SHARE on each named relation from PostgreSQL 18 (proved on 18; on 15
      // it takes no lock on the relation; 16 and 17 are not proved and are taken as 15).
      const s = st.node;
      if (pgVersion >= 18 && s.targtype === 'ACL_TARGET_OBJECT' && (s.objtype === 'OBJECT_TABLE' || s.objtype === 'OBJECT_SEQUENCE')) {
        for (const r of s.objects ?? []) effect.claim(rangeVar(r), 'AccessShareLock', objectOn(s.objtype));
      }
      return;
    }

    case 'CreateStatsStmt':
      for (const r of st.node.relations ?? []) effect.claim(rangeVar(r), 'ShareUpdateExclusiveLock', 'table');
      return;

    case 'CommentStmt': {
      const s = st.node;
      const names = strings(s.object);
      if (RELATION_OBJECTS.has(s.objtype)) {
        effect.claim(qualified(names), 'ShareUpdateExclusiveLock', objectOn(s.objtype));
      } else if (s.objtype === 'OBJECT_COLUMN' || RELATION_MEMBERS.has(s.objtype)) {
        effect.claim(qualified(names.slice(0, -1)), 'ShareUpdateExclusiveLock', 'table');
      }
      return;
    }

    case 'TruncateStmt':
      for (const r of st.node.relations ?? []) effect.claim(rangeVar(r), 'AccessExclusiveLock', 'table');
      return;

    case 'VacuumStmt': {
      const s = st.node;
      const full = s.is_vacuumcmd && optionOn(s.options, 'full');
      for (const r of s.rels ?? []) {
        effect.claim(rangeVar(unwrap(r, 'VacuumRelation')?.relation), full ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock', 'table');
      }
      if (s.is_vacuumcmd) effect.nonTransactional = true;
      if (full) effect.rewrite = true;
      // VACUUM reads the table; ANALYZE alone reads a random sample of its pages (300 × default_statistics_target
      // rows), not all of it: no scan.
      effect.scan = Boolean(s.is_vacuumcmd);
      return;
    }

    case 'ClusterStmt':
      if (st.node.relation) {
        effect.claim(rangeVar(st.node.relation), 'AccessExclusiveLock', 'table');
        effect.rewrite = true;
      } else {
        effect.nonTransactional = true; // CLUSTER of every clustered table
      }
      return;

    case 'LockStmt': {
      const mode = LOCK_STMT_MODES[st.node.mode ?? 0] ?? 'AccessExclusiveLock';
      for (const r of st.node.relations ?? []) effect.claim(rangeVar(r), mode, 'table');
      return;
    }

    case 'SelectStmt':
      selectLocks(effect, st.node);
      return;

    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      effect.claim(rangeVar(st.node.relation), 'RowExclusiveLock', 'table');
      claimReads(effect, { ...st.node, relation: undefined });
      return;

    case 'CopyStmt': {
      const s = st.node;
      if (s.relation) effect.claim(rangeVar(s.relation), s.is_from ? 'RowExclusiveLock' : 'AccessShareLock', 'table');
      if (s.query) claimReads(effect, s.query);
      return;
    }

    case 'ExplainStmt': {
      const inner = st.node.query;
      const kind = inner && typeof inner === 'object' ? Object.keys(inner)[0] : undefined;
      if (inner && kind) effectOf(effect, statementNode(inner, kind), pgVersion);
      effect.nonTransactional = false;
      effect.rewrite = false;
      effect.scan = false;
      effect.columnRewrites = [];
      return;
    }

    case 'AlterSeqStmt':
      effect.claim(rangeVar(st.node.sequence), 'ShareRowExclusiveLock', 'sequence');
      return;

    case 'AlterEnumStmt':
      // ALTER TYPE … ADD VALUE: refused in a transaction block before PostgreSQL 12.
      if (st.node.newVal !== undefined && st.node.oldVal === undefined && pgVersion < 12) effect.nonTransactional = true;
      return;

    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterSystemStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'DropSubscriptionStmt': // refused when the subscription has a replication slot, the usual case
      effect.nonTransactional = true;
      return;

    case 'AlterDatabaseStmt':
      if (defElems(st.node.options).some((d) => d.defname === 'tablespace')) effect.nonTransactional = true;
      return;

    case 'CreateSubscriptionStmt': {
      const opts = st.node.options ?? [];
      const has = (n: string) => defElems(opts).some((d) => d.defname === n);
      const connect = !has('connect') || optionOn(opts, 'connect');
      const createSlot = !has('create_slot') || optionOn(opts, 'create_slot');
      if (connect && createSlot) effect.nonTransactional = true;
      return;
    }

    default:
      return;
  }
}

/**
 * stmt is one libpg-query statement node, e.g. { IndexStmt: {...} } (the `stmt` of an entry of parseSync(sql).stmts),
 * as the parser gave it. Statements the table does not know take no locks; a shape the code does not expect throws,
 * and the analysis turns that into an `internal-error` finding on the statement instead of a silent "takes no locks".
 */
export function statementEffect(stmt: object | null | undefined, opts: { pgVersion: number }): StatementEffect {
  const kind = stmt && typeof stmt === 'object' ? Object.keys(stmt)[0] : undefined;
  return kind ? effectOfStatement(statementNode(stmt as Node, kind), opts) : new Effect().result();
}

/** The lock table's claims for a statement of the pipeline (`{ kind, node }`). */
export function effectOfStatement(s: StatementNode, opts: { pgVersion: number }): StatementEffect {
  const effect = new Effect();
  effectOf(effect, s, opts.pgVersion);
  return effect.result();
}
