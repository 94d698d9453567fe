/**
 * PL/pgSQL bodies (DO blocks, CREATE FUNCTION / PROCEDURE … LANGUAGE plpgsql) read with PostgreSQL's own
 * PL/pgSQL parser (libpg-query's parsePlPgSQLSync). The SQL statements a body runs — static ones, PERFORM,
 * COMMIT / ROLLBACK, and EXECUTE of a constant string or of format() with a constant template — come back as
 * statements located in the chunk, so the parse stage makes them statements of the unit like any other.
 * EXECUTE of text built at run time cannot be read: it comes back as a note.
 */
import { parsePlPgSQLSync, parseSync, scanSync } from 'libpg-query';
import type { BodyOrigin, PgNode, Span } from '../types.js';
import { skipTrivia } from './lex.js';
import { quoteIdent } from './quote.js';
import { ByteOffsets, LineIndex } from './text.js';

/** A statement found in a body, spans in UTF-16 offsets into the chunk. */
export interface BodyStatement {
  stmt: PgNode;
  kind: string;
  span: Span;
  /** The SQL text as PostgreSQL runs it (for EXECUTE format(): the template with its arguments filled in). */
  sql: string;
  locate: (byteLocation: number) => number;
  dynamic?: BodyOrigin['dynamic'];
  unknownNames?: string[];
}

export interface BodyNote {
  message: string;
  span: Span;
}

export interface PlpgsqlBody {
  kind: 'do' | 'function' | 'procedure';
  /** The function's or procedure's name, lower-case as PostgreSQL folds it (last part of a qualified name). */
  name?: string;
  statements: BodyStatement[];
  notes: BodyNote[];
}

/**
 * Derived text and where each part of it came from: `source` offsets (in the text the derived text was read
 * from). A verbatim piece maps character for character; a substituted piece (a format() argument, a decoded
 * `''`) maps its whole length onto its source range.
 */
class TextMap {
  readonly pieces: Array<{ at: number; length: number; source: number; sourceLength: number; verbatim: boolean }> = [];
  text = '';

  add(text: string, source: number, sourceLength: number, verbatim: boolean): void {
    this.pieces.push({ at: this.text.length, length: text.length, source, sourceLength, verbatim });
    this.text += text;
  }

  toSource(offset: number): number {
    let piece = this.pieces[0];
    for (const p of this.pieces) {
      if (p.at <= offset) piece = p;
      else break;
    }
    if (!piece) return 0;
    const delta = offset - piece.at;
    if (piece.verbatim) return piece.source + Math.min(delta, piece.sourceLength);
    return piece.source + (delta >= piece.length ? piece.sourceLength : 0);
  }
}

/** The body's string constant in `text` (the statement's text): its decoded content mapped to offsets in `text`. */
function bodyConstant(text: string, kind: 'do' | 'function' | 'procedure', expected: string): TextMap | null {
  let tokens;
  try {
    tokens = scanSync(text).tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
  } catch {
    return null;
  }
  const bytes = new ByteOffsets(text);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.tokenName !== 'SCONST') continue;
    const prev = tokens[k - 1]?.text.toUpperCase();
    if (kind === 'do' ? prev === 'LANGUAGE' : prev !== 'AS') continue;
    const map = decodeConstant(text, bytes.toUtf16(t.start), bytes.toUtf16(t.end));
    if (map && map.text === expected) return map;
  }
  return null;
}

/**
 * The body's string constant where the parse tree puts its AS clause (`at`: a function's AS keyword, a DO block's
 * string), without scanning the statement: what bodyConstant finds, or null when the text there is not one plain
 * `'…'` or `$tag$…$tag$` constant whose content is the body (bodyConstant then decides).
 */
