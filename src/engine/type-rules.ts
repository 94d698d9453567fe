/**
 * The schema-hygiene rules about column types (ban-char-field, prefer-text-field, prefer-timestamptz,
 * prefer-bigint-over-int, prefer-bigint-over-smallint, prefer-identity) share one shape: find the columns a
 * statement defines or retypes, match their type, and offer the mechanical rewrite of the type's text.
 *
 * The rewrite changes the resulting schema, so it is never a safe fix: later migrations, application code and
 * the migration tool's checksums rely on the type as written. It is a suggestion in hand-written migrations, and
 * display-only (words in the help, pointing at the schema source) in migrations an ORM generates, where the
 * generated SQL must follow the schema file, not the other way round.
 */
import { displayName } from '../catalog/catalog.js';
import { toFileSpan } from '../sql/statements.js';
import { generatedFrom as moduleGeneratedFrom } from '../frameworks/index.js';
import type { AnalyzedStatement, Fix, FrameworkId, Span } from '../types.js';
import { columnSites, localColumnSites, tableFor, typeLabel, type ColumnSite, type TypeInfo } from './ast.js';
import { defineRule, type Rule, type RuleContext, type RuleMeta } from './rule.js';
import { listed } from './describe.js';

export interface TypeRuleSpec {
  meta: Omit<RuleMeta, 'category' | 'fix' | 'messages'> & { message: string };
  /** The offending types, by PostgreSQL's internal name (int4, varchar, bpchar …). */
  matches(type: TypeInfo, site: ColumnSite): boolean;
  /** The type's text as written, anchored at its start: what the rewrite replaces. */
  pattern: RegExp;
  /** The new text for the type, or null when there is no mechanical rewrite. */
  replacement(type: TypeInfo, site: ColumnSite, newTable: boolean): string | null;
  /** The help line of each finding. */
  help: string;
  /** Narrows the rule to some columns under some presets (prefer-bigint-over-int: keys only in `recommended`). */
  inScope?(site: ColumnSite, s: AnalyzedStatement, ctx: RuleContext): boolean;
  /**
   * One finding per statement, naming every matching column, where the statement is one decision with one cost
   * (prefer-bigint-over-int: a table's ids and the keys pointing at them widen together). The message then gets
   * `columns` ("Column a.x" / "Columns a.x and a.y"), `are` (is / are), `it` (it / them) and `type` (the type, or
   * `mixedType` when they differ, each column's own type then in brackets); the suggestion rewrites every column
   * at once.
   */
  perStatement?: { mixedType: string };
}

interface Flagged {
  site: ColumnSite;
  column: string;
  rewrite: Fix | null;
}

