import { MappedStringBuilder } from '../../sources/mapped-string.js';
import { child, namedChildren } from '../../sources/python/tree.js';
import type { CsNode } from '../../sources/csharp/tree.js';
import type { MapSegment } from '../../types.js';

/** Reading C# values out of tree-sitter-c-sharp nodes: strings with their source maps, calls with named arguments. */

export const text = (src: string, n: CsNode): string => src.slice(n.start, n.end);

export interface CsString {
  text: string;
  segments: MapSegment[];
  /** How many `{…}` interpolations it has (each became a `$n` placeholder). */
  dynamic: number;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** The value of a C# escape sequence (`\n`, `\u00e9`, `\x41`, `\U0001F600`). */
function escapeValue(raw: string): string {
  const c = raw.slice(1);
  if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c]!;
  if (/^[uxU][0-9a-fA-F]+$/.test(c)) return String.fromCodePoint(parseInt(c.slice(1), 16));
  return c;
}

/** `"…"`: content verbatim, escapes replaced by their value. */
function regular(src: string, n: CsNode, b: MappedStringBuilder): boolean {
  for (const c of n.children) {
    if (c.type === 'string_literal_content') b.verbatim(src, c.start, c.end);
    else if (c.type === 'escape_sequence') b.replaced(escapeValue(text(src, c)), c.start, c.end - c.start);
    else if (c.named) return false;
  }
  return true;
}

/** `@"…"`: verbatim, a doubled quote is one. */
function verbatimString(src: string, n: CsNode, b: MappedStringBuilder): void {
  const from = n.start + 2;
  const to = n.end - 1;
  let at = from;
  for (;;) {
    const q = src.indexOf('""', at);
    if (q < 0 || q >= to) break;
    b.verbatim(src, at, q);
    b.replaced('"', q, 2);
    at = q + 2;
  }
  b.verbatim(src, at, to);
}

/**
 * `"""…"""` (C# 11): a single-line raw string is its content; a multi-line one starts after the opening line and
 * ends before the closing line, whose whitespace is removed from the start of every content line.
 */
function rawString(src: string, n: CsNode, b: MappedStringBuilder): boolean {
  const open = /^"{3,}/.exec(text(src, n))![0].length;
  const from = n.start + open;
  const to = n.end - open;
  if (to < from) return false;
  const body = src.slice(from, to);
  if (!body.includes('\n')) {
    b.verbatim(src, from, to);
    return true;
  }
  const firstBreak = src.indexOf('\n', from);
  const lastBreak = src.lastIndexOf('\n', to - 1);
  const indent = src.slice(lastBreak + 1, to);
  if (/\S/.test(src.slice(from, firstBreak).replace(/\r$/, '')) || /\S/.test(indent)) return false;
  let lineStart = firstBreak + 1;
  let first = true;
  while (lineStart <= lastBreak) {
    let lineEnd = src.indexOf('\n', lineStart);
    // The line break before the closing line is not part of the value.
    const last = lineEnd >= lastBreak;
    let contentEnd = lineEnd;
    if (src[contentEnd - 1] === '\r') contentEnd--;
    if (!first) b.replaced('\n', lineStart - 1, 1);
    first = false;
    const line = src.slice(lineStart, contentEnd);
    const skip = line.startsWith(indent) ? indent.length : line.length - line.trimStart().length;
    if (/\S/.test(line) && !line.startsWith(indent)) return false;
    b.verbatim(src, lineStart + skip, contentEnd);
    if (last) break;
    lineEnd = lineEnd < 0 ? to : lineEnd;
    lineStart = lineEnd + 1;
  }
  return true;
}

/** `$"…{x}…"`: the text, each interpolation a placeholder. */
function interpolated(src: string, n: CsNode, b: MappedStringBuilder): boolean {
  const verbatim = /^\$@|^@\$/.test(text(src, n));
  for (const c of n.children) {
    if (c.type === 'string_content' || c.type === 'string_literal_content') {
      if (verbatim) verbatimString(src, { ...c, start: c.start - 2, end: c.end + 1 }, b);
      else b.verbatim(src, c.start, c.end);
    } else if (c.type === 'escape_sequence') b.replaced(escapeValue(text(src, c)), c.start, c.end - c.start);
    else if (c.type === 'interpolation') b.placeholder(c.start, c.end - c.start);
    else if (c.named && c.type !== 'interpolation_start' && c.type !== 'interpolation_quote') return false;
  }
  return true;
}

