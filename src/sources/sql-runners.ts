import path from 'node:path';
import { eolOf } from '../engine/fixer.js';
import { scanLineDirectives } from '../engine/directives.js';
import type { AnalyzedStatement, Edit, ExecutionContext, FrameworkId, MigrationUnit, SourceFile, SqlChunk } from '../types.js';
import type { EscapePlan, ExtractContext, FrameworkAdapter } from './adapter.js';
import { NO_FILES } from '../fs.js';

/**
 * The migration tools whose migrations are SQL files: how each one sends a file to PostgreSQL (wrapped in its
 * transaction per file or per run, or not; as one query per chunk, or statement by statement), its opt-outs, and
 * how to get a statement out of its transaction in its own terms. Facts: docs/FRAMEWORKS.md.
 */

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

/** A chunk that is the slice [start, end) of the file, verbatim. */
function slice(file: SourceFile, start: number, end: number, exec: ExecutionContext): SqlChunk {
  return { kind: 'sql', text: file.text.slice(start, end), segments: [{ chunkStart: 0, fileStart: start, length: end - start, verbatim: true }], exec };
}

function unit(file: SourceFile, framework: FrameworkId, items: SqlChunk[], assumption?: string): MigrationUnit {
  return { file, framework, items, directives: scanLineDirectives(file.text, '--'), notes: [], assumption };
}

/** A frameworkOptions value for this framework, checked against the allowed values (warns and falls back when not). */
function option<T>(ctx: ExtractContext, framework: FrameworkId, key: string, allowed: (v: unknown) => v is T, describe: string): T | undefined {
  const value = ctx.settings.frameworkOptions?.[framework]?.[key];
  if (value === undefined) return undefined;
  if (allowed(value)) return value;
  ctx.warn(`frameworkOptions.${framework}.${key} must be ${describe}, not ${JSON.stringify(value)}; using the default.`);
  return undefined;
}

const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

/** Lines with their offsets; `end` excludes the line break, `next` is the start of the next line. */
interface Line {
  text: string;
  start: number;
  end: number;
  next: number;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push({ text: text.slice(at, m.index), start: at, end: m.index, next: m.index + m[0].length });
    at = m.index + m[0].length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), start: at, end: text.length, next: text.length });
  return out;
}


function inItem(stmt: AnalyzedStatement, statements: AnalyzedStatement[]): AnalyzedStatement[] {
  return statements.filter((s) => s.itemIndex === stmt.itemIndex);
}

/** Statements that lose nothing when they run outside a transaction: settings and other must-run-alone commands. */
function harmlessOutside(s: AnalyzedStatement): boolean {
  return s.kind === 'VariableSetStmt' || s.facts.nonTransactional;
}

function display(file: SourceFile): string {
  return file.path.split(path.sep).join('/');
}

const OWN_MIGRATION = 'Put this statement alone in a migration of its own';

// ---------------------------------------------------------------------------------------------------------------
// Drizzle

const DRIZZLE_REASON = 'Drizzle runs all pending migrations in one transaction';

const journalProblems = new Map<string, string | undefined>();

/** What is wrong with a journal's text, judged once per distinct text (every migration beside it asks). */
function journalProblem(text: string): string | undefined {
  if (journalProblems.has(text)) return journalProblems.get(text);
  let problem: string | undefined;
  try {
    const journal = JSON.parse(text) as { entries?: unknown };
    if (!journal || typeof journal !== 'object' || !Array.isArray(journal.entries)) problem = 'it has no "entries" array';
  } catch (e) {
    problem = `it is not valid JSON (${(e as Error).message})`;
  }
  journalProblems.set(text, problem);
  return problem;
}

function checkDrizzleJournal(file: SourceFile, ctx: ExtractContext): void {
  const dir = path.dirname(path.resolve(file.path));
  if (!/^\d{4}_.+\.sql$/.test(path.basename(file.path))) return;
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const text = (ctx.fs ?? NO_FILES).readFile(journalPath);
  if (text === undefined) return;
  const problem = journalProblem(text);
  if (problem) {
    ctx.warn(`Drizzle journal ${path.relative(process.cwd(), journalPath).split(path.sep).join('/')} could not be read: ${problem}. Assuming Drizzle's default: all pending migrations run in one transaction, split on --> statement-breakpoint.`);
  }
}

