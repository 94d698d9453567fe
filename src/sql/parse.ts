import { loadModule, parseSync, scanSync, type ScanToken } from 'libpg-query';
import type { PgNode, Span } from '../types.js';
import { semicolonAfter, statementEnds, tokenBounds } from './lex.js';
import { ByteOffsets } from './text.js';

/** One statement as PostgreSQL's parser sees it, spans in UTF-16 offsets into the chunk text. */
export interface ParsedStatement {
  stmt: PgNode;
  kind: string;
  /** From the first token to the end of the last token, without the `;`. */
  span: Span;
  /** To just after the terminating `;` when there is one (for edits that move or remove the statement). */
  spanWithSemicolon: Span;
  /** A node location of this statement's tree (a byte offset into the text it was parsed from) as a UTF-16 offset into the chunk. */
  locate: (byteLocation: number) => number;
}

export interface ParseError {
  message: string;
  span: Span;
}

export interface ChunkParse {
  statements: ParsedStatement[];
  errors: ParseError[];
}

let ready: Promise<void> | undefined;

/** Loads PostgreSQL's parser (WASM) once per process. */
export function loadParser(): Promise<void> {
  ready ??= loadModule();
  return ready;
}

interface Token {
  start: number;
  end: number;
  name: string;
}

const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);

function scanTokens(text: string, bytes: ByteOffsets): Token[] | null {
  let tokens: ScanToken[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return null;
  }
  const out: Token[] = [];
  for (const t of tokens) {
    if (COMMENT_TOKENS.has(t.tokenName)) continue;
    out.push({ start: bytes.toUtf16(t.start), end: bytes.toUtf16(t.end), name: t.tokenName });
  }
  return out;
}

function kindOf(stmt: PgNode): string {
  return Object.keys(stmt)[0] ?? 'Unknown';
}

/**
 * Parses a chunk of SQL with PostgreSQL's own parser. When the chunk does not parse as a whole, it is split
 * on top-level `;` with PostgreSQL's scanner and each piece is parsed alone, so one bad statement is one error
 * and every other statement is still read.
 */
/** Chunks larger than this are parsed in groups of whole statements, so PostgreSQL's JSON tree stays small. */
const GROUP_SIZE = 256 * 1024;

export function parseChunk(text: string): ChunkParse {
  if (text.trim() === '') return { statements: [], errors: [] };
  // SQL-standard function bodies (BEGIN ATOMIC … END) hold `;`s the simple split cannot see past.
  if (text.length > GROUP_SIZE && !/\bBEGIN\s+ATOMIC\b/i.test(text)) return parseInGroups(text);
  return parseWhole(text);
}

/** A large chunk as consecutive groups of whole statements, each parsed alone; spans are shifted back. */
function parseInGroups(text: string): ChunkParse {
  const out: ChunkParse = { statements: [], errors: [] };
  const shift = (span: Span, by: number): Span => ({ start: span.start + by, end: span.end + by });
  let start = 0;
  const flush = (end: number): void => {
    const part = parseWhole(text.slice(start, end));
    const by = start;
    // One shifted locate per locate of the group (its statements share one), never one per statement: a closure
    // over the statement kept the unshifted copy alive for the whole lint.
    const shifted = new Map<ParsedStatement['locate'], ParsedStatement['locate']>();
    for (const s of part.statements) {
      let locate = shifted.get(s.locate);
      if (!locate) shifted.set(s.locate, (locate = shiftLocate(s.locate, by)));
      out.statements.push({ stmt: s.stmt, kind: s.kind, span: shift(s.span, by), spanWithSemicolon: shift(s.spanWithSemicolon, by), locate });
    }
    for (const e of part.errors) out.errors.push({ ...e, span: shift(e.span, start) });
    start = end;
  };
  for (const end of statementEnds(text)) if (end - start >= GROUP_SIZE) flush(end);
  if (start < text.length) flush(text.length);
  return out;
}

/** `locate` shifted by `by`: made outside parseInGroups, so the closure does not keep the group's results alive. */
function shiftLocate(locate: ParsedStatement['locate'], by: number): ParsedStatement['locate'] {
  return (b) => locate(b) + by;
}