/** A string literal of any kind, or a `+` concatenation of them; undefined for anything else. */
export function stringValue(src: string, n: CsNode | undefined): CsString | undefined {
  if (!n) return undefined;
  const b = new MappedStringBuilder();
  const one = (s: CsNode): boolean => {
    if (s.type === 'parenthesized_expression') {
      const inner = namedChildren(s)[0];
      return inner ? one(inner) : false;
    }
    if (s.type === 'string_literal') return regular(src, s, b);
    if (s.type === 'verbatim_string_literal') {
      verbatimString(src, s, b);
      return true;
    }
    if (s.type === 'raw_string_literal') return rawString(src, s, b);
    if (s.type === 'interpolated_string_expression') return interpolated(src, s, b);
    if (s.type === 'binary_expression' && s.children.some((c) => !c.named && text(src, c) === '+')) {
      const left = child(s, 'left');
      const right = child(s, 'right');
      return !!left && !!right && one(left) && one(right);
    }
    return false;
  };
  return one(n) ? { text: b.text, segments: b.segments, dynamic: b.dynamic } : undefined;
}

/** A string's value when it is a plain literal (no interpolation), for names and types. */
export function plainString(src: string, n: CsNode | undefined): string | undefined {
  const s = stringValue(src, n);
  return s && s.dynamic === 0 ? s.text : undefined;
}

/** The elements of an array initializer or a collection expression (`[a, b]`: each wrapped in an element node). */
export function elementsOf(init: CsNode): CsNode[] {
  return namedChildren(init).map((e) => {
    let n = e;
    while ((n.type === 'collection_element' || n.type === 'expression_element') && namedChildren(n).length === 1) n = namedChildren(n)[0]!;
    return n;
  });
}

/** The elements of `new[] { … }`, `new T[] { … }` or `[ … ]`; undefined for anything else. */
export function arrayElements(n: CsNode | undefined): CsNode[] | undefined {
  if (!n) return undefined;
  if (n.type === 'collection_expression') return elementsOf(n);
  if (n.type !== 'implicit_array_creation_expression' && n.type !== 'array_creation_expression') return undefined;
  const init = n.children.find((c) => c.type === 'initializer_expression');
  return init ? elementsOf(init) : undefined;
}

/** `new[] { "A", "B" }`, `new string[] { … }`, `["A", "B"]`: the strings; undefined when any is not a literal. */
export function stringArray(src: string, n: CsNode | undefined): string[] | undefined {
  if (!n) return undefined;
  if (n.type !== 'implicit_array_creation_expression' && n.type !== 'array_creation_expression' && n.type !== 'collection_expression') return undefined;
  const init = n.type === 'collection_expression' ? n : n.children.find((c) => c.type === 'initializer_expression');
  if (!init) return undefined;
  const out: string[] = [];
  for (const e of elementsOf(init)) {
    const v = plainString(src, e);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** One call of a chain: `migrationBuilder.CreateIndex<T>(…)`, `.Annotation("…", true)`. */
export interface CsCall {
  node: CsNode;
  method: string;
  /** `AddColumn<string>`: the type argument as written. */
  typeArg?: string;
  receiver?: CsNode;
  positional: CsNode[];
  named: Map<string, CsNode>;
  argumentList?: CsNode;
}

export function callOf(src: string, n: CsNode): CsCall | null {
  if (n.type !== 'invocation_expression') return null;
  const fn = child(n, 'function');
  const argumentList = child(n, 'arguments');
  if (!fn) return null;
  let receiver: CsNode | undefined;
  let nameNode: CsNode | undefined = fn;
  if (fn.type === 'member_access_expression') {
    receiver = child(fn, 'expression');
    nameNode = child(fn, 'name');
  }
  if (!nameNode) return null;
  let method: string;
  let typeArg: string | undefined;
  if (nameNode.type === 'generic_name') {
    const id = namedChildren(nameNode).find((c) => c.type === 'identifier');
    const targs = nameNode.children.find((c) => c.type === 'type_argument_list');
    if (!id) return null;
    method = text(src, id);
    const first = targs ? namedChildren(targs)[0] : undefined;
    typeArg = first ? text(src, first) : undefined;
  } else if (nameNode.type === 'identifier') method = text(src, nameNode);
  else return null;
  const positional: CsNode[] = [];
  const named = new Map<string, CsNode>();
  for (const a of argumentList ? namedChildren(argumentList) : []) {
    if (a.type !== 'argument') continue;
    const name = child(a, 'name');
    const value = namedChildren(a)
      .filter((c) => c !== name)
      .at(-1);
    if (!value) continue;
    if (name) named.set(text(src, name), value);
    else positional.push(value);
  }
  return { node: n, method, typeArg, receiver, positional, named, argumentList };
}

/** An argument by name, or by its place among the method's parameters. */
export function argOf(call: CsCall, params: readonly string[], name: string): CsNode | undefined {
  const byName = call.named.get(name);
  if (byName) return byName;
  const i = params.indexOf(name);
  return i >= 0 && i < call.positional.length ? call.positional[i] : undefined;
}
