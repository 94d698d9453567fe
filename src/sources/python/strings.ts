import type { HostLiteral, MapSegment, Span } from '../../types.js';
import { callArgs, child, dottedName, namedChildren, textOf, type PyNode } from './tree.js';

/**
 * Python string expressions → their value, with a map back to the file. Handles single, double and triple
 * quotes, raw strings, escapes, implicit concatenation of adjacent literals, `+` of literals,
 * `textwrap.dedent(…)`, and names bound to a string earlier in the module (or function). Anything built at run
 * time (f-strings with expressions, `%` / `.format`, names bound elsewhere) is reported as dynamic.
 */
export type PyString = { kind: 'static'; text: string; segments: MapSegment[]; literals: HostLiteral[] } | { kind: 'dynamic'; why: string; span: Span };

/** A value being built: its characters, and for each the file offset it came from (verbatim) or an escape. */
interface Built {
  chars: string[];
  /** >= 0: the verbatim file offset of this character; < 0: -(index into escapes) - 1. */
  origin: number[];
  escapes: Span[];
  /** The literals read, for escaping fix text (escape.ts). */
  literals: HostLiteral[];
}

export interface Resolver {
  /** The string expression a name is bound to, before `at`, in scope. */
  lookup(name: string, at: PyNode): PyNode | undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

function decodeEscape(seq: string): string {
  const c = seq[1] ?? '';
  if (c === '\n' || c === '\r') return '';
  if (c in SIMPLE_ESCAPES && seq.length === 2) return SIMPLE_ESCAPES[c]!;
  if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(seq.slice(1), 8));
  if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(parseInt(seq.slice(2), 16));
  if (c === 'N') return '?';
  return seq;
}

