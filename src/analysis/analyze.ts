import { relationOf } from '../sql/nodes.js';
import type { Catalog } from '../catalog/catalog.js';
import { tableKey } from '../catalog/catalog.js';
import type { AnalyzedStatement, BodyOrigin, SlowWork, LockFact, LockMode, MigrationUnit, QualifiedName, SizeClass, Statement, StatementFacts, TableInfo, TxState } from '../types.js';
import { LOCK_STRENGTH, lockBlocks, statementEffect, type StatementEffect } from './locks.js';
import { emptyModel, leadsWith, objectKey, type ConstraintModel } from '../project/model.js';
import { modelLocks } from '../project/model-locks.js';
import { columnType, Replay } from '../project/replay.js';
import { binaryCoercible } from '../project/coercion.js';
import { unwrap } from '../sql/nodes.js';

/** The schema model this unit is analysed against. */
export interface ModelContext {
  /** A replay over the model the migrations before this one left; the analysis feeds it this unit's statements. */
  replay: Replay;
  /** The files of the change being linted: a table one of them created is new at deploy time. Default: this file. */
  change?: ReadonlySet<string>;
}

export interface AnalysisSettings {
  pgVersion: number;
  largeTableRows: number;
  /** Plain SQL files are wrapped in a transaction by the runner (config `assumeInTransaction`). */
  assumeInTransaction?: boolean;
}