function parseWhole(text: string): ChunkParse {
  if (text.trim() === '') return { statements: [], errors: [] };
  const bytes = new ByteOffsets(text);
  let result;
  try {
    result = parseSync(text);
  } catch (error) {
    const tokens = scanTokens(text, bytes);
    if (tokens === null) return parseBeforeUnterminated(text, bytes, error);
    if (tokens.every((t) => t.name === 'ASCII_59')) return { statements: [], errors: [] };
    return parsePieces(text, tokens);
  }
  const statements: ParsedStatement[] = [];
  const locate = (b: number) => bytes.toUtf16(b);
  for (const raw of result.stmts ?? []) {
    const from = bytes.toUtf16(raw.stmt_location ?? 0);
    const to = raw.stmt_len ? bytes.toUtf16((raw.stmt_location ?? 0) + raw.stmt_len) : text.length;
    const bounds = tokenBounds(text, from, to);
    if (!bounds) continue;
    const semi = semicolonAfter(text, bounds.end);
    statements.push({
      stmt: raw.stmt as PgNode,
      kind: kindOf(raw.stmt as PgNode),
      span: bounds,
      spanWithSemicolon: { start: bounds.start, end: semi >= 0 ? semi : bounds.end },
      locate,
    });
  }
  return { statements, errors: [] };
}

/**
 * The scanner stops at an unterminated string, `$$` body or comment, so nothing after it can be read. The
 * statements before it still are: everything up to the last `;` before it is parsed as usual, and the rest is
 * the one error.
 */
function parseBeforeUnterminated(text: string, bytes: ByteOffsets, error: unknown): ChunkParse {
  const err = wholeChunkError(text, bytes, error);
  const prefix = text.slice(0, err.span.start);
  const tokens = prefix.trim() === '' ? null : scanTokens(prefix, new ByteOffsets(prefix));
  const lastSemi = tokens?.filter((t) => t.name === 'ASCII_59').pop();
  if (!lastSemi) return { statements: [], errors: [err] };
  const head = parseWhole(text.slice(0, lastSemi.end));
  return { statements: head.statements, errors: [...head.errors, err] };
}

function wholeChunkError(text: string, bytes: ByteOffsets, error: unknown): ParseError {
  const { message, position } = describe(error);
  const at = position === undefined ? 0 : Math.min(bytes.toUtf16(position), text.length);
  const firstNonSpace = text.search(/\S/);
  const start = position === undefined ? Math.max(0, firstNonSpace) : at;
  return { message, span: { start, end: Math.max(start, Math.min(text.length, lineEndAt(text, start))) } };
}

function lineEndAt(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

function describe(error: unknown): { message: string; position?: number } {
  if (error && typeof error === 'object' && 'sqlDetails' in error) {
    const details = (error as { sqlDetails?: { message: string; cursorPosition?: number } }).sqlDetails;
    if (details) return { message: details.message, position: details.cursorPosition };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

function parsePieces(text: string, tokens: Token[]): ChunkParse {
  const statements: ParsedStatement[] = [];
  const errors: ParseError[] = [];
  let pieceStart = -1;
  const flush = (endToken: number, semiEnd: number): void => {
    if (pieceStart < 0) return;
    const span = { start: tokens[pieceStart]!.start, end: tokens[endToken]!.end };
    const pieceText = text.slice(span.start, span.end);
    const pieceBytes = new ByteOffsets(pieceText);
    try {
      const result = parseSync(pieceText);
      const locate = (b: number) => span.start + pieceBytes.toUtf16(b);
      for (const raw of result.stmts ?? []) {
        const stmt = raw.stmt as PgNode;
        statements.push({ stmt, kind: kindOf(stmt), span, spanWithSemicolon: { start: span.start, end: semiEnd >= 0 ? semiEnd : span.end }, locate });
      }
    } catch (error) {
      const { message, position } = describe(error);
      const at = position === undefined ? span.start : span.start + Math.min(pieceBytes.toUtf16(position), pieceText.length);
      const errStart = Math.min(at, span.end);
      // Underline the offending token when we can find it, else the rest of the line.
      const token = tokens.find((t) => t.start >= errStart && t.start < span.end + 1);
      const errEnd = token && token.start === errStart ? token.end : Math.max(errStart + 1, Math.min(span.end, lineEndAt(text, errStart)));
      errors.push({ message, span: { start: errStart, end: Math.min(errEnd, text.length) } });
    }
    pieceStart = -1;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.name === 'ASCII_59') {
      if (pieceStart >= 0) flush(k - 1, t.end);
      continue;
    }
    if (pieceStart < 0) pieceStart = k;
  }
  if (pieceStart >= 0) flush(tokens.length - 1, -1);
  return { statements, errors };
}
