import type { HostLiteral } from '../types.js';

/**
 * SQL fix text written into the literals of Liquibase changelogs (XML, YAML) and Laravel migrations (PHP), so that
 * the value the tool reads is exactly that text; null where no exact writing exists (then no fix is offered).
 *
 *  - XML text: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`; in a CDATA section text is as written unless it holds
 *    `]]>`, which would end the section;
 *  - YAML: a literal block scalar (`|`) takes text as written, each line break followed by the block's
 *    indentation; single-quoted: `'` → `''`; double-quoted and plain scalars only take text with none of the
 *    characters that would need escaping there (`"`, `\`, `: `, ` #`, line breaks);
 *  - PHP: single-quoted `\` and `'` with a backslash (a `\` before the end is ambiguous otherwise); double-quoted and
 *    heredoc: `\`, `$` (and `"` in a double-quoted string) with a backslash; nowdoc: as written, unless a line of the
 *    text would close it.
 */
export function escapeMarkup(lit: HostLiteral, text: string, before: string, after: string): string | null {
  switch (lit.language) {
    case 'xml':
      if (lit.quote === '<![CDATA[') return /]]>/.test(before.slice(-2) + text + after.slice(0, 2)) ? null : text;
      return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    case 'yaml':
      if (lit.quote === '|') return /\r/.test(text) ? null : text.replace(/\n/g, `\n${lit.margin ?? ''}`);
      if (/[\r\n]/.test(text)) return null;
      if (lit.quote === "'") return text.replace(/'/g, "''");
      if (lit.quote === '"') return /["\\]/.test(text) ? null : text;
      return /: | #|^[#:]|:$/.test(text) || /[\s:]$/.test(before + text) ? null : text;
    case 'php':
      if (lit.quote === "'") return /\\$/.test(before) ? null : text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
      if (lit.quote === '"') return /\\$/.test(before) ? null : text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$');
      if (lit.quote === '<<<') return /\\$/.test(before) ? null : text.replace(/\\/g, '\\\\').replace(/\$/g, '\\$');
      // A nowdoc: no escapes at all; the closing identifier (lit.margin holds it) must not start a line of the text.
      return lit.margin && new RegExp(`(^|\\n)[ \\t]*${lit.margin}\\b`).test(text) ? null : text;
    default:
      return null;
  }
}