/** Names libpg-query gives in a RangeVar, as a QualifiedName. */
export function rangeVarName(rv: { schemaname?: string; relname?: string } | undefined): QualifiedName | undefined {
  if (!rv?.relname) return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

const BLOCKS = new Map<LockMode, string[]>();
/** What each mode blocks, computed once per mode: the lists are shared, read-only. */
function blocksOf(mode: LockMode): string[] {
  let b = BLOCKS.get(mode);
  if (!b) BLOCKS.set(mode, (b = lockBlocks(mode)));
  return b;
}

interface Settings {
  lock_timeout?: string;
  statement_timeout?: string;
}
type SettingName = keyof Settings;
const TRACKED: SettingName[] = ['lock_timeout', 'statement_timeout'];

/** Value of a SET's argument list as PostgreSQL would print it. */
function settingValue(args: any[] | undefined): string | undefined {
  const arg = args?.[0]?.A_Const;
  if (!arg) return undefined;
  if (arg.sval) return String(arg.sval.sval);
  if (arg.ival) return String(arg.ival.ival ?? 0);
  if (arg.ival !== undefined) return '0';
  if (arg.fval) return String(arg.fval.fval);
  return undefined;
}

function isDisabled(value: string | undefined): boolean {
  return value === undefined || /^\s*0+\s*(ms|s|min)?\s*$/i.test(value);
}

/** `SELECT set_config('lock_timeout', '2s', is_local)` → [name, value, local]. */
export function setConfigCall(node: any): Array<[string, string, boolean]> {
  const out: Array<[string, string, boolean]> = [];
  for (const target of node?.targetList ?? []) {
    const call = target?.ResTarget?.val?.FuncCall;
    if (!call) continue;
    const fname = (call.funcname ?? []).map((p: any) => p?.String?.sval).filter(Boolean).join('.');
    if (fname !== 'set_config' && fname !== 'pg_catalog.set_config') continue;
    const [name, value, local] = call.args ?? [];
    const n = name?.A_Const?.sval?.sval;
    const v = value?.A_Const?.sval?.sval;
    const l = local?.A_Const?.boolval?.boolval === true;
    if (typeof n === 'string' && typeof v === 'string') out.push([n.toLowerCase(), v, l]);
  }
  return out;
}

/**
 * The analysis stage: ONE forward pass over a unit's statements computing, for each, the locks it takes, whether
 * it runs in a transaction (and why), the settings in effect, and the size class of the tables it touches.
 * Rules read these facts and never walk the unit again.
 */
export function analyzeUnit(unit: MigrationUnit, statements: Statement[], catalog: Catalog, settings: AnalysisSettings, model?: ModelContext): AnalyzedStatement[] {
  const replay = model?.replay ?? new Replay(emptyModel(), unit.file.path);
  const change = model?.change ?? new Set([unit.file.path]);
  const created = new Set<string>();
  const createdIndexes = new Set<string>();
  let explicit: TxState | null = null;
  /** The framework's transaction was ended by a COMMIT in the SQL (the "COMMIT hack"). */
  let wrapperEnded = false;
  let session: Settings = {};
  /** Settings at BEGIN, restored on ROLLBACK; SET LOCAL values live in `local`. */
  let atBegin: Settings | null = null;
  let local: Settings = {};
  let currentItem = -1;

  const countInItem = new Map<number, number>();
  for (const s of statements) if (!s.body) countInItem.set(s.itemIndex, (countInItem.get(s.itemIndex) ?? 0) + 1);
  /** The PL/pgSQL body being run (its DO / CALL) and the statement that began its current transaction. */
  let bodyRun = -1;
  let bodyBegan = -1;
  /** The body ran in a transaction of its own (no outer one): its SET LOCALs end with it. */
  let bodyOwnTx = false;

  const sizeClass = (rel: QualifiedName): Omit<TableInfo, 'name'> => {
    const key = tableKey(rel);
    // A table the history created says whether it is partitioned (PARTITION BY is only given at CREATE TABLE).
    const modelled = replay.table(rel);
    const partitioned = modelled && !modelled.partial ? { partitioned: modelled.partitioned === true } : {};
    if (created.has(key)) return { schema: rel.schema, sizeClass: 'new', ...partitioned };
    const stats = catalog.lookup(rel);
    if (!stats) {
      // Sizes from a database, a snapshot or config win; then the history: created in this change means empty at deploy.
      const t = modelled;
      if (t && change.has(t.createdBy)) return { schema: rel.schema, sizeClass: 'new', ...partitioned, ...(t.filledBy && change.has(t.filledBy) ? { filled: true } : {}) };
      return { schema: rel.schema, sizeClass: 'unknown', ...partitioned, ...(catalog.snapshotSource ? { notFoundIn: catalog.snapshotSource } : {}) };
    }
    let cls: SizeClass = 'unknown';
    if (stats.forcedLarge) cls = 'large';
    else if (stats.rows !== undefined) cls = stats.rows >= settings.largeTableRows ? 'large' : 'small';
    return { schema: rel.schema, rows: stats.rows, bytes: stats.bytes, ...partitioned, ...(stats.partitioned !== undefined ? { partitioned: stats.partitioned } : {}), sizeClass: cls };
  };

  const out: AnalyzedStatement[] = [];
  const addedKeys: Array<{ at: AnalyzedStatement; key: string; rel: QualifiedName; added: ConstraintModel[] }> = [];
  for (const stmt of statements) {
    const item = stmt.item;
    if (!stmt.body && bodyRun >= 0) {
      if (bodyOwnTx) local = {};
      bodyRun = -1;
    }
    if (!stmt.body && stmt.itemIndex !== currentItem) {
      // A one-query chunk outside any wrapper is one implicit transaction: its SET LOCALs end with it.
      const prev = unit.items[currentItem];
      if (currentItem >= 0 && prev?.exec.oneQuery && !prev.exec.wrapped && !explicit) local = {};
      currentItem = stmt.itemIndex;
      if (item.exec.separateRun) {
        const open = explicit?.beganAt !== undefined ? out[explicit.beganAt] : undefined;
        if (open && !open.facts.txProblem) open.facts.txProblem = 'never-committed';
        created.clear();
        createdIndexes.clear();
        explicit = null;
        wrapperEnded = false;
        session = {};
        atBegin = null;
        local = {};
      }
    }
    const { effect, internalError } = lockEffect(stmt, settings.pgVersion);
    let txProblem: StatementFacts['txProblem'];

    const wrapper: TxState | null =
      item.exec.wrapped && !wrapperEnded
        ? { kind: 'wrapper', reason: item.exec.reason }
        : unit.framework === 'psql' && settings.assumeInTransaction && !wrapperEnded
          ? { kind: 'assumed', reason: 'config assumeInTransaction says the runner wraps each file in a transaction' }
          : null;
    const inChunk = countInItem.get(stmt.itemIndex) ?? 1;
    const oneQuery: TxState | null =
      item.exec.oneQuery && inChunk > 1
        ? { kind: 'one-query', reason: `${item.exec.reason.replace(/\.$/, '')}, so its ${inChunk} statements run as one implicit transaction` }
        : null;

    // The transaction this statement runs in, before transaction control at this statement applies.
    let inTransaction: TxState | null = explicit ?? wrapper ?? oneQuery;

    if (stmt.body) {
      // A PL/pgSQL body runs in the transaction of the statement that runs it, or in one of its own.
      const outer = out[stmt.body.runBy]?.facts.inTransaction ?? null;
      if (bodyRun !== stmt.body.runBy) {
        bodyRun = stmt.body.runBy;
        bodyBegan = stmt.body.runBy;
      }
      bodyOwnTx = outer === null;
      inTransaction = outer ?? { kind: 'body', reason: bodyReason(stmt.body), beganAt: bodyBegan };
      if (stmt.kind === 'TransactionStmt') {
        const kind: string = stmt.node.kind ?? '';
        if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
          // Only a DO block or a procedure run outside a transaction block may end its transaction; it starts the next.
          if (outer || stmt.body.kind === 'function') txProblem = 'body-commit-in-transaction';
          else {
            bodyBegan = stmt.index;
            local = {};
          }
        }
      }
    } else if (stmt.kind === 'TransactionStmt') {
      const kind: string = stmt.node.kind ?? '';
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
        if (explicit || wrapper) txProblem = 'begin-nested';
        if (!explicit) {
          explicit = { kind: 'explicit', reason: `the ${kind === 'TRANS_STMT_START' ? 'START TRANSACTION' : 'BEGIN'} on line ${stmt.loc.line} opened a transaction`, beganAt: stmt.index };
          atBegin = { ...session };
        }
        inTransaction = explicit;
      } else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
        if (explicit) {
          if (kind === 'TRANS_STMT_ROLLBACK' && atBegin) session = atBegin;
          explicit = null;
          atBegin = null;
          local = {};
        } else if (wrapper && wrapper.kind === 'wrapper') {
          txProblem = 'commit-in-wrapper';
          wrapperEnded = true;
          local = {};
        } else if (!oneQuery) {
          txProblem = 'end-without-begin';
        }
      } else if (kind === 'TRANS_STMT_SAVEPOINT' || kind === 'TRANS_STMT_RELEASE' || kind === 'TRANS_STMT_ROLLBACK_TO') {
        if (!inTransaction) txProblem = 'savepoint-outside';
      }
    }

    // Settings in effect for this statement (before it changes them).
    const effective: Settings = { ...session, ...local };
    ({ session, local } = applySettings(stmt, session, local, inTransaction !== null));

    const modeled = item.exec.separateRun ? [] : modelLocks(stmt.kind, stmt.node, replay);
    const claims = [...effect.locks];
    for (const extra of modeled) {
      const same = claims.findIndex((l) => tableKey(l.relation) === tableKey(extra.relation));
      if (same < 0) claims.push(extra);
      else if (LOCK_STRENGTH[extra.mode] > LOCK_STRENGTH[claims[same]!.mode]) claims[same] = extra;
    }
    const locks: LockFact[] = claims.map((l) => {
      const blocks = blocksOf(l.mode);
      // REINDEX: planning a SELECT locks every index of the table, and those are held ACCESS EXCLUSIVE.
      return { ...l, blocks: effect.blocksReads && !blocks.includes('SELECT') ? ['SELECT', ...blocks] : blocks };
    });
    const oldTypes = stmt.kind === 'AlterTableStmt' ? typesBefore(stmt.node, replay) : undefined;
    let rewrite = effect.rewrite;
    if (rewrite && oldTypes && retypesOnlyCoercibly(stmt, oldTypes, settings.pgVersion)) rewrite = false;
    const partitionChecks = stmt.kind === 'AlterTableStmt' ? checksOfAttached(stmt.node, replay) : undefined;
    const notNullProven = stmt.kind === 'AlterTableStmt' && !item.exec.separateRun ? provenNotNull(stmt.node, replay, settings.pgVersion) : undefined;
    let scan = effect.scan;
    if (scan && stmt.kind === 'AlterTableStmt' && !item.exec.separateRun && noCommandScans(stmt.node, replay, notNullProven ?? [], settings.pgVersion)) scan = false;
    const tables = tablesTouched(locks, sizeClass, createdIndexes);
    const mainLock = strongestLock(locks, relationOf(stmt)?.relname);
    const work = slowWork(stmt, rewrite, scan, tables, sizeClass);

    out.push({
      ...stmt,
      facts: {
        locks,
        mainLock,
        nonTransactional: effect.nonTransactional,
        rewrite,
        scan,
        ...(work ? { work } : {}),
        ...(notNullProven ? { notNullProven } : {}),
        inTransaction: stmt.kind === 'TransactionStmt' ? null : inTransaction,
        lockTimeout: isDisabled(effective.lock_timeout) ? undefined : effective.lock_timeout,
        statementTimeout: isDisabled(effective.statement_timeout) ? undefined : effective.statement_timeout,
        tables,
        txProblem,
        ...(internalError ? { internalError } : {}),
        ...(oldTypes ? { oldTypes } : {}),
        ...(partitionChecks ? { partitionChecks } : {}),
      },
    });
    // The model moves on: the statements after this one (and the migrations after this unit) meet what it made.
    if (!item.exec.separateRun) {
      const target = foreignKeyTarget(stmt);
      const before = target ? foreignKeysOf(replay, target) : undefined;
      replay.apply(stmt.kind, stmt.node);
      if (target && before) {
        const added = [...foreignKeysOf(replay, target)].filter(([sig]) => !before.has(sig)).map(([, c]) => c);
        if (added.length) addedKeys.push({ at: out[out.length - 1]!, key: target, rel: rangeVarName(relationOf(stmt))!, added });
      }
    }

    // Objects this statement creates are new for the statements after it.
    recordCreated(stmt, created, createdIndexes);
  }
  // Foreign keys are judged against the unit's end: an index created later in the same file counts.
  for (const k of addedKeys) {
    const t = replay.get('tables', k.key);
    // A table the history never created, or dropped or renamed later in the unit: its indexes are not known.
    if (!t || t.partial) continue;
    const indexes = replay.all('indexes').filter(([, ix]) => ix.table === k.key);
    const taken = new Set([...replay.all('indexes'), ...replay.all('tables')].map(([key]) => key));
    k.at.facts.foreignKeys = k.added.map((c) => ({
      table: k.key,
      tableName: k.rel,
      columns: c.columns,
      references: c.references!.table,
      ...(c.name ? { constraint: c.name } : {}),
      indexed: indexes.some(([, ix]) => leadsWith(ix, c.columns)),
      newTable: change.has(t.createdBy),
      indexName: freeIndexName(t.schema, t.name, c.columns, taken),
    }));
  }
  if (explicit?.beganAt !== undefined) {
    const begin = out[explicit.beganAt];
    if (begin && !begin.facts.txProblem) begin.facts.txProblem = 'never-committed';
  }
  return out;
}

