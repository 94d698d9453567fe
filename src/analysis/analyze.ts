import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node } from '@pgsql/types';
import { alterCmds, columnConstraints, relationOf, strings, unwrap, unwrapAll } from '../sql/nodes.js';
import type { Catalog } from '../catalog/catalog.js';
import { sameTable, tableKey } from '../catalog/catalog.js';
import type {
  AnalyzedStatement,
  BodyOrigin,
  SlowWork,
  LockFact,
  LockMode,
  MigrationUnit,
  QualifiedName,
  RunnerSettings,
  SettingOrigin,
  SizeClass,
  Statement,
  StatementFacts,
  TableInfo,
  TxState,
} from '../types.js';
import { effectOfStatement, LOCK_STRENGTH, lockBlocks, type StatementEffect } from './locks.js';
import { emptyModel, leadsWith, objectKey, type ConstraintModel } from '../project/model.js';
import { modelLocksOf } from '../project/model-locks.js';
import { columnType, notNullColumn, Replay } from '../project/replay.js';
import { binaryCoercible, isUtcZone, plainConversion } from '../project/coercion.js';
import { timeoutPass } from './timeouts.js';
import { setConfigCall } from './set-config.js';
import { unitFactsPass } from './unit-facts.js';
import { EmptiedPass, sameTransaction } from './emptied.js';

export { setConfigCall } from './set-config.js';

/** The schema model this unit is analysed against. */
export interface ModelContext {
  /** A replay over the model the migrations before this one left; the analysis feeds it this unit's statements. */
  replay: Replay;
  /** The files of the change being linted: a table one of them created is new at deploy time. Default: this file. */
  change?: ReadonlySet<string>;
  /**
   * The tool only ever runs this migration on a new database (the framework's history.newDatabaseOnly: a Django
   * squash whose originals are gone): no application uses the database yet, so no lock waits behind another session.
   */
  newDatabaseOnly?: true;
}

