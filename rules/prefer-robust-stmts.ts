import { defineRule, type RuleContext } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { alterCmds, relationOf, relName, unwrap } from '../src/engine/ast.js';
import type { AnalyzedStatement, Edit, Fix } from '../src/types.js';

const TABLE = /^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:"(?:[^"]|"")*"|[^\s"]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[^\s"]+))?\s+/i.source;

/** Where ` IF [NOT] EXISTS` goes: the end of the statement's leading keywords. */
const INSERT_AFTER: Record<string, RegExp> = {
  CreateStmt: /^CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\b/i,
  IndexStmt: /^CREATE\s+(?:UNIQUE\s+)?INDEX\b/i,
  CreateSeqStmt: /^CREATE\s+(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?SEQUENCE\b/i,
  CreateSchemaStmt: /^CREATE\s+SCHEMA\b/i,
  CreateExtensionStmt: /^CREATE\s+EXTENSION\b/i,
  DropStmt: /^DROP\s+(?:MATERIALIZED\s+VIEW|FOREIGN\s+TABLE|INDEX(?:\s+CONCURRENTLY)?|\w+)/i,
  AT_AddColumn: new RegExp(`${TABLE}ADD(?:\\s+COLUMN)?\\b`, 'i'),
  AT_DropColumn: new RegExp(`${TABLE}DROP(?:\\s+COLUMN)?\\b`, 'i'),
  AT_DropConstraint: new RegExp(`${TABLE}DROP\\s+CONSTRAINT\\b`, 'i'),
};

interface Problem {
  what: string;
  /** The edit in the statement's text, when mechanical. */
  local?: { at: RegExp; text: string };
}

export default defineRule({
  meta: {
    id: 'prefer-robust-stmts',
    description:
      'In a migration that runs without a transaction, a statement that fails half-way leaves earlier ones applied; IF [NOT] EXISTS makes a retry possible.',
    category: 'transactions',
    defaultSeverity: 'warn',
    preset: 'all',
    fix: 'safe',
    messages: {
      fragile: '{{what}} runs outside a transaction and fails when re-run after a partial failure: {{how}}.',
    },
    docs: {
      what: 'Only in the all preset. For statements that run outside any transaction block, flags `CREATE TABLE` / `CREATE INDEX` / `CREATE SEQUENCE` / `CREATE SCHEMA` / `CREATE EXTENSION` without `IF NOT EXISTS`, `ALTER TABLE … ADD COLUMN` without `IF NOT EXISTS`, `DROP …` and `ALTER TABLE … DROP COLUMN | CONSTRAINT` without `IF EXISTS`, and `ADD CONSTRAINT` not preceded by a `DROP CONSTRAINT IF EXISTS` of the same name. A `CREATE INDEX CONCURRENTLY` counts as robust when a `DROP INDEX CONCURRENTLY IF EXISTS` of the same index precedes it.',
      why: 'When a migration runs outside a transaction (CREATE INDEX CONCURRENTLY forces that), a failure in the middle leaves the statements before it applied. Re-running the migration then fails at the first of them ("relation already exists"), and someone has to fix the database by hand. Idempotent statements let the migration simply be run again.',
      invalid: [
        {
          code: 'CREATE TABLE customer_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, body text NOT NULL);\nALTER TABLE customers ADD COLUMN notes_count bigint;\n',
          fixed:
            'CREATE TABLE IF NOT EXISTS customer_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, body text NOT NULL);\nALTER TABLE customers ADD COLUMN IF NOT EXISTS notes_count bigint;\n',
          findings: [
            { line: 1, messageId: 'fragile' },
            { line: 2, messageId: 'fragile' },
          ],
        },
        {
          title: 'A concurrent build: drop a leftover INVALID index first rather than skip it',
          code: 'CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);\n',
          fixed: 'DROP INDEX CONCURRENTLY IF EXISTS orders_placed_at_idx;\nCREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);\n',
        },
        { code: 'DROP INDEX CONCURRENTLY orders_legacy_status_idx;\n', fixed: 'DROP INDEX CONCURRENTLY IF EXISTS orders_legacy_status_idx;\n' },
      ],
      valid: [
        {
          code: 'CREATE TABLE IF NOT EXISTS customer_notes (id bigint PRIMARY KEY, body text NOT NULL);\nALTER TABLE customers ADD COLUMN IF NOT EXISTS notes_count bigint;\n',
        },
        { code: 'DROP INDEX CONCURRENTLY IF EXISTS orders_placed_at_idx;\nCREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);\n' },
        {
          title: 'In a transaction a failure rolls everything back',
          code: 'BEGIN;\nCREATE TABLE customer_notes (id bigint PRIMARY KEY, body text NOT NULL);\nALTER TABLE customers ADD CONSTRAINT customers_notes_fk FOREIGN KEY (last_note_id) REFERENCES customer_notes (id) NOT VALID;\nCOMMIT;\n',
        },
        {
          code: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_positive;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n',
        },
      ],
      fixSafety:
        'Adds `IF NOT EXISTS` / `IF EXISTS` where PostgreSQL accepts it (for ALTER TABLE, only in a statement with that one subcommand), and for `CREATE INDEX CONCURRENTLY` inserts `DROP INDEX CONCURRENTLY IF EXISTS` before it, so a half-built INVALID index left by a failed run is rebuilt instead of silently kept. `IF NOT EXISTS` skips a same-named object even if it differs from the definition; that is the accepted trade of idempotent migrations. ADD CONSTRAINT has no IF NOT EXISTS: the finding says what to add.',
      references: [
        'https://www.postgresql.org/docs/current/sql-createtable.html',
        'https://www.postgresql.org/docs/current/sql-altertable.html',
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      const rel = relName(relationOf(s));
      if (s.facts.inTransaction) continue;
      // The "drop if exists, then create" pattern, in or out of a transaction: the analysis' droppedFirst.
      const droppedFirst = (name: string) => s.facts.droppedFirst?.includes(name) === true;
      const problems: Problem[] = [];
      const ifNot = (what: string, key: string) => problems.push({ what, local: { at: INSERT_AFTER[key]!, text: ' IF NOT EXISTS' } });
      const ifExists = (what: string, key: string) => problems.push({ what, local: { at: INSERT_AFTER[key]!, text: ' IF EXISTS' } });
      switch (s.kind) {
        case 'CreateStmt':
          if (!s.node.if_not_exists) ifNot('CREATE TABLE', 'CreateStmt');
          break;
        case 'IndexStmt':
          if (s.node.if_not_exists || !s.node.idxname) break;
          if (s.node.concurrent) {
            if (!droppedFirst(s.node.idxname)) problems.push({ what: 'CREATE INDEX CONCURRENTLY' });
          } else ifNot('CREATE INDEX', 'IndexStmt');
          break;
        case 'CreateSeqStmt':
          if (!s.node.if_not_exists) ifNot('CREATE SEQUENCE', s.kind);
          break;
        case 'CreateSchemaStmt':
          if (!s.node.if_not_exists) ifNot('CREATE SCHEMA', s.kind);
          break;
        case 'CreateExtensionStmt':
          if (!s.node.if_not_exists) ifNot('CREATE EXTENSION', s.kind);
          break;
        case 'DropStmt':
          if (!s.node.missing_ok)
            ifExists(
              s.sql
                .trim()
                .split(/\s+/)
                .slice(0, s.node.removeType === 'OBJECT_MATVIEW' ? 3 : 2)
                .join(' ')
                .toUpperCase(),
              'DropStmt',
            );
          break;
        case 'AlterTableStmt':
          for (const c of alterCmds(s)) {
            if (c.subtype === 'AT_AddColumn' && !c.missing_ok) ifNot('ADD COLUMN', 'AT_AddColumn');
            else if (c.subtype === 'AT_DropColumn' && !c.missing_ok) ifExists('DROP COLUMN', 'AT_DropColumn');
            else if (c.subtype === 'AT_DropConstraint' && !c.missing_ok) ifExists('DROP CONSTRAINT', 'AT_DropConstraint');
            else if (c.subtype === 'AT_AddConstraint') {
              const name: string | undefined = unwrap(c.def, 'Constraint')?.conname;
              if (!name) problems.push({ what: 'ADD CONSTRAINT (unnamed)' });
              else if (rel && !droppedFirst(name)) problems.push({ what: `ADD CONSTRAINT ${displayName({ name })}` });
            }
          }
          break;
        default:
          break;
      }
      if (problems.length === 0) continue;
      const fix = problems.length === 1 && (s.kind !== 'AlterTableStmt' || (s.node.cmds ?? []).length === 1) ? fixFor(ctx, s, problems[0]!) : undefined;
      ctx.report({
        statement: s,
        messageId: 'fragile',
        data: { what: problems.map((p) => p.what).join(', '), how: howTo(s, problems) },
        fix,
      });
    }
  },
});

function howTo(s: AnalyzedStatement, problems: Problem[]): string {
  if (problems.some((p) => p.what.startsWith('ADD CONSTRAINT'))) return 'precede ADD CONSTRAINT with ALTER TABLE … DROP CONSTRAINT IF EXISTS of the same name';
  if (s.kind === 'IndexStmt' && s.node.concurrent)
    return 'precede it with DROP INDEX CONCURRENTLY IF EXISTS of the same index (a failed build leaves an INVALID index behind)';
  return problems.some((p) => p.local?.text === ' IF NOT EXISTS') ? 'add IF NOT EXISTS' : 'add IF EXISTS';
}

function fixFor(ctx: RuleContext, s: AnalyzedStatement, p: Problem): Fix | undefined {
  if (s.kind === 'IndexStmt' && s.node.concurrent) {
    if (!s.node.idxname) return undefined;
    const rel = relName(relationOf(s));
    const index = displayName({ schema: rel?.schema, name: s.node.idxname });
    const edit = ctx.fixer.fileEdit(s, { start: 0, end: 0, text: `DROP INDEX CONCURRENTLY IF EXISTS ${index};${ctx.fixer.eol}` });
    return edit ? { description: `Drop a leftover ${index} before building it`, edits: [edit] } : undefined;
  }
  if (!p.local) return undefined;
  const m = p.local.at.exec(s.sql);
  if (!m) return undefined;
  const edit: Edit | null = ctx.fixer.fileEdit(s, { start: m[0].length, end: m[0].length, text: p.local.text });
  return edit ? { description: `Add${p.local.text}`, edits: [edit] } : undefined;
}