/** Why a statement of a PL/pgSQL body runs in a transaction, in words. */
export function bodyReason(body: BodyOrigin): string {
  if (body.kind === 'do') return `it is in the DO block on line ${body.line}, whose body PostgreSQL runs as one function call inside a transaction`;
  return `it is in ${body.kind} ${body.name ?? ''} (line ${body.line}), whose body runs inside the transaction of the statement that calls it`.replace('  ', ' ');
}

/** The lock-table pass: the statement's locks, rewrite and scan; a crash becomes an internal error on it, not "no locks". */
function lockEffect(stmt: Statement, pgVersion: number): { effect: StatementEffect; internalError?: string } {
  try {
    return { effect: statementEffect({ [stmt.kind]: stmt.node }, { pgVersion }) };
  } catch (error) {
    const internalError = `the lock analysis failed on this ${stmt.kind}: ${error instanceof Error ? error.message : String(error)}`;
    return { effect: { locks: [], nonTransactional: false, rewrite: false, scan: false }, internalError };
  }
}

/** The settings pass: the session and SET LOCAL settings after this statement (SET, RESET, DISCARD ALL, set_config). */
function applySettings(stmt: Statement, session: Settings, local: Settings, inTransaction: boolean): { session: Settings; local: Settings } {
  if (stmt.kind === 'VariableSetStmt') {
    const name = String(stmt.node.name ?? '').toLowerCase() as SettingName;
    const k: string = stmt.node.kind ?? '';
    if (k === 'VAR_RESET_ALL') return { session: {}, local: {} };
    if (TRACKED.includes(name)) {
      const value = k === 'VAR_SET_VALUE' ? settingValue(stmt.node.args) : undefined;
      if (stmt.node.is_local) {
        // SET LOCAL outside a transaction block has no effect (PostgreSQL warns).
        if (inTransaction) local[name] = value;
      } else {
        session[name] = value;
        delete local[name];
      }
    }
  } else if (stmt.kind === 'DiscardStmt' && stmt.node.target === 'DISCARD_ALL') {
    // DISCARD ALL includes RESET ALL.
    return { session: {}, local: {} };
  } else if (stmt.kind === 'SelectStmt') {
    for (const [name, value, isLocal] of setConfigCall(stmt.node)) {
      if (!TRACKED.includes(name as SettingName)) continue;
      if (isLocal) {
        if (inTransaction) local[name as SettingName] = value;
      } else session[name as SettingName] = value;
    }
  }
  return { session, local };
}