export interface AnalysisSettings {
  pgVersion: number;
  largeTableRows: number;
  /** Plain SQL files are wrapped in a transaction by the runner (config `assumeInTransaction`). */
  assumeInTransaction?: boolean;
  /** Session settings the runner makes on every migration connection (config, or found in the project's files). */
  runner?: RunnerSettings;
  /** The longest lock_timeout accepted (config `lockTimeoutMax`; 10s when unset). */
  lockTimeoutMax?: string;
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

type SettingName = keyof Settings;
const TRACKED: SettingName[] = ['lock_timeout', 'statement_timeout', 'timezone'];

/** Value of a SET's argument list as PostgreSQL would print it. */
function settingValue(args: Node[] | undefined): string | undefined {
  const arg = unwrap(args?.[0], 'A_Const');
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

/**
 * The analysis stage: one forward pass over a unit's statements, in named passes, computing for each statement the
 * locks it takes, whether it runs in a transaction (and why), the settings in effect, the size class of the tables
 * it touches, and the facts that depend on the statements around it; then the whole-unit passes (unit-facts.ts, and
 * timeouts.ts for the timeout findings) add the facts that depend on statements after it too. Rules read these facts and never walk the unit again. A pass
 * that crashes on a statement leaves an internal error on that statement; the rest is analysed.
 */
export function analyzeUnit(
  unit: MigrationUnit,
  statements: Statement[],
  catalog: Catalog,
  settings: AnalysisSettings,
  model?: ModelContext,
): AnalyzedStatement[] {
  const replay = model?.replay ?? new Replay(emptyModel(), unit.file.path);
  const change = model?.change ?? new Set([unit.file.path]);
  const created = new Set<string>();
  const createdOthers = new Set<string>();
  const emptied = new EmptiedPass(unit.file.text, unit.framework === 'alembic' || unit.framework === 'django');
  const sizeClass = sizeClassOf(replay, change, catalog, settings, created, (key) => emptied.lineOf(key));
  const transactions = new TransactionPass(unit, statements, settings.assumeInTransaction === true, settings.runner);
  const keys = keyColumnsOf(statements);
  const order = new UnitOrderPass();

  const out: AnalyzedStatement[] = [];
  const addedKeys: AddedKeys[] = [];
  for (const stmt of statements) {
    const errors: string[] = [];
    /** Runs one pass; a crash becomes an internal error on this statement, and the pass's fallback its result. */
    const guard = <T>(pass: string, fallback: T, run: () => T): T => {
      try {
        return run();
      } catch (error) {
        errors.push(`${pass} failed on this ${stmt.kind}: ${error instanceof Error ? error.message : String(error)}`);
        return fallback;
      }
    };
    const separate = stmt.item.exec.separateRun === true;
    const { inTransaction, txProblem, effective, newRun } = transactions.step(stmt, out);
    if (newRun) {
      created.clear();
      createdOthers.clear();
      emptied.clear();
    }
    emptied.before(stmt);
    const utcSession = settings.pgVersion >= 12 && isUtcZone(effective.timezone?.value);
    // What the call states about the columns before it runs (Alembic's existing_type=), where the model does not know them.
    const presumes = !separate && stmt.item.kind === 'operation' ? stmt.item.presumes : undefined;
    if (presumes) guard('the schema model', undefined, () => presumes.forEach((p) => replay.presume(p)));
    const locked = lockPass(stmt, replay, settings.pgVersion, separate, guard, utcSession);
    const tables = tablesTouched(locked.locks, sizeClass, createdOthers);
    const mainLock = strongestLock(locked.locks, relationOf(stmt)?.relname);
    // CREATE INDEX IF NOT EXISTS naming an index the history made: PostgreSQL takes the SHARE lock, then skips the build.
    const existingIndex = !separate && stmt.kind === 'IndexStmt' && guard('the schema model', false, () => indexExists(stmt.node, replay));
    const work = existingIndex ? undefined : slowWork(stmt, locked.rewrite, locked.scan, tables, sizeClass);
    const ordered = guard('the unit-order analysis', {}, () => order.step(stmt, inTransaction, out, settings.pgVersion));
    const keyColumns = keyColumnsOfStatement(stmt, keys);

    // Field by field in one object, in this order, rather than a spread of a small object per optional field: a
    // statement's facts are built once, for every statement of every file.
    const facts = {
      locks: locked.locks,
      mainLock,
      nonTransactional: locked.nonTransactional,
      rewrite: locked.rewrite,
      scan: locked.scan,
    } as StatementFacts;
    if (work) facts.work = work;
    if (existingIndex) facts.existingIndex = existingIndex;
    if (locked.notNullProven) facts.notNullProven = locked.notNullProven;
    if (locked.nullableAlready) facts.nullableAlready = locked.nullableAlready;
    Object.assign(facts, ordered);
    facts.inTransaction = stmt.kind === 'TransactionStmt' ? null : inTransaction;
    setInEffect(facts, effective);
    facts.tables = tables;
    facts.txProblem = txProblem;
    if (locked.columnRewrites) facts.columnRewrites = locked.columnRewrites;
    if (keyColumns.length) facts.keyColumns = keyColumns;
    if (locked.oldTypes) facts.oldTypes = locked.oldTypes;
    if (locked.keptFiles) facts.keptFiles = locked.keptFiles;
    if (locked.forcedConversions) facts.forcedConversions = locked.forcedConversions;
    if (locked.partitionChecks) facts.partitionChecks = locked.partitionChecks;
    if (locked.droppedSchemas) facts.droppedSchemas = locked.droppedSchemas;
    const analyzed = withFacts(stmt, facts);
    out.push(analyzed);
    // The model moves on: the statements after this one (and the migrations after this unit) meet what it made.
    if (!separate) {
      const added = guard('the schema model', undefined, () => modelPass(stmt, replay));
      if (added) addedKeys.push({ at: analyzed, ...added });
    }
    // Objects this statement creates are new for the statements after it; the tables it empties hold no rows.
    recordCreated(stmt, created, createdOthers);
    guard('the emptied-tables analysis', undefined, () => emptied.after(stmt, inTransaction, locked.locks));
    if (errors.length) analyzed.facts.internalError = errors.join('; ');
  }
  foreignKeyPass(addedKeys, replay, change, (rel) => {
    const stats = catalog.lookup(rel);
    return stats?.rows !== undefined && !stats.forcedLarge && stats.rows < settings.largeTableRows;
  });
  referencedTypesPass(out, replay);
  transactions.finish(out);
  unitFactsPass(out);
  timeoutPass(out, settings, model?.newDatabaseOnly === true);
  return out;
}

/**
 * The statement with its facts. Built field by field, not by spreading the statement: V8 gave each spread copy a
 * hidden class of its own once a unit had a few thousand statements (a map, descriptors and a property array per
 * statement: about 1 KB each, and every property read of a statement then missed its inline caches).
 */
function withFacts(stmt: Statement, facts: StatementFacts): AnalyzedStatement {
  const analyzed = {
    index: stmt.index,
    kind: stmt.kind,
    node: stmt.node,
    sql: stmt.sql,
    item: stmt.item,
    itemIndex: stmt.itemIndex,
    chunkSpan: stmt.chunkSpan,
    chunkSpanWithSemicolon: stmt.chunkSpanWithSemicolon,
    locate: stmt.locate,
    span: stmt.span,
    loc: stmt.loc,
    facts,
  } as AnalyzedStatement;
  if (stmt.body) analyzed.body = stmt.body;
  return analyzed;
}

/** A tracked setting's value (undefined: the server's default, none) and where it was set. */
interface SettingValue {
  value: string | undefined;
  origin?: SettingOrigin;
}

/** Session settings the analysis tracks. */
interface Settings {
  lock_timeout?: SettingValue;
  statement_timeout?: SettingValue;
  /** `SET timezone` / `SET TIME ZONE`: under UTC, timestamp ↔ timestamptz keeps the table file. */
  timezone?: SettingValue;
}

/** The tracked settings as facts, set on `out`: each value in effect, and where it was set. */
function setInEffect(out: Pick<StatementFacts, 'lockTimeout' | 'lockTimeoutSetBy' | 'statementTimeout' | 'statementTimeoutSetBy'>, effective: Settings): void {
  const lock = effective.lock_timeout;
  if (lock && !isDisabled(lock.value)) {
    out.lockTimeout = lock.value;
    if (lock.origin) out.lockTimeoutSetBy = lock.origin;
  }
  const statement = effective.statement_timeout;
  if (statement && !isDisabled(statement.value)) {
    out.statementTimeout = statement.value;
    if (statement.origin) out.statementTimeoutSetBy = statement.origin;
  }
}

/** The runner's settings as the session starts with them (`all`), and as RESET leaves them (connection options only). */
function runnerBase(runner: RunnerSettings | undefined, all: boolean): Settings {
  const out: Settings = {};
  for (const name of ['lock_timeout', 'statement_timeout'] as const) {
    const r = runner?.[name];
    if (r && (all || r.connectionOption)) out[name] = { value: r.value, origin: { runner: r.where } };
  }
  return out;
}

/**
 * The transaction pass: the transaction each statement runs in (explicit, the framework's wrapper, a one-query
 * chunk, a PL/pgSQL body's), the transaction-control problems, and (with the settings pass) the settings in effect.
 */
class TransactionPass {
  private explicit: TxState | null = null;
  /** The framework's transaction was ended by a COMMIT in the SQL (the "COMMIT hack"). */
  private wrapperEnded = false;
  private session: Settings;
  /** What RESET returns a setting to: the runner's connection options. */
  private readonly resetTo: Settings;
  /** Settings at BEGIN, restored on ROLLBACK; SET LOCAL values live in `local`. */
  private atBegin: Settings | null = null;
  private local: Settings = {};
  private currentItem = -1;
  private readonly countInItem = new Map<number, number>();
  /** The framework transaction of the current item (ExecutionContext.transaction) and the statement that began it. */
  private wrapperName: string | undefined;
  private wrapperBegan: number | undefined;
  /** The PL/pgSQL body being run (its DO / CALL) and the statement that began its current transaction. */
  private bodyRun = -1;
  private bodyBegan = -1;
  /** The body ran in a transaction of its own (no outer one): its SET LOCALs end with it. */
  private bodyOwnTx = false;

  constructor(
    private readonly unit: MigrationUnit,
    statements: Statement[],
    private readonly assumeInTransaction: boolean,
    private readonly runner?: RunnerSettings,
  ) {
    this.session = runnerBase(runner, true);
    this.resetTo = runnerBase(runner, false);
    for (const s of statements) if (!s.body) this.countInItem.set(s.itemIndex, (this.countInItem.get(s.itemIndex) ?? 0) + 1);
  }

  /** This statement's transaction and settings; `newRun`: it starts a separate run (what earlier ones made is not new). */
  step(
    stmt: Statement,
    out: AnalyzedStatement[],
  ): { inTransaction: TxState | null; txProblem: StatementFacts['txProblem']; effective: Settings; newRun: boolean } {
    const item = stmt.item;
    let newRun = false;
    if (!stmt.body && this.bodyRun >= 0) {
      if (this.bodyOwnTx) this.local = {};
      this.bodyRun = -1;
    }
    if (!stmt.body && stmt.itemIndex !== this.currentItem) {
      // A one-query chunk outside any wrapper is one implicit transaction: its SET LOCALs end with it.
      const prev = this.unit.items[this.currentItem];
      if (this.currentItem >= 0 && prev?.exec.oneQuery && !prev.exec.wrapped && !this.explicit) this.local = {};
      this.currentItem = stmt.itemIndex;
      if (item.exec.separateRun) {
        const open = this.explicit?.beganAt !== undefined ? out[this.explicit.beganAt] : undefined;
        if (open && !open.facts.txProblem) open.facts.txProblem = 'never-committed';
        newRun = true;
        this.explicit = null;
        this.wrapperEnded = false;
        this.session = runnerBase(this.runner, true);
        this.atBegin = null;
        this.local = {};
      }
    }
    if (!stmt.body && item.exec.transaction !== undefined && item.exec.transaction !== this.wrapperName) {
      // The framework committed the previous transaction (a Liquibase changeSet) and begins another: SET LOCALs end.
      if (this.wrapperName !== undefined && !this.explicit) this.local = {};
      this.wrapperName = item.exec.transaction;
      this.wrapperBegan = stmt.index;
    }
    let txProblem: StatementFacts['txProblem'];

    const wrapper: TxState | null =
      item.exec.wrapped && !this.wrapperEnded
        ? { kind: 'wrapper', reason: item.exec.reason, ...(item.exec.transaction !== undefined ? { beganAt: this.wrapperBegan } : {}) }
        : this.unit.framework === 'psql' && this.assumeInTransaction && !this.wrapperEnded
          ? { kind: 'assumed', reason: 'config assumeInTransaction says the runner wraps each file in a transaction' }
          : null;
    const inChunk = this.countInItem.get(stmt.itemIndex) ?? 1;
    const oneQuery: TxState | null =
      item.exec.oneQuery && inChunk > 1
        ? { kind: 'one-query', reason: `${item.exec.reason.replace(/\.$/, '')}, so its ${inChunk} statements run as one implicit transaction` }
        : null;

    // The transaction this statement runs in, before transaction control at this statement applies.
    let inTransaction: TxState | null = this.explicit ?? wrapper ?? oneQuery;

    if (stmt.body) {
      // A PL/pgSQL body runs in the transaction of the statement that runs it, or in one of its own.
      const outer = out[stmt.body.runBy]?.facts.inTransaction ?? null;
      if (this.bodyRun !== stmt.body.runBy) {
        this.bodyRun = stmt.body.runBy;
        this.bodyBegan = stmt.body.runBy;
      }
      this.bodyOwnTx = outer === null;
      inTransaction = outer ?? { kind: 'body', reason: bodyReason(stmt.body), beganAt: this.bodyBegan };
      if (stmt.kind === 'TransactionStmt') {
        const kind: string = stmt.node.kind ?? '';
        if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
          // Only a DO block or a procedure run outside a transaction block may end its transaction; it starts the next.
          if (outer || stmt.body.kind === 'function') txProblem = 'body-commit-in-transaction';
          else {
            this.bodyBegan = stmt.index;
            this.local = {};
          }
        }
      }
    } else if (stmt.kind === 'TransactionStmt') {
      const kind: string = stmt.node.kind ?? '';
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
        if (this.explicit || wrapper) txProblem = 'begin-nested';
        if (!this.explicit) {
          this.explicit = {
            kind: 'explicit',
            reason: `the ${kind === 'TRANS_STMT_START' ? 'START TRANSACTION' : 'BEGIN'} on line ${stmt.loc.line} opened a transaction`,
            beganAt: stmt.index,
          };
          this.atBegin = { ...this.session };
        }
        inTransaction = this.explicit;
      } else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
        if (this.explicit) {
          if (kind === 'TRANS_STMT_ROLLBACK' && this.atBegin) this.session = this.atBegin;
          this.explicit = null;
          this.atBegin = null;
          this.local = {};
        } else if (wrapper && wrapper.kind === 'wrapper') {
          txProblem = 'commit-in-wrapper';
          this.wrapperEnded = true;
          this.local = {};
        } else if (!oneQuery) {
          txProblem = 'end-without-begin';
        }
      } else if (kind === 'TRANS_STMT_SAVEPOINT' || kind === 'TRANS_STMT_RELEASE' || kind === 'TRANS_STMT_ROLLBACK_TO') {
        if (!inTransaction) txProblem = 'savepoint-outside';
      }
    }

