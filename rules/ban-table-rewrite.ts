import type { AlterTableCmd } from '@pgsql/types';
import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { alterCmds, relName, tableFor } from '../src/engine/ast.js';
import { tableLabel, withSizeHint } from '../src/engine/describe.js';

/** ALTER TABLE subcommands that copy the whole table into a new file, and nothing else (no column changes). */
const REWRITES: Record<string, (c: AlterTableCmd) => string> = {
  AT_SetTableSpace: (c) => `SET TABLESPACE ${displayName({ name: c.name ?? '?' })}`,
  AT_SetLogged: () => 'SET LOGGED',
  AT_SetUnLogged: () => 'SET UNLOGGED',
  AT_SetAccessMethod: (c) => `SET ACCESS METHOD ${c.name}`,
};

export default defineRule({
  meta: {
    id: 'ban-table-rewrite',
    description: 'SET TABLESPACE, SET LOGGED, SET UNLOGGED and SET ACCESS METHOD copy the whole table under an ACCESS EXCLUSIVE lock.',
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'none',
    sizeAware: true,
    messages: {
      table:
        'ALTER TABLE {{table}} {{change}} copies the whole table into a new file while holding an ACCESS EXCLUSIVE lock: every SELECT, INSERT, UPDATE and DELETE waits until the copy is done.',
      index:
        'ALTER INDEX {{index}} {{change}} copies the whole index while holding an ACCESS EXCLUSIVE lock on it: every query on {{table}} waits, because planning any query on a table locks all its indexes.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … SET TABLESPACE`, `SET LOGGED`, `SET UNLOGGED`, `SET ACCESS METHOD` (to a method other than heap, which the SQL alone takes as the current one) and `ALTER INDEX … SET TABLESPACE` on a table that was not created in the same migration. Size-aware: silent on new and small tables. Column type changes (changing-column-type), volatile defaults (adding-field-with-default), VACUUM FULL and CLUSTER (ban-vacuum-full-and-cluster) have their own rules.',
      why: 'Each of these writes a complete new copy of the table (a new relfilenode) while holding ACCESS EXCLUSIVE, so nothing can read or write the table until the copy is done — minutes to hours on a large table — and the copy needs as much free disk space again. SET LOGGED also writes the whole table to the WAL, which replicas must then replay. Moving a large table to another tablespace or changing its persistence online needs a copy made beside it (a new table filled in batches, or logical replication, or pg_repack with `--tablespace`), then a swap.',
      invalid: [
        { code: 'ALTER TABLE events SET TABLESPACE archive_disks;\n', tables: { events: { rows: 80_000_000, bytes: 21_000_000_000 } } },
        { code: 'ALTER TABLE page_views SET LOGGED;\n' },
        { code: 'ALTER TABLE import_rows SET UNLOGGED;\n' },
      ],
      valid: [
        {
          title: 'A table created in the same migration',
          code: 'CREATE UNLOGGED TABLE import_rows (id bigint, payload text);\nALTER TABLE import_rows SET LOGGED;\n',
        },
        { title: 'A small table (below largeTableRows)', code: 'ALTER TABLE countries SET TABLESPACE fast_disks;\n', tables: { countries: { rows: 250 } } },
      ],
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-TABLESPACE',
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      // SET ACCESS METHOD heap (the default, built-in method) on a heap table keeps its file.
      if (s.kind !== 'AlterTableStmt') continue;
      const changes = alterCmds(s)
        .filter((c) => c.subtype && REWRITES[c.subtype] && !(c.subtype === 'AT_SetAccessMethod' && (!c.name || c.name === 'heap')))
        .map((c) => REWRITES[c.subtype!]!(c));
      if (changes.length === 0) continue;
      const rel = relName(s.node.relation);
      if (s.node.objtype === 'OBJECT_INDEX') {
        // The table of the index (from the model's lock claims), for its size.
        const table = s.facts.tables.find((t) => !rel || t.name !== rel.name) ?? s.facts.tables[0];
        if (table?.sizeClass === 'new') continue;
        ctx.report({
          statement: s,
          ...(table ? { table } : {}),
          messageId: 'index',
          data: { index: rel ? displayName(rel) : '?', change: changes.join(', '), table: table ? tableLabel(table) : 'its table' },
          help: withSizeHint(
            'Build a new index CONCURRENTLY in the other tablespace (CREATE INDEX CONCURRENTLY … TABLESPACE), then drop the old one CONCURRENTLY.',
            table,
          ),
        });
        continue;
      }
      if (s.node.objtype !== 'OBJECT_TABLE' && s.node.objtype !== 'OBJECT_MATVIEW') continue;
      const table = tableFor(s, rel);
      if (!table) continue;
      ctx.report({
        statement: s,
        table,
        messageId: 'table',
        data: { table: tableLabel(table), change: changes.join(', ') },
        help: withSizeHint('Copy the data into a new table beside it in batches (or use pg_repack), then swap names in a short transaction.', table),
      });
    }
  },
});