/** The tables pass: the tables a statement locks, with their size class, and indexes this unit created. */
function tablesTouched(locks: LockFact[], sizeClass: (rel: QualifiedName) => Omit<TableInfo, 'name'>, createdIndexes: Set<string>): TableInfo[] {
  const tables: TableInfo[] = [];
  for (const l of locks) {
    if (l.on !== 'table') continue;
    if (tables.some((t) => tableKey(t) === tableKey(l.relation))) continue;
    tables.push({ name: l.relation.name, ...sizeClass(l.relation) });
  }
  // DROP INDEX / REINDEX INDEX name an index: it is new when this unit created it.
  for (const l of locks) {
    if (l.on === 'index' && createdIndexes.has(tableKey(l.relation))) {
      tables.push({ name: l.relation.name, schema: l.relation.schema, sizeClass: 'new' });
    }
  }
  return tables;
}

/** The strongest lock; between equals, the one on the table the statement names (ALTER TABLE orders … REFERENCES users). */
function strongestLock(locks: LockFact[], target: string | undefined): LockFact | undefined {
  let mainLock: LockFact | undefined;
  for (const l of locks) {
    const stronger = !mainLock || LOCK_STRENGTH[l.mode] > LOCK_STRENGTH[mainLock.mode];
    const tieOnTarget = mainLock && LOCK_STRENGTH[l.mode] === LOCK_STRENGTH[mainLock.mode] && l.relation.name === target && mainLock.relation.name !== target;
    if (stronger || tieOnTarget) mainLock = l;
  }
  return mainLock;
}