function literal(src: string, node: PyNode, into: Built): string | null {
  const start = node.children.find((c) => c.type === 'string_start');
  const prefix = start
    ? textOf(src, start)
        .replace(/["']+$/, '')
        .toLowerCase()
    : '';
  const quote = start ? textOf(src, start).slice(prefix.length) : '"';
  if (prefix.includes('b')) return 'a bytes literal';
  const raw = prefix.includes('r');
  if (node.children.some((c) => c.type === 'interpolation')) return 'an f-string with expressions';
  const end = node.children.find((c) => c.type === 'string_end');
  if (start && end) into.literals.push({ start: start.end, end: end.start, language: 'python', quote, prefix });
  for (const content of node.children) {
    if (content.type !== 'string_content') continue;
    let at = content.start;
    const pieces = content.children.filter((c) => (c.type === 'escape_sequence' && !raw) || c.type === 'escape_interpolation');
    for (const esc of pieces) {
      for (let k = at; k < esc.start; k++) {
        into.chars.push(src[k]!);
        into.origin.push(k);
      }
      const value = esc.type === 'escape_interpolation' ? textOf(src, esc).charAt(0) : decodeEscape(textOf(src, esc));
      const index = into.escapes.push({ start: esc.start, end: esc.end }) - 1;
      for (const ch of value) {
        for (const unit of ch.length === 2 ? [ch[0]!, ch[1]!] : [ch]) {
          into.chars.push(unit);
          into.origin.push(-index - 1);
        }
      }
      at = esc.end;
    }
    for (let k = at; k < content.end; k++) {
      into.chars.push(src[k]!);
      into.origin.push(k);
    }
  }
  return null;
}

function dedent(b: Built): void {
  // textwrap.dedent: remove the longest common leading whitespace of all non-blank lines; blank lines → "".
  const text = b.chars.join('');
  const lines = text.split('\n');
  let margin: string | null = null;
  for (const line of lines) {
    if (/^[ \t]*$/.test(line)) continue;
    const ws = /^[ \t]*/.exec(line)![0];
    if (margin === null) margin = ws;
    else {
      let k = 0;
      while (k < margin.length && k < ws.length && margin[k] === ws[k]) k++;
      margin = margin.slice(0, k);
    }
  }
  const keep: boolean[] = new Array(b.chars.length).fill(true);
  let pos = 0;
  for (const line of lines) {
    if (/^[ \t]*$/.test(line)) for (let k = 0; k < line.length; k++) keep[pos + k] = false;
    else for (let k = 0; k < (margin?.length ?? 0); k++) keep[pos + k] = false;
    pos += line.length + 1;
  }
  const chars: string[] = [];
  const origin: number[] = [];
  b.chars.forEach((c, i) => {
    if (keep[i]) {
      chars.push(c);
      origin.push(b.origin[i]!);
    }
  });
  b.chars = chars;
  b.origin = origin;
  for (const lit of b.literals) lit.margin = margin ?? '';
}

function build(src: string, node: PyNode, resolver: Resolver, into: Built, depth = 0): { why: string; span: Span } | null {
  const dyn = (why: string, n = node) => ({ why, span: { start: n.start, end: n.end } });
  if (depth > 20) return dyn('a string built through too many names');
  switch (node.type) {
    case 'string': {
      const why = literal(src, node, into);
      return why ? dyn(why) : null;
    }
    case 'concatenated_string':
      for (const part of namedChildren(node)) {
        const r = build(src, part, resolver, into, depth + 1);
        if (r) return r;
      }
      return null;
    case 'parenthesized_expression': {
      const inner = namedChildren(node)[0];
      return inner ? build(src, inner, resolver, into, depth + 1) : dyn('an empty expression');
    }
    case 'binary_operator': {
      const op = node.children.find((c) => !c.named);
      const opText = op ? textOf(src, op) : '';
      if (opText === '+') {
        const l = child(node, 'left');
        const r = child(node, 'right');
        if (!l || !r) return dyn('an incomplete expression');
        return build(src, l, resolver, into, depth + 1) ?? build(src, r, resolver, into, depth + 1);
      }
      return dyn(opText === '%' ? 'a string formatted with %' : `a string built with ${opText}`);
    }
    case 'identifier': {
      const bound = resolver.lookup(textOf(src, node), node);
      if (!bound) return dyn(`the name ${textOf(src, node)}, not bound to a string literal in this module`);
      return build(src, bound, resolver, into, depth + 1);
    }
    case 'call': {
      const fn = dottedName(src, child(node, 'function'));
      if (fn === 'textwrap.dedent' || fn === 'dedent') {
        const args = callArgs(src, node);
        if (args.positional.length !== 1 || args.keywords.size > 0) return dyn('a dedent() call with unexpected arguments');
        const inner: Built = { chars: [], origin: [], escapes: into.escapes, literals: [] };
        const r = build(src, args.positional[0]!, resolver, inner, depth + 1);
        if (r) return r;
        dedent(inner);
        into.chars.push(...inner.chars);
        into.origin.push(...inner.origin);
        into.literals.push(...inner.literals);
        return null;
      }
      if (fn?.endsWith('.format')) return dyn('a string built with .format()');
      return dyn(`the result of ${fn ?? 'a call'}()`);
    }
    default:
      return dyn(`a ${node.type.replace(/_/g, ' ')}`);
  }
}

/** Compresses per-character origins into map segments (verbatim runs, escapes, and gaps left by dedent). */
function segmentsOf(b: Built, fallbackStart: number): MapSegment[] {
  const segs: MapSegment[] = [];
  let prevFileEnd = -1;
  let i = 0;
  const n = b.chars.length;
  while (i < n) {
    const o = b.origin[i]!;
    const fileStart = o >= 0 ? o : b.escapes[-o - 1]!.start;
    if (prevFileEnd >= 0 && fileStart > prevFileEnd) {
      segs.push({ chunkStart: i, fileStart: prevFileEnd, length: 0, fileLength: fileStart - prevFileEnd, verbatim: false });
    }
    if (o >= 0) {
      let j = i + 1;
      while (j < n && b.origin[j] === o + (j - i)) j++;
      segs.push({ chunkStart: i, fileStart: o, length: j - i, verbatim: true });
      prevFileEnd = o + (j - i);
      i = j;
    } else {
      let j = i + 1;
      while (j < n && b.origin[j] === o) j++;
      const esc = b.escapes[-o - 1]!;
      segs.push({ chunkStart: i, fileStart: esc.start, length: j - i, fileLength: esc.end - esc.start, verbatim: false });
      prevFileEnd = esc.end;
      i = j;
    }
  }
  if (segs.length === 0) segs.push({ chunkStart: 0, fileStart: fallbackStart, length: 0, verbatim: false });
  return segs;
}

/** The value of a string expression, or why it cannot be read statically. */
export function evalString(src: string, node: PyNode, resolver: Resolver): PyString {
  const b: Built = { chars: [], origin: [], escapes: [], literals: [] };
  const why = build(src, node, resolver, b);
  if (why) return { kind: 'dynamic', ...why };
  return { kind: 'static', text: b.chars.join(''), segments: segmentsOf(b, node.start), literals: b.literals };
}

/** A plain string literal's value (names, table names …), or undefined. */
export function stringValue(src: string, node: PyNode | undefined, resolver?: Resolver): string | undefined {
  if (!node) return undefined;
  if (node.type !== 'string' && node.type !== 'concatenated_string' && node.type !== 'identifier' && node.type !== 'call') return undefined;
  if (node.type === 'call') {
    // op.f('ix_name') marks a name as already converted: its value is the name.
    const fn = dottedName(src, child(node, 'function'));
    if (fn !== 'op.f' && fn !== 'f') return undefined;
    return stringValue(src, callArgs(src, node).positional[0], resolver);
  }
  const r = evalString(src, node, resolver ?? { lookup: () => undefined });
  return r.kind === 'static' ? r.text : undefined;
}

/** Builds a resolver: assignments `NAME = <expr>` in the module and in enclosing functions, before the use. */
export function scopeResolver(src: string, root: PyNode): Resolver {
  const bindings = new Map<PyNode, Map<string, Array<{ at: number; value: PyNode }>>>();
  const collect = (block: PyNode): Map<string, Array<{ at: number; value: PyNode }>> => {
    let map = bindings.get(block);
    if (map) return map;
    map = new Map();
    for (const stmt of block.children) {
      if (stmt.type !== 'expression_statement') continue;
      const a = stmt.children[0];
      if (a?.type !== 'assignment') continue;
      const left = child(a, 'left');
      const right = child(a, 'right');
      if (left?.type !== 'identifier' || !right) continue;
      const name = textOf(src, left);
      const list = map.get(name) ?? [];
      list.push({ at: stmt.end, value: right });
      map.set(name, list);
    }
    bindings.set(block, map);
    return map;
  };
  return {
    lookup(name, at) {
      // Innermost function body first, then the module.
      for (let n: PyNode | null = at.parent; n; n = n.parent) {
        const block = n.type === 'function_definition' ? child(n, 'body') : n.type === 'module' ? n : undefined;
        if (!block) continue;
        const found = (collect(block).get(name) ?? []).filter((b) => b.at <= at.start);
        if (found.length > 0) return found[found.length - 1]!.value;
      }
      void root;
      return undefined;
    },
  };
}