export const drizzleAdapter: FrameworkAdapter = {
  id: 'drizzle',
  name: 'Drizzle',
  commentPrefix: '--',
  extract(file, ctx) {
    checkDrizzleJournal(file, ctx);
    // drizzle-orm's migrator: sql.split('--> statement-breakpoint'), each part one query, all in one transaction.
    const items: SqlChunk[] = [];
    const marker = '--> statement-breakpoint';
    const exec: ExecutionContext = { wrapped: true, reason: DRIZZLE_REASON, oneQuery: true };
    let at = 0;
    for (;;) {
      const i = file.text.indexOf(marker, at);
      const end = i < 0 ? file.text.length : i;
      items.push(slice(file, at, end, exec));
      if (i < 0) break;
      at = i + marker.length;
    }
    return unit(file, 'drizzle', items);
  },
  escapeTransaction(_stmt, unit) {
    return {
      kind: 'manual',
      help:
        `${DRIZZLE_REASON} and has no way to run one outside it. ${OWN_MIGRATION} (drizzle-kit generate --custom), ` +
        `run it outside the migrator (psql "$DATABASE_URL" -f ${display(unit.file)}), then record it as applied: insert its hash and the journal entry's "when" into drizzle.__drizzle_migrations so drizzle-kit migrate skips it. ` +
        'Do not add COMMIT; before it: that ends Drizzle\'s transaction and silently breaks the atomicity of the whole run.',
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Prisma

export const prismaAdapter: FrameworkAdapter = {
  id: 'prisma',
  name: 'Prisma',
  commentPrefix: '--',
  extract(file, ctx) {
    const engine = option(ctx, 'prisma', 'engine', (v): v is 'one-query' | 'per-statement' => v === 'one-query' || v === 'per-statement', '"one-query" or "per-statement"') ?? 'one-query';
    const oneQuery = engine === 'one-query';
    return unit(
      file,
      'prisma',
      [
        slice(file, 0, file.text.length, {
          wrapped: false,
          reason: oneQuery ? 'Prisma Migrate sends migration.sql as one query' : 'Prisma Migrate runs migration.sql statement by statement',
          oneQuery,
        }),
      ],
      oneQuery
        ? 'the schema engine sends migration.sql as one query, as older engines do (set frameworkOptions.prisma.engine to "per-statement" for engines that run it statement by statement)'
        : 'the schema engine runs migration.sql statement by statement (frameworkOptions.prisma.engine = "per-statement")',
    );
  },
  escapeTransaction() {
    return {
      kind: 'manual',
      help: `${OWN_MIGRATION} (prisma migrate dev --create-only, then leave only this statement in its migration.sql), or run it out of band and mark the migration applied with prisma migrate resolve --applied <migration>.`,
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Flyway

/** Reads `<file>.conf` (Java properties): executeInTransaction, with warnings for what Flyway would reject. */
function flywayConf(file: SourceFile, ctx: ExtractContext): boolean | undefined {
  const confPath = `${path.resolve(file.path)}.conf`;
  // A fix pending in this --fix run may have written it already: the file system shows it.
  const text = (ctx.fs ?? NO_FILES).readFile(confPath);
  if (text === undefined) return undefined;
  const name = `${path.basename(file.path)}.conf`;
  let execute: boolean | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!m) {
      ctx.warn(`Flyway script config ${name} line ${i + 1} is not a key=value line: "${line}". Assuming Flyway's default: the migration runs in a transaction.`);
      return undefined;
    }
    if (m[1] === 'executeInTransaction') {
      const v = m[2]!.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') {
        ctx.warn(`Flyway script config ${name}: executeInTransaction must be true or false, not "${m[2]}". Assuming Flyway's default: the migration runs in a transaction.`);
        return undefined;
      }
      execute = v === 'true';
    }
  }
  return execute;
}

const FLYWAY_CONCURRENT = /\b(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\b[^;]*?)\s+CONCURRENTLY\b/i;

export const flywayAdapter: FrameworkAdapter = {
  id: 'flyway',
  name: 'Flyway',
  commentPrefix: '--',
  extract(file, ctx) {
    const base = path.basename(file.path);
    if (/^U/i.test(base) && !ctx.settings.includeDown) return unit(file, 'flyway', []);
    const conf = flywayConf(file, ctx);
    const detects = option(ctx, 'flyway', 'detectNonTransactional', isBool, 'true or false') ?? false;
    let exec: ExecutionContext;
    let assumption: string | undefined;
    if (conf === false) exec = { wrapped: false, reason: `${base}.conf sets executeInTransaction=false`, oneQuery: false };
    else if (conf === undefined && detects && FLYWAY_CONCURRENT.test(file.text)) {
      exec = { wrapped: false, reason: 'Flyway runs a migration with CONCURRENTLY outside a transaction', oneQuery: false };
      assumption = 'detects CONCURRENTLY and runs this migration without a transaction (frameworkOptions.flyway.detectNonTransactional = true)';
    } else {
      exec = { wrapped: true, reason: 'Flyway runs each migration in a transaction', oneQuery: false };
      if (conf === undefined && FLYWAY_CONCURRENT.test(file.text)) {
        assumption = 'this migration runs in a transaction, CONCURRENTLY or not (set frameworkOptions.flyway.detectNonTransactional to true if your Flyway version detects it)';
      }
    }
    return unit(file, 'flyway', [slice(file, 0, file.text.length, exec)], assumption);
  },
  escapeTransaction(stmt, unit, statements, fs) {
    const base = path.basename(unit.file.path);
    const alone = statements.every((s) => s === stmt || harmlessOutside(s));
    const lockNote = 'With Flyway\'s transactional lock on (flyway.postgresql.transactional.lock, the default) a concurrent build waits for Flyway\'s own lock transaction: set it to false.';
    if (!alone) return { kind: 'manual', help: `${OWN_MIGRATION}, then create ${base}.conf beside it with executeInTransaction=false. ${lockNote}` };
    // A suggestion, not a fix: whether the build then runs depends on the transactional lock setting too.
    const confPath = `${path.resolve(unit.file.path)}.conf`;
    const existing = fs.readFile(confPath) ?? '';
    const line = 'executeInTransaction=false';
    const text = /^\s*executeInTransaction\s*[=:].*$/m.test(existing)
      ? existing.replace(/^\s*executeInTransaction\s*[=:].*$/m, line)
      : `${existing}${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`;
    return { kind: 'suggestion', description: `Set executeInTransaction=false in ${base}.conf. ${lockNote}`, edits: [], files: [{ path: confPath, text }] };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// golang-migrate

export const golangMigrateAdapter: FrameworkAdapter = {
  id: 'golang-migrate',
  name: 'golang-migrate',
  commentPrefix: '--',
  extract(file, ctx) {
    if (/\.down\.sql$/i.test(file.path) && !ctx.settings.includeDown) return unit(file, 'golang-migrate', []);
    const multi = option(ctx, 'golang-migrate', 'multiStatement', isBool, 'true or false') ?? false;
    const exec: ExecutionContext = multi
      ? { wrapped: false, reason: 'golang-migrate (x-multi-statement=true) sends the statements one by one', oneQuery: false }
      : { wrapped: false, reason: 'golang-migrate sends this file as one query', oneQuery: true };
    return unit(file, 'golang-migrate', [slice(file, 0, file.text.length, exec)], multi ? 'runs with x-multi-statement=true (frameworkOptions["golang-migrate"].multiStatement)' : undefined);
  },
  escapeTransaction() {
    return { kind: 'manual', help: `${OWN_MIGRATION} (migrate create -ext sql …): golang-migrate sends a file as one query, so a CONCURRENTLY statement must be the only statement of its file.` };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// goose

const GOOSE_ANNOTATION = /^\s*--\s*\+goose\s+(up|down|statementbegin|statementend|no\s+transaction|envsub\s+on|envsub\s+off)\b/i;
const GOOSE_REASON = 'goose runs each migration in a transaction';

export const gooseAdapter: FrameworkAdapter = {
  id: 'goose',
  name: 'goose',
  commentPrefix: '--',
  extract(file, ctx) {
    const all = lines(file.text);
    const noTx = all.some((l) => /^\s*--\s*\+goose\s+no\s+transaction\b/i.test(l.text));
    const hasUp = all.some((l) => /^\s*--\s*\+goose\s+up\b/i.test(l.text));
    const plain: ExecutionContext = noTx
      ? { wrapped: false, reason: 'goose runs this migration without a transaction (-- +goose NO TRANSACTION)', oneQuery: false }
      : { wrapped: true, reason: GOOSE_REASON, oneQuery: false };
    const block: ExecutionContext = { ...plain, oneQuery: true, reason: noTx ? 'goose sends the StatementBegin … StatementEnd block as one query' : GOOSE_REASON };
    const items: SqlChunk[] = [];
    let section: 'none' | 'up' | 'down' = hasUp ? 'none' : 'up';
    let inBlock = false;
    let regionStart = 0;
    let downStarted = false;
    const close = (end: number) => {
      const keep = section === 'up' || (section === 'down' && ctx.settings.includeDown);
      if (!keep || end <= regionStart) return;
      const exec = inBlock ? block : plain;
      // The Down section runs on rollback, on its own: nothing of the Up section carries over.
      const first = section === 'down' && !downStarted;
      if (section === 'down') downStarted = true;
      items.push(slice(file, regionStart, end, first ? { ...exec, separateRun: true } : exec));
    };
    for (const l of all) {
      const m = GOOSE_ANNOTATION.exec(l.text);
      if (!m) continue;
      close(l.start);
      const a = m[1]!.toLowerCase().replace(/\s+/g, ' ');
      if (a === 'up') section = 'up';
      else if (a === 'down') section = 'down';
      else if (a === 'statementbegin') inBlock = true;
      else if (a === 'statementend') inBlock = false;
      regionStart = l.next;
    }
    close(file.text.length);
    return unit(file, 'goose', items);
  },
  escapeTransaction(stmt, unit, statements) {
    const block = inItem(stmt, statements);
    if (stmt.item.exec.oneQuery && block.length > 1) {
      return { kind: 'manual', help: 'goose sends a StatementBegin … StatementEnd block as one query: take this statement out of the block and add -- +goose NO TRANSACTION.' };
    }
    if (!stmt.item.exec.wrapped) return null;
    const text = unit.file.text;
    const up = lines(text).find((l) => /^\s*--\s*\+goose\s+up\b/i.test(l.text));
    const at = up ? up.start : 0;
    const others = statements.filter((s) => s !== stmt && !harmlessOutside(s));
    return {
      kind: others.length === 0 ? 'fix' : 'suggestion',
      description:
        others.length === 0
          ? 'Add -- +goose NO TRANSACTION'
          : `Add -- +goose NO TRANSACTION (the other ${others.length} statement(s) of this migration then run without a transaction too; or move this statement into its own migration)`,
      edits: [{ start: at, end: at, text: `-- +goose NO TRANSACTION${eolOf(text)}` }],
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// dbmate

const DBMATE_UP = /^--[ \t]*migrate:up(?:[ \t]+([^\r\n]*?))?[ \t]*(?=\r?\n|$)/m;
const DBMATE_DOWN = /^--[ \t]*migrate:down(?:[ \t]+([^\r\n]*?))?[ \t]*(?=\r?\n|$)/m;

function dbmateExec(options: string | undefined, section: 'up' | 'down'): ExecutionContext {
  const noTx = /(?:^|\s)transaction:false(?:\s|$)/.test(options ?? '');
  return noTx
    ? { wrapped: false, reason: `dbmate sends the migrate:${section} section as one query`, oneQuery: true }
    : { wrapped: true, reason: `dbmate runs the migrate:${section} section in a transaction`, oneQuery: true };
}

export const dbmateAdapter: FrameworkAdapter = {
  id: 'dbmate',
  name: 'dbmate',
  commentPrefix: '--',
  extract(file, ctx) {
    const text = file.text;
    const up = DBMATE_UP.exec(text);
    const down = DBMATE_DOWN.exec(text);
    const items: SqlChunk[] = [];
    if (!up) {
      // dbmate refuses such a file; lint it whole as an up section so nothing is skipped.
      items.push(slice(file, 0, text.length, dbmateExec(undefined, 'up')));
      return unit(file, 'dbmate', items);
    }
    const upStart = up.index + up[0].length;
    const upEnd = down && down.index > up.index ? down.index : text.length;
    items.push(slice(file, upStart, upEnd, dbmateExec(up[1], 'up')));
    if (down && down.index > up.index && ctx.settings.includeDown) {
      items.push(slice(file, down.index + down[0].length, text.length, { ...dbmateExec(down[1], 'down'), separateRun: true }));
    }
    return unit(file, 'dbmate', items);
  },
  escapeTransaction(stmt, unit, statements) {
    const section = inItem(stmt, statements);
    if (section.length > 1) {
      return {
        kind: 'manual',
        help: `dbmate sends a whole section as one query, so even with transaction:false its ${section.length} statements run as one implicit transaction. ${OWN_MIGRATION} (dbmate new …) whose section is -- migrate:up transaction:false, one CONCURRENTLY statement per migration.`,
      };
    }
    if (!stmt.item.exec.wrapped) return null;
    const text = unit.file.text;
    const re = stmt.item.exec.reason.includes('migrate:down') ? DBMATE_DOWN : DBMATE_UP;
    const m = re.exec(text);
    if (!m) return null;
    const lineEnd = m.index + m[0].length;
    const opts = m[1];
    const edits: Edit[] = [];
    const existing = opts ? /transaction:\S*/.exec(opts) : null;
    if (existing && opts) {
      const optStart = m.index + m[0].indexOf(opts);
      edits.push({ start: optStart + existing.index, end: optStart + existing.index + existing[0].length, text: 'transaction:false' });
    } else {
      const trimmedEnd = m.index + m[0].replace(/[ \t]+$/, '').length;
      edits.push({ start: trimmedEnd, end: lineEnd, text: ' transaction:false' });
    }
    return { kind: 'fix', description: 'Run the section without a transaction (transaction:false)', edits };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// sqitch

export const sqitchAdapter: FrameworkAdapter = {
  id: 'sqitch',
  name: 'sqitch',
  commentPrefix: '--',
  extract(file, ctx) {
    const folder = path.basename(path.dirname(path.resolve(file.path)));
    if (folder === 'revert' && !ctx.settings.includeDown) return unit(file, 'sqitch', []);
    // sqitch deploys with psql: statement by statement; its template's BEGIN/COMMIT is tracked as explicit SQL.
    return unit(file, 'sqitch', [slice(file, 0, file.text.length, { wrapped: false, reason: 'sqitch runs the script with psql, statement by statement', oneQuery: false })]);
  },
};

// ---------------------------------------------------------------------------------------------------------------
// graphile-migrate

/** Where the migration body starts: after the `--! Key: value` headers of a committed migration and one blank line. */
function graphileBodyStart(text: string): number {
  const ls = lines(text);
  let i = 0;
  while (i < ls.length && /^--! [A-Za-z]+:/.test(ls[i]!.text)) i++;
  if (i === 0) return 0;
  if (i < ls.length && ls[i]!.text.trim() === '') i++;
  return i < ls.length ? ls[i]!.start : text.length;
}

export const graphileAdapter: FrameworkAdapter = {
  id: 'graphile-migrate',
  name: 'graphile-migrate',
  commentPrefix: '--',
  extract(file) {
    const body = graphileBodyStart(file.text);
    const noTx = /^--!\s*no-transaction\b/.test(file.text.slice(body));
    const exec: ExecutionContext = noTx
      ? { wrapped: false, reason: 'graphile-migrate sends the migration as one query', oneQuery: true }
      : { wrapped: true, reason: 'graphile-migrate runs each migration in a transaction', oneQuery: true };
    return unit(file, 'graphile-migrate', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements) {
    const alone = statements.length === 1;
    const committed = graphileBodyStart(unit.file.text) > 0;
    if (!alone) {
      return { kind: 'manual', help: `graphile-migrate sends a migration as one query, so --! no-transaction works only for a migration of exactly one statement. ${OWN_MIGRATION} starting with --! no-transaction.` };
    }
    if (!stmt.item.exec.wrapped) return null;
    if (committed) {
      return { kind: 'manual', help: 'Add --! no-transaction as the first line of the migration body: a committed migration\'s hash then changes, so uncommit it (graphile-migrate uncommit), add the line to current.sql and commit again.' };
    }
    return { kind: 'fix', description: 'Add --! no-transaction as the first line', edits: [{ start: 0, end: 0, text: `--! no-transaction${eolOf(unit.file.text)}` }] };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Supabase CLI

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  if (!m) return false;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

export const supabaseAdapter: FrameworkAdapter = {
  id: 'supabase',
  name: 'Supabase CLI',
  commentPrefix: '--',
  extract(file, ctx) {
    const version = option(ctx, 'supabase', 'cliVersion', (v): v is string => typeof v === 'string' && /^v?\d+\.\d+/.test(v), 'a version such as "2.109.0"');
    const modern = version !== undefined && versionAtLeast(version, 2, 109);
    const exec: ExecutionContext = modern
      ? { wrapped: false, reason: 'Supabase CLI 2.109+ runs CONCURRENTLY statements on their own', oneQuery: false }
      : { wrapped: false, reason: 'Supabase CLI sends each migration file as one batch', oneQuery: true };
    return unit(
      file,
      'supabase',
      [slice(file, 0, file.text.length, exec)],
      modern
        ? `CLI ${version} runs CONCURRENTLY statements on their own (frameworkOptions.supabase.cliVersion)`
        : 'a CLI before 2.109, which sends a migration file as one batch (set frameworkOptions.supabase.cliVersion to your version if it is 2.109 or later)',
    );
  },
  escapeTransaction() {
    return { kind: 'manual', help: `${OWN_MIGRATION} (supabase migration new …), or use Supabase CLI 2.109 or later, which runs CONCURRENTLY statements on their own (and set frameworkOptions.supabase.cliVersion).` };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Diesel

/** Reads metadata.toml's run_in_transaction (a flat TOML file); warns for what cannot be read. */
function dieselMetadataPath(file: SourceFile): string {
  return path.join(path.dirname(path.resolve(file.path)), 'metadata.toml');
}

function dieselMetadata(file: SourceFile, ctx: ExtractContext): boolean | undefined {
  const metaPath = dieselMetadataPath(file);
  // A fix pending in this --fix run may have written it already: the file system shows it.
  const text = (ctx.fs ?? NO_FILES).readFile(metaPath);
  if (text === undefined) return undefined;
  const name = `${path.basename(path.dirname(metaPath))}/metadata.toml`;
  let run: boolean | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    if (/^\[[^\]]+\]$/.test(line)) continue;
    const m = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!m) {
      ctx.warn(`Diesel ${name} line ${i + 1} is not valid TOML: "${line}". Assuming Diesel's default: the migration runs in a transaction.`);
      return undefined;
    }
    if (m[1] === 'run_in_transaction') {
      if (m[2] !== 'true' && m[2] !== 'false') {
        ctx.warn(`Diesel ${name}: run_in_transaction must be true or false, not ${m[2]}. Assuming Diesel's default: the migration runs in a transaction.`);
        return undefined;
      }
      run = m[2] === 'true';
    }
  }
  return run;
}

export const dieselAdapter: FrameworkAdapter = {
  id: 'diesel',
  name: 'Diesel',
  commentPrefix: '--',
  extract(file, ctx) {
    if (path.basename(file.path) === 'down.sql' && !ctx.settings.includeDown) return unit(file, 'diesel', []);
    const run = dieselMetadata(file, ctx);
    const exec: ExecutionContext =
      run === false
        ? { wrapped: false, reason: 'Diesel sends the migration as one query (batch_execute)', oneQuery: true }
        : { wrapped: true, reason: 'Diesel runs each migration in a transaction', oneQuery: true };
    return unit(file, 'diesel', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements, fs) {
    const dir = path.basename(path.dirname(path.resolve(unit.file.path)));
    if (statements.length > 1) {
      return { kind: 'manual', help: `Diesel sends a migration as one query, so run_in_transaction = false works only for a migration of one statement. ${OWN_MIGRATION} (diesel migration generate …) with a metadata.toml that says run_in_transaction = false.` };
    }
    if (!stmt.item.exec.wrapped) return null;
    // The statement is the migration's only one: Diesel's own opt-out, in the metadata.toml beside up.sql.
    const metaPath = dieselMetadataPath(unit.file);
    const existing = fs.readFile(metaPath) ?? '';
    const line = 'run_in_transaction = false';
    const text = /^\s*run_in_transaction\s*=.*$/m.test(existing)
      ? existing.replace(/^\s*run_in_transaction\s*=.*$/m, line)
      : `${existing}${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`;
    return { kind: 'fix', description: `Set run_in_transaction = false in ${dir}/metadata.toml`, edits: [], files: [{ path: metaPath, text }] };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// sqlx

export const sqlxAdapter: FrameworkAdapter = {
  id: 'sqlx',
  name: 'sqlx',
  commentPrefix: '--',
  extract(file, ctx) {
    if (/\.down\.sql$/i.test(file.path) && !ctx.settings.includeDown) return unit(file, 'sqlx', []);
    // sqlx: `no_tx = sql.starts_with("-- no-transaction")`; the file is executed as one simple query.
    const noTx = file.text.startsWith('-- no-transaction');
    const exec: ExecutionContext = noTx
      ? { wrapped: false, reason: 'sqlx sends the migration as one query', oneQuery: true }
      : { wrapped: true, reason: 'sqlx runs each migration in a transaction', oneQuery: true };
    return unit(file, 'sqlx', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements) {
    if (statements.length > 1) {
      return { kind: 'manual', help: `sqlx sends a migration as one query, so -- no-transaction works only for a migration of one statement. ${OWN_MIGRATION} (sqlx migrate add …) that starts with -- no-transaction.` };
    }
    if (!stmt.item.exec.wrapped) return null;
    return { kind: 'fix', description: 'Start the file with -- no-transaction', edits: [{ start: 0, end: 0, text: `-- no-transaction${eolOf(unit.file.text)}` }] };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Atlas

/** The `-- atlas:txmode` directive in the file header (the comment lines before the first statement). */
function atlasTxMode(text: string): string | undefined {
  for (const l of lines(text)) {
    const t = l.text.trim();
    if (t === '') continue;
    if (!t.startsWith('--')) break;
    const m = /^--\s*atlas:txmode\s+(\S+)/.exec(t);
    if (m) return m[1]!.toLowerCase();
  }
  return undefined;
}

export const atlasAdapter: FrameworkAdapter = {
  id: 'atlas',
  name: 'Atlas',
  commentPrefix: '--',
  extract(file, ctx) {
    const mode = atlasTxMode(file.text);
    let exec: ExecutionContext;
    if (mode === 'none') exec = { wrapped: false, reason: 'Atlas runs this file without a transaction (-- atlas:txmode none)', oneQuery: false };
    else if (mode === 'all') exec = { wrapped: true, reason: 'Atlas runs all pending files in one transaction (-- atlas:txmode all)', oneQuery: false };
    else {
      if (mode !== undefined && mode !== 'file') ctx.warn(`Atlas directive -- atlas:txmode ${mode} is not none, file or all; assuming Atlas's default (file).`);
      exec = { wrapped: true, reason: 'Atlas runs each migration file in a transaction', oneQuery: false };
    }
    return unit(file, 'atlas', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements) {
    if (!stmt.item.exec.wrapped) return null;
    const text = unit.file.text;
    const eol = eolOf(text);
    const others = statements.filter((s) => s !== stmt && !harmlessOutside(s));
    const existing = /^--\s*atlas:txmode\s+\S+/m.exec(text);
    const edits: Edit[] = existing ? [{ start: existing.index, end: existing.index + existing[0].length, text: '-- atlas:txmode none' }] : [{ start: 0, end: 0, text: `-- atlas:txmode none${eol}${eol}` }];
    return {
      kind: 'suggestion',
      description: `Run the file without a transaction (-- atlas:txmode none), then re-hash with atlas migrate hash${others.length ? `; the other ${others.length} statement(s) of this file then run without a transaction too` : ''}`,
      edits,
    };
  },
};

/** The SQL-file frameworks, by id. */
export const SQL_RUNNER_ADAPTERS: FrameworkAdapter[] = [
  drizzleAdapter,
  prismaAdapter,
  flywayAdapter,
  golangMigrateAdapter,
  gooseAdapter,
  dbmateAdapter,
  sqitchAdapter,
  graphileAdapter,
  supabaseAdapter,
  dieselAdapter,
  sqlxAdapter,
  atlasAdapter,
];

export type { EscapePlan };
