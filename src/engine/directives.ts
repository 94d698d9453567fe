import type { Directive, Span } from '../types.js';
import { LineIndex } from '../sql/text.js';

const DIRECTIVE = /migralint-(disable-next-line|disable-line|disable-file)\b([^\n]*)/;

/**
 * Suppression comments: `-- migralint-disable-next-line rule-a, rule-b -- reason`, `-- migralint-disable-file rule`
 * (after `#` in Python and `//` in JS/TS). `commentStarts` are the offsets of comments in the host language.
 */
export function parseDirectiveComment(comment: string, offset: number, line: number, nextCodeLine: number): Directive | null {
  const m = DIRECTIVE.exec(comment);
  if (!m) return null;
  const kind = m[1] as Directive['kind'];
  let rest = m[2]!.replace(/\*\/\s*$/, '');
  let reason: string | undefined;
  const sep = rest.indexOf('--');
  if (sep >= 0) {
    reason = rest.slice(sep + 2).trim() || undefined;
    rest = rest.slice(0, sep);
  }
  const rules = rest
    .split(/[,\s]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  return {
    kind,
    rules,
    reason,
    span: { start: offset, end: offset + comment.length },
    targetLine: kind === 'disable-next-line' ? nextCodeLine : line,
  };
}

/**
 * Finds directives in line comments of a text: every line whose comment (after `prefix`) holds a directive.
 * Good for SQL (`--`), Python (`#`) and JS (`//`) files, whose comments these directives live in.
 */
export function scanLineDirectives(text: string, prefix: '--' | '#' | '//'): Directive[] {
  if (!text.includes('migralint-disable')) return [];
  const out: Directive[] = [];
  const lines = text.split(/\r?\n|\r/);
  let offset = 0;
  const offsets: number[] = [];
  for (const l of lines) {
    offsets.push(offset);
    offset += l.length;
    offset += text[offset] === '\r' && text[offset + 1] === '\n' ? 2 : 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = line.indexOf('migralint-disable');
    if (at < 0) continue;
    const commentAt = line.lastIndexOf(prefix, at);
    const blockAt = prefix === '--' || prefix === '//' ? line.lastIndexOf('/*', at) : -1;
    const start = Math.max(commentAt, blockAt);
    if (start < 0) continue;
    let next = i + 1;
    while (next < lines.length && (lines[next]!.trim() === '' || lines[next]!.trim().startsWith(prefix))) next++;
    const d = parseDirectiveComment(line.slice(start), offsets[i]! + start, i + 1, next + 1);
    if (d) out.push(d);
  }
  return out;
}

/**
 * The line directives of a host-language file (Ruby, Elixir, C#), where a `disable-next-line` before a statement
 * that spans several lines (a call with its arguments on the lines after it) covers the whole statement.
 * `statements` gives the file's statements, asked for only when the file has a directive; of several starting on
 * one line, the first counts.
 */
export function statementDirectives(text: string, prefix: '#' | '//', statements: () => Iterable<Span>): Directive[] {
  const directives = scanLineDirectives(text, prefix);
  if (directives.length === 0) return directives;
  const lines = new LineIndex(text);
  const endByLine = new Map<number, number>();
  for (const n of statements()) {
    const line = lines.position(n.start).line;
    if (!endByLine.has(line)) endByLine.set(line, lines.position(n.end).line);
  }
  for (const d of directives) {
    if (d.kind !== 'disable-next-line') continue;
    const end = endByLine.get(d.targetLine);
    if (end !== undefined && end > d.targetLine) d.targetEndLine = end;
  }
  return directives;
}
