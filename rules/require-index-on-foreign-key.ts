import { defineRule } from '../src/engine/rule.js';
import { displayName, tableKey } from '../src/catalog/catalog.js';
import { isVerbatim } from '../src/sql/statements.js';
import type { AnalyzedStatement, Edit, ForeignKeyFact } from '../src/types.js';
import type { RuleContext } from '../src/engine/rule.js';

/** `CREATE INDEX [CONCURRENTLY] name ON table (cols);` for a key, in the names as written. */
function indexSql(fk: ForeignKeyFact, concurrently: boolean): string {
  const cols = fk.columns.map((c) => displayName({ name: c })).join(', ');
  return `CREATE INDEX${concurrently ? ' CONCURRENTLY' : ''} ${displayName({ name: fk.indexName })} ON ${displayName(fk.tableName)} (${cols});`;
}

/**
 * Where the index can go in this file, and how: after the statement when the table is new in the change (a plain
 * build on an empty table) or when the statement runs on its own; after the COMMIT of an explicit transaction.
 * Null when the framework runs the file in a transaction or as one query: the index needs a migration of its own.
 */
function insertIndex(ctx: RuleContext, s: AnalyzedStatement, fk: ForeignKeyFact): { edit: Edit; sql: string } | null {
  if (s.item.kind !== 'sql' || !isVerbatim(s.item.segments, { start: s.chunkSpan.start, end: s.chunkSpan.end })) return null;
  const eol = ctx.fixer.eol;
  const tx = s.facts.inTransaction;
  if (fk.newTable) {
    // An empty table: a plain build takes its SHARE lock for no time, and may run in the same transaction. Not in
    // a one-query chunk of several statements: the index would join it, harmless, but keep the chunk as written.
    if (s.item.exec.oneQuery) return null;
    const sql = indexSql(fk, false);
    const end = ctx.fixer.afterStatement(s);
    const edit = ctx.fixer.fileEdit(s, { start: end, end, text: `${eol}${sql}` });
    return edit ? { edit, sql } : null;
  }
  if (s.item.exec.oneQuery || s.item.exec.wrapped) return null;
  const sql = indexSql(fk, true);
  if (!tx) {
    const end = ctx.fixer.afterStatement(s);
    const edit = ctx.fixer.fileEdit(s, { start: end, end, text: `${eol}${sql}` });
    return edit ? { edit, sql } : null;
  }
  if (tx.kind !== 'explicit') return null;
  const commit = ctx.statements.find(
    (c) => c.index > s.index && c.kind === 'TransactionStmt' && c.node.kind === 'TRANS_STMT_COMMIT' && c.itemIndex === s.itemIndex,
  );
  if (!commit) return null;
  const end = ctx.fixer.afterStatement(commit);
  const edit = ctx.fixer.fileEdit(commit, { start: end, end, text: `${eol}${sql}` });
  return edit ? { edit, sql } : null;
}

