import type { HostLiteral } from '../types.js';
import { escapeJs, isJsQuote } from './js/escape.js';
import { escapePython } from './python/escape.js';
import { escapeMarkup } from './markup-escape.js';

/**
 * Fix text (SQL) as it must be written into the host-language literal it lands in, so that the literal's value
 * is that SQL; null when the literal cannot hold it (a raw string and a backslash, bytes and non-ASCII …).
 * `before` and `after` are the literal's content on either side of the edit. One escaping function per language.
 */
export function escapeForLiteral(lit: HostLiteral, text: string, before: string, after: string): string | null {
  if (lit.language === 'js') return isJsQuote(lit.quote) ? escapeJs(text, lit.quote, before, after) : null;
  if (lit.language !== 'python') return escapeMarkup(lit, text, before, after);
  return escapePython(text, lit, before, after);
}
