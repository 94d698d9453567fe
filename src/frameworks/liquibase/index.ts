import path from 'node:path';
import { eolOf } from '../../engine/fixer.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { needAtomicity } from '../../sources/python/common.js';
import type { AnalyzedStatement, Edit, EscapePlan, MigrationUnit } from '../../types.js';
import type { LbNode } from './tree.js';
import { isSql } from '../shared.js';
import type { FrameworkModule, HistoryFile, OrderContext } from '../types.js';
import { extractLiquibase, includesOf, isChangelog, isFormattedSql, resolveInclude, type ChangeSetInfo } from './extract.js';

const changeSetOf = (s: AnalyzedStatement) => (s.item.origin as { changeSet?: ChangeSetInfo } | undefined)?.changeSet;

/**
 * Gets a statement out of its changeSet's transaction: `runInTransaction="false"` on the changeSet, in the
 * changelog's own format (an XML attribute, a YAML key, a formatted-SQL `runInTransaction:false`). Only when the
 * changeSet holds nothing else that needs the transaction; otherwise the statement belongs in a changeSet of its own.
 */
function escapeTransaction(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[]): EscapePlan | null {
  const info = changeSetOf(stmt);
  if (!info) return null;
  const item = stmt.item;
  const attr = info.format === 'xml' ? 'runInTransaction="false"' : info.format === 'yaml' ? 'runInTransaction: false' : 'runInTransaction:false';
  if (item.kind === 'sql' && item.exec.oneQuery && statements.filter((s) => s.itemIndex === stmt.itemIndex).length > 1) {
    return {
      kind: 'manual',
      help: `This SQL is sent as one statement (splitStatements is false), so the statements in it run as one implicit transaction. Give this statement a changeSet of its own${item.exec.wrapped ? ` with ${attr}` : ''}.`,
    };
  }
  if (!item.exec.wrapped) return null;
  const sameChangeSet = statements.filter((s) => changeSetOf(s) === info);
  const others = needAtomicity(stmt, sameChangeSet);
  if (others.length) {
    return {
      kind: 'manual',
      help: `${item.exec.reason}. It also holds statements that need the transaction (line ${others.map((s) => s.loc.line).join(', ')}), so move this statement into a changeSet of its own with ${attr}.`,
    };
  }
  const src = unit.file.text;
  const setFalse = (v: { start: number; end: number }) => ({
    kind: 'fix' as const,
    description: `Set ${attr} on changeSet ${info.label} (it holds nothing else that needs a transaction)`,
    edits: [{ start: v.start, end: v.end, text: 'false' }],
  });
  if (info.format === 'sql') {
    if (info.runInTransaction) return setFalse(info.runInTransaction);
    return {
      kind: 'fix',
      description: `Add runInTransaction:false to changeSet ${info.label} (it holds nothing else that needs a transaction)`,
      edits: [{ start: info.headerEnd!, end: info.headerEnd!, text: ' runInTransaction:false' }],
    };
  }
  const node = info.node!;
  const existing = node.attrs.get('runInTransaction');
  if (existing && existing.segments.every((g) => g.verbatim)) return setFalse(existing);
  if (existing) return { kind: 'manual', help: `${item.exec.reason}. Set ${attr} on the changeSet.` };
  if (info.format === 'xml') {
    return {
      kind: 'fix',
      description: `Add runInTransaction="false" to changeSet ${info.label} (it holds nothing else that needs a transaction)`,
      edits: [{ start: node.nameEnd!, end: node.nameEnd!, text: ' runInTransaction="false"' }],
    };
  }
  // YAML: a key of the changeSet's mapping, on its own line before `id:` (block style), or before it in a flow mapping.
  const id = node.attrs.get('id') ?? node.attrs.get('author');
  if (!id) return { kind: 'manual', help: `${item.exec.reason}. Add ${attr} to the changeSet.` };
  const lineStart = src.lastIndexOf('\n', id.keyStart - 1) + 1;
  const indent = src.slice(lineStart, id.keyStart);
  const edit = /^[ ]*$/.test(indent)
    ? { start: lineStart, end: lineStart, text: `${indent}runInTransaction: false${eolOf(src)}` }
    : /^[ ]*- $/.test(indent)
      ? { start: id.keyStart, end: id.keyStart, text: `runInTransaction: false${eolOf(src)}${' '.repeat(indent.length)}` }
      : { start: id.keyStart, end: id.keyStart, text: 'runInTransaction: false, ' };
  return { kind: 'fix', description: `Add runInTransaction: false to changeSet ${info.label} (it holds nothing else that needs a transaction)`, edits: [edit] };
}

