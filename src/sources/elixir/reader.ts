import { MappedStringBuilder } from '../mapped-string.js';
import type { MapSegment } from '../../types.js';

/**
 * A reader for the part of Elixir that Ecto migrations are written in: modules, module attributes, `def … do … end`,
 * calls with or without parentheses, `do … end` blocks, atoms, keyword lists, lists, tuples, numbers, and strings
 * (`"…"`, heredocs `"""…"""`, and the `~s` / `~S` sigils with any delimiter) with their source maps. No Elixir runs.
 *
 * tree-sitter's Elixir grammar is published on npm (tree-sitter-elixir, with its WASM), but the package declares a
 * required peer dependency on the native tree-sitter 0.21, which conflicts with tree-sitter-python's (0.25): npm
 * refuses the install. This reader is the alternative: what it does not understand becomes an opaque expression
 * (its text span), never a guess, and a file it cannot follow is a parse error.
 */

export type ExNode =
  | { kind: 'atom'; value: string; start: number; end: number }
  | { kind: 'string'; value: ExString; start: number; end: number }
  | { kind: 'number'; text: string; start: number; end: number }
  | { kind: 'bool'; value: boolean; start: number; end: number }
  | { kind: 'nil'; start: number; end: number }
  | { kind: 'list'; items: ExNode[]; start: number; end: number }
  | { kind: 'tuple'; items: ExNode[]; start: number; end: number }
  | { kind: 'keywords'; pairs: Array<{ key: string; value: ExNode; start: number }>; start: number; end: number }
  | { kind: 'call'; name: string; receiver?: string; args: ExNode[]; block?: ExNode[]; parens: boolean; close?: number; start: number; end: number }
  | { kind: 'attribute'; name: string; value?: ExNode; start: number; end: number }
  | { kind: 'opaque'; start: number; end: number };

export interface ExString {
  text: string;
  segments: MapSegment[];
  /** How many `#{…}` it has (each became a `$n` placeholder). */
  dynamic: number;
}

export class ElixirSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Tok =
  | { t: 'id'; v: string; s: number; e: number; spaceAfter: boolean }
  | { t: 'alias'; v: string; s: number; e: number }
  | { t: 'atom'; v: string; s: number; e: number }
  | { t: 'key'; v: string; s: number; e: number }
  | { t: 'str'; v: ExString; s: number; e: number }
  | { t: 'num'; v: string; s: number; e: number }
  | { t: 'attr'; v: string; s: number; e: number }
  | { t: 'punct'; v: string; s: number; e: number }
  | { t: 'nl'; s: number; e: number }
  | { t: 'eof'; s: number; e: number };

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  s: ' ',
  '0': '\0',
  e: '\x1b',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '#': '#',
};
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>', '"': '"', "'": "'", '|': '|', '/': '/' };

/** The end of a `#{…}` interpolation starting at `i` (at `#`). */
function interpolationEnd(src: string, i: number): number {
  let depth = 0;
  for (let j = i + 1; j < src.length; j++) {
    const c = src[j];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j + 1;
    else if (c === '"') {
      j++;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
    }
  }
  throw new ElixirSyntaxError('unterminated interpolation', i);
}

/**
 * One line-or-inline string body from `from` to its closing `close`: escapes (unless raw) and interpolations
 * (unless raw). Returns the builder's additions and where the closing delimiter is.
 */
function scanBody(src: string, from: number, close: string, b: MappedStringBuilder, raw: boolean, stopAt = -1): number {
  let i = from;
  let run = i;
  const end = stopAt >= 0 ? stopAt : src.length;
  while (i < end) {
    const c = src[i]!;
    if (stopAt < 0 && src.startsWith(close, i)) break;
    if (c === '\\' && (!raw || src[i + 1] === close)) {
      b.verbatim(src, run, i);
      const n = src[i + 1] ?? '';
      let len = 2;
      let value = ESCAPES[n] ?? n;
      if (n === 'x' && /^[0-9a-fA-F]{2}/.test(src.slice(i + 2))) {
        value = String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
        len = 4;
      } else if (n === 'u' && /^[0-9a-fA-F]{4}/.test(src.slice(i + 2))) {
        value = String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        len = 6;
      } else if (n === '\n') value = '';
      b.replaced(value, i, len);
      i += len;
      run = i;
      continue;
    }
    if (c === '#' && src[i + 1] === '{' && !raw) {
      b.verbatim(src, run, i);
      const e = interpolationEnd(src, i);
      b.dynamic++;
      b.replaced(`$${b.dynamic}`, i, e - i);
      i = e;
      run = i;
      continue;
    }
    i++;
  }
  if (stopAt < 0 && i >= src.length) throw new ElixirSyntaxError('unterminated string', from);
  b.verbatim(src, run, i);
  return i;
}

