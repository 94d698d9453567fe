import { beforeAll, describe, expect, it } from 'vitest';
import { chunkEdit } from '../src/engine/fixer.js';
import { escapeJs } from '../src/sources/js/escape.js';
import { parseJs } from '../src/sources/js/extract.js';
import { stringPiece, templatePiece, type SqlPiece } from '../src/sources/js/literals.js';
import { escapePython } from '../src/sources/python/escape.js';
import { evalString } from '../src/sources/python/strings.js';
import { hasError, loadPython, parsePython, type PyNode } from '../src/sources/python/tree.js';
import type { SqlChunk } from '../src/types.js';
import { walk, type Node } from '../src/sources/js/estree.js';

/**
 * Property: a random SQL edit inside every kind of host-language literal gives host code that the language's
 * own parser accepts and whose literal, read back, is exactly the edited SQL. Seeded, so a failure reproduces.
 */

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// SQL and the characters that end, escape or interpolate a literal in one of the host languages.
const WORDS = ['CREATE INDEX ', 'CONCURRENTLY ', ' ON t (c)', ';', ' NOT VALID', "SET lock_timeout = '2s';", "E'a\\nb'", '"Order"', '$1', '$$', ' '];
const NASTY = [
  "'",
  '"',
  '`',
  '\\',
  '$',
  '{',
  '}',
  '${',
  '${x}',
  '{{',
  '}}',
  "'''",
  '"""',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '%s',
  ':name',
  '?',
  'é',
  '\u2028',
  '\u0007',
  '  ',
];

function sqlText(r: () => number, max = 6): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) {
    const pool = r() < 0.5 ? WORDS : NASTY;
    s += pool[Math.floor(r() * pool.length)]!;
  }
  return s;
}

function randomSpan(r: () => number, length: number): { start: number; end: number } {
  const a = Math.floor(r() * (length + 1));
  const b = r() < 0.5 ? a : Math.min(length, a + Math.floor(r() * 8));
  return { start: a, end: b };
}

const replace = (s: string, span: { start: number; end: number }, text: string) => s.slice(0, span.start) + text + s.slice(span.end);

// ---------------------------------------------------------------------------------------------------- JS / TS

type JsKind = "'" | '"' | '`';

/** The only string or template literal in the file. */
function jsLiteral(program: Node): Node {
  let found: Node | null = null;
  walk(program, (n) => {
    if (!found && ((n.type === 'Literal' && typeof n.value === 'string') || n.type === 'TemplateLiteral')) found = n;
  });
  if (!found) throw new Error('no literal');
  return found;
}

function jsPiece(text: string, node: Node): SqlPiece {
  if (node.type === 'Literal') return stringPiece(text, node.start, node.end);
  return templatePiece(
    text,
    { start: node.start, end: node.end },
    node.quasis.map((q: Node) => ({ start: q.start, end: q.end })),
  );
}

/** The value the JS engine gives the literal (templates: cooked text, each `${…}` read as the extractor numbers it). */
function jsRuntimeValue(node: Node): string {
  if (node.type === 'Literal') return node.value as string;
  return node.quasis.map((q: Node, k: number) => (q.value.cooked as string) + (k < node.quasis.length - 1 ? `$${k + 1}` : '')).join('');
}

/** A literal holding `sql`, written with escapes chosen at random where the kind allows other spellings. */
function writeJs(r: () => number, sql: string, kind: JsKind): string {
  let body = '';
  let placeholders = 0;
  for (const ch of sql) {
    if (kind === '`' && r() < 0.05) {
      body += `\${v${placeholders++}}`;
    }
    if (/[A-Za-z]/.test(ch) && r() < 0.05) body += `\\x${ch.charCodeAt(0).toString(16)}`;
    else if (ch === ' ' && r() < 0.05) body += '\\u0020';
    else body += escapeJs(ch, kind, body, '') ?? '';
  }
  return `${kind}${body}${kind}`;
}

