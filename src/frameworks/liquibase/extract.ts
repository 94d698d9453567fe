import path from 'node:path';
import { scanLineDirectives } from '../../engine/directives.js';
import type { ExtractContext } from '../../sources/adapter.js';
import { lines } from '../../sources/sql-common.js';
import type { AdapterNote, Directive, ExecutionContext, MigrationUnit, SourceFile, SqlChunk, UnitItem } from '../../types.js';
import { changeSql } from './changes.js';
import { parseXmlChangelog, parseYamlChangelog, type LbDocument, type LbNode, type LbValue } from './tree.js';

/**
 * Liquibase changelogs: XML, YAML, JSON and formatted SQL (`--liquibase formatted sql`). Liquibase runs each
 * changeSet in a transaction of its own and commits it (with its DATABASECHANGELOG row) unless the changeSet says
 * `runInTransaction="false"`. Inside a changeSet each statement is sent on its own (`<sql>` and formatted SQL are
 * split on `;` unless `splitStatements` is false, or on `endDelimiter`); a `<sql splitStatements="false">` body is
 * one JDBC statement, which PostgreSQL runs as one implicit transaction. Changes and changeSets for other databases
 * (`dbms="oracle"`, `dbms="!postgresql"`, a `<preConditions onFail="MARK_RAN"><dbms type="mssql"/>`) are not
 * linted. Read from liquibase-core 4.x.
 */

export const FORMATTED_SQL = /^\s*--\s*liquibase\s+formatted\s+sql\b/i;

export function isFormattedSql(text: string): boolean {
  return FORMATTED_SQL.test(text);
}

