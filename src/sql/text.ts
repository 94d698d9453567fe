import type { Loc, Span } from '../types.js';

/** Line starts of a text, for offset → 1-based line/column (UTF-16 columns, as editors and ESLint count). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    const at = this.lineAt(offset);
    return { line: at + 1, column: offset - this.starts[at]! + 1 };
  }

  /** The 0-based line of an offset. */
  private lineAt(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  loc(span: Span): Loc {
    // Without a position object per end: every statement and finding has a loc.
    const a = this.lineAt(span.start);
    const b = this.lineAt(span.end);
    return { line: a + 1, column: span.start - this.starts[a]! + 1, endLine: b + 1, endColumn: span.end - this.starts[b]! + 1 };
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  lineEnd(line: number): number {
    const next = line < this.starts.length ? this.starts[line]! : this.text.length;
    let end = next;
    while (end > this.lineStart(line) && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return end;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/**
 * PostgreSQL reports positions as byte offsets into the UTF-8 encoding. This converts them to UTF-16 offsets
 * into the JavaScript string, once per chunk. ASCII text (the common case) is the identity.
 */
export class ByteOffsets {
  private readonly table: Uint32Array | null;

  constructor(text: string) {
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(text)) {
      this.table = null;
      return;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    const table = new Uint32Array(bytes + 1);
    let b = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.codePointAt(i)!;
      const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      for (let k = 0; k < width; k++) table[b + k] = i;
      b += width;
      if (code >= 0x10000) i++;
    }
    table[b] = text.length;
    this.table = table;
  }

  toUtf16(byteOffset: number): number {
    if (this.table === null) return byteOffset;
    const clamped = Math.max(0, Math.min(byteOffset, this.table.length - 1));
    return this.table[clamped]!;
  }
}