    // Settings in effect for this statement (before it changes them).
    const effective: Settings = { ...this.session, ...this.local };
    ({ session: this.session, local: this.local } = applySettings(stmt, this.session, this.local, inTransaction !== null, this.resetTo));
    return { inTransaction, txProblem, effective, newRun };
  }

  /** A transaction the unit began and never ended. */
  finish(out: AnalyzedStatement[]): void {
    if (this.explicit?.beganAt !== undefined) {
      const begin = out[this.explicit.beganAt];
      if (begin && !begin.facts.txProblem) begin.facts.txProblem = 'never-committed';
    }
  }
}

type Guard = <T>(pass: string, fallback: T, run: () => T) => T;

const NO_EFFECT: StatementEffect = { locks: [], nonTransactional: false, rewrite: false, scan: false };

/**
 * The lock pass: the lock table's claims (proved in test/locks.pg.test.ts), the schema model's (proved in
 * test/model-locks.pg.test.ts), and what the model changes about rewrite and scan.
 */
function lockPass(stmt: Statement, replay: Replay, pgVersion: number, separate: boolean, guard: Guard, utcSession = false) {
  const effect = guard('the lock analysis', NO_EFFECT, () => effectOfStatement(stmt, { pgVersion }));
  const modeled = separate ? [] : guard("the schema model's lock analysis", [], () => modelLocksOf(stmt, replay, pgVersion));
  const claims = [...effect.locks];
  for (const extra of modeled) {
    const same = claims.findIndex((l) => sameTable(l.relation, extra.relation));
    if (same < 0) claims.push(extra);
    else if (LOCK_STRENGTH[extra.mode] > LOCK_STRENGTH[claims[same]!.mode]) claims[same] = extra;
  }
  const locks: LockFact[] = claims.map((l) => {
    const blocks = blocksOf(l.mode);
    // REINDEX: planning a SELECT locks every index of the table, and those are held ACCESS EXCLUSIVE.
    // Field by field, as withFacts: a spread copy got a hidden class of its own per statement.
    return { mode: l.mode, relation: l.relation, on: l.on, blocks: effect.blocksReads && !blocks.includes('SELECT') ? ['SELECT', ...blocks] : blocks };
  });
  const alter = stmt.kind === 'AlterTableStmt' ? stmt.node : undefined;
  const model = <T>(fallback: T, run: () => T): T => guard('the schema model', fallback, run);
  const oldTypes = alter ? model(undefined, () => typesBefore(alter, replay)) : undefined;
  const keptFiles = oldTypes ? model<string[]>([], () => filesKept(stmt, oldTypes, utcSession)) : [];
  const converted = alter
    ? unwrapAll(alter.cmds, 'AlterTableCmd').filter(
        (c) => c.subtype === 'AT_AlterColumnType' && c.name && !plainConversion(unwrap(c.def, 'ColumnDef') ?? {}, c.name),
      )
    : [];
  const forcedConversions = converted.map((c) => c.name!);
  let rewrite = effect.rewrite;
  if (rewrite && oldTypes && model(false, () => retypesOnlyCoercibly(stmt, keptFiles, pgVersion))) rewrite = false;
  const partitionChecks = alter ? model(undefined, () => checksOfAttached(alter, replay)) : undefined;
  const droppedSchemas =
    stmt.kind === 'DropStmt' && stmt.node.removeType === 'OBJECT_SCHEMA' ? model(undefined, () => schemasDropped(stmt.node, replay)) : undefined;
  const notNullProven = alter && !separate ? model(undefined, () => provenNotNull(alter, replay, pgVersion)) : undefined;
  const nullableAlready = alter && !separate ? model(undefined, () => saidNullable(alter, replay)) : undefined;
  let scan = effect.scan;
  if (scan && alter && !separate && model(false, () => noCommandScans(alter, replay, notNullProven ?? [], pgVersion))) scan = false;
  return {
    locks,
    nonTransactional: effect.nonTransactional,
    rewrite,
    scan,
    notNullProven,
    nullableAlready,
    oldTypes,
    ...(keptFiles.length ? { keptFiles } : {}),
    ...(forcedConversions.length ? { forcedConversions } : {}),
    partitionChecks,
    droppedSchemas,
    columnRewrites: effect.columnRewrites,
  };
}