/** An XML, YAML or JSON document whose root is `databaseChangeLog`. */
export function isChangelog(file: string, text: string): boolean {
  if (/\.xml$/i.test(file)) return /<(?:\w+:)?databaseChangeLog\b/.test(text);
  if (/\.(ya?ml)$/i.test(file)) return /^databaseChangeLog\s*:/m.test(text);
  if (/\.json$/i.test(file)) return /^\s*\{\s*"databaseChangeLog"\s*:/.test(text);
  return false;
}

/** What the fix writers need about the changeSet a statement belongs to. */
export interface ChangeSetInfo {
  format: 'xml' | 'yaml' | 'sql';
  label: string;
  /** XML / YAML: the changeSet node. */
  node?: LbNode;
  /** Formatted SQL: the `--changeset` line's end (a new attribute goes there) and its runInTransaction value, if any. */
  headerEnd?: number;
  runInTransaction?: { start: number; end: number };
}

export function wrappedReason(label: string): string {
  return `Liquibase runs each changeSet in a transaction (changeSet ${label})`;
}
const OPTED_OUT = (label: string) => `runInTransaction="false": Liquibase runs changeSet ${label} without a transaction`;

/** Whether a `dbms` list includes PostgreSQL (absent: every database). */
function forPostgres(dbms: string | undefined): boolean {
  if (!dbms || !dbms.trim()) return true;
  const parts = dbms.split(',').map((p) => p.trim().toLowerCase());
  if (parts.includes('!postgresql')) return false;
  if (parts.includes('none')) return false;
  const positive = parts.filter((p) => !p.startsWith('!'));
  return positive.length === 0 || positive.includes('postgresql') || positive.includes('all');
}

const DATABASES = /^(?:mysql|mariadb|oracle|mssql|sqlserver|h2|hsqldb|derby|db2|sqlite|sybase|informix|firebird|postgres(?:ql)?)$/i;

/**
 * A changeSet whose `context` names only other databases (`context="mysql"`): projects that support several
 * databases select one with a context at run time, and such a changeSet does not run on PostgreSQL.
 */
function otherDatabaseContext(context: string | undefined): boolean {
  if (!context) return false;
  const words = context
    .split(/\s*(?:,|\band\b|\bor\b)\s*/i)
    .map((w) => w.trim().replace(/^\(|\)$/g, ''))
    .filter(Boolean);
  return words.length > 0 && words.every((w) => DATABASES.test(w) && !/^postgres/i.test(w));
}

const falseValue = (v: LbValue | undefined) => v !== undefined && /^\s*false\s*$/i.test(v.value);

interface Out {
  items: UnitItem[];
  notes: AdapterNote[];
}

/**
 * Whether a precondition holds on PostgreSQL: `dbms type`, and `and` / `or` / `not` of such; undefined when it
 * depends on the database's contents (`tableExists`, `sqlCheck` …). `not` passes when none of its conditions does.
 */
function holdsOnPostgres(c: LbNode): boolean | undefined {
  const nested = () => c.children.map(holdsOnPostgres);
  switch (c.name) {
    case 'dbms': {
      const type = c.attrs.get('type')?.value;
      return type === undefined ? undefined : forPostgres(type);
    }
    case 'and': {
      const r = nested();
      return r.includes(false) ? false : r.every((x) => x === true) ? true : undefined;
    }
    case 'or': {
      const r = nested();
      return r.includes(true) ? true : r.length > 0 && r.every((x) => x === false) ? false : undefined;
    }
    case 'not': {
      const r = nested();
      return r.includes(true) ? false : r.length > 0 && r.every((x) => x === false) ? true : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A changeSet Liquibase skips on PostgreSQL: its preConditions (all of them must pass) include a `dbms` that
 * excludes PostgreSQL, and `onFail` is MARK_RAN or CONTINUE (HALT, the default, stops the update; WARN runs the
 * changeSet anyway). Projects that support several databases keep each one's SQL so (Traccar's changelogs).
 */
function skippedByPreconditions(cs: LbNode, src: string): boolean {
  const pre = cs.children.find((c) => c.name === 'preConditions');
  if (!pre) return false;
  // XML: an attribute; YAML: an `- onFail: MARK_RAN` item of the preConditions list.
  const yamlOnFail = pre.children.find((c) => c.name === 'onFail');
  const onFail =
    pre.attrs.get('onFail')?.value ??
    (yamlOnFail
      ? src
          .slice(yamlOnFail.start, yamlOnFail.end)
          .replace(/^onFail\s*:\s*/, '')
          .replace(/^["']|["']$/g, '')
      : undefined);
  if (!onFail || !/^(?:MARK_RAN|CONTINUE)$/i.test(onFail.trim())) return false;
  return pre.children.some((c) => holdsOnPostgres(c) === false);
}

function execFor(info: ChangeSetInfo, wrapped: boolean, oneQuery: boolean): ExecutionContext {
  return { wrapped, reason: wrapped ? wrappedReason(info.label) : OPTED_OUT(info.label), oneQuery, ...(wrapped ? { transaction: info.label } : {}) };
}

/** A body split on a custom `endDelimiter` (a line of its own, or the end of a line): one chunk per piece. */
function splitOn(chunk: Omit<SqlChunk, 'exec'>, delimiter: string): Array<Omit<SqlChunk, 'exec'>> | null {
  if (!/^[^\s\\()[\]{}|*+?^$.]+$/.test(delimiter) && delimiter !== '/' && delimiter !== '$$') return null;
  const escaped = delimiter.replace(/[$/]/g, (c) => `\\${c}`);
  const re = new RegExp(`${escaped}[ \\t]*(?=\\r?\\n|$)`, 'g');
  const pieces: Array<Omit<SqlChunk, 'exec'>> = [];
  let from = 0;
  const text = chunk.text;
  const cut = (a: number, b: number) => {
    if (!text.slice(a, b).trim()) return;
    const segments = chunk.segments
      .filter((s) => s.chunkStart < b && s.chunkStart + s.length > a)
      .map((s) => {
        if (!s.verbatim) return { ...s, chunkStart: s.chunkStart - a };
        const lo = Math.max(a, s.chunkStart);
        const hi = Math.min(b, s.chunkStart + s.length);
        return { ...s, chunkStart: lo - a, fileStart: s.fileStart + (lo - s.chunkStart), length: hi - lo };
      });
    pieces.push({ kind: 'sql', text: text.slice(a, b), segments, literals: chunk.literals });
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    cut(from, m.index);
    from = m.index + m[0].length;
  }
  cut(from, text.length);
  return pieces;
}

function pushSql(
  out: Out,
  info: ChangeSetInfo,
  body: Omit<SqlChunk, 'exec'>,
  wrapped: boolean,
  opts: { split: boolean; endDelimiter?: string },
  at: { start: number; end: number },
): void {
  const origin = { changeSet: info };
  if (!opts.split) {
    out.items.push({ ...body, exec: execFor(info, wrapped, true), origin });
    return;
  }
  const d = opts.endDelimiter?.trim();
  if (d && d !== ';') {
    const pieces = splitOn(body, d.replace(/^\\n/, ''));
    if (!pieces) {
      out.notes.push({
        ruleId: 'unsupported-framework-construct',
        severity: 'info',
        message: `endDelimiter ${JSON.stringify(d)} is a pattern migralint does not read; the SQL is read as split on ";".`,
        span: at,
      });
    } else {
      for (const p of pieces) out.items.push({ ...p, exec: execFor(info, wrapped, true), origin });
      return;
    }
  }
  out.items.push({ ...body, exec: execFor(info, wrapped, false), origin });
}

function note(out: Out, message: string, span: { start: number; end: number }): void {
  out.notes.push({ ruleId: 'unsupported-framework-construct', severity: 'info', message, span });
}

/** The changes of one changeSet (XML or YAML), in order. */
function changeSetItems(out: Out, cs: LbNode, format: 'xml' | 'yaml', src: string): void {
  const id = cs.attrs.get('id')?.value ?? '?';
  const author = cs.attrs.get('author')?.value ?? '?';
  const info: ChangeSetInfo = { format, label: `${author}:${id}`, node: cs };
  if (
    !forPostgres(cs.attrs.get('dbms')?.value) ||
    otherDatabaseContext(cs.attrs.get('context')?.value ?? cs.attrs.get('contextFilter')?.value) ||
    skippedByPreconditions(cs, src)
  )
    return;
  const wrapped = !falseValue(cs.attrs.get('runInTransaction'));
  for (const change of cs.children) {
    if (['comment', 'preConditions', 'rollback', 'validCheckSum', 'modifySql', 'tagDatabase'].includes(change.name)) continue;
    if (!forPostgres(change.attrs.get('dbms')?.value)) continue;
    const span = { start: change.start, end: change.end };
    if (change.name === 'sql') {
      const body = change.body ?? change.attrs.get('sql');
      if (!body || !body.value.trim()) continue;
      const split = !falseValue(change.attrs.get('splitStatements'));
      pushSql(
        out,
        info,
        { kind: 'sql', text: body.value, segments: body.segments, literals: body.literals },
        wrapped,
        { split, endDelimiter: change.attrs.get('endDelimiter')?.value },
        span,
      );
      continue;
    }
    if (change.name === 'sqlFile') {
      note(
        out,
        `sqlFile ${change.attrs.get('path')?.value ?? ''}: the SQL lives in another file, which migralint does not read from here; lint that file on its own.`,
        span,
      );
      continue;
    }
    const r = changeSql(change);
    if ('skip' in r) continue;
    if ('unreadable' in r) {
      note(out, `${r.unreadable}; it was not linted.`, span);
      continue;
    }
    for (const sql of r.statements) {
      out.items.push({ kind: 'operation', sql, span, exec: execFor(info, wrapped, false), call: change.name, origin: { changeSet: info, change } });
    }
  }
}

/** Formatted SQL: `--changeset author:id attr:value …` lines split the file into changeSets. */
function formattedSql(out: Out, file: SourceFile): void {
  const text = file.text;
  const all = lines(text);
  let current: { info: ChangeSetInfo; attrs: Map<string, string>; bodyStart: number } | null = null;
  const close = (end: number) => {
    if (!current) return;
    const { info, attrs, bodyStart } = current;
    current = null;
    if (end <= bodyStart || !forPostgres(attrs.get('dbms')) || otherDatabaseContext(attrs.get('context') ?? attrs.get('contextfilter'))) return;
    const wrapped = !/^false$/i.test(attrs.get('runintransaction') ?? '');
    const split = !/^false$/i.test(attrs.get('splitstatements') ?? '');
    const body = {
      kind: 'sql' as const,
      text: text.slice(bodyStart, end),
      segments: [{ chunkStart: 0, fileStart: bodyStart, length: end - bodyStart, verbatim: true }],
    };
    pushSql(out, info, body, wrapped, { split, endDelimiter: attrs.get('enddelimiter') }, { start: bodyStart, end });
  };
  for (const l of all) {
    const m = /^\s*--\s*changeset\s+("[^"]*"|\S+?):("[^"]*"|\S+)(.*)$/i.exec(l.text);
    if (!m) continue;
    close(l.start);
    const attrs = new Map<string, string>();
    let rit: { start: number; end: number } | undefined;
    const rest = m[3]!;
    const restStart = l.start + l.text.length - rest.length;
    for (const a of rest.matchAll(/(\w+):("[^"]*"|\S+)/g)) {
      const key = a[1]!.toLowerCase();
      attrs.set(key, a[2]!.replace(/^"|"$/g, ''));
      if (key === 'runintransaction') {
        const vStart = restStart + a.index! + a[1]!.length + 1;
        rit = { start: vStart, end: vStart + a[2]!.length };
      }
    }
    const label = `${m[1]!.replace(/^"|"$/g, '')}:${m[2]!.replace(/^"|"$/g, '')}`;
    current = { info: { format: 'sql', label, headerEnd: l.end, runInTransaction: rit }, attrs, bodyStart: l.next };
  }
  close(text.length);
}

function docOf(file: SourceFile): LbDocument {
  return /\.xml$/i.test(file.path) ? parseXmlChangelog(file.text) : parseYamlChangelog(file.text);
}

/** XML comments `<!-- migralint-disable-next-line … -->` hold directives too. */
function directivesOf(file: SourceFile, format: 'xml' | 'yaml' | 'sql'): Directive[] {
  if (format === 'sql') return scanLineDirectives(file.text, '--');
  if (format === 'yaml') return scanLineDirectives(file.text, '#');
  // An XML comment's text after `<!--`, as a `--` comment of the same length, so the SQL scanner reads it.
  const masked = file.text.replace(/<!--([\s\S]*?)-->/g, (all, inner: string) =>
    `--  ${inner.replace(/\n/g, ' ')}   `.slice(0, all.length).padEnd(all.length, ' '),
  );
  return scanLineDirectives(masked, '--');
}

export function extractLiquibase(file: SourceFile, _ctx: ExtractContext): MigrationUnit {
  const out: Out = { items: [], notes: [] };
  if (!/\.(xml|ya?ml|json)$/i.test(file.path)) {
    formattedSql(out, file);
    return { file, framework: 'liquibase', items: out.items, notes: out.notes, directives: directivesOf(file, 'sql') };
  }
  const doc = docOf(file);
  if (doc.error)
    out.notes.push({
      ruleId: 'parse-error',
      severity: 'error',
      message: `${doc.format === 'xml' ? 'XML' : 'YAML'} syntax error: ${doc.error.message}; findings past this point may be missing.`,
      span: doc.error.span,
    });
  for (const child of doc.root?.children ?? []) if (child.name === 'changeSet') changeSetItems(out, child, doc.format, file.text);
  return { file, framework: 'liquibase', items: out.items, notes: out.notes, directives: directivesOf(file, doc.format) };
}

/** The changelogs a changelog includes, in order: files, and folders (includeAll) whose changelogs run in name order. */
export function includesOf(file: string, text: string): Array<{ kind: 'file' | 'dir'; path: string; relative: boolean }> {
  const out: Array<{ kind: 'file' | 'dir'; path: string; relative: boolean }> = [];
  if (!/\.(xml|ya?ml|json)$/i.test(file)) {
    for (const m of text.matchAll(/^\s*--\s*include\s+file:(\S+)(.*)$/gim))
      out.push({ kind: 'file', path: m[1]!, relative: /relativeToChangelogFile:true/i.test(m[2]!) });
    return out;
  }
  const doc = /\.xml$/i.test(file) ? parseXmlChangelog(text) : parseYamlChangelog(text);
  for (const c of doc.root?.children ?? []) {
    const rel = /^true$/i.test(c.attrs.get('relativeToChangelogFile')?.value ?? '');
    if (c.name === 'include' && c.attrs.get('file')) out.push({ kind: 'file', path: c.attrs.get('file')!.value, relative: rel });
    if (c.name === 'includeAll' && c.attrs.get('path')) out.push({ kind: 'dir', path: c.attrs.get('path')!.value, relative: rel });
  }
  return out;
}

/** A path as Liquibase resolves it: beside the including changelog, or on the classpath (matched here by its end). */
export function resolveInclude(from: string, inc: { path: string; relative: boolean }, candidates: string[]): string[] {
  const posix = (p: string) => p.split(path.sep).join('/');
  const target = posix(inc.path)
    .replace(/^classpath\*?:/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  const exact = posix(path.resolve(path.dirname(from), target));
  return candidates.filter((c) => {
    const p = posix(path.resolve(c));
    return p === exact || p.startsWith(`${exact}/`) || (!inc.relative && (p.endsWith(`/${target}`) || p.includes(`/${target}/`)));
  });
}