/** The table a statement may add foreign keys to (CREATE TABLE, ALTER TABLE). */
function foreignKeyTarget(stmt: Statement): string | undefined {
  if (stmt.kind !== 'CreateStmt' && !(stmt.kind === 'AlterTableStmt' && stmt.node.objtype === 'OBJECT_TABLE')) return undefined;
  const rel = rangeVarName(stmt.node.relation);
  return rel ? objectKey(rel.schema, rel.name) : undefined;
}

/** A table's foreign keys as the model holds them now, by what they are (a copied table has copied constraints). */
function foreignKeysOf(replay: Replay, key: string): Map<string, ConstraintModel> {
  const t = replay.get('tables', key);
  const keys = (t?.constraints ?? []).filter((c) => c.kind === 'foreign' && c.references && c.columns.length > 0);
  return new Map(keys.map((c) => [JSON.stringify([c.name, c.columns, c.references]), c]));
}

/** `table_col_idx`, as PostgreSQL would name it, numbered past the names the model already has. */
function freeIndexName(schema: string, table: string, columns: string[], taken: Set<string>): string {
  const base = `${table}_${columns.join('_')}`.slice(0, 59);
  for (let i = 0; ; i++) {
    const name = `${base}_idx${i === 0 ? '' : i}`;
    if (!taken.has(objectKey(schema, name))) return name;
  }
}

