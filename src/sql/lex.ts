/**
 * A minimal SQL lexer for bounds only: where a statement's first token starts and its last token ends, skipping
 * whitespace and comments, and stepping over strings, quoted identifiers and dollar quotes whole. PostgreSQL's
 * parser gives each statement's byte range; this trims it exactly without running the scanner over the file.
 */
export function skipTrivia(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) i++;
    else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > end ? end : nl + 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let depth = 1;
      i += 2;
      while (i < end && depth > 0) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  return Math.min(i, end);
}

function skipToken(text: string, i: number, end: number): number {
  const c = text[i]!;
  if (c === "'" || c === '"') {
    const backslash = c === "'" && i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e');
    let k = i + 1;
    while (k < end) {
      const d = text[k]!;
      if (backslash && d === '\\') k += 2;
      else if (d === c) {
        if (text[k + 1] === c) k += 2;
        else return k + 1;
      } else k++;
    }
    return end;
  }
  if (c === '$') {
    const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, Math.min(end, i + 64)));
    if (tag) {
      const close = text.indexOf(tag[0], i + tag[0].length);
      return close < 0 || close >= end ? end : close + tag[0].length;
    }
  }
  return i + 1;
}

/**
 * A run of text with no comment, quote, dollar quote or `;` in it: plain characters and whitespace, which the token
 * walk below would step over one call at a time. Matched natively (a statement's bounds walk its whole text).
 */
const PLAIN_RUN = /(?:[^-/;'"$]|-(?!-)|\/(?!\*))+/y;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** First token start and last token end in [from, to); null when there are only comments and whitespace. */
export function tokenBounds(text: string, from: number, to: number): { start: number; end: number } | null {
  let i = skipTrivia(text, from, to);
  if (i >= to) return null;
  const start = i;
  let last = i;
  while (i < to) {
    PLAIN_RUN.lastIndex = i;
    if (PLAIN_RUN.test(text)) {
      // The run's last token ends at its last character that is not whitespace.
      const runEnd = Math.min(PLAIN_RUN.lastIndex, to);
      let k = runEnd;
      while (k > i && isSpace(text.charCodeAt(k - 1))) k--;
      if (k > i) last = k;
      i = runEnd;
      if (i >= to) break;
    }
    i = skipTrivia(text, i, to);
    if (i >= to) break;
    if (text[i] === ';') break;
    i = skipToken(text, i, to);
    last = i;
  }
  return { start, end: last };
}

/** The end of the `;` that terminates a statement ending at `end`, or -1 when there is none. */
export function semicolonAfter(text: string, end: number): number {
  const i = skipTrivia(text, end, text.length);
  return text[i] === ';' ? i + 1 : -1;
}

/**
 * Offsets just after top-level `;`s, walking tokens so a `;` inside a string, quoted name, comment or dollar-quoted
 * body does not count. For cutting a large chunk into groups of whole statements.
 */
export function statementEnds(text: string): number[] {
  const ends: number[] = [];
  let i = 0;
  while (i < text.length) {
    i = skipTrivia(text, i, text.length);
    if (i >= text.length) break;
    if (text[i] === ';') {
      ends.push(++i);
      continue;
    }
    i = skipToken(text, i, text.length);
  }
  return ends;
}
