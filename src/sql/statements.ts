import type { AdapterNote, MapSegment, MigrationUnit, ParseFailure, Span, Statement } from '../types.js';
import { maskSql, placeholderStyle, type MaskOptions } from './mask.js';
import { statementNode } from './nodes.js';
import { parseChunk } from './parse.js';
import { LineIndex } from './text.js';

/** Chunk offset → file offset. */
export function toFileOffset(segments: MapSegment[], offset: number): number {
  if (segments.length === 0) return offset;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid]!.chunkStart <= offset) lo = mid;
    else hi = mid - 1;
  }
  const seg = segments[lo]!;
  const delta = offset - seg.chunkStart;
  if (delta <= 0) return seg.fileStart;
  if (seg.verbatim) return seg.fileStart + Math.min(delta, seg.length);
  return seg.fileStart + (delta >= seg.length ? fileLength(seg) : 0);
}

function fileLength(seg: MapSegment): number {
  return seg.fileLength ?? seg.length;
}

export function toFileSpan(segments: MapSegment[], span: Span): Span {
  return { start: toFileOffset(segments, span.start), end: toFileOffset(segments, span.end) };
}

/** True when chunk text over `span` is the file's text character for character, so an edit can land there. */
export function isVerbatim(segments: MapSegment[], span: Span): boolean {
  if (segments.length === 0) return true;
  for (const seg of segments) {
    const segEnd = seg.chunkStart + seg.length;
    if (segEnd <= span.start || seg.chunkStart >= span.end) continue;
    if (!seg.verbatim) return false;
  }
  return true;
}

export interface UnitParse {
  statements: Statement[];
  failures: ParseFailure[];
  /** What the parse stage has to say beyond errors: COPY FROM stdin data a runner cannot send. */
  notes: AdapterNote[];
  lines: LineIndex;
}

export function maskOptionsFor(framework: MigrationUnit['framework']): MaskOptions {
  return placeholderStyle(framework);
}

/** The parse stage: every chunk and operation of a unit, as located statements and parse failures. */
export function parseUnit(unit: MigrationUnit, lines = new LineIndex(unit.file.text)): UnitParse {
  const statements: Statement[] = [];
  const failures: ParseFailure[] = [];
  const notes: AdapterNote[] = [];
  const style = maskOptionsFor(unit.framework);
  unit.items.forEach((item, itemIndex) => {
    if (item.kind === 'sql') {
      const mask: MaskOptions = {
        ...style,
        onCopyData: (copy) => {
          if (style.copyFromStdin) return;
          // The runner sends the file to the server, which reads no data after COPY … FROM stdin: it fails there.
          const span = toFileSpan(item.segments, { start: copy.statement, end: Math.max(copy.statement, copy.data.start - 1) });
          notes.push({
            ruleId: 'unsupported-framework-construct',
            severity: 'error',
            message: `COPY … FROM stdin with the data in the file works only with a runner that feeds it that data (psql, Flyway): ${unit.framework} sends the SQL to the server, which cannot take the data lines, so this migration fails. Load the data with INSERT, or COPY from a file the server can read; the data lines are skipped here.`,
            span,
          });
        },
      };
      const parsed = parseChunk(maskSql(item.text, mask));
      for (const s of parsed.statements) {
        const span = toFileSpan(item.segments, s.span);
        statements.push({
          index: statements.length,
          ...statementNode(s.stmt, s.kind),
          sql: item.text.slice(s.span.start, s.span.end),
          item,
          itemIndex,
          chunkSpan: s.span,
          chunkSpanWithSemicolon: s.spanWithSemicolon,
          locate: s.locate,
          span,
          loc: lines.loc(span),
        });
      }
      for (const e of parsed.errors) {
        const span = toFileSpan(item.segments, e.span);
        failures.push({ message: e.message, span, loc: lines.loc(span) });
      }
    } else {
      const parsed = parseChunk(item.sql);
      for (const s of parsed.statements) {
        statements.push({
          index: statements.length,
          ...statementNode(s.stmt, s.kind),
          sql: item.sql.slice(s.span.start, s.span.end),
          item,
          itemIndex,
          chunkSpan: s.span,
          chunkSpanWithSemicolon: s.spanWithSemicolon,
          locate: s.locate,
          span: item.span,
          loc: lines.loc(item.span),
        });
      }
      for (const e of parsed.errors) {
        failures.push({ message: `${item.call}: ${e.message}`, span: item.span, loc: lines.loc(item.span) });
      }
    }
  });
  return { statements, failures, notes, lines };
}