/** DROP SCHEMA: what the schema model knows of each schema dropped (StatementFacts.droppedSchemas). */
function schemasDropped(node: { objects?: Node[] }, replay: Replay): NonNullable<StatementFacts['droppedSchemas']> {
  const tables = replay.all('tables');
  return strings(node.objects).map((name) => ({
    name,
    createdByHistory: replay.hasSchema(name),
    tables: tables.filter(([, t]) => t.schema === name).length,
  }));
}

/**
 * The size class of a table a statement touches: new (this unit or change created it), small, large or unknown. A
 * table a TRUNCATE before it emptied (`emptiedBy`, the emptied-tables pass) is known to hold no rows, whatever its size
 * before: small, 0 rows.
 */
function sizeClassOf(
  replay: Replay,
  change: ReadonlySet<string>,
  catalog: Catalog,
  settings: AnalysisSettings,
  created: Set<string>,
  emptiedBy: (key: string) => number | undefined,
) {
  return (rel: QualifiedName): Omit<TableInfo, 'name'> => {
    const key = tableKey(rel);
    // A table the history created says whether it is partitioned (PARTITION BY is only given at CREATE TABLE).
    const modelled = replay.table(rel);
    const partitioned = modelled && !modelled.partial ? { partitioned: modelled.partitioned === true } : {};
    // A table in a schema this unit created (CREATE SCHEMA without IF NOT EXISTS) cannot have existed before it.
    if (created.has(key) || (rel.schema !== undefined && created.has(schemaKey(rel.schema)))) return { schema: rel.schema, sizeClass: 'new', ...partitioned };
    const truncated = emptiedBy(key);
    if (truncated !== undefined) return { schema: rel.schema, rows: 0, ...partitioned, sizeClass: 'small', emptiedBy: truncated };
    const stats = catalog.lookup(rel);
    if (!stats) {
      // Sizes from a database, a snapshot or config win; then the history: created in this change means empty at deploy.
      const t = modelled;
      if (t && change.has(t.createdBy))
        return { schema: rel.schema, sizeClass: 'new', ...partitioned, ...(t.filledBy && change.has(t.filledBy) ? { filled: true } : {}) };
      return { schema: rel.schema, sizeClass: 'unknown', ...partitioned, ...(catalog.snapshotSource ? { notFoundIn: catalog.snapshotSource } : {}) };
    }
    let cls: SizeClass = 'unknown';
    if (stats.forcedLarge) cls = 'large';
    else if (stats.rows !== undefined) cls = stats.rows >= settings.largeTableRows ? 'large' : 'small';
    return {
      schema: rel.schema,
      rows: stats.rows,
      bytes: stats.bytes,
      ...partitioned,
      ...(stats.partitioned !== undefined ? { partitioned: stats.partitioned } : {}),
      sizeClass: cls,
    };
  };
}

