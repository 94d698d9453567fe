/**
 * Masks what is not SQL but sits in migration SQL — psql meta-commands, psql variables, ${placeholders},
 * driver bind markers — so PostgreSQL's parser can read the rest. Every replacement has the same length as
 * what it replaces, and newlines are kept, so offsets and line numbers do not move.
 */
import { quoteIdent } from './quote.js';

export interface MaskOptions {
  /** psql meta-command lines (`\set`, `\i`, `\echo` …) and variables (`:name`, `:'name'`, `:"name"`). */
  psql?: boolean;
  /** `${name}` placeholders (Flyway, templating). */
  placeholders?: boolean;
  /**
   * Driver bind markers. A value marker becomes a parameter of the same length (`$1`, padded with spaces) or, where
   * only one character is free, the value `0`; an identifier marker becomes an identifier of the same length.
   *  - `colon`: `:name` value (SQLAlchemy text(), Knex and Sequelize named bindings); `\:` is a literal colon.
   *  - `colon-ident`: Knex's `:name:` identifier binding.
   *  - `percent`: psycopg `%s`, `%(name)s`, `%%`.
   *  - `question`: Knex `?` value and `??` identifier; `\?` is a literal `?` (the jsonb operator).
   *  - `dollar-name`: Sequelize's `$name` bind parameter (`$1` is PostgreSQL's own and needs nothing).
   */
  bindMarkers?: BindMarker[];
  /**
   * Told of every COPY … FROM stdin data block. The block is always blanked (it is data, not SQL), so the
   * statements after it are read; whether the runner can take it is the caller's question.
   */
  onCopyData?: (copy: CopyData) => void;
  /** The runner itself feeds COPY … FROM stdin the data that follows in the file (psql, and Flyway). */
  copyFromStdin?: boolean;
}

/** A `COPY … FROM stdin` (or psql `\copy … from stdin`) whose inline data follows in the file, up to `\.`. */
export interface CopyData {
  /** Start of the COPY statement (or the `\copy` line). */
  statement: number;
  /** The data lines, from the line after the statement through the `\.` line (or the end of the text). */
  data: { start: number; end: number };
}

export type BindMarker = 'colon' | 'colon-ident' | 'percent' | 'question' | 'dollar-name';

/**
 * The placeholder styles each framework's runner understands in the SQL it is given, beyond PostgreSQL's own
 * `$1`. JS `${…}` in a `sql` tagged template is a bound value too; the JS extractor turns it into `$n` itself.
 */
export const PLACEHOLDER_STYLES: Readonly<Record<string, MaskOptions>> = {
  // psql-style runners: meta-commands and psql variables.
  psql: { psql: true, copyFromStdin: true },
  sqitch: { psql: true, copyFromStdin: true },
  'graphile-migrate': { psql: true },
  // Flyway: ${placeholder} replaced before the SQL is sent; it feeds COPY FROM STDIN its data itself.
  flyway: { placeholders: true, copyFromStdin: true },
  // Alembic: op.execute(str) runs sa.text(), whose binds are `:name`; psycopg's own `%s` / `%(name)s` too.
  alembic: { bindMarkers: ['colon', 'percent'] },
  // Django: RunSQL and cursor.execute go through psycopg.
  django: { bindMarkers: ['percent'] },
  // Knex raw: `?`, `??`, `:name`, `:name:`.
  knex: { bindMarkers: ['question', 'colon', 'colon-ident'] },
  // Sequelize query(): `:name` replacements, `$1` / `$name` binds.
  sequelize: { bindMarkers: ['colon', 'dollar-name'] },
  // db-migrate runSql(sql, params): `?` (its pg driver rewrites them to `$n`).
  'db-migrate': { bindMarkers: ['question'] },
};

/** The mask a framework's SQL needs; frameworks not listed send SQL as written. */
export function placeholderStyle(framework: string | undefined): MaskOptions {
  return (framework && PLACEHOLDER_STYLES[framework]) || {};
}

/**
 * An identifier `len` characters long standing for a name: the bound name itself, space-padded, when PostgreSQL
 * reads it bare (so messages say `idx`), else underscores, which no keyword is (`:user` must not become `user`).
 */
