import { SaxesParser } from 'saxes';
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node as YamlNode, type Pair } from 'yaml';
import type { HostLiteral, MapSegment, Span } from '../../types.js';

/**
 * A Liquibase changelog as one tree, whatever its format: XML elements and YAML/JSON mappings become the same
 * nodes (a change type with its attributes and nested columns), each located in the file. Attribute values and
 * SQL bodies carry a source map: verbatim pieces map to the file, decoded pieces (XML entities, YAML escapes,
 * folded scalars) do not, so a fix never lands where the file's text is not the SQL's.
 */
export interface LbValue {
  value: string;
  /** The value's text in the file (inside quotes). */
  start: number;
  end: number;
  /** Where the key or attribute name starts (a fix inserts a sibling before it). */
  keyStart: number;
  segments: MapSegment[];
  literals: HostLiteral[];
}

export interface LbNode {
  name: string;
  attrs: Map<string, LbValue>;
  children: LbNode[];
  start: number;
  end: number;
  /** XML: the offset just after the element's name in its opening tag (a new attribute goes there). */
  nameEnd?: number;
  /** XML: the element's text content (`<sql>…</sql>`), decoded, with its source map. */
  body?: LbValue;
}

export interface LbDocument {
  format: 'xml' | 'yaml';
  root: LbNode | null;
  error?: { message: string; span: Span };
}

class Builder {
  text = '';
  segments: MapSegment[] = [];
  literals: HostLiteral[] = [];

  verbatim(from: number, to: number, src: string, lit: Omit<HostLiteral, 'start' | 'end'>): void {
    if (to <= from) return;
    this.segments.push({ chunkStart: this.text.length, fileStart: from, length: to - from, verbatim: true });
    const last = this.literals.at(-1);
    if (last && last.end === from && last.quote === lit.quote && last.language === lit.language) last.end = to;
    else this.literals.push({ start: from, end: to, ...lit });
    this.text += src.slice(from, to);
  }

  /** Drops text after `length` (a block scalar's chomped line breaks). */
  truncate(length: number): void {
    this.segments = this.segments.filter((g) => g.chunkStart < length);
    const last = this.segments.at(-1);
    if (last && last.chunkStart + last.length > length) last.length = length - last.chunkStart;
    this.text = this.text.slice(0, length);
  }