/** Tables and indexes a statement creates: new for the statements after it. */
/** The relations a query reads: every RangeVar in it but the names of its CTEs (whose own queries are read). */
function readRelations(query: unknown): QualifiedName[] {
  const out: QualifiedName[] = [];
  const ctes = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const x of node) walk(x);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'RangeVar') {
          const rel = rangeVarName(v as { schemaname?: string; relname?: string });
          if (rel) out.push(rel);
        } else {
          if (k === 'CommonTableExpr' && typeof (v as { ctename?: unknown }).ctename === 'string') ctes.add((v as { ctename: string }).ctename);
          walk(v);
        }
      }
    }
  };
  walk(query);
  return out.filter((r) => r.schema || !ctes.has(r.name));
}

const ROW_WRITES = new Set(['UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt']);

/**
 * The work that makes a statement take time (see StatementFacts.work). Rows copied from a query take time whatever
 * the target; everything else only on a table with rows: not one created empty in the change, nor a small one.
 */
function slowWork(stmt: Statement, rewrite: boolean, scan: boolean, tables: TableInfo[], sizeClass: (rel: QualifiedName) => Omit<TableInfo, 'name'>): SlowWork | undefined {
  const target = tables[0];
  const name = (t: TableInfo): QualifiedName => (t.schema ? { schema: t.schema, name: t.name } : { name: t.name });
  const hasRows = (t: Omit<TableInfo, 'name'>) => t.sizeClass !== 'small' && (t.sizeClass !== 'new' || t.filled === true);
  // Rows copied from a query: slow when the query reads a relation with rows (not only tables the change created empty).
  const copy = (query: unknown, into: QualifiedName | undefined): SlowWork | undefined =>
    into && readRelations(query).some((r) => hasRows(sizeClass(r))) ? { kind: 'copy', table: into } : undefined;
  if (stmt.kind === 'InsertStmt') return copy(stmt.node.selectStmt, rangeVarName(stmt.node.relation));
  if (stmt.kind === 'CreateTableAsStmt') return stmt.node.into?.skipData ? undefined : copy(stmt.node.query, rangeVarName(stmt.node.into?.rel));
  if (!target || !hasRows(target)) return undefined;
  if (rewrite) return { kind: 'rewrite', table: name(target) };
  if (stmt.kind === 'IndexStmt') return { kind: 'index', table: name(target) };
  if (scan) return { kind: 'scan', table: name(target) };
  if (ROW_WRITES.has(stmt.kind)) return { kind: 'rows', table: name(target) };
  return undefined;
}

function recordCreated(stmt: Statement, created: Set<string>, createdIndexes: Set<string>): void {
  if (stmt.kind === 'CreateStmt' || stmt.kind === 'CreateTableAsStmt') {
    const rel = rangeVarName(stmt.kind === 'CreateStmt' ? stmt.node.relation : stmt.node.into?.rel);
    if (rel) created.add(tableKey(rel));
  } else if (stmt.kind === 'IndexStmt' && stmt.node.idxname) {
    const table = rangeVarName(stmt.node.relation);
    createdIndexes.add(tableKey({ schema: table?.schema, name: stmt.node.idxname }));
  }
}

/** The model's type of each column an ALTER TABLE retypes, before it runs; undefined when it retypes none it knows. */
function typesBefore(node: any, replay: Replay): Record<string, { name: string; mods: number[]; array: boolean }> | undefined {
  let out: Record<string, { name: string; mods: number[]; array: boolean }> | undefined;
  const t = replay.table(rangeVarName(node?.relation));
  if (!t) return undefined;
  for (const x of node.cmds ?? []) {
    const c = unwrap(x, 'AlterTableCmd');
    if (c?.subtype !== 'AT_AlterColumnType' || !c.name) continue;
    const col = t.columns.find((k) => k.name === c.name);
    if (col) (out ??= {})[c.name] = col.type;
  }
  return out;
}