function name(bound: string, len: number): string {
  if (bound && quoteIdent(bound) === bound) {
    const pad = len - bound.length;
    return `${' '.repeat(Math.ceil(pad / 2))}${bound}${' '.repeat(Math.floor(pad / 2))}`;
  }
  return '_'.repeat(len);
}

/** The characters after the leading `_` that tell one masked interpolation's name from another's. */
const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `text` with the `len` characters at `at` (a host-language interpolation read as `$1`, as the Ruby, PHP, C# and
 * Elixir readers give it) made an identifier of the same length, for an interpolation PostgreSQL's grammar rejects
 * as a value where it stands (`update #{table} set …`), where only a name fits. Offsets and line numbers do not
 * move. `which` numbers the distinct expressions of a migration: the same expression (`#{table}` twice) gets the same
 * name, so a CREATE TABLE and the index on it are one table, and another expression a name of its own (`_a`, `_b` …;
 * underscores alone, as a Flyway `${placeholder}` is masked, once two characters run out).
 */
export function maskAsIdentifier(text: string, at: number, len: number, which: number): string {
  const id = which < NAME_CHARS.length ? `_${NAME_CHARS[which]}`.padEnd(len, '_').slice(0, len) : name('', len);
  return `${text.slice(0, at)}${len < 2 ? name('', len) : id}${text.slice(at + len)}`;
}