/** XML: an `<sql>` change with the setting on the line before the change (it runs first, in the same changeSet). */
function insertBefore(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null {
  const info = changeSetOf(stmt);
  const change = (stmt.item.origin as { change?: LbNode } | undefined)?.change;
  if (!info || info.format !== 'xml' || !change || /[<&]/.test(sql)) return null;
  const src = unit.file.text;
  const lineStart = src.lastIndexOf('\n', change.start - 1) + 1;
  const indent = src.slice(lineStart, change.start);
  if (!/^[ \t]*$/.test(indent)) return null;
  return [{ start: lineStart, end: lineStart, text: `${indent}<sql>${sql.replace(/;\s*$/, '')}</sql>${eolOf(src)}` }];
}

export const liquibaseAdapter: FrameworkAdapter = {
  id: 'liquibase',
  name: 'Liquibase',
  commentPrefix: '--',
  extract: extractLiquibase,
  escapeTransaction,
  insertBefore,
};

/** The changelog folder a file belongs to: the outermost `changelog`/`changelogs`/`liquibase` folder above it, else its own. */
function root(file: string): string {
  const parts = path.resolve(file).split(path.sep);
  const i = parts.findIndex((p) => /^(?:db[._-]?)?change[-_]?logs?$|^liquibase$/i.test(p));
  return i >= 0 && i < parts.length - 1 ? parts.slice(0, i + 1).join(path.sep) || path.sep : path.dirname(path.resolve(file));
}

/**
 * The order Liquibase runs the changelogs in: from the master changelog (one no other includes), each `include` in
 * turn and each `includeAll` folder's changelogs in path order, depth first. Changelogs nothing includes follow by
 * name, each with a warning.
 */
function order(files: HistoryFile[], ctx: OrderContext): string[] {
  const paths = files.map((f) => f.path);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const included = new Map<string, string[]>();
  const isIncluded = new Set<string>();
  for (const f of files) {
    const list: string[] = [];
    for (const inc of includesOf(f.path, f.text)) {
      const hits = resolveInclude(f.path, inc, paths).filter((p) => p !== f.path);
      for (const h of inc.kind === 'dir' ? hits.sort() : hits.slice(0, 1)) list.push(h);
    }
    included.set(f.path, list);
    for (const p of list) isIncluded.add(p);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (p: string) => {
    if (seen.has(p)) return;
    seen.add(p);
    if (byPath.has(p)) out.push(p);
    for (const c of included.get(p) ?? []) visit(c);
  };
  const masters = paths.filter((p) => !isIncluded.has(p) && (included.get(p)?.length ?? 0) > 0).sort();
  for (const m of masters) visit(m);
  const rest = paths.filter((p) => !seen.has(p));
  if (masters.length)
    for (const p of rest)
      ctx.warnings.push({
        file: p,
        message: `${path.basename(p)} is not included by the master changelog, so Liquibase does not run it from there; migralint replays it after the included changelogs`,
        notRunByTool: true,
      });
  return [...out, ...ctx.byVersion(rest.map((p) => byPath.get(p)!))];
}

const CHANGELOG_FILES = /\.(?:xml|ya?ml|json)$/i;

export const liquibase: FrameworkModule = {
  id: 'liquibase',
  name: 'Liquibase',
  language: 'changelog',
  detect: [
    {
      priority: 960,
      describe: 'an XML, YAML or JSON document whose root is `databaseChangeLog`',
      test: (f) => CHANGELOG_FILES.test(f.path) && isChangelog(f.path, f.text),
    },
    { priority: 705, language: 'sql', describe: 'a first line `--liquibase formatted sql`', test: (f) => isSql(f) && isFormattedSql(f.text) },
  ],
  discovery: {
    globs: [
      '**/db/changelog/**/*.{xml,yaml,yml,json,sql}',
      '**/changelog/**/*.{xml,yaml,yml,json,sql}',
      '**/changelogs/**/*.{xml,yaml,yml,json,sql}',
      '**/liquibase/**/*.{xml,yaml,yml,json,sql}',
      '**/*changelog*.{xml,yaml,yml,json}',
    ],
    folders: ['src/main/resources/db/changelog', 'db/changelog', 'changelog'],
    markers: ['liquibase.properties'],
  },
  history: {
    describe: 'from the master changelog: each `include` in turn, each `includeAll` folder in path order (depth first)',
    root,
    order,
  },
  execution: {
    wraps: 'per-section',
    oneQuery: 'no',
    summary:
      'Each changeSet in a transaction of its own, committed with its DATABASECHANGELOG row; `runInTransaction="false"` (XML), `runInTransaction: false` (YAML) or `runInTransaction:false` (formatted SQL) opts a changeSet out. Statements are sent one by one; a `splitStatements: false` body is one statement.',
    optOuts: [
      { syntax: 'runInTransaction="false"', in: 'file' },
      { syntax: 'runInTransaction: false', in: 'file' },
      { syntax: 'runInTransaction:false', in: 'file' },
    ],
  },
  adapter: liquibaseAdapter,
  readme: '#liquibase',
  fixtures: ['fixtures/frameworks/liquibase'],
};
