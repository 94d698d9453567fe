/**
 * SQL text written into a JS/TS string or template literal, so that the literal's value is exactly that text.
 * The one place fix text is escaped for JavaScript (the decoding side is literals.ts).
 *
 *  - everywhere: `\` → `\\`, the literal's own quote → `\'` / `\"` / `` \` ``;
 *  - `'…'` and `"…"`: line breaks as `\n` / `\r` (a string literal cannot span lines), U+2028/U+2029 as `\u…`;
 *  - templates: line breaks stay as written (LF or the file's CRLF; a lone CR is `\r`); a `$` that would start `${` is `\$`,
 *    and so is a `{` written just after a `$` already in the file. Nothing else is escaped, so SQL-tag libraries
 *    that read the template's raw strings see the same text as those that read its cooked strings.
 */
export type JsQuote = "'" | '"' | '`';

/**
 * `text` as it must be written inside a literal delimited by `quote`, between the literal's content `before`
 * the insertion point and `after` it.
 */
export function escapeJs(text: string, quote: JsQuote, before = '', after = ''): string | null {
  // A deletion that would join a `$` and a `{` already in the template would start a `${…}`.
  if (quote === '`' && text === '' && /(^|[^\\])(\\\\)*\$$/.test(before) && after.startsWith('{')) return null;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += `\\${c}`;
    else if (quote === '`') {
      const prev = i === 0 ? before.slice(-1) : text[i - 1]!;
      const next = i === text.length - 1 ? after.charAt(0) : text[i + 1];
      if (c === '$' && next === '{') out += '\\$';
      else if (c === '{' && prev === '$') out += '\\{';
      // A template reads CR and CRLF as LF: a CR that is not the file's own line ending is written `\r`.
      else if (c === '\r' && text[i + 1] !== '\n') out += '\\r';
      else out += c;
    } else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\u2028') out += '\\u2028';
    else if (c === '\u2029') out += '\\u2029';
    else out += c;
  }
  return out;
}

export function isJsQuote(q: string): q is JsQuote {
  return q === "'" || q === '"' || q === '`';
}