interface AddedKeys {
  at: AnalyzedStatement;
  key: string;
  rel: QualifiedName;
  added: ConstraintModel[];
}

/** The model pass: the statement applied to the schema model; the foreign keys it added, if any. */
function modelPass(stmt: Statement, replay: Replay): Omit<AddedKeys, 'at'> | undefined {
  const target = foreignKeyTarget(stmt);
  const before = target ? foreignKeysOf(replay, target) : undefined;
  replay.applyStatement(stmt);
  if (!target || !before) return undefined;
  const added = [...foreignKeysOf(replay, target)].filter(([sig]) => !before.has(sig)).map(([, c]) => c);
  return added.length ? { key: target, rel: rangeVarName(relationOf(stmt))!, added } : undefined;
}

/** The foreign-key pass, at the unit's end: an index created later in the same file counts. */
function foreignKeyPass(addedKeys: AddedKeys[], replay: Replay, change: ReadonlySet<string>, smallToday: (rel: QualifiedName) => boolean): void {
  // The catalog is read in place, never copied: a copy per unit (or per key) made a long history's lint quadratic.
  const taken = (key: string): boolean => replay.get('indexes', key) !== undefined || replay.get('tables', key) !== undefined;
  for (const k of addedKeys) {
    const t = replay.get('tables', k.key);
    // A table the history never created, or dropped or renamed later in the unit: its indexes are not known.
    if (!t || t.partial) continue;
    const indexes = replay.indexesOn(k.key);
    k.at.facts.foreignKeys = k.added.map((c) => ({
      table: k.key,
      tableName: k.rel,
      columns: c.columns,
      references: c.references!.table,
      ...(c.name ? { constraint: c.name } : {}),
      indexed: indexes.some((ix) => leadsWith(ix, c.columns)),
      newTable: change.has(t.createdBy),
      ...(smallToday(k.rel) ? { smallToday: true } : {}),
      indexName: freeIndexName(t.schema, t.name, c.columns, taken),
    }));
  }
}

/**
 * The referenced-types pass: for each CREATE TABLE and ALTER TABLE with key columns, the type of the column each of
 * its table's foreign-key columns references, in the model once the unit has run (a key the unit adds or a table it
 * creates after the statement counts, as for keyColumns). An `integer` column referencing an `integer` key has the
 * width it must have: widening it is the referenced key's decision.
 */
function referencedTypesPass(out: AnalyzedStatement[], replay: Replay): void {
  const byTable = new Map<string, Record<string, string> | undefined>();
  const typesOf = (key: string): Record<string, string> | undefined => {
    if (byTable.has(key)) return byTable.get(key);
    let types: Record<string, string> | undefined;
    for (const c of replay.get('tables', key)?.constraints ?? []) {
      if (c.kind !== 'foreign' || !c.references || c.references.columns.length !== c.columns.length) continue;
      const target = replay.get('tables', c.references.table);
      c.columns.forEach((column, i) => {
        const type = target?.columns.find((col) => col.name === c.references!.columns[i])?.type;
        if (type && !type.array) (types ??= {})[column] = type.name;
      });
    }
    byTable.set(key, types);
    return types;
  };
  for (const s of out) {
    if (!s.facts.keyColumns?.length) continue;
    const rel = rangeVarName(relationOf(s));
    const types = rel ? typesOf(objectKey(rel.schema, rel.name)) : undefined;
    if (types) s.facts.referencedTypes = types;
  }
}

/**
 * The key-columns pass: the one-column primary keys and foreign-key columns the unit declares, by table: inline
 * (`id int PRIMARY KEY`, `author_id int REFERENCES authors`) or as table constraints, in CREATE TABLE or ALTER
 * TABLE — a foreign key added by a later statement of the same unit (as Django and Rails write them) counts too.
 */