/** A heredoc opened at `open` (the offset after `"""` or `'''`): lines up to the closing delimiter's line, with its indentation removed. */
function heredoc(src: string, afterOpen: number, quote: string, raw: boolean): { value: ExString; end: number } {
  const nl = src.indexOf('\n', afterOpen);
  if (nl < 0) throw new ElixirSyntaxError('heredoc without a body', afterOpen);
  // Find the closing line: optional whitespace then the quotes.
  const re = new RegExp(`^([ \\t]*)${quote}`, 'gm');
  re.lastIndex = nl + 1;
  let m: RegExpExecArray | null;
  let closeAt = -1;
  let indent = '';
  while ((m = re.exec(src))) {
    if (m.index > nl) {
      closeAt = m.index;
      indent = m[1]!;
      break;
    }
  }
  if (closeAt < 0) throw new ElixirSyntaxError('unterminated heredoc', afterOpen);
  const b = new MappedStringBuilder();
  let lineStart = nl + 1;
  while (lineStart < closeAt) {
    let lineEnd = src.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd >= closeAt) lineEnd = closeAt - 1;
    const line = src.slice(lineStart, lineEnd);
    const skip = line.startsWith(indent) ? indent.length : line.length - line.trimStart().length;
    scanBody(src, lineStart + skip, quote, b, raw, lineEnd);
    if (lineEnd < closeAt) b.verbatim(src, lineEnd, lineEnd + 1);
    lineStart = lineEnd + 1;
  }
  return { value: b.done(), end: closeAt + indent.length + quote.length };
}

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      out.push({ t: 'nl', s: i, e: i + 1 });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    const s = i;
    if (src.startsWith('"""', i) || src.startsWith("'''", i)) {
      const q = src.slice(i, i + 3);
      const h = heredoc(src, i + 3, q, false);
      out.push({ t: 'str', v: h.value, s, e: h.end });
      i = h.end;
      continue;
    }
    if (c === '"' || c === "'") {
      const b = new MappedStringBuilder();
      const end = scanBody(src, i + 1, c, b, false);
      out.push({ t: 'str', v: b.done(), s, e: end + 1 });
      i = end + 1;
      continue;
    }
    if (c === '~' && /[a-zA-Z]/.test(src[i + 1] ?? '')) {
      const letter = src[i + 1]!;
      const raw = letter === letter.toUpperCase();
      if (src.startsWith('"""', i + 2) || src.startsWith("'''", i + 2)) {
        const h = heredoc(src, i + 5, src.slice(i + 2, i + 5), raw);
        let e = h.end;
        while (/[a-zA-Z]/.test(src[e] ?? '')) e++;
        out.push({ t: 'str', v: h.value, s, e });
        i = e;
        continue;
      }
      const open = src[i + 2] ?? '';
      const close = CLOSERS[open];
      if (!close) throw new ElixirSyntaxError('unknown sigil delimiter', i);
      const b = new MappedStringBuilder();
      const end = scanBody(src, i + 3, close, b, raw);
      let e = end + 1;
      while (/[a-zA-Z]/.test(src[e] ?? '')) e++;
      // ~w(…) word lists and other sigils are not strings migralint reads.
      if (letter === 's' || letter === 'S') out.push({ t: 'str', v: b.done(), s, e });
      else out.push({ t: 'punct', v: '~sigil', s, e });
      i = e;
      continue;
    }
    if (c === ':' && src[i + 1] === '"') {
      const b = new MappedStringBuilder();
      const end = scanBody(src, i + 2, '"', b, false);
      out.push({ t: 'atom', v: b.text, s, e: end + 1 });
      i = end + 1;
      continue;
    }
    if (c === ':' && /[a-zA-Z_]/.test(src[i + 1] ?? '')) {
      let e = i + 1;
      while (/[\w@]/.test(src[e] ?? '')) e++;
      if (src[e] === '?' || src[e] === '!') e++;
      out.push({ t: 'atom', v: src.slice(i + 1, e), s, e });
      i = e;
      continue;
    }
    if (c === '@' && /[a-z_]/.test(src[i + 1] ?? '')) {
      let e = i + 1;
      while (/\w/.test(src[e] ?? '')) e++;
      out.push({ t: 'attr', v: src.slice(i + 1, e), s, e });
      i = e;
      continue;
    }
    if (/[a-z_]/.test(c)) {
      let e = i;
      while (/\w/.test(src[e] ?? '')) e++;
      if (src[e] === '?' || src[e] === '!') e++;
      const v = src.slice(i, e);
      // `key: value` (a keyword key: the colon follows at once, then a space).
      if (src[e] === ':' && src[e + 1] !== ':' && /[\s]/.test(src[e + 1] ?? ' ')) {
        out.push({ t: 'key', v, s, e: e + 1 });
        i = e + 1;
        continue;
      }
      out.push({ t: 'id', v, s, e, spaceAfter: src[e] === ' ' || src[e] === '\t' });
      i = e;
      continue;
    }
    if (/[A-Z]/.test(c)) {
      let e = i;
      while (/[\w.]/.test(src[e] ?? '') && !(src[e] === '.' && !/[A-Z]/.test(src[e + 1] ?? ''))) e++;
      out.push({ t: 'alias', v: src.slice(i, e), s, e });
      i = e;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let e = i;
      while (/[\w.]/.test(src[e] ?? '') && !(src[e] === '.' && !/[0-9]/.test(src[e + 1] ?? ''))) e++;
      out.push({ t: 'num', v: src.slice(i, e), s, e });
      i = e;
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    const op = ['===', '!==', '<<<', '>>>', '...', '<>'].includes(three)
      ? three
      : ['|>', '->', '<-', '=>', '==', '!=', '<=', '>=', '&&', '||', '<>', '++', '--', '::', '..', '\\\\'].includes(two)
        ? two
        : c;
    out.push({ t: 'punct', v: op, s, e: i + op.length });
    i += op.length;
  }
  out.push({ t: 'eof', s: n, e: n });
  return out;
}

