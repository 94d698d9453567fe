import { MappedStringBuilder } from '../../sources/mapped-string.js';
import type { MapSegment } from '../../types.js';
import { child, namedChildren, type PyNode as RbNode } from '../../sources/python/tree.js';

/**
 * Ruby values as a Rails migration writes them: symbols, strings (with escapes and `#{…}`), heredocs, numbers,
 * booleans, nil, arrays, hashes and `-> { "SQL" }` lambdas, read from the syntax tree without running Ruby.
 */

export type { RbNode };

export function text(src: string, n: RbNode): string {
  return src.slice(n.start, n.end);
}

/** A call's parts: `receiver.method(args) do … end`. */
export interface RbCall {
  node: RbNode;
  receiver?: RbNode;
  method: string;
  /** Positional arguments, in order. */
  args: RbNode[];
  /** Keyword arguments and `:key => value` pairs, by key. */
  options: Map<string, RbNode>;
  /** The pair nodes, for edits that remove or replace one. */
  pairs: Map<string, RbNode>;
  argumentList?: RbNode;
  block?: RbNode;
}

export function callOf(src: string, n: RbNode): RbCall | null {
  if (n.type === 'identifier' && n.parent?.type !== 'call') return { node: n, method: text(src, n), args: [], options: new Map(), pairs: new Map() };
  if (n.type !== 'call') return null;
  const method = child(n, 'method');
  if (!method) return null;
  const argumentList = child(n, 'arguments');
  const args: RbNode[] = [];
  const options = new Map<string, RbNode>();
  const pairs = new Map<string, RbNode>();
  for (const a of argumentList ? namedChildren(argumentList) : []) {
    if (a.type === 'pair') {
      const k = child(a, 'key');
      const v = child(a, 'value');
      const key = k ? keyName(src, k) : undefined;
      if (key !== undefined && v) {
        options.set(key, v);
        pairs.set(key, a);
      }
    } else if (a.type === 'hash' && a === namedChildren(argumentList!).at(-1)) {
      // A trailing `{ key: value }` hash literal is keyword arguments too.
      for (const p of namedChildren(a).filter((x) => x.type === 'pair')) {
        const k = child(p, 'key');
        const v = child(p, 'value');
        const key = k ? keyName(src, k) : undefined;
        if (key !== undefined && v) {
          options.set(key, v);
          pairs.set(key, p);
        }
      }
    } else if (a.type !== 'comment') args.push(a);
  }
  return { node: n, receiver: child(n, 'receiver'), method: text(src, method), args, options, pairs, argumentList, block: child(n, 'block') };
}

function keyName(src: string, k: RbNode): string | undefined {
  if (k.type === 'hash_key_symbol' || k.type === 'identifier' || k.type === 'constant') return text(src, k);
  return symbolOrString(src, k);
}

/** `:users`, `"users"`, `'users'`, `:"a-b"` → their text; undefined for anything else (or a string with `#{…}`). */
export function symbolOrString(src: string, n: RbNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'simple_symbol') return text(src, n).slice(1);
  if (n.type === 'delimited_symbol' || n.type === 'string') {
    const v = stringValue(src, n);
    return v && v.dynamic === 0 ? v.text : undefined;
  }
  return undefined;
}

