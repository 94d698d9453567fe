import { scanLineDirectives } from '../../engine/directives.js';
import type { AdapterNote, AnalyzedStatement, Directive, Edit, ExecutionContext, MapSegment, SqlChunk } from '../../types.js';
import { LineIndex } from '../../sql/text.js';
import { evalString, type Resolver } from './strings.js';
import { child, enclosingStatement, firstError, walk, type PyNode } from './tree.js';

/** A SQL identifier as PostgreSQL needs it written (reserved words, upper case and quotes are quoted). */
export { quoteIdent as ident, quoteQualified as qualified } from '../../sql/quote.js';
/** A text as an SQL string literal. */
export { quoteLiteral as sqlLiteral } from '../../sql/quote.js';

/**
 * The syntax error of a file read with tree-sitter, as one parse-error note at the first error, or null. The
 * Ruby and C# readers use it too, naming their language.
 */
export function syntaxNote(src: string, root: PyNode, language: 'Python' | 'Ruby' | 'C#' = 'Python'): AdapterNote | null {
  const err = firstError(root);
  if (!err) return null;
  const lineEnd = src.indexOf('\n', err.start);
  const end = Math.max(err.start + 1, Math.min(err.end, lineEnd < 0 ? src.length : lineEnd));
  return {
    ruleId: 'parse-error',
    severity: 'error',
    message: `${language} syntax error${err.type === 'ERROR' ? '' : ` (missing ${err.type})`}: the file cannot be read as ${language} past this point; findings inside the damaged code may be missing.`,
    span: { start: err.start, end: Math.min(end, src.length) },
  };
}

/**
 * `# migralint-disable-next-line …` covers the whole Python statement that follows (a call spans several lines,
 * and findings inside embedded SQL land on the lines of the string).
 */
export function pythonDirectives(src: string, root: PyNode): Directive[] {
  const directives = scanLineDirectives(src, '#');
  if (directives.length === 0) return directives;
  const lines = new LineIndex(src);
  const stmtEndByLine = new Map<number, number>();
  walk(root, (n) => {
    if (n.parent && (n.parent.type === 'block' || n.parent.type === 'module') && n.type !== 'comment') {
      const line = lines.position(n.start).line;
      const body = child(n, 'body');
      const end = body ? lines.position(body.start).line - 1 : lines.position(n.end).line;
      if (!stmtEndByLine.has(line)) stmtEndByLine.set(line, Math.max(line, end));
    }
  });
  for (const d of directives) {
    if (d.kind !== 'disable-next-line') continue;
    const end = stmtEndByLine.get(d.targetLine);
    if (end !== undefined && end > d.targetLine) d.targetEndLine = end;
  }
  return directives;
}

/** The embedded SQL of a call argument as a chunk, or a note saying why it cannot be read. */
export function sqlChunk(
  src: string,
  node: PyNode,
  resolver: Resolver,
  exec: ExecutionContext,
  call: string,
  origin: Record<string, unknown>,
  notes: AdapterNote[],
): SqlChunk | null {
  const value = evalString(src, node, resolver);
  if (value.kind === 'dynamic') {
    notes.push({
      ruleId: 'unsupported-framework-construct',
      severity: 'info',
      message: `${call}(): the SQL is ${value.why}, built at run time; migralint cannot read it and did not lint it.`,
      span: { start: node.start, end: node.end },
    });
    return null;
  }
  const segments: MapSegment[] = value.segments;
  return { kind: 'sql', text: value.text, segments, literals: value.literals, exec, origin };
}

/** Offsets of every line start inside [from, to) that lies inside a multi-line string (not code). */
function stringLineStarts(node: PyNode): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  walk(node, (n) => {
    if (n.type === 'string') {
      ranges.push([n.start, n.end]);
      return false;
    }
    return true;
  });
  return ranges;
}

/**
 * Wraps a Python statement in a `with` block: the header goes on a new line at the statement's indentation and
 * every code line of the statement moves in one level. Lines inside string literals are left alone (their
 * text is the string's value). Each edit is a small insertion, so fixes on the same statement combine.
 */
export function wrapInWith(src: string, stmt: PyNode, header: string, eol: string): Edit[] | null {
  const lineStart = src.lastIndexOf('\n', stmt.start - 1) + 1;
  const indent = src.slice(lineStart, stmt.start);
  if (!/^[ \t]*$/.test(indent)) return null; // another statement shares the line (`a; b`)
  const rest = src.slice(stmt.end, (src.indexOf('\n', stmt.end) + 1 || src.length + 1) - 1);
  if (!/^[ \t]*(#.*)?\r?$/.test(rest)) return null;
  const unit = indentUnit(src, indent);
  const edits: Edit[] = [{ start: lineStart, end: lineStart, text: `${indent}${header}${eol}${unit}` }];
  const strings = stringLineStarts(stmt);
  for (let i = src.indexOf('\n', stmt.start); i >= 0 && i + 1 < stmt.end; i = src.indexOf('\n', i + 1)) {
    const at = i + 1;
    if (strings.some(([a, b]) => at > a && at < b)) continue;
    if (/^[ \t]*\r?$/.test(src.slice(at, src.indexOf('\n', at) < 0 ? src.length : src.indexOf('\n', at)))) continue;
    edits.push({ start: at, end: at, text: unit });
  }
  return edits;
}

/** One level of indentation as the file writes it (4 spaces by default). */
export function indentUnit(src: string, current: string): string {
  if (current.startsWith('\t')) return '\t';
  const m = /\n( +)\S/.exec(src);
  const width = m ? Math.min(m[1]!.length, 8) : 4;
  return ' '.repeat(width >= 2 ? width : 4);
}

/** Statements of the unit other than `stmt` that would lose their transaction if the unit stopped being atomic. */
export function needAtomicity(stmt: AnalyzedStatement, statements: AnalyzedStatement[]): AnalyzedStatement[] {
  return statements.filter(
    (s) =>
      s !== stmt &&
      s.facts.inTransaction !== null &&
      !(s.kind === 'VariableSetStmt' || s.kind === 'IndexStmt' || s.kind === 'ReindexStmt' || (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_INDEX')),
  );
}

export { enclosingStatement };