function keyColumnsOf(statements: Statement[]): Map<string, string[]> {
  // By table: a statement asks for its table's, and a filter over every key per statement made a big file quadratic.
  const keys = new Map<string, Set<string>>();
  const add = (table: string | undefined, columns: string[]) => {
    if (!table) return;
    let set = keys.get(table);
    if (!set) keys.set(table, (set = new Set()));
    for (const c of columns) set.add(c);
  };
  const fromConstraint = (table: string | undefined, con: Constraint | undefined) => {
    // A one-column primary key is an id; the members of a composite key are ids only when they are foreign keys
    // (counted as such) — the others are positions or kinds within the key (e.g. relation_members.sequence_id).
    if (con?.contype === 'CONSTR_PRIMARY' && strings(con.keys).length === 1) add(table, strings(con.keys));
    else if (con?.contype === 'CONSTR_FOREIGN') add(table, strings(con.fk_attrs));
  };
  const fromColumn = (table: string | undefined, col: ColumnDef) => {
    if (col.colname && columnConstraints(col).some((c) => c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_FOREIGN')) add(table, [col.colname]);
  };
  for (const s of statements) {
    const table = relationOf(s)?.relname;
    if (s.kind === 'CreateStmt') {
      for (const e of s.node.tableElts ?? []) {
        const col = unwrap(e, 'ColumnDef');
        if (col) fromColumn(table, col);
        else fromConstraint(table, unwrap(e, 'Constraint'));
      }
    } else if (s.kind === 'AlterTableStmt') {
      for (const c of alterCmds(s)) {
        const col = unwrap(c.def, 'ColumnDef');
        if (c.subtype === 'AT_AddColumn' && col) fromColumn(table, col);
        else if (c.subtype === 'AT_AddConstraint') fromConstraint(table, unwrap(c.def, 'Constraint'));
      }
    }
  }
  // One list per table, shared by its statements (read-only): a copy per statement made a big file's memory quadratic.
  return new Map([...keys].map(([table, columns]) => [table, [...columns]]));
}

/** The key columns of the table a CREATE TABLE or ALTER TABLE names (by its name, as the unit's keys are). */
function keyColumnsOfStatement(stmt: Statement, keys: Map<string, string[]>): string[] {
  if (stmt.kind !== 'CreateStmt' && stmt.kind !== 'AlterTableStmt') return [];
  const table = relationOf(stmt)?.relname;
  return (table ? keys.get(table) : undefined) ?? [];
}

/**
 * The unit-order pass: facts about a statement that depend on the statements before it in the unit, whatever
 * the schema model knows (they hold across a framework's separate runs too): a validated CHECK (col IS NOT NULL)
 * before a SET NOT NULL, a DROP … IF EXISTS before the CREATE or ADD CONSTRAINT of the same name, and the NOT
 * VALID add a VALIDATE CONSTRAINT belongs to when both run in one transaction. Subcommands of one ALTER TABLE
 * count in their order.
 */
class UnitOrderPass {
  /** `table.column` proved NOT NULL by a validated CHECK, and NOT VALID ones by `table.constraint`. */
  private readonly checked = new Set<string>();
  private readonly pendingChecks = new Map<string, string>();
  private readonly droppedIndexes = new Set<string>();
  private readonly droppedConstraints = new Set<string>();
  /** NOT VALID adds by `table.constraint`: where, and the transaction they ran in. */
  private readonly addedNotValid = new Map<string, { line: number; tx: TxState | null; itemIndex: number }>();

  step(
    stmt: Statement,
    inTransaction: TxState | null,
    _out: AnalyzedStatement[],
    pgVersion: number,
  ): Pick<StatementFacts, 'notNullChecked' | 'droppedFirst' | 'validatesInAddTransaction'> {
    const facts: Pick<StatementFacts, 'notNullChecked' | 'droppedFirst' | 'validatesInAddTransaction'> = {};
    const rel = rangeVarName(relationOf(stmt));
    if (stmt.kind === 'DropStmt' && stmt.node.removeType === 'OBJECT_INDEX' && stmt.node.missing_ok) {
      for (const o of stmt.node.objects ?? []) this.droppedIndexes.add(strings(o).join('.'));
    }
    const cmds = alterCmds(stmt);
    for (const c of cmds) {
      if (c.subtype === 'AT_DropConstraint' && c.missing_ok && rel) this.droppedConstraints.add(`${tableKey(rel)}.${c.name}`);
    }
    if (stmt.kind === 'IndexStmt' && stmt.node.concurrent && stmt.node.idxname) {
      const name = rel?.schema ? `${rel.schema}.${stmt.node.idxname}` : stmt.node.idxname;
      if (this.droppedIndexes.has(name)) facts.droppedFirst = [stmt.node.idxname];
    }
    if (stmt.kind !== 'AlterTableStmt') return facts;
    // As written, without a name: '' (the statement's relation is always named in an ALTER TABLE).
    const tk = tableKey({ schema: stmt.node.relation?.schemaname, name: stmt.node.relation?.relname ?? '' });
    for (const c of cmds) {
      const con = c.subtype === 'AT_AddConstraint' ? unwrap(c.def, 'Constraint') : undefined;
      if (con?.conname && rel && this.droppedConstraints.has(`${tableKey(rel)}.${con.conname}`)) (facts.droppedFirst ??= []).push(con.conname);
      if (con?.contype === 'CONSTR_CHECK') {
        const column = notNullColumn(con.raw_expr);
        if (column) {
          if (con.skip_validation) this.pendingChecks.set(`${tk}.${con.conname}`, column);
          else this.checked.add(`${tk}.${column}`);
        }
      }
      if (con?.skip_validation && con.conname)
        this.addedNotValid.set(`${tk}.${con.conname}`, { line: stmt.loc.line, tx: inTransaction, itemIndex: stmt.itemIndex });
      if (c.subtype === 'AT_ValidateConstraint') {
        const column = this.pendingChecks.get(`${tk}.${c.name}`);
        if (column) this.checked.add(`${tk}.${column}`);
        const added = this.addedNotValid.get(`${tk}.${c.name}`);
        if (c.name && added && sameTransaction(added, { tx: inTransaction, itemIndex: stmt.itemIndex }))
          (facts.validatesInAddTransaction ??= []).push({ constraint: c.name, line: added.line });
      }
      if (c.subtype === 'AT_SetNotNull' && c.name && pgVersion >= 12 && this.checked.has(`${tk}.${c.name}`)) (facts.notNullChecked ??= []).push(c.name);
    }
    return facts;
  }
}

/** Why a statement of a PL/pgSQL body runs in a transaction, in words. */
export function bodyReason(body: BodyOrigin): string {
  if (body.kind === 'do') return `it is in the DO block on line ${body.line}, whose body PostgreSQL runs as one function call inside a transaction`;
  return `it is in ${body.kind} ${body.name ?? ''} (line ${body.line}), whose body runs inside the transaction of the statement that calls it`.replace(
    '  ',
    ' ',
  );
}

/**
 * The settings pass: the session and SET LOCAL settings after this statement (SET, RESET, DISCARD ALL, set_config).
 * RESET and SET … TO DEFAULT return a setting to `resetTo` (the runner's connection options), else to none.
 */
function applySettings(stmt: Statement, session: Settings, local: Settings, inTransaction: boolean, resetTo: Settings): { session: Settings; local: Settings } {
  const at: SettingOrigin = { line: stmt.loc.line };
  if (stmt.kind === 'VariableSetStmt') {
    const name = String(stmt.node.name ?? '').toLowerCase() as SettingName;
    const k: string = stmt.node.kind ?? '';
    if (k === 'VAR_RESET_ALL') return { session: { ...resetTo }, local: {} };
    if (TRACKED.includes(name)) {
      const value: SettingValue = k === 'VAR_SET_VALUE' ? { value: settingValue(stmt.node.args), origin: at } : (resetTo[name] ?? { value: undefined });
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
    return { session: { ...resetTo }, local: {} };
  } else if (stmt.kind === 'SelectStmt') {
    for (const [name, value, isLocal] of setConfigCall(stmt.node)) {
      if (!TRACKED.includes(name as SettingName)) continue;
      if (isLocal) {
        if (inTransaction) local[name as SettingName] = { value, origin: at };
      } else session[name as SettingName] = { value, origin: at };
    }
  }
  return { session, local };
}

/** The tables pass: the tables a statement locks, with their size class, and indexes this unit created. */
function tablesTouched(locks: LockFact[], sizeClass: (rel: QualifiedName) => Omit<TableInfo, 'name'>, createdOthers: Set<string>): TableInfo[] {
  const tables: TableInfo[] = [];
  // By key: a statement with many locks (a function body's) compared each with every table found before it.
  const seen = new Set<string>();
  for (const l of locks) {
    if (l.on !== 'table') continue;
    const key = tableKey(l.relation);
    if (seen.has(key)) continue;
    seen.add(key);
    tables.push({ name: l.relation.name, ...sizeClass(l.relation) });
  }
  // DROP INDEX / REINDEX INDEX name an index, ALTER SEQUENCE a sequence: it is new when this unit created it.
  for (const l of locks) {
    if ((l.on === 'index' || l.on === 'sequence') && createdOthers.has(tableKey(l.relation))) {
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

const ADDS_KEYS = new Set(['AT_AddColumnToView', 'AT_AddConstraint', 'AT_AddInherit', 'AT_AttachPartition', 'AT_AddOf']);

/** The table a statement may add foreign keys to (CREATE TABLE, ALTER TABLE). */
function foreignKeyTarget(stmt: Statement): string | undefined {
  if (stmt.kind !== 'CreateStmt' && !(stmt.kind === 'AlterTableStmt' && stmt.node.objtype === 'OBJECT_TABLE')) return undefined;
  // Only subcommands that add columns or constraints (or take them over) can add a foreign key: the others skip
  // reading the table's keys before and after, which per statement made a big file's ALTERs quadratic.
  const addsKeys = (c: AlterTableCmd) =>
    c.subtype === 'AT_AddColumn' ? columnConstraints(unwrap(c.def, 'ColumnDef')).length > 0 : c.subtype !== undefined && ADDS_KEYS.has(c.subtype);
  if (stmt.kind === 'AlterTableStmt' && !alterCmds(stmt).some(addsKeys)) return undefined;
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
function freeIndexName(schema: string, table: string, columns: string[], taken: (key: string) => boolean): string {
  const base = `${table}_${columns.join('_')}`.slice(0, 59);
  for (let i = 0; ; i++) {
    const name = `${base}_idx${i === 0 ? '' : i}`;
    if (!taken(objectKey(schema, name))) return name;
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
      // for-in, not Object.entries: no array of pairs per node of a large query's tree.
      for (const k in node) {
        // Constants and column references hold no relation: an INSERT's VALUES rows are mostly these (the walk went
        // through every field of each).
        if (k === 'A_Const' || k === 'ColumnRef') continue;
        const v = (node as Record<string, unknown>)[k];
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
function slowWork(
  stmt: Statement,
  rewrite: boolean,
  scan: boolean,
  tables: TableInfo[],
  sizeClass: (rel: QualifiedName) => Omit<TableInfo, 'name'>,
): SlowWork | undefined {
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

/**
 * CREATE INDEX … IF NOT EXISTS whose name the schema model holds as an index already (in the table's schema, where
 * PostgreSQL puts it): the statement builds nothing (StatementFacts.existingIndex).
 */
function indexExists(node: Extract<Statement, { kind: 'IndexStmt' }>['node'], replay: Replay): boolean {
  if (!node.if_not_exists || !node.idxname) return false;
  return replay.get('indexes', objectKey(rangeVarName(node.relation)?.schema, node.idxname)) !== undefined;
}

/** The key in `created` of a schema this unit created: every table in it is new. */
const schemaKey = (schema: string) => `schema\u0000${schema}`;

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

function recordCreated(stmt: Statement, created: Set<string>, createdOthers: Set<string>): void {
  if (stmt.kind === 'CreateSchemaStmt' && stmt.node.schemaname && !stmt.node.if_not_exists) {
    // CREATE SCHEMA fails if the schema exists: the tables in it from here on are this unit's own.
    created.add(schemaKey(stmt.node.schemaname));
  } else if (stmt.kind === 'CreateStmt' || stmt.kind === 'CreateTableAsStmt') {
    const rel = rangeVarName(stmt.kind === 'CreateStmt' ? stmt.node.relation : stmt.node.into?.rel);
    if (rel) created.add(tableKey(rel));
  } else if (stmt.kind === 'IndexStmt' && stmt.node.idxname) {
    const table = rangeVarName(stmt.node.relation);
    createdOthers.add(tableKey({ schema: table?.schema, name: stmt.node.idxname }));
  } else if (stmt.kind === 'CreateSeqStmt' && !stmt.node.if_not_exists) {
    // CREATE SEQUENCE fails if the sequence exists: an ALTER SEQUENCE on it later in the unit waits for no one.
    const seq = rangeVarName(stmt.node.sequence);
    if (seq) createdOthers.add(tableKey(seq));
  }
  if (stmt.kind === 'CreateStmt') {
    // A serial column's sequence is created with the table, named <table>_<column>_seq when that fits in 63 bytes.
    const rel = rangeVarName(stmt.node.relation);
    for (const c of unwrapAll(stmt.node.tableElts, 'ColumnDef')) {
      const type = strings(c.typeName?.names).at(-1)?.toLowerCase();
      const name = `${rel?.name}_${c.colname}_seq`;
      if (rel && c.colname && type && SERIAL_TYPES.has(type) && Buffer.byteLength(name) <= 63) createdOthers.add(tableKey({ schema: rel.schema, name }));
    }
  }
}

/** The model's type of each column an ALTER TABLE retypes, before it runs; undefined when it retypes none it knows. */
function typesBefore(node: AlterTableStmt, replay: Replay): Record<string, { name: string; mods: number[]; array: boolean }> | undefined {
  let out: Record<string, { name: string; mods: number[]; array: boolean }> | undefined;
  const t = replay.table(rangeVarName(node.relation));
  if (!t) return undefined;
  for (const c of unwrapAll(node.cmds, 'AlterTableCmd')) {
    if (c.subtype !== 'AT_AlterColumnType' || !c.name) continue;
    const col = t.columns.find((k) => k.name === c.name);
    if (col) (out ??= {})[c.name] = col.type;
  }
  return out;
}

/** The validated CHECK constraints of the table an ATTACH PARTITION attaches, as the model knows them before it runs. */
function checksOfAttached(node: AlterTableStmt, replay: Replay): { name?: string; columns: string[] }[] | undefined {
  for (const c of unwrapAll(node.cmds, 'AlterTableCmd')) {
    if (c.subtype !== 'AT_AttachPartition' || node.objtype !== 'OBJECT_TABLE') continue;
    const t = replay.table(rangeVarName(unwrap(c.def, 'PartitionCmd')?.name));
    if (!t) return undefined;
    return t.constraints.filter((k) => k.kind === 'check' && k.validated).map((k) => ({ ...(k.name ? { name: k.name } : {}), columns: k.columns }));
  }
  return undefined;
}

/**
 * The columns an ALTER TABLE sets NOT NULL without scanning the table: the column is NOT NULL already, or (from
 * PostgreSQL 12) a validated CHECK (col IS NOT NULL) proves it. Undefined when there is none.
 */
function provenNotNull(node: AlterTableStmt, replay: Replay, pgVersion: number): string[] | undefined {
  // Of a table the history never created, only what the migrations did is known: a CHECK they added still proves.
  const t = replay.table(rangeVarName(node.relation));
  if (!t) return undefined;
  let out: string[] | undefined;
  for (const c of unwrapAll(node.cmds, 'AlterTableCmd')) {
    if (c.subtype !== 'AT_SetNotNull' || !c.name) continue;
    const already = t.columns.some((k) => k.name === c.name && k.notNull);
    const checked = pgVersion >= 12 && t.constraints.some((k) => k.kind === 'check' && k.validated && k.notNullOf === c.name);
    if (already || checked) (out ??= []).push(c.name);
  }
  return out;
}

/** ALTER COLUMN … DROP NOT NULL of columns the history made nullable already (StatementFacts.nullableAlready). */
function saidNullable(node: AlterTableStmt, replay: Replay): string[] | undefined {
  const t = replay.table(rangeVarName(node.relation));
  if (!t) return undefined;
  let out: string[] | undefined;
  for (const c of unwrapAll(node.cmds, 'AlterTableCmd')) {
    if (c.subtype !== 'AT_DropNotNull' || !c.name) continue;
    // Only what the history said (an explicit NULL, a DROP NOT NULL): a column defined with neither is not known.
    if (t.columns.some((k) => k.name === c.name && !k.notNull && k.nullSaid)) (out ??= []).push(c.name);
  }
  return out;
}

/**
 * No subcommand of the ALTER TABLE reads the table, once the model is asked: SET NOT NULL of a proven column, and
 * ADD PRIMARY KEY USING INDEX over columns that are all NOT NULL already (PostgreSQL then only checks the
 * catalog); any other subcommand as the lock table says.
 */
function noCommandScans(node: AlterTableStmt, replay: Replay, proven: string[], pgVersion: number): boolean {
  const t = replay.table(rangeVarName(node.relation));
  return (node.cmds ?? []).every((x) => {
    const c = unwrap(x, 'AlterTableCmd');
    if (c?.subtype === 'AT_SetNotNull') return proven.includes(c.name ?? '');
    const con = c?.subtype === 'AT_AddConstraint' ? unwrap(c.def, 'Constraint') : undefined;
    if (con?.contype === 'CONSTR_PRIMARY' && con.indexname && t) {
      const ix = replay.get('indexes', objectKey(t.schema, con.indexname));
      const cols = ix?.columns ?? [];
      return cols.length > 0 && cols.every((name) => name !== null && t.columns.some((k) => k.name === name && k.notNull));
    }
    return !effectOfStatement({ kind: 'AlterTableStmt', node: { ...node, cmds: [x] } }, { pgVersion }).scan;
  });
}

/**
 * The columns an ALTER TABLE retypes without touching the table file: the old type (from the model) is
 * binary-coercible to the new one, and neither USING (other than the column cast to the new type) nor COLLATE
 * forces a conversion. Proved by relfilenode in test/project/model.pg.test.ts.
 */
function filesKept(stmt: Statement, oldTypes: Record<string, { name: string; mods: number[]; array: boolean }>, utcSession: boolean): string[] {
  if (stmt.kind !== 'AlterTableStmt') return [];
  const kept: string[] = [];
  for (const c of unwrapAll(stmt.node.cmds, 'AlterTableCmd')) {
    if (c.subtype !== 'AT_AlterColumnType' || !c.name) continue;
    const def = unwrap(c.def, 'ColumnDef');
    const to = columnType(def?.typeName);
    const from = oldTypes[c.name];
    if (from && to && def && plainConversion(def, c.name) && binaryCoercible(from, to, { utcSession })) kept.push(c.name);
  }
  return kept;
}

/** Every ALTER COLUMN TYPE of the statement keeps the file, and no other subcommand rewrites the table. */
function retypesOnlyCoercibly(stmt: Statement, kept: string[], pgVersion: number): boolean {
  if (stmt.kind !== 'AlterTableStmt') return false;
  // The other commands of the ALTER TABLE (SET NOT NULL, ADD COLUMN …) rewrite nothing unless they do on their own.
  const others: NonNullable<typeof stmt.node.cmds> = [];
  for (const x of stmt.node.cmds ?? []) {
    const c = unwrap(x, 'AlterTableCmd');
    if (c?.subtype !== 'AT_AlterColumnType') {
      others.push(x);
      continue;
    }
    if (!c.name || !kept.includes(c.name)) return false;
  }
  return others.length === 0 || !effectOfStatement({ kind: 'AlterTableStmt', node: { ...stmt.node, cmds: others } }, { pgVersion }).rewrite;
}
