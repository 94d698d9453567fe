import type { AdapterNote, BodyOrigin, MapSegment, MigrationUnit, ParseFailure, SqlChunk, Span, Statement } from '../types.js';
import { maskAsIdentifier, maskSql, placeholderStyle, type MaskOptions } from './mask.js';
import { statementNode } from './nodes.js';
import { parseChunk, type ChunkParse, type ParsedStatement } from './parse.js';
import { bodyOf, calledFunctions, readBody, type FoundBody, type PlpgsqlBody } from './plpgsql.js';
import { LineIndex } from './text.js';

/** Chunk offset → file offset. */
export function toFileOffset(segments: MapSegment[], offset: number): number {
  if (segments.length === 0) return offset;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid]!.chunkStart <= offset) lo = mid;
    else hi = mid - 1;
  }
  const seg = segments[lo]!;
  const delta = offset - seg.chunkStart;
  if (delta <= 0) return seg.fileStart;
  if (seg.verbatim) return seg.fileStart + Math.min(delta, seg.length);
  return seg.fileStart + (delta >= seg.length ? fileLength(seg) : 0);
}

function fileLength(seg: MapSegment): number {
  return seg.fileLength ?? seg.length;
}

export function toFileSpan(segments: MapSegment[], span: Span): Span {
  return { start: toFileOffset(segments, span.start), end: toFileOffset(segments, span.end) };
}

/** True when chunk text over `span` is the file's text character for character, so an edit can land there. */
export function isVerbatim(segments: MapSegment[], span: Span): boolean {
  if (segments.length === 0) return true;
  for (const seg of segments) {
    const segEnd = seg.chunkStart + seg.length;
    if (segEnd <= span.start || seg.chunkStart >= span.end) continue;
    if (!seg.verbatim) return false;
  }
  return true;
}

/**
 * The host-language interpolations of a chunk read as `$n` (a non-verbatim segment whose text is `$1`, `$2` …): their
 * chunk spans, and where they are in the file.
 */
function interpolations(text: string, segments: MapSegment[]): Array<Span & { file: Span }> {
  const out: Array<Span & { file: Span }> = [];
  for (const seg of segments) {
    if (seg.verbatim) continue;
    const span = { start: seg.chunkStart, end: seg.chunkStart + seg.length };
    if (/^\$\d+$/.test(text.slice(span.start, span.end))) out.push({ ...span, file: { start: seg.fileStart, end: seg.fileStart + fileLength(seg) } });
  }
  return out;
}

export interface UnitParse {
  statements: Statement[];
  failures: ParseFailure[];
  /** What the parse stage has to say beyond errors: COPY FROM stdin data a runner cannot send. */
  notes: AdapterNote[];
  lines: LineIndex;
}

export function maskOptionsFor(framework: MigrationUnit['framework']): MaskOptions {
  return placeholderStyle(framework);
}

/**
 * The parse stage: every chunk and operation of a unit, as located statements and parse failures. `cleanChunks`,
 * when given, receives the texts of the chunks that parsed without an error at the first try (see countFailures).
 */
export function parseUnit(unit: MigrationUnit, lines = new LineIndex(unit.file.text), cleanChunks?: Set<string>): UnitParse {
  const statements: Statement[] = [];
  const failures: ParseFailure[] = [];
  const notes: AdapterNote[] = [];
  const style = maskOptionsFor(unit.framework);
  const bodies = new Bodies(statements, notes, lines);
  /** Interpolations masked as names, by their expression as written (`#{table}`): one name per expression. */
  const named = new Map<string, number>();
  unit.items.forEach((item, itemIndex) => {
    if (item.kind === 'sql') {
      const mask: MaskOptions = {
        ...style,
        onCopyData: (copy) => {
          if (style.copyFromStdin) return;
          // The runner sends the file to the server, which reads no data after COPY … FROM stdin: it fails there.
          const span = toFileSpan(item.segments, { start: copy.statement, end: Math.max(copy.statement, copy.data.start - 1) });
          notes.push({
            ruleId: 'unsupported-framework-construct',
            severity: 'error',
            message: `COPY … FROM stdin with the data in the file works only with a runner that feeds it that data (psql, Flyway): ${unit.framework} sends the SQL to the server, which cannot take the data lines, so this migration fails. Load the data with INSERT, or COPY from a file the server can read; the data lines are skipped here.`,
            span,
          });
        },
      };
      const first = maskSql(item.text, mask);
      const { masked, parsed, clean } = parseSqlItem(unit, item, first, named);
      if (clean) cleanChunks?.add(first);
      restoreWrittenNames(unit, item, masked, parsed);
      for (const s of parsed.statements) {
        const span = toFileSpan(item.segments, s.span);
        const at = statements.length;
        const node = statementNode(s.stmt, s.kind);
        statements.push({
          index: statements.length,
          ...node,
          sql: item.text.slice(s.span.start, s.span.end),
          item,
          itemIndex,
          chunkSpan: s.span,
          chunkSpanWithSemicolon: s.spanWithSemicolon,
          locate: s.locate,
          span,
          loc: lines.loc(span),
        });
        bodies.read(masked, s, node.node, item, itemIndex, at);
      }
      for (const e of parsed.errors) {
        const span = toFileSpan(item.segments, e.span);
        failures.push({ message: e.message, span, loc: lines.loc(span) });
      }
    } else {
      const parsed = parseChunk(item.sql);
      if (parsed.errors.length === 0) cleanChunks?.add(item.sql);
      for (const s of parsed.statements) {
        statements.push({
          index: statements.length,
          ...statementNode(s.stmt, s.kind),
          sql: item.sql.slice(s.span.start, s.span.end),
          item,
          itemIndex,
          chunkSpan: s.span,
          chunkSpanWithSemicolon: s.spanWithSemicolon,
          locate: s.locate,
          span: item.span,
          loc: lines.loc(item.span),
        });
      }
      for (const e of parsed.errors) {
        failures.push({ message: `${item.call}: ${e.message}`, span: item.span, loc: lines.loc(item.span) });
      }
    }
  });
  return { statements, failures, notes, lines };
}