const BLOCK_WORDS = new Set(['do', 'end', 'else', 'rescue', 'catch', 'after', 'fn']);

/** Parses a file into its top-level expressions. Throws ElixirSyntaxError where it cannot follow the text. */
export function parseElixir(src: string): ExNode[] {
  const toks = tokenize(src);
  let p = 0;
  const peek = (k = 0) => toks[Math.min(p + k, toks.length - 1)]!;
  const next = () => toks[p++]!;
  const isP = (v: string, k = 0) => peek(k).t === 'punct' && (peek(k) as { v: string }).v === v;
  const isId = (v: string, k = 0) => peek(k).t === 'id' && (peek(k) as { v: string }).v === v;
  const skipNl = () => {
    while (peek().t === 'nl' || isP(';')) p++;
  };
  const expect = (v: string) => {
    if (!isP(v)) throw new ElixirSyntaxError(`expected ${v}`, peek().s);
    return next();
  };

  /** Skips a balanced expression the reader does not model; returns its span. */
  function opaqueUntil(stops: (t: Tok) => boolean): ExNode {
    const start = peek().s;
    let depth = 0;
    let end = start;
    while (peek().t !== 'eof') {
      const t = peek();
      if (depth === 0 && stops(t)) break;
      if (t.t === 'punct' && ['(', '[', '{', '<<'].includes(t.v)) depth++;
      else if (t.t === 'punct' && [')', ']', '}', '>>'].includes(t.v)) {
        if (depth === 0) break;
        depth--;
      } else if (t.t === 'id' && (t.v === 'do' || t.v === 'fn')) depth++;
      else if (t.t === 'id' && t.v === 'end') {
        if (depth === 0) break;
        depth--;
      }
      end = t.e;
      p++;
    }
    return { kind: 'opaque', start, end };
  }

  function block(): ExNode[] {
    // After `do`: expressions until `end` (else/rescue sections are read as more expressions).
    const out: ExNode[] = [];
    for (;;) {
      skipNl();
      if (isId('end')) {
        next();
        return out;
      }
      if (isId('else') || isId('rescue') || isId('catch') || isId('after')) {
        next();
        continue;
      }
      if (peek().t === 'eof') throw new ElixirSyntaxError('missing end', peek().s);
      out.push(expression(true));
    }
  }

  function args(closer: string | null): ExNode[] {
    const saved = noDo;
    if (closer) noDo = 0;
    try {
      return argsIn(closer);
    } finally {
      noDo = saved;
    }
  }

  function argsIn(closer: string | null): ExNode[] {
    const out: ExNode[] = [];
    const pairs: Array<{ key: string; value: ExNode; start: number }> = [];
    let kwStart = -1;
    for (;;) {
      if (closer) skipNl();
      if (closer && isP(closer)) break;
      if (!closer && (peek().t === 'nl' || peek().t === 'eof' || isId('do') || isId('end') || isP(')') || isP(']') || isP('}') || isP(';'))) break;
      if (peek().t === 'key') {
        const k = next() as { v: string; s: number };
        if (kwStart < 0) kwStart = k.s;
        skipNl();
        pairs.push({ key: k.v, value: expression(false), start: k.s });
      } else out.push(expression(false));
      if (closer) skipNl();
      if (isP(',')) {
        next();
        skipNl();
        continue;
      }
      break;
    }
    if (pairs.length) out.push({ kind: 'keywords', pairs, start: kwStart, end: pairs.at(-1)!.value.end });
    return out;
  }

  /** Inside the arguments of a call without parentheses, `do` belongs to that outer call (`def change do`, `create table(:t) do`). */
  let noDo = 0;

  function doBlock(call: Extract<ExNode, { kind: 'call' }>): void {
    if (noDo === 0 && isId('do')) {
      next();
      call.block = block();
      call.end = toks[p - 1]!.e;
    }
  }

  function primary(statement: boolean): ExNode {
    const t = peek();
    switch (t.t) {
      case 'atom':
        next();
        return { kind: 'atom', value: t.v, start: t.s, end: t.e };
      case 'str':
        next();
        return { kind: 'string', value: t.v, start: t.s, end: t.e };
      case 'num':
        next();
        return { kind: 'number', text: t.v, start: t.s, end: t.e };
      case 'attr': {
        next();
        // `@name value` on its own line sets the attribute.
        if (statement && peek().t !== 'nl' && peek().t !== 'eof') {
          const value = expression(false);
          return { kind: 'attribute', name: t.v, value, start: t.s, end: value.end };
        }
        return { kind: 'attribute', name: t.v, start: t.s, end: t.e };
      }
      case 'punct': {
        if (t.v === '[') {
          next();
          const items = args(']');
          const close = expect(']');
          // [key: value] is a keyword list; [a, b] a list.
          if (items.length === 1 && items[0]!.kind === 'keywords') return { ...items[0]!, start: t.s, end: close.e };
          return { kind: 'list', items, start: t.s, end: close.e };
        }
        if (t.v === '{') {
          next();
          const items = args('}');
          const close = expect('}');
          return { kind: 'tuple', items, start: t.s, end: close.e };
        }
        if (t.v === '(') {
          next();
          skipNl();
          const inner = expression(false);
          skipNl();
          const close = expect(')');
          return { ...inner, start: t.s, end: close.e };
        }
        return opaqueUntil((x) => x.t === 'nl' || (x.t === 'punct' && x.v === ','));
      }
      case 'alias':
      case 'id': {
        if (t.t === 'id' && (t.v === 'true' || t.v === 'false')) {
          next();
          return { kind: 'bool', value: t.v === 'true', start: t.s, end: t.e };
        }
        if (t.t === 'id' && t.v === 'nil') {
          next();
          return { kind: 'nil', start: t.s, end: t.e };
        }
        if (t.t === 'id' && BLOCK_WORDS.has(t.v)) {
          if (t.v === 'fn') return opaqueUntil(() => false);
          throw new ElixirSyntaxError(`unexpected ${t.v}`, t.s);
        }
        // Module.fun(…), repo().query!(…), name(…), name arg, …
        let receiver: string | undefined;
        let nameTok = next();
        while (isP('.') && (peek(1).t === 'id' || peek(1).t === 'alias')) {
          receiver = receiver ? `${receiver}.${(nameTok as { v: string }).v}` : (nameTok as { v: string }).v;
          next();
          nameTok = next();
        }
        const name = (nameTok as { v: string }).v;
        if (nameTok.t === 'alias' && !isP('(')) return { kind: 'atom', value: name, start: t.s, end: nameTok.e };
        const call: Extract<ExNode, { kind: 'call' }> = { kind: 'call', name, receiver, args: [], parens: false, start: t.s, end: nameTok.e };
        if (isP('(') && peek().s === nameTok.e) {
          next();
          call.args = args(')');
          const close = expect(')');
          call.parens = true;
          call.close = close.s;
          call.end = close.e;
          // repo().query!(…): a call on a call's result.
          while (isP('.') && peek(1).t === 'id') {
            next();
            const m = next() as { v: string; e: number };
            const chained: Extract<ExNode, { kind: 'call' }> = {
              kind: 'call',
              name: m.v,
              receiver: `${name}()`,
              args: [],
              parens: false,
              start: t.s,
              end: m.e,
            };
            if (isP('(')) {
              next();
              chained.args = args(')');
              const c2 = expect(')');
              chained.parens = true;
              chained.close = c2.s;
              chained.end = c2.e;
            }
            Object.assign(call, chained);
          }
        } else if (nameTok.t === 'id' && (nameTok as { spaceAfter: boolean }).spaceAfter && startsArgument(peek())) {
          noDo++;
          try {
            call.args = args(null);
          } finally {
            noDo--;
          }
          call.end = call.args.at(-1)?.end ?? call.end;
        }
        doBlock(call);
        return call;
      }
      default:
        return opaqueUntil((x) => x.t === 'nl' || (x.t === 'punct' && x.v === ','));
    }
  }

  function startsArgument(t: Tok): boolean {
    if (t.t === 'nl' || t.t === 'eof') return false;
    if (t.t === 'id' && (t.v === 'do' || t.v === 'end' || t.v === 'when' || t.v === 'and' || t.v === 'or' || t.v === 'in')) return false;
    if (t.t === 'punct') return ['[', '{', '(', '%', '&', '-', '!', '^', '~sigil', '<<'].includes(t.v);
    return true;
  }

  function expression(statement: boolean): ExNode {
    const first = primary(statement);
    // Binary operators, pipes, `=` and the like: the whole expression is opaque from here to the end of it. So are
    // the word operators `in`, `not in`, `and`, `or` (an Ecto query's `from(o in "orders", …)`, a guard-like test).
    const wordOperator = isId('in') || isId('and') || isId('or') || (isId('not') && isId('in', 1));
    if (wordOperator || (peek().t === 'punct' && !['[', ']', ')', '}', ',', ';'].includes((peek() as { v: string }).v))) {
      const rest = opaqueUntil((x) => x.t === 'nl' || (x.t === 'punct' && [',', ';'].includes(x.v)) || (x.t === 'id' && x.v === 'do'));
      const whole: ExNode = { kind: 'opaque', start: first.start, end: Math.max(rest.end, first.end) };
      if (isId('do')) {
        next();
        block();
        return { ...whole, end: toks[p - 1]!.e };
      }
      return whole;
    }
    return first;
  }

  const out: ExNode[] = [];
  for (;;) {
    skipNl();
    if (peek().t === 'eof') return out;
    if (isId('end')) throw new ElixirSyntaxError('unexpected end', peek().s);
    out.push(expression(true));
  }
}