describe('JS/TS literals: escaped fix text parses and reads back as the SQL intended', () => {
  for (const kind of ["'", '"', '`'] as JsKind[]) {
    it(`${kind === '`' ? 'template' : kind === "'" ? 'single-quoted' : 'double-quoted'} literals`, () => {
      const r = rng(kind.charCodeAt(0) * 7919);
      let applied = 0;
      let tried = 0;
      for (let round = 0; round < 400; round++) {
        const file = `const q = ${writeJs(r, sqlText(r, 8), kind)};\nexport default q;\n`;
        const before = parseJs({ path: 'm.ts', text: file, bom: false });
        expect(before.error, file).toBeUndefined();
        const node = jsLiteral(before.program!);
        const piece = jsPiece(file, node);
        // What the extractor reads is what the engine reads (modulo a template's CRLF → LF).
        expect(piece.text.replace(/\r\n?/g, '\n')).toBe(jsRuntimeValue(node).replace(/\r\n?/g, '\n'));
        const chunk: SqlChunk = {
          kind: 'sql',
          text: piece.text,
          segments: piece.segments,
          literals: piece.literals,
          exec: { wrapped: false, oneQuery: false, reason: '' } as never,
        };
        const span = randomSpan(r, piece.text.length);
        const insert = sqlText(r, 4);
        tried++;
        const edit = chunkEdit(chunk, file, span, insert);
        const cutsEscape = piece.segments.some(
          (s) =>
            !s.verbatim &&
            s.length > 0 &&
            ((span.start > s.chunkStart && span.start < s.chunkStart + s.length) || (span.end > s.chunkStart && span.end < s.chunkStart + s.length)),
        );
        const hitsPlaceholder = piece.segments.some((s) => s.placeholder && s.chunkStart < span.end && s.chunkStart + s.length > span.start);
        if (!edit) {
          // Refused only where an exact edit is impossible: inside an escape, over a placeholder, or a `$`{ join.
          const joins =
            kind === '`' && insert === '' && file.slice(0, toFile(piece, span.start)).endsWith('$') && file.slice(toFile(piece, span.end)).startsWith('{');
          expect(cutsEscape || hitsPlaceholder || joins, `${file} ${JSON.stringify(span)} ${JSON.stringify(insert)}`).toBe(true);
          continue;
        }
        applied++;
        const fixed = file.slice(0, edit.start) + edit.text + file.slice(edit.end);
        const after = parseJs({ path: 'm.ts', text: fixed, bom: false });
        expect(after.error, fixed).toBeUndefined();
        const fixedNode = jsLiteral(after.program!);
        const intended = replace(piece.text, span, insert);
        expect(jsPiece(fixed, fixedNode).text, fixed).toBe(intended);
        expect(jsRuntimeValue(fixedNode).replace(/\r\n?/g, '\n'), fixed).toBe(intended.replace(/\r\n?/g, '\n'));
      }
      expect(applied).toBeGreaterThan(tried * 0.6);
    });
  }
});

function toFile(piece: SqlPiece, at: number): number {
  let seg = piece.segments[0]!;
  for (const s of piece.segments) if (s.chunkStart <= at) seg = s;
  return seg.fileStart + (seg.verbatim ? at - seg.chunkStart : 0);
}

// ---------------------------------------------------------------------------------------------------- Python

interface PyKind {
  quote: string;
  prefix: string;
  dedent: boolean;
}

const PY_KINDS: PyKind[] = [];
for (const quote of ["'", '"', "'''", '"""']) {
  for (const prefix of ['', 'r', 'f', 'rf', 'u']) PY_KINDS.push({ quote, prefix, dedent: false });
  if (quote.length === 3) for (const prefix of ['', 'r']) PY_KINDS.push({ quote, prefix, dedent: true });
}

function pyString(root: PyNode): PyNode {
  let found: PyNode | null = null;
  const visit = (n: PyNode): void => {
    if (found) return;
    if (n.type === 'string') found = n;
    for (const c of n.children) visit(c);
  };
  visit(root);
  if (!found) throw new Error('no string');
  return found;
}