/**
 * A SQL item's chunk parsed as the parse stage parses it, from its masked text (`masked`). An interpolation the
 * parser rejects as a value where it stands (`update #{table} set …`) stands for a name there: parsed again with it
 * as an identifier (one name per expression, in `named`). A statement that still does not parse stays an error.
 * `clean`: the first parse had no error (nothing was parsed again).
 */
function parseSqlItem(unit: MigrationUnit, item: SqlChunk, first: string, named: Map<string, number>): { masked: string; parsed: ChunkParse; clean: boolean } {
  let masked = first;
  let parsed = parseChunk(masked);
  const clean = parsed.errors.length === 0;
  const holes = clean ? [] : interpolations(item.text, item.segments);
  for (let tries = 0; parsed.errors.length > 0 && tries < holes.length; tries++) {
    const hole = holes.find((h) => masked[h.start] === '$' && parsed.errors.some((e) => e.span.start === h.start));
    if (!hole) break;
    const expression = unit.file.text.slice(hole.file.start, hole.file.end);
    if (!named.has(expression)) named.set(expression, named.size);
    masked = maskAsIdentifier(masked, hole.start, hole.end - hole.start, named.get(expression)!);
    parsed = parseChunk(masked);
  }
  return { masked, parsed, clean };
}

const NAME_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * Names that hold an interpolation, as the user wrote them: the name the parse stage made of one in identifier
 * position (`_a` for `#{table}`, `_a_history` for `#{table}_history`), or a name the interpolation sits in (`"$1"` for
 * `"#{table}"`, `index_$1_on_id`), set back in the statements' trees to the source text (`#{table}`,
 * `#{table}_history`), so that every message and data field names what the migration wrote, never a made-up name.
 * A `$n` alone outside quotes is a value, not a name, and string constants are left as they are.
 */
function restoreWrittenNames(unit: MigrationUnit, item: SqlChunk, masked: string, parsed: ChunkParse): void {
  const holes = interpolations(item.text, item.segments);
  if (holes.length === 0 || parsed.statements.length === 0) return;
  const written = new Map<string, string>();
  for (const hole of holes) {
    let start = hole.start;
    let end = hole.end;
    while (start > 0 && NAME_PART.test(masked[start - 1]!)) start--;
    while (end < masked.length && NAME_PART.test(masked[end]!)) end++;
    const token = masked.slice(start, end);
    const quoted = masked[start - 1] === '"' && masked[end] === '"';
    if (!quoted && /^\$\d+$/.test(token)) continue;
    // The source text of the name: the chunk's text with each interpolation in it as written in the file.
    let source = '';
    let at = start;
    for (const h of holes) {
      if (h.start < start || h.end > end) continue;
      source += item.text.slice(at, h.start) + unit.file.text.slice(h.file.start, h.file.end);
      at = h.end;
    }
    source += item.text.slice(at, end);
    // PostgreSQL folds a name outside quotes to lower case.
    written.set(quoted ? token : token.toLowerCase(), source);
  }
  if (written.size === 0) return;
  const restore = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') node[i] = written.get(v) ?? v;
        else restore(v);
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const fields = node as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const v = fields[key];
      if (typeof v === 'string') {
        const name = written.get(v);
        if (name !== undefined) fields[key] = name;
      } else if (key !== 'A_Const') restore(v);
    }
  };
  for (const s of parsed.statements) restore(s.stmt);
}

/**
 * How many parse failures the parse stage finds in a unit (parseUnit's `failures.length`), without making its
 * statements: the items are parsed as parseUnit parses them, except a chunk whose text is in `clean` (it parsed
 * without an error before, and a chunk's first parse depends on its text alone), which has none.
 */