/** A value placeholder `len` characters long: `$1` padded with spaces, or `0` when only one character is free. */
function param(len: number): string {
  return len >= 2 ? `$1${' '.repeat(len - 2)}` : '0';
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

export function maskSql(text: string, options: MaskOptions): string {
  const binds = new Set(options.bindMarkers ?? []);
  if (!options.psql && !options.placeholders && binds.size === 0 && !/\bstdin\b/i.test(text)) return text;
  // Replacements as [start, text] pairs of equal length, applied once at the end: most files need none.
  const edits: Array<[number, string]> = [];
  const put = (at: number, replacement: string): void => {
    edits.push([at, replacement]);
  };
  const blank = (from: number, to: number): void => {
    put(from, text.slice(from, to).replace(/[^\r\n]/g, ' '));
  };
  const n = text.length;
  // A statement's head is its text with comments made spaces: no head says STDIN when the text does not.
  const mayCopyStdin = /stdin/i.test(text);
  let i = 0;
  let lineStart = true;
  let stmtStart = 0;
  /** Blanks the data lines after the statement or line ending at `end`, through the `\.` line; where to go on. */
  const skipCopyData = (statement: number, end: number): number => {
    const nl = text.indexOf('\n', end);
    if (nl < 0) return end;
    const start = nl + 1;
    const terminator = /^\\\.[ \t]*\r?$/m;
    const m = terminator.exec(text.slice(start));
    let stop = m ? start + m.index + m[0].length : n;
    if (stop > n) stop = n;
    blank(start, stop);
    options.onCopyData?.({ statement, data: { start, end: stop } });
    return stop;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      i++;
      continue;
    }
    if (lineStart && (c === ' ' || c === '\t')) {
      i++;
      continue;
    }
    const atLineStart = lineStart;
    lineStart = false;
    if (atLineStart && options.psql && c === '\\') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      blank(i, end);
      const copy = /^\\copy\b.*\bfrom\s+stdin\b/i.test(text.slice(i, end)) ? skipCopyData(i, end) : undefined;
      i = copy ?? end;
      stmtStart = i;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      let k = i + 2;
      while (k < n && depth > 0) {
        if (text[k] === '/' && text[k + 1] === '*') {
          depth++;
          k += 2;
        } else if (text[k] === '*' && text[k + 1] === '/') {
          depth--;
          k += 2;
        } else k++;
      }
      i = k;
      continue;
    }
    if (c === "'") {
      i = skipQuoted(text, i, "'");
      continue;
    }
    if (c === '"') {
      i = skipQuoted(text, i, '"');
      continue;
    }
    if (c === '$') {
      if (options.placeholders && text[i + 1] === '{') {
        const end = text.indexOf('}', i + 2);
        if (end > 0 && !text.slice(i, end).includes('\n')) {
          // An identifier of the same length keeps `${schema}.orders` parseable.
          put(i, '_'.repeat(end + 1 - i));
          i = end + 1;
          continue;
        }
      }
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (tag && (i === 0 || !IDENT_PART.test(text[i - 1]!))) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
        continue;
      }
      if (binds.has('dollar-name') && (i === 0 || !IDENT_PART.test(text[i - 1]!))) {
        const bind = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 80));
        if (bind) {
          put(i, param(bind[0].length));
          i += bind[0].length;
          continue;
        }
      }
      i++;
      continue;
    }
    if (c === ':') {
      const next = text[i + 1];
      if (next === ':' || next === '=') {
        i += 2;
        continue;
      }
      const prevIsColon = i > 0 && text[i - 1] === ':';
      if (!prevIsColon && next !== undefined) {
        if (options.psql && (next === "'" || next === '"')) {
          put(i, ' ');
          i++;
          continue;
        }
        if ((options.psql || binds.has('colon')) && IDENT_START.test(next) && (i === 0 || !IDENT_PART.test(text[i - 1]!))) {
          let end = i + 1;
          while (end < n && IDENT_PART.test(text[end]!)) end++;
          if (binds.has('colon-ident') && text[end] === ':' && text[end + 1] !== ':') {
            // Knex `:name:` → ` name `: an identifier of the same length.
            put(i, name(text.slice(i + 1, end), end + 1 - i));
            i = end + 1;
            continue;
          }
          // psql `:name` may stand for anything, so it stays a name; a driver's `:name` is a bound value.
          put(i, options.psql ? name(text.slice(i + 1, end), end - i) : param(end - i));
          i = end;
          continue;
        }
      }
      i++;
      continue;
    }
    if (c === '%' && binds.has('percent')) {
      if (text[i + 1] === 's') {
        put(i, '$1');
        i += 2;
        continue;
      }
      if (text[i + 1] === '(') {
        const m = /^%\([A-Za-z0-9_]+\)s/.exec(text.slice(i, i + 80));
        if (m) {
          put(i, `$1${' '.repeat(m[0].length - 2)}`);
          i += m[0].length;
          continue;
        }
      }
      if (text[i + 1] === '%') {
        put(i, ' ');
        i += 2;
        continue;
      }
    }
    if (c === '\\' && (text[i + 1] === '?' ? binds.has('question') : text[i + 1] === ':' && binds.has('colon'))) {
      // An escaped marker is the character itself (`\\?` is jsonb's `?` operator in Knex).
      put(i, ' ');
      i += 2;
      continue;
    }
    if (c === '?' && binds.has('question')) {
      // A knex binding is a value; `0` keeps the statement parseable. `??` is an identifier binding.
      if (text[i + 1] === '?') {
        put(i, name('', 2));
        i += 2;
        continue;
      }
      put(i, '0');
      i++;
      continue;
    }
    if (c === ';' && mayCopyStdin) {
      const head = text
        .slice(stmtStart, i)
        .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
        .trim();
      if (/^COPY\b[\s\S]*\bFROM\s+STDIN\b/i.test(head)) {
        i = skipCopyData(stmtStart + text.slice(stmtStart).search(/\S/), i + 1);
        stmtStart = i;
        continue;
      }
      stmtStart = i + 1;
    }
    i++;
    // Past the line's start, the characters no branch above acts on are stepped over in one loop.
    while (i < n && unmasked(text.charCodeAt(i))) i++;
  }
  if (edits.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, replacement] of edits) {
    out += text.slice(at, start) + replacement;
    at = start + replacement.length;
  }
  return out + text.slice(at);
}

/** Not a newline, a backslash, `-`, `/`, a quote, `$`, `:`, `%`, `?` or `;`: nothing maskSql acts on past a line's start. */
function unmasked(c: number): boolean {
  return !(c === 10 || c === 92 || c === 45 || c === 47 || c === 39 || c === 34 || c === 36 || c === 58 || c === 37 || c === 63 || c === 59);
}

function skipQuoted(text: string, start: number, quote: string): number {
  let k = start + 1;
  const n = text.length;
  const backslashEscapes = quote === "'" && start > 0 && /[eE]/.test(text[start - 1]!);
  while (k < n) {
    const c = text[k]!;
    if (backslashEscapes && c === '\\') {
      k += 2;
      continue;
    }
    if (c === quote) {
      if (text[k + 1] === quote) {
        k += 2;
        continue;
      }
      return k + 1;
    }
    k++;
  }
  return n;
}
