import { child, namedChildren } from '../../sources/python/tree.js';
import type { PhpNode } from '../../sources/php/tree.js';
import type { HostLiteral, MapSegment } from '../../types.js';

/** PHP string literals as values with a source map: verbatim text maps to the file; escapes and `$var` do not. */
export interface PhpString {
  text: string;
  segments: MapSegment[];
  literals: HostLiteral[];
  /** `$var` / `{$expr}` interpolations (each a `$n` placeholder). */
  dynamic: number;
}

export const text = (src: string, n: PhpNode): string => src.slice(n.start, n.end);

const DOUBLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', e: '\x1b', f: '\f', '\\': '\\', $: '$', '"': '"', '0': '\0' };

function unescape(raw: string, single: boolean): string {
  const c = raw.slice(1);
  if (single) return c === '\\' || c === "'" ? c : raw;
  if (c in DOUBLE) return DOUBLE[c]!;
  if (/^x[0-9a-f]{1,2}$/i.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
  if (/^u\{[0-9a-f]+\}$/i.test(c)) return String.fromCodePoint(parseInt(c.slice(2, -1), 16));
  if (/^[0-7]{1,3}$/.test(c)) return String.fromCharCode(parseInt(c, 8) & 0xff);
  return raw;
}

class Builder {
  out: PhpString = { text: '', segments: [], literals: [], dynamic: 0 };
  constructor(private readonly lit: Omit<HostLiteral, 'start' | 'end'>) {}
  verbatim(src: string, from: number, to: number): void {
    if (to <= from) return;
    const o = this.out;
    o.segments.push({ chunkStart: o.text.length, fileStart: from, length: to - from, verbatim: true });
    const last = o.literals.at(-1);
    if (last && last.end === from) last.end = to;
    else o.literals.push({ start: from, end: to, ...this.lit });
    o.text += src.slice(from, to);
  }
  replaced(value: string, fileStart: number, fileLength: number, placeholder = false): void {
    const o = this.out;
    o.segments.push({ chunkStart: o.text.length, fileStart, length: value.length, fileLength, verbatim: false, ...(placeholder ? { placeholder } : {}) });
    o.text += value;
  }
  placeholder(from: number, to: number): void {
    this.out.dynamic++;
    this.replaced(`$${this.out.dynamic}`, from, to - from, true);
  }
}

/** The special pieces of a double-quoted or heredoc body: escapes and interpolations, in order. */
function specials(src: string, body: PhpNode, single: boolean): Array<{ start: number; end: number; value?: string }> {
  const out: Array<{ start: number; end: number; value?: string }> = [];
  let brace: number | undefined;
  for (const c of body.children) {
    if (brace !== undefined) {
      if (!c.named && text(src, c) === '}') {
        out.push({ start: brace, end: c.end });
        brace = undefined;
      }
      continue;
    }
    if (c.type === 'escape_sequence') out.push({ start: c.start, end: c.end, value: unescape(text(src, c), single) });
    else if (!c.named && text(src, c) === '{') brace = c.start;
    else if (c.named && c.type !== 'string_content' && c.type !== 'string_value') out.push({ start: c.start, end: c.end });
  }
  return out;
}

/** Reads `'…'`, `"…"`, a heredoc or a nowdoc (PHP 7.3 closing-marker indentation removed from each line); undefined otherwise. */
export function phpString(src: string, n: PhpNode): PhpString | undefined {
  if (n.type === 'string' || n.type === 'encapsed_string') {
    const single = n.type === 'string';
    const b = new Builder({ language: 'php', quote: single ? "'" : '"' });
    const from = n.start + 1;
    const to = n.end - 1;
    if (src[n.start] !== "'" && src[n.start] !== '"') return undefined; // b'…' binary strings
    let at = from;
    for (const s of specials(src, n, single)) {
      b.verbatim(src, at, s.start);
      if (s.value !== undefined) b.replaced(s.value, s.start, s.end - s.start);
      else b.placeholder(s.start, s.end);
      at = s.end;
    }
    b.verbatim(src, at, to);
    return b.out;
  }
  if (n.type === 'heredoc' || n.type === 'nowdoc') {
    const body = child(n, 'value') ?? n.children.find((c) => c.type === 'heredoc_body' || c.type === 'nowdoc_body');
    const end = n.children.find((c) => c.type === 'heredoc_end');
    const start = n.children.find((c) => c.type === 'heredoc_start');
    if (!end || !start) return undefined;
    const closeLine = src.lastIndexOf('\n', end.start - 1);
    const margin = src.slice(closeLine + 1, end.start);
    if (!/^[ \t]*$/.test(margin)) return undefined;
    const nowdoc = n.type === 'nowdoc';
    const b = new Builder({ language: 'php', quote: nowdoc ? "<<<'" : '<<<', ...(nowdoc ? { margin: text(src, start) } : {}) });
    const from = src.indexOf('\n', start.end) + 1;
    const to = Math.max(from, closeLine); // the line break before the closing marker is not part of the value
    const sp = nowdoc || !body ? [] : specials(src, body, false);
    let ls = from;
    while (ls < to) {
      const le = src.indexOf('\n', ls);
      const lineEnd = le < 0 || le >= to ? to : le + 1;
      let a = ls;
      if (src.startsWith(margin, ls)) a = ls + margin.length;
      else if (src.slice(ls, lineEnd).trim() !== '') return undefined;
      else a = Math.min(lineEnd, ls + /^[ \t]*/.exec(src.slice(ls, lineEnd))![0].length);
      for (const s of sp.filter((x) => x.start >= a && x.start < lineEnd)) {
        b.verbatim(src, a, s.start);
        if (s.value !== undefined) b.replaced(s.value, s.start, s.end - s.start);
        else b.placeholder(s.start, s.end);
        a = s.end;
      }
      b.verbatim(src, a, lineEnd);
      ls = Math.max(lineEnd, a);
    }
    return b.out;
  }
  if (n.type === 'binary_expression' && text(src, n).includes('.')) {
    // 'a' . 'b': the concatenation of two readable strings.
    const [l, r] = namedChildren(n);
    const a = l && phpString(src, l);
    const c = r && phpString(src, r);
    if (!a || !c || src.slice(l!.end, r!.start).trim() !== '.') return undefined;
    const shift = a.text.length;
    return {
      text: a.text + c.text,
      segments: [...a.segments, ...c.segments.map((s) => ({ ...s, chunkStart: s.chunkStart + shift }))],
      literals: [...a.literals, ...c.literals],
      dynamic: a.dynamic + c.dynamic,
    };
  }
  return undefined;
}

/** A string argument's plain value (no interpolation), or undefined. */
export function plain(src: string, n: PhpNode | undefined): string | undefined {
  if (!n) return undefined;
  const s = phpString(src, n);
  return s && s.dynamic === 0 ? s.text : undefined;
}

/** A call's argument values (unwrapping `argument` nodes; a named argument counts by position). */
export function args(n: PhpNode): PhpNode[] {
  const a = child(n, 'arguments');
  const list: PhpNode[] = [];
  for (const x of a ? namedChildren(a) : []) {
    if (x.type !== 'argument') continue;
    const v = namedChildren(x).at(-1);
    if (v) list.push(v);
  }
  return list;
}

/** A PHP array of strings (`['a', 'b']`) or one string, as names. */
export function names(src: string, n: PhpNode | undefined): string[] | undefined {
  if (!n) return undefined;
  if (n.type === 'array_creation_expression') {
    const out: string[] = [];
    for (const e of namedChildren(n)) {
      const v = plain(src, namedChildren(e)[0]);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  const v = plain(src, n);
  return v === undefined ? undefined : [v];
}

/** A PHP scalar as a SQL literal (defaults): strings quoted, numbers as written, booleans, null. */
export function sqlValue(src: string, n: PhpNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'integer' || n.type === 'float') return text(src, n);
  if (n.type === 'boolean') return text(src, n).toLowerCase();
  if (n.type === 'null') return 'NULL';
  if (n.type === 'unary_op_expression' && /^-\s*\d/.test(text(src, n))) return text(src, n).replace(/\s+/g, '');
  const v = plain(src, n);
  return v === undefined ? undefined : `'${v.replace(/'/g, "''")}'`;
}
