import { relationOf } from '../sql/nodes.js';
import { isVerbatim, toFileSpan } from '../sql/statements.js';
import { NO_FILES, type FileSystem } from '../fs.js';
import type { FrameworkAdapter } from '../sources/adapter.js';
import { escapeForLiteral } from '../sources/escape.js';
import type { AnalyzedStatement, Edit, EscapePlan, MigrationUnit, SqlChunk, Span } from '../types.js';

/** A change inside a statement's own SQL text: offsets relative to `stmt.sql`. */
interface LocalEdit {
  start: number;
  end: number;
  text: string;
}

const KEYWORD_SITES: Record<string, RegExp> = {
  IndexStmt: /^CREATE\s+(?:UNIQUE\s+)?INDEX\b/i,
  DropStmt: /^DROP\s+INDEX\b/i,
  ReindexStmt: /^REINDEX\s*(?:\([^)]*\)\s*)?(?:INDEX|TABLE|SCHEMA|DATABASE|SYSTEM)\b/i,
  RefreshMatViewStmt: /^REFRESH\s+MATERIALIZED\s+VIEW\b/i,
};

function applyLocal(text: string, edits: LocalEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * Builds the edits rules attach to findings. SQL edits land only where the SQL is the file's text verbatim
 * (never through an escape sequence); DSL operations and framework escapes are the adapter's.
 */
export class Fixer {
  readonly eol: string;

  constructor(
    private readonly unit: MigrationUnit,
    private readonly statements: AnalyzedStatement[],
    private readonly adapter: FrameworkAdapter,
    /** The files beside the migration, for escapes that edit one (a Flyway .conf, Diesel's metadata.toml). */
    private readonly fs: FileSystem = NO_FILES,
  ) {
    this.eol = eolOf(unit.file.text);
  }

  /** The unit's statement at this index: where an edit the analysis placed (facts.timeouts) lands. */
  statementAt(index: number): AnalyzedStatement | undefined {
    return this.statements[index];
  }

  /** The framework writes a setting as host-language code of its own before a statement (see insertBefore). */
  get insertsCode(): boolean {
    return this.adapter.insertBefore !== undefined;
  }

  /** Code that runs `sql` (a `SET …`) just before `stmt`, in the framework's own terms; null when it cannot. */
  insertBefore(stmt: AnalyzedStatement, sql: string): Edit[] | null {
    return this.adapter.insertBefore?.(stmt, sql, this.unit) ?? null;
  }

  /** A DSL call's constraint added NOT VALID and validated later, in the framework's terms; null when it cannot. */
  notValidOperation(stmt: AnalyzedStatement): EscapePlan | null {
    return this.adapter.notValidOperation?.(stmt, this.unit, this.fs) ?? null;
  }

  /** Maps an edit inside `stmt.sql` to a file edit, or null when that part of the file cannot take it. */
  fileEdit(stmt: AnalyzedStatement, local: LocalEdit): Edit | null {
    const item = stmt.item;
    if (item.kind !== 'sql') return null;
    return chunkEdit(item, this.unit.file.text, { start: stmt.chunkSpan.start + local.start, end: stmt.chunkSpan.start + local.end }, local.text);
  }

  /**
   * What follows the statement (and its `;`) on its last line when that is only blanks and a `--` comment:
   * `end` is where that comment ends, relative to `stmt.sql`; `comment` is the text from the `;` to there
   * (empty when there is no comment). Null when more SQL follows on the line, or for DSL operations.
   */
  lineTail(stmt: AnalyzedStatement): { end: number; comment: string } | null {
    if (stmt.item.kind !== 'sql') return null;
    const after = stmt.chunkSpanWithSemicolon.end;
    const m = /^[ \t]*(--[^\r\n]*)?(?=\r?\n|\r|$)/.exec(stmt.item.text.slice(after));
    if (!m) return null;
    const comment = m[1] ? m[0].replace(/[ \t]+$/, '') : '';
    return { end: after - stmt.chunkSpan.start + comment.length, comment };
  }

  /**
   * Where text goes "right after" a statement, relative to `stmt.sql`: after its `;`, or after the comment that
   * ends its line, so an inserted statement never takes over a comment written about this one.
   */
  afterStatement(stmt: AnalyzedStatement): number {
    return this.lineTail(stmt)?.end ?? stmt.chunkSpanWithSemicolon.end - stmt.chunkSpan.start;
  }

  /** Adds or removes CONCURRENTLY in the statement's text (no transaction handling). */
  private keywordEdits(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently'): LocalEdit[] | null {
    const site = KEYWORD_SITES[stmt.kind];
    if (!site) return null;
    const m = site.exec(stmt.sql);
    if (!m) return null;
    // In the case the statement is written in: `create index` gets ` concurrently`.
    const keyword = m[0] === m[0].toLowerCase() ? ' concurrently' : ' CONCURRENTLY';
    if (change === 'add-concurrently') return [{ start: m[0].length, end: m[0].length, text: keyword }];
    const after = /^\s+CONCURRENTLY\b/i.exec(stmt.sql.slice(m[0].length));
    if (!after) return null;
    return [{ start: m[0].length, end: m[0].length + after[0].length, text: '' }];
  }

  /** CONCURRENTLY removed: for a statement that may then run inside its transaction. */
  dropConcurrently(stmt: AnalyzedStatement): Edit[] | null {
    if (stmt.item.kind === 'operation') return this.adapter.rewriteOperation?.(stmt, 'drop-concurrently', this.unit) ?? null;
    const local = this.keywordEdits(stmt, 'drop-concurrently');
    return this.mapAll(stmt, local);
  }

  private mapAll(stmt: AnalyzedStatement, local: LocalEdit[] | null): Edit[] | null {
    if (!local) return null;
    const edits: Edit[] = [];
    for (const l of local) {
      const e = this.fileEdit(stmt, l);
      if (!e) return null;
      edits.push(e);
    }
    return edits;
  }

  /**
   * The statement rewritten to run outside any transaction block, optionally with CONCURRENTLY added:
   *  - already outside: just the keyword;
   *  - inside an explicit BEGIN … COMMIT in the SQL: moved after the COMMIT;
   *  - inside the framework's transaction or a one-query chunk: the adapter's escape (goose NO TRANSACTION,
   *    Alembic autocommit_block, Django atomic = False …), or the manual procedure when there is none.
   */
  outsideTransaction(stmt: AnalyzedStatement, change?: 'add-concurrently'): EscapePlan {
    const plan = this.outsideTransactionPlan(stmt, change);
    const gap =
      plan.kind === 'fix'
        ? this.knowledgeGap(stmt, change, plan.edits.length > 0 && !!stmt.facts.inTransaction && stmt.facts.inTransaction.kind !== 'explicit')
        : undefined;
    return gap && plan.kind === 'fix' ? { ...plan, kind: 'suggestion', description: `${plan.description} (not applied by --fix: ${gap})` } : plan;
  }

  /**
   * Why a fix that changes how a statement runs cannot be declared safe here, or undefined when migralint knows
   * enough: CONCURRENTLY would join IF NOT EXISTS (a form migralint itself warns about); the runner was not recognised; CONCURRENTLY on a table not known to be unpartitioned (PostgreSQL
   * refuses CREATE INDEX CONCURRENTLY on a partitioned table); or, when the fix takes the migration out of its
   * transaction, a statement in it that migralint cannot read (it would leave the transaction too).
   */
  knowledgeGap(stmt: AnalyzedStatement, change?: 'add-concurrently', leavesTransaction = false): string | undefined {
    if (this.unit.runnerUnknown) return this.unit.runnerUnknown;
    if (change === 'add-concurrently' && stmt.kind === 'IndexStmt') {
      if (stmt.node.if_not_exists) {
        return 'CREATE INDEX CONCURRENTLY IF NOT EXISTS silently keeps the INVALID index a failed build leaves behind (concurrent-index-invalid-leftover); drop a leftover first or remove IF NOT EXISTS';
      }
      const table = stmt.facts.tables[0];
      if (table && table.sizeClass !== 'new' && table.partitioned === undefined) {
        return `whether ${table.schema ? `${table.schema}.` : ''}${table.name} is partitioned is unknown, and CREATE INDEX CONCURRENTLY fails on a partitioned table; give --database-url, --stats or config \`tables\` (partitioned: false)`;
      }
    }
    if (leavesTransaction) {
      const unread = this.unit.notes.find((n) => n.ruleId === 'unsupported-framework-construct');
      if (unread) return `a statement migralint cannot read (line ${lineOf(this.unit.file.text, unread.span.start)}) would leave the transaction too`;
    }
    return undefined;
  }

  private outsideTransactionPlan(stmt: AnalyzedStatement, change?: 'add-concurrently'): EscapePlan {
    if (stmt.body) {
      // A PL/pgSQL body runs as a function: nothing in it can leave the transaction, so no edit here helps.
      const where = stmt.body.kind === 'do' ? `the DO block on line ${stmt.body.line}` : `${stmt.body.kind} ${stmt.body.name ?? ''} (line ${stmt.body.line})`;
      const loop = stmt.body.unknownNames?.length ? ` (for a loop over tables: one statement per table, e.g. generated with \\gexec in psql)` : '';
      return {
        kind: 'manual',
        help: `This statement is in ${where}, which PostgreSQL runs as a function inside a transaction: take it out of the body and run it on its own, outside any transaction${loop}.`,
      };
    }
    let keyword: Edit[] = [];
    let local: LocalEdit[] = [];
    if (change) {
      if (stmt.item.kind === 'operation') {
        const edits = this.adapter.rewriteOperation?.(stmt, change, this.unit);
        if (!edits) return { kind: 'manual', help: `Rewrite ${stmt.item.call} to build the index concurrently.` };
        keyword = edits;
      } else {
        const l = this.keywordEdits(stmt, change);
        const mapped = this.mapAll(stmt, l);
        if (!l || !mapped) return { kind: 'manual', help: 'Add CONCURRENTLY to the statement.' };
        local = l;
        keyword = mapped;
      }
    }
    const tx = stmt.facts.inTransaction;
    if (!tx) return { kind: 'fix', description: 'Add CONCURRENTLY', edits: keyword };
    if (tx.kind === 'explicit') {
      return this.moveAfterCommit(stmt, applyLocal(stmt.sql, local));
    }
    const escape = this.adapter.escapeTransaction?.(stmt, this.unit, this.statements, this.fs);
    if (!escape) {
      return {
        kind: 'manual',
        help: `${tx.reason}. Run this statement outside the migration tool's transaction: put it in its own migration that the tool runs without a transaction, or run it out of band and record the migration as applied.`,
      };
    }
    if (escape.kind === 'manual') return escape;
    const edits = mergeEdits(escape.edits, keyword);
    if (!edits) return { kind: 'manual', help: escape.description };
    return {
      kind: escape.kind,
      description: change ? `Add CONCURRENTLY and ${lowerFirst(escape.description)}` : escape.description,
      edits,
      files: escape.files,
    };
  }

  /** Moves a statement of an explicit BEGIN … COMMIT to just after the COMMIT. */
  private moveAfterCommit(stmt: AnalyzedStatement, newText: string): EscapePlan {
    const began = stmt.facts.inTransaction?.beganAt;
    const commit = this.statements.find(
      (s) => s.index > stmt.index && s.kind === 'TransactionStmt' && (s.node.kind === 'TRANS_STMT_COMMIT' || s.node.kind === 'TRANS_STMT_ROLLBACK'),
    );
    const help = 'Move the statement after the COMMIT so it runs outside the transaction block.';
    // Inside the framework's transaction or a one-query chunk, after the COMMIT is still not outside:
    // say so, and give the framework's own way out.
    if (stmt.item.exec.wrapped || stmt.item.exec.oneQuery) {
      const escape = this.adapter.escapeTransaction?.(stmt, this.unit, this.statements, this.fs);
      const way = !escape ? "Run this statement outside the migration tool's transaction." : escape.kind === 'manual' ? escape.help : `${escape.description}.`;
      return { kind: 'manual', help: `Moving it after the COMMIT is not enough: ${stmt.item.exec.reason}. Remove the BEGIN and COMMIT. ${way}` };
    }
    if (
      !commit ||
      commit.kind !== 'TransactionStmt' ||
      commit.node.kind !== 'TRANS_STMT_COMMIT' ||
      commit.itemIndex !== stmt.itemIndex ||
      stmt.item.kind !== 'sql' ||
      began === undefined
    ) {
      return { kind: 'manual', help };
    }
    // The statement is rewritten from its SQL text (escaped again for the literal it lands in): a placeholder in
    // it would be replaced by its masked stand-in, not restored.
    const own = { start: stmt.chunkSpan.start, end: stmt.chunkSpan.end };
    if (stmt.item.literals ? hasPlaceholder(stmt.item, own) : !isVerbatim(stmt.item.segments, own)) return { kind: 'manual', help };
    const text = this.unit.file.text;
    // A comment at the end of the statement's line is about the statement: it moves with it.
    const tail = this.lineTail(stmt);
    const wholeEnd = tail?.end ?? stmt.chunkSpanWithSemicolon.end - stmt.chunkSpan.start;
    const whole = this.fileEdit(stmt, { start: 0, end: wholeEnd, text: '' });
    const commitAt = this.afterStatement(commit);
    const moved = this.fileEdit(commit, { start: commitAt, end: commitAt, text: `${this.eol}${this.eol}${newText};${tail?.comment ?? ''}` });
    if (!whole || !moved) return { kind: 'manual', help };
    // Take the statement's whole lines when it stands alone on them.
    let start = whole.start;
    let end = whole.end;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (/^[ \t]*$/.test(text.slice(lineStart, start))) {
      const rest = /^[ \t]*(\r?\n)?/.exec(text.slice(end))!;
      if (rest[1]) {
        start = lineStart;
        end += rest[0].length;
      }
    }
    const edits: Edit[] = [{ start, end, text: '' }, moved];
    // Later statements of the same transaction that use what this statement builds would break.
    const name: string | undefined = (stmt.kind === 'IndexStmt' ? stmt.node.idxname : undefined) ?? relationOf(stmt)?.relname;
    const usedLater = name !== undefined && this.statements.some((s) => s.index > stmt.index && s.index < commit.index && s.sql.includes(name));
    return {
      kind: usedLater ? 'suggestion' : 'fix',
      description: `Move the statement after the COMMIT on line ${commit.loc.line}${newText !== stmt.sql ? ' and make it CONCURRENTLY' : ''}`,
      edits,
    };
  }
}

/**
 * An edit of a chunk's SQL (`span` in chunk offsets, `text` the SQL to put there) as an edit of the file, or null
 * when it cannot be made exactly. In SQL files the text goes in as it is, where the chunk is the file's text
 * verbatim. In a host-language literal it is escaped for that literal (src/sources/escape.ts); an edit may not
 * cut into an escape sequence, replace a placeholder (`${…}`: restored as written, never replaced), or span
 * two literals.
 */
export function chunkEdit(item: SqlChunk, fileText: string, span: Span, text: string): Edit | null {
  const literals = item.literals;
  if (!literals || literals.length === 0) {
    // An insertion touches no text, but its neighbours must be verbatim for the offset to be exact.
    const probe = span.start === span.end ? { start: Math.max(0, span.start - 1), end: span.end + 1 } : span;
    if (!isVerbatim(item.segments, probe)) return null;
    const file = toFileSpan(item.segments, span);
    return { start: file.start, end: file.end, text };
  }
  for (const seg of item.segments) {
    // Text the runtime drops (a dedent margin) sits at a zero-length segment: a deletion or replacement ending or
    // starting there could not say which side of it the dropped text goes.
    if (!seg.verbatim && seg.length === 0 && span.start !== span.end && (seg.chunkStart === span.start || seg.chunkStart === span.end)) return null;
    if (seg.verbatim || seg.length === 0) continue;
    const segEnd = seg.chunkStart + seg.length;
    const inside = (at: number) => at > seg.chunkStart && at < segEnd;
    if (inside(span.start) || inside(span.end)) return null;
    if (seg.placeholder && seg.chunkStart < span.end && segEnd > span.start) return null;
  }
  // An empty literal has no segments: its content starts at the literal.
  const file = item.segments.length > 0 ? toFileSpan(item.segments, span) : { start: literals[0]!.start, end: literals[0]!.start };
  const lit = literals.find((l) => l.start <= file.start && file.end <= l.end);
  if (!lit) return null;
  const escaped = escapeForLiteral(lit, text, fileText.slice(lit.start, file.start), fileText.slice(file.end, lit.end));
  return escaped === null ? null : { start: file.start, end: file.end, text: escaped };
}

/** True when chunk text over `span` holds a host-language placeholder (its SQL text is not what the file says). */
export function hasPlaceholder(item: SqlChunk, span: Span): boolean {
  return item.segments.some((s) => s.placeholder && s.chunkStart < span.end && s.chunkStart + s.length > span.start);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Combines two edit lists; null when they overlap (other than insertions at distinct points). */
export function mergeEdits(a: Edit[], b: Edit[]): Edit[] | null {
  const all = [...a, ...b].sort((x, y) => x.start - y.start || x.end - y.end);
  for (let i = 1; i < all.length; i++) {
    const prev = all[i - 1]!;
    const cur = all[i]!;
    if (cur.start < prev.end) return null;
  }
  return all;
}

/** The line ending a file uses: CRLF, CR alone (old Mac files) or LF. Inserted lines use the same. */
export function eolOf(text: string): string {
  if (/\r\n/.test(text)) return '\r\n';
  if (/\r/.test(text) && !/\n/.test(text)) return '\r';
  return '\n';
}