export function countFailures(unit: MigrationUnit, clean: ReadonlySet<string>): number {
  const style = maskOptionsFor(unit.framework);
  const named = new Map<string, number>();
  let failures = 0;
  for (const item of unit.items) {
    if (item.kind === 'sql') {
      const first = maskSql(item.text, style);
      if (!clean.has(first)) failures += parseSqlItem(unit, item, first, named).parsed.errors.length;
    } else if (!clean.has(item.sql)) failures += parseChunk(item.sql).errors.length;
  }
  return failures;
}

interface KnownBody {
  /** The body, read when it first runs (null when it cannot be read: a note says so then). */
  body: () => PlpgsqlBody | null;
  item: SqlChunk;
  itemIndex: number;
  line: number;
  container: Span;
  /** Its notes were reported (once, at the first call). */
  noted: boolean;
}

/**
 * PL/pgSQL bodies as statements of the unit. A DO block's statements follow the DO. A function's or procedure's
 * statements run only when the migration calls it (CALL p(), SELECT f(), PERFORM f() in a body): they follow
 * that call. A function that is only created is not run by the migration, so its statements are not linted.
 */
class Bodies {
  private readonly functions = new Map<string, KnownBody>();

  constructor(
    private readonly statements: Statement[],
    private readonly notes: AdapterNote[],
    private readonly lines: LineIndex,
  ) {}

  read(text: string, parsed: ParsedStatement, node: unknown, item: SqlChunk, itemIndex: number, at: number): void {
    const { span, kind } = parsed;
    const found = kind === 'DoStmt' || kind === 'CreateFunctionStmt' ? bodyOf(kind, node) : null;
    if (!found || (found.kind !== 'do' && !found.name)) return this.calls(kind, node, at, 0);
    const container = toFileSpan(item.segments, span);
    const line = this.lines.position(container.start).line;
    const bodyAt = found.at === undefined ? undefined : parsed.locate(found.at);
    const known: KnownBody = { body: this.reader(text, span, found, container, bodyAt), item, itemIndex, line, container, noted: false };
    if (found.kind === 'do') this.run(known, at, 0);
    // Read when the migration calls it: most functions a migration creates it never calls, and their statements are
    // not linted (reading a body is a PL/pgSQL parse, a scan and a parse of each statement in it).
    else this.functions.set(found.name!.toLowerCase(), known);
  }

  /** Reads a body once, on first use. */
  private reader(text: string, span: Span, found: FoundBody, container: Span, bodyAt: number | undefined): () => PlpgsqlBody | null {
    let body: PlpgsqlBody | null | undefined;
    return () => {
      if (body !== undefined) return body;
      try {
        body = readBody(text, span, found, bodyAt);
      } catch (error) {
        // A body migralint fails to read loses its own statements, never the file's.
        const message = `migralint could not read this PL/pgSQL body (${error instanceof Error ? error.message : String(error)}): its statements are not linted.`;
        this.notes.push({ ruleId: 'unsupported-framework-construct', severity: 'info', message, span: container });
        body = null;
      }
      return body;
    };
  }

  /** CALL p(…), or SELECT f(…) without FROM, of a function created earlier in the unit: its body runs here. */
  private calls(kind: string, node: unknown, at: number, depth: number): void {
    const names = calledFunctions(kind, node);
    for (const name of names) {
      const known = this.functions.get(name);
      // A function calling itself (or a cycle) is read once per call from the migration.
      if (known && depth < 4) this.run(known, at, depth);
    }
  }

  private run(known: KnownBody, runBy: number, depth: number): void {
    const { item, itemIndex, line, container } = known;
    const body = known.body();
    if (!body) return;
    if (!known.noted || body.kind === 'do') {
      for (const n of body.notes)
        this.notes.push({ ruleId: 'unsupported-framework-construct', severity: 'info', message: n.message, span: toFileSpan(item.segments, n.span) });
      known.noted = true;
    }
    for (const b of body.statements) {
      const span = toFileSpan(item.segments, b.span);
      const origin: BodyOrigin = {
        kind: body.kind,
        ...(body.name ? { name: body.name } : {}),
        runBy,
        line,
        container,
        ...(b.dynamic ? { dynamic: b.dynamic } : {}),
        ...(b.unknownNames ? { unknownNames: b.unknownNames } : {}),
      };
      const at = this.statements.length;
      this.statements.push({
        index: at,
        ...statementNode(b.stmt, b.kind),
        sql: b.sql,
        item,
        itemIndex,
        chunkSpan: b.span,
        chunkSpanWithSemicolon: b.span,
        locate: b.locate,
        span,
        loc: this.lines.loc(span),
        body: origin,
      });
      this.calls(b.kind, statementNode(b.stmt, b.kind).node, at, depth + 1);
    }
  }
}