/** The validated CHECK constraints of the table an ATTACH PARTITION attaches, as the model knows them before it runs. */
function checksOfAttached(node: any, replay: Replay): { name?: string; columns: string[] }[] | undefined {
  for (const x of node.cmds ?? []) {
    const c = x?.AlterTableCmd;
    if (c?.subtype !== 'AT_AttachPartition' || node.objtype !== 'OBJECT_TABLE') continue;
    const t = replay.table(rangeVarName(c.def?.PartitionCmd?.name));
    if (!t) return undefined;
    return t.constraints.filter((k) => k.kind === 'check' && k.validated).map((k) => ({ ...(k.name ? { name: k.name } : {}), columns: k.columns }));
  }
  return undefined;
}

/**
 * The columns an ALTER TABLE sets NOT NULL without scanning the table: the column is NOT NULL already, or (from
 * PostgreSQL 12) a validated CHECK (col IS NOT NULL) proves it. Undefined when there is none.
 */
function provenNotNull(node: any, replay: Replay, pgVersion: number): string[] | undefined {
  // Of a table the history never created, only what the migrations did is known: a CHECK they added still proves.
  const t = replay.table(rangeVarName(node?.relation));
  if (!t) return undefined;
  let out: string[] | undefined;
  for (const x of node.cmds ?? []) {
    const c = x?.AlterTableCmd;
    if (c?.subtype !== 'AT_SetNotNull' || !c.name) continue;
    const already = t.columns.some((k) => k.name === c.name && k.notNull);
    const checked = pgVersion >= 12 && t.constraints.some((k) => k.kind === 'check' && k.validated && k.notNullOf === c.name);
    if (already || checked) (out ??= []).push(c.name);
  }
  return out;
}

/**
 * No subcommand of the ALTER TABLE reads the table, once the model is asked: SET NOT NULL of a proven column, and
 * ADD PRIMARY KEY USING INDEX over columns that are all NOT NULL already (PostgreSQL then only checks the
 * catalog); any other subcommand as the lock table says.
 */
function noCommandScans(node: any, replay: Replay, proven: string[], pgVersion: number): boolean {
  const t = replay.table(rangeVarName(node?.relation));
  return (node.cmds ?? []).every((x: any) => {
    const c = x?.AlterTableCmd;
    if (c?.subtype === 'AT_SetNotNull') return proven.includes(c.name);
    const con = c?.subtype === 'AT_AddConstraint' ? c.def?.Constraint : undefined;
    if (con?.contype === 'CONSTR_PRIMARY' && con.indexname && t) {
      const ix = replay.get('indexes', objectKey(t.schema, con.indexname));
      const cols = ix?.columns ?? [];
      return cols.length > 0 && cols.every((name) => name !== null && t.columns.some((k) => k.name === name && k.notNull));
    }
    try {
      return !statementEffect({ AlterTableStmt: { ...node, cmds: [x] } }, { pgVersion }).scan;
    } catch {
      return false;
    }
  });
}

/**
 * Every ALTER COLUMN TYPE of the statement is without USING or COLLATE, to a type the old one is binary-coercible to,
 * and no other subcommand rewrites the table: the statement rewrites nothing.
 */
function retypesOnlyCoercibly(stmt: Statement, oldTypes: Record<string, { name: string; mods: number[]; array: boolean }>, pgVersion: number): boolean {
  if (stmt.kind !== 'AlterTableStmt') return false;
  // The other commands of the ALTER TABLE (SET NOT NULL, ADD COLUMN …) rewrite nothing unless they do on their own.
  const others: NonNullable<typeof stmt.node.cmds> = [];
  for (const x of stmt.node.cmds ?? []) {
    const c = unwrap(x, 'AlterTableCmd');
    if (c?.subtype !== 'AT_AlterColumnType') {
      others.push(x);
      continue;
    }
    const def = unwrap(c.def, 'ColumnDef');
    const to = columnType(def?.typeName);
    const from = oldTypes[c.name ?? ''];
    if (!from || !to || !def || def.raw_default !== undefined || def.collClause !== undefined || !binaryCoercible(from, to)) return false;
  }
  return others.length === 0 || !statementEffect({ AlterTableStmt: { ...stmt.node, cmds: others } }, { pgVersion }).rewrite;
}