/** A list of names: one symbol/string, or an array of them. */
export function nameList(src: string, n: RbNode | undefined): string[] | undefined {
  if (!n) return undefined;
  // %i[a b] and %w[a b]: their elements are bare words.
  if (n.type === 'symbol_array' || n.type === 'string_array') return namedChildren(n).map((e) => text(src, e));
  if (n.type === 'array') {
    const out: string[] = [];
    for (const e of namedChildren(n)) {
      const v = symbolOrString(src, e);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  const v = symbolOrString(src, n);
  return v === undefined ? undefined : [v];
}

/** The pairs of a `{ key: value }` hash literal (an option's value, as `index: { unique: true }`), by key; empty for anything else. */
export function hashOptions(src: string, n: RbNode | undefined): Map<string, RbNode> {
  const out = new Map<string, RbNode>();
  if (n?.type !== 'hash') return out;
  for (const p of namedChildren(n).filter((x) => x.type === 'pair')) {
    const k = child(p, 'key');
    const v = child(p, 'value');
    const key = k ? keyName(src, k) : undefined;
    if (key !== undefined && v) out.set(key, v);
  }
  return out;
}

export function isTrue(src: string, n: RbNode | undefined): boolean {
  return n?.type === 'true';
}

export function isFalse(src: string, n: RbNode | undefined): boolean {
  return n?.type === 'false';
}

/** A string's value with a source map: verbatim pieces map to the file, escapes and `#{…}` do not. */
export interface RbString {
  text: string;
  segments: MapSegment[];
  /** How many `#{…}` it has (each became a `$n` placeholder). */
  dynamic: number;
}

const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', s: ' ', '0': '\0', e: '\x1b', a: '\x07', b: '\b', f: '\f', v: '\v' };

function escapeValue(raw: string, single: boolean): string {
  const c = raw.slice(1);
  if (single) return c === '\\' || c === "'" ? c : raw;
  if (c in DOUBLE_ESCAPES) return DOUBLE_ESCAPES[c]!;
  if (/^x[0-9a-fA-F]{1,2}$/.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
  if (/^u[0-9a-fA-F]{4}$/.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
  if (/^u\{[0-9a-fA-F ]+\}$/.test(c))
    return String.fromCodePoint(
      ...c
        .slice(2, -1)
        .trim()
        .split(/\s+/)
        .map((h) => parseInt(h, 16)),
    );
  if (/^[0-7]{1,3}$/.test(c)) return String.fromCharCode(parseInt(c, 8));
  if (c === '\n') return '';
  return c;
}

/** Reads a string, chained strings (`'a' 'b'`) or a delimited symbol. Undefined for anything else. */
export function stringValue(src: string, n: RbNode): RbString | undefined {
  const b = new MappedStringBuilder();
  const one = (s: RbNode): boolean => {
    const open = text(src, s).slice(0, 3);
    const single = /^'|^%q|^:'/.test(open);
    for (const c of s.children) {
      if (c.type === 'string_content') b.verbatim(src, c.start, c.end);
      else if (c.type === 'escape_sequence') b.replaced(escapeValue(text(src, c), single), c.start, c.end - c.start);
      else if (c.type === 'interpolation') b.placeholder(c.start, c.end - c.start);
      else if (c.named) return false;
    }
    return true;
  };
  if (n.type === 'string' || n.type === 'delimited_symbol') return one(n) ? { text: b.text, segments: b.segments, dynamic: b.dynamic } : undefined;
  if (n.type === 'chained_string') {
    for (const s of namedChildren(n)) if (s.type !== 'string' || !one(s)) return undefined;
    return { text: b.text, segments: b.segments, dynamic: b.dynamic };
  }
  return undefined;
}

/**
 * A heredoc's value: the body between the line after `<<~SQL` and the closing line. `<<~` removes the common
 * indentation (each line maps to the file after its removed indentation, so positions stay exact); a quoted
 * identifier (`<<~'SQL'`) has no escapes or interpolation.
 */
export function heredocValue(src: string, beginning: RbNode, body: RbNode): RbString {
  const opener = text(src, beginning);
  const squiggly = opener.startsWith('<<~');
  const raw = /^<<[~-]?'/.test(opener);
  const end = body.children.find((c) => c.type === 'heredoc_end');
  // The body's text starts after the line break that ends the opener's line.
  let from = body.start;
  if (src[from] === '\r' && src[from + 1] === '\n') from += 2;
  else if (src[from] === '\n') from += 1;
  const to = end ? src.lastIndexOf('\n', end.start - 1) + 1 : body.end;
  // Pieces of the body: content (verbatim, line by line), escapes and interpolations.
  type Piece = { kind: 'text' | 'escape' | 'interp'; start: number; end: number };
  const pieces: Piece[] = [];
  let at = from;
  for (const c of body.children) {
    if (c.type === 'heredoc_end' || c.end <= from) continue;
    if (c.type === 'escape_sequence' && !raw) {
      if (c.start > at) pieces.push({ kind: 'text', start: at, end: c.start });
      pieces.push({ kind: 'escape', start: c.start, end: c.end });
      at = c.end;
    } else if (c.type === 'interpolation' && !raw) {
      if (c.start > at) pieces.push({ kind: 'text', start: at, end: c.start });
      pieces.push({ kind: 'interp', start: c.start, end: c.end });
      at = c.end;
    }
  }
  if (to > at) pieces.push({ kind: 'text', start: at, end: to });
  // The indentation <<~ removes: the least of the non-blank lines'.
  let indent = 0;
  if (squiggly) {
    let min = Infinity;
    for (let ls = from; ls < to;) {
      const le = src.indexOf('\n', ls);
      const line = src.slice(ls, le < 0 || le > to ? to : le);
      if (/\S/.test(line)) min = Math.min(min, /^[ \t]*/.exec(line)![0].length);
      ls = le < 0 ? to : le + 1;
    }
    indent = Number.isFinite(min) ? min : 0;
  }
  const b = new MappedStringBuilder();
  let lineStart = true;
  for (const p of pieces) {
    if (p.kind === 'escape') {
      b.replaced(escapeValue(text(src, { start: p.start, end: p.end } as RbNode), false), p.start, p.end - p.start);
      lineStart = false;
      continue;
    }
    if (p.kind === 'interp') {
      b.placeholder(p.start, p.end - p.start);
      lineStart = false;
      continue;
    }
    let i = p.start;
    while (i < p.end) {
      if (lineStart && indent > 0) {
        let skip = 0;
        while (skip < indent && i + skip < p.end && (src[i + skip] === ' ' || src[i + skip] === '\t')) skip++;
        i += skip;
      }
      const nl = src.indexOf('\n', i);
      const lineEnd = nl < 0 || nl >= p.end ? p.end : nl + 1;
      b.verbatim(src, i, lineEnd);
      lineStart = lineEnd > i && src[lineEnd - 1] === '\n';
      i = lineEnd;
    }
  }
  return { text: b.text, segments: b.segments, dynamic: b.dynamic };
}

/** A Ruby value as a SQL literal (a default): strings quoted, numbers and booleans as written, nil as NULL, `-> { "SQL" }` as its SQL. */
export function sqlValue(src: string, n: RbNode | undefined): string | undefined {
  if (!n) return undefined;
  switch (n.type) {
    case 'integer':
    case 'float':
      return text(src, n).replace(/_/g, '');
    case 'true':
    case 'false':
      return n.type;
    case 'nil':
      return 'NULL';
    case 'unary': {
      const inner = namedChildren(n)[0];
      const v = inner && (inner.type === 'integer' || inner.type === 'float') ? sqlValue(src, inner) : undefined;
      return v && text(src, n).startsWith('-') ? `-${v}` : undefined;
    }
    case 'lambda': {
      const body = child(n, 'body');
      const inner = body ? namedChildren(child(body, 'body') ?? body).filter((c) => c.type !== 'comment') : [];
      if (inner.length !== 1) return undefined;
      const s = stringValue(src, inner[0]!);
      return s && s.dynamic === 0 ? s.text : undefined;
    }
    case 'array':
      return namedChildren(n).length === 0 ? "'{}'" : undefined;
    case 'hash':
      return namedChildren(n).length === 0 ? "'{}'" : undefined;
    default: {
      const s = symbolOrString(src, n);
      return s === undefined ? undefined : `'${s.replace(/'/g, "''")}'`;
    }
  }
}
