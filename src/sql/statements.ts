import type { MapSegment, MigrationUnit, ParseFailure, Span, Statement } from '../types.js';
import { maskSql, type MaskOptions } from './mask.js';
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
  lines: LineIndex;
}

export function maskOptionsFor(framework: MigrationUnit['framework']): MaskOptions {
  switch (framework) {
    case 'psql':
    case 'sqitch':
    case 'graphile-migrate':
      return { psql: true, placeholders: false };
    case 'flyway':
      return { psql: false, placeholders: true };
    case 'alembic':
      return { bindMarkers: ['colon', 'percent'] };
    case 'django':
      return { bindMarkers: ['percent'] };
    case 'knex':
      return { bindMarkers: ['question'] };
    default:
      return { psql: false };
  }
}

/** The parse stage: every chunk and operation of a unit, as located statements and parse failures. */
export function parseUnit(unit: MigrationUnit, lines = new LineIndex(unit.file.text)): UnitParse {
  const statements: Statement[] = [];
  const failures: ParseFailure[] = [];
  const mask = maskOptionsFor(unit.framework);
  unit.items.forEach((item, itemIndex) => {
    if (item.kind === 'sql') {
      const parsed = parseChunk(maskSql(item.text, mask));
      for (const s of parsed.statements) {
        const span = toFileSpan(item.segments, s.span);
        statements.push({
          index: statements.length,
          kind: s.kind,
          node: s.stmt[s.kind],
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
          kind: s.kind,
          node: s.stmt[s.kind],
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
  return { statements, failures, lines };
}