function constantAt(text: string, at: number, kind: 'do' | 'function' | 'procedure', expected: string): TextMap | null {
  let start = at;
  if (kind !== 'do') {
    if (!/^AS(?![A-Za-z0-9_$\u0080-\uffff])/i.test(text.slice(at, at + 3))) return null;
    start = skipTrivia(text, at + 2, text.length);
  }
  if (start < 0 || start >= text.length) return null;
  let end: number;
  if (text[start] === '$') {
    const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(start, start + 64));
    if (!tag) return null;
    const close = text.indexOf(tag[0], start + tag[0].length);
    if (close < 0) return null;
    end = close + tag[0].length;
  } else if (text[start] === "'") {
    end = -1;
    for (let k = start + 1; k < text.length; k++) {
      if (text[k] !== "'") continue;
      if (text[k + 1] === "'") k++;
      else {
        end = k + 1;
        break;
      }
    }
    if (end < 0) return null;
    // A string continued on the next line ('…'<newline>'…') is one constant to PostgreSQL: bodyConstant reads it.
    if (/^\s*'/.test(text.slice(end, end + 256))) return null;
  } else return null;
  const map = decodeConstant(text, start, end);
  return map && map.text === expected ? map : null;
}

/** A string constant's content (`'…'` with doubled quotes, or `$tag$…$tag$`) mapped to offsets in `text`; null for E'' and U&''. */
function decodeConstant(text: string, start: number, end: number): TextMap | null {
  const raw = text.slice(start, end);
  const map = new TextMap();
  const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(raw);
  if (dollar) {
    const open = dollar[0].length;
    map.add(raw.slice(open, raw.length - open), start + open, raw.length - 2 * open, true);
    return map;
  }
  if (!raw.startsWith("'")) return null;
  let from = 1;
  const last = raw.length - 1;
  for (let i = 1; i < last; i++) {
    if (raw[i] === "'" && raw[i + 1] === "'") {
      map.add(raw.slice(from, i), start + from, i - from, true);
      map.add("'", start + i, 2, false);
      from = i + 2;
      i++;
    }
  }
  map.add(raw.slice(from, last), start + from, last - from, true);
  return map;
}

function language(options: any[] | undefined): string | undefined {
  for (const o of options ?? []) {
    const d = o?.DefElem;
    if (d?.defname === 'language') return String(d.arg?.String?.sval ?? '').toLowerCase();
  }
  return undefined;
}

/** The body's text, and where its `AS` clause is (a function's: at AS; a DO block's: at the string), as parsed. */
function bodyText(options: any[] | undefined): { body: string; at?: number } | undefined {
  for (const o of options ?? []) {
    const d = o?.DefElem;
    if (d?.defname !== 'as') continue;
    const at = typeof d.location === 'number' && d.location >= 0 ? { at: d.location as number } : {};
    if (typeof d.arg?.String?.sval === 'string') return { body: d.arg.String.sval, ...at };
    const items = d.arg?.List?.items;
    if (items?.length === 1 && typeof items[0]?.String?.sval === 'string') return { body: items[0].String.sval, ...at };
  }
  return undefined;
}

/** A DO or CREATE FUNCTION / PROCEDURE statement as a PL/pgSQL body, before its body is read. */
export interface FoundBody {
  kind: PlpgsqlBody['kind'];
  name?: string;
  body: string;
  /** Where the body's `AS` clause is (a byte location of the statement's tree, as PostgreSQL gives it). */
  at?: number;
}

