/**
 * The data that flows through the pipeline:
 *   discover → extract (MigrationUnit) → parse (Statement) → analyze (Facts) → rules (Finding) → report / fix
 * Every stage is a plain function from one of these shapes to the next.
 */

/** UTF-16 offsets into a file's text, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** ESLint-style location: 1-based lines and columns, end column exclusive. */
export interface Loc {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type FrameworkId =
  | 'psql'
  | 'drizzle'
  | 'prisma'
  | 'flyway'
  | 'golang-migrate'
  | 'goose'
  | 'dbmate'
  | 'sqitch'
  | 'graphile-migrate'
  | 'supabase'
  | 'diesel'
  | 'sqlx'
  | 'atlas'
  | 'alembic'
  | 'django'
  | 'knex'
  | 'typeorm'
  | 'node-pg-migrate'
  | 'sequelize'
  | 'kysely'
  | 'db-migrate'
  | 'rails'
  | 'liquibase'
  | 'laravel'
  | 'ef-core'
  | 'ecto'
  /** A JS/TS migration whose runner no adapter knows (src/sources/js/unknown.ts). */
  | 'js';

/** A file as read from disk (or stdin), decoded. */
export interface SourceFile {
  path: string;
  /** Text without the BOM. */
  text: string;
  bom: boolean;
}

/** One text replacement in a file: UTF-16 offsets into SourceFile.text. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** A fix or a suggestion: edits applied together. */
export interface Fix {
  description: string;
  edits: Edit[];
  /**
   * Other files the fix writes, whole: a framework's setting that lives beside the migration (Diesel's
   * metadata.toml). Only `--fix` applies these; ESLint's fixes and the JSON format cannot carry them.
   */
  files?: FileWrite[];
}

/** A file a fix creates or replaces, with its complete new text. */
export interface FileWrite {
  path: string;
  text: string;
}

/**
 * How the runner sends a piece of a migration to PostgreSQL.
 * `wrapped` is the framework's own transaction; explicit BEGIN/COMMIT in the SQL is tracked by the analysis on top.
 */
export interface ExecutionContext {
  /** Runs inside a transaction the migration tool opens. */
  wrapped: boolean;
  /** The framework's words for why (or why not), e.g. "Drizzle runs all pending migrations in one transaction". */
  reason: string;
  /** The chunk is sent as one simple query: several statements in it run as one implicit transaction. */
  oneQuery: boolean;
  /**
   * The runner runs this item on its own, not after the items before it (a down section linted with --include-down):
   * objects created, settings made and transactions opened before it do not carry over.
   */
  separateRun?: boolean;
  /**
   * Names the framework's transaction this item runs in, where a file holds several (Liquibase commits each
   * changeSet): items with different names run in different transactions. Absent: one per file (or per run).
   */
  transaction?: string;
  /**
   * The migration says the application release that stopped using what it removes is already live, in these words:
   * django-safemigrate's `safe = Safe.after_deploy()` and Sentry's `is_post_deployment = True` (run after the deploy),
   * or a strong_migrations `safety_assured` block (whose remove_column check asks for the column to be ignored by the
   * model in a release deployed first). Running code no longer names a column or table it drops.
   */
  codeReleased?: string;
}

/**
 * Maps offsets in a chunk of SQL to offsets in the file it came from.
 * A segment is verbatim when chunk text equals file text there (no escapes, no dedent), so edits can land on it.
 */
export interface MapSegment {
  chunkStart: number;
  fileStart: number;
  /** Length in the chunk. */
  length: number;
  /** Length in the file, when it differs (an escape sequence: `\\n` is 2 characters in the file, 1 in the chunk). */
  fileLength?: number;
  verbatim: boolean;
  /** A host-language placeholder (`${…}`) read as a value: restored as written, never replaced by an edit. */
  placeholder?: boolean;
}

/**
 * A host-language string literal that holds embedded SQL: the file range of its content (between the
 * delimiters) and how text is written in it. Fix text landing there is escaped for it (src/sources/<lang>/escape.ts).
 */
export interface HostLiteral {
  start: number;
  end: number;
  language: 'js' | 'python' | 'xml' | 'yaml' | 'php';
  /** The delimiter: `'`, `"`, `` ` `` (JS); `'`, `"`, `'''`, `"""` (Python); `<![CDATA[` or `` (XML text); `|`, `'`, `"`, `` (YAML); `'`, `"`, `<<<`, `<<<'` (PHP). */
  quote: string;
  /** Python string prefix, lower case (`r`, `f`, `rf`, `u`, `b` …). */
  prefix?: string;
  /** textwrap.dedent margin the runtime removes from each line of the value (Python). */
  margin?: string;
}

/** A piece of SQL the runner sends, with where it came from. */
export interface SqlChunk {
  kind: 'sql';
  text: string;
  segments: MapSegment[];
  /** The host-language literals the text was read from; absent for SQL files. */
  literals?: HostLiteral[];
  exec: ExecutionContext;
  /** Set by adapters: extra data their fix writers need (e.g. the Python call node's range). */
  origin?: Record<string, unknown>;
}

/**
 * A DSL call (op.create_index, AddIndex, table.index(), pgm.createIndex …) expressed as the SQL it runs,
 * located at the call so findings land on real code. Fixes for it come from the adapter.
 */
export interface OperationItem {
  kind: 'operation';
  /** Equivalent SQL, parsed like any other statement. */
  sql: string;
  span: Span;
  exec: ExecutionContext;
  /** The call as the adapter saw it, e.g. "op.create_index". */
  call: string;
  origin?: Record<string, unknown>;
  /**
   * What the call states about columns as they stand before it runs (Alembic's `existing_type=`,
   * `existing_nullable=`): the schema model takes it where it does not know the column already.
   */
  presumes?: PresumedColumn[];
}

/** A column's definition before a call runs, as the call states it; notNull is left out when it does not say. */
export interface PresumedColumn {
  table: QualifiedName;
  column: string;
  /** PostgreSQL's internal type name (int4, varchar, timestamptz …), its modifiers, and whether it is an array. */
  type: { name: string; mods: number[]; array: boolean };
  notNull?: boolean;
}

export type UnitItem = SqlChunk | OperationItem;

export interface Directive {
  kind: 'disable-next-line' | 'disable-file' | 'disable-line';
  rules: string[];
  /** Span of the comment holding the directive. */
  span: Span;
  /** The line the directive covers (1-based); for disable-file, the directive's own line. */
  targetLine: number;
  /** For a directive before a statement that spans several lines (a Python or JS call): its last line. */
  targetEndLine?: number;
  reason?: string;
}

/** A note an adapter emits (e.g. dynamic SQL it could not read). Becomes a finding. */
export interface AdapterNote {
  ruleId: 'unsupported-framework-construct' | 'parse-error' | 'framework-config';
  message: string;
  span: Span;
  severity?: 'info' | 'warn' | 'error';
}

/** What the extract stage produces for one file. */
export interface MigrationUnit {
  file: SourceFile;
  framework: FrameworkId;
  items: UnitItem[];
  directives: Directive[];
  notes: AdapterNote[];
  /** Named by the adapter: which assumption about the runner was made, printed once per file. */
  assumption?: string;
  /**
   * Set when no migration tool was recognised but the file is laid out like one's (`up.sql`, `migration.sql` …):
   * it is linted as plain psql, yet a tool may run it in a transaction. Fixes that depend on that are not safe.
   */
  runnerUnknown?: string;
  /** The framework's own state after this migration (Django's models and fields), for the next one; plain JSON. */
  state?: unknown;
}

import type { Node, StatementNode } from './sql/nodes.js';

/** A libpg-query statement node: exactly one key, the node type (IndexStmt, AlterTableStmt …). */
export type PgNode = Node;

/**
 * A statement inside a PL/pgSQL body that the migration runs: a DO block's, or a function's or procedure's that
 * the migration calls. It runs inside the body's transaction (PostgreSQL runs the body as one function call).
 */
export interface BodyOrigin {
  kind: 'do' | 'function' | 'procedure';
  /** The function's or procedure's name. */
  name?: string;
  /** Index of the statement that runs the body: the DO, or the CALL / SELECT that calls the function. */
  runBy: number;
  /** 1-based line of the DO / CREATE FUNCTION / CREATE PROCEDURE in the file. */
  line: number;
  /** Span in the file of that DO / CREATE FUNCTION / CREATE PROCEDURE statement. */
  container: Span;
  /** Read from EXECUTE of a constant string, or of format() with a constant template. */
  dynamic?: 'constant' | 'format';
  /** format() arguments known only at run time (e.g. `r.tablename`): their names stand in for the values. */
  unknownNames?: string[];
}

/** A parsed statement, located in the file. */
export interface StatementBase {
  index: number;
  /** The statement's SQL text as PostgreSQL sees it (from the chunk, or the operation's equivalent SQL). */
  sql: string;
  item: UnitItem;
  /** Index of `item` in unit.items. */
  itemIndex: number;
  /** Span of the statement in its chunk's text (for operations: in `sql`). */
  chunkSpan: Span;
  /** The same, through the `;` that ends it when there is one. */
  chunkSpanWithSemicolon: Span;
  /** A node location in `node` (PostgreSQL's byte offset) as a UTF-16 offset into the chunk; absent on statements built by hand. */
  locate?: (byteLocation: number) => number;
  /** Span in the file. For operations: the call. */
  span: Span;
  loc: Loc;
  /** Set on a statement of a PL/pgSQL body the migration runs (src/sql/plpgsql.ts). */
  body?: BodyOrigin;
}

/**
 * A parsed statement: its node type in `kind` (IndexStmt, AlterTableStmt …) and the node's fields in `node`, typed by
 * PostgreSQL's own node types (@pgsql/types). Checking `kind` narrows `node`.
 */
export type Statement = StatementBase & StatementNode;

export interface ParseFailure {
  message: string;
  span: Span;
  loc: Loc;
}

export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock';

export interface QualifiedName {
  schema?: string;
  name: string;
}

export type SizeClass = 'new' | 'small' | 'large' | 'unknown';

export interface TableInfo {
  /** As written, folded: "public.orders" or "orders". */
  name: string;
  schema?: string;
  rows?: number;
  bytes?: number;
  partitioned?: boolean;
  sizeClass: SizeClass;
  /** Unknown size although a database or snapshot was read: where the table was looked for and not found. */
  notFoundIn?: string;
  /** A new table that the change also fills (INSERT, COPY, CREATE TABLE AS): it has rows, but no readers yet. */
  filled?: boolean;
  /**
   * The line of the TRUNCATE before the statement that left the table without rows (src/analysis/emptied.ts): sized
   * small with 0 rows for this statement, though it has readers, and will have rows again.
   */
  emptiedBy?: number;
}

export interface LockFact {
  mode: LockMode;
  relation: QualifiedName;
  /** What kind of object the relation is. */
  on: 'table' | 'index' | 'view' | 'sequence' | 'other';
  /** Human words for what this lock blocks while held. */
  blocks: string[];
}

/** `body`: the transaction a DO block or a called function or procedure runs in, when nothing outside it opened one. */
export type TxKind = 'explicit' | 'wrapper' | 'one-query' | 'assumed' | 'body';

export interface TxState {
  kind: TxKind;
  /** Why the statement is in a transaction, in the framework's words where it is the framework. */
  reason: string;
  /** For explicit transactions: the statement that began it. For `body`: the DO / CALL, or the body's last COMMIT. */
  beganAt?: number;
}

/** Facts about one statement, computed in one forward pass over the unit. */
export interface StatementFacts {
  locks: LockFact[];
  /** The strongest lock taken on a table (the statement's "main" lock), if any. */
  mainLock?: LockFact;
  /** PostgreSQL refuses to run this statement inside a transaction block. */
  nonTransactional: boolean;
  rewrite: boolean;
  scan: boolean;
  /**
   * The work that makes this statement take time, when it does any: a rewrite, a scan or an index build of a table
   * that has rows (not one created empty in the change, nor one the stats call small), rows written to such a table,
   * or rows copied from a query (INSERT … SELECT … FROM, CREATE TABLE … AS). Undefined when the statement is quick
   * (catalog-only changes, work on empty new tables).
   */
  work?: SlowWork;
  /**
   * For CREATE INDEX … IF NOT EXISTS: the schema model holds an index of that name already (an earlier migration
   * built it). PostgreSQL still takes the table's SHARE lock, waiting for it like any other, then skips the build with
   * a NOTICE: no `work`.
   */
  existingIndex?: boolean;
  /** The transaction this statement runs in, or null when it runs on its own. */
  inTransaction: TxState | null;
  /** The lock_timeout in effect ('0' or undefined when none). */
  lockTimeout?: string;
  /** Where the lock_timeout in effect was set: a statement of this unit, or the runner. */
  lockTimeoutSetBy?: SettingOrigin;
  statementTimeout?: string;
  statementTimeoutSetBy?: SettingOrigin;
  /**
   * On the statement that carries them: a unit's findings about session timeouts, one per setting and kind, each
   * naming every statement it covers (the statements that take a strong lock on an existing table).
   */
  timeouts?: TimeoutFinding[];
  /** Tables the statement acts on, with their size class. The first is the statement's main table. */
  tables: TableInfo[];
  /**
   * For ALTER COLUMN … TYPE: each retyped column's type before the statement, when the schema model knows it
   * (replayed from the migrations before this one and the statements before it).
   */
  oldTypes?: Record<string, { name: string; mods: number[]; array: boolean }>;
  /**
   * For ALTER COLUMN … TYPE: the retyped columns whose change keeps the table file (old type known and
   * binary-coercible to the new one, no USING other than the column cast to the new type, no COLLATE).
   */
  keptFiles?: string[];
  /** For ALTER COLUMN … TYPE: the retyped columns whose USING expression or COLLATE forces a conversion of every row. */
  forcedConversions?: string[];
  /**
   * For ALTER TABLE … ATTACH PARTITION: the CHECK constraints the schema model knows on the partition, validated
   * (PostgreSQL skips its scan when one implies the partition bound); undefined when the model does not know it.
   */
  partitionChecks?: { name?: string; columns: string[] }[];
  /**
   * For DROP SCHEMA: each schema dropped, whether a migration of the history created it (the schema model then
   * knows every table the migrations put in it), and how many tables the model holds in it now.
   */
  droppedSchemas?: { name: string; createdByHistory: boolean; tables: number }[];
  /**
   * Foreign keys this statement adds (CREATE TABLE, ADD CONSTRAINT, ADD COLUMN … REFERENCES) on a table whose
   * indexes the schema model knows, and whether an index leads with the key's columns once the unit has run.
   */
  foreignKeys?: ForeignKeyFact[];
  /**
   * For ALTER COLUMN … SET NOT NULL: the columns PostgreSQL sets without scanning the table, as the schema model
   * knows them (already NOT NULL, or proved by a validated CHECK (col IS NOT NULL) on PostgreSQL 12+).
   */
  notNullProven?: string[];
  /**
   * For ALTER COLUMN … DROP NOT NULL: the columns the history made nullable already (an explicit NULL where it defined
   * the column, or a DROP NOT NULL since, and no SET NOT NULL after). PostgreSQL still takes ACCESS EXCLUSIVE, and
   * changes nothing: no reader can see a NULL it could not see before.
   */
  nullableAlready?: string[];
  /**
   * For ALTER COLUMN … SET NOT NULL (PostgreSQL 12+): the columns a validated CHECK (col IS NOT NULL) added earlier
   * in this unit proves, whatever the schema model knows (it holds across a framework's separate runs too).
   */
  notNullChecked?: string[];
  /**
   * For ADD COLUMN: the columns written into every row, and why (the reason `rewrite` is set for them), from the
   * lock table.
   */
  columnRewrites?: ColumnRewrite[];
  /** For CREATE TABLE and ALTER TABLE: the columns of the table (by name) the unit declares as primary or foreign keys. */
  keyColumns?: string[];
  /**
   * For CREATE TABLE and ALTER TABLE: the type (PostgreSQL's name: int4, int8 …) of the column each foreign-key column
   * of the table references, by referencing column, as the schema model knows them once the unit has run. A column
   * whose referenced column the model does not know is absent.
   */
  referencedTypes?: Record<string, string>;
  /**
   * The names this statement creates (a CREATE INDEX CONCURRENTLY's index, ADD CONSTRAINT's constraints) that a
   * DROP … IF EXISTS earlier in the unit (or in the same ALTER TABLE) dropped first: a re-run rebuilds them.
   */
  droppedFirst?: string[];
  /** VALIDATE CONSTRAINTs of this statement whose NOT VALID add, earlier in the unit, runs in the same transaction. */
  validatesInAddTransaction?: Array<{ constraint: string; line: number }>;
  /**
   * For DROP SCHEMA, ALTER SCHEMA|TYPE|DOMAIN|[MATERIALIZED] VIEW … RENAME TO and ALTER TYPE … RENAME VALUE: the
   * schemas, types or views it drops or renames (unqualified names) that a statement before it in the unit
   * creates, so no running code uses them yet. For ALTER TABLE … RENAME COLUMN: the column (its old name) when a
   * statement before it in the unit added it, renamed a column to it, or renamed the table to its name.
   */
  createdEarlier?: string[];
  /**
   * The same statements: the names it drops or renames that a statement after it in the unit creates (a script
   * that drops and rebuilds a schema, a type swapped for a new one of the same name). For DROP TABLE: the tables a
   * CREATE TABLE … AS after it in the unit creates again, filled from a query (a cache table rebuilt).
   */
  createdLater?: string[];
  /** For REFRESH MATERIALIZED VIEW: a CREATE MATERIALIZED VIEW before it in the unit created the view (same name as written). */
  viewCreatedEarlier?: boolean;
  /**
   * For UPDATE: the schema change on its table in the same transaction (a statement other than DML whose strongest
   * lock is SHARE UPDATE EXCLUSIVE or stronger): the first one before it, whose lock the UPDATE runs under, or
   * else the first one after it, whose lock is requested while the UPDATE's row locks are held.
   */
  schemaChangeInTransaction?: { statement: StatementRef; lock: LockFact; earlier: boolean };
  /**
   * For ALTER TABLE … SET NOT NULL: the columns PostgreSQL checks with a scan of the table (not those notNullChecked
   * or notNullProven names, and none when the same statement rewrites the table from a known type: the rows are
   * checked as they are copied).
   */
  notNullScans?: string[];
  /**
   * For UPDATE … SET col = … WHERE col IS NULL run under an ACCESS EXCLUSIVE lock on the table the transaction holds
   * already: the ALTER TABLE … SET NOT NULL of that column later in the transaction, which scans the table under the
   * same lock (Django's AlterField from null to not null with a default sends SET DEFAULT, this UPDATE, SET NOT NULL).
   * The fill and the scan are one hazard, reported once, at the SET NOT NULL.
   */
  fillsForNotNull?: StatementRef;
  /**
   * For ALTER TABLE … SET NOT NULL: the UPDATE earlier in the transaction that fills NULLs of its columns
   * (fillsForNotNull), and the statement whose ACCESS EXCLUSIVE lock that UPDATE runs under.
   */
  nullsFilledBy?: { statement: StatementRef; columns: string[]; lockedBy: StatementRef };
  /**
   * At the first statement of a transaction that takes ACCESS EXCLUSIVE on an existing table, when slow work
   * follows in the transaction while the lock is held: the tables held and that work.
   */
  accessExclusiveHeld?: HeldLock;
  /**
   * Every table lock the statement takes, the transaction already holds as strong or stronger from an earlier
   * statement (the second DROP INDEX on a table in one transaction): it waits for no lock and blocks no one not
   * already blocked; the cost of the lock belongs to the statement that took it.
   */
  locksAlreadyHeld?: { statement: StatementRef; /** The index of the statement that took them. */ index: number };
  /**
   * For transaction control that meets a transaction already open (txProblem `begin-nested`: the transaction the
   * last statement before it ran in; `body-commit-in-transaction`: the transaction of the statement that runs the
   * PL/pgSQL body).
   */
  outerTransaction?: TxState;
  /** Transaction-control problems found at this statement. */
  txProblem?: 'begin-nested' | 'end-without-begin' | 'commit-in-wrapper' | 'savepoint-outside' | 'never-committed' | 'body-commit-in-transaction';
  /** The analysis crashed on this statement (a migralint bug): its lock facts are unknown, reported as `internal-error`. */
  internalError?: string;
}

/**
 * An added column filled row by row: a serial type (a nextval() default), an identity column, a stored generated
 * column, a volatile default, or any default before PostgreSQL 11. The first reason, in that order of checking.
 */
export interface ColumnRewrite {
  column?: string;
  cause: 'serial' | 'identity' | 'generated' | 'volatile-default' | 'default-before-11';
  /** The serial type as written (serial, bigserial …), for `serial`. */
  type?: string;
}

export interface SlowWork {
  kind: 'rewrite' | 'scan' | 'index' | 'rows' | 'copy';
  /** The table the work is done on (for `copy`, the one written). */
  table: QualifiedName;
}

/** Another statement of the unit, as a fact names it: its kind, its SQL and its line. */
export interface StatementRef {
  kind: string;
  sql: string;
  line: number;
}

/** StatementFacts.accessExclusiveHeld: what a transaction does while it holds ACCESS EXCLUSIVE locks on existing tables. */
export interface HeldLock {
  /**
   * The existing tables the transaction holds ACCESS EXCLUSIVE on through the slow work, in the order it locked
   * them (the first is this statement's); `takenHere`: this statement took the lock, not a later one.
   */
  tables: Array<{ table: TableInfo; takenHere: boolean }>;
  /** The statements that follow while the locks are held and take time, in order. */
  through: HeldThrough[];
}

/** A statement that takes time while an ACCESS EXCLUSIVE lock is held: slow work, or a lock wait with no lock_timeout. */
export interface HeldThrough {
  statement: StatementRef;
  /** Its slow work (StatementFacts.work). */
  work?: SlowWork;
  /** Without slow work: a lock on an existing table the transaction does not hold yet, requested with no lock_timeout. */
  wait?: LockFact;
  /** An UPDATE or DELETE without WHERE. */
  unbounded: boolean;
  /**
   * An UPDATE with slow work, of a table that a statement before it in the transaction (not one reading or
   * writing rows) locked SHARE UPDATE EXCLUSIVE or stronger.
   */
  afterSchemaChange: boolean;
}

export interface ForeignKeyFact {
  /** The referencing table's model key (`schema.name`) and its name as written. */
  table: string;
  tableName: QualifiedName;
  columns: string[];
  /** The referenced table's model key. */
  references: string;
  constraint?: string;
  /** An index (or PRIMARY KEY / UNIQUE) on the table leads with the key's columns, in any order. */
  indexed: boolean;
  /** The referencing table was created in the change being linted (so it is empty at deploy time). */
  newTable: boolean;
  /**
   * Table sizes (--stats, --database-url, config `tables`) say the referencing table is small today, new in this
   * migration or not: an already deployed migration of the history, whose key every later DELETE checks.
   */
  smallToday?: boolean;
  /** A name for the missing index that no relation in the model has. */
  indexName: string;
}

/** Where a setting in effect was set: a statement of this unit (its line), or the runner (`runner` says where). */
export type SettingOrigin = { line: number } | { runner: string };

/** A session setting the runner sets on every migration connection (config, or a project file that says so). */
export interface RunnerSetting {
  value: string;
  /** Where it is set, in words: "config lockTimeout", "config/database.yml line 9 (variables: lock_timeout)". */
  where: string;
  /** Set as a connection option (`-c`, `options=`): RESET returns to it. A SET run at connect is undone by RESET. */
  connectionOption?: boolean;
}

/** The session settings the runner sets on every migration connection. */
export type RunnerSettings = Partial<Record<'lock_timeout' | 'statement_timeout', RunnerSetting>>;

/** A statement a timeout finding covers, as the finding names it. */
export interface TimeoutStatement {
  index: number;
  line: number;
  /** The statement's first words ("ALTER TABLE"). */
  head: string;
  /** Its strongest lock; `blocks`: the statements that lock blocks (SELECT for ACCESS EXCLUSIVE, and for REINDEX). */
  lock?: { mode: LockMode; relation: QualifiedName; on: LockFact['on']; blocks: string[] };
  /**
   * Its locks of SHARE or stronger on other existing tables, which it waits for too: a foreign key's referenced
   * table (SHARE ROW EXCLUSIVE to add one, ACCESS EXCLUSIVE to drop one).
   */
  alsoLocks?: Array<{ mode: LockMode; relation: QualifiedName; blocks: string[] }>;
  /**
   * The statement's strong lock is a choice: made CONCURRENTLY (CREATE INDEX, DROP INDEX, REINDEX), it takes SHARE
   * UPDATE EXCLUSIVE, which no lock_timeout needs to bound. Set only where the rule asking for that form reports it
   * (not on a small or partitioned table's index, not REINDEX before PostgreSQL 12).
   */
  weakerForm?: 'create-index' | 'drop-index' | 'reindex';
}

/**
 * One finding about a session timeout in a unit, computed by the analysis (src/analysis/timeouts.ts) and carried
 * by the first statement it covers.
 */
export interface TimeoutFinding {
  setting: 'lock_timeout' | 'statement_timeout';
  /**
   * `missing`: no timeout in effect; `too-long`: a lock_timeout above lockTimeoutMax; `runner`: the runner sets it
   * on every migration connection (within lockTimeoutMax).
   */
  kind: 'missing' | 'too-long' | 'runner';
  /** In order; the first carries the finding. */
  statements: TimeoutStatement[];
  /** `too-long`, `runner`: the value in effect at the first statement, and where it was set. */
  value?: string;
  setBy?: SettingOrigin;
  /** `missing`: the first statement of the carrier's chunk (a SET there covers every statement listed). */
  chunkStart?: number;
  /** `missing`: something earlier in the chunk undoes a session setting (RESET, DISCARD ALL): a SET goes right before the carrier. */
  resetBefore?: boolean;
  /**
   * `missing`: the carrier's chunk is sent as one query and holds a statement that must run alone, or an index
   * statement another fix may make CONCURRENTLY: a SET in it would make the chunk one implicit transaction.
   */
  oneQueryMustRunAlone?: boolean;
  /** `missing`: every statement listed has a `weakerForm`: the findings asking for it already cover the cost. */
  ownedByWeakerLock?: boolean;
}

export type AnalyzedStatement = Statement & {
  facts: StatementFacts;
};

export type SeverityName = 'off' | 'info' | 'warn' | 'error';

/** A finding, before suppression and formatting. */
export interface Finding {
  ruleId: string;
  severity: Exclude<SeverityName, 'off'>;
  message: string;
  /** The rule's message id and the data filled into it (rule findings; engine findings have none). */
  messageId?: string;
  messageData?: Record<string, string | number>;
  span: Span;
  loc: Loc;
  /** The statement the finding is about, when there is one (used by reporters for the snippet). */
  statementIndex?: number;
  fix?: Fix;
  suggestions?: Fix[];
  help?: string;
  data?: {
    lock?: { mode: string; relation: string; blocks: string[] };
    table?: { name: string; rows?: number; bytes?: number; sizeClass: SizeClass };
    foreignKey?: { table: string; columns: string[] };
  };
}

/**
 * One statement as reports show it, from its facts: every statement of a file, flagged or not, so a report can
 * draw what the migration locks without analysing it again.
 */
export interface StatementSummary {
  line: number;
  /** The statement's kind in SQL words: "CREATE INDEX", "ALTER TABLE". */
  head: string;
  /** The locks it takes: the strongest mode per relation. */
  locks: Array<{ mode: LockMode; relation: string; on: LockFact['on'] }>;
  /** The tables it acts on, with their size. */
  tables: Array<{ name: string; rows?: number; bytes?: number; sizeClass: SizeClass }>;
  /** The table it creates (CREATE TABLE …): new, so empty, for the rest of the migration. */
  creates?: string;
  /** Why it runs inside a transaction (its locks are held until that ends), or absent when it runs on its own. */
  transaction?: string;
}

/** Lint result for one file. */
export interface FileResult {
  filePath: string;
  framework?: FrameworkId;
  assumption?: string;
  findings: Finding[];
  /** The source, for reporters that print snippets. */
  source?: string;
  /** Set when the file could not be linted at all (unreadable, binary …). */
  fatal?: string;
  /** Every statement, in order, with the locks the analysis found (for reports that picture them). */
  statements?: StatementSummary[];
  /**
   * Syntax errors the parsers found (host language and SQL), whatever rules are on or suppressed: the parse
   * guard of --fix compares these, never findings.
   */
  syntaxErrors?: number;
  /** What was read: statements parsed, and statements that could not be read statically. */
  coverage?: Coverage;
}

/** The settings one lint run uses (from config and CLI flags). */
/** A set of rules, as ESLint's shared configs (src/engine/presets.ts). */
export type PresetName = 'recommended' | 'strict' | 'all';

export interface LintSettings {
  pgVersion: number;
  largeTableRows: number;
  lockTimeoutValue: string;
  /** Config `lockTimeoutMax` when set: a longer lock_timeout is reported. Unset, only values above 10s are. */
  lockTimeoutMax?: string;
  /** Settings the runner makes on every migration connection: config `lockTimeout` / `statementTimeout` (`setBy: "runner"`). */
  runner?: RunnerSettings;
  assumeInTransaction?: boolean;
  includeDown?: boolean;
  frameworkOptions?: Record<string, Record<string, unknown>>;
  /** The preset in use (default `recommended`): decides which rules are on, and the scope of some (prefer-bigint-over-int). */
  preset?: PresetName;
}

/** What a framework offers to make a statement run outside a transaction, in its own terms. */
export type EscapePlan = { kind: 'fix' | 'suggestion'; description: string; edits: Edit[]; files?: FileWrite[] } | { kind: 'manual'; help: string };

/** A file a directory walk found and left out, and why (coverage in reports). Files named explicitly are never skipped. */
export interface SkippedFile {
  filePath: string;
  /**
   * `outside-migrations`: a loose `.sql` file no framework claims, outside migration folders (a query file, a seed);
   * `not-a-migration`: a file inside a migration folder that is not a migration (`__init__.py`, `env.py`, a helper);
   * `other-database`: a migration kept for another database (`versions/sqlite/`, `migrations/mysql/`).
   */
  reason: 'outside-migrations' | 'not-a-migration' | 'other-database';
}

/** How much of a file's SQL migralint read (FileResult.coverage). */
export interface Coverage {
  /** Statements parsed and analysed: SQL text and DSL operations. */
  statements: number;
  /** Statements in host-language code that are built at run time and could not be read (one per unsupported-framework-construct note). */
  unreadable: number;
}