export function defineTypeRule(spec: TypeRuleSpec): Rule {
  const { message, ...meta } = spec.meta;
  return defineRule({
    meta: { ...meta, category: 'hygiene', fix: 'suggestion', messages: { type: message } },
    check(ctx) {
      const initial = isInitialMigration(ctx.statements);
      for (const s of ctx.statements) {
        if (s.kind !== 'CreateStmt' && s.kind !== 'AlterTableStmt') continue;
        // An ORM's initial migration (Django CreateModel, Alembic op.create_table) is generated from the models:
        // the type is chosen there, not in this file, and every table is new. Style findings on it are noise.
        if (initial && s.item.kind === 'operation') continue;
        // Re-parse the statement for offsets only when one of its columns is of interest.
        if (!columnSites(s).some((site) => spec.matches(site.type, site))) continue;
        const source = generatedFrom(ctx.framework, ctx.unit.file.text);
        const flagged: Flagged[] = [];
        for (const site of localColumnSites(s)) {
          if (!spec.matches(site.type, site)) continue;
          if (spec.inScope && !spec.inScope(site, s, ctx)) continue;
          const newTable = site.how === 'create-table' || tableFor(s, site.table)?.sizeClass === 'new';
          const rewrite = source ? null : rewriteFix(ctx.fixer.fileEdit.bind(ctx.fixer), s, site, spec, newTable);
          flagged.push({ site, column: `${displayName(site.table)}.${displayName({ name: site.column })}`, rewrite });
        }
        const groups = spec.perStatement && flagged.length > 1 ? [flagged] : flagged.map((f) => [f]);
        for (const group of groups) {
          const first = group[0]!;
          const names = group.map((f) => f.column);
          const column = listed(names);
          const rewrites = group.flatMap((f) => (f.rewrite ? [f.rewrite] : []));
          const types = group.map((f) => typeLabel(f.site.type));
          const sameType = types.every((t) => t === types[0]);
          const data: Record<string, string> = spec.perStatement
            ? {
                columns: `${group.length === 1 ? 'Column' : 'Columns'} ${sameType ? column : listed(group.map((f, i) => `${f.column} (${types[i]})`))}`,
                are: group.length === 1 ? 'is' : 'are',
                it: group.length === 1 ? 'it' : 'them',
                type: sameType ? types[0]! : spec.perStatement.mixedType,
              }
            : { column, type: types[0]! };
          ctx.report({
            statement: s,
            span: typeSpan(s, first.site, spec.pattern),
            messageId: 'type',
            data,
            ...(rewrites.length ? { suggestions: [merged(rewrites)] } : {}),
            help: source ? `${spec.help} This migration is generated: change ${column} in ${source}, not in the generated SQL.` : spec.help,
          });
        }
      }
    },
  });
}

/** The rewrites of several columns of one statement as one suggestion. */
function merged(fixes: Fix[]): Fix {
  if (fixes.length === 1) return fixes[0]!;
  return { description: fixes.map((f) => f.description).join('; '), edits: fixes.flatMap((f) => f.edits) };
}

/** Every statement of the migration acts only on tables it creates: a project's first migration. */
function isInitialMigration(statements: AnalyzedStatement[]): boolean {
  return statements.length > 0 && statements.every((s) => s.kind === 'CreateStmt' || s.facts.tables.every((t) => t.sizeClass === 'new'));
}

type FileEdit = (s: AnalyzedStatement, e: { start: number; end: number; text: string }) => ReturnType<import('./fixer.js').Fixer['fileEdit']>;

function rewriteFix(fileEdit: FileEdit, s: AnalyzedStatement, site: ColumnSite & { typeStart?: number }, spec: TypeRuleSpec, newTable: boolean): Fix | null {
  if (site.typeStart === undefined) return null;
  const text = spec.replacement(site.type, site, newTable);
  if (text === null) return null;
  const m = spec.pattern.exec(s.sql.slice(site.typeStart));
  if (!m || m.index !== 0) return null;
  const edit = fileEdit(s, { start: site.typeStart, end: site.typeStart + m[0].length, text });
  if (!edit) return null;
  return { description: `Change ${site.column} from ${m[0].replace(/\s+/g, ' ')} to ${text}`, edits: [edit] };
}

/** The column's type as written, in the file: where the finding points. Undefined falls back to the statement. */
function typeSpan(s: AnalyzedStatement, site: ColumnSite & { typeStart?: number }, pattern: RegExp): Span | undefined {
  if (site.typeStart === undefined || s.item.kind !== 'sql') return undefined;
  const m = pattern.exec(s.sql.slice(site.typeStart));
  const length = m && m.index === 0 ? m[0].length : (/^[\w"]+/.exec(s.sql.slice(site.typeStart))?.[0].length ?? 0);
  if (length === 0) return undefined;
  const start = s.chunkSpan.start + site.typeStart;
  return toFileSpan(s.item.segments, { start, end: start + length });
}

/**
 * Where the schema of a generated migration is written, when the migration is generated by an ORM (Prisma,
 * Drizzle, Atlas, Django, Alembic autogenerate): a type change belongs there. Undefined for hand-written SQL.
 */
export function generatedFrom(framework: string, text: string): string | undefined {
  return moduleGeneratedFrom(framework as FrameworkId, text);
}
