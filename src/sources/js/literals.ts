import type { HostLiteral, MapSegment } from '../../types.js';

/**
 * JS string and template literals read back from the file's own text (not from the parser's `value`/`raw`,
 * which differ between parsers and normalise CRLF), so every character of SQL maps to an exact file offset.
 *
 * The chunk text is the literal's value with two deliberate differences that keep positions exact:
 *  - a line break in a template (LF, CRLF or CR) is kept as written — SQL reads CR as whitespace — so the
 *    text stays verbatim and fixes can land on it;
 *  - each `${…}` becomes a bind placeholder `$1`, `$2` … (a non-verbatim segment no fix ever touches).
 */
export interface SqlPiece {
  text: string;
  segments: MapSegment[];
  /** How many `${…}` placeholders it has. */
  placeholders: number;
  /** The literals the text was read from, for escaping fix text (escape.ts). */
  literals: HostLiteral[];
}

class Builder {
  text = '';
  segments: MapSegment[] = [];
  placeholders = 0;
  literals: HostLiteral[] = [];

  verbatim(fileText: string, from: number, to: number): void {
    if (to <= from) return;
    const last = this.segments[this.segments.length - 1];
    if (last && last.verbatim && last.fileStart + last.length === from && last.chunkStart + last.length === this.text.length) {
      last.length += to - from;
    } else {
      this.segments.push({ chunkStart: this.text.length, fileStart: from, length: to - from, verbatim: true });
    }
    this.text += fileText.slice(from, to);
  }

  replaced(value: string, fileStart: number, fileLength: number, placeholder = false): void {
    // A zero-length piece (a line continuation) needs no segment: the next one starts further on in the file.
    if (value.length > 0)
      this.segments.push({
        chunkStart: this.text.length,
        fileStart,
        length: value.length,
        fileLength,
        verbatim: false,
        ...(placeholder ? { placeholder } : {}),
      });
    this.text += value;
  }

  piece(): SqlPiece {
    return { text: this.text, segments: this.segments, placeholders: this.placeholders, literals: this.literals };
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Reads the escape at `i` (a backslash); returns the value and the escape's length in the file. */
function readEscape(text: string, i: number): { value: string; length: number } {
  const c = text[i + 1] ?? '';
  if (c === '\r') return { value: '', length: text[i + 2] === '\n' ? 3 : 2 };
  if (c === '\n' || c === '\u2028' || c === '\u2029') return { value: '', length: 2 };
  if (c in SIMPLE_ESCAPES && !(c === '0' && /[0-9]/.test(text[i + 2] ?? ''))) return { value: SIMPLE_ESCAPES[c]!, length: 2 };
  if (c === 'x') {
    const hex = text.slice(i + 2, i + 4);
    if (/^[0-9a-fA-F]{2}$/.test(hex)) return { value: String.fromCharCode(parseInt(hex, 16)), length: 4 };
  }
  if (c === 'u') {
    if (text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      const hex = close > 0 ? text.slice(i + 3, close) : '';
      if (/^[0-9a-fA-F]{1,6}$/.test(hex)) return { value: String.fromCodePoint(parseInt(hex, 16)), length: close - i + 1 };
    }
    const hex = text.slice(i + 2, i + 6);
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return { value: String.fromCharCode(parseInt(hex, 16)), length: 6 };
  }
  // Any other escaped character is itself (`\'`, `\"`, `\\`, `` \` ``, `\$` …).
  const code = text.codePointAt(i + 1);
  const ch = code === undefined ? '' : String.fromCodePoint(code);
  return { value: ch, length: 1 + ch.length };
}

/** Decodes file text between `from` and `to` (a literal's content, no delimiters) into the builder. */
function decodeInto(b: Builder, text: string, from: number, to: number): void {
  let run = from;
  let i = from;
  while (i < to) {
    if (text.charCodeAt(i) === 92 /* \ */) {
      b.verbatim(text, run, i);
      const esc = readEscape(text, i);
      b.replaced(esc.value, i, esc.length);
      i += esc.length;
      run = i;
    } else i++;
  }
  b.verbatim(text, run, to);
}

/** A string literal `'…'` / `"…"` whose node spans [start, end) in the file (quotes included). */
export function stringPiece(text: string, start: number, end: number): SqlPiece {
  const b = new Builder();
  b.literals.push({ start: start + 1, end: end - 1, language: 'js', quote: text[start]! });
  decodeInto(b, text, start + 1, end - 1);
  return b.piece();
}

export interface TemplatePart {
  /** The quasi's node range as the parser gives it. */
  start: number;
  end: number;
}

/**
 * A template literal: its quasis (ranges as the parser gives them — with or without the `` ` `` / `${` / `}`
 * delimiters: parsers differ) and the ranges of its `${…}` expressions.
 */
export function templatePiece(
  text: string,
  literal: { start: number; end: number },
  quasis: TemplatePart[],
  firstPlaceholder = 1,
  pasted?: Array<string | undefined>,
): SqlPiece {
  const b = new Builder();
  b.literals.push({ start: literal.start + 1, end: literal.end - 1, language: 'js', quote: '`' });
  // Delimiters are part of the quasi ranges when the first quasi starts at the literal's backtick.
  const withDelimiters = quasis.length > 0 && quasis[0]!.start === literal.start;
  quasis.forEach((q, k) => {
    const tail = k === quasis.length - 1;
    const from = withDelimiters ? q.start + 1 : q.start;
    const to = withDelimiters ? q.end - (tail ? 1 : 2) : q.end;
    decodeInto(b, text, from, to);
    if (!tail) {
      // The `${ … }` between this quasi and the next: from its `$` to just after its `}`.
      const exprStart = to;
      const next = quasis[k + 1]!;
      const exprEnd = withDelimiters ? next.start + 1 : next.start;
      // A `${…}` whose value is known (a const string or number) is pasted as the runtime would; else a `$n`.
      const value = pasted?.[k];
      if (value !== undefined) b.replaced(value, exprStart, exprEnd - exprStart, true);
      else if (insideSqlString(b.text) && text[exprEnd] === "'") {
        // `'${value}'`: the whole SQL string literal is a value; what it holds does not change the statement.
        b.replaced(`$${firstPlaceholder + b.placeholders}`, exprStart, exprEnd - exprStart, true);
      } else {
        b.placeholders++;
        b.replaced(`$${firstPlaceholder + b.placeholders - 1}`, exprStart, exprEnd - exprStart, true);
      }
    }
  });
  return b.piece();
}

/** The text ends with the opening quote of an SQL string literal: `… where id = '`. */
function insideSqlString(text: string): boolean {
  if (!text.endsWith("'")) return false;
  let quotes = 0;
  for (const ch of text) if (ch === "'") quotes++;
  return quotes % 2 === 1;
}

/** Joins pieces (`'a' + 'b'`); placeholders of later pieces continue the numbering of earlier ones. */
export function concatPieces(pieces: SqlPiece[]): SqlPiece {
  const out: SqlPiece = { text: '', segments: [], placeholders: 0, literals: [] };
  for (const p of pieces) {
    out.literals.push(...p.literals);
    for (const s of p.segments) out.segments.push({ ...s, chunkStart: s.chunkStart + out.text.length });
    out.text += p.text;
    out.placeholders += p.placeholders;
  }
  return out;
}