/** What a DO or CREATE FUNCTION / PROCEDURE statement is as a PL/pgSQL body, or null when it is not one. */
export function bodyOf(kind: string, node: any): FoundBody | null {
  if (kind === 'DoStmt') {
    const lang = language(node.args) ?? 'plpgsql';
    const body = bodyText(node.args);
    return lang === 'plpgsql' && body !== undefined ? { kind: 'do', ...body } : null;
  }
  if (kind === 'CreateFunctionStmt') {
    const body = bodyText(node.options);
    if (language(node.options) !== 'plpgsql' || body === undefined) return null;
    const parts = (node.funcname ?? []).map((p: any) => p?.String?.sval).filter(Boolean);
    return { kind: node.is_procedure ? 'procedure' : 'function', name: parts[parts.length - 1], ...body };
  }
  return null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstKind(stmt: PgNode): string {
  return Object.keys(stmt)[0] ?? 'Unknown';
}

/**
 * The functions a statement calls directly: CALL p(…), or SELECT f(…) without FROM (lower-cased, unqualified);
 * their bodies run where the statement runs.
 */
export function calledFunctions(kind: string, node: any): string[] {
  const names: string[] = [];
  const nameOf = (call: any): string | undefined => {
    const parts = (call?.funcname ?? []).map((p: any) => p?.String?.sval).filter(Boolean);
    return parts[parts.length - 1]?.toLowerCase();
  };
  if (kind === 'CallStmt') names.push(nameOf(node?.funccall?.FuncCall ?? node?.funccall) ?? '');
  else if (kind === 'SelectStmt' && !node?.fromClause) for (const t of node?.targetList ?? []) names.push(nameOf(t?.ResTarget?.val?.FuncCall) ?? '');
  return names;
}

/**
 * Reads the PL/pgSQL body of a DO or CREATE FUNCTION / PROCEDURE statement (what bodyOf found in it). `text` is the
 * chunk, `span` the statement in it, `bodyAt` where the body's AS clause is in the chunk (found.at as a chunk offset).
 */
export function readBody(text: string, span: Span, found: FoundBody, bodyAt?: number): PlpgsqlBody {
  const out: PlpgsqlBody = { kind: found.kind, ...(found.name ? { name: found.name } : {}), statements: [], notes: [] };
  const what = found.kind === 'do' ? 'DO block' : `${found.kind} ${found.name ?? ''}`.trim();
  const stmtText = text.slice(span.start, span.end);
  const constant =
    (bodyAt === undefined ? null : constantAt(stmtText, bodyAt - span.start, found.kind, found.body)) ?? bodyConstant(stmtText, found.kind, found.body);
  if (!constant) {
    out.notes.push({
      message: `The body of this ${what} is written in a form migralint cannot map back to the file (an E'' or U&'' string): its statements are not linted.`,
      span,
    });
    return out;
  }
  // Body offsets → chunk offsets.
  const toChunk = (bodyOffset: number): number => span.start + constant.toSource(bodyOffset);
  let tree: any;
  try {
    tree = parsePlPgSQLSync(stmtText);
  } catch (error) {
    out.notes.push({
      message: `PostgreSQL's PL/pgSQL parser could not read the body of this ${what} (${message(error)}): its statements are not linted.`,
      span,
    });
    return out;
  }
  const reader = new BodyReader(found.body, toChunk, what);
  const fn = tree?.plpgsql_funcs?.[0]?.PLpgSQL_function;
  reader.walk(fn?.action);
  out.statements = reader.statements;
  out.notes = reader.notes;
  return out;
}

class BodyReader {
  readonly statements: BodyStatement[] = [];
  readonly notes: BodyNote[] = [];
  private readonly lines: LineIndex;
  private readonly lower: string;

  constructor(
    private readonly body: string,
    private readonly toChunk: (bodyOffset: number) => number,
    private readonly what: string,
  ) {
    this.lines = new LineIndex(body);
    this.lower = body.toLowerCase();
  }

  /** Every statement of the body, in the order the tree holds them (the source order). */
  walk(node: unknown): void {
    if (Array.isArray(node)) {
      for (const x of node) this.walk(x);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, any>)) {
      if (key === 'PLpgSQL_stmt_execsql') this.static(value.sqlstmt?.PLpgSQL_expr?.query, value.lineno, null);
      else if (key === 'PLpgSQL_stmt_perform') this.static(value.expr?.PLpgSQL_expr?.query, value.lineno, 'perform');
      else if (key === 'PLpgSQL_stmt_call') this.static(value.expr?.PLpgSQL_expr?.query, value.lineno, null);
      else if (key === 'PLpgSQL_stmt_commit' || key === 'PLpgSQL_stmt_rollback')
        this.transaction(key === 'PLpgSQL_stmt_commit' ? 'commit' : 'rollback', value.lineno);
      else if (key === 'PLpgSQL_stmt_dynexecute') this.dynamic(value.query?.PLpgSQL_expr?.query, value.lineno);
      else if (key === 'PLpgSQL_expr' || key === 'datums') continue;
      else this.walk(value);
    }
  }

  /**
   * Where `query` starts in the body, searching from line `lineno`. PL/pgSQL hands back the source text of a
   * statement, except that an INTO clause is blanked out (same length).
   */
  private find(query: string, lineno: number | undefined): number {
    const from = this.lines.lineStart(lineno ?? 1);
    const head = (/^\S+/.exec(query)?.[0] ?? '').toLowerCase();
    if (!head) return -1;
    for (let at = this.lower.indexOf(head, from); at >= 0; at = this.lower.indexOf(head, at + 1)) {
      let ok = true;
      for (let i = 0; i < query.length && ok; i++) {
        const q = query[i]!;
        if (q !== this.body[at + i] && q !== ' ') ok = false;
      }
      if (ok) return at;
    }
    return -1;
  }

  private parse(sql: string, toChunk: (offset: number) => number, span: Span, extra: Partial<BodyStatement>): void {
    let result;
    try {
      result = parseSync(sql);
    } catch (error) {
      this.notes.push({ message: `A statement in the body of this ${this.what} could not be parsed (${message(error)}): it is not linted.`, span });
      return;
    }
    const bytes = new ByteOffsets(sql);
    const locate = (b: number): number => toChunk(bytes.toUtf16(b));
    for (const raw of result.stmts ?? []) {
      const stmt = raw.stmt as PgNode;
      this.statements.push({ stmt, kind: firstKind(stmt), span, sql, locate, ...extra });
    }
  }

  private static(query: string | undefined, lineno: number | undefined, mode: 'perform' | null): void {
    if (!query) return;
    if (mode === 'perform') {
      // PERFORM expr comes back as "SELECT expr": find the expression after the PERFORM keyword.
      const SELECT = 'SELECT ';
      if (!query.startsWith(SELECT)) return;
      const expr = query.slice(SELECT.length);
      const re = /\bperform\s+/gi;
      re.lastIndex = this.lines.lineStart(lineno ?? 1);
      for (let m = re.exec(this.body); m; m = re.exec(this.body)) {
        const from = m.index + m[0].length;
        if (this.body.startsWith(expr, from)) {
          const span = { start: this.toChunk(m.index), end: this.toChunk(from + expr.length) };
          this.parse(query, (o) => this.toChunk(o < SELECT.length ? m.index : from + o - SELECT.length), span, {});
          return;
        }
      }
      return;
    }
    const at = this.find(query, lineno);
    if (at < 0) return;
    const span = { start: this.toChunk(at), end: this.toChunk(at + query.length) };
    this.parse(query, (o) => this.toChunk(at + o), span, {});
  }

  private transaction(word: 'commit' | 'rollback', lineno: number | undefined): void {
    const from = this.lines.lineStart(lineno ?? 1);
    const re = new RegExp(`\\b${word}\\b`, 'ig');
    re.lastIndex = from;
    const m = re.exec(this.body);
    if (!m) return;
    const span = { start: this.toChunk(m.index), end: this.toChunk(m.index + word.length) };
    this.parse(word.toUpperCase(), (o) => this.toChunk(m.index + o), span, {});
  }

  /** EXECUTE expr: readable when expr is a constant string, or format() of a constant template. */
  private dynamic(expr: string | undefined, lineno: number | undefined): void {
    if (!expr) return;
    const at = this.find(expr, lineno);
    if (at < 0) return;
    const exprSpan = { start: this.toChunk(at), end: this.toChunk(at + expr.length) };
    const unreadable = (why: string): void => {
      this.notes.push({
        message: `EXECUTE of SQL built at run time (${why}) in this ${this.what} cannot be read statically: that statement is not linted.`,
        span: exprSpan,
      });
    };
    const prefix = 'SELECT ';
    let value: any;
    try {
      value = (parseSync(prefix + expr).stmts?.[0]?.stmt as any)?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
    } catch {
      return unreadable('an expression PostgreSQL cannot parse on its own');
    }
    const exprBytes = new ByteOffsets(prefix + expr);
    // The literal's location → body offset of its first character.
    const literalAt = (node: any): number => at + exprBytes.toUtf16(node.location ?? 0) - prefix.length;
    const literal = (node: any): TextMap | null => {
      if (typeof node?.A_Const?.sval?.sval !== 'string') return null;
      const start = literalAt(node.A_Const);
      const end = this.literalEnd(start);
      if (end < 0) return null;
      const map = decodeConstant(this.body, start, end);
      return map && map.text === node.A_Const.sval.sval ? map : null;
    };
    if (value?.A_Const) {
      const map = literal(value);
      if (!map) return unreadable('a string PostgreSQL reads with escapes');
      this.parse(map.text, (o) => this.toChunk(map.toSource(o)), spanOf(map, this.toChunk), { dynamic: 'constant' });
      return;
    }
    const call = value?.FuncCall;
    const fname = (call?.funcname ?? []).map((p: any) => p?.String?.sval).join('.');
    if (call && (fname === 'format' || fname === 'pg_catalog.format') && call.args?.length) {
      const template = literal(call.args[0]);
      if (!template) return unreadable('format() whose template is not a constant string');
      const filled = fillFormat(template, call.args.slice(1), (node) => {
        const start = literalAt(Object.values(node ?? {})[0] ?? {});
        return this.body.slice(start, start + 40);
      });
      if (!filled) return unreadable('a format() template migralint cannot fill in');
      this.parse(filled.map.text, (o) => this.toChunk(template.toSource(filled.map.toSource(o))), spanOf(template, this.toChunk), {
        dynamic: 'format',
        ...(filled.unknown.length ? { unknownNames: filled.unknown } : {}),
      });
      return;
    }
    unreadable(call ? `${fname || 'a function'}()` : 'string concatenation or a variable');
  }

  /** End of the string constant starting at `start` in the body (exclusive), or -1. */
  private literalEnd(start: number): number {
    const rest = this.body.slice(start);
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    if (dollar) {
      const close = rest.indexOf(dollar[0], dollar[0].length);
      return close < 0 ? -1 : start + close + dollar[0].length;
    }
    if (!rest.startsWith("'")) return -1;
    for (let i = 1; i < rest.length; i++) {
      if (rest[i] !== "'") continue;
      if (rest[i + 1] === "'") i++;
      else return start + i + 1;
    }
    return -1;
  }
}