/** `op.execute(<literal>)`, the literal holding `sql` (lines indented by a margin when dedented). */
function writePy(r: () => number, sql: string, kind: PyKind): string | null {
  const margin = kind.dedent ? '    ' : undefined;
  let body = '';
  const lines = sql.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = '';
    for (const ch of lines[i]!) {
      const esc =
        !kind.prefix.includes('r') && /[A-Za-z]/.test(ch) && r() < 0.05
          ? `\\x${ch.charCodeAt(0).toString(16)}`
          : escapePython(ch, { quote: kind.quote, prefix: kind.prefix }, body + line, '');
      if (esc === null) return null;
      line += esc;
    }
    if (i > 0) body += kind.quote.length === 3 ? '\n' : kind.prefix.includes('r') ? '' : '\\n';
    if (i > 0 && kind.quote.length !== 3 && kind.prefix.includes('r')) return null;
    body += (margin && line.trim() ? margin : '') + line;
  }
  const lit = `${kind.prefix}${kind.quote}${body}${kind.quote}`;
  // The closing delimiter must not be read as part of the content.
  const call = kind.dedent ? `textwrap.dedent(${lit})` : lit;
  return `import textwrap\n\n\ndef upgrade():\n    op.execute(${call})\n`;
}

describe('Python literals: escaped fix text parses (tree-sitter) and reads back as the SQL intended', () => {
  beforeAll(async () => {
    await loadPython();
  });

  for (const kind of PY_KINDS) {
    it(`${kind.prefix}${kind.quote}…${kind.quote}${kind.dedent ? ' in textwrap.dedent()' : ''}`, () => {
      const r = rng(kind.quote.length * 131 + kind.prefix.length * 17 + (kind.dedent ? 5 : 0) + kind.quote.charCodeAt(0) + kind.prefix.charCodeAt(0) * 3);
      let applied = 0;
      let tried = 0;
      const lookup = { lookup: () => undefined };
      for (let round = 0; round < 300; round++) {
        const file = writePy(r, sqlText(r, 8), kind);
        if (file === null) continue;
        const tree = parsePython(file);
        if (hasError(tree)) continue; // a generated literal the kind cannot hold (a raw string ending in a backslash)
        const call = pyString(tree);
        const arg = kind.dedent ? call.parent!.parent! : call;
        const value = evalString(file, arg, lookup);
        if (value.kind !== 'static') throw new Error(`${file}: ${value.why}`);
        const chunk: SqlChunk = {
          kind: 'sql',
          text: value.text,
          segments: value.segments,
          literals: value.literals,
          exec: { wrapped: false, oneQuery: false, reason: '' } as never,
        };
        const span = randomSpan(r, value.text.length);
        const insert = sqlText(r, 4);
        tried++;
        const edit = chunkEdit(chunk, file, span, insert);
        if (!edit) continue;
        applied++;
        const fixed = file.slice(0, edit.start) + edit.text + file.slice(edit.end);
        const fixedTree = parsePython(fixed);
        expect(hasError(fixedTree), fixed).toBe(false);
        const fixedCall = pyString(fixedTree);
        const fixedValue = evalString(fixed, kind.dedent ? fixedCall.parent!.parent! : fixedCall, lookup);
        expect(fixedValue.kind, fixed).toBe('static');
        expect(
          fixedValue.kind === 'static' ? fixedValue.text : '',
          `${file}|${JSON.stringify(value.text)}|${JSON.stringify(span)}|${JSON.stringify(insert)}|${fixed}`,
        ).toBe(replace(value.text, span, insert));
      }
      // Raw strings refuse any text with a backslash or quote; the others take nearly everything.
      expect(applied).toBeGreaterThan(tried * (kind.prefix.includes('r') ? 0.2 : 0.6));
    });
  }
});

describe('escapePython refuses what a literal cannot hold', () => {
  it('bytes take ASCII only; raw strings take no backslash, quote or (one-line) line break', () => {
    expect(escapePython("SET lock_timeout = '2s';", { quote: '"', prefix: 'b' })).toBe("SET lock_timeout = '2s';");
    expect(escapePython('é', { quote: '"', prefix: 'b' })).toBeNull();
    expect(escapePython("'2s'", { quote: "'", prefix: 'r' })).toBeNull();
    expect(escapePython('a\\b', { quote: '"""', prefix: 'r' })).toBeNull();
    expect(escapePython('a\nb', { quote: '"', prefix: 'r' })).toBeNull();
    expect(escapePython('a\nb', { quote: '"""', prefix: 'r' })).toBe('a\nb');
  });
});
