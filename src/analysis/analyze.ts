import { relationOf } from '../sql/nodes.js';
import type { Catalog } from '../catalog/catalog.js';
import { tableKey } from '../catalog/catalog.js';
import type { AnalyzedStatement, LockFact, LockMode, MigrationUnit, QualifiedName, SizeClass, Statement, StatementFacts, TableInfo, TxState } from '../types.js';
import { LOCK_STRENGTH, lockBlocks, statementEffect, type StatementEffect } from './locks.js';
import { emptyModel } from '../project/model.js';
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
  for (const s of statements) countInItem.set(s.itemIndex, (countInItem.get(s.itemIndex) ?? 0) + 1);

  const sizeClass = (rel: QualifiedName): Omit<TableInfo, 'name'> => {
    const key = tableKey(rel);
    if (created.has(key)) return { schema: rel.schema, sizeClass: 'new' };
    const stats = catalog.lookup(rel);
    if (!stats) {
      // Sizes from a database, a snapshot or config win; then the history: created in this change means empty at deploy.
      const t = replay.table(rel);
      if (t && change.has(t.createdBy)) return { schema: rel.schema, sizeClass: 'new', ...(t.filledBy && change.has(t.filledBy) ? { filled: true } : {}) };
      return { schema: rel.schema, sizeClass: 'unknown', ...(catalog.snapshotSource ? { notFoundIn: catalog.snapshotSource } : {}) };
    }
    let cls: SizeClass = 'unknown';
    if (stats.forcedLarge) cls = 'large';
    else if (stats.rows !== undefined) cls = stats.rows >= settings.largeTableRows ? 'large' : 'small';
    return { schema: rel.schema, rows: stats.rows, bytes: stats.bytes, partitioned: stats.partitioned, sizeClass: cls };
  };

  const out: AnalyzedStatement[] = [];
  for (const stmt of statements) {
    const item = stmt.item;
    if (stmt.itemIndex !== currentItem) {
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

    if (stmt.kind === 'TransactionStmt') {
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
    if (rewrite && oldTypes && retypesOnlyCoercibly(stmt, oldTypes)) rewrite = false;
    const tables = tablesTouched(locks, sizeClass, createdIndexes);
    const mainLock = strongestLock(locks, relationOf(stmt)?.relname);

    out.push({
      ...stmt,
      facts: {
        locks,
        mainLock,
        nonTransactional: effect.nonTransactional,
        rewrite,
        scan: effect.scan,
        inTransaction: stmt.kind === 'TransactionStmt' ? null : inTransaction,
        lockTimeout: isDisabled(effective.lock_timeout) ? undefined : effective.lock_timeout,
        statementTimeout: isDisabled(effective.statement_timeout) ? undefined : effective.statement_timeout,
        tables,
        txProblem,
        ...(internalError ? { internalError } : {}),
        ...(oldTypes ? { oldTypes } : {}),
      },
    });
    // The model moves on: the statements after this one (and the migrations after this unit) meet what it made.
    if (!item.exec.separateRun) replay.apply(stmt.kind, stmt.node);

    // Objects this statement creates are new for the statements after it.
    recordCreated(stmt, created, createdIndexes);
  }
  if (explicit?.beganAt !== undefined) {
    const begin = out[explicit.beganAt];
    if (begin && !begin.facts.txProblem) begin.facts.txProblem = 'never-committed';
  }
  return out;
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

/** Tables and indexes a statement creates: new for the statements after it. */
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

/** Every subcommand is an ALTER COLUMN TYPE without USING or COLLATE to a type the old one is binary-coercible to. */
function retypesOnlyCoercibly(stmt: Statement, oldTypes: Record<string, { name: string; mods: number[]; array: boolean }>): boolean {
  for (const x of (stmt.kind === 'AlterTableStmt' ? stmt.node.cmds : undefined) ?? []) {
    const c = unwrap(x, 'AlterTableCmd');
    if (c?.subtype !== 'AT_AlterColumnType') return false;
    const def = unwrap(c.def, 'ColumnDef');
    const to = columnType(def?.typeName);
    const from = oldTypes[c.name ?? ''];
    if (!from || !to || !def || def.raw_default !== undefined || def.collClause !== undefined || !binaryCoercible(from, to)) return false;
  }
  return true;
}