/** The span of a decoded constant, in chunk offsets. */
function spanOf(map: TextMap, toChunk: (bodyOffset: number) => number): Span {
  return { start: toChunk(map.toSource(0)), end: toChunk(map.toSource(map.text.length)) };
}

/** A format() argument: its value when it is a constant, else words for it (a column reference's name). */
function argument(node: any, fallback: () => string): { value?: string; name: string } {
  const c = node?.A_Const;
  if (c && typeof c.sval?.sval === 'string') return { value: c.sval.sval, name: c.sval.sval };
  if (c && c.ival !== undefined) return { value: String(c.ival.ival ?? 0), name: String(c.ival.ival ?? 0) };
  const fields = node?.ColumnRef?.fields?.map((f: any) => f?.String?.sval).filter(Boolean);
  if (fields?.length) return { name: fields.join('.') };
  const head = /^[^,)]*/.exec(fallback())?.[0]?.trim();
  return { name: head || 'expression' };
}

/**
 * format()'s template with its arguments filled in (%s, %I, %L, %%, with n$ positions; widths are not
 * supported). An argument known only at run time becomes a placeholder identifier (`"<r.tablename>"`) or
 * literal, whose name is listed in `unknown`.
 */
function fillFormat(template: TextMap, args: any[], textAt: (node: any) => string): { map: TextMap; unknown: string[] } | null {
  const map = new TextMap();
  const unknown: string[] = [];
  const t = template.text;
  const re = /%(?:(\d+)\$)?([sIL%])/g;
  let from = 0;
  let next = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m.index > from) map.add(t.slice(from, m.index), from, m.index - from, true);
    from = m.index + m[0].length;
    if (m[2] === '%') {
      map.add('%', m.index, m[0].length, false);
      continue;
    }
    const n = m[1] ? Number(m[1]) - 1 : next;
    next = n + 1;
    const node = args[n];
    if (node === undefined) return null;
    const arg = argument(node, () => textAt(node));
    let text: string;
    if (arg.value !== undefined) {
      text = m[2] === 'I' ? quoteIdent(arg.value) : m[2] === 'L' ? `'${arg.value.replace(/'/g, "''")}'` : arg.value;
    } else {
      unknown.push(arg.name);
      // Short enough never to be taken for an over-long identifier.
      const name = arg.name.length > 40 ? `${arg.name.slice(0, 39)}…` : arg.name;
      text = m[2] === 'L' ? `'<${name.replace(/'/g, "''")}>'` : quoteIdent(`<${name}>`);
    }
    map.add(text, m.index, m[0].length, false);
  }
  if (from < t.length) map.add(t.slice(from), from, t.length - from, true);
  if (/%/.test(t.replace(re, ''))) return null;
  return { map, unknown };
}