export default defineRule({
  meta: {
    id: 'require-index-on-foreign-key',
    description: 'A foreign key whose columns lead no index makes every DELETE or key UPDATE on the referenced table scan the referencing table.',
    category: 'constraints',
    defaultSeverity: 'warn',
    preset: 'recommended',
    fix: 'suggestion',
    messages: {
      missing:
        'Foreign key {{constraint}} on {{table}} ({{columns}}) references {{referenced}}, but no index on {{table}} starts with {{columns}}: every DELETE from {{referenced}}, and every UPDATE of its key, scans {{table}} to check for referencing rows.',
    },
    docs: {
      what: "Flags a foreign key (`CREATE TABLE … REFERENCES`, `ADD [CONSTRAINT …] FOREIGN KEY`, `ADD COLUMN … REFERENCES`) when no index on the referencing table has the key's columns as its first columns (in any order) once the migration has run. Indexes count when an earlier migration built them, when this migration builds them before or after the key, or when a later migration deployed with it builds them: a later migration of the change when linting one (`--changed-since`, `--staged`), else a later migration among the files linted together; a PRIMARY KEY or UNIQUE constraint leading with the columns counts too. A table whose indexes migralint cannot know (the migrations never created it) is not judged. Django builds an index for each ForeignKey itself, so its foreign keys are only flagged with `db_index=False`. When the referencing table is known to be small (table sizes from `--stats`, `--database-url` or config `tables`), the finding is info: each check scans a few rows today (also in the migration that creates the table: sizes that know it are those of a deployed history).",
      why: 'PostgreSQL indexes the referenced side of a foreign key (it must be a PRIMARY KEY or UNIQUE) but never the referencing side. When a referenced row is deleted, or its key updated, PostgreSQL looks for rows that still point at it (to refuse the change, or to cascade it); without an index that lookup is a sequential scan of the referencing table, once per row changed. A `DELETE` of a thousand customers reads a large orders table a thousand times, holding its row locks all the while, and `ON DELETE CASCADE` turns one delete into a long-running one. Joins along the key suffer the same way.',
      invalid: [
        {
          title: 'A new table whose foreign key has no index',
          code: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));\n',
          fixed:
            'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
        },
      ],
      valid: [
        {
          title: 'The index is built in the same migration',
          code: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
        },
        {
          title: "A composite primary key that starts with the key's column",
          code: 'CREATE TABLE tags (id bigint PRIMARY KEY);\nCREATE TABLE posts (id bigint PRIMARY KEY);\nCREATE TABLE post_tags (post_id bigint REFERENCES posts (id), tag_id bigint REFERENCES tags (id), PRIMARY KEY (post_id, tag_id));\nCREATE INDEX post_tags_tag_id_idx ON post_tags (tag_id);\n',
        },
      ],
      fixSafety:
        'Always a suggestion: a new index changes the schema (it takes space and slows writes), which a team may decide against for a small or rarely deleted-from table. On a table created in the change the suggestion adds a plain `CREATE INDEX` after the statement (the table is empty at deploy time). On an existing table it adds `CREATE INDEX CONCURRENTLY` after the statement when the statement runs on its own, or after the COMMIT of its explicit transaction; when the framework runs the migration in a transaction or as one query, the finding gives the statement to put in a migration of its own that runs without a transaction.',
      references: [
        'https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK',
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      for (const fk of s.facts.foreignKeys ?? []) {
        if (fk.indexed) continue;
        const at = insertIndex(ctx, s, fk);
        const concurrently = indexSql(fk, !fk.newTable);
        // A referencing table known to be small today (a settings table, by --stats, --database-url or config
        // `tables`): each check scans a few rows. Said at info, not silenced: the table may still grow.
        const referencing = s.facts.tables.find((t) => tableKey(t) === fk.table);
        // A table the migration creates is new here, but a snapshot that knows it is of a deployed history: its size today.
        // A table a TRUNCATE before the key emptied is small only until it fills again: its size today is not known.
        const small = (referencing?.sizeClass === 'small' && referencing.emptiedBy === undefined) || fk.smallToday === true;
        ctx.report({
          ...(small ? { info: true, table: referencing } : {}),
          statement: s,
          messageId: 'missing',
          data: {
            constraint: fk.constraint ?? '(unnamed)',
            table: displayName(fk.tableName),
            columns: fk.columns.join(', '),
            referenced: displayName({
              schema: fk.references.split('.')[0] === 'public' ? undefined : fk.references.split('.')[0],
              name: fk.references.slice(fk.references.indexOf('.') + 1),
            }),
          },
          foreignKey: { table: fk.table, columns: fk.columns },
          ...(at
            ? { suggestions: [{ description: `Add \`${at.sql}\``, edits: [at.edit] }] }
            : {
                help: fk.newTable
                  ? `Index the key in this migration: \`${concurrently}\``
                  : `Index the key in a migration of its own that runs without a transaction: \`${concurrently}\` (a plain CREATE INDEX would block writes to ${displayName(fk.tableName)} while it builds).`,
              }),
        });
      }
    }
  },
});
