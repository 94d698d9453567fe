/**
 * Identifiers written into SQL (statements made from ORM operations, the text of fixes, names in messages),
 * quoted exactly when PostgreSQL needs it — the rule of its own quote_ident(): a name stays bare when it is
 * lower-case letters, digits and `_` (not starting with a digit) and is not a keyword other than an unreserved
 * one. Which words are keywords, and of which kind, is asked of PostgreSQL's own scanner (libpg-query), so the
 * list is the server's, not a copy.
 */
import { scanSync } from 'libpg-query';

/** Keyword kinds of PostgreSQL's scanner (kwlist.h): 0 none, 1 unreserved, 2 column name, 3 type/function name, 4 reserved. */
const UNRESERVED_KEYWORD = 1;

const needsQuotes = new Map<string, boolean>();

function isKeywordToQuote(name: string): boolean {
  let hit = needsQuotes.get(name);
  if (hit === undefined) {
    try {
      const tokens = scanSync(name).tokens;
      hit = tokens.length !== 1 || tokens[0]!.keywordKind > UNRESERVED_KEYWORD;
    } catch {
      // The parser is loaded before anything is linted; should it not be, a quoted name is still correct SQL.
      return true;
    }
    needsQuotes.set(name, hit);
  }
  return hit;
}

/** One name as PostgreSQL needs it written: `orders`, `"order"`, `"userId"`, `"a""b"`. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !isKeywordToQuote(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** A possibly schema-qualified name: `public.orders`, `"Sales"."order"`. */
export function quoteQualified(name: string, schema?: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/** A text as an SQL string literal: `'it''s'`. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
