/**
 * SQL text written into a Python string literal, so that the literal's value (after textwrap.dedent, when the
 * string is dedented) is exactly that text. The one place fix text is escaped for Python (the decoding side is
 * strings.ts).
 *
 *  - plain and triple-quoted: `\` → `\\`, every quote character of the delimiter's kind → `\'` / `\"` (so no
 *    run of three can close a triple-quoted string, and none can touch its closing delimiter), a lone CR and
 *    other control characters as `\r` / `\xNN`; line breaks as `\n` in a one-line string, as written (LF or
 *    CRLF, the file's own) in a triple-quoted one, followed by the dedent margin when the string is dedented;
 *  - f-strings: `{` → `{{` and `}` → `}}` as well;
 *  - bytes: only ASCII can be written; anything else is refused (null);
 *  - raw strings: no escape exists, so text holding a backslash, the quote character or (one-line) a line
 *    break is refused (null).
 */
export interface PyLiteralKind {
  quote: string;
  /** The string prefix, lower case: any of r, f, t, b, u. */
  prefix?: string;
  margin?: string;
}

/** `before`: the literal's content before the insertion point (a raw string's backslash escapes what follows it). */
export function escapePython(text: string, lit: PyLiteralKind, before = '', after = ''): string | null {
  const prefix = lit.prefix ?? '';
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f') || prefix.includes('t');
  const bytes = prefix.includes('b');
  const triple = lit.quote.length === 3;
  const q = lit.quote[0]!;
  const margin = lit.margin ?? '';
  // textwrap.dedent empties whitespace-only lines: such a line cannot be written exactly.
  if (lit.margin !== undefined && /\n[ \t]+(\r?\n|$)/.test(text)) return null;
  // In a raw string a backslash still keeps the next character from ending the string: nothing goes after one.
  if (raw && /(^|[^\\])(\\\\)*\\$/.test(before)) return null;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    if (bytes && code > 0x7e) return null;
    if (fstring && (c === '{' || c === '}')) {
      out += c + c;
      continue;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      const eol = c === '\r' ? '\r\n' : '\n';
      if (c === '\r') i++;
      if (!triple) {
        if (raw) return null;
        out += eol === '\r\n' ? '\\r\\n' : '\\n';
        continue;
      }
      // A dedented string: the runtime removes the margin from each line again (a blank line is blank anyway).
      const nextLineBlank = /^[ \t]*(\r?\n|$)/.test(text.slice(i + 1) + after);
      out += eol + (nextLineBlank ? '' : margin);
      continue;
    }
    if (raw) {
      if (c === '\\' || c === q || c === '\r' || (code < 0x20 && c !== '\t')) return null;
      out += c;
      continue;
    }
    if (c === '\\') out += '\\\\';
    else if (c === q) out += `\\${c}`;
    else if (c === '\r') out += '\\r';
    else if ((code < 0x20 && c !== '\t') || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  // textwrap.dedent recomputes the margin from the new text: it must stay the same, and a line the edit leaves
  // blank (emptied by dedent) must have been meant empty.
  if (lit.margin !== undefined) {
    const content = before + out + after;
    if (commonMargin(content) !== lit.margin) return null;
    // Whitespace of a blank line, which dedent drops, must not become part of a line with text.
    const lineBefore = before.slice(before.lastIndexOf('\n') + 1);
    const lineAfter = after.slice(0, after.indexOf('\n') < 0 ? after.length : after.indexOf('\n')).replace(/\r$/, '');
    if (/^[ \t]*$/.test(lineBefore) && lineBefore.length !== lit.margin.length && lineBefore.length > 0) return null;
    if (/^[ \t]+$/.test(lineAfter)) return null;
    const from = before.lastIndexOf('\n') + 1;
    const toNl = (before + out + after).indexOf('\n', before.length + out.length);
    const touched = content.slice(from, toNl < 0 ? content.length : toNl).split(/\r?\n/);
    if (touched.some((line) => /^[ \t]+$/.test(line.replace(/\r$/, '')) && line.replace(/\r$/, '').length > lit.margin!.length)) return null;
    if (touched.some((line) => /^[ \t]*$/.test(line) && line.length > 0 && line.length <= lit.margin!.length && !/^[ \t]*$/.test(text))) return null;
  }
  // Quote characters already in the literal, on both sides of the edit, must not meet as the closing delimiter.
  if (triple) {
    const lead = trailingQuotes(before + out, q);
    const trail = /^['"]*/
      .exec(after)![0]
      .split('')
      .filter((x) => x === q).length;
    if (lead + trail >= 3 || (after === '' && lead > 0)) return null;
  }
  return out;
}

/** How many unescaped `q` end `s` (a backslash before a quote escapes it, in raw strings too). */
function trailingQuotes(s: string, q: string): number {
  let n = 0;
  let i = s.length;
  while (i > 0 && s[i - 1] === q) {
    let slashes = 0;
    while (i - 2 - slashes >= 0 && s[i - 2 - slashes] === '\\') slashes++;
    if (slashes % 2 === 1) break;
    n++;
    i--;
  }
  return n;
}

/** The margin textwrap.dedent removes: the longest common leading whitespace of the non-blank lines. */
function commonMargin(content: string): string {
  let margin: string | null = null;
  for (const line of content.split('\n')) {
    if (/^[ \t]*\r?$/.test(line)) continue;
    const ws = /^[ \t]*/.exec(line)![0];
    if (margin === null) margin = ws;
    else {
      let k = 0;
      while (k < margin.length && k < ws.length && margin[k] === ws[k]) k++;
      margin = margin.slice(0, k);
    }
  }
  return margin ?? '';
}