  replaced(value: string, fileStart: number, fileLength: number): void {
    this.segments.push({ chunkStart: this.text.length, fileStart, length: value.length, fileLength, verbatim: false });
    this.text += value;
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML character data between `from` and `to`, skipping `skip` (child elements): entities decoded, CDATA as written, comments dropped. */
function xmlText(src: string, from: number, to: number, skip: Array<[number, number]>): LbValue {
  const b = new Builder();
  const text = { language: 'xml' as const, quote: '' };
  const cdata = { language: 'xml' as const, quote: '<![CDATA[' };
  let i = from;
  let run = from;
  const flush = (at: number) => {
    b.verbatim(run, at, src, text);
  };
  while (i < to) {
    const child = skip.find(([s]) => s === i);
    if (child) {
      flush(i);
      b.replaced('', i, child[1] - i);
      i = run = child[1];
    } else if (src.startsWith('<![CDATA[', i)) {
      flush(i);
      const end = src.indexOf(']]>', i + 9);
      const stop = end < 0 || end > to ? to : end;
      b.verbatim(i + 9, stop, src, cdata);
      i = run = Math.min(to, stop + 3);
    } else if (src.startsWith('<!--', i)) {
      flush(i);
      const end = src.indexOf('-->', i + 4);
      const stop = end < 0 || end > to ? to : end + 3;
      b.replaced('', i, stop - i);
      i = run = stop;
    } else if (src[i] === '&') {
      flush(i);
      const semi = src.indexOf(';', i);
      const name = semi > i ? src.slice(i + 1, semi) : '';
      let value: string | undefined = XML_ENTITIES[name];
      if (value === undefined && /^#x[0-9a-f]+$/i.test(name)) value = String.fromCodePoint(parseInt(name.slice(2), 16));
      else if (value === undefined && /^#\d+$/.test(name)) value = String.fromCodePoint(parseInt(name.slice(1), 10));
      const end = value === undefined ? i + 1 : semi + 1;
      b.replaced(value ?? '&', i, end - i);
      i = run = end;
    } else i++;
  }
  flush(to);
  return { value: b.text, start: from, end: to, keyStart: from, segments: b.segments, literals: b.literals };
}

/** Element names whose text is SQL (kept with a source map); other text is ignored. */
const TEXT_ELEMENTS = new Set(['sql', 'createView', 'createProcedure', 'where', 'comment']);

export function parseXmlChangelog(src: string): LbDocument {
  const parser = new SaxesParser({ position: true });
  const stack: Array<LbNode & { contentStart: number; childSpans: Array<[number, number]> }> = [];
  let root: LbNode | null = null;
  let error: LbDocument['error'];
  let tagStart = 0;
  parser.on('opentagstart', (tag) => {
    tagStart = src.lastIndexOf('<', parser.position - 1);
    stack.push({
      name: localName(tag.name),
      attrs: new Map(),
      children: [],
      start: tagStart,
      end: tagStart,
      nameEnd: tagStart + 1 + tag.name.length,
      contentStart: 0,
      childSpans: [],
    });
  });
  parser.on('attribute', (a) => {
    const close = parser.position - 1;
    const q = src[close]!;
    const open = src.lastIndexOf(q, close - 1);
    const node = stack.at(-1);
    if (!node || open < 0) return;
    const keyStart = src.lastIndexOf(a.name, open);
    const v = xmlText(src, open + 1, close, []);
    node.attrs.set(localName(a.name), { ...v, value: a.value, keyStart });
  });
  parser.on('opentag', () => {
    const node = stack.at(-1);
    if (node) node.contentStart = parser.position;
  });
  parser.on('closetag', (tag) => {
    const node = stack.pop();
    if (!node) return;
    node.end = parser.position;
    const contentEnd = tag.isSelfClosing ? node.contentStart : src.lastIndexOf('</', parser.position - 1);
    if (TEXT_ELEMENTS.has(node.name) && contentEnd > node.contentStart) node.body = xmlText(src, node.contentStart, contentEnd, node.childSpans);
    const { contentStart: _c, childSpans: _s, ...plain } = node;
    const parent = stack.at(-1);
    if (parent) {
      parent.children.push(plain);
      parent.childSpans.push([node.start, node.end]);
    } else root = plain;
  });
  parser.on('error', (e) => {
    if (error) return;
    const at = Math.min(Math.max(0, parser.position - 1), src.length);
    error = { message: e.message.replace(/^[^:]*:\d+:\d+: /, ''), span: { start: at, end: Math.min(src.length, at + 1) } };
  });
  try {
    parser.write(src).close();
  } catch (e) {
    error ??= { message: (e as Error).message, span: { start: 0, end: 1 } };
  }
  return { format: 'xml', root, error };
}

function localName(n: string): string {
  const i = n.indexOf(':');
  return i < 0 ? n : n.slice(i + 1);
}

/** A YAML (or JSON) scalar's value with its source map: exact for plain, quoted without escapes, and literal blocks. */
function yamlScalar(src: string, s: Scalar, keyStart: number): LbValue {
  const [start, valueEnd] = s.range ?? [0, 0];
  const value = s.value === null || s.value === undefined ? '' : String(s.value);
  const b = new Builder();
  const raw = src.slice(start, valueEnd);
  const whole = (from: number, to: number, quote: string) => {
    if (src.slice(from, to) === value) b.verbatim(from, to, src, { language: 'yaml', quote });
    else b.replaced(value, from, to - from);
  };
  if (s.type === Scalar.PLAIN) whole(start, valueEnd, '');
  else if (s.type === Scalar.QUOTE_SINGLE) whole(start + 1, valueEnd - 1, "'");
  else if (s.type === Scalar.QUOTE_DOUBLE) whole(start + 1, valueEnd - 1, '"');
  else if (s.type === Scalar.BLOCK_LITERAL) {
    // `|`, `|-`, `|+`, `|2`: the lines after the header, each less the block's indentation.
    const headerEnd = src.indexOf('\n', start);
    const explicit = /^\|[+-]?(\d)|^\|\d?[+-]?/.exec(raw);
    const lines: Array<[number, number]> = [];
    for (let ls = headerEnd + 1; ls < valueEnd && headerEnd >= 0;) {
      const le = src.indexOf('\n', ls);
      const end = le < 0 || le >= valueEnd ? valueEnd : le + 1;
      lines.push([ls, end]);
      ls = end;
    }
    const firstText = lines.find(([a, e]) => /\S/.test(src.slice(a, e)));
    const digit = explicit?.[1] ? Number(explicit[1]) : undefined;
    const indent = digit ?? (firstText ? /^[ ]*/.exec(src.slice(firstText[0], firstText[1]))![0].length : 0);
    const margin = ' '.repeat(indent);
    const lit = { language: 'yaml' as const, quote: '|', margin };
    for (const [a, e] of lines) {
      const line = src.slice(a, e);
      if (line.trim() === '') {
        if (line.endsWith('\n')) b.verbatim(e - 1, e, src, lit);
      } else if (line.startsWith(margin)) b.verbatim(a + indent, e, src, lit);
      else break;
    }
    // Chomping (`|-` drops the last line break, `|` keeps one): the value is a prefix of the lines read.
    if (!b.text.startsWith(value) || b.text.slice(value.length).trim() !== '') {
      const fresh = new Builder();
      fresh.replaced(value, start, valueEnd - start);
      return { value, start, end: valueEnd, keyStart, segments: fresh.segments, literals: [] };
    }
    b.truncate(value.length);
    return { value: b.text, start, end: valueEnd, keyStart, segments: b.segments, literals: b.literals.map((l) => ({ ...l, margin })) };
  } else b.replaced(value, start, valueEnd - start);
  return { value: b.text, start, end: valueEnd, keyStart, segments: b.segments, literals: b.literals };
}

/** Sequences whose items are a node's own children (a changeSet's changes, a change's columns); other sequences become a child of that name. */
const FLATTEN = new Set(['changes', 'columns', 'databaseChangeLog']);

function yamlNode(src: string, name: string, value: YamlNode | null, start: number): LbNode {
  const range = value?.range ?? [start, start, start];
  const node: LbNode = { name, attrs: new Map(), children: [], start, end: range[1] };
  const addSeq = (into: LbNode, seq: YamlNode) => {
    if (!isSeq(seq)) return;
    for (const item of seq.items) {
      if (isMap(item) && item.items.length === 1) {
        const p = item.items[0] as Pair<YamlNode, YamlNode>;
        if (isScalar(p.key)) into.children.push(yamlNode(src, String(p.key.value), p.value, p.key.range?.[0] ?? 0));
      } else if (isScalar(item))
        into.children.push({
          name: 'value',
          attrs: new Map([['value', yamlScalar(src, item, item.range?.[0] ?? 0)]]),
          children: [],
          start: item.range?.[0] ?? 0,
          end: item.range?.[1] ?? 0,
        });
    }
  };
  if (isMap(value)) {
    for (const p of value.items as Array<Pair<YamlNode, YamlNode>>) {
      if (!isScalar(p.key)) continue;
      const key = String(p.key.value);
      const keyStart = p.key.range?.[0] ?? 0;
      if (isScalar(p.value)) node.attrs.set(key, yamlScalar(src, p.value, keyStart));
      else if (isSeq(p.value)) {
        if (FLATTEN.has(key)) addSeq(node, p.value);
        else {
          const holder: LbNode = { name: key, attrs: new Map(), children: [], start: keyStart, end: p.value.range?.[1] ?? keyStart };
          addSeq(holder, p.value);
          node.children.push(holder);
        }
      } else if (isMap(p.value)) node.children.push(yamlNode(src, key, p.value, keyStart));
    }
  } else if (isSeq(value)) addSeq(node, value);
  return node;
}

export function parseYamlChangelog(src: string): LbDocument {
  const doc = parseDocument(src, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const at = Math.min(err.pos[0], Math.max(0, src.length - 1));
    return {
      format: 'yaml',
      root: null,
      error: { message: err.message.split('\n')[0]!, span: { start: at, end: Math.min(src.length, Math.max(at + 1, err.pos[1])) } },
    };
  }
  const contents = doc.contents as YamlNode | null;
  if (!isMap(contents)) return { format: 'yaml', root: null };
  const pair = (contents.items as Array<Pair<YamlNode, YamlNode>>).find((p) => isScalar(p.key) && p.key.value === 'databaseChangeLog');
  if (!pair) return { format: 'yaml', root: null };
  return { format: 'yaml', root: yamlNode(src, 'databaseChangeLog', pair.value, (pair.key as Scalar).range?.[0] ?? 0) };
}
